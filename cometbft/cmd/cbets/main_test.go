package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/localnet"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ticket"
)

// result is what one run of cbets did.
type result struct {
	code           int
	stdout, stderr string
}

// cbets runs the command in-process with stdin.
func cbets(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// ok runs cbets and requires success; it returns stdout.
func ok(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	r := cbets(t, stdin, args...)
	require.Equal(t, exitOK, r.code, "cbets %s: %s", strings.Join(args, " "), r.stderr)
	return r.stdout
}

// party is a key file and its public key.
type party struct{ key, pub, cert string }

// newParty generates a key file in dir.
func newParty(t testing.TB, dir, name string) party {
	t.Helper()
	p := party{key: filepath.Join(dir, name+".key")}
	ok(t, "", "keys", "generate", "--out", p.key)
	p.pub = strings.TrimSpace(ok(t, "", "keys", "show", "--key", p.key, "--public"))
	return p
}

// setup is the keys, certificates and genesis of the tests' network.
type setup struct {
	dir                    string
	registrar, merchant    party
	eve, alice, frank      party
	appState               []byte
	termsFile, genesisFile string
	event                  string
}

// newSetup makes the keys and app state (eve brings a standing above the
// listing threshold), the users' certificates and the event's terms.
func newSetup(t *testing.T) *setup {
	dir := t.TempDir()
	s := &setup{dir: dir, event: "concert"}
	s.registrar, s.merchant = newParty(t, dir, "registrar"), newParty(t, dir, "merchant")
	s.appState = []byte(ok(t, "", "genesis", "--registrar", s.registrar.pub, "--merchant", s.merchant.pub,
		"--standing", "eve=620"))
	for _, u := range []struct {
		p  *party
		id string
	}{{&s.eve, "eve"}, {&s.alice, "alice"}, {&s.frank, "frank"}} {
		*u.p = newParty(t, dir, u.id)
		u.p.cert = filepath.Join(dir, u.id+".cert")
		ok(t, "", "cert", "issue", "--registrar-key", s.registrar.key, "--user", u.p.pub, "--id", u.id, "--out", u.p.cert)
	}
	now := time.Now().UTC().Truncate(time.Second)
	terms := fmt.Sprintf(`{"id":%q,"capacity":10,"face_value":4500,"sale_start":%q,"sale_end":%q,"start":%q,"end":%q}`,
		s.event, now.Add(-time.Hour).Format(time.RFC3339), now.Add(24*time.Hour).Format(time.RFC3339),
		now.Add(24*time.Hour).Format(time.RFC3339), now.Add(28*time.Hour).Format(time.RFC3339))
	s.termsFile = filepath.Join(dir, "terms.json")
	require.NoError(t, os.WriteFile(s.termsFile, []byte(terms), 0o644))
	return s
}

// start starts a network of n validators with RPC on.
func (s *setup) start(t *testing.T, n int) *localnet.Network {
	net, err := localnet.Start(localnet.Config{Validators: n, Dir: filepath.Join(s.dir, "net"), AppState: s.appState, RPC: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, net.Close()) })
	s.genesisFile = filepath.Join(s.dir, "net", "validator0", "config", "genesis.json")
	return net
}

// committed is what a merchant command prints.
type committed struct {
	Height int64 `json:"height"`
	Ticket struct {
		Holder string `json:"holder"`
		State  string `json:"state"`
		Age    uint32 `json:"age"`
		Price  int64  `json:"price"`
	} `json:"ticket"`
}

