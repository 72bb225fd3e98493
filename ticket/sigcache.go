package ticket

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"runtime"
	"sync"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/ecc"
	"github.com/cbets/cbets/multisig"
)

// defaultCacheSize is the size of a SignatureCache made with a size of
// zero or less: enough for the signatures of a full mempool and a few
// blocks (a record carries two to four), about 6 MB at most.
const defaultCacheSize = 1 << 16

// The schemes a cache entry is for. Each names the signature scheme and
// the hash profile, so that a signature verified under one never passes
// as another.
const (
	cacheDomain    = "CBETS/ticket/v1/signature-cache"
	schemeRBound   = "ecdsa/r-bound/sha256"
	schemeInverseS = "ecdsa/inverse-s/sha256"
	schemeTwoOfTwo = "multisig/2-of-2/sha256"
)

// cacheKey identifies one verified signature: SHA-256 over the domain,
// the scheme, and each of the key(s), message and signature with its
// length.
type cacheKey [32]byte

// SignatureCache remembers signatures that verified, so that a record
// checked once (at CheckTx, say) is not verified again in its block. It
// holds every signature a Step verifies: R-bound ones (certificates,
// events, cancellations, buy requests, merchant signatures), the holders'
// inverse-s ω, and the 2-of-2 Σ of a Consume.
//
// An entry is the SHA-256 of the exact public key(s), message and
// signature under the exact scheme, so only that triple hits: another
// key, message, signature or scheme is verified in full. Entries are
// added only by this package, and only after their verification
// succeeded; a signature that fails is never remembered, and fails
// again with the same error every time.
//
// The cache is safe for concurrent use and bounded: it keeps the most
// recently added entries up to its size and forgets the oldest ones
// beyond (first in, first out; a hit does not refresh an entry). Each
// entry costs about 100 bytes. A nil *SignatureCache is a cache that
// holds nothing.
type SignatureCache struct {
	mu   sync.RWMutex
	size int
	set  map[cacheKey]struct{}
	ring []cacheKey // the entries in the order added, from next on the oldest
	next int        // where the next entry replaces the oldest, once ring is full
}

// NewSignatureCache returns an empty cache that holds up to size
// signatures; a size of zero or less means the default, 65536.
func NewSignatureCache(size int) *SignatureCache {
	if size <= 0 {
		size = defaultCacheSize
	}
	return &SignatureCache{size: size, set: make(map[cacheKey]struct{})}
}

// Len returns the number of signatures the cache holds (0 for a nil
// cache).
func (c *SignatureCache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.set)
}

// has reports whether the cache holds k. A nil cache holds nothing.
func (c *SignatureCache) has(k cacheKey) bool {
	if c == nil {
		return false
	}
	c.mu.RLock()
	_, ok := c.set[k]
	c.mu.RUnlock()
	return ok
}

// add remembers k, forgetting the oldest entry when the cache is full.
// Callers add only signatures that verified.
func (c *SignatureCache) add(k cacheKey) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set == nil { // a zero SignatureCache, not made by NewSignatureCache
		c.set = make(map[cacheKey]struct{})
	}
	if c.size <= 0 {
		c.size = defaultCacheSize
	}
	if _, ok := c.set[k]; ok {
		return
	}
	if len(c.ring) < c.size {
		c.ring = append(c.ring, k)
	} else {
		delete(c.set, c.ring[c.next])
		c.ring[c.next] = k
		c.next = (c.next + 1) % c.size
	}
	c.set[k] = struct{}{}
}

// key returns the entry of a signature under scheme: parts are the public
// key(s), the message and the signature, each length-prefixed.
func key(scheme string, parts ...[]byte) cacheKey {
	h := sha256.New()
	var n [4]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	put([]byte(cacheDomain))
	put([]byte(scheme))
	for _, p := range parts {
		put(p)
	}
	var k cacheKey
	h.Sum(k[:0])
	return k
}

// rboundKey is the entry of an R-bound signature.
func rboundKey(pub *ecdsa.PublicKey, msg []byte, sig *ecdsa.RBoundSignature) cacheKey {
	return key(schemeRBound, pub.Bytes(), msg, sig.Bytes())
}

