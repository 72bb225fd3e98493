// Command cbetsd runs a validator of a cbets network: CometBFT with the
// cbets ticket application in the same process (package node).
//
//	cbetsd init    --home DIR --app-state FILE [--chain-id ID] [--moniker M] [--force]
//	cbetsd testnet --validators N --output DIR --app-state FILE [--chain-id ID] [--base-port P]
//	cbetsd start   --home DIR [--log-level L] [--app cbets|kvstore] [--timeout-commit D]
//	               [--rpc-laddr ADDR] [--p2p-laddr ADDR]
//	cbetsd version
//
// init writes a standard CometBFT home for a chain of one validator;
// testnet writes DIR/node0 … DIR/node{N-1}, one genesis, wired to each other
// on 127.0.0.1 (node i: P2P port P+10i, RPC port P+10i+1; P is 26600
// unless given). FILE is the genesis app state, an app.Genesis in JSON.
// start runs the home's validator until SIGINT or SIGTERM, then stops it
// cleanly and exits 0; it resumes from the home's stores after any stop.
// --app kvstore runs CometBFT's kvstore example instead of the ticket
// application, the throughput baseline. Its flags override config.toml;
// everything else is set there. Logs go to stderr.
//
// A network of 4 validators on loopback, from the cometbft directory:
//
//	go build ./cmd/cbetsd
//	./cbetsd testnet --validators 4 --output net --app-state app-state.json
//	for i in 0 1 2 3; do ./cbetsd start --home net/node$i --log-level error & done
//	curl -s http://127.0.0.1:26601/status
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/version"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/node"
)

// Exit codes.
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
  cbetsd init    --home DIR --app-state FILE [--chain-id ID] [--moniker M] [--force]
  cbetsd testnet --validators N --output DIR --app-state FILE [--chain-id ID] [--base-port P]
  cbetsd start   --home DIR [--log-level L] [--app cbets|kvstore] [--timeout-commit D]
                 [--rpc-laddr ADDR] [--p2p-laddr ADDR]
  cbetsd version
`

// usageError is a command line error: the usage is printed and the exit
// code is 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// run runs the command line args; a start runs until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "init":
		err = initCmd(rest, stdout, stderr)
	case "testnet":
		err = testnetCmd(rest, stdout, stderr)
	case "start":
		err = startCmd(ctx, rest, stderr)
	case "version":
		err = versionCmd(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		err = usagef("unknown command %q", cmd)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(*usageError)):
		fmt.Fprintf(stderr, "cbetsd: %v\n%s", err, usage)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "cbetsd: %v\n", err)
		return exitFail
	}
}

// parse parses a subcommand's flags, refusing positional arguments and
// missing required flags.
func parse(fs *flag.FlagSet, args []string, required ...string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range required {
		if !set[name] {
			return usagef("%s: --%s is required", fs.Name(), name)
		}
	}
	return nil
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func initCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("init", stderr)
	home := fs.String("home", "", "home directory to write")
	appState := fs.String("app-state", "", "file holding the genesis app state (app.Genesis JSON)")
	chainID := fs.String("chain-id", node.DefaultChainID, "chain id")
	moniker := fs.String("moniker", "", "node name (default: the host name)")
	force := fs.Bool("force", false, "rewrite config.toml and genesis.json of a home that has a genesis (keys are kept; a home whose data holds a chain is still refused)")
	if err := parse(fs, args, "home", "app-state"); err != nil {
		return err
	}
	state, err := os.ReadFile(*appState)
	if err != nil {
		return err
	}
	err = node.Init(node.InitConfig{Home: *home, AppState: state, ChainID: *chainID, Moniker: *moniker,
		GenesisTime: time.Now(), Force: *force})
	if err != nil {
		return err
	}
	key, err := p2p.LoadNodeKey(filepath.Join(*home, "config", "node_key.json"))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "initialized %s: chain %s, node %s\n", *home, *chainID, key.ID())
	return nil
}

func testnetCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("testnet", stderr)
	validators := fs.Int("validators", 4, "number of validators")
	output := fs.String("output", "", "missing or empty directory that receives node0 … node{N-1}")
	appState := fs.String("app-state", "", "file holding the genesis app state (app.Genesis JSON)")
	chainID := fs.String("chain-id", node.DefaultChainID, "chain id")
	basePort := fs.Int("base-port", node.DefaultBasePort, "node i listens for peers on port P+10i and for RPC on P+10i+1")
	if err := parse(fs, args, "output", "app-state"); err != nil {
		return err
	}
	state, err := os.ReadFile(*appState)
	if err != nil {
		return err
	}
	err = node.Testnet(node.TestnetConfig{Validators: *validators, Output: *output, AppState: state,
		ChainID: *chainID, BasePort: *basePort, GenesisTime: time.Now()})
	if err != nil {
		return err
	}
	for i := range *validators {
		p := *basePort + 10*i
		fmt.Fprintf(stdout, "%s: p2p 127.0.0.1:%d, rpc http://127.0.0.1:%d\n",
			filepath.Join(*output, fmt.Sprintf("node%d", i)), p, p+1)
	}
	return nil
}

func startCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlags("start", stderr)
	home := fs.String("home", "", "home directory of the validator")
	level := fs.String("log-level", "", `log level, e.g. "info", "error", "none" or "consensus:info,*:error" (default: config.toml's)`)
	appName := fs.String("app", node.AppCbets, "application: cbets, or kvstore (CometBFT's example, the throughput baseline)")
	timeoutCommit := fs.Duration("timeout-commit", 0, "pause after each block (default: config.toml's)")
	rpc := fs.String("rpc-laddr", "", "RPC listen address, tcp://host:port (default: config.toml's)")
	p2pAddr := fs.String("p2p-laddr", "", "P2P listen address, tcp://host:port (default: config.toml's)")
	if err := parse(fs, args, "home"); err != nil {
		return err
	}
	if *timeoutCommit < 0 {
		return usagef("start: negative --timeout-commit %v", *timeoutCommit)
	}
	return node.Run(ctx, node.Options{Home: *home, App: *appName, Logs: stderr, LogLevel: *level,
		TimeoutCommit: *timeoutCommit, RPCListen: *rpc, P2PListen: *p2pAddr})
}

func versionCmd(args []string, stdout, stderr io.Writer) error {
	if err := parse(newFlags("version", stderr), args); err != nil {
		return err
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(stdout, "cbetsd %s\ncometbft %s\nabci %s\napp %d\n", v, version.TMCoreSemVer, version.ABCISemVer, app.AppVersion)
	return nil
}
