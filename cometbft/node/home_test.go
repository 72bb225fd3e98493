package node

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ecdsa"
)

// testKeys are the registrar's and the merchant's keys of the tests'
// genesis.
type testKeys struct {
	registrar, merchant *ecdsa.PrivateKey
}

func newKeys(t testing.TB) testKeys {
	t.Helper()
	r, err := ecdsa.GenerateKey(nil)
	require.NoError(t, err)
	m, err := ecdsa.GenerateKey(nil)
	require.NoError(t, err)
	return testKeys{registrar: r, merchant: m}
}

func (k testKeys) appState(t testing.TB) []byte {
	t.Helper()
	b, err := app.NewGenesis(k.registrar.PublicKey(), []*ecdsa.PublicKey{k.merchant.PublicKey()}, 100).JSON()
	require.NoError(t, err)
	return b
}

var genesisTime = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func TestInit(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	state := newKeys(t).appState(t)
	require.NoError(t, Init(InitConfig{Home: home, AppState: state, Moniker: "alpha", GenesisTime: genesisTime}))
	for _, f := range []string{"config/config.toml", "config/genesis.json", "config/node_key.json",
		"config/priv_validator_key.json", "data/priv_validator_state.json"} {
		require.FileExists(t, filepath.Join(home, f))
	}
	gen, err := types.GenesisDocFromFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, DefaultChainID, gen.ChainID)
	require.True(t, gen.GenesisTime.Equal(genesisTime))
	require.JSONEq(t, string(state), string(gen.AppState))
	require.Len(t, gen.Validators, 1)
	require.EqualValues(t, MaxBlockBytes, gen.ConsensusParams.Block.MaxBytes)
	conf, err := LoadConfig(home)
	require.NoError(t, err)
	pv, err := loadValidator(conf)
	require.NoError(t, err)
	require.Equal(t, pv.Key.PubKey, gen.Validators[0].PubKey)
	require.Equal(t, "alpha", conf.Moniker)
	require.True(t, conf.Consensus.CreateEmptyBlocks)
	require.Equal(t, time.Second, conf.Consensus.CreateEmptyBlocksInterval)
	require.True(t, conf.Mempool.Recheck)
	require.Equal(t, 20000, conf.Mempool.Size)
}

func TestInitRefuses(t *testing.T) {
	k := newKeys(t)
	home := t.TempDir()
	c := InitConfig{Home: home, AppState: k.appState(t), GenesisTime: genesisTime}
	require.NoError(t, Init(c))
	nodeKey, err := os.ReadFile(filepath.Join(home, "config", "node_key.json"))
	require.NoError(t, err)
	valKey, err := os.ReadFile(filepath.Join(home, "config", "priv_validator_key.json"))
	require.NoError(t, err)
	genesis, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)

	// A second Init is refused and changes nothing.
	c2 := c
	c2.ChainID = "other"
	require.ErrorIs(t, Init(c2), ErrExists)
	got, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, genesis, got)

	// Force rewrites the genesis and keeps the keys.
	c2.Force = true
	require.NoError(t, Init(c2))
	gen, err := types.GenesisDocFromFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, "other", gen.ChainID)
	for f, want := range map[string][]byte{"node_key.json": nodeKey, "priv_validator_key.json": valKey} {
		got, err := os.ReadFile(filepath.Join(home, "config", f))
		require.NoError(t, err)
		require.Equal(t, want, got, f)
	}

	// A home whose data holds a chain is refused, with Force too, and
	// without a genesis.
	require.NoError(t, os.Mkdir(filepath.Join(home, "data", "blockstore.db"), 0o700))
	require.ErrorIs(t, Init(c2), ErrExists)
	require.NoError(t, os.Remove(filepath.Join(home, "config", "genesis.json")))
	require.ErrorIs(t, Init(c), ErrExists)
}

func TestInitKeys(t *testing.T) {
	state := newKeys(t).appState(t)
	t.Run("state without key", func(t *testing.T) {
		home := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(home, "data"), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(home, "data", "priv_validator_state.json"), []byte("{}"), 0o600))
		require.ErrorIs(t, Init(InitConfig{Home: home, AppState: state, GenesisTime: genesisTime}), ErrHome)
	})
	for _, f := range []string{"config/node_key.json", "config/priv_validator_key.json"} {
		t.Run("corrupt "+f, func(t *testing.T) {
			home := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(home, "config"), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(home, f), []byte("{not json"), 0o600))
			require.ErrorIs(t, Init(InitConfig{Home: home, AppState: state, GenesisTime: genesisTime}), ErrHome)
			require.NoFileExists(t, filepath.Join(home, "config", "genesis.json"))
		})
	}
	t.Run("key without state", func(t *testing.T) {
		home := t.TempDir()
		require.NoError(t, Init(InitConfig{Home: home, AppState: state, GenesisTime: genesisTime}))
		require.NoError(t, os.Remove(filepath.Join(home, "data", "priv_validator_state.json")))
		require.NoError(t, Init(InitConfig{Home: home, AppState: state, GenesisTime: genesisTime, Force: true}))
		require.FileExists(t, filepath.Join(home, "data", "priv_validator_state.json"))
	})
}

