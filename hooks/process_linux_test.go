package hooks

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes a server started by a test die with the test binary, so a
// test killed by its timeout leaves no motcua process behind eating the CPU.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
