//go:build unix

package ticket_test

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time the process has used, or 0
// where it cannot be read.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
