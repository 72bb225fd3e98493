package mixer_test

// Shared fixtures: fixed keys, a ledger, and a world that walks one server
// and a few clients through the phases by hand, so that a test can stop at
// any point and interfere.

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/mixer"
	"github.com/stretchr/testify/require"
)

// t0 is the time of the announcement.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var testParams = mixer.Params{Denomination: 50_000, Slots: 1, Fee: 25, AddressVersion: ecdsa.DefaultAddressVersion}

func testDeadlines() mixer.Deadlines {
	return mixer.Deadlines{Request: t0.Add(time.Minute), Register: t0.Add(2 * time.Minute), Confirm: t0.Add(3 * time.Minute)}
}

// keyFrom returns the private key SHA-256(label), or of label + "'" when
// that is not a valid scalar.
func keyFrom(tb testing.TB, label string) *ecdsa.PrivateKey {
	tb.Helper()
	h := sha256.Sum256([]byte(label))
	k, err := ecdsa.ParsePrivateKey(h[:])
	require.NoError(tb, err)
	return k
}

func addressFrom(tb testing.TB, label string) *ecdsa.Address {
	a := keyFrom(tb, label).PublicKey().Address(ecdsa.DefaultAddressVersion)
	return &a
}

func inputID(label string) []byte {
	h := sha256.Sum256([]byte("input/" + label))
	return h[:]
}

var errNoCoin = errors.New("no such coin")

// ledger is the test backend: input id → owner and amount.
type ledger map[string]coin

type coin struct {
	owner  *ecdsa.PublicKey
	amount int64
}

func (l ledger) CheckInput(owner *ecdsa.PublicKey, in mixer.Input) error {
	c, ok := l[string(in.ID)]
	if !ok || !c.owner.Equal(owner) || c.amount != in.Amount {
		return errNoCoin
	}
	return nil
}

// world is one session with n clients.
type world struct {
	params  mixer.Params
	ledger  ledger
	server  *mixer.Server
	keys    []*ecdsa.PrivateKey
	clients []*mixer.Client
	configs []mixer.ClientConfig
	now     time.Time
	// bundle is the bundle of the last transaction submit returned, as the
	// server sent it to the clients that audit everything (nil when none
	// does).
	bundle []byte
	// regs are the registrations of the last call to register, by client.
	regs map[int][][]byte
}

// registrations returns the registrations of the last call to register,
// parsed, in client order.
func (w *world) registrations(t testing.TB) []*mixer.Registration {
	t.Helper()
	var out []*mixer.Registration
	for i := range w.clients {
		for _, b := range w.regs[i] {
			g, err := mixer.ParseRegistration(b)
			require.NoError(t, err)
			out = append(out, g)
		}
	}
	return out
}

type worldOption func(*world, *mixer.ServerConfig)

func withParams(p mixer.Params) worldOption {
	return func(w *world, _ *mixer.ServerConfig) { w.params = p }
}

func withAudit(a mixer.Audit) worldOption {
	return func(w *world, _ *mixer.ServerConfig) {
		for i := range w.configs {
			w.configs[i].Audit = a
		}
	}
}

// withAuditOf sets the audit level of client i.
func withAuditOf(i int, a mixer.Audit) worldOption {
	return func(w *world, _ *mixer.ServerConfig) {
		if i < len(w.configs) {
			w.configs[i].Audit = a
		}
	}
}

func withServer(f func(*mixer.ServerConfig)) worldOption {
	return func(_ *world, c *mixer.ServerConfig) { f(c) }
}

// newWorld makes n clients: client i holds one coin of due + 10·i (client
// 0 exactly what is due, with no change address) and, for i ≥ 2, a second
// coin of 7, so that some clients have two inputs.
func newWorld(t testing.TB, n int, opts ...worldOption) *world {
	t.Helper()
	w := &world{params: testParams, ledger: ledger{}, now: t0}
	sc := mixer.ServerConfig{Session: mixer.SessionID(sha256.Sum256([]byte("session"))), Deadlines: testDeadlines(), Inputs: w.ledger}
	// Params options first: the coins depend on them.
	for _, o := range opts {
		o(w, &sc)
	}
	sc.Params = w.params
	due := w.params.Due()
	for i := range n {
		key := keyFrom(t, fmt.Sprintf("participant %d", i))
		cfg := mixer.ClientConfig{Key: key, MaxFee: w.params.Fee}
		id := inputID(fmt.Sprint(i))
		amount := due + 10*int64(i)
		cfg.Inputs = []mixer.Input{{ID: id, Amount: amount}}
		w.ledger[string(id)] = coin{key.PublicKey(), amount}
		if i >= 2 {
			id2 := inputID(fmt.Sprint(i, "b"))
			cfg.Inputs = append(cfg.Inputs, mixer.Input{ID: id2, Amount: 7})
			w.ledger[string(id2)] = coin{key.PublicKey(), 7}
		}
		if i > 0 {
			cfg.Change = addressFrom(t, fmt.Sprintf("change %d", i))
		}
		w.keys = append(w.keys, key)
		w.configs = append(w.configs, cfg)
	}
	for _, o := range opts {
		o(w, &sc)
	}
	var err error
	w.server, err = mixer.NewServer(sc)
	require.NoError(t, err)
	for _, cfg := range w.configs {
		c, err := mixer.NewClient(cfg)
		require.NoError(t, err)
		w.clients = append(w.clients, c)
	}
	return w
}

