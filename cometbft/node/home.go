package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/libs/tempfile"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/cbets/cbets/cometbft/app"
)

var (
	// ErrArgument reports an invalid argument: a missing or malformed
	// path, chain id, moniker, count, port, address, duration or level.
	ErrArgument = errors.New("node: invalid argument")
	// ErrAppState reports a genesis app state the application refuses.
	ErrAppState = errors.New("node: invalid app state")
	// ErrExists reports a home (or testnet directory) that already holds a
	// genesis or a chain's data, which Init and Testnet do not overwrite.
	ErrExists = errors.New("node: home already initialized")
	// ErrHome reports a home whose files are missing or do not parse.
	ErrHome = errors.New("node: bad home")
)

const (
	// DefaultChainID is the chain id Init and Testnet use when none is
	// given.
	DefaultChainID = "cbets"
	// DefaultBasePort is Testnet's first port: node i listens for peers
	// on DefaultBasePort+10i and for RPC on DefaultBasePort+10i+1.
	DefaultBasePort = 26600
	// MaxValidators is the largest network Testnet writes.
	MaxValidators = 100
	// power is every validator's voting power.
	power = 10
	// maxMoniker is the longest moniker accepted.
	maxMoniker = 64
)

// InitConfig describes the home Init writes.
type InitConfig struct {
	// Home is the home directory; it is created if missing.
	Home string
	// AppState is the genesis app state, an app.Genesis in JSON.
	AppState []byte
	// ChainID names the chain; empty means DefaultChainID.
	ChainID string
	// Moniker names the node; empty means the host name.
	Moniker string
	// GenesisTime is the genesis time; it must be set.
	GenesisTime time.Time
	// Force rewrites config.toml and genesis.json of a home that has a
	// genesis, keeping its keys. It still refuses a home whose data
	// directory holds a chain's stores: a new chain starts from an empty
	// data directory.
	Force bool
}

// Init writes a home for a chain of one validator, the node itself:
// config.toml, a genesis holding the app state and the node's validator
// key (power 10), the node key, the validator key and its signing state.
// Keys already in the home are kept. It refuses (ErrExists) a home that
// has a genesis unless Force is set, and a home whose data holds a chain
// in any case.
func Init(c InitConfig) error {
	if c.Home == "" {
		return fmt.Errorf("%w: empty home", ErrArgument)
	}
	if c.ChainID == "" {
		c.ChainID = DefaultChainID
	}
	conf := cfg.DefaultConfig()
	if c.Moniker != "" {
		conf.Moniker = c.Moniker
	}
	if err := checkChainID(c.ChainID); err != nil {
		return err
	}
	if err := checkMoniker(conf.Moniker); err != nil {
		return err
	}
	if c.GenesisTime.IsZero() {
		return fmt.Errorf("%w: no genesis time", ErrArgument)
	}
	appState, err := checkAppState(c.AppState)
	if err != nil {
		return err
	}
	conf.SetRoot(c.Home)
	withChoices(conf)
	if err := initialized(conf, c.Force); err != nil {
		return err
	}
	if err := makeDirs(conf); err != nil {
		return err
	}
	if _, err := p2p.LoadOrGenNodeKey(conf.NodeKeyFile()); err != nil {
		return fmt.Errorf("%w: node key: %w", ErrHome, err)
	}
	pub, err := loadOrGenValidator(conf)
	if err != nil {
		return err
	}
	gen := &types.GenesisDoc{
		ChainID:         c.ChainID,
		GenesisTime:     c.GenesisTime.UTC(),
		ConsensusParams: consensusParams(),
		Validators:      []types.GenesisValidator{{Address: pub.Address(), PubKey: pub, Power: power, Name: conf.Moniker}},
		AppState:        appState,
	}
	if err := gen.ValidateAndComplete(); err != nil {
		return fmt.Errorf("%w: genesis: %w", ErrArgument, err)
	}
	// The genesis goes last: a home without one is not initialized, so a
	// failed Init can be run again.
	if err := writeConfig(conf); err != nil {
		return err
	}
	if err := gen.SaveAs(conf.GenesisFile()); err != nil {
		return fmt.Errorf("node: writing the genesis: %w", err)
	}
	return nil
}

