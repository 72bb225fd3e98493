package libsecp

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"math/big"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	decred "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
)

var (
	curveN = secp256k1.Params().N
	halfN  = new(big.Int).Rsh(curveN, 1)
)

// invLowS returns v⁻¹ mod n, negated when above (n−1)/2.
func invLowS(v []byte) []byte {
	x := new(big.Int).ModInverse(new(big.Int).SetBytes(v), curveN)
	if x.Cmp(halfN) > 0 {
		x.Sub(curveN, x)
	}
	return x.FillBytes(make([]byte, 32))
}

// lowS returns v or n − v, whichever is at most (n−1)/2.
func lowS(v []byte) []byte {
	x := new(big.Int).SetBytes(v)
	if x.Cmp(halfN) > 0 {
		x.Sub(curveN, x)
	}
	return x.FillBytes(make([]byte, 32))
}

// digest32 is the profile's digest of msg as libsecp256k1 reads it: a
// 32-byte big-endian integer (SHA-1's 20 bytes are left-padded with zeros,
// which is the same integer).
func digest32(profile ecdsa.Profile, parts ...[]byte) [32]byte {
	var d [32]byte
	if profile.IsSHA1() {
		h := sha1.New()
		for _, p := range parts {
			h.Write(p)
		}
		copy(d[12:], h.Sum(nil))
		return d
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	copy(d[:], h.Sum(nil))
	return d
}

func TestCrossCheck(t *testing.T) {
	l, err := newLib()
	require.NoError(t, err)
	defer l.close()
	cases := 32
	if testing.Short() {
		cases = 8
	}
	for i := range cases {
		key := testkit.KeyFromLabel(t, fmt.Sprintf("cbets/bench/libsecp/crosscheck/%d", i))
		pub := key.PublicKey()
		msg := []byte(fmt.Sprintf("cross-check message %d", i))
		for _, profile := range []ecdsa.Profile{ecdsa.SHA256, ecdsa.PaperSHA1} {
			t.Run(fmt.Sprintf("%d/%v", i, profile), func(t *testing.T) {
				l.setKey(key.Bytes())
				lpub, ok := l.publicKey()
				require.True(t, ok)
				require.Equal(t, lpub[:], pub.Bytes(), "public keys differ")

				// libsecp256k1 signs e; cbets verifies (r, s⁻¹) as inverse-s.
				e := digest32(profile, msg)
				l.setDigest(&e)
				require.True(t, l.sign())
				rs, ok := l.compact()
				require.True(t, ok)
				if profile == ecdsa.SHA256 {
					// Both sign by RFC 6979 without extra data, with low s.
					priv := secp256k1.PrivKeyFromBytes(key.Bytes())
					d := decred.Sign(priv, e[:])
					dr, ds := d.R(), d.S()
					require.Equal(t, dr.Bytes(), [32]byte(rs[:32]), "decred's r")
					require.Equal(t, ds.Bytes(), [32]byte(rs[32:]), "decred's s")
				}
				inv, err := ecdsa.ParseInverseSSignature(append(rs[:32:32], invLowS(rs[32:])...))
				require.NoError(t, err)
				require.NoError(t, ecdsa.VerifyInverseS(pub, msg, inv, profile))
				require.ErrorIs(t, ecdsa.VerifyInverseS(pub, append(msg, 0), inv, profile), ecdsa.ErrInvalidSignature)

				// cbets signs inverse-s; libsecp256k1 verifies (a, s⁻¹).
				sig, err := ecdsa.SignInverseS(key, msg, &ecdsa.SignOptions{Profile: profile})
				require.NoError(t, err)
				sb := sig.Bytes()
				var std [64]byte
				copy(std[:32], sb[:32])
				copy(std[32:], invLowS(sb[32:]))
				require.True(t, l.setSignature(&std, pub.Bytes()))
				require.True(t, l.verify(), "libsecp256k1 refuses cbets' inverse-s signature")
				bad := digest32(profile, msg, []byte{0})
				l.setDigest(&bad)
				require.False(t, l.verify())

				// cbets signs R-bound; libsecp256k1 verifies (x(R) mod n, s)
				// over H(msg ‖ x ‖ y).
				rsig, err := ecdsa.SignRBound(key, msg, &ecdsa.SignOptions{Profile: profile})
				require.NoError(t, err)
				rb := rsig.Bytes()
				pt, err := secp256k1.ParsePubKey(rb[:33])
				require.NoError(t, err)
				xy := pt.SerializeUncompressed()[1:]
				x := new(big.Int).SetBytes(xy[:32])
				copy(std[:32], x.Mod(x, curveN).FillBytes(make([]byte, 32)))
				copy(std[32:], lowS(rb[33:]))
				require.True(t, l.setSignature(&std, pub.Bytes()))
				e = digest32(profile, msg, xy)
				l.setDigest(&e)
				require.True(t, l.verify(), "libsecp256k1 refuses cbets' R-bound signature")
				bad = digest32(profile, msg, xy, []byte{0})
				l.setDigest(&bad)
				require.False(t, l.verify())
			})
		}
	}
}
