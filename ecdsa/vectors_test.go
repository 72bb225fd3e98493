// Regenerate the known-answer vectors in testdata/ with: go test ./ecdsa -run TestVectors -update

package ecdsa_test

// Known-answer vectors in the format of SPEC section 11, one file per scheme
// and profile plus address.json. Every run regenerates the vectors in memory
// and requires the files to match them byte for byte, then checks every case
// read from the files: a valid case must be reproduced exactly by Sign (and by
// the math/big reference signer of helpers_test.go) and accepted by Verify;
// an invalid case must be rejected by the parser or the verifier.
//
// Address cases: "version" is the version byte the address was made with
// (valid cases) or the one ParseAddress is asked to expect (invalid cases);
// "pk" is the compressed key the address was derived from.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/btcsuite/btcd/btcutil/base58"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/stretchr/testify/require"
)

var updateVectors = flag.Bool("update", false, "regenerate the known-answer vectors in testdata/")

type sigVectorFile struct {
	Scheme  string      `json:"scheme"`
	Profile string      `json:"profile"`
	Cases   []sigVector `json:"cases"`
}

type sigVector struct {
	SK      string `json:"sk,omitempty"`
	PK      string `json:"pk"`
	Msg     string `json:"msg"`
	Sig     string `json:"sig"`
	Valid   bool   `json:"valid"`
	Comment string `json:"comment"`
}

type addressVectorFile struct {
	Scheme string          `json:"scheme"`
	Cases  []addressVector `json:"cases"`
}

type addressVector struct {
	PK      string `json:"pk"`
	Version int    `json:"version"`
	Address string `json:"address"`
	Valid   bool   `json:"valid"`
	Comment string `json:"comment"`
}

// Bitcoin's P2PKH address of the compressed public key of private key 1.
const bitcoinAddressKey1 = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"

// beta is a primitive cube root of unity mod p: (β·x, y) is on the curve
// whenever (x, y) is, with the same y and another x.
var beta = mustBig("7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee")

type namedKey struct {
	name string
	k    *big.Int
}

type namedMsg struct {
	name string
	msg  []byte
}

func vectorKeys(t testing.TB) []namedKey {
	keys := []namedKey{
		{"k = 1", big.NewInt(1)},
		{"k = n − 1", new(big.Int).Sub(curveN, bigOne)},
	}
	for i := 1; i <= 3; i++ {
		label := fmt.Sprintf("cbets/ecdsa/vectors/key/%d", i)
		keys = append(keys, namedKey{"k = SHA-256(" + label + ")", new(big.Int).SetBytes(keyFromLabel(t, label).Bytes())})
	}
	return keys
}

func vectorMsgs() []namedMsg {
	long := make([]byte, 200)
	for i := range long {
		long[i] = byte(i * 7)
	}
	return []namedMsg{
		{"empty msg", []byte{}},
		{"msg \"abc\"", []byte("abc")},
		{"msg \"CB-ETS consumption: m2 ‖ t2\"", []byte("CB-ETS consumption: m2 ‖ t2")},
		{"200-byte msg", long},
	}
}

func hexs(b []byte) string { return hex.EncodeToString(b) }

