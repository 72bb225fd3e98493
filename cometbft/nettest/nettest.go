package nettest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
)

// Package path of the node command Build compiles.
const cbetsdPackage = "github.com/cbets/cbets/cometbft/cmd/cbetsd"

// Errors of the package; test for them with errors.Is.
var (
	// ErrArgument: a bad argument (an empty path, a count below one, …).
	ErrArgument = errors.New("nettest: bad argument")
	// ErrDiverged: validators report different blocks, app hashes or
	// query answers at the same height.
	ErrDiverged = errors.New("nettest: validators disagree")
	// ErrRunning: the validator is already running.
	ErrRunning = errors.New("nettest: validator already running")
)

// Build compiles cbetsd with `go build` into dir and returns the
// binary's path. The go command runs in the current directory, which must
// be inside the cometbft module (a test's is).
func Build(ctx context.Context, dir string) (string, error) {
	if ctx == nil || dir == "" {
		return "", fmt.Errorf("%w: Build needs a context and a directory", ErrArgument)
	}
	out := filepath.Join(dir, "cbetsd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, cbetsdPackage)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("nettest: go build %s: %w\n%s", cbetsdPackage, err, msg)
	}
	return out, nil
}

// portsPerNode is how many ports `cbetsd testnet` gives each node (P+10i).
const portsPerNode = 10

// FreeBasePort returns a base port P for n validators such that every
// port from P to P+10n−1 is free on 127.0.0.1 now. It draws candidates
// below Linux's ephemeral range, where outgoing connections do not take
// ports. Another process may still take one before the network binds it.
func FreeBasePort(n int) (int, error) {
	if n < 1 || n > 100 {
		return 0, fmt.Errorf("%w: %d validators", ErrArgument, n)
	}
	const lo, hi = 20000, 32000
	for range 200 {
		p := lo + rand.IntN((hi-lo-portsPerNode*n)/portsPerNode)*portsPerNode
		if free(p, portsPerNode*n) {
			return p, nil
		}
	}
	return 0, errors.New("nettest: no free port range found")
}

// free reports whether ports p … p+n−1 can all be bound on 127.0.0.1.
func free(p, n int) bool {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range n {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+i)))
		if err != nil {
			return false
		}
		ls = append(ls, l)
	}
	return true
}

// Config describes a network.
type Config struct {
	// Binary is the cbetsd to run (Build).
	Binary string
	// Dir receives the homes (Dir/node0 …) and the logs (Dir/logs); it
	// must be missing or empty.
	Dir string
	// Validators is the number of validators.
	Validators int
	// AppState is the genesis app state (app.Genesis in JSON).
	AppState []byte
	// App is "cbets" (empty) or "kvstore", cbetsd start's --app.
	App string
	// TimeoutCommit is cbetsd start's --timeout-commit; zero keeps the
	// home's.
	TimeoutCommit time.Duration
	// LogLevel is cbetsd start's --log-level; empty means "info".
	LogLevel string
	// ChainID names the chain; empty keeps cbetsd's default.
	ChainID string
}

// Network is a testnet of cbetsd processes.
type Network struct {
	cfg   Config
	base  int
	Nodes []*Node
}

// Node is one validator of a Network.
type Node struct {
	Index int
	// Home is the validator's home directory, Log the file that receives
	// its output, RPC its RPC address (http://127.0.0.1:port).
	Home, Log, RPC string

	net *Network

	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{} // closed when cmd has exited
	exit   error         // cmd.Wait's result
	client *rpchttp.HTTP
}

