package main

import "testing"

// BenchmarkTable8 measures the rows of the paper's Table 8:
//
//	go test -run '^$' -bench Table8 ./examples/paper
func BenchmarkTable8(b *testing.B) {
	for _, op := range table8() {
		b.Run(op.Name, op.Function)
	}
}
