// Package localnet runs a CometBFT network of N validators in one process,
// on loopback, each with its own ticket application (package app), home
// directory and stores. Validators can be stopped and restarted; a
// restarted validator resumes from its stores and catches up from its
// peers.
package localnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	cfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/libs/log"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/client/local"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/internal/lazyclose"
)

// Config describes a network.
type Config struct {
	// Validators is the number of validators, each of equal power.
	Validators int
	// Dir holds one home directory per validator.
	Dir string
	// ChainID names the chain; empty means "cbets-localnet".
	ChainID string
	// AppState is the genesis app state (app.Genesis as JSON).
	AppState []byte
	// BlockInterval is the pause after a commit (timeout_commit); zero
	// means 100 ms. Blocks are made only when there are transactions.
	BlockInterval time.Duration
	// Logger receives CometBFT's logs; nil discards them.
	Logger log.Logger
	// RPC turns on each validator's HTTP RPC server, on a free loopback
	// port (Validator.RPCAddress); off, clients are in-process only.
	RPC bool
}

// Network is a running local network.
type Network struct {
	cfg     Config
	genesis *types.GenesisDoc
	nodes   []*Validator
}

// Validator is one validator of the network.
type Validator struct {
	Index int
	home  string
	rpc   string // the RPC server's URL, "" when off
	conf  *cfg.Config
	key   *p2p.NodeKey
	net   *Network

	mu       sync.Mutex
	node     *nm.Node
	app      *app.App
	client   *local.Local
	dbs      []*lazyclose.DB
	released chan struct{} // closed once a stopped validator's stores are closed
}

// Start creates the validators' homes, keys and the genesis, and starts
// every validator.
func Start(c Config) (*Network, error) {
	if c.Validators < 1 {
		return nil, errors.New("localnet: no validators")
	}
	if c.ChainID == "" {
		c.ChainID = "cbets-localnet"
	}
	if c.BlockInterval == 0 {
		c.BlockInterval = 100 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = log.NewNopLogger()
	}
	ports, err := freePorts(2 * c.Validators) // P2P, then RPC
	if err != nil {
		return nil, err
	}
	n := &Network{cfg: c}
	gen := &types.GenesisDoc{
		ChainID:         c.ChainID,
		GenesisTime:     time.Now().UTC(),
		ConsensusParams: types.DefaultConsensusParams(),
		AppState:        c.AppState,
	}
	for i := range c.Validators {
		v := &Validator{Index: i, home: filepath.Join(c.Dir, fmt.Sprintf("validator%d", i)), net: n}
		v.conf = config(v.home, ports[i], c.BlockInterval)
		if c.RPC {
			v.conf.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", ports[c.Validators+i])
			v.rpc = fmt.Sprintf("http://127.0.0.1:%d", ports[c.Validators+i])
		}
		for _, d := range []string{filepath.Dir(v.conf.GenesisFile()), v.conf.DBDir()} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				return nil, err
			}
		}
		if v.key, err = p2p.LoadOrGenNodeKey(v.conf.NodeKeyFile()); err != nil {
			return nil, err
		}
		pv := privval.LoadOrGenFilePV(v.conf.PrivValidatorKeyFile(), v.conf.PrivValidatorStateFile())
		pub, err := pv.GetPubKey()
		if err != nil {
			return nil, err
		}
		gen.Validators = append(gen.Validators, types.GenesisValidator{
			Address: pub.Address(), PubKey: pub, Power: 10, Name: fmt.Sprintf("validator%d", i)})
		n.nodes = append(n.nodes, v)
	}
	if err := gen.ValidateAndComplete(); err != nil {
		return nil, err
	}
	n.genesis = gen
	for i, v := range n.nodes {
		var peers []string
		for j, w := range n.nodes {
			if j != i {
				peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", w.key.ID(), ports[j]))
			}
		}
		v.conf.P2P.PersistentPeers = strings.Join(peers, ",")
		if err := gen.SaveAs(v.conf.GenesisFile()); err != nil {
			return nil, err
		}
	}
	for _, v := range n.nodes {
		if err := v.Start(); err != nil {
			n.Close()
			return nil, err
		}
	}
	return n, nil
}

// config returns a validator's configuration: loopback only, no HTTP RPC
// (Start turns it on with Config.RPC), no peer exchange, short timeouts, blocks only
// when there are transactions.
func config(home string, port int, interval time.Duration) *cfg.Config {
	c := cfg.DefaultConfig()
	c.SetRoot(home)
	c.Moniker = filepath.Base(home)
	c.RPC.ListenAddress = ""
	// A transaction may wait for a few blocks when the machine is busy
	// (four validators in one process, beside other tests): waiting for
	// its commit is bounded by the caller's context, not by CometBFT's
	// default of 10 s.
	c.RPC.TimeoutBroadcastTxCommit = time.Minute
	c.P2P.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", port)
	c.P2P.PexReactor = false
	c.P2P.AddrBookStrict = false
	c.P2P.AllowDuplicateIP = true
	c.P2P.FlushThrottleTimeout = 10 * time.Millisecond
	c.P2P.DialTimeout = time.Second
	c.Consensus.TimeoutPropose = 400 * time.Millisecond
	c.Consensus.TimeoutProposeDelta = 100 * time.Millisecond
	c.Consensus.TimeoutPrevote = 100 * time.Millisecond
	c.Consensus.TimeoutPrevoteDelta = 50 * time.Millisecond
	c.Consensus.TimeoutPrecommit = 100 * time.Millisecond
	c.Consensus.TimeoutPrecommitDelta = 50 * time.Millisecond
	c.Consensus.TimeoutCommit = interval
	c.Consensus.CreateEmptyBlocks = false
	c.Consensus.PeerGossipSleepDuration = 10 * time.Millisecond
	c.Consensus.PeerQueryMaj23SleepDuration = 100 * time.Millisecond
	c.TxIndex.Indexer = "null"
	c.Instrumentation.Prometheus = false
	return c
}

