// Command cbetsload loads a cbets network with ticket transitions at the
// highest rate it accepts and measures what it commits (package load).
//
//	cbetsload [run] --nodes URL[,URL…] [--app cbets|kvstore] [--duration 60s]
//	                [--workers N] [--max-pending N] [--seed S] [--tickets N]
//	                [--event ID] [--genesis-out FILE] [--json]
//	cbetsload genesis [--seed S] --out FILE
//	cbetsload compare [--validators 4] [--duration 60s] [--workers N]
//	                  [--max-pending N] [--seed S] [--tickets N]
//	                  [--cbetsd PATH] [--dir DIR] [--keep]
//	                  [--timeout-commit D] [--log-level L] [--json]
//
// run loads a running network through the RPC addresses of its nodes.
// For cbets, the network's genesis must be the one `cbetsload genesis`
// writes for the same seed (cbetsd testnet --app-state FILE): the load's
// registrar and merchant keys derive from the seed. The load publishes a
// new event, then sells each of --tickets tickets to a distinct user,
// lists it and transfers it to another — all made and signed before the
// timed window — and during --duration broadcasts them (broadcast_tx_sync,
// each transaction after its predecessor committed) from --workers
// workers spread over the nodes, at most --max-pending (default 1000)
// transactions on their way at once. For kvstore it sends "key=value"
// transactions of the same sizes, in the same chains. It prints one line:
// committed transactions per second and the broadcast→commit p50 and p99;
// --json prints the whole result as JSON.
//
// genesis writes the genesis app state of --seed's keys (app.Genesis).
//
// compare runs both back to back, each on a fresh network of --validators
// cbetsd processes on loopback (fresh homes, the same layout and genesis),
// started from the cbetsd binary (--cbetsd; default: next to cbetsload, on
// PATH, or built with go build), and prints both lines and the ratio of
// cbets's committed rate to kvstore's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cbets/cbets/cometbft/load"
	"github.com/cbets/cbets/cometbft/nettest"
)

const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  cbetsload [run] --nodes URL[,URL…] [--app cbets|kvstore] [--duration 60s]
                  [--workers N] [--max-pending N] [--seed S] [--tickets N]
                  [--event ID] [--genesis-out FILE] [--json]
  cbetsload genesis [--seed S] --out FILE
  cbetsload compare [--validators 4] [--duration 60s] [--workers N]
                    [--max-pending N] [--seed S] [--tickets N]
                    [--cbetsd PATH] [--dir DIR] [--keep]
                    [--timeout-commit D] [--log-level L] [--json]
