package main

import (
	"time"

	"github.com/cbets/cbets/tax"
	"github.com/cbets/cbets/ticket"
)

// pay runs the paper's Paying phase: the buyers pay the merchant through a
// mixing round.
func pay(n *narrator, users map[string]*user, names []string, merchant *ticket.Merchant, scale tax.Scale, tick func(time.Duration) time.Time) error {
	n.say("mixer", "(mixing round pending)", "")
	return nil
}
