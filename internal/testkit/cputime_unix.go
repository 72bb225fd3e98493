//go:build unix

package testkit

import (
	"syscall"
	"time"
)

// CPUTime returns the user and system CPU time the process has used, or 0
// where it cannot be read. Benchmarks on a shared machine report it per
// operation: it does not grow with other processes' load as wall time does.
func CPUTime() time.Duration { return rusageCPU(syscall.RUSAGE_SELF) }

// rusageCPU returns the user and system CPU time getrusage reports for
// who, or 0 where it cannot be read.
func rusageCPU(who int) time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(who, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