func TestInitArguments(t *testing.T) {
	k := newKeys(t)
	good := k.appState(t)
	noMerchant, err := app.NewGenesis(k.registrar.PublicKey(), nil, 100).JSON()
	require.NoError(t, err)
	badScale, err := app.NewGenesis(k.registrar.PublicKey(), []*ecdsa.PublicKey{k.merchant.PublicKey()}, 7).JSON()
	require.NoError(t, err)
	repeated := []byte(strings.Replace(string(good), `"units_per_coin"`,
		`"standings":[{"certificate":"a"},{"certificate":"a"}],"units_per_coin"`, 1))
	for _, tc := range []struct {
		name string
		edit func(*InitConfig)
		want error
	}{
		{"empty home", func(c *InitConfig) { c.Home = "" }, ErrArgument},
		{"no genesis time", func(c *InitConfig) { c.GenesisTime = time.Time{} }, ErrArgument},
		{"chain id with space", func(c *InitConfig) { c.ChainID = "a b" }, ErrArgument},
		{"chain id too long", func(c *InitConfig) { c.ChainID = strings.Repeat("c", types.MaxChainIDLen+1) }, ErrArgument},
		{"chain id not ASCII", func(c *InitConfig) { c.ChainID = "chaîne" }, ErrArgument},
		{"moniker with quote", func(c *InitConfig) { c.Moniker = `a"b` }, ErrArgument},
		{"moniker with backslash", func(c *InitConfig) { c.Moniker = `a\b` }, ErrArgument},
		{"moniker with newline", func(c *InitConfig) { c.Moniker = "a\nb" }, ErrArgument},
		{"moniker of spaces", func(c *InitConfig) { c.Moniker = "   " }, ErrArgument},
		{"moniker too long", func(c *InitConfig) { c.Moniker = strings.Repeat("m", maxMoniker+1) }, ErrArgument},
		{"nil app state", func(c *InitConfig) { c.AppState = nil }, ErrAppState},
		{"blank app state", func(c *InitConfig) { c.AppState = []byte(" \n") }, ErrAppState},
		{"app state not JSON", func(c *InitConfig) { c.AppState = []byte("{") }, ErrAppState},
		{"app state without merchant", func(c *InitConfig) { c.AppState = noMerchant }, ErrAppState},
		{"app state with a bad scale", func(c *InitConfig) { c.AppState = badScale }, ErrAppState},
		{"app state with a repeated standing", func(c *InitConfig) { c.AppState = repeated }, ErrAppState},
		{"app state with a bad registrar", func(c *InitConfig) {
			c.AppState = []byte(strings.Replace(string(good), `"registrar":"`, `"registrar":"00`, 1))
		}, ErrAppState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), "home")
			c := InitConfig{Home: home, AppState: good, Moniker: "m", GenesisTime: genesisTime}
			tc.edit(&c)
			require.ErrorIs(t, Init(c), tc.want)
			require.NoFileExists(t, filepath.Join(home, "config", "genesis.json"))
		})
	}
}

