package ecdsa_test

// Shared test helpers: an independent affine implementation of secp256k1 on
// math/big (used to build reference signatures and adversarial keys without
// going through the code under test), hashing per profile, and small
// encoding helpers.

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/stretchr/testify/require"
)

var (
	curveP = mustBig("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
	curveN = mustBig("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	curveB = big.NewInt(7)
	baseG  = affinePoint{
		x: mustBig("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
		y: mustBig("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"),
	}
	// halfN is (n−1)/2, the largest low s.
	halfN    = new(big.Int).Rsh(curveN, 1)
	two256   = new(big.Int).Lsh(big.NewInt(1), 256)
	bigOne   = big.NewInt(1)
	profiles = []ecdsa.Profile{ecdsa.SHA256, ecdsa.PaperSHA1}
)

func mustBig(h string) *big.Int {
	v, ok := new(big.Int).SetString(h, 16)
	if !ok {
		panic("bad hex constant " + h)
	}
	return v
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// be32 encodes v (0 ≤ v < 2^256) as 32 big-endian bytes.
func be32(v *big.Int) []byte {
	if v.Sign() < 0 || v.Cmp(two256) >= 0 {
		panic("be32: out of range")
	}
	return v.FillBytes(make([]byte, 32))
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func modN(v *big.Int) *big.Int { return new(big.Int).Mod(v, curveN) }

func invN(v *big.Int) *big.Int { return new(big.Int).ModInverse(v, curveN) }

func mulN(a, b *big.Int) *big.Int { return modN(new(big.Int).Mul(a, b)) }

func negN(v *big.Int) *big.Int { return modN(new(big.Int).Neg(v)) }

// affinePoint is a point of secp256k1 in affine coordinates; inf marks the
// point at infinity.
type affinePoint struct {
	x, y *big.Int
	inf  bool
}

var infinity = affinePoint{inf: true}

func (p affinePoint) neg() affinePoint {
	if p.inf {
		return p
	}
	return affinePoint{x: p.x, y: new(big.Int).Mod(new(big.Int).Neg(p.y), curveP)}
}

func (p affinePoint) add(q affinePoint) affinePoint {
	switch {
	case p.inf:
		return q
	case q.inf:
		return p
	}
	var lambda *big.Int
	if p.x.Cmp(q.x) == 0 {
		if new(big.Int).Mod(new(big.Int).Add(p.y, q.y), curveP).Sign() == 0 {
			return infinity
		}
		// λ = 3x² / 2y
		num := new(big.Int).Mul(p.x, p.x)
		num.Mul(num, big.NewInt(3))
		den := new(big.Int).Lsh(p.y, 1)
		lambda = num.Mul(num, den.ModInverse(den, curveP))
	} else {
		num := new(big.Int).Sub(q.y, p.y)
		den := new(big.Int).Sub(q.x, p.x)
		den.Mod(den, curveP)
		lambda = num.Mul(num, den.ModInverse(den, curveP))
	}
	lambda.Mod(lambda, curveP)
	x := new(big.Int).Mul(lambda, lambda)
	x.Sub(x, p.x).Sub(x, q.x).Mod(x, curveP)
	y := new(big.Int).Sub(p.x, x)
	y.Mul(y, lambda).Sub(y, p.y).Mod(y, curveP)
	return affinePoint{x: x, y: y}
}

func (p affinePoint) mul(k *big.Int) affinePoint {
	k = modN(k)
	acc := infinity
	for i := k.BitLen() - 1; i >= 0; i-- {
		acc = acc.add(acc)
		if k.Bit(i) == 1 {
			acc = acc.add(p)
		}
	}
	return acc
}

func baseMul(k *big.Int) affinePoint { return baseG.mul(k) }

func (p affinePoint) compressed() []byte {
	if p.inf {
		panic("compressed: point at infinity")
	}
	prefix := byte(0x02)
	if p.y.Bit(0) == 1 {
		prefix = 0x03
	}
	return cat([]byte{prefix}, be32(p.x))
}

func (p affinePoint) uncompressed() []byte {
	return cat([]byte{0x04}, be32(p.x), be32(p.y))
}

// curveRHS is x³ + 7 mod p.
func curveRHS(x *big.Int) *big.Int {
	v := new(big.Int).Exp(x, big.NewInt(3), curveP)
	return v.Add(v, curveB).Mod(v, curveP)
}

// isSquareModP reports whether v is a square mod p (Euler's criterion; 0
// counts as a square).
func isSquareModP(v *big.Int) bool {
	return new(big.Int).Mod(v, curveP).Sign() == 0 || big.Jacobi(v, curveP) == 1
}

// pointWithX returns the point with x coordinate x (reduced mod p) and the
// given parity of y, if x³ + 7 is a square mod p.
func pointWithX(x *big.Int, odd bool) (affinePoint, bool) {
	x = new(big.Int).Mod(x, curveP)
	y := new(big.Int).ModSqrt(curveRHS(x), curveP)
	if y == nil {
		return affinePoint{}, false
	}
	if (y.Bit(0) == 1) != odd {
		y.Sub(curveP, y)
	}
	return affinePoint{x: x, y: y}, true
}

func mustPointWithX(t testing.TB, x *big.Int, odd bool) affinePoint {
	t.Helper()
	p, ok := pointWithX(x, odd)
	require.Truef(t, ok, "x = %x is not on the curve", x)
	return p
}

// pubFromPoint parses the compressed encoding of p with the package parser.
func pubFromPoint(t testing.TB, p affinePoint) *ecdsa.PublicKey {
	t.Helper()
	pub, err := ecdsa.ParsePublicKey(p.compressed())
	require.NoError(t, err)
	return pub
}

// hashProfile returns H(parts…) under the profile: SHA-256 or SHA-1.
func hashProfile(p ecdsa.Profile, parts ...[]byte) []byte {
	if p == ecdsa.PaperSHA1 {
		h := sha1.Sum(cat(parts...))
		return h[:]
	}
	h := sha256.Sum256(cat(parts...))
	return h[:]
}

// digestN is int(H(parts…)) mod n: bits2int needs no truncation because both
// digests are at most 256 bits long.
func digestN(p ecdsa.Profile, parts ...[]byte) *big.Int {
	return modN(new(big.Int).SetBytes(hashProfile(p, parts...)))
}

// rboundDigest is e = int(H(msg ‖ x32 ‖ y32)) mod n (SPEC section 3).
func rboundDigest(p ecdsa.Profile, msg []byte, r affinePoint) *big.Int {
	return digestN(p, msg, be32(r.x), be32(r.y))
}

// keyFromLabel derives a key as the vector files document.
var keyFromLabel = testkit.KeyFromLabel

func keyFromInt(t testing.TB, v *big.Int) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.ParsePrivateKey(be32(v))
	require.NoError(t, err)
	return k
}

// otherProfile returns the profile that is not p.
func otherProfile(p ecdsa.Profile) ecdsa.Profile {
	if p == ecdsa.SHA256 {
		return ecdsa.PaperSHA1
	}
	return ecdsa.SHA256
}

func flipBit(b []byte, bit int) []byte {
	out := append([]byte(nil), b...)
	out[bit/8] ^= 1 << (bit % 8)
	return out
}

// rboundKeyFor returns the public key under which uG + v·pk equals target
// for the claimed nonce point r and scalar s over msg (u = e/s, v = r/s):
// pk = v⁻¹(target − uG). Its discrete logarithm is unknown unless target's
// is; verification does not need it.
func rboundKeyFor(t testing.TB, p ecdsa.Profile, msg []byte, r affinePoint, s *big.Int, target affinePoint) *ecdsa.PublicKey {
	t.Helper()
	e := rboundDigest(p, msg, r)
	rx := modN(r.x)
	require.NotZero(t, rx.Sign())
	w := invN(s)
	u, v := mulN(e, w), mulN(rx, w)
	pk := target.add(baseMul(u).neg()).mul(invN(v))
	require.False(t, pk.inf)
	return pubFromPoint(t, pk)
}

// inverseSKeyFor returns the public key under which s(eG + a·pk) equals
// target (paper eq. 15 with u' = e·s, v' = a·s): pk = v'⁻¹(target − u'G).
func inverseSKeyFor(t testing.TB, p ecdsa.Profile, msg []byte, a, s *big.Int, target affinePoint) *ecdsa.PublicKey {
	t.Helper()
	e := digestN(p, msg)
	u, v := mulN(e, s), mulN(a, s)
	pk := target.add(baseMul(u).neg()).mul(invN(v))
	require.False(t, pk.inf)
	return pubFromPoint(t, pk)
}

// rboundSig encodes compressed(R) ‖ s32.
func rboundSig(r affinePoint, s *big.Int) []byte { return cat(r.compressed(), be32(s)) }

// inverseSSig encodes a32 ‖ s32.
func inverseSSig(a, s *big.Int) []byte { return cat(be32(a), be32(s)) }

// Reference signers: SPEC sections 2–4 written out with math/big and the
// affine arithmetic above. Only the RFC 6979 nonce comes from decred, as the
// specification prescribes.

var (
	tagRBound = map[ecdsa.Profile]string{ecdsa.SHA256: "CBETS/RBOUND/256", ecdsa.PaperSHA1: "CBETS/RBOUND/SH1"}
	tagInvS   = map[ecdsa.Profile]string{ecdsa.SHA256: "CBETS/INVRSS/256", ecdsa.PaperSHA1: "CBETS/INVRSS/SH1"}
)

func refNonce(k *big.Int, msg []byte, tag string, iter uint32) *big.Int {
	h := sha256.Sum256(msg)
	d := secp256k1.NonceRFC6979(be32(k), h[:], nil, []byte(tag), iter)
	b := d.Bytes()
	return new(big.Int).SetBytes(b[:])
}

// refSignRBound is SPEC section 3, Sign.
func refSignRBound(k *big.Int, msg []byte, p ecdsa.Profile) []byte {
	for iter := uint32(0); iter < 16; iter++ {
		d := refNonce(k, msg, tagRBound[p], iter)
		R := baseMul(d)
		r := modN(R.x)
		if r.Sign() == 0 {
			continue
		}
		e := rboundDigest(p, msg, R)
		s := mulN(invN(d), new(big.Int).Add(e, mulN(r, k)))
		if s.Sign() == 0 {
			continue
		}
		return rboundSig(R, s)
	}
	panic("refSignRBound: no nonce")
}

// refSignInverseS is SPEC section 4, Sign.
func refSignInverseS(k *big.Int, msg []byte, p ecdsa.Profile) []byte {
	e := digestN(p, msg)
	for iter := uint32(0); iter < 16; iter++ {
		d := refNonce(k, msg, tagInvS[p], iter)
		a := modN(baseMul(d).x)
		if a.Sign() == 0 {
			continue
		}
		b := mulN(invN(d), new(big.Int).Add(e, mulN(k, a)))
		if b.Sign() == 0 {
			continue
		}
		s := invN(b)
		if s.Cmp(halfN) > 0 {
			s.Sub(curveN, s)
		}
		return inverseSSig(a, s)
	}
	panic("refSignInverseS: no nonce")
}

// sigScheme puts the two signature schemes behind one byte-level interface,
// so that the vector, property and cross-check tests run over both.
type sigScheme struct {
	name string // the SPEC section 11 scheme name
	size int    // encoded signature length
	sign func(*ecdsa.PrivateKey, []byte, *ecdsa.SignOptions) ([]byte, error)
	// verify parses sig and verifies it: the error wraps
	// ErrMalformedSignature or ErrInvalidSignature.
	verify func(*ecdsa.PublicKey, []byte, []byte, ecdsa.Profile) error
	ref    func(*big.Int, []byte, ecdsa.Profile) []byte
}

var (
	rboundScheme = sigScheme{
		name: "rbound-ecdsa",
		size: ecdsa.RBoundSignatureSize,
		sign: func(k *ecdsa.PrivateKey, msg []byte, o *ecdsa.SignOptions) ([]byte, error) {
			sig, err := ecdsa.SignRBound(k, msg, o)
			if err != nil {
				return nil, err
			}
			return sig.Bytes(), nil
		},
		verify: func(pub *ecdsa.PublicKey, msg, b []byte, p ecdsa.Profile) error {
			sig, err := ecdsa.ParseRBoundSignature(b)
			if err != nil {
				return err
			}
			return ecdsa.VerifyRBound(pub, msg, sig, p)
		},
		ref: refSignRBound,
	}
	inverseSScheme = sigScheme{
		name: "inverse-s-ecdsa",
		size: ecdsa.InverseSSignatureSize,
		sign: func(k *ecdsa.PrivateKey, msg []byte, o *ecdsa.SignOptions) ([]byte, error) {
			sig, err := ecdsa.SignInverseS(k, msg, o)
			if err != nil {
				return nil, err
			}
			return sig.Bytes(), nil
		},
		verify: func(pub *ecdsa.PublicKey, msg, b []byte, p ecdsa.Profile) error {
			sig, err := ecdsa.ParseInverseSSignature(b)
			if err != nil {
				return err
			}
			return ecdsa.VerifyInverseS(pub, msg, sig, p)
		},
		ref: refSignInverseS,
	}
	schemes = []sigScheme{rboundScheme, inverseSScheme}
)

// requireRejected asserts that err is a parse or a verification failure.
func requireRejected(t testing.TB, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.True(t, errors.Is(err, ecdsa.ErrMalformedSignature) || errors.Is(err, ecdsa.ErrInvalidSignature), msgAndArgs...)
}

// requireOnlySentinel asserts that err wraps want and none of the package's
// other signature and key sentinels.
func requireOnlySentinel(t testing.TB, err, want error, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, want, msgAndArgs...)
	for _, other := range []error{ecdsa.ErrInvalidPublicKey, ecdsa.ErrInvalidPrivateKey, ecdsa.ErrMalformedSignature, ecdsa.ErrInvalidSignature} {
		if other != want {
			require.NotErrorIs(t, err, other, msgAndArgs...)
		}
	}
}

// requireNoRepeatedPrefix asserts that each layer of err's message adds
// what it knows once: no ": "-separated part occurs twice, as in
// "ecdsa: invalid public key: invalid public key: …".
func requireNoRepeatedPrefix(t testing.TB, err error) {
	t.Helper()
	require.Error(t, err)
	seen := map[string]bool{}
	for _, part := range strings.Split(err.Error(), ": ") {
		require.Falsef(t, seen[part], "%q repeats %q", err.Error(), part)
		seen[part] = true
	}
}
