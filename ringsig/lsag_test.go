package ringsig_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sync"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/h2c"
	"github.com/cbets/cbets/ringsig"
	"github.com/stretchr/testify/require"
)

func TestSignVerifyEveryIndex(t *testing.T) {
	for _, n := range []int{2, 3, 16} {
		f := newFixture(t, n)
		in := f.ref()
		for i := range n {
			t.Run(fmt.Sprintf("N=%d/index=%d", n, i), func(t *testing.T) {
				sig := f.sign(t, i)
				b := sig.Bytes()
				require.Len(t, b, ringsig.SignatureSize(n))
				require.Equal(t, 33+32*(n+1), ringsig.SignatureSize(n))
				require.Equal(t, n, sig.Len())

				tag, err := ringsig.Verify(f.ring, f.scope, f.msg, sig)
				require.NoError(t, err)
				parsed, err := ringsig.ParseSignature(b)
				require.NoError(t, err)
				requireSameBytes(t, b, parsed.Bytes())
				tag2, err := ringsig.Verify(f.ring, f.scope, f.msg, parsed)
				require.NoError(t, err)
				require.Equal(t, tag, tag2)

				img := sig.KeyImage()
				requireSameBytes(t, refImage(t, secret(f.keys[i]), testScope), img[:], "key image is not k·h")
				requireSameBytes(t, b[:33], img[:])
				require.Equal(t, img, tag.Image())
				require.True(t, refVerify(t, in, spec, b), "the reference verifier rejects the signature")
			})
		}
	}
}

// TestSignMatchesReference reproduces Sign byte for byte with the reference
// signer and the nonces the package doc describes (RFC 6979 under the ring
// signature's own tag, hedged by the 32 bytes SignOptions.Rand yields).
func TestSignMatchesReference(t *testing.T) {
	long := bytes.Repeat([]byte("0123456789"), 100)
	binScope := []byte{0, 1, 2, 0xff, 0xfe, 0}
	extra := bytes.Repeat([]byte{0xa5}, 32)
	cases := []struct {
		n, index int
		scope    []byte
		msg      []byte
		extra    []byte
	}{
		{2, 0, testScope, testMsg, nil},
		{2, 1, testScope, testMsg, nil},
		{3, 2, nil, nil, nil},
		{5, 3, binScope, long, nil},
		{3, 0, testScope, testMsg, extra},
		{4, 3, binScope, nil, extra},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("N=%d/index=%d/scope=%d/msg=%d/hedged=%t", c.n, c.index, len(c.scope), len(c.msg), c.extra != nil), func(t *testing.T) {
			keys, pubs := testKeys(t, 100, c.n)
			ring := mustRing(t, pubs)
			scope := mustScope(t, c.scope)
			var opts *ringsig.SignOptions
			if c.extra != nil {
				opts = &ringsig.SignOptions{Rand: bytes.NewReader(c.extra)}
			}
			sig, err := ringsig.Sign(keys[c.index], ring, c.index, scope, c.msg, opts)
			require.NoError(t, err)
			in := refInput{ring: pubBytes(pubs), scope: c.scope, msg: c.msg}
			k := secret(keys[c.index])
			alpha, s := refNonces(in, k, c.index, c.extra)
			requireSameBytes(t, refSign(t, in, spec, k, c.index, alpha, s), sig.Bytes())
		})
	}
}

// TestChallengeFollowsSpec checks the challenge against SPEC section 6 in
// both directions: Verify accepts signatures made by the reference signer
// with arbitrary α and responses, and rejects those whose challenges leave
// out D, the scope, the message or the key image, or hash the members
// regardless of order. Each of the latter verifies under a verifier that
// computes the challenge the same flawed way, so this test fails if the
// package drops any part from its challenge.
func TestChallengeFollowsSpec(t *testing.T) {
	f := newFixture(t, 4)
	in := f.ref()
	alpha := labelScalars("cbets/ringsig/test/alpha", 1)[0]
	s := labelScalars("cbets/ringsig/test/responses", 4)
	for pi := range 4 {
		b := refSign(t, in, spec, secret(f.keys[pi]), pi, alpha, s)
		sig, err := ringsig.ParseSignature(b)
		require.NoError(t, err)
		_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
		require.NoError(t, err, "signer at %d", pi)
	}
	for _, c := range []struct {
		name string
		v    variant
	}{
		{"the ring digest D", variant{noDigest: true}},
		{"the members in ring order", variant{sortedDigest: true}},
		{"the scope", variant{noScope: true}},
		{"the message", variant{noMsg: true}},
		{"the key image", variant{noImage: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := refSign(t, in, c.v, secret(f.keys[1]), 1, alpha, s)
			require.True(t, refVerify(t, in, c.v, b))
			require.False(t, refVerify(t, in, spec, b))
			sig, err := ringsig.ParseSignature(b)
			require.NoError(t, err)
			_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
			require.ErrorIs(t, err, ringsig.ErrInvalidSignature, "the challenge must bind %s", c.name)
		})
	}
}

