// Command paper reproduces the evaluation of the CB-ETS paper with cbets
// and prints it beside the paper's figures as a markdown report: Table 8
// (primitive costs), Fig. 6 (time per phase), Table 7 (messages and traffic
// per phase) and Fig. 7 (the win-win pricing iteration).
//
//	go run ./examples/paper [-json] [-svg DIR] [-quick]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"testing"
)

func main() {
	testing.Init() // registers -test.benchtime, used by testing.Benchmark
	asJSON := flag.Bool("json", false, "print the report as JSON")
	svgDir := flag.String("svg", "", "also write fig6.svg and fig7.svg into this directory")
	quick := flag.Bool("quick", false, "shorter measurements (noisier)")
	runs := flag.Int("runs", 20, "protocol runs averaged for Fig. 6")
	flag.Parse()

	cfg := config{runs: *runs, benchtime: "1s"}
	if *quick {
		cfg.runs, cfg.benchtime = 3, "100ms"
	}
	rep, err := build(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if *svgDir != "" {
		if err := writeSVGs(*svgDir, rep); err != nil {
			log.Fatal(err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			log.Fatal(err)
		}
		return
	}
	fmt.Print(rep.markdown())
}
