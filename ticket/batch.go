package ticket

import (
	"errors"
	"slices"

	"github.com/cbets/cbets/ecdsa"
)

// rbounds decides how the checks verify R-bound signatures (certificates,
// events, cancellations, buy requests, merchant signatures): at once when
// nil, as the merchant's transitions do; at once through a SignatureCache,
// as Step does when its Verifier has one; or deferred into one batch
// (ecdsa.VerifyRBoundBatch) by Replay, which verifies a whole history with
// one multi-scalar multiplication. The inverse-s signatures (ω) cannot be
// batched and are always verified at once, through the cache when there
// is one.
type rbounds struct {
	// cache holds signatures that verified: one it holds is not verified
	// again, and one that verifies is added (nil: no cache).
	cache *SignatureCache
	// deferred collects the signatures into the batch; otherwise each is
	// verified at once.
	deferred bool
	items    []ecdsa.BatchItem
	keys     []cacheKey     // each item's cache entry, when there is a cache
	record   []int          // the record each item belongs to
	single   []func() error // the item's own check, for the error it reports
	at       int            // the record being checked
	// omegas[i] is record i's request when its ω verified ahead of the
	// fold (Replay on several cores): the fold does not verify it again.
	omegas []*Request
	// seen holds the signatures already deferred: a holder's certificate
	// recurs in most records of a history and is verified once, its
	// failure reported at its first (earliest) record.
	seen map[string]bool
}

// omegaVerified reports whether q, the request of the record being
// checked, had its ω verified ahead of the fold.
func (b *rbounds) omegaVerified(q *Request) bool {
	return b != nil && b.at < len(b.omegas) && b.omegas[b.at] == q
}

// signatures returns b's cache (nil when b is nil or has none).
func (b *rbounds) signatures() *SignatureCache {
	if b == nil {
		return nil
	}
	return b.cache
}

// holds reports whether b's cache holds the R-bound signature encoded as
// sigb by pub on msg. An entry is made from a signature's canonical
// encoding, which is the only encoding that parses to it, so a hit on the
// bytes is a signature that parses and verifies: the caller skips both
// (parsing decompresses R, most of a cached signature's cost).
func (b *rbounds) holds(pub *ecdsa.PublicKey, msg, sigb []byte) bool {
	c := b.signatures()
	return c != nil && len(sigb) == ecdsa.RBoundSignatureSize && c.has(key(schemeRBound, pub.Bytes(), msg, sigb))
}

// verify runs check now, or defers the signature to the batch with check
// as its error report. A signature the cache holds passes without either.
func (b *rbounds) verify(pub *ecdsa.PublicKey, msg []byte, sig *ecdsa.RBoundSignature, check func() error) error {
	if b == nil {
		return check()
	}
	var k cacheKey
	if b.cache != nil {
		k = rboundKey(pub, msg, sig)
		if b.cache.has(k) {
			return nil
		}
	}
	if !b.deferred {
		err := check()
		if err == nil {
			b.cache.add(k)
		}
		return err
	}
	key := string(pub.Bytes()) + string(sig.Bytes()) + string(msg)
	if b.seen[key] {
		return nil
	}
	if b.seen == nil {
		b.seen = make(map[string]bool)
	}
	b.seen[key] = true
	b.items = append(b.items, ecdsa.BatchItem{PublicKey: pub, Message: msg, Signature: sig})
	b.keys = append(b.keys, k)
	b.record = append(b.record, b.at)
	b.single = append(b.single, check)
	return nil
}

// before verifies the deferred signatures of the records before index
// and returns the error of the earliest bad record: one of those, else
// record index failing with err (nil when index is past the end). The
// signatures that verify enter the cache.
func (b *rbounds) before(records []*Record, index int, err error) error {
	n := 0
	for n < len(b.record) && b.record[n] < index {
		n++
	}
	berr := ecdsa.VerifyRBoundBatch(b.items[:n], ecdsa.SHA256, nil)
	var be *ecdsa.BatchError
	switch {
	case errors.As(berr, &be):
		// The earliest record whose signature fails on its own. The batch
		// and the single check share their arithmetic and agree; should
		// they not, the history is refused all the same.
		invalid := slices.SortedStableFunc(slices.Values(be.Invalid), func(i, j int) int { return b.record[i] - b.record[j] })
		index, err = b.record[invalid[0]], errorf(ErrSignature, "a signature failed in a batch and verified alone")
		for _, i := range invalid {
			if serr := b.single[i](); serr != nil {
				index, err = b.record[i], serr
				break
			}
		}
	case berr != nil:
		return berr // no randomness for the weights
	}
	b.cache.addVerified(b.keys[:n], be)
	if err == nil {
		return nil
	}
	var kind Kind
	if records[index] != nil && records[index].Request != nil {
		kind = records[index].Request.Kind
	}
	return &RecordError{Index: index, Kind: kind, Err: err}
}