// genSigVectors builds the vector file of one scheme and profile.
func genSigVectors(t testing.TB, s sigScheme, p ecdsa.Profile) sigVectorFile {
	t.Helper()
	f := sigVectorFile{Scheme: s.name, Profile: p.String()}
	opts := &ecdsa.SignOptions{Profile: p}
	sign := func(k *big.Int, msg []byte, o *ecdsa.SignOptions) []byte {
		sig, err := s.sign(keyFromInt(t, k), msg, o)
		require.NoError(t, err)
		return sig
	}
	for _, k := range vectorKeys(t) {
		pk := keyFromInt(t, k.k).PublicKey().Bytes()
		for _, m := range vectorMsgs() {
			f.Cases = append(f.Cases, sigVector{
				SK: hexs(be32(k.k)), PK: hexs(pk), Msg: hexs(m.msg),
				Sig: hexs(sign(k.k, m.msg, opts)), Valid: true,
				Comment: k.name + ", " + m.name,
			})
		}
	}

	// Every invalid case starts from this signature.
	keys := vectorKeys(t)
	k := keys[2].k
	pk := keyFromInt(t, k).PublicKey().Bytes()
	otherPK := keyFromInt(t, keys[3].k).PublicKey().Bytes()
	msg := []byte("abc")
	sig := sign(k, msg, opts)
	bad := func(pk, msg, sig []byte, comment string) {
		f.Cases = append(f.Cases, sigVector{PK: hexs(pk), Msg: hexs(msg), Sig: hexs(sig), Comment: comment})
	}
	withS := func(s *big.Int) []byte { return cat(sig[:len(sig)-32], be32(s)) }
	sigS := new(big.Int).SetBytes(sig[len(sig)-32:])
	nPlus := func(v int64) *big.Int { return new(big.Int).Add(curveN, big.NewInt(v)) }

	bad(pk, flipBit(msg, 0), sig, "tampered msg: lowest bit of byte 0 flipped")
	bad(pk, append(append([]byte{}, msg...), 0), sig, "tampered msg: zero byte appended")
	bad(pk, msg, flipBit(sig, 8*(len(sig)-1)), "tampered sig: lowest bit of the last byte flipped")
	bad(pk, msg, flipBit(sig, 8*10+3), "tampered sig: a bit of byte 10 flipped")
	bad(pk, msg, sig[:len(sig)-1], "sig one byte short")
	bad(pk, msg, append(append([]byte{}, sig...), 0), "sig one byte long")
	bad(pk, msg, withS(big.NewInt(0)), "s = 0")
	bad(pk, msg, withS(curveN), "s = n")
	bad(pk, msg, withS(nPlus(1)), "s = n + 1")
	bad(pk, msg, withS(new(big.Int).Sub(two256, bigOne)), "s = 2^256 − 1")
	bad(otherPK, msg, sig, "wrong key")
	bad(pk, msg, sign(k, msg, &ecdsa.SignOptions{Profile: otherProfile(p)}), "wrong profile: signed under "+otherProfile(p).String())

	switch s.name {
	case rboundScheme.name:
		R := mustPointWithX(t, new(big.Int).SetBytes(sig[1:33]), sig[0] == 0x03)
		one := big.NewInt(1)
		oneKey := rboundKeyFor(t, p, msg, R, one, R)
		bad(oneKey.Bytes(), msg, rboundSig(R, nPlus(1)), "s = n + 1 where s = 1 verifies under pk: must be rejected, not reduced")
		bad(pk, msg, rboundSig(R.neg(), negN(sigS)), "(R, s) replaced by (−R, −s): e binds y(R), so the signature is not malleable")
		bad(pk, msg, rboundSig(R.neg(), sigS), "R replaced by −R")
		bad(pk, msg, rboundSig(R, negN(sigS)), "s replaced by n − s (high s)")
		bad(pk, msg, rboundSig(baseG, sigS), "R replaced by another curve point (G)")
		for _, prefix := range []byte{0x00, 0x01, 0x04, 0x05, 0x06, 0x07} {
			enc := append([]byte{}, sig...)
			enc[0] = prefix
			bad(pk, msg, enc, fmt.Sprintf("R with invalid prefix 0x%02x", prefix))
		}
		bad(pk, msg, cat([]byte{0x02}, be32(big.NewInt(5)), be32(sigS)), "R off the curve: x = 5, x³ + 7 is not a square")
		bad(pk, msg, cat([]byte{0x02}, be32(new(big.Int).Add(curveP, bigOne)), be32(sigS)), "x(R) = p + 1 ≥ p (x = 1 is on the curve): must be rejected, not reduced")
		bad(pk, msg, rboundSig(mustPointWithX(t, curveN, false), sigS), "x(R) = n: r = x(R) mod n = 0")
		bad(rboundKeyFor(t, p, msg, R, sigS, R.neg()).Bytes(), msg, sig, "uG + v·pk = −R: same x, other y (the full point is compared)")
		sameY := affinePoint{x: new(big.Int).Mod(new(big.Int).Mul(beta, R.x), curveP), y: R.y}
		bad(rboundKeyFor(t, p, msg, R, sigS, sameY).Bytes(), msg, sig, "uG + v·pk = (β·x(R), y(R)): same y, other x")
		bad(rboundKeyFor(t, p, msg, R, sigS, infinity).Bytes(), msg, sig, "uG + v·pk is the point at infinity")
	case inverseSScheme.name:
		a := new(big.Int).SetBytes(sig[:32])
		withA := func(v *big.Int) []byte { return cat(be32(v), sig[32:]) }
		bad(pk, msg, withS(negN(sigS)), "high s: s replaced by n − s")
		bad(pk, msg, withS(new(big.Int).Add(halfN, bigOne)), "s = (n + 1)/2, the smallest high s")
		bad(pk, msg, withA(big.NewInt(0)), "a = 0")
		bad(pk, msg, withA(curveN), "a = n")
		bad(pk, msg, withA(new(big.Int).Sub(two256, bigOne)), "a = 2^256 − 1")
		bad(pk, msg, withA(new(big.Int).Add(a, bigOne)), "a replaced by a + 1")
		P1 := mustPointWithX(t, big.NewInt(1), false)
		oneKey := inverseSKeyFor(t, p, msg, big.NewInt(1), sigS, P1)
		bad(oneKey.Bytes(), msg, inverseSSig(nPlus(1), sigS), "a = n + 1 where a = 1 verifies under pk (x(P) = 1): must be rejected, not reduced")
		Pn2 := mustPointWithX(t, nPlus(2), false)
		bigXKey := inverseSKeyFor(t, p, msg, big.NewInt(2), sigS, Pn2)
		bad(bigXKey.Bytes(), msg, inverseSSig(nPlus(2), sigS), "a = x(P) = n + 2 ≥ n where a = 2 verifies under pk: a ≥ n must be rejected")
		wrapA := new(big.Int).Sub(curveP, curveN)
		wrapA.Add(wrapA, bigOne) // p − n + 1: a + n = p + 1 ≡ 1 = x(P) mod p
		wrapKey := inverseSKeyFor(t, p, msg, wrapA, sigS, P1)
		bad(wrapKey.Bytes(), msg, inverseSSig(wrapA, sigS), "a = p − n + 1 and x(P) = 1 = a + n − p: a + n ≥ p is no candidate for x(P)")
		bad(inverseSKeyFor(t, p, msg, a, sigS, infinity).Bytes(), msg, sig, "P = u'G + v'·pk is the point at infinity")
	}
	return f
}

