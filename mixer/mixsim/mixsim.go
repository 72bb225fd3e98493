package mixsim

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/mixer"
)

// FaultKind names a fault.
type FaultKind uint8

// The faults a run can inject. Each applies to one client (Fault.Client) in
// one session (Fault.Attempt, 0 for the first).
const (
	// Drop: the network loses the client's messages of Fault.Phase (its
	// request, its registrations or its confirmation).
	Drop FaultKind = iota + 1
	// Tamper: the network flips the low bit of the last byte (a signature
	// byte) of the client's messages of Fault.Phase.
	Tamper
	// Silent: the client sends nothing from Fault.Phase of Fault.Attempt
	// on, and reads nothing either.
	Silent
	// DifferentRing: the server sends the client a roster whose ring is the
	// client and fresh keys, unlike everyone else's.
	DifferentRing
	// Refuse: the client declines to confirm.
	Refuse
	// DropOutput: the server receives the client's registrations and
	// leaves them out of the transaction.
	DropOutput
	// Replay: the network delivers the client's registrations and
	// confirmation from the previous session again, in this one.
	Replay
)

func (k FaultKind) String() string {
	switch k {
	case Drop:
		return "drop"
	case Tamper:
		return "tamper"
	case Silent:
		return "silent"
	case DifferentRing:
		return "different-ring"
	case Refuse:
		return "refuse"
	case DropOutput:
		return "drop-output"
	case Replay:
		return "replay"
	}
	return fmt.Sprintf("FaultKind(%d)", uint8(k))
}

// Fault is one injected fault.
type Fault struct {
	Kind    FaultKind
	Client  int         // index of the client, 0 to Participants−1
	Phase   mixer.Phase // for Drop, Tamper and Silent: PhaseRequesting, PhaseRegistering or PhaseConfirming
	Attempt int         // the session it applies to: 0 for the first, 1 for the first restart, …
}

// Config describes a run.
type Config struct {
	// Participants is the number of clients, 2 to mixer.MaxParticipants.
	Participants int
	// Params are the session's terms; the zero value means DefaultParams.
	Params mixer.Params
	// Audit is the clients' audit level.
	Audit mixer.Audit
	// Workers bounds the server's verification goroutines (0: GOMAXPROCS).
	Workers int
	// ClientWorkers is how many clients handle a message at the same time
	// (0 or 1: one after the other), as clients on their own machines
	// would. The outcome does not depend on it, only the time taken.
	ClientWorkers int
	// Faults to inject.
	Faults []Fault
	// MaxAttempts is the number of sessions the run may open, the first
	// included (0: 3).
	MaxAttempts int
	// Seed derives every key and id ("" means "mixsim").
	Seed string
	// Start is the simulated time of the announcement (zero: 2026-01-01
	// 00:00 UTC). Each phase lasts a simulated minute.
	Start time.Time
}

// DefaultParams returns the terms of a run whose Config.Params is zero: one
// output of 100 000 minor units per participant and a fee of 100.
func DefaultParams() mixer.Params {
	return mixer.Params{Denomination: 100_000, Slots: 1, Fee: 100, AddressVersion: ecdsa.DefaultAddressVersion}
}

// Stage groups messages by protocol phase, for the traffic counts.
type Stage uint8

// The stages: the announcement; requests and rosters (phase 1);
// registrations and the transaction (phase 2); confirmations, refusals and
// the signed transaction (phase 3).
const (
	StageAnnounce Stage = iota
	StageRequest
	StageGeneration
	StageConfirmation
	// NumStages is the number of stages.
	NumStages = iota
)

func (s Stage) String() string {
	switch s {
	case StageAnnounce:
		return "announce"
	case StageRequest:
		return "request"
	case StageGeneration:
		return "generation"
	case StageConfirmation:
		return "confirmation"
	}
	return fmt.Sprintf("Stage(%d)", uint8(s))
}

// Stages returns the stages in order.
func Stages() []Stage {
	return []Stage{StageAnnounce, StageRequest, StageGeneration, StageConfirmation}
}

