package node

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/ticket"
)

// freePorts returns n distinct free loopback ports.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// loopback returns Options running home on free loopback ports with a
// short pause after each block.
func loopback(t testing.TB, home string) Options {
	p := freePorts(t, 2)
	return Options{Home: home, TimeoutCommit: 50 * time.Millisecond,
		P2PListen: fmt.Sprintf("tcp://127.0.0.1:%d", p[0]), RPCListen: fmt.Sprintf("tcp://127.0.0.1:%d", p[1])}
}

func client(t testing.TB, n *Node) *http.HTTP {
	t.Helper()
	c, err := http.New(n.RPCAddress(), "/websocket")
	require.NoError(t, err)
	return c
}

// waitHeight waits until the node's RPC reports a height of at least min,
// and returns it.
func waitHeight(t testing.TB, c *http.HTTP, min int64) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		st, err := c.Status(ctx)
		if err == nil && st.SyncInfo.LatestBlockHeight >= min {
			return st.SyncInfo.LatestBlockHeight
		}
		select {
		case <-ctx.Done():
			require.FailNow(t, "no height", "want ≥ %d: %v", min, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func header(t testing.TB, c *http.HTTP, h int64) types.Header {
	t.Helper()
	b, err := c.Block(context.Background(), &h)
	require.NoError(t, err)
	return b.Block.Header
}

// TestStartRestart starts a validator from a new home, commits an event,
// stops it and starts it again: the chain goes on from where it stopped,
// with the same blocks and app hashes.
func TestStartRestart(t *testing.T) {
	k := newKeys(t)
	home := t.TempDir()
	require.NoError(t, Init(InitConfig{Home: home, AppState: k.appState(t), GenesisTime: time.Now()}))
	o := loopback(t, home)
	ctx := context.Background()

	n, err := Start(ctx, o)
	require.NoError(t, err)
	c := client(t, n)
	waitHeight(t, c, 2)
	// The home is in use: a second validator from it is refused.
	_, err = Start(ctx, loopback(t, home))
	require.Error(t, err)

	now := time.Now().UTC()
	ev, err := ticket.NewEvent(k.merchant, ticket.EventTerms{ID: "concert", Capacity: 10, FaceValue: 5000,
		SaleStart: now.Add(-time.Hour), SaleEnd: now.Add(24 * time.Hour), Start: now.Add(24 * time.Hour), End: now.Add(28 * time.Hour)})
	require.NoError(t, err)
	res, err := c.BroadcastTxCommit(ctx, ev.Bytes())
	require.NoError(t, err)
	require.Zero(t, res.CheckTx.Code, res.CheckTx.Log)
	require.Zero(t, res.TxResult.Code, res.TxResult.Log)
	// The event's state is committed to by the next header.
	h := waitHeight(t, c, res.Height+1)
	before := header(t, c, res.Height+1)
	last := header(t, c, h)
	q, err := c.ABCIQuery(ctx, "/event", []byte("concert"))
	require.NoError(t, err)
	require.Zero(t, q.Response.Code, q.Response.Log)
	require.NoError(t, n.Stop())
	require.NoError(t, n.Wait())
	require.NoError(t, n.Stop(), "a second Stop")
	// The home's chain is the ticket application's.
	kv := o
	kv.App = AppKVStore
	_, err = Start(ctx, kv)
	require.ErrorIs(t, err, ErrArgument)

	n, err = Start(ctx, o)
	require.NoError(t, err)
	defer n.Stop()
	c = client(t, n)
	st, err := c.Status(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, st.SyncInfo.LatestBlockHeight, h, "the height goes on")
	waitHeight(t, c, h+1)
	require.Equal(t, before, header(t, c, res.Height+1))
	require.Equal(t, last, header(t, c, h))
	q2, err := c.ABCIQuery(ctx, "/event", []byte("concert"))
	require.NoError(t, err)
	require.Zero(t, q2.Response.Code, q2.Response.Log)
	require.Equal(t, q.Response.Value, q2.Response.Value)
}

// TestStartKVStore runs CometBFT's kvstore example from the same kind of
// home.
func TestStartKVStore(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, Init(InitConfig{Home: home, AppState: newKeys(t).appState(t), GenesisTime: time.Now()}))
	o := loopback(t, home)
	o.App = AppKVStore
	ctx := context.Background()
	n, err := Start(ctx, o)
	require.NoError(t, err)
	c := client(t, n)
	res, err := c.BroadcastTxCommit(ctx, []byte("name=cbets"))
	require.NoError(t, err)
	require.Zero(t, res.TxResult.Code, res.TxResult.Log)
	require.NoError(t, n.Stop())
	require.FileExists(t, filepath.Join(home, "data", "kvstore.db", "CURRENT"))
	require.NoDirExists(t, filepath.Join(home, "data", "app.db"))

	// The home's chain is kvstore's.
	o.App = AppCbets
	_, err = Start(ctx, o)
	require.ErrorIs(t, err, ErrArgument)

	o.App = AppKVStore
	n, err = Start(ctx, o)
	require.NoError(t, err)
	defer n.Stop()
	q, err := client(t, n).ABCIQuery(ctx, "", []byte("name"))
	require.NoError(t, err)
	require.Equal(t, "cbets", string(q.Response.Value))
}

// TestRun stops the node when the context is done.
func TestRun(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, Init(InitConfig{Home: home, AppState: newKeys(t).appState(t), GenesisTime: time.Now()}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, loopback(t, home)) }()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return")
	}
	// The stores are closed: the home starts again.
	n, err := Start(context.Background(), loopback(t, home))
	require.NoError(t, err)
	require.NoError(t, n.Stop())
}

