//go:build !linux

package testkit

import "time"

// ThreadCPU is not measured on this platform: it returns 0.
func ThreadCPU() time.Duration { return 0 }
