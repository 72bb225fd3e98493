package ecdsa_test

// Benchmarks of the package and, as baselines on the same key and message,
// decred's standard ECDSA Sign and Verify (SHA-256 of the message included,
// as the package's signers and verifiers hash the message themselves).
// Compare with:
//
//	go test -run '^$' -bench . -benchmem -count 6 ./ecdsa/ > /tmp/ecdsa-bench.txt
//	go run golang.org/x/perf/cmd/benchstat@latest /tmp/ecdsa-bench.txt

import (
	"fmt"
	"testing"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/testkit"
	"github.com/stretchr/testify/require"
)

var benchMsg = []byte("CB-ETS benchmark message: m2 ‖ t2, 64 bytes long...............")

func benchKey(b *testing.B) *ecdsa.PrivateKey {
	return keyFromLabel(b, "cbets/ecdsa/bench/key")
}

func BenchmarkGenerateKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ecdsa.GenerateKey(nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddress(b *testing.B) {
	pub := benchKey(b).PublicKey()
	b.ReportAllocs()
	for b.Loop() {
		_ = pub.Address(ecdsa.DefaultAddressVersion)
	}
}

func BenchmarkParsePublicKey(b *testing.B) {
	enc := benchKey(b).PublicKey().Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ecdsa.ParsePublicKey(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignRBound(b *testing.B) {
	key := benchKey(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ecdsa.SignRBound(key, benchMsg, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRBound(b *testing.B) {
	key := benchKey(b)
	pub := key.PublicKey()
	sig, err := ecdsa.SignRBound(key, benchMsg, nil)
	require.NoError(b, err)
	b.ReportAllocs()
	cpu := testkit.CPUTime()
	for b.Loop() {
		if err := ecdsa.VerifyRBound(pub, benchMsg, sig, ecdsa.SHA256); err != nil {
			b.Fatal(err)
		}
	}
	if end := testkit.CPUTime(); end > 0 {
		b.ReportMetric(float64((end-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkSignInverseS(b *testing.B) {
	key := benchKey(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ecdsa.SignInverseS(key, benchMsg, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyInverseS(b *testing.B) {
	key := benchKey(b)
	pub := key.PublicKey()
	sig, err := ecdsa.SignInverseS(key, benchMsg, nil)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if err := ecdsa.VerifyInverseS(pub, benchMsg, sig, ecdsa.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecredSign(b *testing.B) { testkit.DecredSign(b, benchKey(b), benchMsg) }

func BenchmarkDecredVerify(b *testing.B) { testkit.DecredVerify(b, benchKey(b), benchMsg) }

// BenchmarkVerifyRBoundBatch reports the time per signature ("ns/sig") of
// batches of R-bound signatures, to compare with BenchmarkVerifyRBound, and
// the process's CPU time per signature ("cpu-ns/sig", every thread
// counted), which unlike the wall-clock time does not grow when other
// processes load the machine. The plain sizes sign with 26 keys in turn;
// "distinct" gives every signature a key of its own, and "onekey" is a
// ticket history's merchant signatures, all by one key. Compare -cpu 1,2 at
// 4096 for the use of a second core.
//
// It loops over b.N, not b.Loop: the testing package runs a b.Loop
// benchmark's whole first measurement before it sets GOMAXPROCS for the
// first -cpu value, so with -cpu 1,2 the first "-cpu 1" line would be
// measured on the default GOMAXPROCS (its goroutines and allocations
// show it); a b.N benchmark is measured again after GOMAXPROCS is set.
func BenchmarkVerifyRBoundBatch(b *testing.B) {
	cases := []struct {
		name string
		n    int
		keys int
	}{
		{"64", 64, 26},
		{"1024", 1024, 26},
		{"4096", 4096, 26},
		{"distinct-1024", 1024, 1024},
		{"onekey-1000", 1000, 1},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			items := benchBatch(b, c.n, c.keys)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := testkit.CPUTime()
			for range b.N {
				if err := ecdsa.VerifyRBoundBatch(items, ecdsa.SHA256, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.n), "ns/sig")
			if end := testkit.CPUTime(); end > 0 {
				b.ReportMetric(float64((end-cpu).Nanoseconds())/float64(b.N*c.n), "cpu-ns/sig")
			}
		})
	}
}

// benchBatch signs n messages with the keys in turn.
func benchBatch(b *testing.B, n, keys int) []ecdsa.BatchItem {
	privs := make([]*ecdsa.PrivateKey, keys)
	for i := range privs {
		privs[i] = keyFromLabel(b, fmt.Sprintf("cbets/ecdsa/bench/batch/%d", i))
	}
	items := make([]ecdsa.BatchItem, n)
	for i := range items {
		key := privs[i%keys]
		msg := append([]byte("batch "), byte(i), byte(i>>8))
		sig, err := ecdsa.SignRBound(key, msg, nil)
		require.NoError(b, err)
		items[i] = ecdsa.BatchItem{PublicKey: key.PublicKey(), Message: msg, Signature: sig}
	}
	return items
}
