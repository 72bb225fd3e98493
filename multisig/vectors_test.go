package multisig_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/multisig"
	"github.com/stretchr/testify/require"
)

// The known-answer files testdata/combined-2of2_<profile>.json (SPEC
// section 11) are regenerated with
//
//	go test ./multisig -run TestVectors -update
//
// Generation is deterministic: no hedging, and every private key is
// SHA-256 of a fixed label named in the case's comment. Without -update the
// test reads the files and checks every case.
var update = flag.Bool("update", false, "rewrite the known-answer files in testdata/")

const vectorScheme = "combined-2of2"

type vectorFile struct {
	Scheme  string       `json:"scheme"`
	Profile string       `json:"profile"`
	Cases   []vectorCase `json:"cases"`
}

type vectorCase struct {
	SK         string `json:"sk,omitempty"`
	PK         string `json:"pk"`
	SKMerchant string `json:"sk_merchant,omitempty"`
	PKMerchant string `json:"pk_merchant"`
	Msg        string `json:"msg"`
	Sig        string `json:"sig"`
	Valid      bool   `json:"valid"`
	Comment    string `json:"comment"`
}

// An invalid case's comment starts with the stage that must reject it.
var rejectPrefixes = []struct {
	prefix string
	err    error
}{
	{"malformed: ", multisig.ErrMalformedSignature},
	{"user half: ", multisig.ErrUserSignature},
	{"merchant half: ", multisig.ErrMerchantSignature},
	{"same key: ", multisig.ErrSameKey},
}

func vectorPath(p ecdsa.Profile) string {
	return filepath.Join("testdata", vectorScheme+"_"+p.String()+".json")
}

func generateVectors(t testing.TB, p ecdsa.Profile) vectorFile {
	t.Helper()
	long := make([]byte, 1000)
	for i := range long {
		long[i] = byte(i % 251)
	}
	valid := []struct {
		user, merchant string
		msg            []byte
		what           string
	}{
		{labelUser1, labelMerchant1, baseMsg, "consumption message"},
		{labelUser1, labelMerchant1, []byte{}, "empty message"},
		{labelUser1, labelMerchant1, []byte("abc"), `message "abc"`},
		{labelUser1, labelMerchant1, long, "1000-byte message, byte i = i mod 251"},
		{labelUser2, labelMerchant1, baseMsg, "second user, same merchant"},
		{labelUser1, labelMerchant2, baseMsg, "same user, second merchant"},
	}
	file := vectorFile{Scheme: vectorScheme, Profile: p.String()}
	for _, v := range valid {
		user, merchant := keyFromLabel(t, v.user), keyFromLabel(t, v.merchant)
		_, sig := consume(t, user, merchant, v.msg, p)
		file.Cases = append(file.Cases, vectorCase{
			SK:         hex.EncodeToString(user.Bytes()),
			PK:         hex.EncodeToString(user.PublicKey().Bytes()),
			SKMerchant: hex.EncodeToString(merchant.Bytes()),
			PKMerchant: hex.EncodeToString(merchant.PublicKey().Bytes()),
			Msg:        hex.EncodeToString(v.msg),
			Sig:        hex.EncodeToString(sig.Bytes()),
			Valid:      true,
			Comment:    v.what + `; sk = SHA-256("` + v.user + `"), sk_merchant = SHA-256("` + v.merchant + `")`,
		})
	}
	for _, rc := range rejectCases(t, newFixture(t, p)) {
		prefix := ""
		for _, rp := range rejectPrefixes {
			if rp.err == rc.want {
				prefix = rp.prefix
			}
		}
		require.NotEmpty(t, prefix, "case %q has no expected stage", rc.name)
		if rc.profile != p {
			// A file has one verifier profile: there the wrong profile is
			// the case "wrong profile: Σ made under the … profile".
			continue
		}
		file.Cases = append(file.Cases, vectorCase{
			PK:         hex.EncodeToString(rc.pkU.Bytes()),
			PKMerchant: hex.EncodeToString(rc.pkM.Bytes()),
			Msg:        hex.EncodeToString(rc.msg),
			Sig:        hex.EncodeToString(rc.raw),
			Valid:      false,
			Comment:    prefix + rc.name,
		})
	}
	return file
}

