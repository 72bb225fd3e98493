package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	gobuild "go/build"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestReport(t *testing.T) {
	if testing.Short() {
		t.Skip("measures every Table 8 row, RSA-3072 key generation included")
	}
	cfg := testConfig()
	rep, err := build(cfg)
	require.NoError(t, err)
	require.Len(t, rep.Table8, len(table8()))
	for _, row := range rep.Table8 {
		require.Positive(t, row.Ours.Median, row.Operation)
		require.LessOrEqual(t, row.Ours.Min, row.Ours.Median, row.Operation)
		require.GreaterOrEqual(t, row.Ours.Max, row.Ours.Median, row.Operation)
		if row.Slow {
			require.Equal(t, cfg.table8.slowSamples, row.Ours.N, row.Operation)
			continue
		}
		require.Equal(t, cfg.table8.samples, row.Ours.N, row.Operation)
		// go test -bench . -benchtime=100x runs every row that is not
		// Slow 100 times: each must stay well under a second. The bound
		// leaves room for a loaded machine (RSA-1024 key generation takes
		// 15 to 60 ms here).
		require.Less(t, row.Ours.Median, 250.0, "%s must be marked Slow", row.Operation)
	}
	require.Len(t, rep.Fig6.Phases, 4)
	require.Len(t, rep.Table7, 4)
	require.True(t, rep.Fig7.Converged)
	md := rep.markdown()
	for _, s := range []string{"Table 8", "Fig. 6", "Table 7", "Fig. 7", "RSA-1024", "RSA-3072"} {
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

// syntheticReport is the report around syntheticRows: real protocol runs
// and Fig. 7, no Table 8 timing.
func syntheticReport(t *testing.T) *report {
	t.Helper()
	rep, err := buildFrom(syntheticRows(), testConfig())
	require.NoError(t, err)
	return rep
}

// TestReportText checks what the report must say about the paper.
func TestReportText(t *testing.T) {
	md := syntheticReport(t).markdown()
	for _, tc := range []struct{ name, want string }{
		{"paper's consuming model", "consuming = 2 × 636.286 + 214.902 = 1487.474 ms (it prints 1487.472)"},
		{"model on our Table 8", "consuming = 2 × 0.05000 + 0.07000 = 0.1700 ms by the same model; measured "},
		{"our own operation count", "2 verifications + 3 signings: 2 × 0.05000 + 3 × 0.07000 = 0.3100 ms"},
		{"paper's inconsistency", "it states 3513.2248 ms for the total without consuming, but 5013.968 − 1487.472 = 3526.496 ms (13.2712 ms more)"},
		{"Fig. 6 median after warm-up", "median of 3 protocol runs after 1 warm-up runs"},
		{"Fig. 6 spread", "| phase | cbets median | cbets IQR | cbets min–max | paper |"},
		{"Table 8 security levels", "cbets' ECDSA is on secp256k1, ≈128-bit. Its rows compare with RSA-3072 (≈128-bit, NIST SP 800-57), not with the paper's RSA-1024 (≈80-bit)"},
		{"RSA-3072 key generation", "| RSA-3072 key generation | 128-bit | — |"},
		{"RSA-3072 verification", "| RSA-3072 encryption/verification | 128-bit | — |"},
		{"RSA-3072 signing", "| RSA-3072 decryption/signing | 128-bit | — |"},
		{"RSA-1024 row", "| RSA-1024 key generation | 80-bit | 4850.712 |"},
		{"equal-security comparison", "At 128-bit security, RSA-3072 against cbets' ECDSA: key generation 500.0 against 1.000 ms"},
		{"slow row note", "RSA-3072 key generation takes seconds per operation: 3 timed operations without a warm-up."},
		{"Table 7 per transfer", "cbets sends 5 messages per transfer, 5n for n transfers, where the paper has 5+3n"},
		{"Table 7 line 5", "| line 5 | the buyer's Request to the local nodes"},
		{"Table 7 line 6", "| line 6 | the merchant's broadcast of (T*, Price') to the buyer | 1 | none: the buyer reads the line-4 record | 0 |"},
		{"Table 7 step 9", "| step 9 | tax withheld and ATP paid to MID_Eve | 0 | the transfer record to the seller | 1 |"},
		{"Table 7 arithmetic", "8 − 3 − 1 + 1 = 5"},
		{"Fig. 7 w_i caveat", "w_i spread evenly from 0.01 to 0.06, a range picked among the few tried as the one closest to the paper's outcome, so the agreement above is partly by construction"},
		{"Fig. 7 other choices", "| concave | 0.01 to 0.1 |"},
		{"Fig. 7 printed model", "| printed | 0.01 to 0.06 |"},
	} {
		t.Run(tc.name, func(t *testing.T) { require.True(t, strings.Contains(md, tc.want), "the report lacks %q", tc.want) })
	}
}

func TestConsumingModel(t *testing.T) {
	f := syntheticReport(t).Fig6
	m := f.Model
	require.InDelta(t, 1487.474, m.PaperMS, 1e-9)
	require.InDelta(t, 2*fakeVerifyMS+fakeSignMS, m.OursMS, 1e-12)
	require.InDelta(t, 2*fakeVerifyMS+3*fakeSignMS, m.OwnMS, 1e-12)
	require.InDelta(t, 3526.496, f.PaperMS.WithoutConsuming, 1e-9)
	require.InDelta(t, 3513.2248, f.PaperMS.WithoutConsumingStated, 1e-9)
	var consuming phaseTiming
	for _, p := range f.Phases {
		if p.Phase == "consuming" {
			consuming = p
		}
	}
	require.Equal(t, consuming.Median, m.MeasuredMS)
}

// TestFig6Medians checks that Fig. 6 reports medians of the timed runs
// only, not means and not the warm-up runs.
func TestFig6Medians(t *testing.T) {
	mk := func(d time.Duration) *protocolRun {
		pr := &protocolRun{elapsed: map[string]time.Duration{}}
		for _, p := range phaseNames {
			pr.elapsed[p] = d
		}
		return pr
	}
	f := fig6Of([]*protocolRun{mk(time.Millisecond), mk(100 * time.Millisecond), mk(2 * time.Millisecond)}, 1, 1, 1)
	for _, p := range f.Phases {
		require.Equal(t, spread{N: 3, Median: 2, P25: 1.5, P75: 51, Min: 1, Max: 100}, p.spread, p.Phase)
	}
	require.Equal(t, 8.0, f.Total.Median)

	rep := syntheticReport(t)
	cfg := testConfig()
	require.Equal(t, cfg.runs, rep.Fig6.Runs)
	require.Equal(t, cfg.warmUp, rep.Fig6.WarmUp)
	for _, p := range rep.Fig6.Phases {
		require.Equal(t, cfg.runs, p.N, "warm-up runs counted in %s", p.Phase)
	}
	require.Equal(t, cfg.runs, rep.Fig6.Total.N)

	for _, c := range []config{{runs: 0}, {runs: 1, warmUp: -1}} {
		_, err := build(c)
		require.Error(t, err, "%+v", c)
		_, err = buildFrom(syntheticRows(), c)
		require.Error(t, err, "%+v", c)
	}
	_, err := buildFrom(syntheticRows()[:3], testConfig())
	require.Error(t, err, "Table 8 without the ECDSA rows")
}

func TestSummarise(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want spread
	}{
		{"empty", nil, spread{}},
		{"one", []float64{4}, spread{N: 1, Median: 4, P25: 4, P75: 4, Min: 4, Max: 4}},
		{"odd, unsorted", []float64{5, 1, 3}, spread{N: 3, Median: 3, P25: 2, P75: 4, Min: 1, Max: 5}},
		{"even", []float64{1, 2, 3, 4}, spread{N: 4, Median: 2.5, P25: 1.75, P75: 3.25, Min: 1, Max: 4}},
		{"outlier", []float64{1, 1, 1, 1, 1000}, spread{N: 5, Median: 1, P25: 1, P75: 1, Min: 1, Max: 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]float64(nil), tc.in...)
			require.Equal(t, tc.want, summarise(in))
			require.Equal(t, tc.in, in, "input modified")
		})
	}
}