// genAddressVectors builds address.json.
func genAddressVectors(t testing.TB) addressVectorFile {
	t.Helper()
	f := addressVectorFile{Scheme: "address"}
	keys := vectorKeys(t)
	add := func(k *big.Int, version byte, comment string) string {
		pub := keyFromInt(t, k).PublicKey()
		addr := pub.Address(version).String()
		f.Cases = append(f.Cases, addressVector{PK: hexs(pub.Bytes()), Version: int(version), Address: addr, Valid: true, Comment: comment})
		return addr
	}
	key1 := add(keys[0].k, 0x00, "k = 1: Bitcoin P2PKH address of the compressed key")
	require.Equal(t, bitcoinAddressKey1, key1)
	for _, k := range keys[1:] {
		add(k.k, ecdsa.DefaultAddressVersion, k.name+", version 0x00")
	}
	add(keys[0].k, 0x05, "k = 1, version 0x05")
	add(keys[2].k, 0x6f, keys[2].name+", version 0x6f")
	add(keys[2].k, 0xff, keys[2].name+", version 0xff")

	pub := keyFromInt(t, keys[2].k).PublicKey()
	pk := hexs(pub.Bytes())
	addr := pub.Address(0x00).String()
	bad := func(s string, version byte, comment string) {
		f.Cases = append(f.Cases, addressVector{PK: pk, Version: int(version), Address: s, Comment: comment})
	}
	last := addr[len(addr)-1]
	repl := byte('2')
	if last == repl {
		repl = '3'
	}
	bad(addr[:len(addr)-1]+string(repl), 0x00, "bad checksum: last character changed")
	h := pub.Address(0x00).Hash()
	badSum := cat([]byte{0x00}, h[:], []byte{0, 0, 0, 0})
	bad(base58.Encode(badSum), 0x00, "bad checksum: zero checksum bytes")
	bad(addr, 0x05, "wrong version: made with 0x00, parsed expecting 0x05")
	bad(pub.Address(0x05).String(), 0x00, "wrong version: made with 0x05, parsed expecting 0x00")
	bad(base58.CheckEncode(h[:19], 0x00), 0x00, "wrong length: 19-byte hash")
	bad(base58.CheckEncode(append(h[:], 0x00), 0x00), 0x00, "wrong length: 21-byte hash")
	bad(base58.Encode(h[:]), 0x00, "wrong length: raw 20-byte hash without version or checksum")
	for _, c := range []string{"0", "O", "I", "l"} {
		bad(addr[:5]+c+addr[6:], 0x00, fmt.Sprintf("character %q is not base58", c))
	}
	bad("", 0x00, "empty string")
	return f
}