// TestVerifyRejectsInfinity: no L_i or R_i of the chain may be the point at
// infinity, which has no compressed encoding for the challenge to hash.
// Each signature is built by the reference signer with α = 0 or a response
// chosen against the challenge it answers, for every signer position; it
// verifies under a verifier that hashes infinity as 33 zero bytes (how the
// package once did), so two implementations could disagree on it.
func TestVerifyRejectsInfinity(t *testing.T) {
	const n = 4
	f := newFixture(t, n)
	in := f.ref()
	secrets := make([]*big.Int, n)
	for i, k := range f.keys {
		secrets[i] = secret(k)
	}
	alpha := labelScalars("cbets/ringsig/test/infinity/alpha", 1)[0]
	s := labelScalars("cbets/ringsig/test/infinity/s", n)
	for pi := range n {
		for _, c := range infinityCases(t, in, secrets, pi, alpha, s) {
			t.Run(c.name, func(t *testing.T) {
				require.True(t, refVerify(t, in, variant{infinity: true}, c.sig), "hashing infinity as zeros accepts it")
				require.False(t, refVerify(t, in, spec, c.sig))
				sig, err := ringsig.ParseSignature(c.sig)
				require.NoError(t, err)
				requireSameBytes(t, c.sig, sig.Bytes())
				_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
				require.ErrorIs(t, err, ringsig.ErrInvalidSignature)
				require.ErrorContains(t, err, c.at+" is the point at infinity")
			})
		}
	}
}

func TestDeterministicSigning(t *testing.T) {
	f := newFixture(t, 5)
	a := f.sign(t, 2).Bytes()
	requireSameBytes(t, a, f.sign(t, 2).Bytes())
	sig, err := ringsig.Sign(f.keys[2], f.ring, 2, f.scope, f.msg, &ringsig.SignOptions{})
	require.NoError(t, err)
	requireSameBytes(t, a, sig.Bytes(), "SignOptions without Rand must sign deterministically")

	other, err := ringsig.Sign(f.keys[2], f.ring, 2, f.scope, []byte("another message"), nil)
	require.NoError(t, err)
	require.NotEqual(t, a, other.Bytes())
	requireSameBytes(t, a[:33], other.Bytes()[:33], "the key image depends on key and scope only")

	// The same key at another position of another ring.
	pubs := rotate(f.pubs, 1)
	moved, err := ringsig.Sign(f.keys[2], mustRing(t, pubs), 1, f.scope, f.msg, nil)
	require.NoError(t, err)
	require.NotEqual(t, a[33:], moved.Bytes()[33:])
}

// TestSignOnceMatchesTables: the first signature over a ring, which goes
// without the ring's tables, is byte for byte the one a ring whose tables
// exist makes, for every signer, deterministic or hedged with the same
// randomness, and the reference verifier accepts it.
func TestSignOnceMatchesTables(t *testing.T) {
	for _, n := range []int{2, 3, 7} {
		f := newFixture(t, n)
		// f.ring's tables exist once it has verified a signature.
		_, err := ringsig.Verify(f.ring, f.scope, f.msg, f.sign(t, 0))
		require.NoError(t, err)
		for i := range n {
			for _, seed := range [][]byte{nil, bytes.Repeat([]byte{byte(i + 1)}, 32)} {
				var a, b *ringsig.SignOptions
				if seed != nil {
					a = &ringsig.SignOptions{Rand: bytes.NewReader(seed)}
					b = &ringsig.SignOptions{Rand: bytes.NewReader(seed)}
				}
				warm, err := ringsig.Sign(f.keys[i], f.ring, i, f.scope, f.msg, a)
				require.NoError(t, err)
				fresh := mustRing(t, f.pubs)
				once, err := ringsig.Sign(f.keys[i], fresh, i, f.scope, f.msg, b)
				require.NoError(t, err)
				requireSameBytes(t, warm.Bytes(), once.Bytes(), "N=%d, signer %d", n, i)
				require.True(t, refVerify(t, f.ref(), spec, once.Bytes()), "N=%d, signer %d", n, i)
				// The fresh ring's second signature takes its tables.
				again, err := ringsig.Sign(f.keys[i], fresh, i, f.scope, f.msg, nil)
				require.NoError(t, err)
				if seed == nil {
					requireSameBytes(t, once.Bytes(), again.Bytes())
				}
			}
		}
	}
}

// errReader fails every read.
type errReader struct{}

var errRandom = errors.New("random source failed")

func (errReader) Read([]byte) (int, error) { return 0, errRandom }

