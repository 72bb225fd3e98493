package load

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// ErrOptions reports options a workload cannot be made from.
var ErrOptions = errors.New("load: bad options")

// Kinds of transaction in a workload.
const (
	KindEvent    = "event"
	KindBuy      = "buy"
	KindList     = "list"
	KindTransfer = "transfer"
)

// Tx is one transaction of a workload.
type Tx struct {
	Bytes []byte
	// Kind says what it is (KindEvent, KindBuy, …); a kvstore workload
	// keeps the kind of the transaction whose size it copies.
	Kind string
}

// Chain is a sequence of transactions of which each is submitted only
// after the one before it committed: a ticket's buy, listing and transfer.
type Chain struct {
	// Event and Serial name the chain's ticket (kvstore: the keys' tag and
	// the chain's index).
	Event, Serial string
	Txs           []Tx
}

// Workload is what a load run submits: Setup, committed before the timed
// window, then Chains during it.
type Workload struct {
	// App is the application the workload is for: "cbets" or "kvstore".
	App    string
	Setup  []Tx
	Chains []Chain
}

// Transactions returns the number of transactions of the chains.
func (w *Workload) Transactions() int {
	if w == nil {
		return 0
	}
	n := 0
	for _, c := range w.Chains {
		n += len(c.Txs)
	}
	return n
}

// FaceValue is the price of the load's tickets (cents); a listing asks the
// same.
const FaceValue tax.Amount = 4500

// CbetsOptions say what Parties.Workload makes.
type CbetsOptions struct {
	// Event is the id of the event the load publishes and sells, 1 to 40
	// bytes. It must be new to the ledger; it also tags the users'
	// certificates and keys, so each run has users of its own.
	Event string
	// Tickets is how many tickets the load sells, each bought, listed and
	// transferred: 3 transactions.
	Tickets int
	// Now is the merchant's clock for the whole workload: the sale opens an
	// hour before and closes 30 days after, and every record is made at
	// Now plus a few microseconds. The zero time is refused: the caller
	// reads the clock (a fixed Now gives the same bytes on every run).
	Now time.Time
	// Parallel is how many goroutines sign; 0 means GOMAXPROCS.
	Parallel int
}

