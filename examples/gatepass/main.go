// Command gatepass shows a ticket's gate pass as a QR code and a gate
// admitting it: a merchant sells a ticket of "concert-2026-12-01", the
// holder's wallet signs the pass of the current 30-second slot (package
// gate), the code is drawn in the terminal (and written as a PNG with -o),
// and a gate holding the merchant's snapshot of the event admits
// the pass offline; back online, the merchant consumes the ticket with the
// admission.
//
// The QR library is github.com/yeqown/go-qrcode/v2: it encodes the pass's
// bytes as they are in byte mode, at the error-correction level and in the
// smallest version asked for, and hands over the modules, which this
// program draws with the standard library.
//
//	go run . -o pass.png -text
package main

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/gate"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

func main() {
	out := flag.String("o", "", "also write the QR code to this PNG file")
	text := flag.Bool("text", true, "draw the QR code in the terminal")
	flag.Parse()
	if err := run(os.Stdout, *out, *text); err != nil {
		log.Fatal(err)
	}
}

// Demo is a merchant, its event and one ticket held by eve.
type Demo struct {
	MerchantKey *ecdsa.PrivateKey
	Merchant    *ticket.Merchant
	Event       *ticket.Event
	HolderKey   *ecdsa.PrivateKey
	Ticket      *ticket.Ticket
}

// Doors is when the doors open, the start of a slot.
var Doors = time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)

// fixedKey returns the key whose scalar has all 32 bytes set to b: a demo
// key. Real keys come from ecdsa.GenerateKey.
func fixedKey(b byte) *ecdsa.PrivateKey {
	k, err := ecdsa.ParsePrivateKey(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		panic(err)
	}
	return k
}

// NewDemo sells ticket serial of "concert-2026-12-01" to eve, a month
// before the doors open.
func NewDemo(serial string) (*Demo, error) {
	registrar := fixedKey(1)
	d := &Demo{MerchantKey: fixedKey(2), HolderKey: fixedKey(3)}
	scale, err := tax.NewScale(100)
	if err != nil {
		return nil, err
	}
	if d.Merchant, err = ticket.NewMerchant(d.MerchantKey, registrar.PublicKey(), ticket.DefaultPolicy(scale)); err != nil {
		return nil, err
	}
	sold := Doors.Add(-30 * 24 * time.Hour)
	d.Event, err = ticket.NewEvent(d.MerchantKey, ticket.EventTerms{
		ID: "concert-2026-12-01", Capacity: 5000, FaceValue: 10000,
		SaleStart: sold.Add(-time.Hour), SaleEnd: Doors, Start: Doors.Add(time.Hour), End: Doors.Add(4 * time.Hour),
	})
	if err != nil {
		return nil, err
	}
	pub := d.HolderKey.PublicKey()
	eve, err := ticket.IssueCertificate(registrar, "eve", pub, pub.Address(ecdsa.DefaultAddressVersion))
	if err != nil {
		return nil, err
	}
	req, err := ticket.NewBuyRequest(d.HolderKey, eve, d.Merchant.PublicKey(), d.Event.ID(), serial, 10000, sold)
	if err != nil {
		return nil, err
	}
	d.Ticket, _, err = d.Merchant.Buy(req, ticket.Facts{Event: d.Event}, sold)
	return d, err
}

// Gate returns a gate named id holding the merchant's snapshot of the
// event, taken an hour before the doors open.
func (d *Demo) Gate(id string) (*gate.Gate, error) {
	snap, err := gate.NewSnapshot(d.MerchantKey, d.Event, []*ticket.Ticket{d.Ticket}, Doors.Add(-time.Hour))
	if err != nil {
		return nil, err
	}
	// A gate receives the snapshot as bytes.
	snap, err = gate.ParseSnapshot(snap.Bytes())
	if err != nil {
		return nil, err
	}
	return gate.New(id, snap, d.Merchant.PublicKey())
}

func run(w io.Writer, out string, text bool) error {
	d, err := NewDemo("1234")
	if err != nil {
		return err
	}
	shown := Doors.Add(12 * time.Second)
	pass, err := gate.NewPass(d.HolderKey, d.Ticket, shown)
	if err != nil {
		return err
	}
	b := pass.Bytes()
	code, err := Encode(b)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "pass of %s/%s for the slot starting %s: %d bytes\n%s\n", pass.Event(), pass.Serial(),
		pass.Time().Format(time.RFC3339), len(b), hex.EncodeToString(b))
	fmt.Fprintf(w, "QR code: version %d, level M, byte mode, %d×%d modules\n", code.Version, len(code.Modules), len(code.Modules))
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if err := code.WritePNG(f, 8); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(w, "written to %s\n", out)
	}
	if text {
		fmt.Fprint(w, code.Text())
	}

	g, err := d.Gate("north-1")
	if err != nil {
		return err
	}
	adm, err := g.Admit(b, shown.Add(3*time.Second))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "gate %s admitted %s, held by %s\n", g.ID(), adm.Request().Serial, adm.Request().Cert.ID())
	if _, err := g.Admit(b, shown.Add(10*time.Second)); err != nil {
		fmt.Fprintf(w, "shown again: %v\n", err)
	}
	// Back online, the merchant consumes the ticket at the time it entered.
	tk, rec, err := d.Merchant.Consume(d.Ticket, adm.Request(), adm.Time())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "merchant: ticket %s %v, Σ of %d bytes\n", tk.Serial, tk.State, len(rec.Consumption))
	return nil
}