// verifyInverseS verifies the holder's ω through c.
func (c *SignatureCache) verifyInverseS(pub *ecdsa.PublicKey, msg []byte, sig *ecdsa.InverseSSignature) error {
	var k cacheKey
	if c != nil {
		k = key(schemeInverseS, pub.Bytes(), msg, sig.Bytes())
		if c.has(k) {
			return nil
		}
	}
	if err := ecdsa.VerifyInverseS(pub, msg, sig, ecdsa.SHA256); err != nil {
		return err
	}
	c.add(k)
	return nil
}

// verifyTwoOfTwo verifies a Consume's 2-of-2 Σ through c.
func (c *SignatureCache) verifyTwoOfTwo(user, merchant *ecdsa.PublicKey, msg []byte, sigma *multisig.Signature) error {
	var k cacheKey
	if c != nil {
		k = key(schemeTwoOfTwo, user.Bytes(), merchant.Bytes(), msg, sigma.Bytes())
		if c.has(k) {
			return nil
		}
	}
	if err := multisig.Verify(user, merchant, msg, sigma, ecdsa.SHA256); err != nil {
		return err
	}
	c.add(k)
	return nil
}

// precheckSplit is the smallest sub-batch PrecheckSignatures hands to a
// goroutine of its own: below it, one batch on one core costs less than
// the split (a batch's cost per signature falls as it grows).
const precheckSplit = 64

// PrecheckSignatures verifies the R-bound signatures that recs carry with
// their keys — each Buy's user signature (under its certificate's key)
// and each record's merchant signature (under the request's merchant) —
// in one batch (ecdsa.VerifyRBoundBatch), and adds those that verify to
// c, so that Step, given c as its Verifier's Signatures, does not verify
// them again. Signatures c already holds, and repeats, are verified once
// at most. A large batch is split over runtime.GOMAXPROCS(0) goroutines,
// each with at least 64 signatures.
//
// The signatures whose key a record does not carry — its certificate's
// (the registrar's key), its event's and its cancellation's — are left to
// Step, which caches them as it verifies them (they recur in many records
// and are usually cached already); Verifier.PrecheckSignatures batches
// them too.
//
// PrecheckSignatures never refuses anything: a record whose signature
// fails, or that is nil or malformed, is skipped and left for Step to
// refuse with its usual error. A nil c makes it a no-op: without a cache
// nothing it learns could be used.
func PrecheckSignatures(recs []*Record, c *SignatureCache) {
	precheck(recs, c, nil)
}

// PrecheckSignatures is the package's PrecheckSignatures with v's keys
// and events: besides the signatures recs carry with their keys, it
// batches each record's certificate under v.Registrar, and the signatures
// of the event and the cancellation among v.Events and v.Cancellations
// that Step would check the record against. The verified ones enter
// v.Signatures. It never refuses anything, v included: with a nil v or
// no v.Signatures it does nothing, and a key or event it cannot use is
// skipped.
func (v *Verifier) PrecheckSignatures(recs []*Record) {
	if v == nil {
		return
	}
	precheck(recs, v.Signatures, v)
}