// New writes a testnet with `cbetsd testnet` on a free base port. No
// validator runs yet (Start).
func New(ctx context.Context, c Config) (*Network, error) {
	switch {
	case ctx == nil:
		return nil, fmt.Errorf("%w: nil context", ErrArgument)
	case c.Binary == "" || c.Dir == "":
		return nil, fmt.Errorf("%w: no binary or directory", ErrArgument)
	case c.Validators < 1 || c.Validators > 100:
		return nil, fmt.Errorf("%w: %d validators", ErrArgument, c.Validators)
	case len(c.AppState) == 0:
		return nil, fmt.Errorf("%w: no app state", ErrArgument)
	case c.App != "" && c.App != "cbets" && c.App != "kvstore":
		return nil, fmt.Errorf("%w: app %q", ErrArgument, c.App)
	case c.TimeoutCommit < 0:
		return nil, fmt.Errorf("%w: negative timeout commit", ErrArgument)
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if err := os.MkdirAll(filepath.Join(c.Dir, "logs"), 0o755); err != nil {
		return nil, err
	}
	stateFile := filepath.Join(c.Dir, "app-state.json")
	if err := os.WriteFile(stateFile, c.AppState, 0o644); err != nil {
		return nil, err
	}
	base, err := FreeBasePort(c.Validators)
	if err != nil {
		return nil, err
	}
	homes := filepath.Join(c.Dir, "homes")
	args := []string{"testnet", "--validators", strconv.Itoa(c.Validators), "--output", homes,
		"--app-state", stateFile, "--base-port", strconv.Itoa(base)}
	if c.ChainID != "" {
		args = append(args, "--chain-id", c.ChainID)
	}
	if out, err := exec.CommandContext(ctx, c.Binary, args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("nettest: cbetsd %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	n := &Network{cfg: c, base: base}
	for i := range c.Validators {
		n.Nodes = append(n.Nodes, &Node{
			Index: i,
			Home:  filepath.Join(homes, fmt.Sprintf("node%d", i)),
			Log:   filepath.Join(c.Dir, "logs", fmt.Sprintf("node%d.log", i)),
			RPC:   fmt.Sprintf("http://127.0.0.1:%d", base+portsPerNode*i+1),
			net:   n,
		})
	}
	return n, nil
}

// BasePort returns the network's base port.
func (n *Network) BasePort() int { return n.base }

// Start starts every validator that is not running.
func (n *Network) Start() error {
	var errs []error
	for _, nd := range n.Nodes {
		if nd.Running() {
			continue
		}
		errs = append(errs, nd.Start())
	}
	return errors.Join(errs...)
}

// Stop stops every running validator with SIGTERM (Node.Stop), all at
// once.
func (n *Network) Stop(timeout time.Duration) error {
	return n.each(func(nd *Node) error { return nd.Stop(timeout) })
}

// Kill kills every running validator with SIGKILL, all at once.
func (n *Network) Kill() error {
	return n.each(func(nd *Node) error { return nd.Kill() })
}

func (n *Network) each(f func(*Node) error) error {
	errs := make([]error, len(n.Nodes))
	var wg sync.WaitGroup
	for i, nd := range n.Nodes {
		wg.Go(func() { errs[i] = f(nd) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Close stops the network: SIGTERM, then SIGKILL after 10 s.
func (n *Network) Close() error { return n.Stop(10 * time.Second) }

// Start starts the validator: `cbetsd start --home …` with the
// network's app, log level and timeout, its output appended to Log.
func (nd *Node) Start() error {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd != nil {
		return fmt.Errorf("%w: node %d", ErrRunning, nd.Index)
	}
	c := nd.net.cfg
	args := []string{"start", "--home", nd.Home, "--log-level", c.LogLevel}
	if c.App != "" {
		args = append(args, "--app", c.App)
	}
	if c.TimeoutCommit > 0 {
		args = append(args, "--timeout-commit", c.TimeoutCommit.String())
	}
	logf, err := os.OpenFile(nd.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "=== %s: cbetsd %s\n", time.Now().Format(time.RFC3339Nano), strings.Join(args, " "))
	cmd := exec.Command(c.Binary, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	detach(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("nettest: node %d: %w", nd.Index, err)
	}
	done := make(chan struct{})
	nd.cmd, nd.done, nd.exit = cmd, done, nil
	go func() {
		err := cmd.Wait()
		fmt.Fprintf(logf, "=== %s: exited: %v\n", time.Now().Format(time.RFC3339Nano), errOrOK(err))
		logf.Close()
		nd.mu.Lock()
		nd.exit = err
		nd.mu.Unlock()
		close(done)
	}()
	return nil
}

func errOrOK(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}

// Running reports whether the validator's process runs.
func (nd *Node) Running() bool {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd == nil {
		return false
	}
	select {
	case <-nd.done:
		return false
	default:
		return true
	}
}

// Exited returns a channel closed when the running validator's process
// exits (nil when none runs).
func (nd *Node) Exited() <-chan struct{} {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.done
}

// signal sends sig to the running process, waits for it to exit (up to
// timeout, then kills it) and returns how it exited. A node that is not
// running is left alone.
func (nd *Node) signal(sig syscall.Signal, timeout time.Duration) (exit error, killed bool, err error) {
	nd.mu.Lock()
	cmd, done := nd.cmd, nd.done
	nd.mu.Unlock()
	if cmd == nil {
		return nil, false, nil
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return nil, false, fmt.Errorf("nettest: node %d: %w", nd.Index, err)
	}
	select {
	case <-done:
	case <-time.After(timeout):
		killed = true
		_ = cmd.Process.Kill()
		<-done
	}
	nd.mu.Lock()
	exit = nd.exit
	nd.cmd, nd.done, nd.client = nil, nil, nil
	nd.mu.Unlock()
	return exit, killed, nil
}

// Stop stops the validator with SIGTERM and waits for it to exit; past
// timeout it is killed and Stop fails. A validator that exits with a
// status other than 0 fails Stop too. A stopped validator is left alone.
func (nd *Node) Stop(timeout time.Duration) error {
	exit, killed, err := nd.signal(syscall.SIGTERM, timeout)
	switch {
	case err != nil:
		return err
	case killed:
		return fmt.Errorf("nettest: node %d did not stop within %v of SIGTERM and was killed", nd.Index, timeout)
	case exit != nil:
		return fmt.Errorf("nettest: node %d exited after SIGTERM: %w", nd.Index, exit)
	}
	return nil
}

// Kill kills the validator with SIGKILL (kill -9) and waits for it to
// exit.
func (nd *Node) Kill() error {
	_, _, err := nd.signal(syscall.SIGKILL, time.Minute)
	return err
}

// Client returns an RPC client of the validator, made once per start.
// Its HTTP transport keeps up to 64 connections alive, for a load's
// workers.
func (nd *Node) Client() (*rpchttp.HTTP, error) {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.client != nil {
		return nd.client, nil
	}
	c, err := NewClient(nd.RPC)
	if err != nil {
		return nil, err
	}
	nd.client = c
	return c, nil
}

// NewClient returns an HTTP RPC client of addr (http://host:port) whose
// transport keeps up to 64 connections alive.
func NewClient(addr string) (*rpchttp.HTTP, error) {
	hc := &http.Client{Transport: &http.Transport{
		DisableCompression:  true,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	}}
	c, err := rpchttp.NewWithClient(addr, "/websocket", hc)
	if err != nil {
		return nil, fmt.Errorf("nettest: rpc client %s: %w", addr, err)
	}
	return c, nil
}

// Tail returns the last lines of the validator's log.
func (nd *Node) Tail(lines int) string {
	b, err := os.ReadFile(nd.Log)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	b = bytes.TrimRight(b, "\n")
	for i, k := len(b)-1, 0; i >= 0; i-- {
		if b[i] == '\n' {
			if k++; k == lines {
				return string(b[i+1:])
			}
		}
	}
	return string(b)
}

// Tails returns the end of every validator's log, headed by its name.
func (n *Network) Tails(lines int) string {
	var sb strings.Builder
	for _, nd := range n.Nodes {
		fmt.Fprintf(&sb, "----- node%d (%s), last %d lines:\n%s\n", nd.Index, nd.Log, lines, nd.Tail(lines))
	}
	return sb.String()
}

// Status asks the running validator for its status.
func (nd *Node) Status(ctx context.Context) (*ctypes.ResultStatus, error) {
	c, err := nd.Client()
	if err != nil {
		return nil, err
	}
	return c.Status(ctx)
}

// WaitHeight waits until the validator answers and has committed height
// min or more, and returns its latest height.
func (nd *Node) WaitHeight(ctx context.Context, min int64) (int64, error) {
	var last error
	for {
		st, err := nd.Status(ctx)
		if err == nil {
			if h := st.SyncInfo.LatestBlockHeight; h >= min && !st.SyncInfo.CatchingUp {
				return h, nil
			}
		} else {
			last = err
		}
		if ex := nd.Exited(); ex != nil {
			select {
			case <-ex:
				return 0, fmt.Errorf("nettest: node %d exited while waited for", nd.Index)
			default:
			}
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("nettest: node %d did not reach height %d: %w (last error: %v)", nd.Index, min, ctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// WaitHeight waits until every running validator has committed height min
// or more.
func (n *Network) WaitHeight(ctx context.Context, min int64) error {
	return n.each(func(nd *Node) error {
		if !nd.Running() {
			return nil
		}
		_, err := nd.WaitHeight(ctx, min)
		return err
	})
}

// MaxHeight returns the highest latest height the running validators
// report (0 when none answers).
func (n *Network) MaxHeight(ctx context.Context) int64 {
	var h int64
	for _, nd := range n.Nodes {
		if st, err := nd.Status(ctx); err == nil {
			h = max(h, st.SyncInfo.LatestBlockHeight)
		}
	}
	return h
}

// Agreement is what every validator reported at one height.
type Agreement struct {
	// Height is the last height every validator committed, as their
	// applications report it (ABCIInfo), and AppHash their app hash
	// after it.
	Height  int64
	AppHash []byte
	// BlockHash is the hash of the block at Height, the same in every
	// validator's commit (the header names the app hash before it).
	BlockHash []byte
}

// Agree waits until every validator's application reports the same last
// height, at least min, and returns it with the app hash they report
// there, checked against the header of the block after it where one
// exists. Different app hashes or block hashes at one height fail with
// ErrDiverged at once.
func (n *Network) Agree(ctx context.Context, min int64) (*Agreement, error) {
	for {
		a, same, err := n.agree(ctx, min)
		if err != nil || same {
			return a, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("nettest: validators did not agree on a height ≥ %d: %w", min, ctx.Err())
		case <-time.After(30 * time.Millisecond):
		}
	}
}

// agree compares the validators once.
func (n *Network) agree(ctx context.Context, min int64) (*Agreement, bool, error) {
	type info struct {
		height int64
		hash   []byte
	}
	infos := make([]info, len(n.Nodes))
	for i, nd := range n.Nodes {
		c, err := nd.Client()
		if err != nil {
			return nil, false, err
		}
		res, err := c.ABCIInfo(ctx)
		if err != nil {
			return nil, false, nil // not up (yet): ask again
		}
		infos[i] = info{res.Response.LastBlockHeight, res.Response.LastBlockAppHash}
	}
	h := infos[0].height
	for _, in := range infos {
		if in.height != h {
			return nil, false, nil
		}
	}
	if h < min {
		return nil, false, nil
	}
	a := &Agreement{Height: h, AppHash: infos[0].hash}
	for i, in := range infos {
		if !bytes.Equal(in.hash, a.AppHash) {
			return nil, false, fmt.Errorf("%w: at height %d node 0 reports app hash %X, node %d %X", ErrDiverged, h, a.AppHash, i, in.hash)
		}
	}
	// The committed blocks at h agree too.
	for i, nd := range n.Nodes {
		c, _ := nd.Client()
		hh := h
		res, err := c.Commit(ctx, &hh)
		if err != nil {
			return nil, false, fmt.Errorf("nettest: node %d: commit %d: %w", i, h, err)
		}
		bh := res.SignedHeader.Commit.BlockID.Hash
		if i == 0 {
			a.BlockHash = bh
		} else if !bytes.Equal(bh, a.BlockHash) {
			return nil, false, fmt.Errorf("%w: block %d is %X on node 0, %X on node %d", ErrDiverged, h, a.BlockHash, bh, i)
		}
	}
	return a, true, nil
}

// AppHashAt returns the app hash after height h that the header of block
// h+1 names, as node nd serves it; it waits for that block.
func (nd *Node) AppHashAt(ctx context.Context, h int64) ([]byte, error) {
	if _, err := nd.WaitHeight(ctx, h+1); err != nil {
		return nil, err
	}
	c, err := nd.Client()
	if err != nil {
		return nil, err
	}
	next := h + 1
	res, err := c.Commit(ctx, &next)
	if err != nil {
		return nil, fmt.Errorf("nettest: node %d: commit %d: %w", nd.Index, next, err)
	}
	return res.SignedHeader.AppHash, nil
}

// WaitIdle waits until no running validator holds a transaction in its
// mempool.
func (n *Network) WaitIdle(ctx context.Context) error {
	return n.each(func(nd *Node) error {
		if !nd.Running() {
			return nil
		}
		c, err := nd.Client()
		if err != nil {
			return err
		}
		for {
			res, err := c.NumUnconfirmedTxs(ctx)
			if err == nil && res.Total == 0 {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("nettest: node %d: mempool not empty: %w", nd.Index, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// Query asks every validator the same query and returns the answer they
// all give; different answers fail with ErrDiverged. The validators must
// be at rest (no transaction between the answers): queries read the last
// committed state.
func (n *Network) Query(ctx context.Context, path string, data []byte) (code uint32, value []byte, err error) {
	for i, nd := range n.Nodes {
		c, err := nd.Client()
		if err != nil {
			return 0, nil, err
		}
		res, err := c.ABCIQuery(ctx, path, data)
		if err != nil {
			return 0, nil, fmt.Errorf("nettest: node %d: query %s: %w", i, path, err)
		}
		r := res.Response
		if i == 0 {
			code, value = r.Code, r.Value
			continue
		}
		if r.Code != code || !bytes.Equal(r.Value, value) {
			return 0, nil, fmt.Errorf("%w: query %s %q: node 0 answers code %d %q, node %d code %d %q",
				ErrDiverged, path, data, code, trim(value), i, r.Code, trim(r.Value))
		}
	}
	return code, value, nil
}

func trim(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
