// Regenerate the known-answer vectors in testdata/ with: go test ./ringsig -run TestVectors -update

package ringsig_test

// Known-answer vectors in the format of SPEC section 11 (scheme "lsag",
// cases with ring, scope and index). Keys are SHA-256 of fixed labels and
// signing is deterministic, so every run regenerates the file in memory and
// requires testdata/lsag.json to match it byte for byte. Then every case read
// from the file is checked: a valid case must be reproduced exactly by Sign
// and accepted by Verify and by the reference verifier of helpers_test.go;
// an invalid case must be rejected by ParseRing, ParseSignature or Verify,
// with one of the package's errors, and by the reference verifier.
//
// "index" is the signer's position; in invalid cases it is the position the
// signer would have had, and "pk" the key at it.

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ringsig"
	"github.com/stretchr/testify/require"
)

var updateVectors = flag.Bool("update", false, "regenerate the known-answer vectors in testdata/")

const vectorFileName = "lsag.json"

type vectorFile struct {
	Scheme string   `json:"scheme"`
	Cases  []vector `json:"cases"`
}

type vector struct {
	SK      string   `json:"sk,omitempty"`
	PK      string   `json:"pk"`
	Msg     string   `json:"msg"`
	Sig     string   `json:"sig"`
	Valid   bool     `json:"valid"`
	Comment string   `json:"comment"`
	Ring    []string `json:"ring"`
	Scope   string   `json:"scope"`
	Index   int      `json:"index"`
}

func vectorKey(t testing.TB, i int) *ecdsa.PrivateKey {
	return keyFromLabel(t, fmt.Sprintf("cbets/ringsig/vectors/key/%d", i))
}

func hexList(ring [][]byte) []string {
	out := make([]string, len(ring))
	for i, pk := range ring {
		out[i] = hexs(pk)
	}
	return out
}

