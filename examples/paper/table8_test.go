package main

import (
	"errors"
	"flag"
	"testing"

	"github.com/stretchr/testify/require"
)

var benchSlow = flag.Bool("paper.slow", false, "also benchmark the slow Table 8 rows (RSA-3072 key generation, about a second per key)")

// BenchmarkTable8 measures the rows of Table 8:
//
//	go test -run '^$' -bench Table8 ./examples/paper
//
// Rows marked Slow (RSA-3072 key generation) are skipped, so that a fixed
// -benchtime such as 100x stays short; add them with
//
//	go test -run '^$' -bench Table8 ./examples/paper -args -paper.slow
func BenchmarkTable8(b *testing.B) {
	f := newFixtures()
	for _, op := range table8() {
		b.Run(op.Name, func(b *testing.B) { benchRow(b, f, op, *benchSlow) })
	}
}

func benchRow(b *testing.B, f *fixtures, op operation, slow bool) {
	if op.Slow && !slow {
		b.Skip("seconds per operation; run with -args -paper.slow")
	}
	fn, err := op.Setup(f)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if err := fn(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSlowRows checks that the rows too slow for go test -benchtime=100x
// are marked, and that the benchmark skips them without -paper.slow:
// RSA-3072 key generation would take a minute at 100x.
func TestSlowRows(t *testing.T) {
	var slow []string
	for _, op := range table8() {
		if op.Slow {
			slow = append(slow, op.ID)
		}
	}
	require.Equal(t, []string{idRSA3072KeyGen}, slow)

	// The row's setup counts its calls and fails, which ends the
	// benchmark at once.
	calls := 0
	op := operation{Name: "slow", Slow: true, Setup: func(*fixtures) (func() error, error) {
		calls++
		return nil, errors.New("set up")
	}}
	testing.Benchmark(func(b *testing.B) { benchRow(b, newFixtures(), op, false) })
	require.Zero(t, calls, "a slow row was benchmarked without -paper.slow")
	testing.Benchmark(func(b *testing.B) { benchRow(b, newFixtures(), op, true) })
	require.NotZero(t, calls, "a slow row was skipped with -paper.slow")
}

func TestTable8IDs(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range table8() {
		require.NotEmpty(t, op.ID)
		require.False(t, seen[op.ID], "duplicate id %s", op.ID)
		seen[op.ID] = true
		require.Contains(t, []int{80, 128}, op.Security, op.Name)
	}
	for _, id := range []string{idRSA3072KeyGen, idRSA3072Sign, idRSA3072Verify, idECDSAKeyGen, idECDSASign, idECDSAVerify} {
		require.True(t, seen[id], id)
	}
}