func TestHedgedSigning(t *testing.T) {
	f := newFixture(t, 3)
	det := f.sign(t, 1)
	detTag, err := ringsig.Verify(f.ring, f.scope, f.msg, det)
	require.NoError(t, err)
	seen := map[string]bool{string(det.Bytes()): true}
	for _, r := range []io.Reader{
		bytes.NewReader(bytes.Repeat([]byte{1}, 32)),
		bytes.NewReader(bytes.Repeat([]byte{2}, 32)),
		rand.Reader,
	} {
		sig, err := ringsig.Sign(f.keys[1], f.ring, 1, f.scope, f.msg, &ringsig.SignOptions{Rand: r})
		require.NoError(t, err)
		b := sig.Bytes()
		require.False(t, seen[string(b)], "hedged signatures must differ")
		seen[string(b)] = true
		tag, err := ringsig.Verify(f.ring, f.scope, f.msg, sig)
		require.NoError(t, err)
		require.Equal(t, det.KeyImage(), sig.KeyImage())
		require.True(t, link(t, detTag, tag))
		require.True(t, refVerify(t, f.ref(), spec, b))
	}

	for _, c := range []struct {
		name string
		r    io.Reader
		want error
	}{
		{"empty", bytes.NewReader(nil), io.EOF},
		{"31 bytes", bytes.NewReader(make([]byte, 31)), io.ErrUnexpectedEOF},
		{"failing", errReader{}, errRandom},
	} {
		t.Run(c.name, func(t *testing.T) {
			sig, err := ringsig.Sign(f.keys[1], f.ring, 1, f.scope, f.msg, &ringsig.SignOptions{Rand: c.r})
			require.ErrorIs(t, err, c.want)
			requireOnePrefix(t, err)
			require.Nil(t, sig)
		})
	}
}

// TestScalarsCanonical: c_0 and every s_i must be below n; a value v + n
// that fits in 32 bytes is rejected, not reduced to v.
func TestScalarsCanonical(t *testing.T) {
	const n = 3
	f := newFixture(t, n)
	in := f.ref()
	alpha := labelScalars("cbets/ringsig/test/canonical/alpha", 1)[0]

	// A response s_j of another member than the signer can be anything, so a
	// signature with a small s_j verifies; s_j + n encodes the same residue
	// and must not.
	for j := range n {
		t.Run(fmt.Sprintf("s_%d + n", j), func(t *testing.T) {
			pi := (j + 1) % n
			s := labelScalars("cbets/ringsig/test/canonical/s", n)
			small := big.NewInt(int64(7 + j))
			s[j] = small
			b := refSign(t, in, spec, secret(f.keys[pi]), pi, alpha, s)
			require.Equal(t, small, scalarAt(b, j+1))
			sig, err := ringsig.ParseSignature(b)
			require.NoError(t, err)
			_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
			require.NoError(t, err, "the signature with s_%d = %v verifies", j, small)

			bad := withScalar(b, j+1, new(big.Int).Add(small, curveN))
			sig, err = ringsig.ParseSignature(bad)
			require.ErrorIs(t, err, ringsig.ErrMalformedSignature)
			require.Nil(t, sig)
		})
	}

	// c_0 is a hash output, so no signature has a small one; c_0 = 1 is a
	// canonical stand-in that parses, c_0 = 1 + n does not.
	b := f.sign(t, 0).Bytes()
	one := withScalar(b, 0, bigOne)
	sig, err := ringsig.ParseSignature(one)
	require.NoError(t, err)
	requireSameBytes(t, one, sig.Bytes())
	_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
	require.ErrorIs(t, err, ringsig.ErrInvalidSignature)

	nMinus1 := new(big.Int).Sub(curveN, bigOne)
	for j := 0; j <= n; j++ {
		name := "c_0"
		if j > 0 {
			name = fmt.Sprintf("s_%d", j-1)
		}
		for _, v := range []struct {
			label string
			v     *big.Int
		}{
			{"n", curveN},
			{"n + 1", new(big.Int).Add(curveN, bigOne)},
			{"scalar + n", new(big.Int).Add(big.NewInt(int64(1+j)), curveN)},
			{"2^256 − 1", new(big.Int).Sub(two256, bigOne)},
		} {
			t.Run(name+" = "+v.label, func(t *testing.T) {
				sig, err := ringsig.ParseSignature(withScalar(b, j, v.v))
				require.ErrorIs(t, err, ringsig.ErrMalformedSignature)
				require.Nil(t, sig)
			})
		}
		t.Run(name+" = n − 1", func(t *testing.T) {
			enc := withScalar(b, j, nMinus1)
			sig, err := ringsig.ParseSignature(enc)
			require.NoError(t, err)
			requireSameBytes(t, enc, sig.Bytes())
		})
	}
}

// TestScalarsFixedWidth: every scalar takes exactly 32 bytes, right
// aligned, also when its leading bytes are zero.
func TestScalarsFixedWidth(t *testing.T) {
	f := newFixture(t, 2)
	in := f.ref()
	found := map[int]bool{} // scalar slot (0 = c_0) with a leading zero byte
	for i := 0; i < 4096 && !(found[0] && (found[1] || found[2])); i++ {
		msg := fmt.Appendf(nil, "fixed width %d", i)
		sig, err := ringsig.Sign(f.keys[i%2], f.ring, i%2, f.scope, msg, nil)
		require.NoError(t, err)
		b := sig.Bytes()
		require.Len(t, b, ringsig.SignatureSize(2))
		for j := range 3 {
			if b[slot(j)] != 0 || found[j] {
				continue
			}
			found[j] = true
			parsed, err := ringsig.ParseSignature(b)
			require.NoError(t, err)
			requireSameBytes(t, b, parsed.Bytes())
			_, err = ringsig.Verify(f.ring, f.scope, msg, parsed)
			require.NoError(t, err)
			sin := refInput{ring: in.ring, scope: in.scope, msg: msg}
			require.True(t, refVerify(t, sin, spec, b), "scalar %d with a leading zero byte is misplaced", j)
		}
	}
	require.True(t, found[0], "no c_0 with a leading zero byte found")
	require.True(t, found[1] || found[2], "no s_i with a leading zero byte found")

	// s_0 = 1: 31 zero bytes and 0x01.
	s := labelScalars("cbets/ringsig/test/width", 2)
	s[0] = bigOne
	b := refSign(t, in, spec, secret(f.keys[1]), 1, big.NewInt(12345), s)
	require.Equal(t, append(make([]byte, 31), 1), b[slot(1):slot(2)])
	sig, err := ringsig.ParseSignature(b)
	require.NoError(t, err)
	requireSameBytes(t, b, sig.Bytes())
	_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
	require.NoError(t, err)

	// s_i = 0 is canonical, encodes as 32 zero bytes and round-trips.
	zero := withScalar(b, 2, new(big.Int))
	sig, err = ringsig.ParseSignature(zero)
	require.NoError(t, err)
	requireSameBytes(t, zero, sig.Bytes())
}

