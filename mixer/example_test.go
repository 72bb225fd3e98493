package mixer_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/mixer"
	"github.com/cbets/cbets/mixer/mixsim"
)

// Example runs one session by hand: a server and three participants, the
// caller moving every message and the time.
func Example() {
	// Fixed keys keep the output reproducible; real keys come from
	// ecdsa.GenerateKey(nil).
	key := func(b byte) *ecdsa.PrivateKey {
		k, err := ecdsa.ParsePrivateKey(bytes.Repeat([]byte{b}, 32))
		if err != nil {
			panic(err)
		}
		return k
	}
	alice, bob, carol := key(0x11), key(0x22), key(0x33)
	params := mixer.Params{Denomination: 100_000, Slots: 1, Fee: 50, AddressVersion: ecdsa.DefaultAddressVersion}

	// The backend's ledger: one coin each; Carol's holds 1 000 more than
	// she mixes and comes back to her as change.
	type coin struct {
		owner  *ecdsa.PublicKey
		amount int64
	}
	ledger := map[string]coin{
		"coin-a": {alice.PublicKey(), 100_050},
		"coin-b": {bob.PublicKey(), 100_050},
		"coin-c": {carol.PublicKey(), 101_050},
	}
	inputs := mixer.InputSourceFunc(func(owner *ecdsa.PublicKey, in mixer.Input) error {
		c, ok := ledger[string(in.ID)]
		if !ok || !c.owner.Equal(owner) || c.amount != in.Amount {
			return errors.New("unknown coin")
		}
		return nil
	})

	start := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	server, err := mixer.NewServer(mixer.ServerConfig{
		Session:   mixer.SessionID{0x5e, 0x55},
		Params:    params,
		Deadlines: mixer.Deadlines{Request: start.Add(time.Minute), Register: start.Add(2 * time.Minute), Confirm: start.Add(3 * time.Minute)},
		Inputs:    inputs,
	})
	if err != nil {
		panic(err)
	}
	change := carol.PublicKey().Address(params.AddressVersion)
	var clients []*mixer.Client
	for _, cfg := range []mixer.ClientConfig{
		{Key: alice, Inputs: []mixer.Input{{ID: []byte("coin-a"), Amount: 100_050}}, MaxFee: 100},
		{Key: bob, Inputs: []mixer.Input{{ID: []byte("coin-b"), Amount: 100_050}}, MaxFee: 100},
		{Key: carol, Inputs: []mixer.Input{{ID: []byte("coin-c"), Amount: 101_050}}, Change: &change, MaxFee: 100},
	} {
		c, err := mixer.NewClient(cfg)
		if err != nil {
			panic(err)
		}
		clients = append(clients, c)
	}

	// deliver hands every message to every client and collects their
	// answers.
	deliver := func(msgs []mixer.Message, now time.Time) (answers []mixer.Message) {
		for _, m := range msgs {
			for _, c := range clients {
				out, err := c.Handle(m.Data, now)
				if err != nil {
					panic(err)
				}
				answers = append(answers, out...)
			}
		}
		return answers
	}
	// submit hands messages to the server and collects its answers.
	submit := func(msgs []mixer.Message, now time.Time) (answers []mixer.Message) {
		for _, m := range msgs {
			out, err := server.Handle(m.Data, now)
			if err != nil {
				panic(err)
			}
			answers = append(answers, out...)
		}
		return answers
	}

	now := start
	// Phase 0 and 1: the announcement; the requests; at the request
	// deadline, the roster.
	ann := mixer.Message{Kind: mixer.KindAnnouncement, Data: server.Announcement().Bytes()}
	requests := deliver([]mixer.Message{ann}, now)
	submit(requests, now)
	now = start.Add(time.Minute + time.Second)
	rosters := server.Tick(now)
	fmt.Println("ring of", len(server.Participants()), "after", len(requests), "requests")

	// Phase 2: each registration goes over an anonymous channel; the last
	// one completes the transaction.
	registrations := deliver(rosters, now)
	fmt.Println("registrations:", len(registrations), "anonymous:", registrations[0].Anonymous)
	txs := submit(registrations, now)
	tx := server.Transaction()
	fmt.Printf("transaction: %d inputs, %d outputs of %d, change %d, fee %d\n",
		len(tx.Inputs()), len(tx.Outputs()), params.Denomination, tx.Change()[0].Amount, tx.Fee())

	// Phase 3: each client checks the transaction — these audit
	// everything, so the server sent each of them the bundle too — and
	// signs it. The server publishes the signed transaction and tells each
	// client. (This deliver hands every message to every client, which
	// ignores the copies meant for others; a caller honours Message.To and
	// Message.Publish.)
	confirmations := deliver(txs, now)
	final := submit(confirmations, now)
	deliver(final, now)
	fmt.Println("server:", server.Phase())
	for _, c := range clients {
		fmt.Println("client:", c.Phase(), "output", c.Addresses()[0] == c.OutputKeys()[0].PublicKey().Address(params.AddressVersion))
	}

	// Anyone can check the published result offline: every owner's
	// signature and every output's ring signature.
	fmt.Println("published:", final[0].Kind, final[0].Publish)
	st, err := mixer.ParseSignedTransaction(final[0].Data)
	if err != nil {
		panic(err)
	}
	fmt.Println("verifies:", st.Verify() == nil)

	// Output:
	// ring of 3 after 3 requests
	// registrations: 3 anonymous: true
	// transaction: 3 inputs, 3 outputs of 100000, change 1000, fee 150
	// server: complete
	// client: complete output true
	// client: complete output true
	// client: complete output true
	// published: signed-transaction true
	// verifies: true
}