func vectorPath(name string) string { return filepath.Join("testdata", name) }

func marshalVectors(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))
	return buf.Bytes()
}

// syncVectors writes want to the file under -update; otherwise it requires
// the file to hold exactly want. It returns the file's contents.
func syncVectors(t *testing.T, name string, want []byte) []byte {
	t.Helper()
	return testkit.SyncGolden(t, vectorPath(name), want, *updateVectors, "go test ./ecdsa -run TestVectors -update")
}

func TestVectors(t *testing.T) {
	for _, s := range schemes {
		for _, p := range profiles {
			name := s.name + "_" + p.String() + ".json"
			t.Run(name, func(t *testing.T) {
				raw := syncVectors(t, name, marshalVectors(t, genSigVectors(t, s, p)))
				var f sigVectorFile
				require.NoError(t, json.Unmarshal(raw, &f))
				checkSigVectors(t, s, p, f)
			})
		}
	}
	t.Run("address.json", func(t *testing.T) {
		raw := syncVectors(t, "address.json", marshalVectors(t, genAddressVectors(t)))
		var f addressVectorFile
		require.NoError(t, json.Unmarshal(raw, &f))
		checkAddressVectors(t, f)
	})
}

func checkSigVectors(t *testing.T, s sigScheme, p ecdsa.Profile, f sigVectorFile) {
	require.Equal(t, s.name, f.Scheme)
	require.Equal(t, p.String(), f.Profile)
	var valid, invalid int
	for i, c := range f.Cases {
		t.Run(fmt.Sprintf("%02d_%s", i, c.Comment), func(t *testing.T) {
			pkb, msg, sig := mustHex(t, c.PK), mustHex(t, c.Msg), mustHex(t, c.Sig)
			pub, err := ecdsa.ParsePublicKey(pkb)
			require.NoError(t, err)
			require.Equal(t, pkb, pub.Bytes())
			if !c.Valid {
				invalid++
				requireRejected(t, s.verify(pub, msg, sig, p))
				return
			}
			valid++
			skb := mustHex(t, c.SK)
			key, err := ecdsa.ParsePrivateKey(skb)
			require.NoError(t, err)
			require.Equal(t, pkb, key.PublicKey().Bytes())
			got, err := s.sign(key, msg, &ecdsa.SignOptions{Profile: p})
			require.NoError(t, err)
			require.Equal(t, c.Sig, hexs(got), "Sign does not reproduce the vector")
			require.Equal(t, c.Sig, hexs(s.ref(new(big.Int).SetBytes(skb), msg, p)), "the reference signer disagrees")
			require.NoError(t, s.verify(pub, msg, sig, p))
		})
	}
	require.Positive(t, valid)
	require.Positive(t, invalid)
}

func checkAddressVectors(t *testing.T, f addressVectorFile) {
	require.Equal(t, "address", f.Scheme)
	for i, c := range f.Cases {
		t.Run(fmt.Sprintf("%02d_%s", i, c.Comment), func(t *testing.T) {
			require.GreaterOrEqual(t, c.Version, 0)
			require.LessOrEqual(t, c.Version, 0xff)
			version := byte(c.Version)
			a, err := ecdsa.ParseAddress(c.Address, version)
			if !c.Valid {
				require.Error(t, err)
				require.True(t, errors.Is(err, ecdsa.ErrAddressEncoding) || errors.Is(err, ecdsa.ErrAddressLength) ||
					errors.Is(err, ecdsa.ErrAddressChecksum) || errors.Is(err, ecdsa.ErrAddressVersion), "unexpected error %v", err)
				return
			}
			require.NoError(t, err)
			pkb := mustHex(t, c.PK)
			pub, err := ecdsa.ParsePublicKey(pkb)
			require.NoError(t, err)
			require.Equal(t, c.Address, pub.Address(version).String())
			require.Equal(t, c.Address, a.String())
			require.Equal(t, version, a.Version())
			require.Equal(t, hash160(pkb), a.Hash())
			require.Equal(t, pub.Address(version), a)
		})
	}
}
