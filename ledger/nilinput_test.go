package ledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/cbets/cbets/ticket"
	"github.com/stretchr/testify/require"
)

// TestNilInput calls every exported function and method with nil and zero
// arguments and receivers: none panics, and each returns an error matching
// the case's (or none, where nil and zero inputs have a meaning).
func TestNilInput(t *testing.T) {
	f := ledgertest.NewFixture(t, 1)
	cfg := f.Config()
	good, err := ledger.New(ledger.NewMemStore(), cfg)
	require.NoError(t, err)
	ctx := context.Background()
	done, cancel := context.WithCancel(ctx)
	cancel()
	var nilCtx context.Context

	edit := func(e func(*ledger.Config)) ledger.Config {
		c := f.Config()
		e(&c)
		return c
	}
	newErr := func(s ledger.Store, c ledger.Config) func() error {
		return func() error { _, err := ledger.New(s, c); return err }
	}
	// ledgers are a nil, a zero and a valid Ledger over a store that
	// cannot be used.
	var nilLedger *ledger.Ledger
	overNil, err := ledger.New((*ledger.MemStore)(nil), cfg)
	require.NoError(t, err)
	overZero, err := ledger.New(&ledger.MemStore{}, cfg)
	require.NoError(t, err)

	// methods calls each method of l with the given context and zero
	// arguments.
	methods := func(l *ledger.Ledger, ctx context.Context) map[string]func() error {
		return map[string]func() error{
			"Publish":        func() error { _, err := l.Publish(ctx, nil); return err },
			"AllocateSerial": func() error { _, err := l.AllocateSerial(ctx, ""); return err },
			"Facts":          func() error { _, err := l.Facts(ctx, nil); return err },
			"Apply":          func() error { _, err := l.Apply(ctx, nil); return err },
			"ApplyRecord":    func() error { _, err := l.ApplyRecord(ctx, nil); return err },
			"Ticket":         func() error { _, _, err := l.Ticket(ctx, "", ""); return err },
			"Event":          func() error { _, err := l.Event(ctx, ""); return err },
			"Standing":       func() error { _, err := l.Standing(ctx, ""); return err },
			"Held":           func() error { _, err := l.Held(ctx, "", ""); return err },
			"Cancel":         func() error { _, err := l.Cancel(ctx, nil); return err },
			"Cancellation":   func() error { _, err := l.Cancellation(ctx, ""); return err },
			"RefundsOwed":    func() error { _, err := l.RefundsOwed(ctx, ""); return err },
			"Tickets":        func() error { _, err := l.Tickets(ctx, ""); return err },
		}
	}

	type tc struct {
		name string
		call func() error
		want error // nil: must succeed
	}
	cases := []tc{
		{"New nil store", newErr(nil, cfg), ledger.ErrConfig},
		{"New zero Config", newErr(ledger.NewMemStore(), ledger.Config{}), ledger.ErrConfig},
		{"New nil registrar", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.Registrar = nil })), ledger.ErrConfig},
		{"New zero registrar", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.Registrar = &ecdsa.PublicKey{} })), ledger.ErrConfig},
		{"New no merchants", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.Merchants = nil })), ledger.ErrConfig},
		{"New nil merchant", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.Merchants = append(c.Merchants, nil) })), ledger.ErrConfig},
		{"New zero merchant", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.Merchants[0] = &ecdsa.PublicKey{} })), ledger.ErrConfig},
		{"New zero Policy", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.Policy = ticket.Policy{} })), ledger.ErrConfig},
		{"New zero limit", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.Policy.PerCertificateLimit = 0 })), ledger.ErrConfig},
		{"New zero InitialStanding", newErr(ledger.NewMemStore(), edit(func(c *ledger.Config) { c.InitialStanding = ticket.Standing{} })), nil},
	}
	// Each method on a nil Ledger, a zero Ledger, with a nil context, with
	// a canceled one, and over a nil and a zero MemStore.
	for _, r := range []struct {
		name string
		l    *ledger.Ledger
		ctx  context.Context
		want error
	}{
		{"nil Ledger", nilLedger, ctx, ledger.ErrConfig},
		{"zero Ledger", &ledger.Ledger{}, ctx, ledger.ErrConfig},
		{"nil context", good, nilCtx, ledger.ErrConfig},
		{"canceled context", good, done, context.Canceled},
		{"over nil MemStore", overNil, ctx, ledger.ErrStore},
		{"over zero MemStore", overZero, ctx, ledger.ErrStore},
	} {
		for name, call := range methods(r.l, r.ctx) {
			want := r.want
			// A usable Ledger parses its input before it reads the store.
			if (name == "Publish" || name == "Apply" || name == "ApplyRecord" || name == "Facts" || name == "Cancel") && want != ledger.ErrConfig {
				want = ticket.ErrMalformed
			}
			cases = append(cases, tc{r.name + " " + name, call, want})
		}
	}
	// Zero arguments on a working Ledger.
	for name, want := range map[string]error{
		"Publish": ticket.ErrMalformed, "AllocateSerial": ledger.ErrUnknownEvent, "Facts": ticket.ErrMalformed,
		"Apply": ticket.ErrMalformed, "ApplyRecord": ticket.ErrMalformed, "Ticket": ledger.ErrNotFound, "Event": ledger.ErrUnknownEvent,
		"Standing": nil, "Held": nil, "Cancel": ticket.ErrMalformed, "Cancellation": ledger.ErrUnknownEvent,
		"RefundsOwed": ledger.ErrUnknownEvent, "Tickets": ledger.ErrUnknownEvent,
	} {
		cases = append(cases, tc{"zero arguments " + name, methods(good, ctx)[name], want})
	}
	zeroCert := &ticket.Certificate{}
	cases = append(cases,
		tc{"Publish empty", func() error { _, err := good.Publish(ctx, []byte{}); return err }, ticket.ErrMalformed},
		tc{"Apply empty", func() error { _, err := good.Apply(ctx, []byte{}); return err }, ticket.ErrMalformed},
		tc{"ApplyRecord zero Record", func() error { _, err := good.ApplyRecord(ctx, &ticket.Record{}); return err }, ticket.ErrMalformed},
		tc{"Facts zero Request", func() error { _, err := good.Facts(ctx, &ticket.Request{}); return err }, ticket.ErrMalformed},
		tc{"Facts zero Certificate", func() error {
			_, err := good.Facts(ctx, &ticket.Request{Kind: ticket.KindBuy, Cert: zeroCert})
			return err
		}, ticket.ErrMalformed},
		tc{"Facts unknown kind", func() error {
			_, err := good.Facts(ctx, &ticket.Request{Kind: 9, Cert: f.Users[0].Cert})
			return err
		}, ticket.ErrMalformed},
		tc{"Facts Transfer of no ticket", func() error {
			_, err := good.Facts(ctx, &ticket.Request{Kind: ticket.KindTransfer, Cert: f.Users[0].Cert})
			return err
		}, ledger.ErrNotFound},
		tc{"Facts Delist", func() error {
			_, err := good.Facts(ctx, &ticket.Request{Kind: ticket.KindDelist, Cert: f.Users[0].Cert})
			return err
		}, nil},
		tc{"Facts Refund of no event", func() error {
			_, err := good.Facts(ctx, &ticket.Request{Kind: ticket.KindRefund, Cert: f.Users[0].Cert})
			return err
		}, ledger.ErrUnknownEvent},
		tc{"Facts Return of no event", func() error {
			_, err := good.Facts(ctx, &ticket.Request{Kind: ticket.KindReturn, Cert: f.Users[0].Cert})
			return err
		}, ledger.ErrUnknownEvent},
		tc{"Cancel empty", func() error { _, err := good.Cancel(ctx, []byte{}); return err }, ticket.ErrMalformed},
		tc{"Cancel zero Cancellation's bytes", func() error {
			_, err := good.Cancel(ctx, (&ticket.Cancellation{}).Bytes())
			return err
		}, ticket.ErrMalformed},
	)

	// The MemStore and its transactions.
	var nilMem *ledger.MemStore
	noop := func(ledger.Tx) error { return nil }
	for _, s := range []struct {
		name string
		m    *ledger.MemStore
	}{{"nil MemStore", nilMem}, {"zero MemStore", &ledger.MemStore{}}} {
		cases = append(cases,
			tc{s.name + " Update", func() error { return s.m.Update(ctx, noop) }, ledger.ErrStore},
			tc{s.name + " View", func() error { return s.m.View(ctx, noop) }, ledger.ErrStore},
		)
	}
	mem := ledger.NewMemStore()
	cases = append(cases,
		tc{"MemStore Update nil context", func() error { return mem.Update(nilCtx, noop) }, ledger.ErrStore},
		tc{"MemStore View nil context", func() error { return mem.View(nilCtx, noop) }, ledger.ErrStore},
		tc{"MemStore Update nil fn", func() error { return mem.Update(ctx, nil) }, ledger.ErrStore},
		tc{"MemStore View nil fn", func() error { return mem.View(ctx, nil) }, ledger.ErrStore},
		tc{"MemStore Update canceled", func() error { return mem.Update(done, noop) }, context.Canceled},
		tc{"MemStore View canceled", func() error { return mem.View(done, noop) }, context.Canceled},
	)
	inTx := func(f func(ledger.Tx) error) func() error {
		return func() error { return mem.Update(ctx, f) }
	}
	cases = append(cases,
		tc{"Tx PutEvent zero", inTx(func(tx ledger.Tx) error { return tx.PutEvent(ledger.EventState{}) }), ledger.ErrStore},
		tc{"Tx PutEvent zero Event", inTx(func(tx ledger.Tx) error {
			return tx.PutEvent(ledger.EventState{Event: &ticket.Event{}})
		}), ledger.ErrStore},
		tc{"Tx Append nil", inTx(func(tx ledger.Tx) error { return tx.Append(nil, nil) }), ledger.ErrStore},
		tc{"Tx Append nil record", inTx(func(tx ledger.Tx) error { return tx.Append(&ticket.Ticket{}, nil) }), ledger.ErrStore},
		tc{"Tx Append nil ticket", inTx(func(tx ledger.Tx) error { return tx.Append(nil, &ticket.Record{}) }), ledger.ErrStore},
		tc{"Tx Event zero", inTx(func(tx ledger.Tx) error { _, err := tx.Event(""); return err }), ledger.ErrNotFound},
		tc{"Tx Ticket zero", inTx(func(tx ledger.Tx) error { _, err := tx.Ticket("", ""); return err }), ledger.ErrNotFound},
		tc{"Tx Records zero", inTx(func(tx ledger.Tx) error { _, err := tx.Records("", ""); return err }), nil},
		tc{"Tx Held zero", inTx(func(tx ledger.Tx) error { _, err := tx.Held("", ""); return err }), nil},
		tc{"Tx Standing zero", inTx(func(tx ledger.Tx) error { _, _, err := tx.Standing(""); return err }), nil},
		tc{"Tx Cancellation zero", inTx(func(tx ledger.Tx) error {
			_, err := tx.(ledger.CancellationTx).Cancellation("")
			return err
		}), ledger.ErrNotFound},
		tc{"Tx PutCancellation nil", inTx(func(tx ledger.Tx) error {
			return tx.(ledger.CancellationTx).PutCancellation(nil)
		}), ledger.ErrStore},
		tc{"Tx PutCancellation zero", inTx(func(tx ledger.Tx) error {
			return tx.(ledger.CancellationTx).PutCancellation(&ticket.Cancellation{})
		}), ledger.ErrStore},
		tc{"Tx Tickets zero", inTx(func(tx ledger.Tx) error {
			tks, err := tx.(ledger.CancellationTx).Tickets("")
			require.Empty(t, tks)
			return err
		}), nil},
		tc{"Tx writes in View", func() error {
			return mem.View(ctx, func(tx ledger.Tx) error {
				return errors.Join(tx.PutEvent(ledger.EventState{}), tx.Append(nil, nil),
					tx.SetHeld("", "", 0), tx.SetStanding("", ticket.Standing{}),
					tx.(ledger.CancellationTx).PutCancellation(nil))
			})
		}, ledger.ErrStore},
	)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.call() })
			switch c.want {
			case nil:
				require.NoError(t, err)
			default:
				require.ErrorIs(t, err, c.want)
			}
		})
	}
	t.Logf("%d cases", len(cases))
}
