package main

import (
	"fmt"
	"time"

	"github.com/cbets/cbets/ticket"
)

// ticketShow: cbets ticket show --event ID --serial S --genesis FILE
// prints the ticket as its records prove it (replayed locally), its state
// now, and the records.
func ticketShow(c *cli, args []string) error {
	_, _, t, recs, height, err := fetchTicket(c, "ticket show", args)
	if err != nil {
		return err
	}
	return c.printJSON("", struct {
		Height   int64            `json:"height"`
		StateNow string           `json:"state_now"`
		Ticket   *ticket.Ticket   `json:"ticket"`
		Records  []*ticket.Record `json:"records"`
	}{height, t.StateAt(time.Now()).String(), t, recs})
}

// ticketReplay: cbets ticket replay --event ID --serial S --genesis FILE
// fetches the ticket's records and replays them under the genesis's keys
// and policy and the event's terms; it prints OK and the ticket they
// prove, or fails with the record refused and why.
func ticketReplay(c *cli, args []string) error {
	event, serial, t, recs, height, err := fetchTicket(c, "ticket replay", args)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "OK %s/%s: %d records at height %d replay to %v, held by %q, head %x\n",
		event, serial, len(recs), height, t.State, t.Holder.ID(), t.Head)
	return err
}

// fetchTicket parses --event, --serial and the node flags of a ticket
// command and reads the ticket's records through the proof checker.
func fetchTicket(c *cli, words string, args []string) (event, serial string, t *ticket.Ticket, recs []*ticket.Record, height int64, err error) {
	fs := c.flags(words)
	ev := fs.String("event", "", "the event id")
	se := fs.String("serial", "", "the ticket's serial")
	nf := addNodeFlags(fs, true)
	if err := parse(fs, args, "event", "serial", "genesis"); err != nil {
		return "", "", nil, nil, 0, err
	}
	n, ctx, cancel, err := nf.open()
	if err != nil {
		return "", "", nil, nil, 0, err
	}
	defer cancel()
	t, recs, height, err = n.ticket(ctx, *ev, *se)
	return *ev, *se, t, recs, height, err
}
