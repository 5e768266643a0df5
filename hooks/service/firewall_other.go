//go:build !windows

package service

import "errors"

// runNetsh exists on Windows only; the firewall rule is a Windows step.
func runNetsh(string) error { return errors.ErrUnsupported }