// rotateSig rotates the members and responses of the signature b left by r
// and sets c_0 to c_r of the chain computed as the variant v does, which is
// a signature on the rotated ring that a v-verifier accepts when b is one
// it accepts.
func rotateSig(t *testing.T, in refInput, v variant, b []byte, r int) ([]byte, refInput) {
	t.Helper()
	sig, ok := refParse(b)
	require.True(t, ok)
	c := refChain(t, in, v, sig)
	rot := refSig{image: sig.image, c0: c[r], s: rotate(sig.s, r)}
	return rot.bytes(), refInput{ring: rotate(in.ring, r), scope: in.scope, msg: in.msg}
}

// TestRingRotation: the ring digest D binds the order of the members, so
// rotating the ring together with the responses fails. First the test shows
// that the rotation forges against a scheme whose challenges leave D out or
// hash the members in an order-blind way. Then it rotates the package's
// signature with c_0 taken from the chain as SPEC computes it and as the two
// flawed schemes compute it: were the package's challenges computed one of
// those ways, the matching rotation would verify.
func TestRingRotation(t *testing.T) {
	const n = 4
	f := newFixture(t, n)
	in := f.ref()
	alpha := labelScalars("cbets/ringsig/test/rotation/alpha", 1)[0]
	s := labelScalars("cbets/ringsig/test/rotation/s", n)
	for _, v := range []variant{{noDigest: true}, {sortedDigest: true}} {
		b := refSign(t, in, v, secret(f.keys[1]), 1, alpha, s)
		for r := 1; r < n; r++ {
			rot, rotIn := rotateSig(t, in, v, b, r)
			require.True(t, refVerify(t, rotIn, v, rot), "the rotation must forge against %+v", v)
			require.False(t, refVerify(t, rotIn, spec, rot))
		}
	}

	b := f.sign(t, 1).Bytes()
	for _, v := range []variant{{noDigest: true}, {sortedDigest: true}, spec} {
		for r := range n {
			t.Run(fmt.Sprintf("%+v/by %d", v, r), func(t *testing.T) {
				rot, rotIn := rotateSig(t, in, v, b, r)
				ring, err := ringsig.ParseRing(cat(rotIn.ring...))
				require.NoError(t, err)
				sig, err := ringsig.ParseSignature(rot)
				require.NoError(t, err)
				_, err = ringsig.Verify(ring, f.scope, f.msg, sig)
				if r == 0 {
					require.NoError(t, err, "rotation by 0 is the signature itself")
					return
				}
				require.ErrorIs(t, err, ringsig.ErrInvalidSignature)
			})
		}
	}
}

func TestRingReorder(t *testing.T) {
	const n = 4
	f := newFixture(t, n)
	sig := f.sign(t, 2)
	b := sig.Bytes()
	perms := [][]int{{1, 0, 2, 3}, {0, 1, 3, 2}, {3, 2, 1, 0}, {0, 2, 1, 3}, {2, 0, 1, 3}}
	for _, p := range perms {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			pubs := make([]*ecdsa.PublicKey, n)
			moved := refSig{image: b[:33], c0: scalarAt(b, 0), s: make([]*big.Int, n)}
			for i, j := range p {
				pubs[i] = f.pubs[j]
				moved.s[i] = scalarAt(b, j+1)
			}
			ring := mustRing(t, pubs)
			require.NotEqual(t, f.ring.Digest(), ring.Digest())
			_, err := ringsig.Verify(ring, f.scope, f.msg, sig)
			require.ErrorIs(t, err, ringsig.ErrInvalidSignature, "members reordered, responses kept")
			ms, err := ringsig.ParseSignature(moved.bytes())
			require.NoError(t, err)
			_, err = ringsig.Verify(ring, f.scope, f.msg, ms)
			require.ErrorIs(t, err, ringsig.ErrInvalidSignature, "members reordered with their responses")
		})
	}

	// Another ring: a member other than the signer replaced.
	_, outsider := testKeys(t, 500, 1)
	pubs := append([]*ecdsa.PublicKey(nil), f.pubs...)
	pubs[0] = outsider[0]
	_, err := ringsig.Verify(mustRing(t, pubs), f.scope, f.msg, sig)
	require.ErrorIs(t, err, ringsig.ErrInvalidSignature)
}

