//go:build windows

package service

import (
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc/mgr"
)

// readInstalled asks the Service Control Manager for the service's command
// line (only the right to query the configuration is needed).
func readInstalled(name string, _ bool) (Installed, error) {
	h, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT)
	if err != nil {
		return Installed{}, err
	}
	m := &mgr.Mgr{Handle: h}
	defer m.Disconnect()
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return Installed{}, err
	}
	sh, err := windows.OpenService(h, p, windows.SERVICE_QUERY_CONFIG)
	if err != nil {
		return Installed{}, err
	}
	s := &mgr.Service{Handle: sh, Name: name}
	defer s.Close()
	cfg, err := s.Config()
	if err != nil {
		return Installed{}, err
	}
	args, err := windows.DecomposeCommandLine(cfg.BinaryPathName)
	if err != nil {
		return Installed{}, err
	}
	return fromArgs(args), nil
}

// fallbackState: the Service Control Manager reports the state directly.
func fallbackState(string, string) (State, bool) { return "", false }

// afterUninstall: the Service Control Manager leaves nothing behind.
func afterUninstall(string, string) {}
