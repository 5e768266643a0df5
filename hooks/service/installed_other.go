//go:build !linux && !windows

package service

import "errors"

func readInstalled(name string, _ bool) (Installed, error) {
	return Installed{}, errors.ErrUnsupported
}