func TestOtherScope(t *testing.T) {
	f := newFixture(t, 3)
	sig := f.sign(t, 0)
	for _, scope := range [][]byte{
		nil,
		testScope[:len(testScope)-1],
		append(clone(testScope), 0),
		[]byte("cbets/mixer/session-1/slot-1"),
	} {
		_, err := ringsig.Verify(f.ring, mustScope(t, scope), f.msg, sig)
		require.ErrorIs(t, err, ringsig.ErrInvalidSignature, "scope %q", scope)
	}
}

func TestOtherMessage(t *testing.T) {
	f := newFixture(t, 3)
	sig := f.sign(t, 2)
	flipped := clone(f.msg)
	flipped[0] ^= 1
	for _, msg := range [][]byte{nil, flipped, f.msg[:len(f.msg)-1], append(clone(f.msg), 0)} {
		_, err := ringsig.Verify(f.ring, f.scope, msg, sig)
		require.ErrorIs(t, err, ringsig.ErrInvalidSignature, "msg %q", msg)
	}
	// The empty message is a message like any other.
	empty, err := ringsig.Sign(f.keys[2], f.ring, 2, f.scope, nil, nil)
	require.NoError(t, err)
	_, err = ringsig.Verify(f.ring, f.scope, []byte{}, empty)
	require.NoError(t, err)
	_, err = ringsig.Verify(f.ring, f.scope, []byte{0}, empty)
	require.ErrorIs(t, err, ringsig.ErrInvalidSignature)
}

func TestOtherKeyImage(t *testing.T) {
	f := newFixture(t, 3)
	b := f.sign(t, 1).Bytes()
	negated := clone(b[:33])
	negated[0] ^= 0x02 ^ 0x03
	g := mulG(bigOne)
	for _, c := range []struct {
		name  string
		image []byte
	}{
		{"image of another member in the same scope", refImage(t, secret(f.keys[0]), testScope)},
		{"image of the signer in another scope", refImage(t, secret(f.keys[1]), []byte("cbets/mixer/session-1/slot-1"))},
		{"−I", negated},
		{"G", encodePoint(g)},
	} {
		t.Run(c.name, func(t *testing.T) {
			enc := cat(c.image, b[33:])
			sig, err := ringsig.ParseSignature(enc)
			require.NoError(t, err)
			requireSameBytes(t, enc, sig.Bytes())
			_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
			require.ErrorIs(t, err, ringsig.ErrInvalidSignature)
		})
	}
}

// TestKeyImageEncoding: I must be a canonical compressed curve point.
func TestKeyImageEncoding(t *testing.T) {
	f := newFixture(t, 2)
	b := f.sign(t, 0).Bytes()
	x := b[1:33]
	xOn, xOff := firstX(true), firstX(false)
	wrapped := new(big.Int).Add(curveP, xOn) // ≡ xOn mod p
	require.Negative(t, wrapped.Cmp(two256))
	require.False(t, onCurveX(new(big.Int)), "no point has x = 0")

	cases := []struct {
		name  string
		image []byte
	}{
		{"33 zero bytes (the point at infinity)", make([]byte, 33)},
		{"x = 0", cat([]byte{0x02}, make([]byte, 32))},
		{"x = p", cat([]byte{0x02}, be32(curveP))},
		{fmt.Sprintf("x = p + %v, ≡ an x on the curve", xOn), cat([]byte{0x02}, be32(wrapped))},
		{"x = p + 1, odd", cat([]byte{0x03}, be32(new(big.Int).Add(curveP, bigOne)))},
		{"x = 2^256 − 1", cat([]byte{0x03}, be32(new(big.Int).Sub(two256, bigOne)))},
		{fmt.Sprintf("x = %v off the curve, even", xOff), cat([]byte{0x02}, be32(xOff))},
		{fmt.Sprintf("x = %v off the curve, odd", xOff), cat([]byte{0x03}, be32(xOff))},
	}
	for _, prefix := range []byte{0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0x12, 0x83, 0xff} {
		cases = append(cases, struct {
			name  string
			image []byte
		}{fmt.Sprintf("prefix %02x", prefix), cat([]byte{prefix}, x)})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Len(t, c.image, 33)
			sig, err := ringsig.ParseSignature(cat(c.image, b[33:]))
			require.ErrorIs(t, err, ringsig.ErrMalformedSignature)
			require.Nil(t, sig)
		})
	}

	// Both points with x = xOn are accepted and keep their prefix.
	for _, prefix := range []byte{0x02, 0x03} {
		enc := cat([]byte{prefix}, be32(xOn), b[33:])
		sig, err := ringsig.ParseSignature(enc)
		require.NoError(t, err)
		requireSameBytes(t, enc, sig.Bytes())
		_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
		require.ErrorIs(t, err, ringsig.ErrInvalidSignature)
	}
}

