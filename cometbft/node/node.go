package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/viper"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/abci/example/kvstore"
	abci "github.com/cometbft/cometbft/abci/types"
	cfg "github.com/cometbft/cometbft/config"
	cmtflags "github.com/cometbft/cometbft/libs/cli/flags"
	"github.com/cometbft/cometbft/libs/log"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/internal/lazyclose"
)

// The applications Start runs.
const (
	// AppCbets is the cbets ticket application (package app).
	AppCbets = "cbets"
	// AppKVStore is CometBFT's kvstore example (abci/example/kvstore),
	// the throughput baseline: it takes key=value transactions.
	AppKVStore = "kvstore"
)

// Options says which home Start runs and what it overrides of the home's
// config.toml.
type Options struct {
	// Home is the node's home directory (see Init and Testnet).
	Home string
	// App is AppCbets or AppKVStore; empty means AppCbets.
	App string
	// Logs receives CometBFT's logs; nil discards them.
	Logs io.Writer
	// LogLevel overrides config.toml's log_level ("info", "error",
	// "consensus:debug,*:error", ...); empty keeps it.
	LogLevel string
	// TimeoutCommit overrides config.toml's consensus.timeout_commit,
	// the pause after each block; zero keeps it.
	TimeoutCommit time.Duration
	// RPCListen overrides config.toml's rpc.laddr (tcp://host:port or
	// unix://path); empty keeps it.
	RPCListen string
	// P2PListen overrides config.toml's p2p.laddr (tcp://host:port);
	// empty keeps it.
	P2PListen string
}

// Node is a running validator.
type Node struct {
	node *nm.Node
	app  io.Closer
	dbs  []*lazyclose.DB
	rpc  string

	once sync.Once
	done chan struct{}
	err  error
}

// Start starts the validator of the home o.Home with the application
// o.App in the same process. The application opens its store in the
// home's data directory and resumes from its last commit; CometBFT's
// handshake replays the blocks it lacks (ctx bounds the start, replay
// included). The node runs until Stop.
func Start(ctx context.Context, o Options) (*Node, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrArgument)
	}
	if o.App == "" {
		o.App = AppCbets
	}
	if o.App != AppCbets && o.App != AppKVStore {
		return nil, fmt.Errorf("%w: app %q, want %q or %q", ErrArgument, o.App, AppCbets, AppKVStore)
	}
	if o.TimeoutCommit < 0 {
		return nil, fmt.Errorf("%w: negative timeout commit %v", ErrArgument, o.TimeoutCommit)
	}
	if o.RPCListen != "" {
		if err := checkListen(o.RPCListen, true); err != nil {
			return nil, fmt.Errorf("%w: rpc address: %w", ErrArgument, err)
		}
	}
	if o.P2PListen != "" {
		if err := checkListen(o.P2PListen, false); err != nil {
			return nil, fmt.Errorf("%w: p2p address: %w", ErrArgument, err)
		}
	}
	conf, err := LoadConfig(o.Home)
	if err != nil {
		return nil, err
	}
	if o.LogLevel != "" {
		conf.LogLevel = o.LogLevel
	}
	if o.TimeoutCommit != 0 {
		conf.Consensus.TimeoutCommit = o.TimeoutCommit
	}
	if o.RPCListen != "" {
		conf.RPC.ListenAddress = o.RPCListen
	}
	if o.P2PListen != "" {
		conf.P2P.ListenAddress = o.P2PListen
	}
	if err := conf.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrArgument, err)
	}
	logger, err := newLogger(o.Logs, conf)
	if err != nil {
		return nil, err
	}
	gen, err := types.GenesisDocFromFile(conf.GenesisFile())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHome, err)
	}
	if o.App == AppCbets {
		if _, err := checkAppState(gen.AppState); err != nil {
			return nil, err
		}
	}
	key, err := p2p.LoadNodeKey(conf.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("%w: node key: %w", ErrHome, err)
	}
	pv, err := loadValidator(conf)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(conf.DBDir(), 0o700); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	// A chain is run by one application: the other's store in the data
	// directory means the home's blocks are not this application's.
	foreign := map[string]string{AppCbets: "kvstore.db", AppKVStore: "app.db"}[o.App]
	if _, err := os.Stat(filepath.Join(conf.DBDir(), foreign)); err == nil {
		return nil, fmt.Errorf("%w: app %q: the home's data holds another application's store (%s)", ErrArgument, o.App, foreign)
	}

	n := &Node{rpc: conf.RPC.ListenAddress, done: make(chan struct{})}
	var application abci.Application
	switch o.App {
	case AppCbets:
		a, err := app.Open(conf.DBDir())
		if err != nil {
			return nil, fmt.Errorf("node: %w", err)
		}
		application, n.app = a, a
	case AppKVStore:
		a, err := openKVStore(conf.DBDir())
		if err != nil {
			return nil, err
		}
		application, n.app = a, a
	}
	var mu sync.Mutex
	dbs := func(ctx *cfg.DBContext) (dbm.DB, error) {
		db, err := cfg.DefaultDBProvider(ctx)
		if err != nil {
			return nil, err
		}
		s := lazyclose.Wrap(db)
		mu.Lock()
		n.dbs = append(n.dbs, s)
		mu.Unlock()
		return s, nil
	}
	node, err := nm.NewNodeWithContext(ctx, conf, pv, key, proxy.NewLocalClientCreator(application),
		func() (*types.GenesisDoc, error) { return gen, nil },
		dbs, nm.DefaultMetricsProvider(conf.Instrumentation), logger)
	if err == nil {
		if err = node.Start(); err != nil {
			node.Stop()
			node.ProxyApp().Stop()
		}
	}
	if err != nil {
		n.release()
		return nil, fmt.Errorf("node: starting %s: %w", o.Home, err)
	}
	n.node = node
	return n, nil
}

