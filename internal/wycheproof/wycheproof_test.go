package wycheproof_test

// The Wycheproof secp256k1 ECDSA-SHA-256 vectors, run through the inverse-s
// verifier: a standard signature (r, s) is the inverse-s signature
// (a, s_inv) = (r, s⁻¹ mod n), s_inv normalised to low s (negating s_inv
// negates P and keeps x(P)).

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"testing"

	"github.com/c2sp/wycheproof"
	"github.com/cbets/cbets/ecdsa"
	dcrecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"
)

type wycheproofFile struct {
	Algorithm     string `json:"algorithm"`
	NumberOfTests int    `json:"numberOfTests"`
	TestGroups    []struct {
		Type      string `json:"type"`
		SHA       string `json:"sha"`
		PublicKey struct {
			Curve        string `json:"curve"`
			Uncompressed string `json:"uncompressed"`
		} `json:"publicKey"`
		Tests []wycheproofCase `json:"tests"`
	} `json:"testGroups"`
}

type wycheproofCase struct {
	TcID    int      `json:"tcId"`
	Comment string   `json:"comment"`
	Flags   []string `json:"flags"`
	Msg     string   `json:"msg"`
	Sig     string   `json:"sig"`
	Result  string   `json:"result"`
}

var errConversion = errors.New("not convertible to an inverse-s signature")

// decodeP1363 reads r ‖ s, exactly 32 bytes each.
func decodeP1363(sig []byte) (r, s *big.Int, err error) {
	if len(sig) != 64 {
		return nil, nil, fmt.Errorf("%w: P1363 signature of %d bytes", errConversion, len(sig))
	}
	return new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]), nil
}

// decodeBitcoinDER reads a strict DER signature (decred's parser) and, as
// BIP 62 asks, refuses a high s.
func decodeBitcoinDER(sig []byte) (r, s *big.Int, err error) {
	std, err := dcrecdsa.ParseDERSignature(sig)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errConversion, err)
	}
	rs, ss := std.R(), std.S()
	rb, sb := rs.Bytes(), ss.Bytes()
	r, s = new(big.Int).SetBytes(rb[:]), new(big.Int).SetBytes(sb[:])
	if s.Cmp(halfN) > 0 {
		return nil, nil, fmt.Errorf("%w: high s", errConversion)
	}
	return r, s, nil
}

// toInverseS converts a standard (r, s) into a32 ‖ s_inv32.
func toInverseS(r, s *big.Int) ([]byte, error) {
	for _, v := range []*big.Int{r, s} {
		if v.Sign() <= 0 || v.Cmp(curveN) >= 0 {
			return nil, fmt.Errorf("%w: scalar outside [1, n−1]", errConversion)
		}
	}
	sInv := invN(s)
	if sInv.Cmp(halfN) > 0 {
		sInv = negN(sInv)
	}
	return inverseSSig(r, sInv), nil
}

func TestWycheproof(t *testing.T) {
	files := []struct {
		name   string
		decode func([]byte) (*big.Int, *big.Int, error)
	}{
		{"ecdsa_secp256k1_sha256_p1363_test.json", decodeP1363},
		{"ecdsa_secp256k1_sha256_bitcoin_test.json", decodeBitcoinDER},
	}
	for _, file := range files {
		t.Run(file.name, func(t *testing.T) {
			raw, err := fs.ReadFile(wycheproof.TestVectors, file.name)
			require.NoError(t, err)
			var f wycheproofFile
			require.NoError(t, json.Unmarshal(raw, &f))
			require.Equal(t, "ECDSA", f.Algorithm)

			counts := map[string]int{}
			rejectedAt := map[string]int{}
			var acceptable []string
			for _, g := range f.TestGroups {
				require.Equal(t, "secp256k1", g.PublicKey.Curve)
				require.Equal(t, "SHA-256", g.SHA)
				pub, err := ecdsa.ParsePublicKey(mustHex(t, g.PublicKey.Uncompressed))
				require.NoError(t, err, "public key %s", g.PublicKey.Uncompressed)
				for _, tc := range g.Tests {
					counts[tc.Result]++
					t.Run(fmt.Sprintf("tcId_%d_%s", tc.TcID, tc.Comment), func(t *testing.T) {
						err := wycheproofVerify(t, pub, tc, file.decode)
						switch tc.Result {
						case "valid":
							require.NoError(t, err, "flags %v", tc.Flags)
						case "invalid":
							require.Error(t, err, "flags %v", tc.Flags)
							switch {
							case errors.Is(err, errConversion):
								rejectedAt["conversion"]++
							case errors.Is(err, ecdsa.ErrMalformedSignature):
								rejectedAt["ParseInverseSSignature"]++
							case errors.Is(err, ecdsa.ErrInvalidSignature):
								rejectedAt["VerifyInverseS"]++
							default:
								t.Fatalf("unexpected error %v", err)
							}
						case "acceptable":
							acceptable = append(acceptable, fmt.Sprintf("tcId %d (%s): %v", tc.TcID, tc.Comment, err))
						default:
							t.Fatalf("unknown result %q", tc.Result)
						}
					})
				}
			}
			total := counts["valid"] + counts["invalid"] + counts["acceptable"]
			require.Equal(t, f.NumberOfTests, total)
			t.Logf("%s: %d cases (%d valid, %d invalid, %d acceptable)", file.name, total,
				counts["valid"], counts["invalid"], counts["acceptable"])
			t.Logf("invalid cases rejected at: %v", rejectedAt)
			for _, a := range acceptable {
				t.Logf("acceptable %s", a)
			}
		})
	}
}

func wycheproofVerify(t testing.TB, pub *ecdsa.PublicKey, tc wycheproofCase, decode func([]byte) (*big.Int, *big.Int, error)) error {
	r, s, err := decode(mustHex(t, tc.Sig))
	if err != nil {
		return err
	}
	b, err := toInverseS(r, s)
	if err != nil {
		return err
	}
	sig, err := ecdsa.ParseInverseSSignature(b)
	if err != nil {
		return err
	}
	return ecdsa.VerifyInverseS(pub, mustHex(t, tc.Msg), sig, ecdsa.SHA256)
}

// The curve order n and (n−1)/2, and the few modular helpers the conversion
// needs; package ecdsa's own tests have richer ones, which a test of another
// module cannot import.
var (
	curveN, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
	halfN     = new(big.Int).Rsh(curveN, 1)
)

func invN(v *big.Int) *big.Int { return new(big.Int).ModInverse(v, curveN) }

func negN(v *big.Int) *big.Int { return new(big.Int).Sub(curveN, v) }

// inverseSSig is a32 ‖ s32.
func inverseSSig(a, s *big.Int) []byte {
	b := make([]byte, 64)
	a.FillBytes(b[:32])
	s.FillBytes(b[32:])
	return b
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