func TestStartArguments(t *testing.T) {
	k := newKeys(t)
	home := t.TempDir()
	require.NoError(t, Init(InitConfig{Home: home, AppState: k.appState(t), GenesisTime: time.Now()}))
	for _, tc := range []struct {
		name string
		edit func(*Options)
		want error
	}{
		{"empty home", func(o *Options) { o.Home = "" }, ErrArgument},
		{"missing home", func(o *Options) { o.Home = filepath.Join(home, "nothing") }, ErrHome},
		{"unknown app", func(o *Options) { o.App = "noop" }, ErrArgument},
		{"negative timeout", func(o *Options) { o.TimeoutCommit = -time.Second }, ErrArgument},
		{"bad log level", func(o *Options) { o.LogLevel = "loud" }, ErrArgument},
		{"bad module log level", func(o *Options) { o.LogLevel = "consensus:loud" }, ErrArgument},
		{"rpc address without protocol", func(o *Options) { o.RPCListen = "127.0.0.1:1" }, ErrArgument},
		{"rpc address without port", func(o *Options) { o.RPCListen = "tcp://127.0.0.1" }, ErrArgument},
		{"rpc address with a bad port", func(o *Options) { o.RPCListen = "tcp://127.0.0.1:70000" }, ErrArgument},
		{"rpc address of an unknown protocol", func(o *Options) { o.RPCListen = "udp://127.0.0.1:1" }, ErrArgument},
		{"p2p address on a unix socket", func(o *Options) { o.P2PListen = "unix:///tmp/p2p.sock" }, ErrArgument},
		{"p2p address with a named port", func(o *Options) { o.P2PListen = "tcp://127.0.0.1:http" }, ErrArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := loopback(t, home)
			tc.edit(&o)
			n, err := Start(context.Background(), o)
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, n)
		})
	}
	//lint:ignore SA1012 a nil context is the point
	_, err := Start(nil, loopback(t, home))
	require.ErrorIs(t, err, ErrArgument)
}

