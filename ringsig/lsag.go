package ringsig

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/ecc"
	"github.com/cbets/cbets/internal/h2c"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

const (
	challengeDomain = "CBETS-LSAG-v1/c"
	nonceDomain     = "CBETS-LSAG-v1/nonce"
	streamDomain    = "CBETS-LSAG-v1/s"
	scopeDomain     = "CBETS-LSAG-v1/scope"
	imageSize       = 33
	scalarSize      = 32
	maxAttempts     = 64
	sharedWindow    = 7 // wNAF width for h and I, shared by every member
)

// Scope is a linking scope: signatures by one key link inside a scope and
// not across scopes. Its base point h = hash_to_curve(scope) comes from RFC
// 9380 hash-to-curve under the cbets DST, so nobody knows its discrete
// logarithm to G. A Scope also holds precomputed multiples of h; making one
// costs about one and a half scalar multiplications: make a Scope once and
// reuse it. Only NewScope makes scopes: Sign and Verify refuse a nil
// *Scope and the zero value, which has no base point, with ErrScope.
type Scope struct {
	raw    []byte
	digest [32]byte
	h      secp256k1.JacobianPoint // affine
	hTable *ecc.Table
}

// NewScope hashes scope to its base point. Any byte string is a scope,
// the empty one included: nil and []byte{} are the same scope,
// hash_to_curve of the empty string. The caller chooses scopes so that
// they differ wherever signatures must not link.
func NewScope(scope []byte) (*Scope, error) {
	h, err := h2c.HashToCurve(scope, []byte(h2c.DST))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrScope, err)
	}
	s := &Scope{raw: append([]byte(nil), scope...), h: h, hTable: ecc.NewAffineTables([]secp256k1.JacobianPoint{h}, sharedWindow, true)[0]}
	d := sha256.New()
	d.Write([]byte(scopeDomain))
	d.Write(scope)
	d.Sum(s.digest[:0])
	return s, nil
}

// check refuses a nil Scope and the zero value, which has no base point.
func (s *Scope) check() error {
	switch {
	case s == nil:
		return fmt.Errorf("%w: nil", ErrScope)
	case s.hTable == nil:
		return fmt.Errorf("%w: zero value, not made by NewScope", ErrScope)
	}
	return nil
}

// table returns the precomputed multiples of h.
func (s *Scope) table() *ecc.Table {
	return s.hTable
}

// Bytes returns a copy of the scope, not nil even when empty; nil for a
// nil Scope and the zero value.
func (s *Scope) Bytes() []byte {
	if s.check() != nil {
		return nil
	}
	return append([]byte{}, s.raw...)
}

// Base returns the compressed encoding of h; 33 zero bytes, the encoding of
// no point, for a nil Scope and the zero value.
func (s *Scope) Base() [33]byte {
	if s.check() != nil {
		return [33]byte{}
	}
	return ecc.CompressAffine(&s.h)
}

// Tag is what linking compares: a key image together with the scope it was
// verified in. Two signatures by one key in one scope have equal tags. Tags
// are comparable and may serve as map keys. The zero Tag, which Verify
// returns only with an error, links with nothing.
type Tag struct {
	scope [32]byte
	image [imageSize]byte
}

// Image returns the key image I = k·h, compressed; 33 zero bytes for the
// zero Tag.
func (t Tag) Image() [33]byte { return t.image }

// Link reports whether two verified signatures come from the same key in
// the same scope (SPEC section 6): the tags Verify returned are equal. It
// returns ErrZeroTag if either tag is the zero Tag, as Verify returns it
// with an error: two failed verifications must not link.
func Link(a, b Tag) (bool, error) {
	if a == (Tag{}) || b == (Tag{}) {
		return false, fmt.Errorf("%w: not returned by a successful Verify", ErrZeroTag)
	}
	return a == b, nil
}

// Signature is an LSAG signature: I ‖ c_0 ‖ s_0 ‖ … ‖ s_{N−1}. Only
// ParseSignature and Sign make signatures: Verify refuses a nil *Signature
// and the zero value, which has no key image, with ErrMalformedSignature.
type Signature struct {
	image  secp256k1.JacobianPoint // affine, not infinity
	imageC [imageSize]byte
	c0     secp256k1.ModNScalar
	s      []secp256k1.ModNScalar
}

// SignatureSize returns the length of a signature over a ring of n members.
func SignatureSize(n int) int { return imageSize + scalarSize*(n+1) }