func stageOf(k mixer.Kind) Stage {
	switch k {
	case mixer.KindAnnouncement:
		return StageAnnounce
	case mixer.KindRequest, mixer.KindRoster:
		return StageRequest
	case mixer.KindRegistration, mixer.KindTransaction, mixer.KindBundle:
		return StageGeneration
	}
	return StageConfirmation
}

// Traffic counts messages and their bytes. A message to several recipients
// counts once per recipient, and the signed transaction, which the server
// publishes, once; a message the network loses counts, since it was sent;
// a replayed message does not.
type Traffic struct {
	Messages int
	Bytes    int
}

func (t *Traffic) add(u Traffic) {
	t.Messages += u.Messages
	t.Bytes += u.Bytes
}

// Refused is a message the server refused.
type Refused struct {
	Client int // the sender; −1 for an anonymous registration
	Kind   mixer.Kind
	Err    error
}

// Attempt is one session of a run.
type Attempt struct {
	Session      mixer.SessionID
	Participants int
	Traffic      [NumStages]Traffic
	// Elapsed is the wall-clock time spent in each stage (signing and
	// verification included), for profiling; it is not reproducible.
	Elapsed [NumStages]time.Duration
	// Outcome is the server's final phase: PhaseComplete or PhaseFailed.
	Outcome mixer.Phase
	// Err is why the session failed, or nil.
	Err error
	// Excluded lists the clients without an accepted confirmation, left
	// out of the next session.
	Excluded []int
	// Refused lists the messages the server refused.
	Refused []Refused
}

// Total returns the traffic of the session, all stages together (zero for
// a nil Attempt).
func (a *Attempt) Total() Traffic {
	var t Traffic
	if a == nil {
		return t
	}
	for _, s := range a.Traffic {
		t.add(s)
	}
	return t
}

// ClientResult is what one client ended with.
type ClientResult struct {
	Key   *ecdsa.PublicKey
	Phase mixer.Phase
	// Err is why the client failed or refused, or nil.
	Err error
	// Confirmed lists the hashes of the transactions the client signed.
	Confirmed [][32]byte
	// Addresses are the output addresses of the client's last session.
	Addresses []ecdsa.Address
}

// Report is the outcome of a run.
type Report struct {
	Params   mixer.Params
	Attempts []Attempt
	// Signed is the completed transaction, or nil.
	Signed  *mixer.SignedTransaction
	Clients []ClientResult
}

// Traffic returns the traffic per stage over all sessions (zero for a nil
// Report).
func (r *Report) Traffic() [NumStages]Traffic {
	var t [NumStages]Traffic
	if r == nil {
		return t
	}
	for _, a := range r.Attempts {
		for s := range t {
			t[s].add(a.Traffic[s])
		}
	}
	return t
}