// freePorts asks the system for n distinct free loopback ports.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Validators returns the validators.
func (n *Network) Validators() []*Validator { return n.nodes }

// Validator returns validator i.
func (n *Network) Validator(i int) *Validator { return n.nodes[i] }

// Genesis returns the network's genesis document: its chain id and
// validators are what a client checks headers against.
func (n *Network) Genesis() *types.GenesisDoc { return n.genesis }

// Close stops every running validator and returns once their stores are
// closed.
func (n *Network) Close() error {
	var errs []error
	for _, v := range n.nodes {
		errs = append(errs, v.Stop())
	}
	for _, v := range n.nodes {
		v.wait()
	}
	return errors.Join(errs...)
}

// Start starts (or restarts) the validator from its home directory: the
// application resumes from its store, CometBFT replays what the
// application lacks and catches up from the peers.
func (v *Validator) Start() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.node != nil {
		return fmt.Errorf("localnet: validator %d is running", v.Index)
	}
	if v.released != nil {
		<-v.released
		v.released = nil
	}
	a, err := app.Open(v.conf.DBDir())
	if err != nil {
		return err
	}
	v.dbs = nil
	dbs := func(ctx *cfg.DBContext) (dbm.DB, error) {
		db, err := cfg.DefaultDBProvider(ctx)
		if err != nil {
			return nil, err
		}
		s := lazyclose.Wrap(db)
		v.dbs = append(v.dbs, s)
		return s, nil
	}
	gen := v.net.genesis
	pv := privval.LoadFilePV(v.conf.PrivValidatorKeyFile(), v.conf.PrivValidatorStateFile())
	node, err := nm.NewNode(v.conf, pv, v.key, proxy.NewLocalClientCreator(a),
		func() (*types.GenesisDoc, error) { return gen, nil },
		dbs, nm.DefaultMetricsProvider(v.conf.Instrumentation),
		v.net.cfg.Logger.With("validator", v.Index))
	if err == nil {
		err = node.Start()
	}
	if err != nil {
		a.Close()
		for _, db := range v.dbs {
			db.Release()
		}
		return fmt.Errorf("localnet: validator %d: %w", v.Index, err)
	}
	v.node, v.app, v.client = node, a, local.New(node)
	return nil
}

// Stop stops the validator. Its stores are closed a moment later (see
// store); Start waits for that. Stopping a stopped validator does nothing.
func (v *Validator) Stop() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.node == nil {
		return nil
	}
	err := v.node.Stop()
	v.node.Wait()
	// The node leaves its connections to the application open.
	err = errors.Join(err, v.node.ProxyApp().Stop())
	a, dbs, done := v.app, v.dbs, make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(2 * lazyclose.Grace) // in-process restarts: a wider margin than a process needs
		a.Close()
		for _, db := range dbs {
			db.Release()
		}
	}()
	v.node, v.app, v.client, v.dbs, v.released = nil, nil, nil, nil, done
	return err
}

// wait waits until a stopped validator's stores are closed.
func (v *Validator) wait() {
	v.mu.Lock()
	done := v.released
	v.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Running reports whether the validator runs.
func (v *Validator) Running() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.node != nil
}

// Client returns an in-process RPC client of the running validator.
func (v *Validator) Client() *local.Local {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.client
}

// RPCAddress returns the URL of the validator's HTTP RPC server
// (http://127.0.0.1:port), or "" when Config.RPC is off.
func (v *Validator) RPCAddress() string { return v.rpc }

// LastCommitted returns the application's last committed height and app
// hash; ok is false if the validator is stopped.
func (v *Validator) LastCommitted() (height int64, appHash []byte, ok bool) {
	v.mu.Lock()
	a := v.app
	v.mu.Unlock()
	if a == nil {
		return 0, nil, false
	}
	h, hash := a.LastCommitted()
	return h, hash, true
}

// ErrDiverged reports validators with different app hashes at one height.
var ErrDiverged = errors.New("localnet: app hashes differ at the same height")

// WaitAgree waits until the given validators (all, if none is given) have
// committed the same height, at least min, and returns it with the app
// hash they agree on. Different app hashes at one height fail at once.
func (n *Network) WaitAgree(ctx context.Context, min int64, which ...int) (int64, []byte, error) {
	if len(which) == 0 {
		for i := range n.nodes {
			which = append(which, i)
		}
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		var height int64 = -1
		var hash []byte
		same := true
		for _, i := range which {
			h, ah, ok := n.nodes[i].LastCommitted()
			if !ok {
				return 0, nil, fmt.Errorf("localnet: validator %d is stopped", i)
			}
			switch {
			case height == -1:
				height, hash = h, ah
			case h != height:
				same = false
			case string(ah) != string(hash):
				return 0, nil, fmt.Errorf("%w: height %d", ErrDiverged, h)
			}
		}
		if same && height >= min {
			return height, hash, nil
		}
		select {
		case <-ctx.Done():
			return 0, nil, fmt.Errorf("localnet: validators %v did not agree on a height ≥ %d: %w", which, min, ctx.Err())
		case <-tick.C:
		}
	}
}