// announce hands the announcement to every client and returns their
// requests.
func (w *world) announce(t testing.TB) [][]byte {
	t.Helper()
	ann := w.server.Announcement().Bytes()
	reqs := make([][]byte, len(w.clients))
	for i, c := range w.clients {
		msgs, err := c.Handle(ann, w.now)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		require.Equal(t, mixer.KindRequest, msgs[0].Kind)
		reqs[i] = msgs[0].Data
	}
	return reqs
}

// request sends the requests (nil entries are skipped) and returns the
// roster, ticking past the request deadline if needed.
func (w *world) request(t testing.TB, reqs [][]byte) []byte {
	t.Helper()
	var out []mixer.Message
	for _, q := range reqs {
		if q == nil {
			continue
		}
		msgs, err := w.server.Handle(q, w.now)
		require.NoError(t, err)
		out = append(out, msgs...)
	}
	if w.server.Phase() == mixer.PhaseRequesting {
		w.now = testDeadlines().Request.Add(time.Second)
		out = append(out, w.server.Tick(w.now)...)
	}
	require.Len(t, out, 1)
	require.Equal(t, mixer.KindRoster, out[0].Kind)
	return out[0].Data
}

// register hands the roster to the clients with indices in who (all when
// nil) and returns their registrations by client.
func (w *world) register(t testing.TB, roster []byte, who ...int) map[int][][]byte {
	t.Helper()
	if who == nil {
		for i := range w.clients {
			who = append(who, i)
		}
	}
	regs := map[int][][]byte{}
	for _, i := range who {
		msgs, err := w.clients[i].Handle(roster, w.now)
		require.NoError(t, err)
		require.Len(t, msgs, w.params.Slots)
		for _, m := range msgs {
			require.Equal(t, mixer.KindRegistration, m.Kind)
			require.True(t, m.Anonymous)
			regs[i] = append(regs[i], m.Data)
		}
	}
	w.regs = regs
	return regs
}

// submit sends registrations to the server and returns the transaction,
// ticking past the register deadline if needed. It keeps the bundle in
// w.bundle, and checks that it went to exactly the clients that audit
// everything.
func (w *world) submit(t testing.TB, regs map[int][][]byte) []byte {
	t.Helper()
	var out []mixer.Message
	for i := range len(w.clients) {
		for _, g := range regs[i] {
			msgs, err := w.server.Handle(g, w.now)
			require.NoError(t, err)
			out = append(out, msgs...)
		}
	}
	if w.server.Phase() == mixer.PhaseRegistering {
		w.now = w.server.Roster().Deadlines().Register.Add(time.Second)
		out = append(out, w.server.Tick(w.now)...)
	}
	require.NotEmpty(t, out)
	require.Equal(t, mixer.KindTransaction, out[0].Kind)
	require.Nil(t, out[0].To)
	w.bundle = nil
	auditors := 0
	for _, pk := range w.server.Participants() {
		if w.config(pk).Audit == mixer.AuditAll {
			auditors++
		}
	}
	require.Len(t, out, 1+auditors)
	for _, m := range out[1:] {
		require.Equal(t, mixer.KindBundle, m.Kind)
		require.Equal(t, mixer.AuditAll, w.config(m.To).Audit)
		w.bundle = m.Data
	}
	return out[0].Data
}

// config returns the configuration of the client with key pk.
func (w *world) config(pk *ecdsa.PublicKey) mixer.ClientConfig {
	for i, k := range w.keys {
		if k.PublicKey().Equal(pk) {
			return w.configs[i]
		}
	}
	panic("no such client")
}

// answer hands tx to client i, and the world's bundle to a client that
// audits everything, and returns its one answer.
func (w *world) answer(t testing.TB, i int, tx []byte) (mixer.Message, error) {
	t.Helper()
	return w.answerWith(t, i, tx, w.bundle)
}

