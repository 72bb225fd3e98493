// Command paper reproduces the evaluation of the CB-ETS paper with cbets
// and prints it beside the paper's figures as a markdown report (SPEC
// section 10): Table 8 (primitive costs, with RSA-3072 added at the
// security level of secp256k1), Fig. 6 (time per phase, and the paper's
// operation-count model of consuming), Table 7 (messages and traffic per
// phase, with the transferring messages compared one by one) and Fig. 7
// (the win-win pricing iteration, with the settings the paper leaves open).
//
//	go run ./examples/paper [-json] [-svg DIR] [-quick] [-runs N]
//
// Times are medians with their spread, never means: each Table 8 row is
// timed in batches after a warm-up batch, and Fig. 6 discards its first
// protocol runs. RSA-3072 key generation takes about a second per key, so
// it is timed a few times only (5, or 2 with -quick) and without a warm-up.
// -quick shortens every measurement; a -runs given with it is kept.
//
// The same rows are Go benchmarks:
//
//	go test -run '^$' -bench Table8 ./examples/paper
//	go test -run '^$' -bench Table8 ./examples/paper -args -paper.slow
//
// The first skips RSA-3072 key generation, so that -benchtime=100x stays
// short; -paper.slow includes it.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed command line.
type options struct {
	cfg    config
	json   bool
	svgDir string
}

// parseOptions parses args with a flag set of the program's own, so that
// -h lists only its flags. -quick picks shorter measurements; a -runs given
// explicitly, before or after it, is kept. Errors, and the usage with
// them, are written to stderr; -h gives flag.ErrHelp.
func parseOptions(args []string, stderr io.Writer) (*options, error) {
	def, quickDef := defaultConfig(), quickConfig()
	fs := flag.NewFlagSet("paper", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: paper [flags]\n\nReproduces the CB-ETS paper's Table 8, Fig. 6, Table 7 and Fig. 7 with cbets.\n\n")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print the report as JSON")
	svgDir := fs.String("svg", "", "also write fig6.svg and fig7.svg into this `directory`")
	quick := fs.Bool("quick", false, "shorter measurements (noisier)")
	runs := fs.Int("runs", def.runs, fmt.Sprintf("protocol runs timed for Fig. 6 after %d warm-up runs (%d with -quick)", def.warmUp, quickDef.runs))
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	// fs.Parse has reported its errors; report ours the same way.
	fail := func(format string, args ...any) (*options, error) {
		err := fmt.Errorf(format, args...)
		fmt.Fprintln(fs.Output(), err)
		fs.Usage()
		return nil, err
	}
	if fs.NArg() > 0 {
		return fail("paper: unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o := &options{cfg: def, json: *asJSON, svgDir: *svgDir}
	if *quick {
		o.cfg = quickDef
	}
	if set["runs"] {
		if *runs < 1 {
			return fail("paper: -runs %d, want at least 1", *runs)
		}
		o.cfg.runs = *runs
	}
	return o, nil
}

// run is the program: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2 // reported by parseOptions
	}
	rep, err := build(o.cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if o.svgDir != "" {
		if err := writeSVGs(o.svgDir, rep); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}
	fmt.Fprint(stdout, rep.markdown())
	return 0
}
