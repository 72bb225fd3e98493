package main

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/tax"
)

type config struct {
	runs      int    // protocol runs averaged for Fig. 6
	benchtime string // per Table 8 row
}

// The paper's figures (SPEC section 10).
const (
	paperTotalMS     = 5013.968
	paperConsumingMS = 1487.472
	paperRSATotalMS  = 5386.712
	paperIterations  = 16
	paperVolume      = 24
)

type report struct {
	Table8 []table8Row `json:"table8"`
	Fig6   fig6        `json:"fig6"`
	Table7 []table7Row `json:"table7"`
	Fig7   fig7        `json:"fig7"`
}

type table8Row struct {
	Operation string  `json:"operation"`
	PaperMS   float64 `json:"paper_ms"`
	OursMS    float64 `json:"ours_ms"`
	Speedup   float64 `json:"speedup"` // paper / ours
	Allocs    int64   `json:"allocs_per_op"`
}

type fig6 struct {
	Runs             int           `json:"runs"`
	Phases           []phaseTiming `json:"phases"`
	TotalMS          float64       `json:"total_ms"`
	PaperTotalMS     float64       `json:"paper_total_ms"`
	PaperConsumingMS float64       `json:"paper_consuming_ms"`
	PaperRSATotalMS  float64       `json:"paper_rsa_scheme_total_ms"`
}

type phaseTiming struct {
	Phase string  `json:"phase"`
	MS    float64 `json:"ms"`
}

type table7Row struct {
	Phase      string  `json:"phase"`
	PaperCoC   string  `json:"paper_messages"`
	PaperTL    string  `json:"paper_traffic"`
	OneXfer    traffic `json:"ours_one_transfer"`
	TwoXfers   traffic `json:"ours_two_transfers"`
	PerXfer    traffic `json:"ours_per_extra_transfer"`
	FixedXfers traffic `json:"ours_fixed_part"`
}

type fig7 struct {
	Iterations      int        `json:"iterations"`
	Converged       bool       `json:"converged"`
	Volume          float64    `json:"volume"`
	Objective       float64    `json:"objective"`
	PaperIterations int        `json:"paper_iterations"`
	PaperVolume     float64    `json:"paper_volume"`
	Steps           []tax.Step `json:"steps"`
}

func build(cfg config) (*report, error) {
	if cfg.runs < 1 {
		return nil, fmt.Errorf("paper: runs must be at least 1")
	}
	if f := flag.Lookup("test.benchtime"); f != nil {
		if err := f.Value.Set(cfg.benchtime); err != nil {
			return nil, err
		}
	}
	rep := &report{}
	for _, op := range table8() {
		r := testing.Benchmark(op.Function)
		if r.N == 0 {
			return nil, fmt.Errorf("paper: benchmark %q failed", op.Name)
		}
		ms := float64(r.NsPerOp()) / 1e6
		rep.Table8 = append(rep.Table8, table8Row{Operation: op.Name, PaperMS: op.PaperMS, OursMS: ms,
			Speedup: op.PaperMS / ms, Allocs: r.AllocsPerOp()})
	}

	registrar, scale, err := newSystem()
	if err != nil {
		return nil, err
	}
	total := map[string]time.Duration{}
	var one, two *protocolRun
	for i := range cfg.runs {
		pr, err := runProtocol(registrar, scale, 1)
		if err != nil {
			return nil, err
		}
		for p, d := range pr.elapsed {
			total[p] += d
		}
		if i == 0 {
			one = pr
		}
	}
	if two, err = runProtocol(registrar, scale, 2); err != nil {
		return nil, err
	}
	rep.Fig6 = fig6{Runs: cfg.runs, PaperTotalMS: paperTotalMS, PaperConsumingMS: paperConsumingMS, PaperRSATotalMS: paperRSATotalMS}
	for _, p := range phaseNames {
		ms := float64(total[p].Microseconds()) / 1000 / float64(cfg.runs)
		rep.Fig6.Phases = append(rep.Fig6.Phases, phaseTiming{Phase: p, MS: ms})
		rep.Fig6.TotalMS += ms
	}

	paper := map[string][2]string{
		"initialisation": {"3", "9"}, "buying": {"3", "14"}, "consuming": {"2", "16"}, "transferring": {"5+3n", "11+8n"},
	}
	for _, p := range phaseNames {
		row := table7Row{Phase: p, PaperCoC: paper[p][0], PaperTL: paper[p][1], OneXfer: *one.sent[p], TwoXfers: *two.sent[p]}
		// Each extra transfer adds one user to register and one more
		// list-and-transfer exchange: the growth per transfer is the
		// difference between the two runs.
		row.PerXfer = traffic{row.TwoXfers.Messages - row.OneXfer.Messages, row.TwoXfers.Bytes - row.OneXfer.Bytes}
		row.FixedXfers = traffic{row.OneXfer.Messages - row.PerXfer.Messages, row.OneXfer.Bytes - row.PerXfer.Bytes}
		rep.Table7 = append(rep.Table7, row)
	}

	market, err := tax.NewMarket(tax.PaperSetting())
	if err != nil {
		return nil, err
	}
	res, err := market.Run()
	if err != nil {
		return nil, err
	}
	rep.Fig7 = fig7{Iterations: res.Iterations, Converged: res.Converged, Volume: res.Volume, Objective: res.Objective,
		PaperIterations: paperIterations, PaperVolume: paperVolume, Steps: res.Steps}
	return rep, nil
}