func TestMeasure(t *testing.T) {
	calls := 0
	op := func() error { calls++; return nil }
	s := sampling{samples: 4, batch: 100 * time.Microsecond, slowSamples: 2}
	tm, err := measure(op, s, false)
	require.NoError(t, err)
	require.Equal(t, 4, tm.perOp.N)
	// One call to size the batch, a warm-up batch, then four samples.
	require.GreaterOrEqual(t, calls, 1+1+4*tm.opsPerSample)

	calls = 0
	tm, err = measure(op, s, true)
	require.NoError(t, err)
	require.Equal(t, 2, calls, "a slow row runs once per sample, with no warm-up")
	require.Equal(t, 1, tm.opsPerSample)

	boom := errors.New("boom")
	_, err = measure(func() error { return boom }, s, false)
	require.ErrorIs(t, err, boom)
	_, err = measure(op, sampling{samples: 0, batch: time.Microsecond}, false)
	require.Error(t, err)
}

func TestParseOptions(t *testing.T) {
	def, quick := defaultConfig(), quickConfig()
	withRuns := func(c config, n int) config { c.runs = n; return c }
	for _, tc := range []struct {
		name string
		args []string
		want config
	}{
		{"default", nil, def},
		{"quick", []string{"-quick"}, quick},
		{"quick keeps -runs after it", []string{"-quick", "-runs=7"}, withRuns(quick, 7)},
		{"quick keeps -runs before it", []string{"-runs", "7", "-quick"}, withRuns(quick, 7)},
		{"quick keeps -runs equal to the default", []string{"-quick", "-runs=50"}, withRuns(quick, 50)},
		{"runs", []string{"-runs=7"}, withRuns(def, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args, io.Discard)
			require.NoError(t, err)
			require.Equal(t, tc.want, o.cfg)
		})
	}
	o, err := parseOptions([]string{"-json", "-svg", "out"}, io.Discard)
	require.NoError(t, err)
	require.True(t, o.json)
	require.Equal(t, "out", o.svgDir)

	for _, args := range [][]string{{"-runs=0"}, {"-runs=-1"}, {"-runs=x"}, {"-bogus"}, {"extra"}, {"-test.v"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out bytes.Buffer
			_, err := parseOptions(args, &out)
			require.Error(t, err)
			require.Contains(t, out.String(), "usage: paper")
			require.Equal(t, 2, run(args, io.Discard, io.Discard))
		})
	}
}

