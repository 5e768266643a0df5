//go:build linux

package service

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readInstalled reads the systemd unit kardianos wrote and returns what its
// command line fixes. (Other Linux init systems: not read; status then shows
// no data folder.)
func readInstalled(name string, userService bool) (Installed, error) {
	paths := []string{"/etc/systemd/system/" + name + ".service"}
	if userService {
		home, err := os.UserHomeDir()
		if err != nil {
			return Installed{}, err
		}
		paths = []string{filepath.Join(home, ".config", "systemd", "user", name+".service")}
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 4096), maxUnitLine)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			cmd, ok := strings.CutPrefix(line, "ExecStart=")
			if !ok {
				continue
			}
			args, err := splitUnitCommand(cmd)
			if err != nil {
				return Installed{}, fmt.Errorf("%s: %w", p, err)
			}
			return fromArgs(args), nil
		}
		return Installed{}, fmt.Errorf("%s: no command line", p)
	}
	return Installed{}, os.ErrNotExist
}