func encodeVectors(t testing.TB, file vectorFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(file))
	return buf.Bytes()
}

func TestVectors(t *testing.T) {
	for _, p := range profiles {
		t.Run(p.String(), func(t *testing.T) {
			path := vectorPath(p)
			genFile := generateVectors(t, p)
			generated := encodeVectors(t, genFile)
			data := testkit.SyncGolden(t, path, generated, *update, "go test ./multisig -run TestVectors -update")
			var file vectorFile
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&file))
			require.Equal(t, vectorScheme, file.Scheme)
			require.Equal(t, p.String(), file.Profile)

			var nValid, nInvalid int
			for _, vc := range file.Cases {
				t.Run(vc.Comment, func(t *testing.T) {
					if vc.Valid {
						nValid++
						checkValidVector(t, p, vc)
					} else {
						nInvalid++
						checkInvalidVector(t, p, vc)
					}
				})
			}
			require.GreaterOrEqual(t, nValid, 1)
			require.GreaterOrEqual(t, nInvalid, 1)
			stale := path + " is out of date: regenerate with go test ./multisig -run TestVectors -update"
			require.Len(t, file.Cases, len(genFile.Cases), stale)
			for i := range genFile.Cases {
				require.Equal(t, genFile.Cases[i], file.Cases[i], "case %d: %s", i, stale)
			}
			require.True(t, bytes.Equal(generated, data), "layout differs: %s", stale)
		})
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func checkValidVector(t *testing.T, p ecdsa.Profile, vc vectorCase) {
	user, err := ecdsa.ParsePrivateKey(unhex(t, vc.SK))
	require.NoError(t, err)
	merchant, err := ecdsa.ParsePrivateKey(unhex(t, vc.SKMerchant))
	require.NoError(t, err)
	pkU, err := ecdsa.ParsePublicKey(unhex(t, vc.PK))
	require.NoError(t, err)
	pkM, err := ecdsa.ParsePublicKey(unhex(t, vc.PKMerchant))
	require.NoError(t, err)
	require.True(t, pkU.Equal(user.PublicKey()), "pk is not sk·G")
	require.True(t, pkM.Equal(merchant.PublicKey()), "pk_merchant is not sk_merchant·G")
	msg, want := unhex(t, vc.Msg), unhex(t, vc.Sig)

	omega, err := ecdsa.SignInverseS(user, msg, opts(p))
	require.NoError(t, err)
	require.Equal(t, want[:64], omega.Bytes(), "the holder's ω differs")
	sig, err := multisig.Complete(merchant, pkU, msg, omega, opts(p))
	require.NoError(t, err)
	require.Equal(t, want, sig.Bytes(), "Complete does not reproduce sig")
	require.Equal(t, want, refCombined(t, unhex(t, vc.SK), unhex(t, vc.SKMerchant), msg, p, nil), "the reference computation does not reproduce sig")
	require.NoError(t, parseVerify(pkU, pkM, msg, want, p))
}

func checkInvalidVector(t *testing.T, p ecdsa.Profile, vc vectorCase) {
	pkU, err := ecdsa.ParsePublicKey(unhex(t, vc.PK))
	require.NoError(t, err)
	pkM, err := ecdsa.ParsePublicKey(unhex(t, vc.PKMerchant))
	require.NoError(t, err)
	err = parseVerify(pkU, pkM, unhex(t, vc.Msg), unhex(t, vc.Sig), p)
	require.Error(t, err)
	var want error
	for _, rp := range rejectPrefixes {
		if strings.HasPrefix(vc.Comment, rp.prefix) {
			want = rp.err
		}
	}
	require.NotNil(t, want, "comment %q names no rejecting stage", vc.Comment)
	require.True(t, errors.Is(err, want), "rejected by the wrong stage: %v", err)
}