// TestHelp checks that -h lists the program's flags and nothing else: no
// testing flags (-test.*), which a default flag set would show.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := parseOptions([]string{"-h"}, &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, f := range []string{"-json", "-svg", "-quick", "-runs"} {
		require.Contains(t, out.String(), f)
	}
	require.NotContains(t, out.String(), "test.")

	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"-h"}, &stdout, &stderr))
	require.Empty(t, stdout.String())
	require.NotContains(t, stderr.String(), "test.")
}

// TestNoTestingImport checks that the program does not link package
// testing, whose flags would join the program's.
func TestNoTestingImport(t *testing.T) {
	pkg, err := gobuild.ImportDir(".", 0)
	require.NoError(t, err)
	require.NotContains(t, pkg.Imports, "testing")
}

// svgTexts returns the text of every <text> element of an SVG document by
// class, checking that the document is well-formed XML.
func svgTexts(t *testing.T, doc string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	d := xml.NewDecoder(strings.NewReader(doc))
	var class string
	var inText bool
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "text" {
				inText, class = true, ""
				for _, a := range e.Attr {
					if a.Name.Local == "class" {
						class = a.Value
					}
				}
			}
		case xml.CharData:
			if inText {
				out[class] = append(out[class], string(e))
			}
		case xml.EndElement:
			inText = false
		}
	}
}

func TestSVGTicks(t *testing.T) {
	rep := syntheticReport(t)

	f6 := svgTexts(t, fig6SVG(rep))
	// The paper's bars reach 5386.712 ms: the log axis must label every
	// decade up to 10000.
	for _, want := range []string{"0.1", "1", "10", "100", "1000", "10000"} {
		require.Contains(t, f6["ytick"], want)
	}
	require.Contains(t, f6["axis"], "ms (log scale)")
	for _, want := range []string{"1487.472", "5013.968", "5386.712", ms(rep.Fig6.Total.Median)} {
		require.Contains(t, f6["value"], want)
	}
	for _, p := range phaseNames {
		require.Contains(t, f6["xlabel"], p)
	}

	f7 := svgTexts(t, fig7SVG(rep))
	last := strconv.Itoa(rep.Fig7.Iterations)
	for _, want := range []string{"1", "2", last} {
		require.Contains(t, f7["xtick"], want)
	}
	for _, want := range []string{"0", "10", "20"} {
		require.Contains(t, f7["ytick"], want)
	}
	require.Contains(t, f7["axis"], "iteration")
	require.Contains(t, f7["axis"], "transaction volume")
	require.Contains(t, f7["value"], "paper: volume 24 after 16 iterations")
	require.Contains(t, f7["value"], "cbets: "+strconv.FormatFloat(rep.Fig7.Volume, 'f', 2, 64)+" after "+last)
}

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{1, 1}, {1.6, 2}, {3, 5}, {5, 5}, {7, 10}, {0.03, 0.05}, {12, 20}, {4.8, 5},
	} {
		require.InDelta(t, tc.want, niceStep(tc.in), 1e-12, "%v", tc.in)
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
	// pk_M, the event's terms, and per user a registration and a certificate.
	require.Equal(t, 2+2*2, one.sent["initialisation"].Messages)

	// The report's message-by-message comparison adds up to what the
	// protocol sends per transfer.
	sum := 0
	for _, m := range transferMessages() {
		sum += m.OursCount
	}
	require.Equal(t, one.sent["transferring"].Messages, sum)
}