func TestTestnet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "net")
	state := newKeys(t).appState(t)
	const n, base = 4, 31000
	require.NoError(t, Testnet(TestnetConfig{Validators: n, Output: out, AppState: state, ChainID: "loop", BasePort: base, GenesisTime: genesisTime}))
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	require.Len(t, entries, n)

	var genesis []byte
	ids := make([]p2p.ID, n)
	for i := range n {
		home := filepath.Join(out, fmt.Sprintf("node%d", i))
		b, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
		require.NoError(t, err)
		if i == 0 {
			genesis = b
		}
		require.Equal(t, genesis, b, "node%d's genesis", i)
		key, err := p2p.LoadNodeKey(filepath.Join(home, "config", "node_key.json"))
		require.NoError(t, err)
		ids[i] = key.ID()
	}
	gen, err := types.GenesisDocFromJSON(genesis)
	require.NoError(t, err)
	require.Equal(t, "loop", gen.ChainID)
	require.JSONEq(t, string(state), string(gen.AppState))
	require.Len(t, gen.Validators, n)
	require.EqualValues(t, MaxBlockBytes, gen.ConsensusParams.Block.MaxBytes)
	for i := range n {
		home := filepath.Join(out, fmt.Sprintf("node%d", i))
		conf, err := LoadConfig(home)
		require.NoError(t, err)
		pv, err := loadValidator(conf)
		require.NoError(t, err)
		require.Equal(t, pv.Key.PubKey, gen.Validators[i].PubKey)
		require.EqualValues(t, power, gen.Validators[i].Power)
		require.Equal(t, fmt.Sprintf("node%d", i), conf.Moniker)
		require.Equal(t, fmt.Sprintf("tcp://127.0.0.1:%d", base+10*i), conf.P2P.ListenAddress)
		require.Equal(t, fmt.Sprintf("tcp://127.0.0.1:%d", base+10*i+1), conf.RPC.ListenAddress)
		var want []string
		for j := range n {
			if j != i {
				want = append(want, fmt.Sprintf("%s@127.0.0.1:%d", ids[j], base+10*j))
			}
		}
		require.Equal(t, strings.Join(want, ","), conf.P2P.PersistentPeers)
		require.True(t, conf.P2P.AllowDuplicateIP)
		require.False(t, conf.P2P.AddrBookStrict)
		require.True(t, conf.Mempool.Recheck)
		require.True(t, conf.Consensus.CreateEmptyBlocks)
	}

	// The directory is not overwritten.
	require.ErrorIs(t, Testnet(TestnetConfig{Validators: n, Output: out, AppState: state, GenesisTime: genesisTime}), ErrExists)
	got, err := os.ReadFile(filepath.Join(out, "node0", "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, genesis, got)
}

func TestTestnetDefaults(t *testing.T) {
	out := t.TempDir() // exists and is empty
	require.NoError(t, Testnet(TestnetConfig{Validators: 1, Output: out, AppState: newKeys(t).appState(t), GenesisTime: genesisTime}))
	conf, err := LoadConfig(filepath.Join(out, "node0"))
	require.NoError(t, err)
	require.Equal(t, fmt.Sprintf("tcp://127.0.0.1:%d", DefaultBasePort), conf.P2P.ListenAddress)
	require.Equal(t, fmt.Sprintf("tcp://127.0.0.1:%d", DefaultBasePort+1), conf.RPC.ListenAddress)
	require.Empty(t, conf.P2P.PersistentPeers)
	gen, err := types.GenesisDocFromFile(conf.GenesisFile())
	require.NoError(t, err)
	require.Equal(t, DefaultChainID, gen.ChainID)
}

func TestTestnetArguments(t *testing.T) {
	good := newKeys(t).appState(t)
	for _, tc := range []struct {
		name string
		edit func(*TestnetConfig)
		want error
	}{
		{"no validators", func(c *TestnetConfig) { c.Validators = 0 }, ErrArgument},
		{"negative validators", func(c *TestnetConfig) { c.Validators = -1 }, ErrArgument},
		{"too many validators", func(c *TestnetConfig) { c.Validators = MaxValidators + 1 }, ErrArgument},
		{"empty output", func(c *TestnetConfig) { c.Output = "" }, ErrArgument},
		{"negative base port", func(c *TestnetConfig) { c.BasePort = -5 }, ErrArgument},
		{"ports past 65535", func(c *TestnetConfig) { c.BasePort = 65535 - 30 }, ErrArgument},
		{"bad chain id", func(c *TestnetConfig) { c.ChainID = "a\tb" }, ErrArgument},
		{"no genesis time", func(c *TestnetConfig) { c.GenesisTime = time.Time{} }, ErrArgument},
		{"no app state", func(c *TestnetConfig) { c.AppState = nil }, ErrAppState},
		{"bad app state", func(c *TestnetConfig) { c.AppState = []byte(`{"registrar":"02"}`) }, ErrAppState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "net")
			c := TestnetConfig{Validators: 4, Output: out, AppState: good, BasePort: 40000, GenesisTime: genesisTime}
			tc.edit(&c)
			require.ErrorIs(t, Testnet(c), tc.want)
			require.NoDirExists(t, out)
		})
	}
	// The largest network whose ports fit.
	out := filepath.Join(t.TempDir(), "net")
	require.NoError(t, Testnet(TestnetConfig{Validators: 4, Output: out, AppState: good, BasePort: 65535 - 31, GenesisTime: genesisTime}))
}

func TestLoadConfig(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, Init(InitConfig{Home: home, AppState: newKeys(t).appState(t), GenesisTime: genesisTime}))
	path := filepath.Join(home, "config", "config.toml")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b = bytes.Replace(b, []byte(`timeout_commit = "1s"`), []byte(`timeout_commit = "123ms"`), 1)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	conf, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, 123*time.Millisecond, conf.Consensus.TimeoutCommit)
	require.Equal(t, filepath.Join(home, "data"), conf.DBDir())

	_, err = LoadConfig("")
	require.ErrorIs(t, err, ErrArgument)
	_, err = LoadConfig(t.TempDir())
	require.ErrorIs(t, err, ErrHome)
	require.NoError(t, os.WriteFile(path, []byte("[consensus\n"), 0o644))
	_, err = LoadConfig(home)
	require.ErrorIs(t, err, ErrHome)
	require.NoError(t, os.WriteFile(path, []byte("[consensus]\ntimeout_commit = \"-1s\"\n"), 0o644))
	_, err = LoadConfig(home)
	require.ErrorIs(t, err, ErrHome)
	require.NoError(t, os.WriteFile(path, []byte("[consensus]\ntimeout_commit = \"soon\"\n"), 0o644))
	_, err = LoadConfig(home)
	require.ErrorIs(t, err, ErrHome)
}
