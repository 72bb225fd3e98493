// Command ticketnode starts a CometBFT network of N validators on loopback
// in one process, each running the cbets ticket application, and runs a
// ticket's life cycle through it, printing the heights and app hashes the
// validators agree on: the merchant publishes the event; buy, list,
// transfer and consume commit; a second publication under the event's id,
// a second transfer of the same listing and forged consumptions are
// refused; with 4 or more validators, one is stopped, the others go on,
// and it is restarted and catches up.
//
// The example is its own Go module; from the repository root:
//
//	go -C cometbft run ./cmd/ticketnode [-validators N] [-dir DIR] [-log LEVEL]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	cmtlog "github.com/cometbft/cometbft/libs/log"

	"github.com/cbets/cbets/cometbft/localnet"
	"github.com/cbets/cbets/cometbft/scenario"
)

func main() {
	validators := flag.Int("validators", 4, "number of validators")
	dir := flag.String("dir", "", "new or empty directory for the validators' homes, kept at exit; empty means a temporary one, removed at exit")
	level := flag.String("log", "none", "CometBFT log level: none, error or info")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	flag.Parse()
	if err := run(*validators, *dir, *level, *timeout); err != nil {
		log.Fatal(err)
	}
}

func run(validators int, dir, level string, timeout time.Duration) error {
	var logger cmtlog.Logger
	switch level {
	case "none":
		logger = cmtlog.NewNopLogger()
	case "error":
		logger = cmtlog.NewFilter(cmtlog.NewTMLogger(cmtlog.NewSyncWriter(os.Stderr)), cmtlog.AllowError())
	case "info":
		logger = cmtlog.NewFilter(cmtlog.NewTMLogger(cmtlog.NewSyncWriter(os.Stderr)), cmtlog.AllowInfo())
	default:
		return fmt.Errorf("unknown log level %q", level)
	}
	if dir != "" {
		// Each run makes new keys and a new genesis.
		if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
			return fmt.Errorf("%s is not empty", dir)
		}
	} else {
		tmp, err := os.MkdirTemp("", "ticketnode-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	cast, err := scenario.NewCast()
	if err != nil {
		return err
	}
	// An interrupt ends the run cleanly: the validators stop and the
	// temporary directory goes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	net, err := localnet.Start(localnet.Config{Validators: validators, Dir: dir, AppState: cast.Genesis, Logger: logger})
	if err != nil {
		return err
	}
	_, err = scenario.Run(ctx, net, cast, os.Stdout)
	if cerr := net.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Printf("done in %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}