// ParseSignature decodes I ‖ c_0 ‖ s_0 ‖ … ‖ s_{N−1} with N = (len − 65)/32.
// It requires MinRingSize ≤ N ≤ MaxRingSize, a key image that is a
// canonical compressed curve point, c_0 in [1, n−1] and every s_i below n.
// Bytes returns b exactly.
func ParseSignature(b []byte) (*Signature, error) {
	if len(b) < SignatureSize(MinRingSize) || len(b) > SignatureSize(MaxRingSize) || (len(b)-imageSize)%scalarSize != 0 {
		return nil, fmt.Errorf("%w: length %d is not 33 + 32·(N+1) for %d ≤ N ≤ %d", ErrMalformedSignature, len(b), MinRingSize, MaxRingSize)
	}
	n := (len(b)-imageSize)/scalarSize - 1
	sig := &Signature{s: make([]secp256k1.ModNScalar, n)}
	var ok bool
	if sig.image, ok = ecc.ParseCompressedPoint(b[:imageSize]); !ok {
		return nil, fmt.Errorf("%w: key image is not a compressed curve point", ErrMalformedSignature)
	}
	copy(sig.imageC[:], b[:imageSize])
	off := imageSize
	if sig.c0, ok = ecc.ParseNonZeroScalar(b[off : off+scalarSize]); !ok {
		return nil, fmt.Errorf("%w: c_0 is zero or not below n", ErrMalformedSignature)
	}
	for i := range sig.s {
		off += scalarSize
		if sig.s[i], ok = ecc.ParseScalar(b[off : off+scalarSize]); !ok {
			return nil, fmt.Errorf("%w: s_%d is not below n", ErrMalformedSignature, i)
		}
	}
	return sig, nil
}

// check refuses a nil Signature and the zero value, which has no key image
// and no responses (the constructors always set both).
func (sig *Signature) check() error {
	switch {
	case sig == nil:
		return fmt.Errorf("%w: nil", ErrMalformedSignature)
	case len(sig.s) < MinRingSize:
		return fmt.Errorf("%w: zero value, not made by ParseSignature or Sign", ErrMalformedSignature)
	}
	return nil
}

// Bytes returns the encoding; nil for a nil Signature and the zero value.
func (sig *Signature) Bytes() []byte {
	if sig.check() != nil {
		return nil
	}
	out := make([]byte, SignatureSize(len(sig.s)))
	copy(out, sig.imageC[:])
	off := imageSize
	sig.c0.PutBytesUnchecked(out[off:])
	for i := range sig.s {
		off += scalarSize
		sig.s[i].PutBytesUnchecked(out[off:])
	}
	return out
}

// Len returns the ring size N the signature is for; 0 for a nil Signature
// and the zero value.
func (sig *Signature) Len() int {
	if sig.check() != nil {
		return 0
	}
	return len(sig.s)
}

// KeyImage returns I = k·h, compressed. It links only together with its
// scope: compare the Tags that Verify returns. It returns 33 zero bytes for
// a nil Signature and the zero value.
func (sig *Signature) KeyImage() [33]byte {
	if sig.check() != nil {
		return [33]byte{}
	}
	return sig.imageC
}

// SignOptions adjusts signing. A nil *SignOptions signs deterministically.
type SignOptions struct {
	// Rand, when not nil, hedges the nonces with 32 bytes read from it.
	Rand io.Reader
}

// challengePrefix hashes the part of every challenge that does not change
// along the ring: domain, D, scope, msg and I.
func challengePrefix(ring *Ring, scope *Scope, msg []byte, image *[imageSize]byte) hash.Hash {
	h := sha256.New()
	h.Write([]byte(challengeDomain))
	h.Write(ring.digest[:])
	writeVar(h, scope.raw)
	writeVar(h, msg)
	h.Write(image[:])
	return h
}

