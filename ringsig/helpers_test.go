package ringsig_test

// Shared test helpers: deterministic keys and fixtures, and a reference
// implementation of SPEC section 6 written from the specification on
// math/big and decred's generic point routines (ScalarBaseMultNonConst,
// ScalarMultNonConst, AddNonConst), independent of the package's
// multiplication engine (internal/ecc) and of its encoders. The reference
// signer takes α and the responses of the other members as arguments, so the
// tests can build signatures the package's Sign never makes (small
// responses, challenges that leave a part out, a point at infinity in the
// chain).

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/h2c"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ringsig"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

// specDST is the library's hash-to-curve tag as SPEC section 6 spells it.
const specDST = "CBETS-V01-CS01-with-secp256k1_XMD:SHA-256_SSWU_RO_"

// Domain strings and the nonce tag of SPEC section 6 and the package doc.
const (
	ringDomain      = "CBETS-LSAG-v1/ring"
	challengeDomain = "CBETS-LSAG-v1/c"
	nonceDomain     = "CBETS-LSAG-v1/nonce"
	streamDomain    = "CBETS-LSAG-v1/s"
	nonceTag        = "CBETS/LSAG/NONCE"
)

var (
	curveN = secp256k1.Params().N
	curveP = secp256k1.Params().P
	two256 = new(big.Int).Lsh(big.NewInt(1), 256)
	bigOne = big.NewInt(1)
)

// Default scope and message of the fixtures.
var (
	testScope = []byte("cbets/mixer/session-1/slot-0")
	testMsg   = []byte("cbets ringsig test: output address 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")
)

func hexs(b []byte) string { return hex.EncodeToString(b) }

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// be32 encodes 0 ≤ v < 2^256 as 32 big-endian bytes.
func be32(v *big.Int) []byte {
	if v.Sign() < 0 || v.Cmp(two256) >= 0 {
		panic("be32: out of range")
	}
	return v.FillBytes(make([]byte, 32))
}

