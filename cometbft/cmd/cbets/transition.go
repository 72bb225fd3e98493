package main

import (
	"fmt"
	"time"

	"github.com/cbets/cbets/cometbft/desk"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// transitions are the kinds a user requests and a merchant runs with
// cbets (the desk's transitions).
var transitions = []ticket.Kind{ticket.KindBuy, ticket.KindList, ticket.KindDelist, ticket.KindTransfer, ticket.KindConsume}

// userRequest: cbets request KIND --key FILE --event ID --serial S
// --genesis FILE [--cert FILE] [--price P] [--payee ADDR] [--out FILE].
// The user signs a request at the current time; buy and transfer name
// the signer's certificate (--cert), list its price (--price) and,
// optionally, the address paid (--payee, the key's own by default).
func userRequest(kind ticket.Kind) func(*cli, []string) error {
	return func(c *cli, args []string) error {
		words := "request " + kind.String()
		fs := c.flags(words)
		keyPath := fs.String("key", "", "the signer's key file")
		event := fs.String("event", "", "the event id")
		serial := fs.String("serial", "", "the ticket's serial")
		out := fs.String("out", "", "the request file to write; stdout if empty")
		var certPath, payee *string
		var price *int64
		required := []string{"key", "event", "serial", "genesis"}
		switch kind {
		case ticket.KindBuy:
			certPath = fs.String("cert", "", "the buyer's certificate file")
			price = fs.Int64("price", -1, "the price in minor units; the event's face value if left out")
			required = append(required, "cert")
		case ticket.KindTransfer:
			certPath = fs.String("cert", "", "the buyer's certificate file (the price is the listing's)")
			required = append(required, "cert")
		case ticket.KindList:
			price = fs.Int64("price", -1, "the asking price (Price') in minor units")
			payee = fs.String("payee", "", "the address the seller is paid at (MID); the key's own if empty")
		}
		nf := addNodeFlags(fs, true)
		if err := parse(fs, args, required...); err != nil {
			return err
		}
		if kind == ticket.KindList && *price < 0 {
			return usagef("--price is required")
		}
		key, err := c.readKey(*keyPath)
		if err != nil {
			return err
		}
		defer key.Zero()
		var cert *ticket.Certificate
		if certPath != nil {
			if cert, err = c.readCert(*certPath); err != nil {
				return err
			}
		}
		n, ctx, cancel, err := nf.open()
		if err != nil {
			return err
		}
		defer cancel()
		if kind == ticket.KindBuy {
			s, _, err := n.event(ctx, *event)
			if err != nil {
				return err
			}
			ev := s.Event
			p := tax.Amount(*price)
			if p < 0 {
				p = ev.Terms().FaceValue
			}
			req, err := ticket.NewBuyRequest(key, cert, ev.Merchant(), *event, *serial, p, time.Now())
			if err != nil {
				return err
			}
			return c.printJSON(*out, req)
		}
		t, _, _, err := n.ticket(ctx, *event, *serial)
		if err != nil {
			return err
		}
		now := time.Now()
		var req *ticket.Request
		switch kind {
		case ticket.KindList:
			to := key.PublicKey().Address(ecdsa.DefaultAddressVersion)
			if *payee != "" {
				if to, err = ecdsa.ParseAddress(*payee, ecdsa.DefaultAddressVersion); err != nil {
					return fmt.Errorf("--payee: %w", err)
				}
			}
			req, err = ticket.NewListRequest(key, t, tax.Amount(*price), to, now)
		case ticket.KindDelist:
			req, err = ticket.NewDelistRequest(key, t, now)
		case ticket.KindTransfer:
			req, err = ticket.NewTransferRequest(key, cert, t, now)
		case ticket.KindConsume:
			req, err = ticket.NewConsumeRequest(key, t, now)
		}
		if err != nil {
			return err
		}
		return c.printJSON(*out, req)
	}
}

// merchantRun: cbets merchant KIND --merchant-key FILE --genesis FILE
// [--in FILE|-]. The merchant reads a user's request, runs the transition
// with the facts and ticket the node gives (package desk), broadcasts the
// signed record and waits until it commits, then prints the height and
// the ticket's new state.
func merchantRun(kind ticket.Kind) func(*cli, []string) error {
	return func(c *cli, args []string) error {
		words := "merchant " + kind.String()
		fs := c.flags(words)
		keyPath := fs.String("merchant-key", "", "the merchant's key file")
		in := fs.String("in", "-", "the request file; - for stdin")
		nf := addNodeFlags(fs, true)
		if err := parse(fs, args, "merchant-key", "genesis"); err != nil {
			return err
		}
		req, err := c.readRequest(*in)
		if err != nil {
			return err
		}
		if req.Kind != kind {
			return fmt.Errorf("%s holds a %v request, not a %v", name(*in), req.Kind, kind)
		}
		key, err := c.readKey(*keyPath)
		if err != nil {
			return err
		}
		defer key.Zero()
		n, err := nf.connect()
		if err != nil {
			return err
		}
		if !n.merchant(key.PublicKey()) {
			return fmt.Errorf("merchant key %x is not one the genesis accepts", key.PublicKey().Bytes())
		}
		m, err := ticket.NewMerchant(key, n.verifier.Registrar, n.verifier.Policy)
		if err != nil {
			return err
		}
		d := &desk.Desk{Merchant: m, Verifier: n.verifier, Ledger: n.node}
		ctx, cancel := nf.context()
		defer cancel()
		var done *desk.Committed
		switch kind {
		case ticket.KindBuy:
			done, err = d.Buy(ctx, req)
		case ticket.KindList:
			done, err = d.List(ctx, req)
		case ticket.KindDelist:
			done, err = d.Delist(ctx, req)
		case ticket.KindTransfer:
			done, err = d.Transfer(ctx, req)
		case ticket.KindConsume:
			done, err = d.Consume(ctx, req)
		}
		if err != nil {
			return err
		}
		return c.printJSON("", struct {
			Height int64          `json:"height"`
			Ticket *ticket.Ticket `json:"ticket"`
		}{done.Height, done.Ticket})
	}
}
