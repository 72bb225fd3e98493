package app

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// Genesis is the application's part of the genesis document
// (app_state): the keys the ledger trusts, the policy, and the reputation
// standings users bring from before the ledger.
type Genesis struct {
	// Registrar is the registrar's public key (hex, 33 bytes compressed).
	Registrar string `json:"registrar"`
	// Merchants are the public keys of the merchants whose records the
	// ledger accepts (hex).
	Merchants []string `json:"merchants"`
	// UnitsPerCoin is the scale of amounts (a power of ten).
	UnitsPerCoin int64 `json:"units_per_coin"`
	// Rules overrides the paper's figures of the policy; nil keeps
	// ticket.DefaultPolicy.
	Rules *Rules `json:"rules,omitempty"`
	// Standings are the users' reputation standings at genesis.
	Standings []GenesisStanding `json:"standings,omitempty"`
	// InitialStanding is the standing of a certificate the ledger has no
	// standing for; nil means zero.
	InitialStanding *Standing `json:"initial_standing,omitempty"`
}

// Standing is a reputation standing (ticket.Standing) in JSON.
type Standing struct {
	Reputation int64  `json:"reputation"`
	Transfers  uint32 `json:"transfers"`
}

// Rules are the policy's figures (see ticket.Policy). The tax schedule is
// Table 5's full-rate schedule and the discount the paper's.
type Rules struct {
	PerCertificateLimit int    `json:"per_certificate_limit"`
	MaxTransfers        uint32 `json:"max_transfers"`
	PurchaseReward      int64  `json:"purchase_reward"`
	ListingThreshold    int64  `json:"listing_threshold"`
}

// GenesisStanding is one user's standing at genesis.
type GenesisStanding struct {
	Certificate string `json:"certificate"`
	Reputation  int64  `json:"reputation"`
	Transfers   uint32 `json:"transfers"`
}

// NewGenesis returns a genesis with the paper's policy.
func NewGenesis(registrar *ecdsa.PublicKey, merchants []*ecdsa.PublicKey, unitsPerCoin int64) *Genesis {
	g := &Genesis{Registrar: hex.EncodeToString(registrar.Bytes()), UnitsPerCoin: unitsPerCoin}
	for _, m := range merchants {
		g.Merchants = append(g.Merchants, hex.EncodeToString(m.Bytes()))
	}
	return g
}

// JSON returns the genesis as app_state bytes.
func (g *Genesis) JSON() ([]byte, error) { return json.Marshal(g) }

// ParseGenesis decodes app_state bytes and checks them.
func ParseGenesis(b []byte) (*Genesis, error) {
	var g Genesis
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("app: genesis: %w", err)
	}
	if _, err := g.Verifier(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range g.Standings {
		if s.Certificate == "" || seen[s.Certificate] {
			return nil, fmt.Errorf("app: genesis: empty or repeated standing %q", s.Certificate)
		}
		seen[s.Certificate] = true
	}
	return &g, nil
}

// Policy returns the ticket policy the genesis sets. Merchants must run
// their transitions under the same policy.
func (g *Genesis) Policy() (ticket.Policy, error) {
	scale, err := tax.NewScale(g.UnitsPerCoin)
	if err != nil {
		return ticket.Policy{}, fmt.Errorf("app: genesis: %w", err)
	}
	p := ticket.DefaultPolicy(scale)
	if r := g.Rules; r != nil {
		p.PerCertificateLimit, p.MaxTransfers = r.PerCertificateLimit, r.MaxTransfers
		p.PurchaseReward, p.ListingThreshold = r.PurchaseReward, r.ListingThreshold
	}
	return p, nil
}

// Verifier returns the keys and policy records are checked against, with
// no events: a client replaying a ticket adds its event's terms, read from
// the ledger, to Events.
func (g *Genesis) Verifier() (*ticket.Verifier, error) {
	p, err := g.Policy()
	if err != nil {
		return nil, err
	}
	reg, err := parseKey(g.Registrar)
	if err != nil {
		return nil, fmt.Errorf("app: genesis: registrar: %w", err)
	}
	if len(g.Merchants) == 0 {
		return nil, errors.New("app: genesis: no merchant")
	}
	var merchants []*ecdsa.PublicKey
	for i, s := range g.Merchants {
		m, err := parseKey(s)
		if err != nil {
			return nil, fmt.Errorf("app: genesis: merchant %d: %w", i, err)
		}
		merchants = append(merchants, m)
	}
	v, err := ticket.NewVerifier(reg, merchants, p)
	if err != nil {
		return nil, fmt.Errorf("app: genesis: %w", err)
	}
	return v, nil
}

// Config returns the configuration of the validators' ledger: the keys and
// policy of Verifier, the initial standing, and serials chosen by the
// merchants (a Buy may name any serial of its event not yet sold).
func (g *Genesis) Config() (ledger.Config, error) {
	v, err := g.Verifier()
	if err != nil {
		return ledger.Config{}, err
	}
	cfg := ledger.Config{Registrar: v.Registrar, Merchants: v.Merchants, Policy: v.Policy, MerchantSerials: true}
	if s := g.InitialStanding; s != nil {
		cfg.InitialStanding = ticket.Standing{Reputation: s.Reputation, Transfers: s.Transfers}
	}
	return cfg, nil
}

func parseKey(s string) (*ecdsa.PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return ecdsa.ParsePublicKey(b)
}