// TestParseSignatureLengths: N = (len − 65)/32 must be an integer in
// [MinRingSize, MaxRingSize]; N = 0 and N = 1 are errors, never a panic.
func TestParseSignatureLengths(t *testing.T) {
	f := newFixture(t, 4)
	b := f.sign(t, 3).Bytes()
	for l := 0; l <= len(b); l++ {
		sig, err := ringsig.ParseSignature(b[:l])
		switch l {
		case ringsig.SignatureSize(2), ringsig.SignatureSize(3), ringsig.SignatureSize(4):
			require.NoError(t, err, "length %d", l)
			require.Equal(t, (l-65)/32, sig.Len())
			requireSameBytes(t, b[:l], sig.Bytes())
		default:
			require.ErrorIs(t, err, ringsig.ErrMalformedSignature, "length %d", l)
			require.Nil(t, sig)
		}
	}
	require.Equal(t, 65, ringsig.SignatureSize(0))
	require.Equal(t, 97, ringsig.SignatureSize(1))

	// The largest signature, with zero responses.
	big1 := make([]byte, ringsig.SignatureSize(ringsig.MaxRingSize))
	copy(big1, b[:65])
	sig, err := ringsig.ParseSignature(big1)
	require.NoError(t, err)
	require.Equal(t, ringsig.MaxRingSize, sig.Len())
	requireSameBytes(t, big1, sig.Bytes())
	for _, extra := range []int{1, 31, 32} {
		sig, err := ringsig.ParseSignature(append(clone(big1), make([]byte, extra)...))
		require.ErrorIs(t, err, ringsig.ErrMalformedSignature)
		require.Nil(t, sig)
	}
}

// TestRingMismatch: a signature must have exactly one response per member.
func TestRingMismatch(t *testing.T) {
	f := newFixture(t, 4)
	sig4 := f.sign(t, 0)
	ring3 := mustRing(t, f.pubs[:3])
	ring2 := mustRing(t, f.pubs[:2])
	sig3, err := ringsig.Sign(f.keys[0], ring3, 0, f.scope, f.msg, nil)
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		ring *ringsig.Ring
		sig  *ringsig.Signature
	}{
		{"N = 4 signature, ring of 3", ring3, sig4},
		{"N = 4 signature, ring of 2", ring2, sig4},
		{"N = 3 signature, ring of 4", f.ring, sig3},
		{"N = 3 signature, ring of 2", ring2, sig3},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ringsig.Verify(c.ring, f.scope, f.msg, c.sig)
			require.ErrorIs(t, err, ringsig.ErrRingMismatch)
		})
	}
	// The N = 3 signature with its last response dropped parses as N = 2.
	b := sig3.Bytes()
	short, err := ringsig.ParseSignature(b[:len(b)-32])
	require.NoError(t, err)
	_, err = ringsig.Verify(ring3, f.scope, f.msg, short)
	require.ErrorIs(t, err, ringsig.ErrRingMismatch)
}

func TestMaxRingSize(t *testing.T) {
	if testing.Short() {
		t.Skip("signs and verifies over a ring of MaxRingSize members")
	}
	keys, pubs := testKeys(t, 0, ringsig.MaxRingSize)
	ring := mustRing(t, pubs)
	scope := mustScope(t, testScope)
	index := ringsig.MaxRingSize - 2
	sig, err := ringsig.Sign(keys[index], ring, index, scope, testMsg, nil)
	require.NoError(t, err)
	b := sig.Bytes()
	require.Len(t, b, ringsig.SignatureSize(ringsig.MaxRingSize))
	parsed, err := ringsig.ParseSignature(b)
	require.NoError(t, err)
	parsedRing, err := ringsig.ParseRing(ring.Bytes())
	require.NoError(t, err)
	_, err = ringsig.Verify(parsedRing, scope, testMsg, parsed)
	require.NoError(t, err)
	require.True(t, refVerify(t, refInput{ring: pubBytes(pubs), scope: testScope, msg: testMsg}, spec, b))
}

// TestScopeBase: h is RFC 9380 hash_to_curve of the scope under the DST of
// SPEC section 6, and not a small multiple of G.
func TestScopeBase(t *testing.T) {
	// x coordinates of ±G, ±2G, …, ±1024G.
	small := map[string]int{}
	g := mulG(bigOne)
	acc := g
	for k := 1; k <= 1024; k++ {
		small[string(encodePoint(acc)[1:])] = k
		acc = addP(&acc, &g)
	}
	long := bytes.Repeat([]byte{0xc3, 0x00}, 200)
	for _, scope := range [][]byte{nil, {0}, []byte("a"), testScope, long} {
		t.Run(fmt.Sprintf("len %d", len(scope)), func(t *testing.T) {
			s := mustScope(t, scope)
			requireSameBytes(t, scope, s.Bytes())
			base := s.Base()

			want, err := h2c.HashToCurve(scope, []byte(specDST))
			require.NoError(t, err)
			requireSameBytes(t, encodePoint(want), base[:], "h is not hash_to_curve(scope)")
			_, ok := decodePoint(base[:])
			require.True(t, ok)

			k, found := small[string(base[1:])]
			require.False(t, found, "h = ±%d·G", k)

			quux, err := h2c.HashToCurve(scope, []byte("QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_"))
			require.NoError(t, err)
			require.NotEqual(t, encodePoint(quux), base[:], "the DST must be the library's")
		})
	}
	require.Equal(t, specDST, h2c.DST)

	// Scopes are copied in and out.
	raw := []byte("cbets/mixer/session-9/slot-9")
	s := mustScope(t, raw)
	base := s.Base()
	raw[0] ^= 0xff
	out := s.Bytes()
	out[1] ^= 0xff
	require.Equal(t, []byte("cbets/mixer/session-9/slot-9"), s.Bytes())
	require.Equal(t, base, mustScope(t, []byte("cbets/mixer/session-9/slot-9")).Base())
	require.NotEqual(t, base, mustScope(t, raw).Base())
}