func u32(n int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func modN(v *big.Int) *big.Int { return new(big.Int).Mod(v, curveN) }

// keyFromLabel derives a key as the vector files document.
var keyFromLabel = testkit.KeyFromLabel

// testKeys returns the keys of the labels "cbets/ringsig/test/key/first" to
// ".../first+n−1" and their public keys.
func testKeys(t testing.TB, first, n int) ([]*ecdsa.PrivateKey, []*ecdsa.PublicKey) {
	t.Helper()
	keys := make([]*ecdsa.PrivateKey, n)
	pubs := make([]*ecdsa.PublicKey, n)
	for i := range keys {
		keys[i] = keyFromLabel(t, fmt.Sprintf("cbets/ringsig/test/key/%d", first+i))
		pubs[i] = keys[i].PublicKey()
	}
	return keys, pubs
}

func secret(k *ecdsa.PrivateKey) *big.Int { return new(big.Int).SetBytes(k.Bytes()) }

func mustScope(t testing.TB, scope []byte) *ringsig.Scope {
	t.Helper()
	s, err := ringsig.NewScope(scope)
	require.NoError(t, err)
	return s
}

func mustRing(t testing.TB, pubs []*ecdsa.PublicKey) *ringsig.Ring {
	t.Helper()
	r, err := ringsig.NewRing(pubs)
	require.NoError(t, err)
	return r
}

// fixture is a ring of test keys with a scope and a message.
type fixture struct {
	keys  []*ecdsa.PrivateKey
	pubs  []*ecdsa.PublicKey
	ring  *ringsig.Ring
	scope *ringsig.Scope
	msg   []byte
}

func newFixture(t testing.TB, n int) *fixture {
	t.Helper()
	keys, pubs := testKeys(t, 0, n)
	return &fixture{keys: keys, pubs: pubs, ring: mustRing(t, pubs), scope: mustScope(t, testScope), msg: clone(testMsg)}
}

// sign signs the fixture's message deterministically by member i.
func (f *fixture) sign(t testing.TB, i int) *ringsig.Signature {
	t.Helper()
	sig, err := ringsig.Sign(f.keys[i], f.ring, i, f.scope, f.msg, nil)
	require.NoError(t, err)
	return sig
}

// ref returns the fixture as reference input.
func (f *fixture) ref() refInput {
	return refInput{ring: pubBytes(f.pubs), scope: f.scope.Bytes(), msg: clone(f.msg)}
}

func pubBytes(pubs []*ecdsa.PublicKey) [][]byte {
	out := make([][]byte, len(pubs))
	for i, p := range pubs {
		out[i] = p.Bytes()
	}
	return out
}

// slot returns the offset of scalar j of an encoded signature: j = 0 is c_0,
// j = i + 1 is s_i.
func slot(j int) int { return 33 + 32*j }

// withScalar returns a copy of sig with scalar slot j replaced by v.
func withScalar(sig []byte, j int, v *big.Int) []byte {
	out := clone(sig)
	copy(out[slot(j):slot(j+1)], be32(v))
	return out
}

func scalarAt(sig []byte, j int) *big.Int { return new(big.Int).SetBytes(sig[slot(j):slot(j+1)]) }

// ---- Reference implementation of SPEC section 6 ----

type point = secp256k1.JacobianPoint

func toScalar(v *big.Int) *secp256k1.ModNScalar {
	var s secp256k1.ModNScalar
	s.SetByteSlice(be32(modN(v)))
	return &s
}

func mulG(k *big.Int) point {
	var r point
	secp256k1.ScalarBaseMultNonConst(toScalar(k), &r)
	return r
}

func mulP(k *big.Int, p *point) point {
	var r point
	secp256k1.ScalarMultNonConst(toScalar(k), p, &r)
	return r
}

func addP(a, b *point) point {
	var r point
	secp256k1.AddNonConst(a, b, &r)
	return r
}

func isInfinity(p *point) bool { return p.Z.IsZero() || (p.X.IsZero() && p.Y.IsZero()) }

// encodePoint is the compressed SEC1 encoding, or 33 zero bytes for the
// point at infinity (never the encoding of a point). SPEC section 6 gives
// infinity no encoding: only the lenient variant's challenges hash it.
func encodePoint(p point) []byte {
	if isInfinity(&p) {
		return make([]byte, 33)
	}
	p.ToAffine()
	return secp256k1.NewPublicKey(&p.X, &p.Y).SerializeCompressed()
}

// decodePoint parses a compressed point with decred's parser, which rejects
// prefixes other than 02 and 03, x ≥ p and x off the curve.
func decodePoint(b []byte) (point, bool) {
	var p point
	if len(b) != 33 {
		return p, false
	}
	pk, err := secp256k1.ParsePubKey(b)
	if err != nil {
		return p, false
	}
	pk.AsJacobian(&p)
	return p, true
}

// refBase is h = hash_to_curve(scope) under the DST of SPEC section 6.
func refBase(t testing.TB, scope []byte) point {
	t.Helper()
	h, err := h2c.HashToCurve(scope, []byte(specDST))
	require.NoError(t, err)
	return h
}

// refInput is what a signature is over.
type refInput struct {
	ring  [][]byte // compressed members in ring order
	scope []byte
	msg   []byte
}

// variant selects how the challenge is computed. The zero value, spec, is
// the challenge of SPEC section 6; the others are what a flawed
// implementation would hash, and show that a forgery would pass without the
// part: noDigest leaves D out, sortedDigest hashes the members in sorted
// order (a digest blind to the ring's order), the other fields leave the
// scope, the message or the key image out. infinity accepts a point at
// infinity among the L_i, R_i and hashes it as 33 zero bytes, where SPEC
// section 6 refuses it.
type variant struct{ noDigest, sortedDigest, noScope, noMsg, noImage, infinity bool }

var spec variant

// refDigest is D = SHA256("CBETS-LSAG-v1/ring" ‖ u32be(N) ‖ pk_0 ‖ … ‖ pk_{N−1}).
func refDigest(ring [][]byte) []byte {
	h := sha256.New()
	h.Write([]byte(ringDomain))
	h.Write(u32(len(ring)))
	for _, pk := range ring {
		h.Write(pk)
	}
	return h.Sum(nil)
}

// refChallenge is c(L, R) = int(SHA256("CBETS-LSAG-v1/c" ‖ D ‖ u32be(|scope|) ‖
// scope ‖ u32be(|msg|) ‖ msg ‖ I ‖ L ‖ R)) mod n, as modified by v.
func refChallenge(in refInput, v variant, image []byte, l, r point) *big.Int {
	h := sha256.New()
	h.Write([]byte(challengeDomain))
	switch {
	case v.noDigest:
	case v.sortedDigest:
		sorted := slices.Clone(in.ring)
		slices.SortFunc(sorted, bytes.Compare)
		h.Write(refDigest(sorted))
	default:
		h.Write(refDigest(in.ring))
	}
	if !v.noScope {
		h.Write(u32(len(in.scope)))
		h.Write(in.scope)
	}
	if !v.noMsg {
		h.Write(u32(len(in.msg)))
		h.Write(in.msg)
	}
	if !v.noImage {
		h.Write(image)
	}
	h.Write(encodePoint(l))
	h.Write(encodePoint(r))
	return modN(new(big.Int).SetBytes(h.Sum(nil)))
}

// refSig is a decoded signature I ‖ c_0 ‖ s_0 ‖ … ‖ s_{N−1}.
type refSig struct {
	image []byte
	c0    *big.Int
	s     []*big.Int
}

func (s refSig) bytes() []byte {
	out := cat(s.image, be32(s.c0))
	for _, v := range s.s {
		out = append(out, be32(v)...)
	}
	return out
}

// refParse decodes a signature with every check of SPEC section 6: length
// 33 + 32·(N+1) with N ≥ 2, canonical key image, scalars below n, c_0 ≠ 0.
func refParse(b []byte) (refSig, bool) {
	if len(b) < 33+32*3 || (len(b)-33)%32 != 0 {
		return refSig{}, false
	}
	if _, ok := decodePoint(b[:33]); !ok {
		return refSig{}, false
	}
	sig := refSig{image: clone(b[:33]), c0: scalarAt(b, 0)}
	if sig.c0.Sign() == 0 || sig.c0.Cmp(curveN) >= 0 {
		return refSig{}, false
	}
	for j := 1; slot(j) < len(b); j++ {
		v := scalarAt(b, j)
		if v.Cmp(curveN) >= 0 {
			return refSig{}, false
		}
		sig.s = append(sig.s, v)
	}
	return sig, true
}

// refChain returns c_0, …, c_N recomputed from c_0: c_{i+1} = c(s_i·G +
// c_i·pk_i, s_i·h + c_i·I).
func refChain(t testing.TB, in refInput, v variant, sig refSig) []*big.Int {
	t.Helper()
	c, _ := refChainInfinity(t, in, v, sig)
	return c
}

// refChainInfinity is refChain that also names the first of L_0, R_0, L_1,
// … that is the point at infinity ("L_2"), or returns "".
func refChainInfinity(t testing.TB, in refInput, v variant, sig refSig) ([]*big.Int, string) {
	t.Helper()
	h := refBase(t, in.scope)
	img, ok := decodePoint(sig.image)
	require.True(t, ok)
	c := []*big.Int{sig.c0}
	inf := ""
	for i, s := range sig.s {
		pk, ok := decodePoint(in.ring[i])
		require.True(t, ok)
		a, b := mulG(s), mulP(c[i], &pk)
		l := addP(&a, &b)
		a, b = mulP(s, &h), mulP(c[i], &img)
		r := addP(&a, &b)
		switch {
		case inf != "":
		case isInfinity(&l):
			inf = fmt.Sprintf("L_%d", i)
		case isInfinity(&r):
			inf = fmt.Sprintf("R_%d", i)
		}
		c = append(c, refChallenge(in, v, sig.image, l, r))
	}
	return c, inf
}

// refVerify accepts iff the ring has N ≥ 2 distinct valid members, the
// signature parses with N responses, no challenge is zero, no L_i or R_i is
// the point at infinity (unless v.infinity) and the chain closes.
func refVerify(t testing.TB, in refInput, v variant, b []byte) bool {
	t.Helper()
	seen := map[string]bool{}
	for _, pk := range in.ring {
		if _, ok := decodePoint(pk); !ok || seen[string(pk)] {
			return false
		}
		seen[string(pk)] = true
	}
	sig, ok := refParse(b)
	if !ok || len(in.ring) < 2 || len(sig.s) != len(in.ring) {
		return false
	}
	c, inf := refChainInfinity(t, in, v, sig)
	if inf != "" && !v.infinity {
		return false
	}
	for _, ci := range c {
		if ci.Sign() == 0 {
			return false
		}
	}
	return c[len(c)-1].Cmp(sig.c0) == 0
}

// refImage is I = k·h, compressed.
func refImage(t testing.TB, k *big.Int, scope []byte) []byte {
	t.Helper()
	h := refBase(t, scope)
	return encodePoint(mulP(k, &h))
}

// refSign runs the signing equations of SPEC section 6 for the key k at
// index pi with the nonce alpha and the responses s of the other members
// (s[pi] is ignored).
func refSign(t testing.TB, in refInput, v variant, k *big.Int, pi int, alpha *big.Int, s []*big.Int) []byte {
	t.Helper()
	require.Len(t, s, len(in.ring))
	return refSignWith(t, in, v, k, pi, alpha, func(i int, _ *big.Int) *big.Int { return s[i] })
}

// refSignWith is refSign with the response of member i ≠ pi chosen by
// resp(i, c_i), which knows the challenge it answers: it can make L_i or R_i
// the point at infinity. So can alpha = 0 at the signer. Infinity is hashed
// as 33 zero bytes, so such signatures verify under the infinity variant
// only.
func refSignWith(t testing.TB, in refInput, v variant, k *big.Int, pi int, alpha *big.Int, resp func(i int, c *big.Int) *big.Int) []byte {
	t.Helper()
	n := len(in.ring)
	h := refBase(t, in.scope)
	imgPt := mulP(k, &h)
	sig := refSig{image: encodePoint(imgPt), s: make([]*big.Int, n)}
	c := make([]*big.Int, n)
	c[(pi+1)%n] = refChallenge(in, v, sig.image, mulG(alpha), mulP(alpha, &h))
	for j := 1; j < n; j++ {
		i := (pi + j) % n
		pk, ok := decodePoint(in.ring[i])
		require.True(t, ok)
		sig.s[i] = modN(resp(i, c[i]))
		a, b := mulG(sig.s[i]), mulP(c[i], &pk)
		l := addP(&a, &b)
		a, b = mulP(sig.s[i], &h), mulP(c[i], &imgPt)
		r := addP(&a, &b)
		c[(i+1)%n] = refChallenge(in, v, sig.image, l, r)
	}
	// s_π = α − c_π·k mod n
	sig.s[pi] = modN(new(big.Int).Sub(alpha, new(big.Int).Mul(c[pi], k)))
	sig.c0 = c[0]
	return sig.bytes()
}

// refNonces derives α and the responses as the package doc describes: RFC
// 6979 nonces under the tag "CBETS/LSAG/NONCE" over the key and
// SHA256("CBETS-LSAG-v1/nonce" ‖ D ‖ u32be(|scope|) ‖ scope ‖ u32be(|msg|) ‖
// msg ‖ u32be(index)), iteration 0 for α and 1 for the seed of the
// responses; s_i = int(SHA256("CBETS-LSAG-v1/s" ‖ seed ‖ u32be(i) ‖
// u32be(ctr))) for the first ctr that gives a value below n. extra is the
// hedging input (nil when signing deterministically).
func refNonces(in refInput, k *big.Int, index int, extra []byte) (*big.Int, []*big.Int) {
	h0 := sha256.Sum256(cat([]byte(nonceDomain), refDigest(in.ring), u32(len(in.scope)), in.scope,
		u32(len(in.msg)), in.msg, u32(index)))
	nonce := func(iter uint32) []byte {
		v := secp256k1.NonceRFC6979(be32(k), h0[:], extra, []byte(nonceTag), iter)
		b := v.Bytes()
		return b[:]
	}
	alpha := new(big.Int).SetBytes(nonce(0))
	seed := nonce(1)
	s := make([]*big.Int, len(in.ring))
	for i := range s {
		for ctr := 0; ; ctr++ {
			d := sha256.Sum256(cat([]byte(streamDomain), seed, u32(i), u32(ctr)))
			if v := new(big.Int).SetBytes(d[:]); v.Cmp(curveN) < 0 {
				s[i] = v
				break
			}
		}
	}
	return alpha, s
}

// labelScalars returns n scalars SHA-256(label/i) mod n, for hand-built
// signatures.
func labelScalars(label string, n int) []*big.Int {
	out := make([]*big.Int, n)
	for i := range out {
		d := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", label, i)))
		out[i] = modN(new(big.Int).SetBytes(d[:]))
	}
	return out
}

// onCurveX reports whether x³ + 7 is a square mod p: whether some point of
// the curve has the x coordinate x.
func onCurveX(x *big.Int) bool {
	rhs := new(big.Int).Exp(x, big.NewInt(3), curveP)
	rhs.Add(rhs, big.NewInt(7)).Mod(rhs, curveP)
	return new(big.Int).ModSqrt(rhs, curveP) != nil
}

// firstX returns the smallest x ≥ 1 that is (on = true) or is not on the
// curve.
func firstX(on bool) *big.Int {
	for x := big.NewInt(1); ; x.Add(x, bigOne) {
		if onCurveX(x) == on {
			return new(big.Int).Set(x)
		}
	}
}

// rotate returns ring members (or responses) rotated left by r.
func rotate[T any](xs []T, r int) []T {
	out := make([]T, 0, len(xs))
	return append(append(out, xs[r:]...), xs[:r]...)
}

func requireSameBytes(t testing.TB, want, got []byte, msgAndArgs ...any) {
	t.Helper()
	if !bytes.Equal(want, got) {
		require.Equal(t, hexs(want), hexs(got), msgAndArgs...)
	}
}

// infinityCase is a signature whose chain passes through the point at
// infinity: SPEC section 6 refuses it, a verifier that hashes infinity as
// 33 zero bytes accepts it.
type infinityCase struct {
	name string // what was chosen
	at   string // the first infinite point in Verify's order, "L_1"
	sig  []byte
}

// infinityCases builds, over a ring of at least 3 members whose secret keys
// are secrets, with the signer at pi, the signatures whose chain has a
// point at infinity: α = 0 at the signer (L_π = R_π = infinity); s_i =
// −c_i·k for the member i = π+1 after the signer (R_i = (s_i + c_i·k)·h =
// infinity, k the signer's key); s_j = −c_j·k_j for the member j = π+2
// after that (L_j = (s_j + c_j·k_j)·G = infinity, k_j member j's key). The
// other responses are s, α otherwise alpha.
func infinityCases(t testing.TB, in refInput, secrets []*big.Int, pi int, alpha *big.Int, s []*big.Int) []infinityCase {
	t.Helper()
	n := len(in.ring)
	require.GreaterOrEqual(t, n, 3)
	k := secrets[pi]
	neg := func(c, x *big.Int) *big.Int { return modN(new(big.Int).Neg(new(big.Int).Mul(c, x))) }
	given := func(i int, _ *big.Int) *big.Int { return s[i] }
	ri, lj := (pi+1)%n, (pi+2)%n
	return []infinityCase{
		{
			name: fmt.Sprintf("α = 0 at the signer (index %d): L_%d = R_%d = infinity", pi, pi, pi),
			at:   fmt.Sprintf("L_%d", pi),
			sig:  refSignWith(t, in, spec, k, pi, new(big.Int), given),
		},
		{
			name: fmt.Sprintf("s_%d = −c_%d·k, k the signer's key: R_%d = infinity", ri, ri, ri),
			at:   fmt.Sprintf("R_%d", ri),
			sig: refSignWith(t, in, spec, k, pi, alpha, func(i int, c *big.Int) *big.Int {
				if i == ri {
					return neg(c, k)
				}
				return s[i]
			}),
		},
		{
			name: fmt.Sprintf("s_%d = −c_%d·k_%d, k_%d the key of member %d: L_%d = infinity", lj, lj, lj, lj, lj, lj),
			at:   fmt.Sprintf("L_%d", lj),
			sig: refSignWith(t, in, spec, k, pi, alpha, func(i int, c *big.Int) *big.Int {
				if i == lj {
					return neg(c, secrets[lj])
				}
				return s[i]
			}),
		},
	}
}