// genVectors builds lsag.json.
func genVectors(t testing.TB) vectorFile {
	t.Helper()
	f := vectorFile{Scheme: "lsag"}
	keys := make([]*ecdsa.PrivateKey, 16)
	for i := range keys {
		keys[i] = vectorKey(t, i)
	}
	members := func(ids ...int) [][]byte {
		out := make([][]byte, len(ids))
		for i, id := range ids {
			out[i] = keys[id].PublicKey().Bytes()
		}
		return out
	}
	sign := func(ids []int, index int, scope, msg []byte) []byte {
		ring, err := ringsig.ParseRing(cat(members(ids...)...))
		require.NoError(t, err)
		sig, err := ringsig.Sign(keys[ids[index]], ring, index, mustScope(t, scope), msg, nil)
		require.NoError(t, err)
		return sig.Bytes()
	}
	valid := func(ids []int, index int, scope, msg []byte, comment string) []byte {
		sig := sign(ids, index, scope, msg)
		k := keys[ids[index]]
		f.Cases = append(f.Cases, vector{
			SK: hexs(k.Bytes()), PK: hexs(k.PublicKey().Bytes()), Msg: hexs(msg), Sig: hexs(sig),
			Valid: true, Comment: comment, Ring: hexList(members(ids...)), Scope: hexs(scope), Index: index,
		})
		return sig
	}

	scope1 := []byte("cbets/mixer/session-1/slot-0")
	scope2 := []byte("cbets/mixer/session-1/slot-1")
	abc := []byte("abc")
	binScope := make([]byte, 32)
	long := make([]byte, 200)
	for i := range binScope {
		binScope[i] = byte(i)
	}
	for i := range long {
		long[i] = byte(i * 7)
	}
	all := make([]int, 16)
	for i := range all {
		all[i] = i
	}

	first := valid([]int{0, 1}, 0, scope1, abc, "N = 2, signer at index 0")
	valid([]int{0, 1}, 1, scope1, abc, "N = 2, signer at index 1")
	for i := range 3 {
		valid([]int{2, 3, 4}, i, scope2, nil, fmt.Sprintf("N = 3, signer at index %d, empty msg", i))
	}
	valid([]int{5, 6, 7}, 1, nil, abc, "N = 3, empty scope")
	valid([]int{0, 1, 2, 3, 4}, 3, binScope, long, "N = 5, signer at index 3, scope bytes 00…1f, 200-byte msg")
	valid(all, 9, []byte("cbets/mixer/session-7/slot-3"), []byte("CB-ETS mixer: register output address"), "N = 16, signer at index 9")
	again := valid([]int{8, 0, 9}, 1, scope1, []byte("abd"),
		"key 0 again in the scope of case 0, other ring and msg: same key image as case 0, the signatures link")
	require.Equal(t, first[:33], again[:33])
	otherScope := valid([]int{0, 1}, 0, scope2, abc, "key 0 in another scope: another key image, no link with case 0")
	require.NotEqual(t, first[:33], otherScope[:33])

	// Every invalid case derives from this signature.
	ids := []int{10, 11, 12}
	const index = 1
	scope := []byte("cbets/mixer/session-2/slot-5")
	ring := members(ids...)
	in := refInput{ring: ring, scope: scope, msg: abc}
	sig := sign(ids, index, scope, abc)
	bad := func(ring [][]byte, index int, scope, msg, sig []byte, comment string) {
		f.Cases = append(f.Cases, vector{
			PK: hexs(ring[min(index, len(ring)-1)]), Msg: hexs(msg), Sig: hexs(sig),
			Comment: comment, Ring: hexList(ring), Scope: hexs(scope), Index: index,
		})
	}
	badSig := func(sig []byte, comment string) { bad(ring, index, scope, abc, sig, comment) }

	// Non-canonical scalars. The hand-built signature has s_2 = 7 and
	// verifies; with s_2 = 7 + n it must be rejected, not reduced.
	s := labelScalars("cbets/ringsig/vectors/responses", 3)
	s[2] = big.NewInt(7)
	alpha := labelScalars("cbets/ringsig/vectors/alpha", 1)[0]
	hand := refSign(t, in, spec, secret(keys[ids[index]]), index, alpha, s)
	require.True(t, refVerify(t, in, spec, hand))
	badSig(withScalar(hand, 3, new(big.Int).Add(s[2], curveN)),
		"non-canonical scalar: s_2 = 7 + n, where the same signature with s_2 = 7 verifies (built from the signing equations)")
	badSig(withScalar(sig, 0, new(big.Int).Add(curveN, bigOne)), "non-canonical scalar: c_0 = n + 1")
	badSig(withScalar(sig, 1, curveN), "non-canonical scalar: s_0 = n")
	badSig(withScalar(sig, 2, new(big.Int).Sub(two256, bigOne)), "non-canonical scalar: s_1 = 2^256 − 1")

	// The ring: order, duplicates, size.
	refSigOf := func(b []byte) refSig {
		r, ok := refParse(b)
		require.True(t, ok)
		return r
	}
	// A rotation keeps every L_i and R_i of the signature's chain when c_0
	// is set to c_r: only D, which binds the order, tells it apart.
	rotated := func(r int) {
		sr := refSigOf(sig)
		c := refChain(t, in, spec, sr)
		rot := refSig{image: sr.image, c0: c[r], s: rotate(sr.s, r)}
		bad(rotate(ring, r), (index-r+len(ring))%len(ring), scope, abc, rot.bytes(),
			fmt.Sprintf("rotated ring: members and s values rotated left by %d, c_0 = c_%d of the signature's chain (every L_i, R_i unchanged; D differs)", r, r))
	}
	rotated(1)
	rotated(2)
	bad(members(11, 10, 12), 0, scope, abc, sig, "reordered ring: members 0 and 1 swapped")
	sr := refSigOf(sig)
	sr.s[0], sr.s[1] = sr.s[1], sr.s[0]
	bad(members(11, 10, 12), 0, scope, abc, sr.bytes(), "reordered ring: members 0 and 1 swapped together with s_0 and s_1")
	bad(members(10, 11, 10), index, scope, abc, sig, "duplicate member: member 2 replaced by member 0")
	bad(members(10, 11, 12, 11), index, scope, abc, sig, "duplicate member: the signer's key twice")
	bad(members(13, 11, 12), index, scope, abc, sig, "other ring: member 0 replaced by another key")
	bad(members(11), 0, scope, abc, sig[:ringsig.SignatureSize(1)], "ring and signature of N = 1")

	// Scope, message, key image.
	bad(ring, index, append(clone(scope), 0), abc, sig, "wrong scope: a zero byte appended")
	bad(ring, index, nil, abc, sig, "wrong scope: empty")
	bad(ring, index, scope, []byte("abd"), sig, "wrong message: last byte changed")
	bad(ring, index, scope, nil, sig, "wrong message: empty")
	badSig(cat(refImage(t, secret(keys[10]), scope), sig[33:]), "tampered key image: the image of ring member 0 in the same scope")
	badSig(cat(refImage(t, secret(keys[11]), scope1), sig[33:]), "tampered key image: the signer's image in another scope")
	neg := clone(sig)
	neg[0] ^= 0x02 ^ 0x03
	badSig(neg, "tampered key image: −I (prefix 02 and 03 swapped)")
	xOn, xOff := firstX(true), firstX(false)
	badSig(cat([]byte{0x02}, be32(xOff), sig[33:]), fmt.Sprintf("key image off the curve: x = %v", xOff))
	badSig(cat([]byte{0x02}, be32(new(big.Int).Add(curveP, xOn)), sig[33:]),
		fmt.Sprintf("key image with x = p + %v ≥ p (x = %v is on the curve): must be rejected, not reduced", xOn, xOn))
	prefix04 := clone(sig)
	prefix04[0] = 0x04
	badSig(prefix04, "key image with prefix 04")
	badSig(cat(make([]byte, 33), sig[33:]), "key image of 33 zero bytes (the point at infinity)")

	// Challenge, length, bits.
	badSig(withScalar(sig, 0, new(big.Int)), "zero c_0")
	badSig(sig[:len(sig)-1], "truncated signature: last byte dropped")
	badSig(sig[:len(sig)-32], "truncated signature: s_2 dropped (parses as N = 2, the ring has 3 members)")
	badSig(append(clone(sig), 0), "signature one byte long")
	flipped := clone(sig)
	flipped[slot(2)+31] ^= 1
	badSig(flipped, "tampered signature: lowest bit of s_1 flipped")

	// The point at infinity in the chain, which has no encoding for the
	// challenge to hash. Built from the signing equations with α and the
	// responses of the hand-built signature above, infinity hashed as 33
	// zero bytes: each verifies if a verifier hashes it so.
	secrets := make([]*big.Int, len(ids))
	for i, id := range ids {
		secrets[i] = secret(keys[id])
	}
	for _, c := range infinityCases(t, in, secrets, index, alpha, s) {
		require.True(t, refVerify(t, in, variant{infinity: true}, c.sig))
		badSig(c.sig, "point at infinity in the chain: "+c.name+" (verifies if infinity is hashed as 33 zero bytes)")
	}
	return f
}

