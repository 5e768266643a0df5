//go:build linux

package service

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// initScriptDir is where kardianos writes a System V init script (a Linux
// without systemd; tests point it elsewhere).
var initScriptDir = "/etc/init.d"

// readInstalled reads the systemd unit kardianos wrote (or, on a Linux
// without systemd, its System V init script) and returns what its command
// line fixes.
func readInstalled(name string, userService bool) (Installed, error) {
	paths := []string{"/etc/systemd/system/" + name + ".service", filepath.Join(initScriptDir, name)}
	if userService {
		home, err := os.UserHomeDir()
		if err != nil {
			return Installed{}, err
		}
		paths = []string{filepath.Join(home, ".config", "systemd", "user", name+".service")}
	}
	for _, p := range paths {
		in, err := readCommandLine(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		return in, err
	}
	return Installed{}, os.ErrNotExist
}

// readCommandLine finds the service's command line in a unit file
// (ExecStart=…) or a kardianos init script (cmd="…").
func readCommandLine(p string) (Installed, error) {
	f, err := os.Open(p)
	if err != nil {
		return Installed{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), maxUnitLine)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		cmd, ok := strings.CutPrefix(line, "ExecStart=")
		if !ok {
			// The init script writes cmd="<program> "arg" "arg"": the same
			// quoting as a unit inside one more pair of quotes.
			var script bool
			if cmd, script = strings.CutPrefix(line, `cmd="`); !script {
				continue
			}
			cmd = strings.TrimSuffix(cmd, `"`)
		}
		args, err := splitUnitCommand(cmd)
		if err != nil {
			return Installed{}, fmt.Errorf("%s: %w", p, err)
		}
		return fromArgs(args), nil
	}
	return Installed{}, fmt.Errorf("%s: no command line", p)
}

// fallbackState reads the state kardianos' System V backend leaves unknown:
// its init script answers "status" of a stopped service with exit status 1,
// which kardianos reports as an error, and a script that is not there the
// same way.
func fallbackState(platform, name string) (State, bool) {
	if platform != "unix-systemv" {
		return "", false
	}
	if _, err := os.Stat(filepath.Join(initScriptDir, name)); errors.Is(err, os.ErrNotExist) {
		return StateNotInstalled, true
	} else if err != nil {
		return "", false
	}
	return StateStopped, true
}

// rcDir is where System V runlevel links live (tests point it elsewhere).
var rcDir = "/etc"

// afterUninstall removes the runlevel links kardianos' System V backend makes
// at install (/etc/rc2.d/S50<name> …) and leaves behind at uninstall, dangling.
func afterUninstall(platform, name string) {
	if platform != "unix-systemv" {
		return
	}
	for i := 0; i <= 6; i++ {
		for _, prefix := range []string{"S50", "K02"} {
			p := filepath.Join(rcDir, fmt.Sprintf("rc%d.d", i), prefix+name)
			if target, err := os.Readlink(p); err == nil && target == filepath.Join(initScriptDir, name) {
				_ = os.Remove(p)
			}
		}
	}
}