// TestStartBadHome: a home whose files are missing or corrupt is an error,
// never an exit or a panic.
func TestStartBadHome(t *testing.T) {
	k := newKeys(t)
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, home string)
		want error
	}{
		{"no genesis", func(t *testing.T, home string) { remove(t, home, "config/genesis.json") }, ErrHome},
		{"corrupt genesis", func(t *testing.T, home string) { write(t, home, "config/genesis.json", "{") }, ErrHome},
		{"no node key", func(t *testing.T, home string) { remove(t, home, "config/node_key.json") }, ErrHome},
		{"no validator key", func(t *testing.T, home string) { remove(t, home, "config/priv_validator_key.json") }, ErrHome},
		{"corrupt validator key", func(t *testing.T, home string) { write(t, home, "config/priv_validator_key.json", "{}") }, ErrHome},
		{"no validator state", func(t *testing.T, home string) { remove(t, home, "data/priv_validator_state.json") }, ErrHome},
		{"corrupt validator state", func(t *testing.T, home string) { write(t, home, "data/priv_validator_state.json", "[") }, ErrHome},
		{"negative validator state", func(t *testing.T, home string) {
			write(t, home, "data/priv_validator_state.json", `{"height":"-1","round":0,"step":0}`)
		}, ErrHome},
		{"bad config", func(t *testing.T, home string) { write(t, home, "config/config.toml", "log_level = 3\n[p2p\n") }, ErrHome},
		{"bad log level in config", func(t *testing.T, home string) { write(t, home, "config/config.toml", `log_level = "loud"`) }, ErrArgument},
		{"app state the app refuses", func(t *testing.T, home string) {
			b, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
			require.NoError(t, err)
			b = bytes.Replace(b, []byte(`"units_per_coin": 100`), []byte(`"units_per_coin": 3`), 1)
			write(t, home, "config/genesis.json", string(b))
		}, ErrAppState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			require.NoError(t, Init(InitConfig{Home: home, AppState: k.appState(t), GenesisTime: time.Now()}))
			tc.edit(t, home)
			n, err := Start(context.Background(), loopback(t, home))
			require.ErrorIs(t, err, tc.want)
			require.Nil(t, n)
		})
	}
}

func remove(t *testing.T, home, f string) {
	t.Helper()
	require.NoError(t, os.Remove(filepath.Join(home, f)))
}

func write(t *testing.T, home, f, s string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(home, f), []byte(s), 0o600))
}

// freeBase returns a base port whose testnet ports for n validators are
// free.
func freeBase(t testing.TB, n int) int {
	t.Helper()
	for base := 20000 + os.Getpid()%1000*10; base < 60000; base += 10 * n {
		free := true
		for i := range n {
			for _, p := range []int{base + 10*i, base + 10*i + 1} {
				l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
				if err != nil {
					free = false
					continue
				}
				l.Close()
			}
		}
		if free {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

// TestTestnetRuns starts the validators of a testnet in this process:
// they find each other and agree on blocks.
func TestTestnetRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("4 validators in one process: run without -short")
	}
	const n = 4
	out := filepath.Join(t.TempDir(), "net")
	require.NoError(t, Testnet(TestnetConfig{Validators: n, Output: out, AppState: newKeys(t).appState(t),
		BasePort: freeBase(t, n), GenesisTime: time.Now()}))
	var clients []*http.HTTP
	for i := range n {
		v, err := Start(context.Background(), Options{Home: filepath.Join(out, fmt.Sprintf("node%d", i)), TimeoutCommit: 50 * time.Millisecond})
		require.NoError(t, err)
		defer v.Stop()
		clients = append(clients, client(t, v))
	}
	for _, c := range clients {
		waitHeight(t, c, 3)
	}
	want := header(t, clients[0], 3)
	for _, c := range clients[1:] {
		require.Equal(t, want, header(t, c, 3))
	}
	for _, c := range clients {
		require.Eventually(t, func() bool {
			ni, err := c.NetInfo(context.Background())
			return err == nil && ni.NPeers == n-1
		}, 10*time.Second, 50*time.Millisecond, "every node has every other as a peer")
	}
}