// link is Link for tags that must be Verify's: it requires no error.
func link(t *testing.T, a, b ringsig.Tag) bool {
	t.Helper()
	linked, err := ringsig.Link(a, b)
	require.NoError(t, err)
	return linked
}

// TestLink: same key and scope link, whatever the ring and message; another
// scope or another key does not.
func TestLink(t *testing.T) {
	keys, pubs := testKeys(t, 0, 5)
	scope1 := mustScope(t, []byte("cbets/mixer/session-1/slot-0"))
	scope2 := mustScope(t, []byte("cbets/mixer/session-1/slot-1"))
	verified := func(ids []int, signer int, scope *ringsig.Scope, msg string) (ringsig.Tag, *ringsig.Signature) {
		t.Helper()
		members := make([]*ecdsa.PublicKey, len(ids))
		index := -1
		for i, id := range ids {
			members[i] = pubs[id]
			if id == signer {
				index = i
			}
		}
		ring := mustRing(t, members)
		sig, err := ringsig.Sign(keys[signer], ring, index, scope, []byte(msg), nil)
		require.NoError(t, err)
		tag, err := ringsig.Verify(ring, scope, []byte(msg), sig)
		require.NoError(t, err)
		require.Equal(t, sig.KeyImage(), tag.Image())
		return tag, sig
	}

	a1, _ := verified([]int{0, 1, 2}, 0, scope1, "output A")
	a2, _ := verified([]int{3, 0}, 0, scope1, "output B")
	a3, sigA3 := verified([]int{0, 1, 2}, 0, scope2, "output A")
	b1, _ := verified([]int{0, 1, 2}, 1, scope1, "output A")
	b2, _ := verified([]int{0, 1, 2}, 1, scope2, "output A")

	require.True(t, link(t, a1, a2), "same key, same scope")
	require.True(t, link(t, a2, a1))
	require.True(t, link(t, a1, a1))
	require.Equal(t, a1.Image(), a2.Image())

	require.NotEqual(t, a1.Image(), a3.Image(), "same key, other scope: other key image")
	require.False(t, link(t, a1, a3))
	require.False(t, link(t, a3, a1))

	require.False(t, link(t, a1, b1), "other key, same scope")
	require.NotEqual(t, a1.Image(), b1.Image())
	require.False(t, link(t, a3, b2))
	require.False(t, link(t, a1, b2))

	// A hedged signature links like a deterministic one.
	ring := mustRing(t, []*ecdsa.PublicKey{pubs[4], pubs[0]})
	hedged, err := ringsig.Sign(keys[0], ring, 1, scope2, []byte("output C"), &ringsig.SignOptions{Rand: rand.Reader})
	require.NoError(t, err)
	tag, err := ringsig.Verify(ring, scope2, []byte("output C"), hedged)
	require.NoError(t, err)
	require.True(t, link(t, a3, tag))
	require.Equal(t, sigA3.KeyImage(), hedged.KeyImage())

	// The zero Tag, which Verify returns with its errors, links with
	// nothing, not even with itself.
	_, err = ringsig.Verify(ring, scope1, []byte("output C"), hedged)
	require.ErrorIs(t, err, ringsig.ErrInvalidSignature)
	for _, pair := range [][2]ringsig.Tag{{{}, {}}, {a1, {}}, {{}, a1}} {
		linked, err := ringsig.Link(pair[0], pair[1])
		require.ErrorIs(t, err, ringsig.ErrZeroTag)
		require.False(t, linked)
	}
}

// TestSignerIndex: Sign needs the signer's key at the given index.
func TestSignerIndex(t *testing.T) {
	f := newFixture(t, 3)
	outsider, _ := testKeys(t, 700, 1)
	for _, c := range []struct {
		name  string
		key   *ecdsa.PrivateKey
		index int
	}{
		{"index −1", f.keys[0], -1},
		{"index N", f.keys[0], 3},
		{"index N + 5", f.keys[2], 8},
		{"index math.MinInt", f.keys[0], math.MinInt},
		{"key at another index", f.keys[0], 1},
		{"key at another index (last)", f.keys[2], 0},
		{"key not in the ring", outsider[0], 0},
		{"key not in the ring, index −1", outsider[0], -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			sig, err := ringsig.Sign(c.key, f.ring, c.index, f.scope, f.msg, nil)
			require.ErrorIs(t, err, ringsig.ErrSignerIndex)
			require.Nil(t, sig)
		})
	}
	require.Equal(t, -1, f.ring.Index(outsider[0].PublicKey()))
	require.Equal(t, 2, f.ring.Index(f.pubs[2]))

	// No zero key can be parsed, nor n (≡ 0).
	for _, b := range [][]byte{make([]byte, 32), be32(curveN)} {
		k, err := ecdsa.ParsePrivateKey(b)
		require.ErrorIs(t, err, ecdsa.ErrInvalidPrivateKey)
		require.Nil(t, k)
	}
	// A key zeroed after use still carries its public key, which is at the
	// index; signing with it is a programming error, and Sign panics at
	// the call, naming the argument, rather than sign with the scalar 0.
	keys, _ := testKeys(t, 0, 3)
	keys[1].Zero()
	require.PanicsWithValue(t, wipedKeyPanic, func() { _, _ = ringsig.Sign(keys[1], f.ring, 1, f.scope, f.msg, nil) })
}

