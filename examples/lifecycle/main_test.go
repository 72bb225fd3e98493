package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	rep, err := run(&out, config{users: 3})
	require.NoError(t, err)
	text := out.String()
	require.NotContains(t, text, "unexpected")
	require.Equal(t, 8, strings.Count(text, "refused: "), text)
	require.Contains(t, text, "screenshot of frank's pass → refused: gate:")
	require.Contains(t, text, "refunded, 45.00 coins")
	require.Contains(t, text, "stale ticket → refused: ledger:")
	require.Contains(t, text, "matches: true")
	require.Contains(t, text, "confirmations, server complete")
	names := []string{}
	for _, p := range rep.Phases {
		names = append(names, p.Name)
	}
	require.Equal(t, []string{"initialisation", "buying", "paying", "transferring", "consuming", "cancellation", "replay"}, names)
}

func TestRunNeedsUsers(t *testing.T) {
	_, err := run(&bytes.Buffer{}, config{users: 2})
	require.Error(t, err)
}
