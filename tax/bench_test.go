package tax

import (
	"math"
	"testing"
)

func benchmarkTax(b *testing.B, s *Schedule) {
	b.ReportAllocs()
	diffs := []Amount{299, 301, 17_999, 16_001, 1 << 40, math.MaxInt64}
	var sink Amount
	for i := 0; b.Loop(); i++ {
		sink += s.Tax(diffs[i%len(diffs)])
	}
	_ = sink
}

func BenchmarkTaxFullRate(b *testing.B)  { benchmarkTax(b, Table5(Scale{exp: 2})) }
func BenchmarkTaxMarginal(b *testing.B)  { benchmarkTax(b, Table5Marginal(Scale{exp: 2})) }
func BenchmarkTaxQuadratic(b *testing.B) { benchmarkTax(b, Equation41(Scale{exp: 2})) }

func BenchmarkSettleDiscounted(b *testing.B) {
	b.ReportAllocs()
	s, d := Table5(Scale{exp: 2}), PaperDiscount()
	for b.Loop() {
		if _, err := s.SettleDiscounted(5000, 5301, 1600, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNotches(b *testing.B) {
	b.ReportAllocs()
	s := Table5(Scale{exp: 2})
	for b.Loop() {
		_ = s.Notches()
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	sc := Scale{exp: 2}
	for b.Loop() {
		if _, err := sc.Parse("160.01"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunPaperSetting runs Algorithm 4 on the Fig. 7 setting (16
// rounds).
func BenchmarkRunPaperSetting(b *testing.B) {
	b.ReportAllocs()
	m, err := NewMarket(PaperSetting())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
