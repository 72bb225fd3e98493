package gate_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// The known-answer file testdata/pass.json is regenerated with
//
//	go test ./gate -run TestVectors -update
//
// Generation is deterministic: every key is SHA-256 of a label (holders'
// labels are in the file; the merchant's is "cbets/gate/test/merchant", the
// registrar's "cbets/gate/test/registrar"), and signatures are not hedged. A valid case gives the holder's
// key, the Consume request the holder signs (its encoding, ω included,
// SPEC section 8.4) and the pass; a second implementation signs the
// request's signed bytes to the same ω and compresses the request to the
// same pass. An invalid case is a pass that ParsePass refuses.
var update = flag.Bool("update", false, "rewrite the known-answer file in testdata/")

type vectorFile struct {
	Scheme string       `json:"scheme"`
	Cases  []vectorCase `json:"cases"`
}

type vectorCase struct {
	Comment string `json:"comment"`
	SK      string `json:"sk,omitempty"`
	Request string `json:"request,omitempty"`
	Pass    string `json:"pass"`
	Valid   bool   `json:"valid"`
}

func generatePassVectors(t *testing.T) []byte {
	c := getCast(t)
	file := vectorFile{Scheme: "gate-pass-v1"}
	for i, tc := range []struct{ event, serial string }{
		{concert, "1234"},
		{concert, "1"},
		{other, strings.Repeat("9", 64)},
	} {
		u := c.users[i]
		h := c.buy(t, u, tc.event, tc.serial)
		at := doors.Add(time.Duration(i) * 31 * time.Second)
		p, err := gate.NewPass(u.key, h.tk, at)
		require.NoError(t, err)
		req, err := ticket.NewConsumeRequest(u.key, h.tk, p.Time())
		require.NoError(t, err)
		file.Cases = append(file.Cases, vectorCase{
			Comment: "event " + tc.event + ", serial " + tc.serial + ", t2 " + p.Time().Format(time.RFC3339) +
				`, sk = SHA-256("cbets/gate/test/user/holder-` + string(rune('0'+i)) + `")`,
			SK:      hex.EncodeToString(u.key.Bytes()),
			Request: hex.EncodeToString(req.Bytes()),
			Pass:    hex.EncodeToString(p.Bytes()),
			Valid:   true,
		})
	}
	good, err := hex.DecodeString(file.Cases[0].Pass)
	require.NoError(t, err)
	bad := func(comment string, f func([]byte) []byte) {
		file.Cases = append(file.Cases, vectorCase{Comment: comment, Pass: hex.EncodeToString(f(bytes.Clone(good)))})
	}
	bad("version byte 0x48", func(b []byte) []byte { b[0] = 0x48; return b })
	bad("event length 0", func(b []byte) []byte { return append([]byte{0x47, 0}, b[2+len(concert):]...) })
	bad("serial length past the end", func(b []byte) []byte { b[2+len(concert)] = 0xff; return b })
	bad("slot 307445733, past the last", func(b []byte) []byte {
		copy(b[len(b)-76:], []byte{0x12, 0x53, 0x3f, 0xe5})
		return b
	})
	bad("ω with high s (n − s)", func(b []byte) []byte {
		sig, err := ecdsa.ParseInverseSSignature(b[len(b)-64:])
		require.NoError(t, err)
		copy(b[len(b)-32:], negate(sig.Bytes()[32:]))
		return b
	})
	bad("trailing byte", func(b []byte) []byte { return append(b, 0) })
	bad("truncated", func(b []byte) []byte { return b[:len(b)-1] })

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(file))
	return buf.Bytes()
}

// negate returns n − s for a 32-byte scalar s.
func negate(s []byte) []byte {
	n, _ := hex.DecodeString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	out := make([]byte, 32)
	borrow := 0
	for i := 31; i >= 0; i-- {
		d := int(n[i]) - int(s[i]) - borrow
		borrow = 0
		if d < 0 {
			d += 256
			borrow = 1
		}
		out[i] = byte(d)
	}
	return out
}

func TestVectors(t *testing.T) {
	path := filepath.Join("testdata", "pass.json")
	data := testkit.SyncGolden(t, path, generatePassVectors(t), *update, "go test ./gate -run TestVectors -update")
	var file vectorFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&file))
	require.Equal(t, "gate-pass-v1", file.Scheme)
	valid := 0
	for _, vc := range file.Cases {
		t.Run(vc.Comment, func(t *testing.T) {
			pass, err := hex.DecodeString(vc.Pass)
			require.NoError(t, err)
			p, err := gate.ParsePass(pass)
			if !vc.Valid {
				require.ErrorIs(t, err, gate.ErrMalformed)
				return
			}
			valid++
			require.NoError(t, err)
			require.Equal(t, pass, p.Bytes())
			rb, err := hex.DecodeString(vc.Request)
			require.NoError(t, err)
			req, err := ticket.ParseRequest(rb)
			require.NoError(t, err)
			require.Equal(t, ticket.KindConsume, req.Kind)
			require.Equal(t, pass, encodePass(req), "the pass is the request compressed")
			skb, err := hex.DecodeString(vc.SK)
			require.NoError(t, err)
			sk, err := ecdsa.ParsePrivateKey(skb)
			require.NoError(t, err)
			require.True(t, sk.PublicKey().Equal(req.Cert.PublicKey()))
			sig, err := ecdsa.SignInverseS(sk, req.SignedBytes(), nil)
			require.NoError(t, err)
			require.Equal(t, req.Sig, sig.Bytes(), "ω is deterministic")
		})
	}
	require.Equal(t, 3, valid)
}