// answerWith hands tx, then bundle if the client audits everything, to
// client i and returns its one answer.
func (w *world) answerWith(t testing.TB, i int, tx, bundle []byte) (mixer.Message, error) {
	t.Helper()
	msgs, err := w.clients[i].Handle(tx, w.now)
	if w.configs[i].Audit == mixer.AuditAll && err == nil && len(msgs) == 0 {
		msgs, err = w.clients[i].Handle(bundle, w.now)
	}
	require.Len(t, msgs, 1)
	return msgs[0], err
}

// confirm hands tx to the clients in who (all when nil), requires each to
// confirm, sends the confirmations and returns the server's answer.
func (w *world) confirm(t testing.TB, tx []byte, who ...int) []mixer.Message {
	t.Helper()
	if who == nil {
		for i := range w.clients {
			who = append(who, i)
		}
	}
	var out []mixer.Message
	for _, i := range who {
		m, err := w.answer(t, i, tx)
		require.NoError(t, err, "client %d", i)
		require.Equal(t, mixer.KindConfirmation, m.Kind)
		msgs, err := w.server.Handle(m.Data, w.now)
		require.NoError(t, err)
		out = append(out, msgs...)
	}
	return out
}

// round runs a whole session without faults, hands each client its
// completion, and returns the signed transaction's bytes.
func (w *world) round(t testing.TB) []byte {
	t.Helper()
	roster := w.request(t, w.announce(t))
	tx := w.submit(t, w.register(t, roster))
	return w.complete(t, w.confirm(t, tx))
}

// complete checks the server's messages at the end of a session — the
// signed transaction, published, then one completion per participant —
// hands each completion to its client, and returns the signed
// transaction's bytes.
func (w *world) complete(t testing.TB, out []mixer.Message) []byte {
	t.Helper()
	require.Len(t, out, 1+len(w.server.Participants()))
	require.Equal(t, mixer.KindSignedTransaction, out[0].Kind)
	require.True(t, out[0].Publish)
	require.Nil(t, out[0].To)
	for _, m := range out[1:] {
		require.Equal(t, mixer.KindCompletion, m.Kind)
		require.False(t, m.Publish)
		i := slices.IndexFunc(w.keys, func(k *ecdsa.PrivateKey) bool { return k.PublicKey().Equal(m.To) })
		require.GreaterOrEqual(t, i, 0)
		_, err := w.clients[i].Handle(m.Data, w.now)
		require.NoError(t, err, "client %d", i)
		require.Equal(t, mixer.PhaseComplete, w.clients[i].Phase())
	}
	return out[0].Data
}

// requireRefusal checks that msg is a verified Refusal by client i with the
// reason of want, and that err matches want.
func requireRefusal(t testing.TB, w *world, i int, msg mixer.Message, err error, want error) {
	t.Helper()
	require.ErrorIs(t, err, want)
	require.Equal(t, mixer.KindRefusal, msg.Kind)
	f, perr := mixer.ParseRefusal(msg.Data)
	require.NoError(t, perr)
	require.NoError(t, f.Verify())
	require.True(t, f.PublicKey().Equal(w.keys[i].PublicKey()))
	require.ErrorIs(t, f.Reason().Err(), want)
	require.Equal(t, mixer.PhaseFailed, w.clients[i].Phase())
}

// sentinels are the package's errors, for requireReadable.
var sentinels = []error{
	mixer.ErrMalformed, mixer.ErrParams, mixer.ErrWrongSession, mixer.ErrPhase,
	mixer.ErrDeadline, mixer.ErrBadSignature, mixer.ErrUnknownInput,
	mixer.ErrInputReused, mixer.ErrFunds, mixer.ErrChangeAddress,
	mixer.ErrDuplicateParticipant, mixer.ErrSessionFull,
	mixer.ErrTooFewParticipants, mixer.ErrNotParticipant,
	mixer.ErrBadRingSignature, mixer.ErrKeyImageReused, mixer.ErrWrongAmount,
	mixer.ErrAddressVersion, mixer.ErrDuplicateAddress, mixer.ErrInputMissing,
	mixer.ErrOutputMissing, mixer.ErrChangeMismatch, mixer.ErrFee,
	mixer.ErrRingMismatch, mixer.ErrParamsMismatch, mixer.ErrUnbalanced,
	mixer.ErrDeclined, mixer.ErrIncomplete,
}

// requireReadable checks that err names this package once and says each
// sentinel's words at most once: each layer of the error adds its own.
func requireReadable(t testing.TB, err error) {
	t.Helper()
	require.Error(t, err)
	text := err.Error()
	require.LessOrEqual(t, strings.Count(text, "mixer: "), 1, "%q", text)
	for _, e := range sentinels {
		words := strings.TrimPrefix(e.Error(), "mixer: ")
		require.LessOrEqual(t, strings.Count(text, words), 1, "%q", text)
	}
}
