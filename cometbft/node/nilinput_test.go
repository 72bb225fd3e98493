package node_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/cometbft/node"
)

// TestNilAndZeroNode checks that a Node not made by Start is refused with
// ErrArgument, neither a panic nor a wait forever.
func TestNilAndZeroNode(t *testing.T) {
	for name, n := range map[string]*node.Node{"nil": nil, "zero": {}} {
		require.ErrorIs(t, n.Stop(), node.ErrArgument, name)
		require.ErrorIs(t, n.Wait(), node.ErrArgument, name)
		require.Empty(t, n.RPCAddress(), name)
	}
}
