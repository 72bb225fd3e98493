package testkit

import (
	"syscall"
	"time"
)

// ThreadCPU returns the CPU time the calling thread has used, or 0 where it
// cannot be read. Lock the goroutine to its thread (runtime.LockOSThread)
// around what is measured.
func ThreadCPU() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_THREAD, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
