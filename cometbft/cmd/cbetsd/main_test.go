package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cometbft/cometbft/rpc/client/http"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/app"
	"github.com/cbets/cbets/ecdsa"
)

// TestMain runs the test binary as cbetsd when asked to (TestProcess).
func TestMain(m *testing.M) {
	if os.Getenv("CBETSD_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// appState writes a genesis app state to a file and returns its path.
func appState(t *testing.T) string {
	t.Helper()
	r, err := ecdsa.GenerateKey(nil)
	require.NoError(t, err)
	m, err := ecdsa.GenerateKey(nil)
	require.NoError(t, err)
	b, err := app.NewGenesis(r.PublicKey(), []*ecdsa.PublicKey{m.PublicKey()}, 100).JSON()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "app-state.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = run(context.Background(), args, &out, &errs)
	return code, out.String(), errs.String()
}

func TestCommandLine(t *testing.T) {
	state := appState(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"registrar":"02"}`), 0o600))
	home := filepath.Join(t.TempDir(), "home")
	out := filepath.Join(t.TempDir(), "net")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string // in stdout or stderr
	}{
		{"no command", nil, exitUsage, "usage:"},
		{"unknown command", []string{"serve"}, exitUsage, `unknown command "serve"`},
		{"help", []string{"help"}, exitOK, "cbetsd testnet"},
		{"version", []string{"version"}, exitOK, "cometbft 0.38"},
		{"version with an argument", []string{"version", "x"}, exitUsage, "unexpected argument"},
		{"init without home", []string{"init", "--app-state", state}, exitUsage, "--home is required"},
		{"init without app state", []string{"init", "--home", home}, exitUsage, "--app-state is required"},
		{"init with an unknown flag", []string{"init", "--home", home, "--app-state", state, "--validators", "4"}, exitUsage, "not defined"},
		{"init with an argument", []string{"init", "--home", home, "--app-state", state, "extra"}, exitUsage, "unexpected argument"},
		{"init with a missing file", []string{"init", "--home", home, "--app-state", state + ".missing"}, exitFail, "no such file"},
		{"init with a bad app state", []string{"init", "--home", home, "--app-state", bad}, exitFail, "invalid app state"},
		{"init with a bad chain id", []string{"init", "--home", home, "--app-state", state, "--chain-id", "a b"}, exitFail, "chain id"},
		{"init with a bad moniker", []string{"init", "--home", home, "--app-state", state, "--moniker", `"`}, exitFail, "moniker"},
		{"init", []string{"init", "--home", home, "--app-state", state, "--chain-id", "c1", "--moniker", "m1"}, exitOK, "chain c1, node "},
		{"init again", []string{"init", "--home", home, "--app-state", state}, exitFail, "already initialized"},
		{"init with force", []string{"init", "--home", home, "--app-state", state, "--force"}, exitOK, "initialized"},
		{"help of init", []string{"init", "-h"}, exitOK, "-moniker"},
		{"testnet without output", []string{"testnet", "--app-state", state}, exitUsage, "--output is required"},
		{"testnet without app state", []string{"testnet", "--output", out}, exitUsage, "--app-state is required"},
		{"testnet with a bad count", []string{"testnet", "--output", out, "--app-state", state, "--validators", "x"}, exitUsage, "invalid value"},
		{"testnet of no validators", []string{"testnet", "--output", out, "--app-state", state, "--validators", "0"}, exitFail, "0 validators"},
		{"testnet with a bad base port", []string{"testnet", "--output", out, "--app-state", state, "--base-port", "65530"}, exitFail, "base port"},
		{"testnet with a bad app state", []string{"testnet", "--output", out, "--app-state", bad}, exitFail, "invalid app state"},
		{"testnet", []string{"testnet", "--validators", "2", "--output", out, "--app-state", state, "--base-port", "30000"}, exitOK, "rpc http://127.0.0.1:30011"},
		{"testnet again", []string{"testnet", "--output", out, "--app-state", state}, exitFail, "not empty"},
		{"start without home", []string{"start"}, exitUsage, "--home is required"},
		{"start of no home", []string{"start", "--home", filepath.Join(out, "node9")}, exitFail, "run init first"},
		{"start with a bad app", []string{"start", "--home", home, "--app", "noop"}, exitFail, `app "noop"`},
		{"start with a bad duration", []string{"start", "--home", home, "--timeout-commit", "soon"}, exitUsage, "invalid value"},
		{"start with a negative duration", []string{"start", "--home", home, "--timeout-commit", "-1s"}, exitUsage, "negative"},
		{"start with a bad log level", []string{"start", "--home", home, "--log-level", "loud"}, exitFail, "log level"},
		{"start with a bad rpc address", []string{"start", "--home", home, "--rpc-laddr", "127.0.0.1:1"}, exitFail, "rpc address"},
		{"start with a bad p2p address", []string{"start", "--home", home, "--p2p-laddr", "tcp://x"}, exitFail, "p2p address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tc.args...)
			require.Equal(t, tc.code, code, "stdout %s\nstderr %s", stdout, stderr)
			require.Contains(t, stdout+stderr, tc.msg)
		})
	}
	require.FileExists(t, filepath.Join(out, "node1", "config", "genesis.json"))
	require.NoDirExists(t, filepath.Join(out, "node2"))
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestProcess runs cbetsd as a process: init; start, a new block over
// RPC, SIGTERM, exit code 0; start again, a new block, kill -9; start
// again, a new block, SIGTERM, exit code 0.
func TestProcess(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	self, err := os.Executable()
	require.NoError(t, err)
	cbetsd := func(args ...string) *exec.Cmd {
		cmd := exec.Command(self, args...)
		cmd.Env = append(os.Environ(), "CBETSD_TEST_MAIN=1")
		return cmd
	}
	b, err := cbetsd("init", "--home", home, "--app-state", appState(t)).CombinedOutput()
	require.NoError(t, err, "%s", b)

	var height int64
	for round, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL, syscall.SIGTERM} {
		rpc := fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t))
		cmd := cbetsd("start", "--home", home, "--log-level", "error", "--timeout-commit", "50ms",
			"--rpc-laddr", rpc, "--p2p-laddr", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)))
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		require.NoError(t, cmd.Start())
		c, err := http.New(rpc, "/websocket")
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		for {
			st, err := c.Status(ctx)
			if err == nil && st.SyncInfo.LatestBlockHeight > height {
				height = st.SyncInfo.LatestBlockHeight
				break
			}
			if ctx.Err() != nil {
				cmd.Process.Kill()
				cmd.Wait()
				cancel()
				t.Fatalf("round %d: no block over RPC: %v\n%s", round, err, logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		require.NoError(t, cmd.Process.Signal(sig))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if sig == syscall.SIGKILL {
				require.Error(t, err)
				continue
			}
			require.NoError(t, err, "round %d: exit after %v\n%s", round, sig, logs.String())
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("round %d: no exit after %v", round, sig)
		}
		require.NotContains(t, strings.ToLower(logs.String()), "panic")
	}
	require.Greater(t, height, int64(2))
}
