package nettest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"
)

var (
	long = flag.Bool("nettest.long", false, "longer loads and more blocks while a validator is down")

	// binary is the cbetsd TestMain built.
	binary string
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "nettest-cbetsd-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	start := time.Now()
	binary, err = Build(ctx, dir)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	if testing.Verbose() {
		fmt.Printf("nettest: built cbetsd in %v\n", time.Since(start).Round(time.Millisecond))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sized returns short under -short, long under -nettest.long, else def.
func sized[T any](short, def, lng T) T {
	switch {
	case testing.Short():
		return short
	case *long:
		return lng
	}
	return def
}