// wipedKeyPanic is Sign's panic for a key whose scalar is zero.
const wipedKeyPanic = "ringsig: Sign: key is zero (wiped by Zero, or the zero value of ecdsa.PrivateKey)"

// TestZeroChallenge: c_0 = 0 is rejected when parsing. The check of every
// challenge in Verify is tested from inside the package
// (TestVerifyRejectsZeroChallenge).
func TestZeroChallenge(t *testing.T) {
	for _, n := range []int{2, 3} {
		f := newFixture(t, n)
		b := f.sign(t, n-1).Bytes()
		sig, err := ringsig.ParseSignature(withScalar(b, 0, new(big.Int)))
		require.ErrorIs(t, err, ringsig.ErrMalformedSignature)
		require.Nil(t, sig)
	}
}

// TestBitFlips: no single bit flip of a signature or of the ring verifies.
func TestBitFlips(t *testing.T) {
	f := newFixture(t, 2)
	b := f.sign(t, 1).Bytes()
	for bit := range 8 * len(b) {
		m := clone(b)
		m[bit/8] ^= 1 << (bit % 8)
		sig, err := ringsig.ParseSignature(m)
		if err != nil {
			require.ErrorIs(t, err, ringsig.ErrMalformedSignature)
			continue
		}
		_, err = ringsig.Verify(f.ring, f.scope, f.msg, sig)
		require.ErrorIs(t, err, ringsig.ErrInvalidSignature, "bit %d", bit)
	}

	sig, err := ringsig.ParseSignature(b)
	require.NoError(t, err)
	rb := f.ring.Bytes()
	for bit := range 8 * len(rb) {
		m := clone(rb)
		m[bit/8] ^= 1 << (bit % 8)
		ring, err := ringsig.ParseRing(m)
		if err != nil {
			require.ErrorIs(t, err, ringsig.ErrRingMember)
			continue
		}
		_, err = ringsig.Verify(ring, f.scope, f.msg, sig)
		require.ErrorIs(t, err, ringsig.ErrInvalidSignature, "ring bit %d", bit)
	}
}

// TestVerifyIsPure: Verify changes neither its inputs nor the result of a
// second call, and rings and scopes may be shared between goroutines.
func TestVerifyIsPure(t *testing.T) {
	f := newFixture(t, 3)
	sigs := make([]*ringsig.Signature, 3)
	want := make([][]byte, 3)
	for i := range sigs {
		sigs[i] = f.sign(t, i)
		want[i] = sigs[i].Bytes()
	}
	ringBytes, base := f.ring.Bytes(), f.scope.Base()
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for g := range 4 {
		wg.Go(func() {
			for i := range sigs {
				if _, err := ringsig.Verify(f.ring, f.scope, f.msg, sigs[(i+g)%3]); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i, sig := range sigs {
		requireSameBytes(t, want[i], sig.Bytes())
	}
	requireSameBytes(t, ringBytes, f.ring.Bytes())
	require.Equal(t, base, f.scope.Base())
}

// TestKeyImageIsScalarMultiple checks I against k·h computed with decred's
// generic multiplication for keys at both ends of the range.
func TestKeyImageIsScalarMultiple(t *testing.T) {
	nMinus1 := new(big.Int).Sub(curveN, bigOne)
	others, _ := testKeys(t, 900, 1)
	for _, k := range []*big.Int{bigOne, big.NewInt(2), nMinus1} {
		key, err := ecdsa.ParsePrivateKey(be32(k))
		require.NoError(t, err)
		pubs := []*ecdsa.PublicKey{others[0].PublicKey(), key.PublicKey()}
		ring := mustRing(t, pubs)
		scope := mustScope(t, testScope)
		sig, err := ringsig.Sign(key, ring, 1, scope, testMsg, nil)
		require.NoError(t, err)
		img := sig.KeyImage()
		requireSameBytes(t, refImage(t, k, testScope), img[:])
		_, err = ringsig.Verify(ring, scope, testMsg, sig)
		require.NoError(t, err)
	}
	// k = 1 and k = n − 1 give h and −h.
	base := mustScope(t, testScope).Base()
	requireSameBytes(t, base[:], refImage(t, bigOne, testScope))
	neg := refImage(t, nMinus1, testScope)
	requireSameBytes(t, base[1:], neg[1:])
	require.Equal(t, base[0]^0x02^0x03, neg[0])
}