func writeVar(h hash.Hash, b []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// chain computes c(L, R) = int(SHA256(prefix ‖ L ‖ R)) mod n from the
// Jacobian points L and R.
type chain struct {
	prefix hash.Hash
	buf    [32]byte
}

// infinity names the first of L_i and R_i that is the point at infinity,
// which has no compressed encoding for the challenge (SPEC section 6), or
// returns "".
func infinity(l, r *secp256k1.JacobianPoint) string {
	switch {
	case ecc.IsInfinity(l):
		return "L"
	case ecc.IsInfinity(r):
		return "R"
	}
	return ""
}

// next returns c(L, R). Neither point may be infinity: the callers check
// with infinity first.
func (c *chain) next(l, r *secp256k1.JacobianPoint) secp256k1.ModNScalar {
	h := c.prefix.(hash.Cloner)
	hc, err := h.Clone()
	if err != nil {
		panic("ringsig: sha256 state cannot be cloned: " + err.Error())
	}
	ecc.ToAffinePair(l, r)
	enc := ecc.CompressAffine(l)
	hc.Write(enc[:])
	enc = ecc.CompressAffine(r)
	hc.Write(enc[:])
	var e secp256k1.ModNScalar
	e.SetByteSlice(hc.Sum(c.buf[:0]))
	return e
}

// Sign produces an LSAG signature of msg by the member at index of ring,
// holding key, in scope (SPEC section 6). Nonces are deterministic (RFC 6979
// under the tag "CBETS/LSAG/NONCE", keyed by the key and a hash of ring,
// scope, msg and index) unless opts.Rand hedges them. The work done does not
// depend on index: every member but the signer costs the same.
//
// Attempt a = 0, 1, …, 63 takes α from RFC 6979 iteration 2a and the seed
// of the other members' responses from iteration 2a+1. An attempt that
// meets a zero challenge, or a point at infinity among the L_i and R_i, is
// discarded whole and the next one starts: the verifier refuses both. Each
// happens with probability about 2^-256 per member.
//
// A nil key, a nil or zero-value ring or scope is refused with an error. A
// key whose scalar is zero (wiped by Zero, or the zero value of
// ecdsa.PrivateKey) is a programming error: Sign panics.
func Sign(key *ecdsa.PrivateKey, ring *Ring, index int, scope *Scope, msg []byte, opts *SignOptions) (*Signature, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: nil", ErrSigningKey)
	}
	kb := key.Bytes()
	k, ok := ecc.ParseNonZeroScalar(kb)
	clear(kb)
	if !ok {
		panic("ringsig: Sign: key is zero (wiped by Zero, or the zero value of ecdsa.PrivateKey)")
	}
	defer k.Zero()
	if err := ring.check(); err != nil {
		return nil, err
	}
	if err := scope.check(); err != nil {
		return nil, err
	}
	if index < 0 || index >= ring.Len() {
		return nil, fmt.Errorf("%w: index %d, ring of %d", ErrSignerIndex, index, ring.Len())
	}
	if !ring.keys[index].Equal(key.PublicKey()) {
		return nil, fmt.Errorf("%w: member %d is not the signer's key", ErrSignerIndex, index)
	}
	var extra *[32]byte
	if opts != nil {
		var err error
		if extra, err = ecc.ReadExtra(opts.Rand); err != nil {
			return nil, fmt.Errorf("ringsig: %w", err)
		}
	}

	sig := newSignature(ring.Len(), scope, &k)
	h0 := nonceInput(ring, scope, msg, index)
	c := chain{prefix: challengePrefix(ring, scope, msg, &sig.imageC)}
	for attempt := range uint32(maxAttempts) {
		alpha := ecc.Nonce(&k, h0[:], extra, &ecc.TagRingSignature, 2*attempt)
		seed := ecc.Nonce(&k, h0[:], extra, &ecc.TagRingSignature, 2*attempt+1)
		sig.responses(&seed, index)
		seed.Zero()
		ok := sig.fill(ring, scope, &c, index, &alpha, &k)
		alpha.Zero()
		if ok {
			return sig, nil
		}
	}
	return nil, errors.New("ringsig: no signature found") // probability ≈ 2^-256·64·N
}

// newSignature starts a signature over n members by the key k: its key
// image I = k·h.
func newSignature(n int, scope *Scope, k *secp256k1.ModNScalar) *Signature {
	sig := &Signature{s: make([]secp256k1.ModNScalar, n)}
	secp256k1.ScalarMultNonConst(k, &scope.h, &sig.image)
	ecc.ToAffine(&sig.image)
	sig.imageC = ecc.CompressAffine(&sig.image)
	return sig
}