// TestnetConfig describes the homes Testnet writes.
type TestnetConfig struct {
	// Validators is the number of validators, 1 to MaxValidators.
	Validators int
	// Output is the directory that receives node0 … node{N-1}; it must
	// be missing or empty.
	Output string
	// AppState is the genesis app state, an app.Genesis in JSON.
	AppState []byte
	// ChainID names the chain; empty means DefaultChainID.
	ChainID string
	// BasePort is the first port (see DefaultBasePort); zero means
	// DefaultBasePort.
	BasePort int
	// GenesisTime is the genesis time; it must be set.
	GenesisTime time.Time
}

// Testnet writes the homes of a network of N validators of equal power
// on loopback: Output/node0 … Output/node{N-1}, one genesis listing them
// all, node i listening for peers on 127.0.0.1:BasePort+10i and for RPC
// on 127.0.0.1:BasePort+10i+1, each with every other node as a persistent
// peer. On an error it removes what it wrote.
func Testnet(c TestnetConfig) error {
	if c.Validators < 1 || c.Validators > MaxValidators {
		return fmt.Errorf("%w: %d validators, want 1 to %d", ErrArgument, c.Validators, MaxValidators)
	}
	if c.Output == "" {
		return fmt.Errorf("%w: empty output directory", ErrArgument)
	}
	if c.ChainID == "" {
		c.ChainID = DefaultChainID
	}
	if err := checkChainID(c.ChainID); err != nil {
		return err
	}
	if c.BasePort == 0 {
		c.BasePort = DefaultBasePort
	}
	if last := c.BasePort + 10*(c.Validators-1) + 1; c.BasePort < 1 || last > 65535 {
		return fmt.Errorf("%w: base port %d for %d validators (ports up to %d)", ErrArgument, c.BasePort, c.Validators, last)
	}
	if c.GenesisTime.IsZero() {
		return fmt.Errorf("%w: no genesis time", ErrArgument)
	}
	appState, err := checkAppState(c.AppState)
	if err != nil {
		return err
	}
	created := false
	switch entries, err := os.ReadDir(c.Output); {
	case err == nil && len(entries) > 0:
		return fmt.Errorf("%w: %s is not empty", ErrExists, c.Output)
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(c.Output, 0o755); err != nil {
			return fmt.Errorf("node: %w", err)
		}
		created = true
	default:
		return fmt.Errorf("node: %w", err)
	}
	if err := writeTestnet(c, appState); err != nil {
		if created {
			os.RemoveAll(c.Output)
		} else {
			for i := range c.Validators {
				os.RemoveAll(filepath.Join(c.Output, nodeName(i)))
			}
		}
		return err
	}
	return nil
}

// nodeName is the name of testnet node i's home.
func nodeName(i int) string { return fmt.Sprintf("node%d", i) }

// writeTestnet writes the homes of Testnet into an empty directory.
func writeTestnet(c TestnetConfig, appState json.RawMessage) error {
	var confs []*cfg.Config
	var ids []p2p.ID
	gen := &types.GenesisDoc{
		ChainID:         c.ChainID,
		GenesisTime:     c.GenesisTime.UTC(),
		ConsensusParams: consensusParams(),
		AppState:        appState,
	}
	for i := range c.Validators {
		conf := cfg.DefaultConfig()
		conf.SetRoot(filepath.Join(c.Output, nodeName(i)))
		conf.Moniker = nodeName(i)
		withChoices(conf)
		withLoopback(conf, c.BasePort+10*i)
		if err := makeDirs(conf); err != nil {
			return err
		}
		key, err := p2p.LoadOrGenNodeKey(conf.NodeKeyFile())
		if err != nil {
			return fmt.Errorf("%w: node key: %w", ErrHome, err)
		}
		pub, err := loadOrGenValidator(conf)
		if err != nil {
			return err
		}
		gen.Validators = append(gen.Validators, types.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: power, Name: conf.Moniker})
		confs, ids = append(confs, conf), append(ids, key.ID())
	}
	if err := gen.ValidateAndComplete(); err != nil {
		return fmt.Errorf("%w: genesis: %w", ErrArgument, err)
	}
	for i, conf := range confs {
		var peers []string
		for j, id := range ids {
			if j != i {
				peers = append(peers, p2p.IDAddressString(id, fmt.Sprintf("127.0.0.1:%d", c.BasePort+10*j)))
			}
		}
		conf.P2P.PersistentPeers = strings.Join(peers, ",")
		if err := writeConfig(conf); err != nil {
			return err
		}
		if err := gen.SaveAs(conf.GenesisFile()); err != nil {
			return fmt.Errorf("node: writing the genesis: %w", err)
		}
	}
	return nil
}

