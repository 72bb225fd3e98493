package app_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used, every thread
// counted, or 0 if unknown.
func processCPU() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