func (r *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# CB-ETS evaluation, reproduced with cbets\n\n")
	fmt.Fprintf(&b, "## Table 8: cost of the primitives (ms per operation)\n\n")
	fmt.Fprintf(&b, "The paper: Java and MIRACL on an Intel i3-6100 at 3.7 GHz. Here: Go, this machine.\n\n")
	fmt.Fprintf(&b, "| operation | paper | cbets | paper ÷ cbets | allocs/op |\n|---|---:|---:|---:|---:|\n")
	for _, row := range r.Table8 {
		fmt.Fprintf(&b, "| %s | %.3f | %.4f | %.0f× | %d |\n", row.Operation, row.PaperMS, row.OursMS, row.Speedup, row.Allocs)
	}
	fmt.Fprintf(&b, "\n## Fig. 6: time per phase (ms, mean of %d protocol runs)\n\n", r.Fig6.Runs)
	fmt.Fprintf(&b, "| phase | cbets | paper |\n|---|---:|---:|\n")
	for _, p := range r.Fig6.Phases {
		paper := "—"
		if p.Phase == "consuming" {
			paper = fmt.Sprintf("%.3f", r.Fig6.PaperConsumingMS)
		}
		fmt.Fprintf(&b, "| %s | %.3f | %s |\n", p.Phase, p.MS, paper)
	}
	fmt.Fprintf(&b, "| **total** | **%.3f** | **%.3f** (RSA scheme of Payeras-Capellà et al.: %.3f) |\n", r.Fig6.TotalMS, r.Fig6.PaperTotalMS, r.Fig6.PaperRSATotalMS)
	fmt.Fprintf(&b, "\nInitialisation registers every user of the run and the merchant (two users for one transfer).\n")
	fmt.Fprintf(&b, "\n## Table 7: messages (CoC) and traffic (TL) per phase\n\n")
	fmt.Fprintf(&b, "The paper counts traffic in its own units; cbets counts the bytes of its real encodings.\n\n")
	fmt.Fprintf(&b, "| phase | paper CoC | paper TL | cbets messages (n=1) | cbets bytes (n=1) | cbets per extra transfer |\n|---|---:|---:|---:|---:|---:|\n")
	for _, row := range r.Table7 {
		extra := "—"
		if row.PerXfer.Messages != 0 {
			extra = fmt.Sprintf("+%d messages, +%d bytes", row.PerXfer.Messages, row.PerXfer.Bytes)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %s |\n", row.Phase, row.PaperCoC, row.PaperTL, row.OneXfer.Messages, row.OneXfer.Bytes, extra)
	}
	fmt.Fprintf(&b, "\n## Fig. 7: win-win transfer pricing (Algorithm 4)\n\n")
	fmt.Fprintf(&b, "| | paper | cbets |\n|---|---:|---:|\n")
	fmt.Fprintf(&b, "| iterations to converge | %d | %d |\n| transaction volume | %.0f | %.2f |\n\n", r.Fig7.PaperIterations, r.Fig7.Iterations, r.Fig7.PaperVolume, r.Fig7.Volume)
	fmt.Fprintf(&b, "| iteration | volume | objective | RA | RE |\n|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Fig7.Steps {
		fmt.Fprintf(&b, "| %d | %.3f | %.4f | %.4g | %.4g |\n", s.Iteration, s.Volume, s.Objective, s.RA, s.RE)
	}
	fmt.Fprintf(&b, "\nSettings and the model's reading of the paper: package tax (PaperSetting).\n")
	return b.String()
}