// ExampleClient_Handle_refusal shows a client refusing a transaction that
// leaves out its output, and saying why.
func ExampleClient_Handle_refusal() {
	rep, err := mixsim.Run(mixsim.Config{
		Participants: 3,
		Faults:       []mixsim.Fault{{Kind: mixsim.DropOutput, Client: 0}},
		MaxAttempts:  1,
	})
	if err != nil {
		panic(err)
	}
	c := rep.Clients[0]
	fmt.Println("client 0:", c.Phase)
	fmt.Println("output missing:", errors.Is(c.Err, mixer.ErrOutputMissing))
	fmt.Println("reason sent:", mixer.ReasonOf(c.Err) == mixer.ReasonOutputMissing)
	fmt.Println("excluded:", rep.Attempts[0].Excluded)
	// Output:
	// client 0: failed
	// output missing: true
	// reason sent: true
	// excluded: [0]
}

// Example_traffic prints the messages and bytes of a 10-participant round
// per phase, as the paper's Table 7 counts them ("CoC" and "TL").
func Example_traffic() {
	rep, err := mixsim.Run(mixsim.Config{Participants: 10, Audit: mixer.AuditOwn})
	if err != nil {
		panic(err)
	}
	if err := rep.WriteTable(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// session  stage          messages      bytes
	// 1        announce             10       1160
	// 1        request              20       6961
	// 1        generation           20      17590
	// 1        confirmation         21       9194
	// all      all                  71      34905
}

// ExampleNewRequest shows the change rule: a request names a change address
// exactly when its inputs hold more than the session asks.
func ExampleNewRequest() {
	key, err := ecdsa.ParsePrivateKey(bytes.Repeat([]byte{0x44}, 32))
	if err != nil {
		panic(err)
	}
	params := mixer.Params{Denomination: 100_000, Slots: 1, Fee: 50, AddressVersion: ecdsa.DefaultAddressVersion}
	change := key.PublicKey().Address(params.AddressVersion)
	session := mixer.SessionID{0x5e, 0x55}

	exact := []mixer.Input{{ID: []byte("coin-d"), Amount: 100_050}}
	_, err = mixer.NewRequest(key, session, params, exact, &change, mixer.AuditAll, nil)
	fmt.Println("exact inputs with a change address:", errors.Is(err, mixer.ErrChangeAddress))

	more := []mixer.Input{{ID: []byte("coin-e"), Amount: 100_550}}
	_, err = mixer.NewRequest(key, session, params, more, nil, mixer.AuditAll, nil)
	fmt.Println("change without an address:", errors.Is(err, mixer.ErrChangeAddress))

	q, err := mixer.NewRequest(key, session, params, more, &change, mixer.AuditAll, nil)
	if err != nil {
		panic(err)
	}
	c, _ := q.Change()
	fmt.Println("change:", c.Amount, c.Owner.Equal(key.PublicKey()))
	// Output:
	// exact inputs with a change address: true
	// change without an address: true
	// change: 500 true
}
