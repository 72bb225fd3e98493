package nettest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFreeBasePort(t *testing.T) {
	p, err := FreeBasePort(4)
	require.NoError(t, err)
	require.GreaterOrEqual(t, p, 20000)
	require.Less(t, p+40, 32000)
	require.True(t, free(p, 40))
	for _, n := range []int{0, -1, 101} {
		_, err := FreeBasePort(n)
		require.ErrorIs(t, err, ErrArgument, "%d validators", n)
	}
}

func TestNewRefuses(t *testing.T) {
	good := Config{Binary: binary, Dir: t.TempDir(), Validators: 1, AppState: []byte("{}")}
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"no binary", func(c *Config) { c.Binary = "" }},
		{"no dir", func(c *Config) { c.Dir = "" }},
		{"no validators", func(c *Config) { c.Validators = 0 }},
		{"too many validators", func(c *Config) { c.Validators = 101 }},
		{"no app state", func(c *Config) { c.AppState = nil }},
		{"unknown app", func(c *Config) { c.App = "other" }},
		{"negative timeout", func(c *Config) { c.TimeoutCommit = -time.Second }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			_, err := New(context.Background(), c)
			require.ErrorIs(t, err, ErrArgument)
		})
	}
	//lint:ignore SA1012 a nil context is what is refused
	_, err := New(nil, good)
	require.ErrorIs(t, err, ErrArgument)
	_, err = Build(context.Background(), "")
	require.ErrorIs(t, err, ErrArgument)
}

// TestNodeThatDies: a validator whose process exits on its own is seen:
// waiting for it fails at once, and stopping it reports its exit.
func TestNodeThatDies(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, state := cbetsState(t)
	n, err := New(ctx, Config{Binary: binary, Dir: t.TempDir(), Validators: 1, AppState: state})
	require.NoError(t, err)
	nd := n.Nodes[0]
	require.NoError(t, nd.Stop(time.Second), "a node never started stops as it is")
	require.NoError(t, os.Remove(filepath.Join(nd.Home, "config", "genesis.json")))
	require.NoError(t, nd.Start())
	_, err = nd.WaitHeight(ctx, 1)
	require.ErrorContains(t, err, "exited")
	require.False(t, nd.Running())
	require.Error(t, nd.Stop(time.Second), "the exit status is reported")
	require.Contains(t, nd.Tail(5), "exited: exit status")
}

func TestTail(t *testing.T) {
	nd := &Node{Log: filepath.Join(t.TempDir(), "log")}
	require.Contains(t, nd.Tail(3), "no log")
	require.NoError(t, os.WriteFile(nd.Log, []byte("a\nb\nc\nd\n"), 0o644))
	require.Equal(t, "c\nd", nd.Tail(2))
	require.Equal(t, "a\nb\nc\nd", nd.Tail(10))
}