// WriteTable prints the traffic per session and stage, and the totals. A nil
// Report prints the header and zero totals; a nil w is an error.
func (r *Report) WriteTable(w io.Writer) error {
	if w == nil {
		return errors.New("mixsim: WriteTable to a nil writer")
	}
	var attempts []Attempt
	if r != nil {
		attempts = r.Attempts
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s %-13s %9s %10s\n", "session", "stage", "messages", "bytes")
	for i, a := range attempts {
		for _, s := range Stages() {
			fmt.Fprintf(&b, "%-8d %-13v %9d %10d\n", i+1, s, a.Traffic[s].Messages, a.Traffic[s].Bytes)
		}
	}
	var total Traffic
	for _, t := range r.Traffic() {
		total.add(t)
	}
	fmt.Fprintf(&b, "%-8s %-13s %9d %10d\n", "all", "all", total.Messages, total.Bytes)
	_, err := io.WriteString(w, b.String())
	return err
}

// party is one simulated client.
type party struct {
	key    *ecdsa.PrivateKey
	client *mixer.Client
	silent bool
	prev   []mixer.Message // its messages of the previous session, for Replay
	cur    []mixer.Message
	result ClientResult
}

// run is the state of a run.
type run struct {
	cfg     Config
	now     time.Time
	parties []*party
	byKey   map[string]int
	server  *mixer.Server
	attempt int
	report  *Report
}

// Run simulates a round, with its restarts, and reports what happened. It
// returns an error only for a Config it cannot run; faults show in the
// Report.
func Run(cfg Config) (*Report, error) {
	if cfg.Participants < mixer.MinParticipants || cfg.Participants > mixer.MaxParticipants {
		return nil, fmt.Errorf("mixsim: %d participants, want %d to %d", cfg.Participants, mixer.MinParticipants, mixer.MaxParticipants)
	}
	if cfg.Params == (mixer.Params{}) {
		cfg.Params = DefaultParams()
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.Seed == "" {
		cfg.Seed = "mixsim"
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	for _, f := range cfg.Faults {
		if f.Client < 0 || f.Client >= cfg.Participants {
			return nil, fmt.Errorf("mixsim: fault on client %d of %d", f.Client, cfg.Participants)
		}
	}
	r := &run{cfg: cfg, now: cfg.Start, byKey: map[string]int{}, report: &Report{Params: cfg.Params}}
	if err := r.setup(); err != nil {
		return nil, err
	}
	r.play()
	// The run ends after the last session's deadlines: clients still
	// waiting for a roster or a transaction give up.
	if ro := r.server.Roster(); ro != nil {
		r.now = later(r.now, ro.Deadlines().Confirm.Add(time.Nanosecond))
	} else {
		r.now = later(r.now, r.server.Announcement().Deadlines().Confirm.Add(time.Nanosecond))
	}
	for _, p := range r.parties {
		p.client.Tick(r.now)
		p.result.Phase, p.result.Err = p.client.Phase(), p.client.Err()
		p.result.Addresses = p.client.Addresses()
		r.report.Clients = append(r.report.Clients, p.result)
	}
	return r.report, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// derive returns SHA-256 of the seed and labels.
func (r *run) derive(labels ...any) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s", r.cfg.Seed)
	for _, l := range labels {
		fmt.Fprintf(h, "/%v", l)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

func (r *run) key(labels ...any) (*ecdsa.PrivateKey, error) {
	for i := 0; ; i++ {
		d := r.derive(append(labels, i)...)
		if k, err := ecdsa.ParsePrivateKey(d[:]); err == nil {
			return k, nil
		} else if i > 8 {
			return nil, err
		}
	}
}

// ledger is the simulated backend: input id → owner and amount.
type ledger map[string]struct {
	owner  *ecdsa.PublicKey
	amount int64
}

var errNoInput = errors.New("no such input")

func (l ledger) CheckInput(owner *ecdsa.PublicKey, in mixer.Input) error {
	e, ok := l[string(in.ID)]
	if !ok || !e.owner.Equal(owner) || e.amount != in.Amount {
		return errNoInput
	}
	return nil
}

func (r *run) setup() error {
	p := r.cfg.Params
	if err := p.Validate(); err != nil {
		return err
	}
	due := p.Due()
	book := ledger{}
	for i := range r.cfg.Participants {
		key, err := r.key("key", i)
		if err != nil {
			return err
		}
		// Client i holds one coin of due + i: client 0 pays exactly, the
		// others get change.
		id := r.derive("input", i)
		amount := due + int64(i)
		book[string(id[:])] = struct {
			owner  *ecdsa.PublicKey
			amount int64
		}{key.PublicKey(), amount}
		cc := mixer.ClientConfig{Key: key, Inputs: []mixer.Input{{ID: id[:], Amount: amount}}, MaxFee: p.Fee, Audit: r.cfg.Audit}
		if i > 0 {
			ck, err := r.key("change", i)
			if err != nil {
				return err
			}
			a := ck.PublicKey().Address(p.AddressVersion)
			cc.Change = &a
		}
		c, err := mixer.NewClient(cc)
		if err != nil {
			return err
		}
		r.parties = append(r.parties, &party{key: key, client: c, result: ClientResult{Key: key.PublicKey()}})
		r.byKey[string(key.PublicKey().Bytes())] = i
	}
	minute := time.Minute
	srv, err := mixer.NewServer(mixer.ServerConfig{
		Session: mixer.SessionID(r.derive("session")),
		Params:  p,
		Deadlines: mixer.Deadlines{
			Request:  r.now.Add(minute),
			Register: r.now.Add(2 * minute),
			Confirm:  r.now.Add(3 * minute),
		},
		MaxParticipants: r.cfg.Participants,
		Inputs:          book,
	})
	if err != nil {
		return err
	}
	r.server = srv
	return nil
}

// fault returns the fault of the given kind on client i in the current
// session (and, for Drop, Tamper and Silent, phase).
func (r *run) fault(kind FaultKind, i int, phase mixer.Phase) bool {
	for _, f := range r.cfg.Faults {
		if f.Kind != kind || f.Client != i {
			continue
		}
		switch kind {
		case Silent:
			if f.Attempt < r.attempt || (f.Attempt == r.attempt && f.Phase <= phase) {
				return true
			}
		case Drop, Tamper:
			if f.Attempt == r.attempt && f.Phase == phase {
				return true
			}
		default:
			if f.Attempt == r.attempt {
				return true
			}
		}
	}
	return false
}

func (r *run) cur() *Attempt { return &r.report.Attempts[len(r.report.Attempts)-1] }

func (r *run) count(k mixer.Kind, data []byte) {
	t := &r.cur().Traffic[stageOf(k)]
	t.Messages++
	t.Bytes += len(data)
}

// send carries a client's message to the network: it is counted, then lost,
// altered or delivered. It returns nil for a lost message.
func (r *run) send(i int, m mixer.Message, phase mixer.Phase) []byte {
	r.count(m.Kind, m.Data)
	r.parties[i].cur = append(r.parties[i].cur, m)
	if r.fault(Drop, i, phase) {
		return nil
	}
	data := m.Data
	if r.fault(Tamper, i, phase) {
		data = bytes.Clone(data)
		data[len(data)-1] ^= 1
	}
	return data
}

// toServer hands a message to the server and keeps what it refused.
func (r *run) toServer(i int, kind mixer.Kind, data []byte) []mixer.Message {
	out, err := r.server.Handle(data, r.now)
	if err != nil {
		r.cur().Refused = append(r.cur().Refused, Refused{Client: i, Kind: kind, Err: err})
	}
	return out
}

// recipients returns the client indices of the server's participants.
func (r *run) recipients() []int {
	var out []int
	for _, pk := range r.server.Participants() {
		out = append(out, r.byKey[string(pk.Bytes())])
	}
	return out
}

func (r *run) newAttempt() {
	r.report.Attempts = append(r.report.Attempts, Attempt{Session: r.server.Session(), Participants: len(r.server.Participants())})
	for _, p := range r.parties {
		p.prev, p.cur = p.cur, nil
	}
}

// job is the messages for one client, handled in order; answer is what
// the client returned.
type job struct {
	client  int
	data    [][]byte
	decline bool // the client declines instead of reading data
}

type answer struct {
	msgs []mixer.Message
	err  error
}

// deliver hands each job to its client, up to Config.ClientWorkers clients
// at once (each job names a different client), and returns the answers in
// job order, keeping each client's last error.
func (r *run) deliver(jobs []job) []answer {
	out := make([]answer, len(jobs))
	work := func(k int) {
		j, c := jobs[k], r.parties[jobs[k].client].client
		if j.decline {
			out[k].msgs, out[k].err = c.Decline()
			return
		}
		for _, d := range j.data {
			msgs, err := c.Handle(d, r.now)
			out[k].msgs = append(out[k].msgs, msgs...)
			if err != nil {
				out[k].err = err
			}
		}
	}
	workers := min(max(r.cfg.ClientWorkers, 1), len(jobs))
	if workers <= 1 {
		for k := range jobs {
			work(k)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for k := int(next.Add(1) - 1); k < len(jobs); k = int(next.Add(1) - 1) {
					work(k)
				}
			})
		}
		wg.Wait()
	}
	for k, a := range out {
		if a.err != nil {
			r.parties[jobs[k].client].result.Err = a.err
		}
	}
	return out
}

func (r *run) play() {
	r.newAttempt()
	a := r.cur()
	start := time.Now()

	// Phase 0: the announcement, to every client.
	ann := r.server.Announcement().Bytes()
	var jobs []job
	for i, p := range r.parties {
		r.count(mixer.KindAnnouncement, ann)
		if p.silent = r.fault(Silent, i, mixer.PhaseRequesting); !p.silent {
			jobs = append(jobs, job{client: i, data: [][]byte{ann}})
		}
	}
	answers := r.deliver(jobs)
	a.Elapsed[StageAnnounce] = time.Since(start)

	// Phase 1: requests; the rosters at the request deadline.
	start = time.Now()
	var rosters []mixer.Message
	for k, ans := range answers {
		i := jobs[k].client
		for _, m := range ans.msgs {
			if data := r.send(i, m, mixer.PhaseRequesting); data != nil {
				rosters = append(rosters, r.toServer(i, m.Kind, data)...)
			}
		}
	}
	if r.server.Phase() == mixer.PhaseRequesting {
		r.now = r.server.Announcement().Deadlines().Request.Add(time.Nanosecond)
		rosters = append(rosters, r.server.Tick(r.now)...)
	}
	a.Participants = len(r.server.Participants())
	a.Elapsed[StageRequest] = time.Since(start)

	for {
		if r.server.Phase() != mixer.PhaseRegistering {
			r.finish()
			return
		}
		r.session(rosters)
		if !r.finish() {
			return
		}
		next, msgs, err := r.server.Restart(r.now.Add(time.Minute), r.now.Add(2*time.Minute))
		if err != nil {
			r.cur().Err = errors.Join(r.cur().Err, err)
			return
		}
		r.server, rosters = next, msgs
		r.attempt++
		r.newAttempt()
	}
}

// finish records the outcome of the current session and reports whether a
// restart may follow.
func (r *run) finish() bool {
	a := r.cur()
	a.Outcome, a.Err = r.server.Phase(), r.server.Err()
	if a.Outcome == mixer.PhaseComplete {
		r.report.Signed = r.server.Signed()
		return false
	}
	if r.server.Transaction() == nil {
		return false
	}
	for _, pk := range r.server.Excluded() {
		a.Excluded = append(a.Excluded, r.byKey[string(pk.Bytes())])
	}
	slices.Sort(a.Excluded)
	return r.attempt+1 < r.cfg.MaxAttempts
}

// route hands the server's messages to the participants in who (each to
// its recipients: every participant for a nil To, else that one), counting
// each copy; a published message counts once and reaches nobody. A client
// gets its messages in order, one job per client; edit may change a copy
// (for DifferentRing), and skip says which clients read nothing (silent,
// or declining).
func (r *run) route(msgs []mixer.Message, who []int, edit func(i int, data []byte) []byte, skip func(i int) bool) []job {
	queue := map[int][][]byte{}
	for _, m := range msgs {
		if m.Publish {
			r.count(m.Kind, m.Data)
			continue
		}
		for _, i := range who {
			if m.To != nil && !m.To.Equal(r.parties[i].key.PublicKey()) {
				continue
			}
			data := m.Data
			if edit != nil {
				data = edit(i, data)
			}
			r.count(m.Kind, data)
			queue[i] = append(queue[i], data)
		}
	}
	var jobs []job
	for _, i := range who {
		if q, ok := queue[i]; !skip(i) && ok {
			jobs = append(jobs, job{client: i, data: q})
		}
	}
	return jobs
}

// session runs phases 2 and 3 from the rosters.
func (r *run) session(rosters []mixer.Message) {
	a := r.cur()
	start := time.Now()
	who := r.recipients()

	// The rosters, to each participant; their registrations.
	var regs []mixer.Message
	jobs := r.route(rosters, who, func(i int, data []byte) []byte {
		if r.fault(DifferentRing, i, mixer.PhaseRegistering) {
			return r.otherRing(data, r.parties[i].key.PublicKey())
		}
		return data
	}, func(i int) bool {
		p := r.parties[i]
		p.silent = p.silent || r.fault(Silent, i, mixer.PhaseRegistering)
		return p.silent
	})
	for k, ans := range r.deliver(jobs) {
		i := jobs[k].client
		for _, g := range ans.msgs {
			out := r.send(i, g, mixer.PhaseRegistering)
			switch {
			case out == nil:
			case g.Kind != mixer.KindRegistration:
				r.toServer(i, g.Kind, out) // a refusal of the roster
			case !r.fault(DropOutput, i, mixer.PhaseRegistering):
				regs = append(regs, mixer.Message{Kind: g.Kind, Data: out})
			}
		}
	}
	a.Elapsed[StageRequest] += time.Since(start)

	// Phase 2: the anonymous registrations, in an order that says nothing
	// of their senders, checked as one batch.
	start = time.Now()
	slices.SortFunc(regs, func(x, y mixer.Message) int { return bytes.Compare(x.Data, y.Data) })
	batch := make([][]byte, len(regs))
	for i, g := range regs {
		batch[i] = g.Data
	}
	var txs []mixer.Message
	for _, c := range r.server.Check(batch, r.cfg.Workers) {
		out, err := r.server.Accept(c, r.now)
		if err != nil {
			a.Refused = append(a.Refused, Refused{Client: -1, Kind: mixer.KindRegistration, Err: err})
		}
		txs = append(txs, out...)
	}
	r.replay(mixer.KindRegistration)
	if r.server.Phase() == mixer.PhaseRegistering {
		r.now = r.server.Roster().Deadlines().Register.Add(time.Nanosecond)
		txs = append(txs, r.server.Tick(r.now)...)
	}

	// The transaction (and the bundles asked for), to each participant;
	// their answers.
	type sent struct {
		client int
		msg    mixer.Message
	}
	var replies []sent
	jobs = r.route(txs, who, nil, func(i int) bool {
		p := r.parties[i]
		p.silent = p.silent || r.fault(Silent, i, mixer.PhaseConfirming)
		return p.silent
	})
	for k := range jobs {
		jobs[k].decline = r.fault(Refuse, jobs[k].client, mixer.PhaseConfirming)
	}
	for k, ans := range r.deliver(jobs) {
		i := jobs[k].client
		for _, c := range ans.msgs {
			if c.Kind == mixer.KindConfirmation {
				if conf, err := mixer.ParseConfirmation(c.Data); err == nil {
					r.parties[i].result.Confirmed = append(r.parties[i].result.Confirmed, conf.TxHash())
				}
			}
			replies = append(replies, sent{i, c})
		}
	}
	a.Elapsed[StageGeneration] = time.Since(start)

	// Phase 3: confirmations and refusals; the signed transaction,
	// published, and each participant's completion.
	start = time.Now()
	var finals []mixer.Message
	for _, q := range replies {
		if data := r.send(q.client, q.msg, mixer.PhaseConfirming); data != nil {
			finals = append(finals, r.toServer(q.client, q.msg.Kind, data)...)
		}
	}
	r.replay(mixer.KindConfirmation)
	r.deliver(r.route(finals, who, nil, func(i int) bool { return r.parties[i].silent }))
	if r.server.Phase() == mixer.PhaseConfirming {
		r.now = r.server.Roster().Deadlines().Confirm.Add(time.Nanosecond)
		r.server.Tick(r.now)
	}
	a.Elapsed[StageConfirmation] = time.Since(start)
}

// replay delivers again the messages of a kind that Replay-faulted clients
// sent in the previous session.
func (r *run) replay(kind mixer.Kind) {
	for i, p := range r.parties {
		if !r.fault(Replay, i, mixer.PhaseRegistering) {
			continue
		}
		for _, m := range p.prev {
			if m.Kind == kind {
				r.toServer(i, m.Kind, m.Data)
			}
		}
	}
}

// otherRing rewrites a roster so that its ring is pk and fresh keys.
func (r *run) otherRing(data []byte, pk *ecdsa.PublicKey) []byte {
	ro, err := mixer.ParseRoster(data)
	if err != nil {
		return data
	}
	ring := []*ecdsa.PublicKey{pk}
	for j := 1; j < len(ro.Ring()); j++ {
		k, err := r.key("sybil", r.attempt, j)
		if err != nil {
			return data
		}
		ring = append(ring, k.PublicKey())
	}
	d := ro.Deadlines()
	forged, err := mixer.NewRoster(ro.Session(), ro.Previous(), ro.Params(), d.Register, d.Confirm, ring)
	if err != nil {
		return data
	}
	return forged.Bytes()
}