// precheck collects the R-bound signatures of recs that c does not hold,
// those whose key is in v too when v is not nil, and verifies them.
func precheck(recs []*Record, c *SignatureCache, v *Verifier) {
	if c == nil {
		return
	}
	var (
		items []ecdsa.BatchItem
		keys  []cacheKey
		seen  = make(map[cacheKey]bool)
		done  = make(map[any]bool) // events and cancellations collected
	)
	// held reports whether the signature of key k is in the cache or
	// the batch already.
	held := func(k cacheKey) bool { return seen[k] || c.has(k) }
	batch := func(k cacheKey, pub *ecdsa.PublicKey, msg []byte, sig *ecdsa.RBoundSignature) {
		seen[k] = true
		items = append(items, ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: sig})
		keys = append(keys, k)
	}
	add := func(pub *ecdsa.PublicKey, msg []byte, sig *ecdsa.RBoundSignature) {
		if !pubOK(pub) || sig.Bytes() == nil {
			return
		}
		if k := rboundKey(pub, msg, sig); !held(k) {
			batch(k, pub, msg, sig)
		}
	}
	// parse batches a signature given as its encoding. A signature held
	// already is found by its bytes, unparsed: the key of a parsed
	// signature is made from its canonical encoding, the only one that
	// parses to it (rbounds.holds), and parsing decompresses R.
	parse := func(pub *ecdsa.PublicKey, msg, sigb []byte) {
		if !pubOK(pub) || len(sigb) != ecdsa.RBoundSignatureSize {
			return
		}
		k := key(schemeRBound, pub.Bytes(), msg, sigb)
		if held(k) {
			return
		}
		if sig, err := ecdsa.ParseRBoundSignature(sigb); err == nil {
			batch(k, pub, msg, sig)
		}
	}
	for _, rec := range recs {
		if rec == nil || rec.Request == nil {
			continue
		}
		req := rec.Request
		if req.Kind == KindBuy {
			parse(req.Cert.PublicKey(), req.SignedBytes(), req.Sig)
		}
		parse(req.Merchant, rec.SignedBytes(), rec.MerchantSig)
		if v == nil {
			continue
		}
		if req.Cert.complete() {
			add(v.Registrar, req.Cert.signed(), req.Cert.sig)
		}
		if !pubOK(req.Merchant) {
			continue
		}
		ev := v.event(req.Event, req.Merchant)
		if ev == nil || done[ev] {
			continue
		}
		done[ev] = true
		add(ev.merchant, ev.signed(), ev.sig)
		if canc, err := v.cancellation(ev); err == nil && canc != nil && !done[canc] {
			done[canc] = true
			add(canc.merchant, canc.signed(), canc.sig)
		}
	}
	if len(items) == 0 {
		return
	}
	parts := min(runtime.GOMAXPROCS(0), len(items)/precheckSplit)
	if parts <= 1 {
		precheckBatch(items, keys, c)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(items)/parts, (p+1)*len(items)/parts
		wg.Go(func() { precheckBatch(items[lo:hi], keys[lo:hi], c) })
	}
	wg.Wait()
}

// preverifyInverseS verifies the inverse-s signatures of recs' requests
// under their certificates' keys (every kind but Buy, whose signature is
// R-bound, and Consume, whose ω Step checks within its Σ) on up to
// GOMAXPROCS goroutines, and sets ok[i] to the request of each record i
// whose signature verified, adding it to c too when c is not nil. Like precheck it
// refuses nothing: a request that is nil, malformed or badly signed is
// left for Step to refuse.
func preverifyInverseS(recs []*Record, ok []*Request, c *SignatureCache) {
	type item struct {
		req *Request
		at  int
		pub *ecdsa.PublicKey
		msg []byte
		sig *ecdsa.InverseSSignature
	}
	items := make([]item, 0, len(recs))
	for i, rec := range recs {
		if rec == nil || rec.Request == nil || rec.Request.Kind == KindBuy || rec.Request.Kind == KindConsume {
			continue
		}
		req := rec.Request
		pub := req.Cert.PublicKey()
		if !pubOK(pub) {
			continue
		}
		if sig, err := ecdsa.ParseInverseSSignature(req.Sig); err == nil {
			items = append(items, item{req, i, pub, req.SignedBytes(), sig})
		}
	}
	ecc.Parallel(len(items), 1, func(lo, hi int) {
		for _, it := range items[lo:hi] {
			if c.verifyInverseS(it.pub, it.msg, it.sig) == nil {
				ok[it.at] = it.req
			} // else Step reports the failure
		}
	})
}

// precheckBatch verifies items in one batch and adds to c the keys of
// those that verify: all of them, or all but those the *BatchError names.
// Without randomness for the weights it adds none.
func precheckBatch(items []ecdsa.BatchItem, keys []cacheKey, c *SignatureCache) {
	err := ecdsa.VerifyRBoundBatch(items, ecdsa.SHA256, nil)
	var be *ecdsa.BatchError
	switch {
	case err == nil:
	case errors.As(err, &be):
	default:
		return
	}
	c.addVerified(keys, be)
}

// addVerified adds the keys of a batch that verified but for the items be
// names (none when be is nil).
func (c *SignatureCache) addVerified(keys []cacheKey, be *ecdsa.BatchError) {
	if c == nil {
		return
	}
	bad := 0
	for i, k := range keys {
		if be != nil && bad < len(be.Invalid) && be.Invalid[bad] == i {
			bad++
			continue
		}
		c.add(k)
	}
}
