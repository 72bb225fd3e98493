package testkit

import (
	"syscall"
	"time"
)

// ThreadCPU returns the CPU time the calling thread has used, or 0 where it
// cannot be read. Lock the goroutine to its thread (runtime.LockOSThread)
// around what is measured.
func ThreadCPU() time.Duration { return rusageCPU(syscall.RUSAGE_THREAD) }