// life runs one ticket's life through the command, sending transaction i
// through validator i mod n.
func (s *setup) life(t *testing.T, net *localnet.Network) {
	vs := net.Validators()
	node := func(i int) []string {
		return []string{"--node", vs[i%len(vs)].RPCAddress(), "--genesis", s.genesisFile}
	}
	nodeOnly := func(i int) []string { return []string{"--node", vs[i%len(vs)].RPCAddress()} }
	args := func(base []string, more ...[]string) []string {
		for _, m := range more {
			base = append(base, m...)
		}
		return base
	}
	ser := []string{"--event", s.event, "--serial", "A-1"}
	step := 0
	// transition has the user sign a request (to a file) and the merchant
	// run it from stdin.
	transition := func(kind string, user party, extra ...string) committed {
		t.Helper()
		step++
		reqFile := filepath.Join(s.dir, fmt.Sprintf("%d-%s.json", step, kind))
		ok(t, "", args([]string{"request", kind, "--key", user.key, "--out", reqFile}, ser, node(step), extra)...)
		req, err := os.ReadFile(reqFile)
		require.NoError(t, err)
		out := ok(t, string(req), args([]string{"merchant", kind, "--merchant-key", s.merchant.key}, node(step+1))...)
		var c committed
		require.NoError(t, json.Unmarshal([]byte(out), &c), out)
		require.Positive(t, c.Height)
		// The next step reads through another validator: wait until all
		// have committed this one.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, err = net.WaitAgree(ctx, c.Height)
		require.NoError(t, err)
		return c
	}

	var published struct {
		Height int64 `json:"height"`
	}
	pub := ok(t, "", args([]string{"event", "publish", "--merchant-key", s.merchant.key, "--terms", s.termsFile}, nodeOnly(0))...)
	require.NoError(t, json.Unmarshal([]byte(pub), &published), pub)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err := net.WaitAgree(ctx, published.Height)
	require.NoError(t, err)
	type eventShown struct {
		Height int64         `json:"height"`
		Sold   uint32        `json:"sold"`
		Event  *ticket.Event `json:"event"`
	}
	var shown eventShown
	out := ok(t, "", args([]string{"event", "show", "--id", s.event}, node(1))...)
	require.NoError(t, json.Unmarshal([]byte(out), &shown), out)
	require.Equal(t, s.event, shown.Event.ID())
	require.Zero(t, shown.Sold)
	require.GreaterOrEqual(t, shown.Height, published.Height)

	// A second publication under the event's id: the ledger refuses it
	// (code 22), and the command says so and fails.
	other, err := os.ReadFile(s.termsFile)
	require.NoError(t, err)
	otherFile := filepath.Join(s.dir, "other-terms.json")
	require.NoError(t, os.WriteFile(otherFile, []byte(strings.Replace(string(other), `"capacity":10`, `"capacity":20`, 1)), 0o644))
	r := cbets(t, "", args([]string{"event", "publish", "--merchant-key", s.merchant.key, "--terms", otherFile}, nodeOnly(1))...)
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, fmt.Sprintf("code %d", app.CodeEventExists), r.stderr)

	c := transition("buy", s.eve, "--cert", s.eve.cert)
	require.Equal(t, "eve", c.Ticket.Holder)
	require.Equal(t, "valid", c.Ticket.State)
	require.EqualValues(t, 4500, c.Ticket.Price)

	// Frank asks for the same serial: the merchant's transition cannot
	// know it is sold, the ledger refuses it (code 24).
	frankReq := ok(t, "", args([]string{"request", "buy", "--key", s.frank.key, "--cert", s.frank.cert}, ser, node(0))...)
	r = cbets(t, frankReq, args([]string{"merchant", "buy", "--merchant-key", s.merchant.key}, node(0))...)
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, fmt.Sprintf("code %d", app.CodeSerial), r.stderr)

	c = transition("list", s.eve, "--price", "5000")
	require.Equal(t, "listed", c.Ticket.State)
	c = transition("delist", s.eve)
	require.Equal(t, "valid", c.Ticket.State)
	c = transition("list", s.eve, "--price", "5000")
	require.Equal(t, "listed", c.Ticket.State)
	c = transition("transfer", s.alice, "--cert", s.alice.cert)
	require.Equal(t, "alice", c.Ticket.Holder)
	require.Equal(t, "transferred", c.Ticket.State)
	require.EqualValues(t, 1, c.Ticket.Age)
	require.EqualValues(t, 5000, c.Ticket.Price)

	// Eve no longer holds the ticket: she cannot sign for it.
	r = cbets(t, "", args([]string{"request", "consume", "--key", s.eve.key}, ser, node(0))...)
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "NewConsumeRequest")

	c = transition("consume", s.alice)
	require.Equal(t, "consumed", c.Ticket.State)

	out = ok(t, "", args([]string{"event", "show", "--id", s.event}, node(2))...)
	require.NoError(t, json.Unmarshal([]byte(out), &shown), out)
	require.EqualValues(t, 1, shown.Sold)

	out = ok(t, "", args([]string{"ticket", "show"}, ser, node(2))...)
	var show struct {
		Height   int64             `json:"height"`
		StateNow string            `json:"state_now"`
		Ticket   map[string]any    `json:"ticket"`
		Records  []json.RawMessage `json:"records"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &show), out)
	require.Equal(t, "consumed", show.StateNow)
	require.Equal(t, "alice", show.Ticket["holder"])
	require.Len(t, show.Records, 6)
	for _, raw := range show.Records {
		var rec ticket.Record
		require.NoError(t, json.Unmarshal(raw, &rec))
	}

	out = ok(t, "", args([]string{"ticket", "replay"}, ser, node(3))...)
	require.True(t, strings.HasPrefix(out, "OK concert/A-1: 6 records"), out)
	require.Contains(t, out, `consumed, held by "alice"`)

	// A ticket the ledger proves it does not have.
	r = cbets(t, "", args([]string{"ticket", "replay", "--event", s.event, "--serial", "Z-9"}, node(0))...)
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "proof: not found", r.stderr)
}

// TestLife runs a ticket's whole life through the command against one
// validator: keys, genesis, certificates, publication, buy, list, delist,
// list, transfer, consume, show and replay, with refusals by the ledger
// (a second publication, a serial sold) and by the library (a former
// holder's request); then a node that lies about the ticket is refused.
func TestLife(t *testing.T) {
	s := newSetup(t)
	net := s.start(t, 1)
	s.life(t, net)
	s.lyingNode(t, net)
	s.wrongGenesis(t, net)
}

// TestFourValidators runs the life on four validators, each step's
// request and record through different ones.
func TestFourValidators(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four validators")
	}
	s := newSetup(t)
	net := s.start(t, 4)
	s.life(t, net)
}

// TestKeys: a key file is private (0600), shows its public key and
// address, and is never overwritten.
func TestKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k")
	out := ok(t, "", "keys", "generate", "--out", path)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	k, err := ecdsa.ParsePrivateKey(raw)
	require.NoError(t, err)
	pub := hex.EncodeToString(k.PublicKey().Bytes())
	addr := k.PublicKey().Address(ecdsa.DefaultAddressVersion).String()
	want := "public_key " + pub + "\naddress    " + addr + "\n"
	require.Equal(t, want, out)
	require.Equal(t, want, ok(t, "", "keys", "show", "--key", path))
	require.Equal(t, pub+"\n", ok(t, "", "keys", "show", "--key", path, "--public"))

	r := cbets(t, "", "keys", "generate", "--out", path)
	require.Equal(t, exitFailed, r.code)
	require.Contains(t, r.stderr, "exists")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, b, after)
}

// TestGenesis: the app state from keys and policy flags is one the
// validators accept, with the figures given.
func TestGenesis(t *testing.T) {
	dir := t.TempDir()
	reg, m1, m2 := newParty(t, dir, "r"), newParty(t, dir, "m1"), newParty(t, dir, "m2")

	g, err := app.ParseGenesis([]byte(ok(t, "", "genesis", "--registrar", reg.pub, "--merchant", m1.pub)))
	require.NoError(t, err)
	require.Equal(t, reg.pub, g.Registrar)
	require.Equal(t, []string{m1.pub}, g.Merchants)
	require.EqualValues(t, 100, g.UnitsPerCoin)
	require.Nil(t, g.Rules)
	require.Nil(t, g.InitialStanding)

	g, err = app.ParseGenesis([]byte(ok(t, "", "genesis", "--registrar", reg.pub, "--merchant", m1.pub, "--merchant", m2.pub,
		"--units-per-coin", "1000", "--per-certificate-limit", "4", "--listing-threshold", "0",
		"--standing", "eve=620", "--standing", "bob=700/2", "--initial-reputation", "50")))
	require.NoError(t, err)
	require.Equal(t, []string{m1.pub, m2.pub}, g.Merchants)
	require.EqualValues(t, 1000, g.UnitsPerCoin)
	require.Equal(t, &app.Rules{PerCertificateLimit: 4, MaxTransfers: 1, PurchaseReward: 5, ListingThreshold: 0}, g.Rules)
	require.Equal(t, []app.GenesisStanding{{Certificate: "eve", Reputation: 620}, {Certificate: "bob", Reputation: 700, Transfers: 2}}, g.Standings)
	require.Equal(t, &app.Standing{Reputation: 50}, g.InitialStanding)
}

// TestCertIssue: the certificate binds the user's key and its own address
// and is signed by the registrar.
func TestCertIssue(t *testing.T) {
	dir := t.TempDir()
	reg, user := newParty(t, dir, "r"), newParty(t, dir, "u")
	out := ok(t, "", "cert", "issue", "--registrar-key", reg.key, "--user", user.pub, "--id", "eve")
	var cert ticket.Certificate
	require.NoError(t, json.Unmarshal([]byte(out), &cert))
	regPub, err := parsePublicKey("", reg.pub)
	require.NoError(t, err)
	require.NoError(t, cert.Verify(regPub))
	require.Equal(t, "eve", cert.ID())
	require.Equal(t, user.pub, hex.EncodeToString(cert.PublicKey().Bytes()))
	require.Equal(t, cert.PublicKey().Address(ecdsa.DefaultAddressVersion), cert.WID())
}

// offline is a registrar, a merchant and a user with a certificate, a
// genesis whose validator runs nowhere, and a buy request: the inputs of
// commands that fail before they reach a node.
type offline struct {
	dir                   string
	reg, m, user          party
	appState, goodGenesis string
	certJSON, reqJSON     []byte
}

func newOffline(t testing.TB) *offline {
	dir := t.TempDir()
	reg, m, user := newParty(t, dir, "reg"), newParty(t, dir, "m"), newParty(t, dir, "user")
	user.cert = filepath.Join(dir, "user.cert")
	ok(t, "", "cert", "issue", "--registrar-key", reg.key, "--user", user.pub, "--id", "eve", "--out", user.cert)
	certJSON, err := os.ReadFile(user.cert)
	require.NoError(t, err)
	appState := ok(t, "", "genesis", "--registrar", reg.pub, "--merchant", m.pub)

	// A buy request made with the library, for the merchant's side.
	userKey, err := (&cli{}).readKey(user.key)
	require.NoError(t, err)
	var cert ticket.Certificate
	require.NoError(t, json.Unmarshal(certJSON, &cert))
	mPub, err := parsePublicKey("", m.pub)
	require.NoError(t, err)
	req, err := ticket.NewBuyRequest(userKey, &cert, mPub, "concert", "A-1", 4500, time.Now())
	require.NoError(t, err)
	reqJSON, err := json.Marshal(req)
	require.NoError(t, err)
	doc := &types.GenesisDoc{ChainID: "c", GenesisTime: time.Now(), AppState: []byte(appState),
		Validators: []types.GenesisValidator{{PubKey: ed25519.GenPrivKey().PubKey(), Power: 10}}}
	require.NoError(t, doc.ValidateAndComplete())
	goodGenesis := filepath.Join(dir, "genesis.json")
	require.NoError(t, doc.SaveAs(goodGenesis))
	return &offline{dir: dir, reg: reg, m: m, user: user, appState: appState, goodGenesis: goodGenesis,
		certJSON: certJSON, reqJSON: reqJSON}
}

// deadNode names a node that does not run.
var deadNode = []string{"--node", "http://127.0.0.1:1", "--timeout", "2s"}

// TestBadInput: malformed files and command lines are errors that name
// what failed, with a non-zero exit, never a panic. None reaches a node.
func TestBadInput(t *testing.T) {
	o := newOffline(t)
	dir, reg, m, user, appState, goodGenesis := o.dir, o.reg, o.m, o.user, o.appState, o.goodGenesis
	certJSON, reqJSON := o.certJSON, o.reqJSON
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	genesisDoc := func(state string) string {
		return fmt.Sprintf(`{"genesis_time":"2026-01-01T00:00:00Z","chain_id":"c","initial_height":"1","app_hash":"","app_state":%s}`, state)
	}
	with := func(args ...string) []string { return append(args, deadNode...) }
	badKeys := map[string]string{
		"not hex":  "zz\n",
		"zero":     strings.Repeat("00", 32),
		"too long": strings.Repeat("01", 33),
		"empty":    "",
	}
	for what, content := range badKeys {
		t.Run("key "+what, func(t *testing.T) {
			r := cbets(t, "", "keys", "show", "--key", file("bad.key", content))
			require.Equal(t, exitFailed, r.code)
			require.Contains(t, r.stderr, "key file")
		})
	}
	tampered := strings.Replace(string(certJSON), `"id": "eve"`, `"id": "bob"`, 1)
	require.NotEqual(t, string(certJSON), tampered)
	otherKind := strings.Replace(string(reqJSON), `"kind":"buy"`, `"kind":"list"`, 1)
	require.NotEqual(t, string(reqJSON), otherKind)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"cert not JSON", "", with("request", "buy", "--key", user.key, "--cert", file("c1", "{"), "--event", "e", "--serial", "s", "--genesis", goodGenesis), exitFailed, "certificate file"},
		{"cert null", "", with("request", "buy", "--key", user.key, "--cert", file("c2", "null"), "--event", "e", "--serial", "s", "--genesis", goodGenesis), exitFailed, "certificate file"},
		{"cert fields disagree with encoding", "", with("request", "buy", "--key", user.key, "--cert", file("c3", tampered), "--event", "e", "--serial", "s", "--genesis", goodGenesis), exitFailed, "disagree"},
		{"cert missing", "", with("request", "buy", "--key", user.key, "--cert", filepath.Join(dir, "none"), "--event", "e", "--serial", "s", "--genesis", goodGenesis), exitFailed, "no such file"},
		{"request not JSON", "garbage", with("merchant", "buy", "--merchant-key", m.key, "--genesis", goodGenesis), exitFailed, "request file stdin"},
		{"request empty", "", with("merchant", "buy", "--merchant-key", m.key, "--genesis", goodGenesis), exitFailed, "request file stdin"},
		{"request null", "null", with("merchant", "buy", "--merchant-key", m.key, "--genesis", goodGenesis), exitFailed, "request file stdin"},
		{"request fields disagree with encoding", otherKind, with("merchant", "buy", "--merchant-key", m.key, "--genesis", goodGenesis), exitFailed, "disagree"},
		{"request of another kind", string(reqJSON), with("merchant", "list", "--merchant-key", m.key, "--genesis", goodGenesis), exitFailed, "holds a buy request, not a list"},
		{"merchant not in genesis", string(reqJSON), with("merchant", "buy", "--merchant-key", user.key, "--genesis", goodGenesis), exitFailed, "not one the genesis accepts"},
		{"genesis not JSON", string(reqJSON), with("merchant", "buy", "--merchant-key", m.key, "--genesis", file("g1", "{")), exitFailed, "genesis"},
		{"genesis without validators", "", with("ticket", "show", "--event", "e", "--serial", "s", "--genesis", file("g0", genesisDoc(appState))), exitFailed, "without a chain id or validators"},
		{"genesis without app state", "", with("ticket", "show", "--event", "e", "--serial", "s", "--genesis", file("g2", genesisDoc(`null`))), exitFailed, "app state"},
		{"genesis with a bad registrar", "", with("ticket", "replay", "--event", "e", "--serial", "s", "--genesis", file("g3", genesisDoc(`{"registrar":"00","merchants":["`+m.pub+`"],"units_per_coin":100}`))), exitFailed, "registrar"},
		{"genesis missing", "", with("event", "show", "--id", "e", "--genesis", filepath.Join(dir, "none")), exitFailed, "no such file"},
		{"terms not JSON", "{", with("event", "publish", "--merchant-key", m.key, "--terms", "-"), exitFailed, "terms file stdin"},
		{"terms with an unknown member", `{"id":"e","capacity":1,"face_vaule":1}`, with("event", "publish", "--merchant-key", m.key, "--terms", "-"), exitFailed, "face_vaule"},
		{"terms with a bad time", `{"id":"e","sale_start":"tomorrow"}`, with("event", "publish", "--merchant-key", m.key, "--terms", "-"), exitFailed, "terms file"},
		{"terms that do not hold together", `{"id":"e","capacity":0}`, with("event", "publish", "--merchant-key", m.key, "--terms", "-"), exitFailed, "ticket:"},
		{"terms twice", `{"id":"e"} {"id":"f"}`, with("event", "publish", "--merchant-key", m.key, "--terms", "-"), exitFailed, "more than one"},
		{"genesis: registrar not hex", "", []string{"genesis", "--registrar", "xyz", "--merchant", m.pub}, exitFailed, "--registrar"},
		{"genesis: merchant not a key", "", []string{"genesis", "--registrar", reg.pub, "--merchant", "0011"}, exitUsage, "-merchant"},
		{"genesis: bad standing", "", []string{"genesis", "--registrar", reg.pub, "--merchant", m.pub, "--standing", "eve"}, exitUsage, "CERT=REPUTATION"},
		{"genesis: repeated standing", "", []string{"genesis", "--registrar", reg.pub, "--merchant", m.pub, "--standing", "eve=1", "--standing", "eve=2"}, exitFailed, "repeated standing"},
		{"genesis: bad policy", "", []string{"genesis", "--registrar", reg.pub, "--merchant", m.pub, "--per-certificate-limit", "0"}, exitFailed, "per-certificate limit"},
		{"genesis: bad scale", "", []string{"genesis", "--registrar", reg.pub, "--merchant", m.pub, "--units-per-coin", "3"}, exitFailed, "units per coin"},
		{"genesis: no merchant", "", []string{"genesis", "--registrar", reg.pub}, exitUsage, "--merchant is required"},
		{"cert: bad user key", "", []string{"cert", "issue", "--registrar-key", reg.key, "--user", "02", "--id", "x"}, exitFailed, "--user"},
		{"cert: id too long", "", []string{"cert", "issue", "--registrar-key", reg.key, "--user", user.pub, "--id", strings.Repeat("x", 65)}, exitFailed, "certificate id"},
		{"list without a price", "", with("request", "list", "--key", user.key, "--event", "e", "--serial", "s", "--genesis", goodGenesis), exitUsage, "--price is required"},
		{"unknown command", "", []string{"tickets", "show"}, exitUsage, "unknown command"},
		{"unknown flag", "", []string{"keys", "show", "--kee", "x"}, exitUsage, "kee"},
		{"left-over argument", "", []string{"keys", "show", "--key", user.key, "extra"}, exitUsage, "unexpected argument"},
		{"missing flag", "", []string{"ticket", "show", "--event", "e"}, exitUsage, "--serial is required"},
		{"node unreachable", "", with("event", "show", "--id", "e", "--genesis", goodGenesis), exitFailed, "connection refused"},
		{"node address malformed", "", []string{"event", "show", "--id", "e", "--genesis", goodGenesis, "--node", "::"}, exitFailed, "node ::"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cbets(t, tc.stdin, tc.args...)
			require.Equal(t, tc.code, r.code, r.stderr)
			require.Contains(t, r.stderr, tc.want)
			require.Empty(t, r.stdout)
		})
	}
}

// TestHelp: help is no error.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"-h"}} {
		out := ok(t, "", args...)
		require.Contains(t, out, "merchant transfer")
	}
	r := cbets(t, "", "keys", "show", "-h")
	require.Equal(t, exitOK, r.code)
	require.Contains(t, r.stderr, "-key")
}

// otherGenesis writes the network's genesis document with another app
// state: the same chain and validators, so every proof checks, but keys
// that are not the network's.
func (s *setup) otherGenesis(t *testing.T, appState string) string {
	doc, err := types.GenesisDocFromFile(s.genesisFile)
	require.NoError(t, err)
	doc.AppState = []byte(appState)
	path := filepath.Join(t.TempDir(), "other-genesis.json")
	require.NoError(t, doc.SaveAs(path))
	return path
}

// wrongGenesis: with the app state of another registrar and merchant, the
// event's merchant is not accepted; with another registrar only, the
// ticket's records do not replay (the buyer's certificate is not the
// registrar's), and replay says which record and why.
func (s *setup) wrongGenesis(t *testing.T, net *localnet.Network) {
	url := net.Validator(0).RPCAddress()
	otherReg := newParty(t, t.TempDir(), "other-registrar")
	genesis := ok(t, "", "genesis", "--registrar", otherReg.pub, "--merchant", s.merchant.pub)
	r := cbets(t, "", "ticket", "replay", "--event", s.event, "--serial", "A-1", "--genesis", s.otherGenesis(t, genesis), "--node", url)
	require.Equal(t, exitFailed, r.code, r.stdout)
	require.Contains(t, r.stderr, "ticket concert/A-1 at height")
	require.Contains(t, r.stderr, "does not replay: ticket: record 0 (buy): certificate")
	require.Empty(t, r.stdout)

	other := s.otherGenesis(t, newOffline(t).appState)
	for _, cmd := range [][]string{{"ticket", "replay"}, {"ticket", "show"}, {"request", "consume", "--key", s.alice.key}} {
		r := cbets(t, "", append(cmd, "--event", s.event, "--serial", "A-1", "--genesis", other, "--node", url)...)
		require.Equal(t, exitFailed, r.code, r.stdout)
		require.Contains(t, r.stderr, `event "concert": its merchant`)
		require.Contains(t, r.stderr, "is not one the genesis accepts")
	}
	r = cbets(t, "", "event", "show", "--id", s.event, "--genesis", other, "--node", url)
	require.Equal(t, exitFailed, r.code, r.stdout)
	require.Contains(t, r.stderr, "is not one the genesis accepts")
}

// liar is an RPC proxy in front of a node that alters the answers of
// abci_query with tamper.
func liar(t *testing.T, target string, tamper func(response map[string]any)) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := http.Post(target, "application/json", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		answer, err := io.ReadAll(res.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		var call struct {
			Method string `json:"method"`
		}
		var msg map[string]any
		if json.Unmarshal(body, &call) == nil && call.Method == "abci_query" && json.Unmarshal(answer, &msg) == nil {
			if result, ok := msg["result"].(map[string]any); ok {
				if response, ok := result["response"].(map[string]any); ok {
					tamper(response)
					answer, _ = json.Marshal(msg)
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// lyingNode: ticket show and replay refuse the answers of a node that
// alters a committed value or leaves out its proof, and accept them
// through an honest proxy.
func (s *setup) lyingNode(t *testing.T, net *localnet.Network) {
	target := net.Validator(0).RPCAddress()
	for _, tc := range []struct {
		name   string
		tamper func(map[string]any)
		want   string // "" for success
	}{
		{"honest", func(map[string]any) {}, ""},
		{"value altered", func(r map[string]any) {
			v, _ := base64.StdEncoding.DecodeString(fmt.Sprint(r["value"]))
			if len(v) > 0 {
				v[len(v)-1] ^= 1
				r["value"] = base64.StdEncoding.EncodeToString(v)
			}
		}, "proof: the node's answer does not check"},
		{"proof left out", func(r map[string]any) { delete(r, "proofOps") }, "proof: the node's answer does not check"},
		{"value dropped", func(r map[string]any) { delete(r, "value") }, "proof: the node's answer does not check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := liar(t, target, tc.tamper)
			for _, cmd := range []string{"replay", "show"} {
				r := cbets(t, "", "ticket", cmd, "--event", s.event, "--serial", "A-1", "--genesis", s.genesisFile, "--node", url, "--timeout", "10s")
				if tc.want == "" {
					require.Equal(t, exitOK, r.code, r.stderr)
					continue
				}
				require.Equal(t, exitFailed, r.code, r.stdout)
				require.Contains(t, r.stderr, tc.want)
				require.Empty(t, r.stdout)
			}
		})
	}
}

// FuzzInputFiles feeds arbitrary bytes as each input file a command reads:
// a key, a certificate, a request (stdin), an event's terms and a genesis.
// Whatever the bytes, the command returns a status, never panics, and a
// failure says why. The node named does not run, so nothing waits on it.
func FuzzInputFiles(f *testing.F) {
	o := newOffline(f)
	key, err := os.ReadFile(o.user.key)
	require.NoError(f, err)
	genesisJSON, err := os.ReadFile(o.goodGenesis)
	require.NoError(f, err)
	for _, seed := range [][]byte{key, o.certJSON, o.reqJSON, genesisJSON, []byte(o.appState),
		[]byte(`{"id":"e","capacity":1,"face_value":1,"sale_start":"2026-01-01T00:00:00Z","sale_end":"2026-01-02T00:00:00Z","start":"2026-01-02T00:00:00Z","end":"2026-01-03T00:00:00Z"}`),
		nil, []byte("null"), []byte("{}"), []byte(`{"encoding":"00"}`)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		in := filepath.Join(dir, "in")
		require.NoError(t, os.WriteFile(in, b, 0o600))
		for _, args := range [][]string{
			{"keys", "show", "--key", in},
			{"cert", "issue", "--registrar-key", in, "--user", o.user.pub, "--id", "x", "--out", filepath.Join(dir, "c")},
			{"request", "buy", "--key", o.user.key, "--cert", in, "--event", "e", "--serial", "s", "--genesis", o.goodGenesis},
			{"merchant", "buy", "--merchant-key", o.m.key, "--genesis", o.goodGenesis, "--in", "-"},
			{"merchant", "consume", "--merchant-key", o.m.key, "--genesis", o.goodGenesis, "--in", in},
			{"event", "publish", "--merchant-key", o.m.key, "--terms", "-"},
			{"ticket", "replay", "--event", "e", "--serial", "s", "--genesis", in},
		} {
			r := cbets(t, string(b), append(args, deadNode...)...)
			if r.code != exitOK {
				require.NotEmpty(t, r.stderr, "cbets %v", args)
			}
		}
	})
}
