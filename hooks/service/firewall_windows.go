//go:build windows

package service

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"syscall"
)

// runNetsh runs a netsh command line as written (netsh parses its own
// name="…" arguments, which Go's argument quoting would change).
func runNetsh(cmdline string) error {
	netsh := filepath.Join(systemRoot(), "System32", "netsh.exe")
	cmd := exec.Command(netsh)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: cmdline}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", cmdline, err, out)
	}
	return nil
}

func systemRoot() string {
	if r, ok := syscall.Getenv("SystemRoot"); ok && r != "" {
		return r
	}
	return `C:\Windows`
}