// nonceInput binds the nonces to everything signed and to the index.
func nonceInput(ring *Ring, scope *Scope, msg []byte, index int) [32]byte {
	h := sha256.New()
	h.Write([]byte(nonceDomain))
	h.Write(ring.digest[:])
	writeVar(h, scope.raw)
	writeVar(h, msg)
	var i [4]byte
	binary.BigEndian.PutUint32(i[:], uint32(index))
	h.Write(i[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// responses sets the response s_i of every member but the signer at pi
// from the signing seed.
func (sig *Signature) responses(seed *secp256k1.ModNScalar, pi int) {
	b := seed.Bytes()
	defer clear(b[:])
	for i := range sig.s {
		if i != pi {
			sig.s[i] = streamScalar(&b, i)
		}
	}
}

// fill runs the signing chain from the signer's slot with the responses
// in sig.s and sets c_0 and s_π. It reports false when a challenge came out
// zero or an L_i or R_i is the point at infinity, which the verifier would
// refuse: L_π = αG and R_π = αh are infinity when α = 0, L_i when
// s_i = −c_i·k_i, R_i when s_i = −c_i·k.
func (sig *Signature) fill(ring *Ring, scope *Scope, c *chain, pi int, alpha, k *secp256k1.ModNScalar) bool {
	n := ring.Len()
	var l, r secp256k1.JacobianPoint
	ecc.ScalarBaseMult(alpha, &l) // constant time: α is secret
	secp256k1.ScalarMultNonConst(alpha, &scope.h, &r)
	if infinity(&l, &r) != "" {
		return false
	}
	ci := c.next(&l, &r) // c_{π+1}
	hTab, imgTab := scope.table(), ecc.NewAffineTables([]secp256k1.JacobianPoint{sig.image}, sharedWindow, true)[0]
	tabs := ring.signingTables()
	for j := 1; j < n; j++ {
		i := (pi + j) % n
		if ci.IsZero() {
			return false
		}
		if i == 0 {
			sig.c0 = ci
		}
		if tabs != nil {
			l = ecc.MulAddTable(&sig.s[i], &ci, tabs[i])
		} else {
			l = ecc.MulAdd(&sig.s[i], &ci, &ring.points[i])
		}
		r = ecc.MulAddTables(&sig.s[i], hTab, &ci, imgTab)
		if infinity(&l, &r) != "" {
			return false
		}
		ci = c.next(&l, &r)
	}
	if ci.IsZero() {
		return false
	}
	if pi == 0 {
		sig.c0 = ci
	}
	// s_π = α − c_π·k
	var ck secp256k1.ModNScalar
	ck.Mul2(&ci, k).Negate()
	sig.s[pi].Add2(alpha, &ck)
	ck.Zero()
	return true
}

// streamScalar derives the response of member i from the signing seed:
// int(SHA256("CBETS-LSAG-v1/s" ‖ seed ‖ u32be(i) ‖ u32be(ctr))) for the first
// ctr that gives a value below n.
func streamScalar(seed *[32]byte, i int) secp256k1.ModNScalar {
	var buf [len(streamDomain) + 32 + 8]byte
	copy(buf[:], streamDomain)
	copy(buf[len(streamDomain):], seed[:])
	binary.BigEndian.PutUint32(buf[len(streamDomain)+32:], uint32(i))
	for ctr := uint32(0); ; ctr++ {
		binary.BigEndian.PutUint32(buf[len(buf)-4:], ctr)
		d := sha256.Sum256(buf[:])
		if s, ok := ecc.ParseScalar(d[:]); ok {
			clear(buf[:])
			return s
		}
	}
}

// Verify checks sig on msg over ring in scope (SPEC section 6): the
// signature has one response per member, and the challenge chain
// recomputed from c_0 through L_i = s_i·G + c_i·pk_i and
// R_i = s_i·h + c_i·I closes at c_0, with no challenge zero and no L_i or
// R_i the point at infinity on the way. On success it returns the Tag to
// link with. A nil or zero-value ring, scope or signature is refused with an
// error.
func Verify(ring *Ring, scope *Scope, msg []byte, sig *Signature) (Tag, error) {
	if err := ring.check(); err != nil {
		return Tag{}, err
	}
	if err := scope.check(); err != nil {
		return Tag{}, err
	}
	if err := sig.check(); err != nil {
		return Tag{}, err
	}
	if len(sig.s) != ring.Len() {
		return Tag{}, fmt.Errorf("%w: %d responses, %d members", ErrRingMismatch, len(sig.s), ring.Len())
	}
	c := chain{prefix: challengePrefix(ring, scope, msg, &sig.imageC)}
	hTab, imgTab := scope.table(), ecc.NewAffineTables([]secp256k1.JacobianPoint{sig.image}, sharedWindow, true)[0]
	tabs := ring.memberTables()
	ci := sig.c0
	for i := range sig.s {
		if ci.IsZero() {
			return Tag{}, fmt.Errorf("%w: challenge %d is zero", ErrInvalidSignature, i)
		}
		l := ecc.MulAddTable(&sig.s[i], &ci, tabs[i])
		r := ecc.MulAddTables(&sig.s[i], hTab, &ci, imgTab)
		if p := infinity(&l, &r); p != "" {
			return Tag{}, fmt.Errorf("%w: %s_%d is the point at infinity", ErrInvalidSignature, p, i)
		}
		ci = c.next(&l, &r)
	}
	if !ci.Equals(&sig.c0) {
		return Tag{}, ErrInvalidSignature
	}
	return Tag{scope: scope.digest, image: sig.imageC}, nil
}
