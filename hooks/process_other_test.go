//go:build !linux

package hooks

import "os/exec"

// dieWithTest is a no-op where the OS has no parent-death signal.
func dieWithTest(cmd *exec.Cmd) {}
