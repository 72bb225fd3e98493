package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// pay runs the paper's Paying phase: every user mixes one coin through the
// hybrid server and receives, at a fresh MID address, a coin of the ticket
// price that nobody can link to its WID; the merchant is then paid from
// those addresses. The ledger of coins is the backend's; here a map.
func pay(n *narrator, users map[string]*user, names []string, merchant *ticket.Merchant, scale tax.Scale, tick func(time.Duration) time.Time) error {
	params := mixer.Params{Denomination: 4500, Slots: 1, Fee: 10, AddressVersion: ecdsa.DefaultAddressVersion}
	type coin struct {
		owner  *ecdsa.PublicKey
		amount int64
	}
	ledger := map[string]coin{}
	for _, name := range names {
		ledger["wid-coin/"+name] = coin{users[name].key.PublicKey(), params.Denomination + params.Fee}
	}
	inputs := mixer.InputSourceFunc(func(owner *ecdsa.PublicKey, in mixer.Input) error {
		c, ok := ledger[string(in.ID)]
		if !ok || !c.owner.Equal(owner) || c.amount != in.Amount {
			return errors.New("no such coin")
		}
		return nil
	})
	start := tick(time.Minute)
	session, err := mixer.NewSessionID(nil)
	if err != nil {
		return err
	}
	server, err := mixer.NewServer(mixer.ServerConfig{
		Session: session, Params: params, Inputs: inputs,
		Deadlines: mixer.Deadlines{Request: start.Add(time.Minute), Register: start.Add(2 * time.Minute), Confirm: start.Add(3 * time.Minute)},
	})
	if err != nil {
		return err
	}
	clients := make([]*mixer.Client, len(names))
	for i, name := range names {
		in := []mixer.Input{{ID: []byte("wid-coin/" + name), Amount: params.Denomination + params.Fee}}
		if clients[i], err = mixer.NewClient(mixer.ClientConfig{Key: users[name].key, Inputs: in, MaxFee: 20}); err != nil {
			return err
		}
	}
	deliver := func(msgs []mixer.Message, now time.Time) ([]mixer.Message, error) {
		var out []mixer.Message
		for _, m := range msgs {
			for _, c := range clients {
				ans, err := c.Handle(m.Data, now)
				if err != nil {
					return nil, err
				}
				out = append(out, ans...)
			}
		}
		return out, nil
	}
	submit := func(msgs []mixer.Message, now time.Time) ([]mixer.Message, error) {
		var out []mixer.Message
		for _, m := range msgs {
			ans, err := server.Handle(m.Data, now)
			if err != nil {
				return nil, err
			}
			out = append(out, ans...)
		}
		return out, nil
	}

	n.say("server", "announces a session", fmt.Sprintf("denomination %s, fee %s, id %s", scale.Format(tax.Amount(params.Denomination)), scale.Format(tax.Amount(params.Fee)), short(session[:])))
	requests, err := deliver([]mixer.Message{{Kind: mixer.KindAnnouncement, Data: server.Announcement().Bytes()}}, start)
	if err != nil {
		return err
	}
	if _, err := submit(requests, start); err != nil {
		return err
	}
	n.say("users", fmt.Sprintf("%d requests, each UserSigned over (session, pk, inputs)", len(requests)), "ownership verified")
	now := start.Add(time.Minute + time.Second)
	rosters := server.Tick(now)
	n.say("server", "sends every user the same ring", fmt.Sprintf("%d members, digest %s", len(server.Participants()), shortHash(server.Roster().RingDigest())))
	registrations, err := deliver(rosters, now)
	if err != nil {
		return err
	}
	txs, err := submit(registrations, now)
	if err != nil {
		return err
	}
	n.say("users", fmt.Sprintf("%d fresh MID addresses, each ring-signed and sent anonymously", len(registrations)), "key images distinct per slot")
	tx := server.Transaction()
	n.say("server", "builds the mix transaction in canonical order", fmt.Sprintf("%d inputs → %d outputs of %s", len(tx.Inputs()), len(tx.Outputs()), scale.Format(tax.Amount(params.Denomination))))
	confirmations, err := deliver(txs, now)
	if err != nil {
		return err
	}
	final, err := submit(confirmations, now)
	if err != nil {
		return err
	}
	if _, err := deliver(final, now); err != nil {
		return err
	}
	if len(final) == 0 {
		return fmt.Errorf("lifecycle: mixing round ended %v: %v", server.Phase(), server.Err())
	}
	st, err := mixer.ParseSignedTransaction(final[0].Data)
	if err != nil {
		return err
	}
	if err := st.Verify(); err != nil {
		return err
	}
	n.say("users", "each checks its input and output and signs the transaction", fmt.Sprintf("%d confirmations, server %v", len(confirmations), server.Phase()))
	alice := clients[0].Addresses()[0]
	n.say("alice", "pays the merchant from her fresh MID", fmt.Sprintf("%s → %s (not linkable to her WID)", alice, merchant.PublicKey().Address(ecdsa.DefaultAddressVersion)))
	return nil
}