func marshalVectors(t testing.TB, v vectorFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))
	return buf.Bytes()
}

func TestVectors(t *testing.T) {
	path := filepath.Join("testdata", vectorFileName)
	want := marshalVectors(t, genVectors(t))
	raw := testkit.SyncGolden(t, path, want, *updateVectors, "go test ./ringsig -run TestVectors -update")

	var f vectorFile
	require.NoError(t, json.Unmarshal(raw, &f))
	require.Equal(t, "lsag", f.Scheme)
	var valid, invalid int
	for i, c := range f.Cases {
		t.Run(fmt.Sprintf("%02d_%s", i, c.Comment), func(t *testing.T) {
			if c.Valid {
				valid++
				checkValidVector(t, c)
			} else {
				invalid++
				checkInvalidVector(t, c)
			}
		})
	}
	require.Positive(t, valid)
	require.Positive(t, invalid)
}

func vectorInput(t *testing.T, c vector) refInput {
	t.Helper()
	in := refInput{scope: mustHex(t, c.Scope), msg: mustHex(t, c.Msg)}
	for _, pk := range c.Ring {
		in.ring = append(in.ring, mustHex(t, pk))
	}
	return in
}

func checkValidVector(t *testing.T, c vector) {
	in := vectorInput(t, c)
	sigBytes := mustHex(t, c.Sig)
	key, err := ecdsa.ParsePrivateKey(mustHex(t, c.SK))
	require.NoError(t, err)
	require.Equal(t, c.PK, hexs(key.PublicKey().Bytes()))
	require.Less(t, c.Index, len(in.ring))
	require.Equal(t, c.PK, hexs(in.ring[c.Index]))

	ring, err := ringsig.ParseRing(cat(in.ring...))
	require.NoError(t, err)
	scope := mustScope(t, in.scope)
	sig, err := ringsig.Sign(key, ring, c.Index, scope, in.msg, nil)
	require.NoError(t, err)
	require.Equal(t, c.Sig, hexs(sig.Bytes()), "Sign does not reproduce the vector")

	parsed, err := ringsig.ParseSignature(sigBytes)
	require.NoError(t, err)
	tag, err := ringsig.Verify(ring, scope, in.msg, parsed)
	require.NoError(t, err)
	require.Equal(t, sigBytes[:33], func() []byte { b := tag.Image(); return b[:] }())
	require.True(t, refVerify(t, in, spec, sigBytes), "the reference verifier rejects the vector")
	requireSameBytes(t, refImage(t, secret(key), in.scope), sigBytes[:33])
}

func checkInvalidVector(t *testing.T, c vector) {
	in := vectorInput(t, c)
	sigBytes := mustHex(t, c.Sig)
	require.False(t, refVerify(t, in, spec, sigBytes), "the reference verifier accepts an invalid vector")

	err := func() error {
		ring, err := ringsig.ParseRing(cat(in.ring...))
		if err != nil {
			return err
		}
		scope, err := ringsig.NewScope(in.scope)
		if err != nil {
			return err
		}
		sig, err := ringsig.ParseSignature(sigBytes)
		if err != nil {
			return err
		}
		_, err = ringsig.Verify(ring, scope, in.msg, sig)
		return err
	}()
	require.Error(t, err, "an invalid vector is accepted")
	known := []error{
		ringsig.ErrRingSize, ringsig.ErrRingMember, ringsig.ErrDuplicateMember, ringsig.ErrMalformedSignature,
		ringsig.ErrRingMismatch, ringsig.ErrInvalidSignature,
	}
	found := false
	for _, e := range known {
		found = found || errors.Is(err, e)
	}
	require.True(t, found, "unexpected error %v", err)
	requireOnePrefix(t, err)
}