// MaxBlockBytes is the genesis bound on a block's size (the consensus
// parameter block.max_bytes), in place of CometBFT's default of 21 MiB:
// about 1,800 records, whose execution by a validator that has checked
// none of them (about 175 µs of CPU each) fits within the consensus
// timeouts even with several validators on one machine. The application
// proposes smaller blocks (app.MaxProposalTxBytes); this bounds what any
// proposer can make the others run.
const MaxBlockBytes = 1 << 20

// consensusParams returns the genesis consensus parameters: CometBFT's
// defaults with block.max_bytes at MaxBlockBytes.
func consensusParams() *types.ConsensusParams {
	p := types.DefaultConsensusParams()
	p.Block.MaxBytes = MaxBlockBytes
	return p
}

// withChoices applies the package's choices to CometBFT's defaults (see
// the package documentation).
func withChoices(c *cfg.Config) {
	c.Consensus.CreateEmptyBlocks = true
	c.Consensus.CreateEmptyBlocksInterval = time.Second
	c.Mempool.Recheck = true
	c.Mempool.Size = 20000
	c.Mempool.CacheSize = 40000
}

// withLoopback configures a testnet node listening on 127.0.0.1:port for
// peers and 127.0.0.1:port+1 for RPC, with timeouts for loopback.
func withLoopback(c *cfg.Config, port int) {
	c.P2P.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", port)
	c.RPC.ListenAddress = fmt.Sprintf("tcp://127.0.0.1:%d", port+1)
	c.P2P.AllowDuplicateIP = true
	c.P2P.AddrBookStrict = false
	c.P2P.FlushThrottleTimeout = 10 * time.Millisecond
	c.P2P.SendRate = 20 << 20
	c.P2P.RecvRate = 20 << 20
	c.Consensus.TimeoutPropose = time.Second
	c.Consensus.TimeoutProposeDelta = 200 * time.Millisecond
	c.Consensus.TimeoutPrevote = 200 * time.Millisecond
	c.Consensus.TimeoutPrevoteDelta = 100 * time.Millisecond
	c.Consensus.TimeoutPrecommit = 200 * time.Millisecond
	c.Consensus.TimeoutPrecommitDelta = 100 * time.Millisecond
	c.Consensus.TimeoutCommit = 300 * time.Millisecond
	c.Consensus.PeerGossipSleepDuration = 10 * time.Millisecond
}

// checkAppState checks that b is a genesis app state the application
// accepts, and returns it compacted.
func checkAppState(b []byte) (json.RawMessage, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrAppState)
	}
	g, err := app.ParseGenesis(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAppState, err)
	}
	if _, err := g.Config(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAppState, err)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAppState, err)
	}
	return out.Bytes(), nil
}

// checkChainID accepts 1 to types.MaxChainIDLen printable ASCII
// characters other than space.
func checkChainID(id string) error {
	if id == "" || len(id) > types.MaxChainIDLen || !printable(id, false) {
		return fmt.Errorf("%w: chain id %q: want 1 to %d printable ASCII characters", ErrArgument, id, types.MaxChainIDLen)
	}
	return nil
}

