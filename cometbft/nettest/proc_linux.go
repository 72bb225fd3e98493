package nettest

import (
	"os/exec"
	"syscall"
)

// detach puts the validator in a process group of its own, so that a
// terminal's interrupt reaches only the caller, and has the kernel kill it
// if the caller dies first.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
