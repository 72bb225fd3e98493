package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// keysGenerate: cbets keys generate --out FILE.
func keysGenerate(c *cli, args []string) error {
	fs := c.flags("keys generate")
	out := fs.String("out", "", "the key file to create (it must not exist)")
	if err := parse(fs, args, "out"); err != nil {
		return err
	}
	k, err := ecdsa.GenerateKey(nil)
	if err != nil {
		return err
	}
	defer k.Zero()
	if err := writeKey(*out, k); err != nil {
		return err
	}
	return showKey(c, k.PublicKey(), false)
}

// keysShow: cbets keys show --key FILE [--public].
func keysShow(c *cli, args []string) error {
	fs := c.flags("keys show")
	path := fs.String("key", "", "the key file")
	public := fs.Bool("public", false, "print only the public key, in hex")
	if err := parse(fs, args, "key"); err != nil {
		return err
	}
	k, err := c.readKey(*path)
	if err != nil {
		return err
	}
	defer k.Zero()
	return showKey(c, k.PublicKey(), *public)
}

// showKey prints a public key (33 bytes compressed, hex) and its wallet
// address under ecdsa.DefaultAddressVersion, the WID a certificate binds.
func showKey(c *cli, pub *ecdsa.PublicKey, onlyKey bool) error {
	if onlyKey {
		return c.output("", []byte(hex.EncodeToString(pub.Bytes())))
	}
	_, err := fmt.Fprintf(c.stdout, "public_key %x\naddress    %s\n", pub.Bytes(), pub.Address(ecdsa.DefaultAddressVersion))
	return err
}

// keyList is a repeated flag of public keys in hex.
type keyList []*ecdsa.PublicKey

func (l *keyList) String() string {
	var s []string
	for _, k := range *l {
		s = append(s, hex.EncodeToString(k.Bytes()))
	}
	return strings.Join(s, ",")
}

func (l *keyList) Set(s string) error {
	k, err := parsePublicKey("public key", s)
	if err != nil {
		return err
	}
	*l = append(*l, k)
	return nil
}

// standings is the repeated --standing flag: CERT=REPUTATION[/TRANSFERS].
type standings []app.GenesisStanding

func (l *standings) String() string {
	var s []string
	for _, g := range *l {
		s = append(s, fmt.Sprintf("%s=%d/%d", g.Certificate, g.Reputation, g.Transfers))
	}
	return strings.Join(s, ",")
}

func (l *standings) Set(s string) error {
	cert, v, ok := strings.Cut(s, "=")
	if !ok || cert == "" {
		return fmt.Errorf("%q is not CERT=REPUTATION[/TRANSFERS]", s)
	}
	rep, transfers, hasTransfers := strings.Cut(v, "/")
	g := app.GenesisStanding{Certificate: cert}
	var err error
	if g.Reputation, err = strconv.ParseInt(rep, 10, 64); err != nil {
		return fmt.Errorf("%q: reputation: %w", s, err)
	}
	if hasTransfers {
		n, err := strconv.ParseUint(transfers, 10, 32)
		if err != nil {
			return fmt.Errorf("%q: transfers: %w", s, err)
		}
		g.Transfers = uint32(n)
	}
	*l = append(*l, g)
	return nil
}

// genesis: cbets genesis --registrar PUBHEX --merchant PUBHEX… [policy
// flags] prints an app.Genesis, the app state of `cbetsd init --app-state`.
func genesis(c *cli, args []string) error {
	fs := c.flags("genesis")
	registrar := fs.String("registrar", "", "the registrar's public key (hex)")
	var merchants keyList
	fs.Var(&merchants, "merchant", "an accepted merchant's public key (hex); repeat for each merchant")
	units := fs.Int64("units-per-coin", 100, "minor units per coin, a power of ten")
	def := ticket.DefaultPolicy(tax.Scale{})
	limit := fs.Int("per-certificate-limit", def.PerCertificateLimit, "tickets of one event a certificate may hold")
	transfers := fs.Uint("max-transfers", uint(def.MaxTransfers), "times a ticket may be resold")
	reward := fs.Int64("purchase-reward", def.PurchaseReward, "reputation gained per purchase")
	threshold := fs.Int64("listing-threshold", def.ListingThreshold, "reputation below which a user may not list")
	var stand standings
	fs.Var(&stand, "standing", "a user's standing at genesis, CERT=REPUTATION[/TRANSFERS]; repeat for each user")
	initial := fs.Int64("initial-reputation", 0, "the reputation of a certificate the ledger has no standing for")
	if err := parse(fs, args, "registrar", "merchant"); err != nil {
		return err
	}
	reg, err := parsePublicKey("--registrar", *registrar)
	if err != nil {
		return err
	}
	if *transfers > 1<<32-1 {
		return usagef("--max-transfers %d is out of range", *transfers)
	}
	g := app.NewGenesis(reg, merchants, *units)
	g.Standings = stand
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["per-certificate-limit"] || set["max-transfers"] || set["purchase-reward"] || set["listing-threshold"] {
		g.Rules = &app.Rules{PerCertificateLimit: *limit, MaxTransfers: uint32(*transfers),
			PurchaseReward: *reward, ListingThreshold: *threshold}
	}
	if set["initial-reputation"] {
		g.InitialStanding = &app.Standing{Reputation: *initial}
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	// What the validators will refuse at InitChain is refused here.
	if _, err := app.ParseGenesis(b); err != nil {
		return err
	}
	return c.output("", b)
}

// certIssue: cbets cert issue --registrar-key FILE --user PUBHEX --id ID.
func certIssue(c *cli, args []string) error {
	fs := c.flags("cert issue")
	keyPath := fs.String("registrar-key", "", "the registrar's key file")
	user := fs.String("user", "", "the user's public key (hex)")
	id := fs.String("id", "", "the certificate id, 1 to 64 bytes of UTF-8")
	out := fs.String("out", "", "the certificate file to write; stdout if empty")
	if err := parse(fs, args, "registrar-key", "user", "id"); err != nil {
		return err
	}
	pub, err := parsePublicKey("--user", *user)
	if err != nil {
		return err
	}
	reg, err := c.readKey(*keyPath)
	if err != nil {
		return err
	}
	defer reg.Zero()
	// The WID a certificate binds is the user key's own address.
	cert, err := ticket.IssueCertificate(reg, *id, pub, pub.Address(ecdsa.DefaultAddressVersion))
	if err != nil {
		return err
	}
	return c.printJSON(*out, cert)
}