`

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd, rest := "run", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = runCmd(ctx, rest, stdout, stderr)
	case "genesis":
		err = genesisCmd(rest, stdout, stderr)
	case "compare":
		err = compareCmd(ctx, rest, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "cbetsload: %v\n%s", err, usage)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "cbetsload: %v\n", err)
		return exitFail
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: %s: unexpected argument %q", errUsage, fs.Name(), fs.Arg(0))
	}
	return nil
}

// defaultMaxPending bounds the transactions on their way by default. With
// no bound, the mempools fill with thousands of transactions, the
// proposer reaps them all into one block, and a block of a few thousand
// cbets records takes longer to propose and check than the consensus
// timeouts allow: rounds fail one after the other and the network
// commits next to nothing (kvstore's cheap checks do not suffer so). A
// thousand keeps both applications' blocks under that size while keeping
// a block's worth of work queued behind the one being decided.
const defaultMaxPending = 1000

// common are the flags run and compare share.
type common struct {
	duration *time.Duration
	workers  *int
	pending  *int
	seed     *uint64
	tickets  *int
	json     *bool
}

func commonFlags(fs *flag.FlagSet) *common {
	return &common{
		duration: fs.Duration("duration", 60*time.Second, "timed window"),
		workers:  fs.Int("workers", 0, "concurrent broadcasts (default 8 per node)"),
		pending:  fs.Int("max-pending", defaultMaxPending, "at most this many transactions broadcast and not committed (0: no bound but the mempools)"),
		seed:     fs.Uint64("seed", 1, "seed of the keys (the genesis must be this seed's)"),
		tickets:  fs.Int("tickets", 0, "tickets prepared, 3 transactions each (default 250 per second of --duration)"),
		json:     fs.Bool("json", false, "print the result as JSON"),
	}
}

func (c *common) check() error {
	switch {
	case *c.duration <= 0:
		return fmt.Errorf("%w: --duration must be positive", errUsage)
	case *c.workers < 0:
		return fmt.Errorf("%w: negative --workers", errUsage)
	case *c.pending < 0:
		return fmt.Errorf("%w: negative --max-pending", errUsage)
	case *c.tickets < 0:
		return fmt.Errorf("%w: negative --tickets", errUsage)
	}
	if *c.tickets == 0 {
		*c.tickets = max(200, int(c.duration.Seconds()*250))
	}
	return nil
}

// newEventID returns an event id no earlier run used.
func newEventID() string {
	return "load-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

// workloads makes the cbets workload and, if kv, the kvstore workload of
// the same shape.
func workloads(p *load.Parties, c *common, event string, appName string, stderr io.Writer) (*load.Workload, error) {
	start := time.Now()
	n := *c.tickets
	if appName == "kvstore" {
		n = min(n, 64) // the sizes are all a kvstore workload takes
	}
	w, err := p.Workload(load.CbetsOptions{Event: event, Tickets: n, Now: time.Now()})
	if err != nil {
		return nil, err
	}
	if appName == "kvstore" {
		if w, err = load.KVStoreWorkload(w, *c.tickets, event); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(stderr, "cbetsload: %s: %d transactions prepared in %v\n", appName, w.Transactions(), time.Since(start).Round(time.Millisecond))
	return w, nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	nodes := fs.String("nodes", "", "RPC addresses of the nodes, comma-separated (http://127.0.0.1:26601,…)")
	appName := fs.String("app", "cbets", "the network's application: cbets or kvstore")
	event := fs.String("event", "", "id of the event the load publishes (default: load- and the time)")
	genesisOut := fs.String("genesis-out", "", "write the seed's genesis app state to FILE first (without --nodes: only that)")
	c := commonFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if *appName != "cbets" && *appName != "kvstore" {
		return fmt.Errorf("%w: --app %q, want cbets or kvstore", errUsage, *appName)
	}
	p, err := load.NewParties(*c.seed)
	if err != nil {
		return err
	}
	if *genesisOut != "" {
		if err := writeGenesis(p, *genesisOut); err != nil {
			return err
		}
		if *nodes == "" {
			return nil
		}
	}
	if *nodes == "" {
		return fmt.Errorf("%w: run: --nodes is required", errUsage)
	}
	var clients []load.Node
	for _, addr := range strings.Split(*nodes, ",") {
		cl, err := nettest.NewClient(strings.TrimSpace(addr))
		if err != nil {
			return err
		}
		clients = append(clients, cl)
	}
	if *event == "" {
		*event = newEventID()
	}
	w, err := workloads(p, c, *event, *appName, stderr)
	if err != nil {
		return err
	}
	res, err := load.Run(ctx, load.Config{Nodes: clients, Workers: *c.workers, MaxPending: *c.pending, Duration: *c.duration, Progress: progress(stderr)}, w)
	if err != nil {
		return err
	}
	res.LoadAverage = loadAverage()
	if *c.json {
		return printJSON(stdout, res)
	}
	fmt.Fprintln(stdout, res)
	return nil
}

// progress prints a line every ten seconds of the window.
func progress(w io.Writer) func(*load.Result) {
	return func(r *load.Result) {
		if s := int(r.Seconds + 0.5); s > 0 && s%10 == 0 {
			fmt.Fprintf(w, "cbetsload: %s: %ds: %d committed, %.1f/s\n", r.App, s, r.Committed, r.Rate)
		}
	}
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// loadAverage returns the machine's 1, 5 and 15 minute load averages, or
// "" where /proc/loadavg is not.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func writeGenesis(p *load.Parties, file string) error {
	b, err := p.AppState()
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(b, '\n'), 0o644)
}

func genesisCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("genesis", stderr)
	seed := fs.Uint64("seed", 1, "seed of the keys")
	out := fs.String("out", "", "file to write the app state to (cbetsd testnet --app-state)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%w: genesis: --out is required", errUsage)
	}
	p, err := load.NewParties(*seed)
	if err != nil {
		return err
	}
	if err := writeGenesis(p, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: the genesis app state of seed %d\n", *out, *seed)
	return nil
}

// Comparison is compare's result.
type Comparison struct {
	Validators int          `json:"validators"`
	Cbets      *load.Result `json:"cbets"`
	KVStore    *load.Result `json:"kvstore"`
	// Ratio is Cbets.Rate / KVStore.Rate.
	Ratio float64 `json:"ratio"`
}

func compareCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", stderr)
	validators := fs.Int("validators", 4, "validators of each network")
	binary := fs.String("cbetsd", "", "the cbetsd binary (default: next to cbetsload, on PATH, or built with go build)")
	dir := fs.String("dir", "", "directory for the networks' homes and logs (default: a temporary one)")
	keep := fs.Bool("keep", false, "keep the networks' homes and logs")
	timeoutCommit := fs.Duration("timeout-commit", 0, "cbetsd start --timeout-commit (default: the home's)")
	logLevel := fs.String("log-level", "error", "cbetsd start --log-level")
	c := commonFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if *validators < 1 {
		return fmt.Errorf("%w: --validators must be at least 1", errUsage)
	}
	if *timeoutCommit < 0 {
		return fmt.Errorf("%w: negative --timeout-commit", errUsage)
	}
	root := *dir
	if root == "" {
		d, err := os.MkdirTemp("", "cbetsload-")
		if err != nil {
			return err
		}
		root = d
	}
	if !*keep {
		defer os.RemoveAll(root)
	} else {
		fmt.Fprintf(stderr, "cbetsload: networks kept in %s\n", root)
	}
	bin, err := findCbetsd(ctx, *binary, root)
	if err != nil {
		return err
	}
	p, err := load.NewParties(*c.seed)
	if err != nil {
		return err
	}
	state, err := p.AppState()
	if err != nil {
		return err
	}
	event := newEventID()
	cw, err := workloads(p, c, event, "cbets", stderr)
	if err != nil {
		return err
	}
	kw, err := load.KVStoreWorkload(cw, len(cw.Chains), event)
	if err != nil {
		return err
	}
	cmp := &Comparison{Validators: *validators}
	for _, step := range []struct {
		app string
		w   *load.Workload
		out **load.Result
	}{{"cbets", cw, &cmp.Cbets}, {"kvstore", kw, &cmp.KVStore}} {
		res, err := loadNetwork(ctx, nettest.Config{Binary: bin, Dir: filepath.Join(root, step.app), Validators: *validators,
			AppState: state, App: step.app, TimeoutCommit: *timeoutCommit, LogLevel: *logLevel}, *c, step.w, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", step.app, err)
		}
		*step.out = res
		if !*c.json {
			fmt.Fprintln(stdout, res)
		}
	}
	if cmp.KVStore.Rate > 0 {
		cmp.Ratio = cmp.Cbets.Rate / cmp.KVStore.Rate
	}
	if *c.json {
		return printJSON(stdout, cmp)
	}
	fmt.Fprintf(stdout, "ratio cbets/kvstore: %.2f (%.1f/s over %.1f/s)\n", cmp.Ratio, cmp.Cbets.Rate, cmp.KVStore.Rate)
	return nil
}

// loadNetwork starts a fresh network, loads it and stops it.
func loadNetwork(ctx context.Context, cfg nettest.Config, c common, w *load.Workload, stderr io.Writer) (res *load.Result, err error) {
	net, err := nettest.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := net.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s", net.Tails(20))
		}
	}()
	if err := net.Start(); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	err = net.WaitHeight(wctx, 2)
	cancel()
	if err != nil {
		return nil, err
	}
	var nodes []load.Node
	for _, nd := range net.Nodes {
		cl, err := nd.Client()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, cl)
	}
	fmt.Fprintf(stderr, "cbetsload: %s: %d validators up (base port %d), loading for %v\n", cfg.App, len(nodes), net.BasePort(), *c.duration)
	res, err = load.Run(ctx, load.Config{Nodes: nodes, Workers: *c.workers, MaxPending: *c.pending, Duration: *c.duration, Progress: progress(stderr)}, w)
	if err != nil {
		return nil, err
	}
	res.LoadAverage = loadAverage()
	return res, nil
}

// findCbetsd returns the cbetsd to run: the one named, the one next to
// this executable, the one on PATH, or one built into dir.
func findCbetsd(ctx context.Context, named, dir string) (string, error) {
	if named != "" {
		return named, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "cbetsd")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath("cbetsd"); err == nil {
		return p, nil
	}
	return nettest.Build(ctx, dir)
}
