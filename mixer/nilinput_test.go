package mixer_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
	"github.com/stretchr/testify/require"
)

// errAny marks a case whose error wraps none of the package's sentinels.
var errAny = errors.New("an error wrapping no sentinel")

// TestNilAndZeroInputs calls every exported function and method of mixer and
// mixsim with nil and zero-value arguments and receivers. None may panic; a
// constructor, parser or verifier returns an error wrapping the sentinel of
// the argument at fault, and an accessor a zero value.
func TestNilAndZeroInputs(t *testing.T) {
	w := newWorld(t, 3)
	roster := w.request(t, w.announce(t))
	ro, err := mixer.ParseRoster(roster)
	require.NoError(t, err)
	txb := w.submit(t, w.register(t, roster))
	tx, err := mixer.ParseTransaction(txb, ro.Ring())
	require.NoError(t, err)
	bundle, err := mixer.ParseBundle(w.bundle)
	require.NoError(t, err)
	regs := w.registrations(t)
	other, err := mixer.NewRegistration(w.keys[0], mustRoster(t, mixer.SessionID{9}, ro), 0, ecdsa.Address{}, 1, nil)
	require.NoError(t, err)
	key := w.keys[0]
	pk := key.PublicKey()
	wiped := keyFrom(t, "wiped")
	wiped.Zero()
	confirmed, err := mixer.NewConfirmation(key, tx.Session(), tx.Hash(), nil)
	require.NoError(t, err)

	var (
		zeroSK    = new(ecdsa.PrivateKey)
		zeroPK    = new(ecdsa.PublicKey)
		zeroTime  time.Time
		sid       mixer.SessionID
		p         = testParams
		due       = p.Due()
		exact     = []mixer.Input{{ID: []byte{1}, Amount: due}}
		regDate   = ro.Deadlines().Register
		confDate  = ro.Deadlines().Confirm
		owners    = []mixer.TxInput{{Owner: pk, ID: []byte{1}, Amount: 10}, {Owner: w.keys[1].PublicKey(), ID: []byte{2}, Amount: 10}}
		malformed = mixer.ErrMalformed
		params    = mixer.ErrParams
	)
	// value checks that an accessor returned want.
	value := func(got func() any, want any) func() error {
		return func() error {
			require.Equal(t, want, got())
			return nil
		}
	}
	// one checks that a constructor or parser returned exactly one of a
	// value and an error.
	one := func(v any, err error) error {
		if err == nil {
			require.NotNil(t, v)
		} else {
			require.Nil(t, v)
		}
		return err
	}
	// three is one for NewTransaction's transaction and bundle.
	three := func(tx *mixer.Transaction, b *mixer.Bundle, err error) error {
		if err == nil {
			require.NotNil(t, tx)
			require.NotNil(t, b)
		} else {
			require.Nil(t, tx)
			require.Nil(t, b)
		}
		return err
	}

	type receivers struct {
		name    string
		ann     *mixer.Announcement
		req     *mixer.Request
		roster  *mixer.Roster
		reg     *mixer.Registration
		conf    *mixer.Confirmation
		ref     *mixer.Refusal
		tx      *mixer.Transaction
		bundle  *mixer.Bundle
		compl   *mixer.Completion
		signed  *mixer.SignedTransaction
		server  *mixer.Server
		client  *mixer.Client
		checked *mixer.CheckedRegistration
		report  *mixsim.Report
		attempt *mixsim.Attempt
	}

	cases := []struct {
		name string
		call func() error
		want error // the sentinel the error wraps; nil: no error
	}{
		// Package functions.
		{"NewSessionID(nil)", func() error { return one(mixer.NewSessionID(nil)) }, nil},
		{"NewSessionID(empty reader)", func() error { _, err := mixer.NewSessionID(bytes.NewReader(nil)); return err }, errAny},
		{"NextSessionID(zero)", value(func() any { return mixer.NextSessionID(sid, [32]byte{}) == sid }, false), nil},
		{"KindOf(nil)", func() error { _, err := mixer.KindOf(nil); return err }, malformed},
		{"ReasonOf(nil)", value(func() any { return mixer.ReasonOf(nil) }, mixer.ReasonDeclined), nil},
		{"ParseAnnouncement(nil)", func() error { return one(mixer.ParseAnnouncement(nil)) }, malformed},
		{"ParseRequest(nil)", func() error { return one(mixer.ParseRequest(nil)) }, malformed},
		{"ParseRoster(nil)", func() error { return one(mixer.ParseRoster(nil)) }, malformed},
		{"ParseRegistration(nil)", func() error { return one(mixer.ParseRegistration(nil)) }, malformed},
		{"ParseTransaction(nil, nil)", func() error { return one(mixer.ParseTransaction(nil, nil)) }, params},
		{"ParseTransaction(nil, ring)", func() error { return one(mixer.ParseTransaction(nil, ro.Ring())) }, malformed},
		{"ParseTransaction(tx, nil keys)", func() error { return one(mixer.ParseTransaction(txb, []*ecdsa.PublicKey{nil, nil})) }, params},
		{"ParseTransaction(tx, zero keys)", func() error { return one(mixer.ParseTransaction(txb, []*ecdsa.PublicKey{zeroPK, pk})) }, params},
		{"ParseBundle(nil)", func() error { return one(mixer.ParseBundle(nil)) }, malformed},
		{"ParseCompletion(nil)", func() error { return one(mixer.ParseCompletion(nil)) }, malformed},
		{"ParseConfirmation(nil)", func() error { return one(mixer.ParseConfirmation(nil)) }, malformed},
		{"ParseRefusal(nil)", func() error { return one(mixer.ParseRefusal(nil)) }, malformed},
		{"ParseSignedTransaction(nil)", func() error { return one(mixer.ParseSignedTransaction(nil)) }, malformed},

		{"NewRequest(nil key)", func() error { return one(mixer.NewRequest(nil, sid, p, exact, nil, mixer.AuditAll, nil)) }, params},
		{"NewRequest(zero key)", func() error { return one(mixer.NewRequest(zeroSK, sid, p, exact, nil, mixer.AuditAll, nil)) }, params},
		{"NewRequest(wiped key)", func() error { return one(mixer.NewRequest(wiped, sid, p, exact, nil, mixer.AuditAll, nil)) }, params},
		{"NewRequest(zero params)", func() error { return one(mixer.NewRequest(key, sid, mixer.Params{}, exact, nil, mixer.AuditAll, nil)) }, params},
		{"NewRequest(nil inputs)", func() error { return one(mixer.NewRequest(key, sid, p, nil, nil, mixer.AuditAll, nil)) }, params},
		{"NewRequest(zero input)", func() error { return one(mixer.NewRequest(key, sid, p, []mixer.Input{{}}, nil, mixer.AuditAll, nil)) }, params},
		{"NewRequest(zero change address)", func() error { return one(mixer.NewRequest(key, sid, p, exact, &ecdsa.Address{}, mixer.AuditAll, nil)) }, mixer.ErrChangeAddress},
		{"NewRequest(all zero)", func() error { return one(mixer.NewRequest(nil, sid, mixer.Params{}, nil, nil, mixer.AuditAll, nil)) }, params},
		{"NewRequest(unknown audit)", func() error { return one(mixer.NewRequest(key, sid, p, exact, nil, mixer.Audit(9), nil)) }, params},
		{"NewRequest(zero audit)", func() error { return one(mixer.NewRequest(key, sid, p, exact, nil, 0, nil)) }, nil},

		{"NewRoster(all zero)", func() error { return one(mixer.NewRoster(sid, sid, mixer.Params{}, zeroTime, zeroTime, nil)) }, params},
		{"NewRoster(nil ring)", func() error { return one(mixer.NewRoster(sid, sid, p, regDate, confDate, nil)) }, params},
		{"NewRoster(nil keys)", func() error {
			return one(mixer.NewRoster(sid, sid, p, regDate, confDate, []*ecdsa.PublicKey{nil, nil}))
		}, params},
		{"NewRoster(zero key)", func() error {
			return one(mixer.NewRoster(sid, sid, p, regDate, confDate, []*ecdsa.PublicKey{zeroPK, pk}))
		}, params},
		{"NewRoster(zero deadlines)", func() error { return one(mixer.NewRoster(sid, sid, p, zeroTime, zeroTime, ro.Ring())) }, params},

		{"NewRegistration(nil key)", func() error { return one(mixer.NewRegistration(nil, ro, 0, ecdsa.Address{}, 1, nil)) }, params},
		{"NewRegistration(zero key)", func() error { return one(mixer.NewRegistration(zeroSK, ro, 0, ecdsa.Address{}, 1, nil)) }, params},
		{"NewRegistration(nil roster)", func() error { return one(mixer.NewRegistration(key, nil, 0, ecdsa.Address{}, 1, nil)) }, params},
		{"NewRegistration(zero roster)", func() error {
			return one(mixer.NewRegistration(key, &mixer.Roster{}, 0, ecdsa.Address{}, 1, nil))
		}, params},
		{"NewRegistration(zero amount)", func() error { return one(mixer.NewRegistration(key, ro, 0, ecdsa.Address{}, 0, nil)) }, params},
		{"NewRegistration(all zero)", func() error { return one(mixer.NewRegistration(nil, nil, 0, ecdsa.Address{}, 0, nil)) }, params},
		{"NewRegistration(zero address)", func() error { return one(mixer.NewRegistration(key, ro, 0, ecdsa.Address{}, 1, nil)) }, nil},

		{"NewConfirmation(nil key)", func() error { return one(mixer.NewConfirmation(nil, sid, [32]byte{}, nil)) }, params},
		{"NewConfirmation(zero key)", func() error { return one(mixer.NewConfirmation(zeroSK, sid, [32]byte{}, nil)) }, params},
		{"NewConfirmation(zero session and hash)", func() error { return one(mixer.NewConfirmation(key, sid, [32]byte{}, nil)) }, nil},
		{"NewRefusal(nil key)", func() error { return one(mixer.NewRefusal(nil, sid, [32]byte{}, 0, nil)) }, params},
		{"NewRefusal(zero key)", func() error { return one(mixer.NewRefusal(zeroSK, sid, [32]byte{}, 0, nil)) }, params},
		{"NewRefusal(zero everything else)", func() error { return one(mixer.NewRefusal(key, sid, [32]byte{}, 0, nil)) }, nil},

		{"NewTransaction(all zero)", func() error { return three(mixer.NewTransaction(sid, mixer.Params{}, nil, nil, nil, 0)) }, params},
		{"NewTransaction(no inputs)", func() error { return three(mixer.NewTransaction(sid, p, nil, nil, nil, 0)) }, params},
		{"NewTransaction(zero input)", func() error { return three(mixer.NewTransaction(sid, p, []mixer.TxInput{{}}, nil, nil, 0)) }, params},
		{"NewTransaction(zero owner)", func() error {
			return three(mixer.NewTransaction(sid, p, []mixer.TxInput{{Owner: zeroPK, ID: []byte{1}, Amount: 1}}, nil, nil, 0))
		}, params},
		{"NewTransaction(nil registration)", func() error {
			return three(mixer.NewTransaction(sid, p, owners, []*mixer.Registration{nil}, nil, 0))
		}, params},
		{"NewTransaction(zero registration)", func() error {
			return three(mixer.NewTransaction(sid, p, owners, []*mixer.Registration{{}}, nil, 0))
		}, params},
		{"NewTransaction(registration of another session)", func() error {
			return three(mixer.NewTransaction(sid, p, owners, []*mixer.Registration{other}, nil, 0))
		}, mixer.ErrWrongSession},
		{"NewTransaction(zero change)", func() error { return three(mixer.NewTransaction(sid, p, owners, nil, []mixer.Change{{}}, 0)) }, params},
		{"NewTransaction(zero change owner)", func() error {
			return three(mixer.NewTransaction(sid, p, owners, nil, []mixer.Change{{Owner: zeroPK, Amount: 1}}, 0))
		}, params},
		{"NewTransaction(zero change amount)", func() error {
			return three(mixer.NewTransaction(sid, p, owners, nil, []mixer.Change{{Owner: pk}}, 0))
		}, params},
		{"NewTransaction(zero outputs and fee)", func() error { return three(mixer.NewTransaction(sid, p, owners, nil, nil, 0)) }, nil},
		{"NewTransaction(the session's registrations)", func() error {
			return three(mixer.NewTransaction(tx.Session(), p, tx.Inputs(), regs, tx.Change(), tx.Fee()))
		}, nil},

		{"NewSignedTransaction(nil, nil, nil)", func() error { return one(mixer.NewSignedTransaction(nil, nil, nil)) }, params},
		{"NewSignedTransaction(zero transaction)", func() error {
			return one(mixer.NewSignedTransaction(&mixer.Transaction{}, bundle, []*mixer.Confirmation{confirmed}))
		}, params},
		{"NewSignedTransaction(tx, nil bundle)", func() error {
			return one(mixer.NewSignedTransaction(tx, nil, []*mixer.Confirmation{confirmed}))
		}, params},
		{"NewSignedTransaction(tx, zero bundle)", func() error {
			return one(mixer.NewSignedTransaction(tx, &mixer.Bundle{}, []*mixer.Confirmation{confirmed}))
		}, params},
		{"NewSignedTransaction(tx, bundle, nil)", func() error { return one(mixer.NewSignedTransaction(tx, bundle, nil)) }, mixer.ErrIncomplete},
		{"NewSignedTransaction(tx, bundle, nil confirmation)", func() error {
			return one(mixer.NewSignedTransaction(tx, bundle, []*mixer.Confirmation{nil}))
		}, params},
		{"NewSignedTransaction(tx, bundle, zero confirmation)", func() error {
			return one(mixer.NewSignedTransaction(tx, bundle, []*mixer.Confirmation{{}}))
		}, params},

		{"NewServer(zero config)", func() error { return one(mixer.NewServer(mixer.ServerConfig{})) }, params},
		{"NewServer(nil InputSourceFunc)", func() error {
			return one(mixer.NewServer(mixer.ServerConfig{Params: p, Deadlines: testDeadlines(), Inputs: mixer.InputSourceFunc(nil)}))
		}, params},
		{"NewServer(zero params)", func() error {
			return one(mixer.NewServer(mixer.ServerConfig{Deadlines: testDeadlines(), Inputs: ledger{}}))
		}, params},
		{"NewServer(zero deadlines)", func() error { return one(mixer.NewServer(mixer.ServerConfig{Params: p, Inputs: ledger{}})) }, params},
		{"NewClient(zero config)", func() error { return one(mixer.NewClient(mixer.ClientConfig{})) }, params},
		{"NewClient(zero key)", func() error { return one(mixer.NewClient(mixer.ClientConfig{Key: zeroSK, Inputs: exact})) }, params},
		{"NewClient(wiped key)", func() error { return one(mixer.NewClient(mixer.ClientConfig{Key: wiped, Inputs: exact})) }, params},
		{"NewClient(zero input)", func() error { return one(mixer.NewClient(mixer.ClientConfig{Key: key, Inputs: []mixer.Input{{}}})) }, params},
		{"NewClient(zero change address)", func() error {
			return one(mixer.NewClient(mixer.ClientConfig{Key: key, Inputs: exact, Change: &ecdsa.Address{}}))
		}, nil},

		{"InputSourceFunc(nil).CheckInput", func() error { return mixer.InputSourceFunc(nil).CheckInput(nil, mixer.Input{}) }, errAny},
		{"SessionID{}.String", value(func() any { return len(sid.String()) }, 64), nil},
		{"Params{}.Validate", func() error { return mixer.Params{}.Validate() }, params},
		{"Params{}.Due", value(func() any { return mixer.Params{}.Due() }, int64(0)), nil},
		{"Kind(0).String", value(func() any { return mixer.Kind(0).String() }, "Kind(0)"), nil},
		{"Phase(0).String", value(func() any { return mixer.Phase(0).String() }, "new"), nil},
		{"Reason(0).Err", func() error { return mixer.Reason(0).Err() }, mixer.ErrDeclined},
		{"Reason(0).String", value(func() any { return mixer.Reason(0).String() }, mixer.ErrDeclined.Error()), nil},
		{"Reason(255).Err", func() error { return mixer.Reason(255).Err() }, errAny},

		// Constants and sentinels: names and round trips, no zero value
		// among them.
		{"sentinels", func() error {
			for i, e := range []error{
				mixer.ErrMalformed, mixer.ErrParams, mixer.ErrWrongSession, mixer.ErrPhase, mixer.ErrDeadline,
				mixer.ErrBadSignature, mixer.ErrUnknownInput, mixer.ErrInputReused, mixer.ErrFunds,
				mixer.ErrChangeAddress, mixer.ErrDuplicateParticipant, mixer.ErrSessionFull,
				mixer.ErrTooFewParticipants, mixer.ErrNotParticipant, mixer.ErrBadRingSignature,
				mixer.ErrKeyImageReused, mixer.ErrWrongAmount, mixer.ErrAddressVersion,
				mixer.ErrDuplicateAddress, mixer.ErrInputMissing, mixer.ErrOutputMissing,
				mixer.ErrChangeMismatch, mixer.ErrFee, mixer.ErrRingMismatch, mixer.ErrParamsMismatch,
				mixer.ErrUnbalanced, mixer.ErrDeclined, mixer.ErrIncomplete,
			} {
				require.Contains(t, e.Error(), "mixer: ", "sentinel %d", i)
			}
			return nil
		}, nil},
		{"reasons", func() error {
			for _, r := range []mixer.Reason{
				mixer.ReasonMalformed, mixer.ReasonWrongSession, mixer.ReasonDeadline, mixer.ReasonParamsMismatch,
				mixer.ReasonRingMismatch, mixer.ReasonInputMissing, mixer.ReasonOutputMissing,
				mixer.ReasonWrongAmount, mixer.ReasonChangeMismatch, mixer.ReasonFee, mixer.ReasonUnbalanced,
				mixer.ReasonBadRingSignature, mixer.ReasonKeyImageReused, mixer.ReasonDuplicateAddress,
				mixer.ReasonAddressVersion,
			} {
				require.Equal(t, r, mixer.ReasonOf(r.Err()))
			}
			return nil
		}, nil},
		{"kinds", func() error {
			for _, k := range []mixer.Kind{
				mixer.KindAnnouncement, mixer.KindRequest, mixer.KindRoster, mixer.KindRegistration,
				mixer.KindTransaction, mixer.KindConfirmation, mixer.KindRefusal, mixer.KindSignedTransaction,
				mixer.KindBundle, mixer.KindCompletion,
			} {
				require.NotContains(t, k.String(), "Kind(")
			}
			return nil
		}, nil},
		{"phases", func() error {
			for _, ph := range []mixer.Phase{mixer.PhaseRequesting, mixer.PhaseRegistering, mixer.PhaseConfirming, mixer.PhaseComplete, mixer.PhaseFailed} {
				require.NotContains(t, ph.String(), "Phase(")
			}
			return nil
		}, nil},
		{"limits", func() error {
			for _, n := range []int{mixer.MinParticipants, mixer.MaxParticipants, mixer.MaxSlots, mixer.MaxInputs, mixer.MaxInputIDSize} {
				require.Positive(t, n)
			}
			return nil
		}, nil},
		{"zero Message", value(func() any { return mixer.Message{}.Data }, []byte(nil)), nil},
		{"NewClient(AuditOwn, no change)", func() error {
			return one(mixer.NewClient(mixer.ClientConfig{Key: key, Inputs: exact, Audit: mixer.AuditOwn}))
		}, nil},
		{"mixsim fault kinds", func() error {
			for _, k := range []mixsim.FaultKind{mixsim.Drop, mixsim.Tamper, mixsim.Silent, mixsim.DifferentRing, mixsim.Refuse, mixsim.DropOutput, mixsim.Replay} {
				require.NotContains(t, k.String(), "FaultKind(")
			}
			return nil
		}, nil},
		{"mixsim stages", value(func() any {
			return []mixsim.Stage{mixsim.StageAnnounce, mixsim.StageRequest, mixsim.StageGeneration, mixsim.StageConfirmation}
		}, mixsim.Stages()), nil},
		{"mixsim zero results", value(func() any { return mixsim.Refused{}.Err == nil && mixsim.ClientResult{}.Key == nil }, true), nil},

		// A valid server and client, with nil and zero arguments.
		{"Server.Handle(nil)", func() error { _, err := w.server.Handle(nil, zeroTime); return err }, malformed},
		{"Server.Tick(zero time)", value(func() any { return len(w.server.Tick(zeroTime)) }, 0), nil},
		{"Server.Check(nil)", value(func() any { return len(w.server.Check(nil, 0)) }, 0), nil},
		{"Server.Check(nil message)", func() error { return w.server.Check([][]byte{nil}, 0)[0].Err() }, malformed},
		{"Server.Accept(nil)", func() error { _, err := w.server.Accept(nil, zeroTime); return err }, params},
		{"Server.Accept(zero)", func() error { _, err := w.server.Accept(&mixer.CheckedRegistration{}, zeroTime); return err }, params},
		{"Server.Refusal(nil)", value(func() any { _, ok := w.server.Refusal(nil); return ok }, false), nil},
		{"Server.Refusal(zero key)", value(func() any { _, ok := w.server.Refusal(zeroPK); return ok }, false), nil},
		{"Server.Restart(zero times)", func() error { _, _, err := w.server.Restart(zeroTime, zeroTime); return err }, mixer.ErrPhase},
		{"Client.Handle(nil)", func() error { _, err := w.clients[0].Handle(nil, zeroTime); return err }, malformed},
		{"Client.Tick(zero time)", func() error { return w.clients[0].Tick(zeroTime) }, nil},
		{"Transaction.VerifyBundle(bundle, 0)", func() error { return tx.VerifyBundle(bundle, 0) }, nil},
		{"Transaction.VerifyBundle(bundle, -1)", func() error { return tx.VerifyBundle(bundle, -1) }, nil},
		{"Transaction.VerifyBundle(nil, 0)", func() error { return tx.VerifyBundle(nil, 0) }, malformed},
		{"Transaction.VerifyBundle(zero, 0)", func() error { return tx.VerifyBundle(&mixer.Bundle{}, 0) }, malformed},

		// mixsim.
		{"mixsim.Run(zero config)", func() error { return one(mixsim.Run(mixsim.Config{})) }, errAny},
		{"mixsim.Run(zero denomination)", func() error {
			return one(mixsim.Run(mixsim.Config{Participants: 2, Params: mixer.Params{Slots: 1}}))
		}, params},
		{"mixsim.Run(zero fault)", func() error {
			return one(mixsim.Run(mixsim.Config{Participants: 2, Faults: []mixsim.Fault{{}}}))
		}, nil},
		{"mixsim.FaultKind(0).String", value(func() any { return mixsim.FaultKind(0).String() }, "FaultKind(0)"), nil},
		{"mixsim.Stage(0).String", value(func() any { return mixsim.Stage(0).String() }, "announce"), nil},
		{"mixsim.Stages", value(func() any { return len(mixsim.Stages()) }, mixsim.NumStages), nil},
		{"mixsim.DefaultParams", func() error { return mixsim.DefaultParams().Validate() }, nil},
		{"mixsim.Report.WriteTable(nil writer)", func() error { return (&mixsim.Report{}).WriteTable(nil) }, errAny},
	}

	// Every method, on a nil receiver and on a zero value.
	for _, r := range []receivers{
		{name: "nil"},
		{
			name: "zero", ann: &mixer.Announcement{}, req: &mixer.Request{}, roster: &mixer.Roster{},
			reg: &mixer.Registration{}, conf: &mixer.Confirmation{}, ref: &mixer.Refusal{},
			tx: &mixer.Transaction{}, bundle: &mixer.Bundle{}, compl: &mixer.Completion{},
			signed: &mixer.SignedTransaction{}, server: &mixer.Server{},
			client: &mixer.Client{}, checked: &mixer.CheckedRegistration{}, report: &mixsim.Report{},
			attempt: &mixsim.Attempt{},
		},
	} {
		n := r.name + " "
		noError := func(f func()) func() error { return func() error { f(); return nil } }
		cases = append(cases, []struct {
			name string
			call func() error
			want error
		}{
			{n + "Announcement.Bytes", noError(func() { r.ann.Bytes() }), nil},
			{n + "Announcement.Session", value(func() any { return r.ann.Session() }, sid), nil},
			{n + "Announcement.Params", value(func() any { return r.ann.Params() }, mixer.Params{}), nil},
			{n + "Announcement.Deadlines", value(func() any { return r.ann.Deadlines() }, mixer.Deadlines{}), nil},
			{n + "Announcement.Participants", value(func() any { lo, hi := r.ann.Participants(); return lo + hi }, 0), nil},
			{n + "Announcement parses", func() error { return one(mixer.ParseAnnouncement(r.ann.Bytes())) }, malformed},

			{n + "Request.Bytes", value(func() any { return r.req.Bytes() }, []byte(nil)), nil},
			{n + "Request.Verify", func() error { return r.req.Verify() }, malformed},
			{n + "Request.Session", value(func() any { return r.req.Session() }, sid), nil},
			{n + "Request.PublicKey", value(func() any { return r.req.PublicKey() }, (*ecdsa.PublicKey)(nil)), nil},
			{n + "Request.Inputs", value(func() any { return len(r.req.Inputs()) }, 0), nil},
			{n + "Request.Change", value(func() any { _, ok := r.req.Change(); return ok }, false), nil},
			{n + "Request.Audit", value(func() any { return r.req.Audit() }, mixer.AuditAll), nil},

			{n + "Roster.Bytes", value(func() any { return r.roster.Bytes() }, []byte(nil)), nil},
			{n + "Roster.Session", value(func() any { return r.roster.Session() }, sid), nil},
			{n + "Roster.Previous", value(func() any { return r.roster.Previous() }, sid), nil},
			{n + "Roster.Params", value(func() any { return r.roster.Params() }, mixer.Params{}), nil},
			{n + "Roster.Deadlines", value(func() any { return r.roster.Deadlines() }, mixer.Deadlines{}), nil},
			{n + "Roster.Ring", value(func() any { return len(r.roster.Ring()) }, 0), nil},
			{n + "Roster.RingDigest", value(func() any { return r.roster.RingDigest() }, [32]byte{}), nil},

			{n + "Registration.Bytes", value(func() any { return r.reg.Bytes() }, []byte(nil)), nil},
			{n + "Registration.Session", value(func() any { return r.reg.Session() }, sid), nil},
			{n + "Registration.Slot", value(func() any { return r.reg.Slot() }, 0), nil},
			{n + "Registration.Address", value(func() any { return r.reg.Address() }, ecdsa.Address{}), nil},
			{n + "Registration.Amount", value(func() any { return r.reg.Amount() }, int64(0)), nil},
			{n + "Registration.KeyImage", value(func() any { return r.reg.KeyImage() }, [33]byte{}), nil},

			{n + "Confirmation.Bytes", value(func() any { return r.conf.Bytes() }, []byte(nil)), nil},
			{n + "Confirmation.Verify", func() error { return r.conf.Verify() }, malformed},
			{n + "Confirmation.Session", value(func() any { return r.conf.Session() }, sid), nil},
			{n + "Confirmation.TxHash", value(func() any { return r.conf.TxHash() }, [32]byte{}), nil},
			{n + "Confirmation.PublicKey", value(func() any { return r.conf.PublicKey() }, (*ecdsa.PublicKey)(nil)), nil},

			{n + "Refusal.Bytes", value(func() any { return r.ref.Bytes() }, []byte(nil)), nil},
			{n + "Refusal.Verify", func() error { return r.ref.Verify() }, malformed},
			{n + "Refusal.Session", value(func() any { return r.ref.Session() }, sid), nil},
			{n + "Refusal.TxHash", value(func() any { return r.ref.TxHash() }, [32]byte{}), nil},
			{n + "Refusal.PublicKey", value(func() any { return r.ref.PublicKey() }, (*ecdsa.PublicKey)(nil)), nil},
			{n + "Refusal.Reason", value(func() any { return r.ref.Reason() }, mixer.ReasonDeclined), nil},

			{n + "Transaction.Bytes", value(func() any { return r.tx.Bytes() }, []byte(nil)), nil},
			{n + "Transaction.Hash", value(func() any { return r.tx.Hash() }, [32]byte{}), nil},
			{n + "Transaction.Session", value(func() any { return r.tx.Session() }, sid), nil},
			{n + "Transaction.Params", value(func() any { return r.tx.Params() }, mixer.Params{}), nil},
			{n + "Transaction.RingDigest", value(func() any { return r.tx.RingDigest() }, [32]byte{}), nil},
			{n + "Transaction.Ring", value(func() any { return len(r.tx.Ring()) }, 0), nil},
			{n + "Transaction.Inputs", value(func() any { return len(r.tx.Inputs()) }, 0), nil},
			{n + "Transaction.Outputs", value(func() any { return len(r.tx.Outputs()) }, 0), nil},
			{n + "Transaction.Change", value(func() any { return len(r.tx.Change()) }, 0), nil},
			{n + "Transaction.Fee", value(func() any { return r.tx.Fee() }, int64(0)), nil},
			{n + "Transaction.Surplus", value(func() any { return r.tx.Surplus() }, int64(0)), nil},
			{n + "Transaction.BundleDigest", value(func() any { return r.tx.BundleDigest() }, [32]byte{}), nil},
			{n + "Transaction.VerifyBundle", func() error { return r.tx.VerifyBundle(bundle, 0) }, malformed},

			{n + "Bundle.Bytes", value(func() any { return r.bundle.Bytes() }, []byte(nil)), nil},
			{n + "Bundle.Session", value(func() any { return r.bundle.Session() }, sid), nil},
			{n + "Bundle.Digest", value(func() any { return r.bundle.Digest() }, [32]byte{}), nil},
			{n + "Bundle.Len", value(func() any { return r.bundle.Len() }, 0), nil},
			{n + "Bundle, verified", func() error { return tx.VerifyBundle(r.bundle, 0) }, malformed},

			{n + "Completion.Bytes", value(func() any { return r.compl.Bytes() }, []byte(nil)), nil},
			{n + "Completion.Session", value(func() any { return r.compl.Session() }, sid), nil},
			{n + "Completion.TxHash", value(func() any { return r.compl.TxHash() }, [32]byte{}), nil},
			{n + "Completion.Signatures", value(func() any { return r.compl.Signatures() }, 0), nil},

			{n + "SignedTransaction.Bytes", value(func() any { return r.signed.Bytes() }, []byte(nil)), nil},
			{n + "SignedTransaction.Transaction", value(func() any { return r.signed.Transaction() }, (*mixer.Transaction)(nil)), nil},
			{n + "SignedTransaction.Bundle", value(func() any { return r.signed.Bundle() }, (*mixer.Bundle)(nil)), nil},
			{n + "SignedTransaction.Verify", func() error { return r.signed.Verify() }, malformed},

			{n + "Server.Announcement", noError(func() { r.server.Announcement() }), nil},
			{n + "Server.Announcement parses", func() error { return one(mixer.ParseAnnouncement(r.server.Announcement().Bytes())) }, malformed},
			{n + "Server.Session", value(func() any { return r.server.Session() }, sid), nil},
			{n + "Server.Previous", value(func() any { return r.server.Previous() }, sid), nil},
			{n + "Server.Phase", value(func() any { return r.server.Phase() }, mixer.PhaseNew), nil},
			{n + "Server.Err", func() error { return r.server.Err() }, nil},
			{n + "Server.Roster", value(func() any { return r.server.Roster() }, (*mixer.Roster)(nil)), nil},
			{n + "Server.Transaction", value(func() any { return r.server.Transaction() }, (*mixer.Transaction)(nil)), nil},
			{n + "Server.Signed", value(func() any { return r.server.Signed() }, (*mixer.SignedTransaction)(nil)), nil},
			{n + "Server.Participants", value(func() any { return len(r.server.Participants()) }, 0), nil},
			{n + "Server.Confirmed", value(func() any { return len(r.server.Confirmed()) }, 0), nil},
			{n + "Server.Excluded", value(func() any { return len(r.server.Excluded()) }, 0), nil},
			{n + "Server.Refusal", value(func() any { _, ok := r.server.Refusal(nil); return ok }, false), nil},
			{n + "Server.Handle(nil)", func() error { _, err := r.server.Handle(nil, zeroTime); return err }, params},
			{n + "Server.Handle(request)", func() error { _, err := r.server.Handle(w.configsRequest(t, 0), zeroTime); return err }, params},
			{n + "Server.Tick", value(func() any { return len(r.server.Tick(zeroTime)) }, 0), nil},
			{n + "Server.Check", func() error { return r.server.Check([][]byte{nil}, 0)[0].Err() }, params},
			{n + "Server.Accept(nil)", func() error { _, err := r.server.Accept(nil, zeroTime); return err }, params},
			{n + "Server.Accept(checked)", func() error {
				_, err := r.server.Accept(w.server.Check([][]byte{nil}, 1)[0], zeroTime)
				return err
			}, params},
			{n + "Server.Restart", func() error { _, _, err := r.server.Restart(zeroTime, zeroTime); return err }, params},
			{n + "CheckedRegistration.Err", func() error { return r.checked.Err() }, params},

			{n + "Client.Phase", value(func() any { return r.client.Phase() }, mixer.PhaseNew), nil},
			{n + "Client.Err", func() error { return r.client.Err() }, nil},
			{n + "Client.Session", value(func() any { return r.client.Session() }, sid), nil},
			{n + "Client.PublicKey", value(func() any { return r.client.PublicKey() }, (*ecdsa.PublicKey)(nil)), nil},
			{n + "Client.OutputKeys", value(func() any { return len(r.client.OutputKeys()) }, 0), nil},
			{n + "Client.Addresses", value(func() any { return len(r.client.Addresses()) }, 0), nil},
			{n + "Client.Transaction", value(func() any { return r.client.Transaction() }, (*mixer.Transaction)(nil)), nil},
			{n + "Client.Signed", value(func() any { return r.client.Signed() }, (*mixer.SignedTransaction)(nil)), nil},
			{n + "Client.Handle(nil)", func() error { _, err := r.client.Handle(nil, zeroTime); return err }, params},
			{n + "Client.Handle(announcement)", func() error {
				_, err := r.client.Handle(w.server.Announcement().Bytes(), zeroTime)
				return err
			}, params},
			{n + "Client.Tick", func() error { return r.client.Tick(zeroTime) }, params},
			{n + "Client.Decline", func() error { _, err := r.client.Decline(); return err }, params},

			{n + "mixsim.Report.Traffic", value(func() any { return r.report.Traffic() }, [mixsim.NumStages]mixsim.Traffic{}), nil},
			{n + "mixsim.Report.WriteTable", func() error { return r.report.WriteTable(io.Discard) }, nil},
			{n + "mixsim.Report.WriteTable(nil)", func() error { return r.report.WriteTable(nil) }, errAny},
			{n + "mixsim.Attempt.Total", value(func() any { return r.attempt.Total() }, mixsim.Traffic{}), nil},
		}...)
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			switch tc.want {
			case nil:
				require.NoError(t, err)
			case errAny:
				require.Error(t, err)
			default:
				require.ErrorIs(t, err, tc.want)
				requireReadable(t, err)
			}
		})
	}
	t.Logf("%d cases", len(cases))
}

// mustRoster returns ro under another session id.
func mustRoster(t *testing.T, session mixer.SessionID, ro *mixer.Roster) *mixer.Roster {
	d := ro.Deadlines()
	r, err := mixer.NewRoster(session, ro.Previous(), ro.Params(), d.Register, d.Confirm, ro.Ring())
	require.NoError(t, err)
	return r
}

// configsRequest returns a valid request by client i for the world's
// session.
func (w *world) configsRequest(t *testing.T, i int) []byte {
	q, err := mixer.NewRequest(w.configs[i].Key, w.server.Session(), w.params, w.configs[i].Inputs, w.configs[i].Change, mixer.AuditAll, nil)
	require.NoError(t, err)
	return q.Bytes()
}

// Every exported identifier of the package appears in this file: a new
// function, method or type needs its nil and zero-value cases here.
func TestNilInputCoversAPI(t *testing.T) {
	t.Logf("%d exported identifiers", testkit.RequireCoversAPI(t, "nilinput_test.go"))
}
