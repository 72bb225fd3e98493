package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/cometbft/load"
	"github.com/cbets/cbets/cometbft/localnet"
)

func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"run"}, // no --nodes
		{"--nodes", "http://x", "--app", "other"}, // unknown app
		{"--nodes", "http://x", "--duration", "0s"},
		{"--nodes", "http://x", "--workers", "-1"},
		{"--nodes", "http://x", "--tickets", "-1"},
		{"--nodes", "http://x", "--max-pending", "-1"},
		{"--nodes", "http://x", "extra"},
		{"genesis"}, // no --out
		{"compare", "--validators", "0"},
		{"compare", "--timeout-commit", "-1s"},
		{"compare", "--no-such-flag"},
	} {
		code, _, stderr := runArgs(t, args...)
		require.Equal(t, exitUsage, code, "%q: %s", args, stderr)
		require.Contains(t, stderr, "usage:")
	}
	code, stdout, _ := runArgs(t, "help")
	require.Equal(t, exitOK, code)
	require.Contains(t, stdout, "cbetsload compare")
}

func TestGenesis(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "state.json")
	code, _, stderr := runArgs(t, "genesis", "--seed", "9", "--out", file)
	require.Equal(t, exitOK, code, stderr)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	g, err := app.ParseGenesis(b)
	require.NoError(t, err)
	p, err := load.NewParties(9)
	require.NoError(t, err)
	want, err := p.AppState()
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(b))
	require.Len(t, g.Merchants, 1)

	// run --genesis-out without --nodes writes the same and stops.
	other := filepath.Join(dir, "other.json")
	code, _, stderr = runArgs(t, "--seed", "9", "--genesis-out", other)
	require.Equal(t, exitOK, code, stderr)
	b2, err := os.ReadFile(other)
	require.NoError(t, err)
	require.Equal(t, b, b2)
}

// TestRunOverRPC loads an in-process network through its HTTP RPC, as
// the command loads a real one, and reads the JSON result.
func TestRunOverRPC(t *testing.T) {
	p, err := load.NewParties(1)
	require.NoError(t, err)
	state, err := p.AppState()
	require.NoError(t, err)
	net, err := localnet.Start(localnet.Config{Validators: 4, Dir: t.TempDir(), AppState: state, RPC: true})
	require.NoError(t, err)
	defer net.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _, err = net.WaitAgree(ctx, 0)
	require.NoError(t, err)
	var addrs []string
	for _, v := range net.Validators() {
		addrs = append(addrs, v.RPCAddress())
	}
	code, stdout, stderr := runArgs(t, "--nodes", strings.Join(addrs, ","), "--duration", "3s", "--tickets", "60",
		"--workers", "4", "--max-pending", "40", "--json")
	require.Equal(t, exitOK, code, stderr)
	var res load.Result
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	require.Equal(t, "cbets", res.App)
	require.Equal(t, 4, res.Nodes)
	require.Equal(t, 40, res.MaxPending)
	// The setup committed and the nodes took transactions over RPC; how
	// many commit in 3 s depends on the machine (package load's tests
	// wait for commits).
	require.Positive(t, res.Accepted, stdout)
	require.Zero(t, res.Refused)
	t.Logf("%s", stdout)

	// A node that does not answer fails the run.
	code, _, stderr = runArgs(t, "--nodes", "http://127.0.0.1:1", "--duration", "1s", "--tickets", "1")
	require.Equal(t, exitFail, code)
	require.Contains(t, stderr, "no node answers")
}

// TestCompare runs the comparison for a second each, on real cbetsd
// processes built from this module.
func TestCompare(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two networks of processes")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cbetsd")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/cbets/cbets/cometbft/cmd/cbetsd").CombinedOutput()
	require.NoError(t, err, "%s", out)
	code, stdout, stderr := runArgs(t, "compare", "--cbetsd", bin, "--dir", filepath.Join(dir, "nets"), "--duration", "1s", "--tickets", "100", "--json")
	require.Equal(t, exitOK, code, stderr)
	var c Comparison
	require.NoError(t, json.Unmarshal([]byte(stdout), &c))
	require.Equal(t, 4, c.Validators)
	require.Equal(t, "cbets", c.Cbets.App)
	require.Equal(t, "kvstore", c.KVStore.App)
	require.Positive(t, c.KVStore.Committed, stdout)
	if c.KVStore.Rate > 0 {
		require.InDelta(t, c.Cbets.Rate/c.KVStore.Rate, c.Ratio, 1e-9)
	}
	_, err = os.Stat(filepath.Join(dir, "nets"))
	require.True(t, os.IsNotExist(err), "without --keep the networks are removed")
}
