//go:build linux

package service

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// kardianosSysvScript is the part of the init script kardianos v1.3 writes on a
// Linux without systemd that status reads (the command line), as it writes it.
const kardianosSysvScript = `#!/bin/sh
# description: Bộ phận Một cửa của xã
### BEGIN INIT INFO
# Provides:          /opt/motcua/motcua
### END INIT INFO

cmd="/opt/motcua/motcua "service" "run" "--http=0.0.0.0:8090" "--dir=/srv/motcua/pb_data""

name=$(basename $(readlink -f $0))
`

// TestSysvInitScript: on a Linux without systemd (this test machine) the
// service is a System V init script. Status reads the data folder and the
// address from it, a stopped service (the script's "status" exits 1) reads
// as stopped and a missing script as not installed, and uninstall removes the
// runlevel links kardianos leaves dangling.
func TestSysvInitScript(t *testing.T) {
	dir := t.TempDir()
	oldInit, oldRC := initScriptDir, rcDir
	initScriptDir, rcDir = filepath.Join(dir, "init.d"), dir
	t.Cleanup(func() { initScriptDir, rcDir = oldInit, oldRC })
	if err := os.MkdirAll(initScriptDir, 0o755); err != nil {
		t.Fatal(err)
	}
	const name = "motcua-sysv"
	if st, ok := fallbackState("unix-systemv", name); !ok || st != StateNotInstalled {
		t.Errorf("no script: %q %v, want not installed", st, ok)
	}
	script := filepath.Join(initScriptDir, name)
	if err := os.WriteFile(script, []byte(kardianosSysvScript), 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := readInstalled(name, false)
	if err != nil || in != (Installed{Executable: "/opt/motcua/motcua", DataDir: "/srv/motcua/pb_data", HTTP: "0.0.0.0:8090"}) {
		t.Errorf("readInstalled from the init script: %+v, %v", in, err)
	}
	if st, ok := fallbackState("unix-systemv", name); !ok || st != StateStopped {
		t.Errorf("script present, status failing: %q %v, want stopped", st, ok)
	}
	if _, ok := fallbackState("linux-systemd", name); ok {
		t.Error("the fallback applied to systemd, which reports states itself")
	}

	var links []string
	for _, l := range []string{"rc2.d/S50" + name, "rc3.d/S50" + name, "rc0.d/K02" + name, "rc6.d/K02" + name} {
		p := filepath.Join(rcDir, l)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(script, p); err != nil {
			t.Fatal(err)
		}
		links = append(links, p)
	}
	other := filepath.Join(rcDir, "rc2.d", "S50"+name+"-other")
	if err := os.Symlink(filepath.Join(initScriptDir, "other"), other); err != nil {
		t.Fatal(err)
	}
	afterUninstall("unix-systemv", name)
	for _, p := range links {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s left after uninstall", p)
		}
	}
	if _, err := os.Lstat(other); err != nil {
		t.Errorf("another service's link was removed: %v", err)
	}
}

// TestNoDataCommands: every service subcommand but "run" is marked as needing
// no data folder, and the marks are found from a command line the way
// PocketBase finds the command it will run (flags before or after).
func TestNoDataCommands(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	root := newCommand(app, env{goos: "linux"})
	cases := map[string]bool{
		"service status":                          true,
		"service start --name motcua-2":           true,
		"service stop":                            true,
		"service uninstall":                       true,
		"service install --dir /srv/x --http :80": true,
		"service run --http=0.0.0.0:8090":         false,
		"service":                                 false,
	}
	for line, want := range cases {
		// root here is the "service" command itself: Find from it.
		args := strings.Fields(line)[1:]
		if got := needsNoData(root, args); got != want {
			t.Errorf("%q: needsNoData = %v, want %v", line, got, want)
		}
	}
}

// TestNoDataProcess runs the program (this test binary acting as motcua) as an
// IT person would: "service status" and "service stop" with the service's data
// elsewhere leave no pb_data behind, neither where --dir points nor beside the
// program, and print no PocketBase warning about the skipped bootstrap; a
// failure still exits 1.
func TestNoDataProcess(t *testing.T) {
	work := t.TempDir()
	dir := filepath.Join(work, "elsewhere", "pb_data")
	run := func(args ...string) (string, int) {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), helperEnv+"=1")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	out, code := run("--dir", dir, "service", "status", "--name", "motcua-test-nodata")
	if strings.Contains(out, errNoManager.Error()) {
		t.Skip("no service manager on this machine (neither systemd nor System V init)")
	}
	if code != 0 || !strings.Contains(out, "not installed") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	out2, code := run("service", "stop", "--name", "motcua-test-nodata")
	if code != 1 || !strings.Contains(out2, "not installed") {
		t.Errorf("stop of a service that is not installed: exit %d, want 1\n%s", code, out2)
	}
	for _, o := range []string{out, out2} {
		if strings.Contains(o, "bootstrapped") || strings.Contains(o, "WARN") {
			t.Errorf("a warning reached the IT person:\n%s", o)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "elsewhere")); err == nil {
		t.Error("status created the --dir folder")
	}
	// Beside the program, or in the working folder: PocketBase takes the
	// working folder for a program in a temporary build folder like this one.
	for _, d := range []string{filepath.Dir(os.Args[0]), work} {
		if _, err := os.Stat(filepath.Join(d, "pb_data")); err == nil {
			t.Errorf("stop created %s", filepath.Join(d, "pb_data"))
		}
	}
}
