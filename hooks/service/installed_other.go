//go:build !linux && !windows

package service

import "errors"

func readInstalled(name string, _ bool) (Installed, error) {
	return Installed{}, errors.ErrUnsupported
}

// fallbackState: kardianos reports the state directly here.
func fallbackState(string, string) (State, bool) { return "", false }

// afterUninstall: nothing is left behind here.
func afterUninstall(string, string) {}
