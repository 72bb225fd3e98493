package load

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ecdsa"
)

// keyDomain begins the hashed input of every key Key derives.
const keyDomain = "CBETS/cometbft/load/v1/key"

// Key returns the private key derived from seed and label: its scalar is
// SHA-256(u32 len ‖ keyDomain ‖ u64 seed ‖ u32 len ‖ label ‖ u32 counter)
// for the first counter from 0 that gives a valid scalar (all but a
// vanishing share of labels take counter 0). The same seed and label give
// the same key on every machine, so a genesis written by one run of the
// load generator names the keys of the next.
func Key(seed uint64, label string) (*ecdsa.PrivateKey, error) {
	for counter := uint32(0); counter < 16; counter++ {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(keyDomain)))
		b = append(b, keyDomain...)
		b = binary.BigEndian.AppendUint64(b, seed)
		b = binary.BigEndian.AppendUint32(b, uint32(len(label)))
		b = append(b, label...)
		b = binary.BigEndian.AppendUint32(b, counter)
		h := sha256.Sum256(b)
		k, err := ecdsa.ParsePrivateKey(h[:])
		if err == nil {
			return k, nil
		}
		if !errors.Is(err, ecdsa.ErrInvalidPrivateKey) {
			return nil, fmt.Errorf("load: key %q: %w", label, err)
		}
	}
	return nil, fmt.Errorf("load: key %q: no valid scalar in 16 tries", label)
}

// InitialReputation is the reputation the load's genesis grants every
// certificate the ledger has not seen: the paper's listing threshold, so
// that a ticket bought in the load can be listed and transferred at once.
const InitialReputation = 500

// UnitsPerCoin is the scale of the load's amounts (cents).
const UnitsPerCoin = 100

// Parties are the keys every run with one seed shares: the registrar,
// which certifies the load's users, and the one merchant, which publishes
// the load's events and signs its records.
type Parties struct {
	Seed      uint64
	Registrar *ecdsa.PrivateKey
	Merchant  *ecdsa.PrivateKey
}

// NewParties derives the registrar's and merchant's keys from seed.
func NewParties(seed uint64) (*Parties, error) {
	reg, err := Key(seed, "registrar")
	if err != nil {
		return nil, err
	}
	m, err := Key(seed, "merchant")
	if err != nil {
		return nil, err
	}
	return &Parties{Seed: seed, Registrar: reg, Merchant: m}, nil
}

// Genesis returns the application's genesis for the parties: their keys,
// the paper's policy in cents, and InitialReputation as every new
// certificate's standing.
func (p *Parties) Genesis() *app.Genesis {
	if p == nil {
		return nil
	}
	g := app.NewGenesis(p.Registrar.PublicKey(), []*ecdsa.PublicKey{p.Merchant.PublicKey()}, UnitsPerCoin)
	g.InitialStanding = &app.Standing{Reputation: InitialReputation}
	return g
}

// AppState returns Genesis as app_state bytes, the file `cbetsd testnet
// --app-state` takes.
func (p *Parties) AppState() ([]byte, error) {
	if p == nil || p.Registrar == nil || p.Merchant == nil {
		return nil, fmt.Errorf("%w: Parties not made by NewParties", ErrOptions)
	}
	b, err := p.Genesis().JSON()
	if err != nil {
		return nil, fmt.Errorf("load: genesis: %w", err)
	}
	if _, err := app.ParseGenesis(b); err != nil {
		return nil, fmt.Errorf("load: genesis: %w", err)
	}
	return b, nil
}
