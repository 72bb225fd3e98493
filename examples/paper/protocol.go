package main

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// Phase names, in the paper's order (Fig. 6 and Table 7).
var phaseNames = []string{"initialisation", "buying", "consuming", "transferring"}

// traffic counts the messages (the paper's CoC) and bytes (our stand-in for
// its TL) one phase sends.
type traffic struct {
	Messages int `json:"messages"`
	Bytes    int `json:"bytes"`
}

func (t *traffic) send(b []byte) { t.Messages++; t.Bytes += len(b) }

// newSystem makes what the protocol runs share: the registrar's key and
// the unit scale, 100 minor units per coin.
func newSystem() (*ecdsa.PrivateKey, tax.Scale, error) {
	registrar, err := ecdsa.GenerateKey(rand.Reader)
	if err != nil {
		return nil, tax.Scale{}, err
	}
	scale, err := tax.NewScale(100)
	return registrar, scale, err
}

// protocolRun is one pass of the system: a user registers, buys a ticket,
// lists it, a second user buys it through transfers transfers, and the last
// holder consumes it. It returns the time and traffic of each phase.
type protocolRun struct {
	elapsed map[string]time.Duration
	sent    map[string]*traffic
}

// runProtocol performs one pass with the given number of transfers (1 or
// more; the policy allows that many).
func runProtocol(registrar *ecdsa.PrivateKey, scale tax.Scale, transfers int) (*protocolRun, error) {
	pr := &protocolRun{elapsed: map[string]time.Duration{}, sent: map[string]*traffic{}}
	for _, p := range phaseNames {
		pr.sent[p] = &traffic{}
	}
	policy := ticket.DefaultPolicy(scale)
	policy.MaxTransfers = uint32(transfers)
	at := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	next := func() time.Time { at = at.Add(time.Minute); return at }

	// Initialisation: the merchant's keys; for each of the 1 + transfers
	// users, keys, WID and a certificate from the registrar.
	start := time.Now()
	init := pr.sent["initialisation"]
	merchantKey, err := ecdsa.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	m, err := ticket.NewMerchant(merchantKey, registrar.PublicKey(), policy)
	if err != nil {
		return nil, err
	}
	init.send(m.PublicKey().Bytes()) // pk_M published
	event, err := ticket.NewEvent(merchantKey, ticket.EventTerms{ID: "concert", Capacity: 1000, FaceValue: 4500,
		SaleStart: at, SaleEnd: at.Add(24 * time.Hour), Start: at.Add(48 * time.Hour), End: at.Add(52 * time.Hour)})
	if err != nil {
		return nil, err
	}
	init.send(event.Bytes()) // the event's terms published
	type user struct {
		key  *ecdsa.PrivateKey
		cert *ticket.Certificate
	}
	users := make([]user, 1+transfers)
	for i := range users {
		key, err := ecdsa.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		wid := key.PublicKey().Address(ecdsa.DefaultAddressVersion)
		init.send(append(key.PublicKey().Bytes(), wid.String()...)) // (pk_i, WID_i) to the registrar
		cert, err := ticket.IssueCertificate(registrar, fmt.Sprintf("user-%d", i), key.PublicKey(), wid)
		if err != nil {
			return nil, err
		}
		init.send(cert.Bytes()) // cert_i back to the user
		users[i] = user{key, cert}
	}
	pr.elapsed["initialisation"] = time.Since(start)

	// Buying: Algorithm 1.
	start = time.Now()
	buy := pr.sent["buying"]
	req, err := ticket.NewBuyRequest(users[0].key, users[0].cert, m.PublicKey(), "concert", "A-14", 4500, next())
	if err != nil {
		return nil, err
	}
	buy.send(req.Bytes()) // request 1 to the merchant
	tk, rec, err := m.Buy(req, ticket.Facts{Event: event}, at)
	if err != nil {
		return nil, err
	}
	buy.send(rec.Bytes()) // (σ_j, request 1) to the chain
	buy.send(rec.Bytes()) // the record back to the buyer
	pr.elapsed["buying"] = time.Since(start)

	// Transferring: Algorithm 3, transfers times.
	start = time.Now()
	xfer := pr.sent["transferring"]
	payee := users[0].key.PublicKey().Address(ecdsa.DefaultAddressVersion)
	for i := 1; i <= transfers; i++ {
		seller, buyer := users[i-1], users[i]
		list, err := ticket.NewListRequest(seller.key, tk, tk.Price+1000, payee, next())
		if err != nil {
			return nil, err
		}
		xfer.send(list.Bytes()) // request 3 to the merchant
		standing := ticket.Facts{Seller: ticket.Standing{Reputation: 1000}}
		if tk, rec, err = m.List(tk, list, standing, at); err != nil {
			return nil, err
		}
		xfer.send(rec.Bytes()) // (T*, Price') broadcast on the chain
		t3, err := ticket.NewTransferRequest(buyer.key, buyer.cert, tk, next())
		if err != nil {
			return nil, err
		}
		xfer.send(t3.Bytes()) // the buyer's signature to the merchant
		if tk, rec, err = m.Transfer(tk, t3, standing, at); err != nil {
			return nil, err
		}
		xfer.send(rec.Bytes()) // (σ_3, request 4) to the chain
		xfer.send(rec.Bytes()) // the record to the seller: tax and payout
	}
	pr.elapsed["transferring"] = time.Since(start)

	// Consuming: Algorithm 2.
	start = time.Now()
	use := pr.sent["consuming"]
	holder := users[transfers]
	cons, err := ticket.NewConsumeRequest(holder.key, tk, next())
	if err != nil {
		return nil, err
	}
	use.send(cons.Bytes()) // request 2 with ω to the merchant
	if tk, rec, err = m.Consume(tk, cons, at); err != nil {
		return nil, err
	}
	use.send(rec.Bytes()) // (σ_2, request 2) to the chain
	pr.elapsed["consuming"] = time.Since(start)
	if tk.State != ticket.Consumed {
		return nil, fmt.Errorf("paper: ticket ended %v", tk.State)
	}
	return pr, nil
}