// Workload makes a cbets workload: the publication of an event with room
// for every ticket (Setup), then for each ticket a chain of three records,
// made offline with ticket.Merchant and the facts a fresh ledger will
// hold: a distinct user buys a distinct serial (Held 0), lists it at the
// face value with the standing the ledger then has (InitialReputation
// plus the purchase reward), and a second distinct user buys it on
// transfer. The records are the merchant's, so serials are its choice,
// as the app's MerchantSerials configuration lets it.
func (p *Parties) Workload(opt CbetsOptions) (*Workload, error) {
	switch {
	case p == nil || p.Registrar == nil || p.Merchant == nil:
		return nil, fmt.Errorf("%w: parties not made by NewParties", ErrOptions)
	case len(opt.Event) == 0 || len(opt.Event) > 40:
		return nil, fmt.Errorf("%w: event id must be 1 to 40 bytes, got %d", ErrOptions, len(opt.Event))
	case opt.Tickets < 1 || opt.Tickets > 1<<24:
		return nil, fmt.Errorf("%w: tickets %d, want 1 to %d", ErrOptions, opt.Tickets, 1<<24)
	case opt.Now.IsZero():
		return nil, fmt.Errorf("%w: no clock reading", ErrOptions)
	case opt.Parallel < 0:
		return nil, fmt.Errorf("%w: parallel %d", ErrOptions, opt.Parallel)
	}
	g := p.Genesis()
	policy, err := g.Policy()
	if err != nil {
		return nil, err
	}
	merchant, err := ticket.NewMerchant(p.Merchant, p.Registrar.PublicKey(), policy)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	now := opt.Now.UTC()
	start := now.Add(30 * 24 * time.Hour)
	ev, err := ticket.NewEvent(p.Merchant, ticket.EventTerms{ID: opt.Event, Capacity: uint32(opt.Tickets),
		FaceValue: FaceValue, SaleStart: now.Add(-time.Hour), SaleEnd: start, Start: start, End: start.Add(4 * time.Hour)})
	if err != nil {
		return nil, fmt.Errorf("load: event: %w", err)
	}
	w := &Workload{App: "cbets", Setup: []Tx{{Bytes: ev.Bytes(), Kind: KindEvent}}, Chains: make([]Chain, opt.Tickets)}
	par := opt.Parallel
	if par == 0 {
		par = runtime.GOMAXPROCS(0)
	}
	mk := &chainMaker{parties: p, merchant: merchant, event: ev, now: now,
		seller: ticket.Standing{Reputation: InitialReputation}}
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	next := make(chan int)
	for range par {
		wg.Go(func() {
			for i := range next {
				c, err := mk.chain(i)
				if err != nil {
					once.Do(func() { first = err })
					continue
				}
				w.Chains[i] = c
			}
		})
	}
	for i := range opt.Tickets {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return w, nil
}

type chainMaker struct {
	parties  *Parties
	merchant *ticket.Merchant
	event    *ticket.Event
	now      time.Time
	seller   ticket.Standing // a new certificate's standing
}

// user derives a user's key and has the registrar certify it.
func (m *chainMaker) user(label, id string) (*ecdsa.PrivateKey, *ticket.Certificate, error) {
	key, err := Key(m.parties.Seed, label)
	if err != nil {
		return nil, nil, err
	}
	cert, err := ticket.IssueCertificate(m.parties.Registrar, id, key.PublicKey(), key.PublicKey().Address(ecdsa.DefaultAddressVersion))
	if err != nil {
		return nil, nil, fmt.Errorf("load: certificate %q: %w", id, err)
	}
	return key, cert, nil
}

// chain makes ticket i's buy, listing and transfer.
func (m *chainMaker) chain(i int) (Chain, error) {
	id := m.event.ID()
	serial := fmt.Sprintf("S%07d", i)
	fail := func(step string, err error) (Chain, error) {
		return Chain{}, fmt.Errorf("load: ticket %s/%s: %s: %w", id, serial, step, err)
	}
	sellerKey, sellerCert, err := m.user(fmt.Sprintf("%s/%d/seller", id, i), fmt.Sprintf("%s/%d/s", id, i))
	if err != nil {
		return Chain{}, err
	}
	buyerKey, buyerCert, err := m.user(fmt.Sprintf("%s/%d/buyer", id, i), fmt.Sprintf("%s/%d/b", id, i))
	if err != nil {
		return Chain{}, err
	}
	t1, t3, t4 := m.now, m.now.Add(time.Microsecond), m.now.Add(2*time.Microsecond)
	req, err := ticket.NewBuyRequest(sellerKey, sellerCert, m.merchant.PublicKey(), id, serial, FaceValue, t1)
	if err != nil {
		return fail("buy request", err)
	}
	bought, buy, err := m.merchant.Buy(req, ticket.Facts{Event: m.event}, t1)
	if err != nil {
		return fail("buy", err)
	}
	standing := m.seller
	standing.Reputation += buy.SignerReputation
	if req, err = ticket.NewListRequest(sellerKey, bought, FaceValue, sellerKey.PublicKey().Address(ecdsa.DefaultAddressVersion), t3); err != nil {
		return fail("list request", err)
	}
	listed, list, err := m.merchant.List(bought, req, ticket.Facts{Seller: standing}, t3)
	if err != nil {
		return fail("list", err)
	}
	if req, err = ticket.NewTransferRequest(buyerKey, buyerCert, listed, t4); err != nil {
		return fail("transfer request", err)
	}
	_, transfer, err := m.merchant.Transfer(listed, req, ticket.Facts{Seller: standing}, t4)
	if err != nil {
		return fail("transfer", err)
	}
	return Chain{Event: id, Serial: serial, Txs: []Tx{
		{Bytes: buy.Bytes(), Kind: KindBuy},
		{Bytes: list.Bytes(), Kind: KindList},
		{Bytes: transfer.Bytes(), Kind: KindTransfer},
	}}, nil
}

// KVStoreWorkload returns a workload for CometBFT's kvstore example
// application shaped like like: chains chains whose transactions have the
// sizes and kinds of like's chains (taken in turn), and a setup of the
// same sizes as like's. Each transaction is "key=value": the key is
// "load-" and hex of the tag's hash and the transaction's place, distinct
// across the workload and across tags, the value lowercase letters padding
// the transaction to its size. The tag keeps runs apart: a transaction
// already committed is refused by the mempool's cache.
func KVStoreWorkload(like *Workload, chains int, tag string) (*Workload, error) {
	switch {
	case like == nil || len(like.Chains) == 0:
		return nil, fmt.Errorf("%w: no workload to copy sizes from", ErrOptions)
	case chains < 1 || chains > 1<<24:
		return nil, fmt.Errorf("%w: chains %d, want 1 to %d", ErrOptions, chains, 1<<24)
	case tag == "":
		return nil, fmt.Errorf("%w: empty tag", ErrOptions)
	}
	w := &Workload{App: "kvstore", Chains: make([]Chain, chains)}
	seq := uint64(0)
	mk := func(size int, kind string) (Tx, error) {
		seq++
		tx, err := kvTx(tag, seq, size)
		return Tx{Bytes: tx, Kind: kind}, err
	}
	for _, s := range like.Setup {
		tx, err := mk(len(s.Bytes), s.Kind)
		if err != nil {
			return nil, err
		}
		w.Setup = append(w.Setup, tx)
	}
	for i := range chains {
		src := like.Chains[i%len(like.Chains)]
		c := Chain{Event: tag, Serial: fmt.Sprintf("S%07d", i)}
		for _, s := range src.Txs {
			tx, err := mk(len(s.Bytes), s.Kind)
			if err != nil {
				return nil, err
			}
			c.Txs = append(c.Txs, tx)
		}
		w.Chains[i] = c
	}
	return w, nil
}

// kvTx returns the kvstore transaction number seq of the tag, size bytes
// long.
func kvTx(tag string, seq uint64, size int) ([]byte, error) {
	h := sha256.Sum256([]byte(tag))
	key := fmt.Appendf(nil, "load-%x-%016x", h[:8], seq)
	if size < len(key)+2 {
		return nil, fmt.Errorf("%w: a %d-byte transaction cannot hold a %d-byte key", ErrOptions, size, len(key))
	}
	tx := append(key, '=')
	// The value: letters from a counter-mode hash of the key, so that
	// values differ as real ones would.
	for block := uint32(0); len(tx) < size; block++ {
		d := sha256.Sum256(binary.BigEndian.AppendUint32(key[:len(key):len(key)], block))
		for _, c := range d {
			if len(tx) == size {
				break
			}
			tx = append(tx, 'a'+c%26)
		}
	}
	return tx, nil
}
