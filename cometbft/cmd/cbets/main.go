// Command cbets is the client of a cbets ticket ledger on CometBFT: it
// makes keys, the genesis app state and certificates; users sign requests
// with it; merchants publish events and run their transitions with it,
// broadcasting the signed records through a node's RPC and waiting for them
// to commit; and anyone fetches a ticket's records and replays them
// locally.
//
//	cbets keys generate --out FILE
//	cbets keys show     --key FILE [--public]
//	cbets genesis       --registrar PUBHEX --merchant PUBHEX [--merchant PUBHEX …] [policy flags]
//	cbets cert issue    --registrar-key FILE --user PUBHEX --id ID [--out FILE]
//	cbets event publish --merchant-key FILE --terms FILE [--node URL]
//	cbets event show    --id ID --genesis FILE [--node URL]
//	cbets request buy|list|delist|transfer|consume --key FILE --event ID --serial S --genesis FILE [kind's flags] [--out FILE]
//	cbets merchant buy|list|delist|transfer|consume --merchant-key FILE --genesis FILE [--in FILE|-] [--node URL]
//	cbets ticket show|replay --event ID --serial S --genesis FILE [--node URL]
//
// --node is a CometBFT RPC address (default http://127.0.0.1:26657).
// --genesis is the network's CometBFT genesis document (a node home's
// config/genesis.json). cbets trusts it and nothing the node says that it
// cannot check: events and tickets are read with proofs (package proof),
// each answer checked against the app hash of a header whose commit more
// than 2/3 of the genesis validators signed; an event must be signed by a
// merchant of the genesis's app state, and a ticket's records must replay
// (ticket.Replay) under its keys and policy, the event's terms and its
// cancellation, if any. An answer that fails is refused. The merchant's
// transitions read the ticket and the facts through package desk, without
// proofs: the desk replays the ticket, and the validators check the facts
// again when they apply the record.
//
// Each step reads the ticket's latest state: after a step commits, ask a
// node that has committed its height (the one that broadcast it does). A
// request signed against an older state is refused by the merchant's
// transition as one for an earlier state.
//
// A user's request is signed at the current time by --key: buy and
// transfer by the buyer, who names its certificate (--cert); list,
// delist and consume by the holder. A buy pays the event's face value
// (--price to name it); a list names its price (--price) and the address
// the seller is paid at (--payee, the key's own by default); a transfer
// pays the listing's price. An event's terms file is JSON with the members
// of the event's JSON form: id, capacity, face_value, sale_start,
// sale_end, start, end, and optionally doors_open, resale_cutoff,
// resale_cap_basis_points, resale_cap, return_cutoff and
// return_penalty_basis_points (times in RFC 3339).
//
// Keys are files holding the hex of the 32-byte secret scalar
// (ecdsa.PrivateKey.Bytes), written with mode 0600. Certificates, events'
// terms and requests are JSON files: a certificate and a request in
// package ticket's JSON form, whose "encoding" member (the canonical
// binary encoding, hex) is authoritative. Amounts are integer minor units.
//
// Errors go to stderr, naming what failed; the exit status is 1 on any
// error or refusal (a refusal by the ledger names its result code, see the
// module's README), 2 on a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// cli is one invocation: its standard streams.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is a subcommand: its words ("keys generate"), a line of help and
// what it does with the arguments after its words.
type command struct {
	words, summary string
	run            func(c *cli, args []string) error
}

// commands returns the subcommands by their words.
func commands() map[string]command {
	cmds := []command{
		{"keys generate", "write a new secret key to a file", keysGenerate},
		{"keys show", "print a key file's public key and address", keysShow},
		{"genesis", "print the app state of a genesis (app.Genesis JSON)", genesis},
		{"cert issue", "sign a user's certificate with the registrar's key", certIssue},
		{"event publish", "publish a merchant's signed event terms and wait for commit", eventPublish},
		{"event show", "print a published event", eventShow},
		{"ticket show", "print a ticket, replayed from its records", ticketShow},
		{"ticket replay", "fetch a ticket's records and replay them locally", ticketReplay},
	}
	for _, k := range transitions {
		cmds = append(cmds,
			command{"request " + k.String(), "sign a " + k.String() + " request (the user's side)", userRequest(k)},
			command{"merchant " + k.String(), "run the merchant's " + k.String() + ", broadcast it and wait for commit", merchantRun(k)})
	}
	m := map[string]command{}
	for _, c := range cmds {
		m[c.words] = c
	}
	return m
}

// run runs cbets with args (without the program name) and returns the exit
// status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	var cmd command
	var ok bool
	for n := 2; n >= 1 && !ok; n-- {
		if len(args) >= n {
			cmd, ok = cmds[strings.Join(args[:n], " ")]
			ok = ok && len(strings.Fields(cmd.words)) == n
		}
	}
	if !ok {
		if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
			fmt.Fprintf(stderr, "cbets: unknown command %q\n", strings.Join(args[:min(len(args), 2)], " "))
			usage(stderr, cmds)
			return exitUsage
		}
		usage(stdout, cmds)
		return exitOK
	}
	err := cmd.run(c, args[len(strings.Fields(cmd.words)):])
	var u *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &u):
		fmt.Fprintf(stderr, "cbets %s: %v\n", cmd.words, err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "cbets %s: %v\n", cmd.words, err)
	return exitFailed
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: cbets COMMAND [flags]   (cbets COMMAND -h for its flags)")
	var words []string
	for k := range cmds {
		words = append(words, k)
	}
	sort.Strings(words)
	for _, k := range words {
		fmt.Fprintf(w, "  %-18s %s\n", k, cmds[k].summary)
	}
}

// usageError is a command line that cannot run.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// flags returns a flag set for a command, writing its help to stderr.
func (c *cli) flags(words string) *flag.FlagSet {
	fs := flag.NewFlagSet("cbets "+words, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return fs
}

// parse parses args, refuses arguments left over, and checks that the
// named flags were given a non-empty value.
func parse(fs *flag.FlagSet, args []string, required ...string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	for _, name := range required {
		if f := fs.Lookup(name); f == nil || f.Value.String() == "" {
			return usagef("--%s is required", name)
		}
	}
	return nil
}