// checkMoniker accepts 1 to maxMoniker printable ASCII characters other
// than a quote or a backslash (config.toml quotes it as is), not all
// spaces.
func checkMoniker(m string) error {
	if strings.TrimSpace(m) == "" || len(m) > maxMoniker || !printable(m, true) || strings.ContainsAny(m, `"\`) {
		return fmt.Errorf("%w: moniker %q: want 1 to %d printable ASCII characters, no quote or backslash", ErrArgument, m, maxMoniker)
	}
	return nil
}

func printable(s string, space bool) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x21 || c > 0x7e {
			if !(space && c == ' ') {
				return false
			}
		}
	}
	return true
}

// initialized refuses a home with a genesis (unless force) or whose data
// directory holds anything besides the validator's signing state.
func initialized(conf *cfg.Config, force bool) error {
	if _, err := os.Stat(conf.GenesisFile()); err == nil && !force {
		return fmt.Errorf("%w: %s exists (use force to rewrite it)", ErrExists, conf.GenesisFile())
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %w", ErrHome, err)
	}
	entries, err := os.ReadDir(conf.DBDir())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %w", ErrHome, err)
	}
	for _, e := range entries {
		if filepath.Join(conf.DBDir(), e.Name()) != filepath.Clean(conf.PrivValidatorStateFile()) {
			return fmt.Errorf("%w: %s holds a chain's data (%s); a new chain starts from an empty data directory", ErrExists, conf.DBDir(), e.Name())
		}
	}
	return nil
}

func makeDirs(conf *cfg.Config) error {
	for _, d := range []string{filepath.Dir(conf.GenesisFile()), conf.DBDir(), filepath.Dir(conf.PrivValidatorKeyFile()), filepath.Dir(conf.PrivValidatorStateFile())} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("node: %w", err)
		}
	}
	return nil
}

// configFile is the path of a home's config.toml.
func configFile(home string) string {
	return filepath.Join(home, cfg.DefaultConfigDir, "config.toml")
}

// writeConfig writes conf's config.toml.
func writeConfig(conf *cfg.Config) error {
	if err := conf.ValidateBasic(); err != nil {
		return fmt.Errorf("%w: %w", ErrArgument, err)
	}
	path := configFile(conf.RootDir)
	// cfg.WriteConfigFile ends the process when it cannot write the
	// file: make sure it can.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		return fmt.Errorf("node: writing the configuration: %w", err)
	}
	cfg.WriteConfigFile(path, conf)
	return nil
}

// loadOrGenValidator returns the public key of the home's validator key,
// generating the key and an empty signing state if there is no key. An
// existing key is kept, and so is an existing signing state.
func loadOrGenValidator(conf *cfg.Config) (crypto.PubKey, error) {
	keyFile, stateFile := conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile()
	_, kerr := os.Stat(keyFile)
	_, serr := os.Stat(stateFile)
	switch {
	case kerr == nil && serr == nil:
		pv, err := loadValidator(conf)
		if err != nil {
			return nil, err
		}
		return pv.Key.PubKey, nil
	case kerr == nil && errors.Is(serr, fs.ErrNotExist):
		pv, err := loadValidatorKey(keyFile, stateFile)
		if err != nil {
			return nil, err
		}
		if err := save(stateFile, pv.LastSignState); err != nil {
			return nil, err
		}
		return pv.Key.PubKey, nil
	case errors.Is(kerr, fs.ErrNotExist):
		if serr == nil {
			return nil, fmt.Errorf("%w: %s without its key %s", ErrHome, stateFile, keyFile)
		}
		pv := privval.NewFilePV(ed25519.GenPrivKey(), keyFile, stateFile)
		if err := save(keyFile, pv.Key); err != nil {
			return nil, err
		}
		if err := save(stateFile, pv.LastSignState); err != nil {
			return nil, err
		}
		return pv.Key.PubKey, nil
	default:
		return nil, fmt.Errorf("%w: %w", ErrHome, errors.Join(kerr, serr))
	}
}

// save writes v as CometBFT writes its validator files (privval's Save
// panics on an error; this returns it).
func save(path string, v any) error {
	b, err := cmtjson.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("node: %s: %w", path, err)
	}
	if err := tempfile.WriteFileAtomic(path, b, 0o600); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	return nil
}

// loadValidator loads the home's validator key and signing state.
// (privval.LoadFilePV ends the process on a missing or corrupt file; this
// returns an error.)
func loadValidator(conf *cfg.Config) (*privval.FilePV, error) {
	keyFile, stateFile := conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile()
	pv, err := loadValidatorKey(keyFile, stateFile)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(stateFile)
	if err != nil {
		return nil, fmt.Errorf("%w: validator state: %w", ErrHome, err)
	}
	var st privval.FilePVLastSignState
	if err := cmtjson.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%w: validator state %s: %w", ErrHome, stateFile, err)
	}
	if st.Height < 0 || st.Round < 0 || st.Step < 0 || st.Step > 3 {
		return nil, fmt.Errorf("%w: validator state %s: height %d round %d step %d", ErrHome, stateFile, st.Height, st.Round, st.Step)
	}
	ls := &pv.LastSignState
	ls.Height, ls.Round, ls.Step, ls.Signature, ls.SignBytes = st.Height, st.Round, st.Step, st.Signature, st.SignBytes
	return pv, nil
}

// loadValidatorKey loads a validator key, with an empty signing state.
func loadValidatorKey(keyFile, stateFile string) (*privval.FilePV, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("%w: validator key: %w", ErrHome, err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(b, &key); err != nil {
		return nil, fmt.Errorf("%w: validator key %s: %w", ErrHome, keyFile, err)
	}
	if key.PrivKey == nil {
		return nil, fmt.Errorf("%w: validator key %s: no private key", ErrHome, keyFile)
	}
	return privval.NewFilePV(key.PrivKey, keyFile, stateFile), nil
}
