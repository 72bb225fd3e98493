package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReport(t *testing.T) {
	if testing.Short() {
		t.Skip("measures every Table 8 row")
	}
	rep, err := build(config{runs: 1, benchtime: "1x"})
	require.NoError(t, err)
	require.Len(t, rep.Table8, len(table8()))
	require.Len(t, rep.Fig6.Phases, 4)
	require.Len(t, rep.Table7, 4)
	require.True(t, rep.Fig7.Converged)
	md := rep.markdown()
	for _, s := range []string{"Table 8", "Fig. 6", "Table 7", "Fig. 7", "RSA-1024"} {
		require.Contains(t, md, s)
	}
	_, err = json.Marshal(rep)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, writeSVGs(dir, rep))
	for _, f := range []string{"fig6.svg", "fig7.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(b), "<svg"))
	}
}

func TestProtocolTraffic(t *testing.T) {
	one, err := runProtocolForTest(1)
	require.NoError(t, err)
	two, err := runProtocolForTest(2)
	require.NoError(t, err)
	// The paper's message counts: initialisation 3 (one user), buying 3,
	// consuming 2; each transfer adds a registration and an exchange.
	require.Equal(t, 3, one.sent["buying"].Messages)
	require.Equal(t, 2, one.sent["consuming"].Messages)
	require.Equal(t, 5, one.sent["transferring"].Messages)
	require.Equal(t, 10, two.sent["transferring"].Messages)
	require.Equal(t, 1+2*2, one.sent["initialisation"].Messages)
}