// Run starts the validator (see Start), runs it until ctx is done, and
// stops it.
func Run(ctx context.Context, o Options) error {
	n, err := Start(ctx, o)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return n.Stop()
}

// RPCAddress returns the address the node's RPC server listens on
// (config.toml's rpc.laddr or Options.RPCListen), "" when it is off.
func (n *Node) RPCAddress() string {
	if n == nil {
		return ""
	}
	return n.rpc
}

// errNotStarted: a Node not returned by Start.
var errNotStarted = fmt.Errorf("%w: a Node not made by Start", ErrArgument)

// Stop stops the node and, once its reactors have wound down, closes its
// stores and the application's. It returns when they are closed; a second
// Stop waits for the first and returns its error.
func (n *Node) Stop() error {
	if n == nil || n.node == nil || n.done == nil {
		return errNotStarted
	}
	n.once.Do(func() {
		err := n.node.Stop()
		n.node.Wait()
		// The node leaves its connections to the application open.
		err = errors.Join(err, n.node.ProxyApp().Stop())
		time.Sleep(lazyclose.Grace)
		n.err = errors.Join(err, n.release())
		close(n.done)
	})
	<-n.done
	return n.err
}

// Wait waits until the node is stopped and its stores closed, and returns
// Stop's error.
func (n *Node) Wait() error {
	if n == nil || n.done == nil {
		return errNotStarted
	}
	<-n.done
	return n.err
}

// release closes the application's store and the node's.
func (n *Node) release() error {
	err := n.app.Close()
	for _, db := range n.dbs {
		err = errors.Join(err, db.Release())
	}
	return err
}

// LoadConfig reads the home's config.toml as CometBFT's own command does:
// CometBFT's defaults, overridden by the file.
func LoadConfig(home string) (*cfg.Config, error) {
	if home == "" {
		return nil, fmt.Errorf("%w: empty home", ErrArgument)
	}
	path := configFile(home)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s: no config.toml (run init first)", ErrHome, home)
		}
		return nil, fmt.Errorf("%w: %w", ErrHome, err)
	}
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrHome, path, err)
	}
	conf := cfg.DefaultConfig()
	if err := v.Unmarshal(conf); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrHome, path, err)
	}
	conf.SetRoot(home)
	if err := conf.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrHome, path, err)
	}
	return conf, nil
}

// newLogger returns a logger writing to w in the configuration's format
// at its level; nil w discards the logs (the level is checked anyway).
func newLogger(w io.Writer, conf *cfg.Config) (log.Logger, error) {
	var l log.Logger = log.NewNopLogger()
	if w != nil {
		if conf.LogFormat == cfg.LogFormatJSON {
			l = log.NewTMJSONLogger(log.NewSyncWriter(w))
		} else {
			l = log.NewTMLogger(log.NewSyncWriter(w))
		}
	}
	l, err := cmtflags.ParseLogLevel(conf.LogLevel, l, cfg.DefaultLogLevel)
	if err != nil {
		return nil, fmt.Errorf("%w: log level %q: %w", ErrArgument, conf.LogLevel, err)
	}
	return l, nil
}

// checkListen checks a listen address: tcp://host:port, or unix://path
// when unix is allowed.
func checkListen(addr string, unix bool) error {
	proto, rest, ok := strings.Cut(addr, "://")
	switch {
	case !ok:
		return fmt.Errorf("%q: want tcp://host:port", addr)
	case proto == "unix" && unix && rest != "":
		return nil
	case proto != "tcp":
		return fmt.Errorf("%q: unknown protocol %q", addr, proto)
	}
	_, port, err := net.SplitHostPort(rest)
	if err != nil {
		return fmt.Errorf("%q: %w", addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q: bad port %q", addr, port)
	}
	return nil
}

// openKVStore opens CometBFT's kvstore example over a goleveldb database
// named "kvstore" in dir. (kvstore.NewPersistentApplication panics when
// the database does not open, and kvstore.NewApplication when its state
// does not parse; this returns an error.)
func openKVStore(dir string) (a *kvstore.Application, err error) {
	db, err := dbm.NewGoLevelDB("kvstore", dir)
	if err != nil {
		return nil, fmt.Errorf("node: kvstore: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			db.Close()
			a, err = nil, fmt.Errorf("%w: kvstore: %v", ErrHome, r)
		}
	}()
	return kvstore.NewApplication(db), nil
}
