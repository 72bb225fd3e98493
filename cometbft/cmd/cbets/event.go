package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cbets/cbets/cometbft/desk"
	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// termsFile is the JSON of an event's terms (ticket.EventTerms), with the
// field names of the event's JSON form. Times are RFC 3339; amounts minor
// units. doors_open and resale_cutoff may be left out (NewEvent's
// defaults: the sale's start, the event's start), and return_cutoff too
// (no returns).
type termsFile struct {
	ID                       string    `json:"id"`
	Capacity                 uint32    `json:"capacity"`
	FaceValue                int64     `json:"face_value"`
	SaleStart                time.Time `json:"sale_start"`
	SaleEnd                  time.Time `json:"sale_end"`
	Start                    time.Time `json:"start"`
	End                      time.Time `json:"end"`
	DoorsOpen                time.Time `json:"doors_open"`
	ResaleCutoff             time.Time `json:"resale_cutoff"`
	ResaleCapBasisPoints     uint32    `json:"resale_cap_basis_points"`
	ResaleCap                int64     `json:"resale_cap"`
	ReturnCutoff             time.Time `json:"return_cutoff"`
	ReturnPenaltyBasisPoints uint32    `json:"return_penalty_basis_points"`
}

// parseTerms decodes a terms file strictly: an unknown member is an error,
// so a misspelt rule is never silently left out.
func parseTerms(b []byte) (ticket.EventTerms, error) {
	var f termsFile
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return ticket.EventTerms{}, err
	}
	if d.More() {
		return ticket.EventTerms{}, errors.New("more than one JSON value")
	}
	return ticket.EventTerms{ID: f.ID, Capacity: f.Capacity, FaceValue: tax.Amount(f.FaceValue),
		SaleStart: f.SaleStart, SaleEnd: f.SaleEnd, Start: f.Start, End: f.End,
		DoorsOpen: f.DoorsOpen, ResaleCutoff: f.ResaleCutoff,
		ResaleCapBasisPoints: f.ResaleCapBasisPoints, ResaleCap: tax.Amount(f.ResaleCap),
		ReturnCutoff: f.ReturnCutoff, ReturnPenaltyBasisPoints: f.ReturnPenaltyBasisPoints}, nil
}

// eventPublish: cbets event publish --merchant-key FILE --terms FILE.
func eventPublish(c *cli, args []string) error {
	fs := c.flags("event publish")
	keyPath := fs.String("merchant-key", "", "the merchant's key file")
	termsPath := fs.String("terms", "", "the event's terms (JSON); - for stdin")
	nf := addNodeFlags(fs, false)
	if err := parse(fs, args, "merchant-key", "terms"); err != nil {
		return err
	}
	b, err := c.readFile(*termsPath)
	if err != nil {
		return err
	}
	terms, err := parseTerms(b)
	if err != nil {
		return fmt.Errorf("terms file %s: %w", name(*termsPath), err)
	}
	key, err := c.readKey(*keyPath)
	if err != nil {
		return err
	}
	defer key.Zero()
	ev, err := ticket.NewEvent(key, terms)
	if err != nil {
		return err
	}
	n, ctx, cancel, err := nf.open()
	if err != nil {
		return err
	}
	defer cancel()
	h, err := (&desk.Desk{Ledger: n.node}).Publish(ctx, ev)
	if err != nil {
		return err
	}
	return c.printJSON("", struct {
		Height int64         `json:"height"`
		Event  *ticket.Event `json:"event"`
	}{h, ev})
}

// eventShow: cbets event show --id ID --genesis FILE prints a published
// event, proved committed, with its count of tickets sold.
func eventShow(c *cli, args []string) error {
	fs := c.flags("event show")
	id := fs.String("id", "", "the event id")
	nf := addNodeFlags(fs, true)
	if err := parse(fs, args, "id", "genesis"); err != nil {
		return err
	}
	n, ctx, cancel, err := nf.open()
	if err != nil {
		return err
	}
	defer cancel()
	s, h, err := n.event(ctx, *id)
	if err != nil {
		return err
	}
	return c.printJSON("", struct {
		Height int64         `json:"height"`
		Sold   uint32        `json:"sold"`
		Event  *ticket.Event `json:"event"`
	}{h, s.Sold, s.Event})
}
