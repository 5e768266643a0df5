//go:build linux

package service

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	kservice "github.com/kardianos/service"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// helperEnv makes the test binary act as the motcua program (a PocketBase app
// with the service command), so the tests can run it as a real process and a
// real systemd can run it as a service.
const helperEnv = "MOTCUA_SERVICE_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		os.Exit(helperMain())
	}
	os.Exit(m.Run())
}

func helperMain() int {
	app := pocketbase.NewWithConfig(pocketbase.Config{HideStartBanner: true})
	failed := false
	cmd := Command(app)
	var wrap func(c *cobra.Command)
	wrap = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			wrap(sub)
		}
		if run := c.RunE; run != nil {
			c.RunE = func(c *cobra.Command, args []string) error {
				err := run(c, args)
				failed = err != nil
				return err
			}
		}
	}
	wrap(cmd)
	app.RootCmd.AddCommand(cmd)
	if err := app.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if failed {
		return 1
	}
	return 0
}

// freeAddr is a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startHelper runs "<test binary> service run --http=addr --dir=dir" as the
// service manager would.
func startHelper(t *testing.T, addr, dir string) (*exec.Cmd, *syncBuffer, chan error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "service", "run", "--http="+addr, "--dir="+dir)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	return cmd, out, done
}

func exitCode(t *testing.T, done chan error, out *syncBuffer) int {
	t.Helper()
	select {
	case err := <-done:
		done <- err // for the cleanup
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		t.Fatalf("the process did not exit; output:\n%s", out.String())
	}
	return -1
}

// TestServiceRunProcess: "service run" as a real process serves, stops on
// SIGTERM (what systemd sends) with status 0 and its data in the given folder,
// and exits with status 1 when it cannot listen (so systemd's Restart= and
// Windows' recovery restart it; PocketBase's serve exits 0 there).
func TestServiceRunProcess(t *testing.T) {
	t.Run("serves and stops on SIGTERM", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "pb_data")
		addr := freeAddr(t)
		cmd, out, done := startHelper(t, addr, dir)
		waitHealthy(t, "http://"+addr)
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code := exitCode(t, done, out); code != 0 {
			t.Errorf("exit status %d after SIGTERM; output:\n%s", code, out.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "data.db")); err != nil {
			t.Errorf("no data.db in the --dir folder: %v", err)
		}
	})
	t.Run("port taken", func(t *testing.T) {
		busy, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer busy.Close()
		_, out, done := startHelper(t, busy.Addr().String(), filepath.Join(t.TempDir(), "pb_data"))
		if code := exitCode(t, done, out); code != 1 {
			t.Errorf("exit status %d, want 1; output:\n%s", code, out.String())
		}
		if !strings.Contains(out.String(), "could not run") {
			t.Errorf("output does not say why:\n%s", out.String())
		}
	})
}

// systemdSystem is kardianos' systemd backend, whether or not this machine
// runs systemd.
func systemdSystem(t *testing.T) kservice.System {
	t.Helper()
	for _, s := range kservice.AvailableSystems() {
		if s.String() == "linux-systemd" {
			return s
		}
	}
	t.Fatal("kardianos has no linux-systemd backend")
	return nil
}

// fakeSystemctl is a stand-in for systemctl on a machine without systemd: it
// records every call and keeps the unit's state in a file, so the commands'
// whole path runs and the unit file kardianos renders can be read.
const fakeSystemctl = `#!/bin/sh
echo "$*" >> "$FAKE_SYSTEMCTL_DIR/calls"
state="$FAKE_SYSTEMCTL_DIR/state"
case "$1" in
--version) echo "systemd 252 (252.33-1)" ;;
start) echo active > "$state" ;;
stop) echo inactive > "$state" ;;
is-active)
  s=$(cat "$state" 2>/dev/null || echo inactive)
  echo "$s"
  [ "$s" = active ] || exit 3 ;;
list-unit-files)
  [ -f "$HOME/.config/systemd/user/$4" ] && echo "$4 enabled enabled"
  echo "1 unit files listed." ;;
esac
exit 0
`

// runCmd runs the service command with args and returns what it printed.
func runCmd(t *testing.T, app core.App, e env, args ...string) (string, error) {
	t.Helper()
	cmd := newCommand(app, e)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// TestInstallSystemdUnit: install writes a unit (rendered by kardianos with
// our template) that runs the absolute program with the absolute data folder
// given as a relative --dir, restarts always, starts after the network and at
// boot; status, start, stop and uninstall go through systemctl. Here systemctl
// is a stand-in and the unit a user unit, so no root and no systemd are needed;
// TestRealSystemd does the same for real where the machine runs systemd.
func TestInstallSystemdUnit(t *testing.T) {
	home := t.TempDir()
	bin := t.TempDir()
	state := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("FAKE_SYSTEMCTL_DIR", state)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(fakeSystemctl), 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "motcua app", "motcua")
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	t.Chdir(work)
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: "pb_data"}) // relative, as --dir pb_data gives it
	e := env{goos: "linux", executable: func() (string, error) { return exe, nil },
		system: systemdSystem(t), userService: true, exit: func(int) { t.Error("exit called") }}
	const name = "motcua-test"

	out, err := runCmd(t, app, e, "status", "--name", name)
	if err != nil || !strings.Contains(out, "chưa cài / not installed") {
		t.Fatalf("status before install: %v\n%s", err, out)
	}

	out, err = runCmd(t, app, e, "install", "--name", name, "--http", "0.0.0.0:8091")
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	absDir := filepath.Join(work, "pb_data")
	if !strings.Contains(out, absDir) || !strings.Contains(out, "motcua service start") {
		t.Errorf("install output:\n%s", out)
	}
	unit, err := os.ReadFile(filepath.Join(home, ".config", "systemd", "user", name+".service"))
	if err != nil {
		t.Fatal(err)
	}
	u := string(unit)
	t.Logf("unit file:\n%s", u)
	for _, want := range []string{
		"[Unit]\n",
		"After=network.target\n",
		"StartLimitIntervalSec=0\n",
		`ExecStart=` + strings.ReplaceAll(exe, " ", `\x20`) + ` "service" "run" "--http=0.0.0.0:8091" "--dir=` + absDir + `" "--name=motcua-test"` + "\n",
		"WorkingDirectory=" + work + "\n",
		"Restart=always\n",
		"RestartSec=5\n",
		"[Install]\nWantedBy=multi-user.target\n",
		"Description=Bộ phận Một cửa",
	} {
		if !strings.Contains(u, want) {
			t.Errorf("unit lacks %q:\n%s", want, u)
		}
	}
	if strings.Contains(u, "User=") {
		t.Errorf("unit names a user without --user:\n%s", u)
	}
	calls, _ := os.ReadFile(filepath.Join(state, "calls"))
	if !strings.Contains(string(calls), "enable --user "+name+".service") || !strings.Contains(string(calls), "daemon-reload --user") {
		t.Errorf("systemctl calls:\n%s", calls)
	}

	if out, err := runCmd(t, app, e, "install", "--name", name); err == nil || !strings.Contains(err.Error(), "already installed") {
		t.Errorf("a second install: %v\n%s", err, out)
	}

	out, err = runCmd(t, app, e, "status", "--name", name)
	if err != nil || !strings.Contains(out, "đã dừng / stopped") || !strings.Contains(out, "data folder: "+absDir) ||
		!strings.Contains(out, "address:             0.0.0.0:8091") || !strings.Contains(out, "program:        "+exe) {
		t.Errorf("status after install: %v\n%s", err, out)
	}
	out, err = runCmd(t, app, e, "start", "--name", name)
	if err != nil || !strings.Contains(out, "đang chạy / running") {
		t.Errorf("start: %v\n%s", err, out)
	}
	out, err = runCmd(t, app, e, "stop", "--name", name)
	if err != nil || !strings.Contains(out, "đã dừng / stopped") {
		t.Errorf("stop: %v\n%s", err, out)
	}
	if _, err := runCmd(t, app, e, "start", "--name", name); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, app, e, "uninstall", "--name", name)
	if err != nil || !strings.Contains(out, "the data stays in: "+absDir) {
		t.Errorf("uninstall: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "systemd", "user", name+".service")); err == nil {
		t.Error("unit file left after uninstall")
	}
	calls, _ = os.ReadFile(filepath.Join(state, "calls"))
	if c := string(calls); !strings.Contains(c, "stop --user "+name+".service") || !strings.Contains(c, "disable --user "+name+".service") {
		t.Errorf("uninstall did not stop and disable the running unit:\n%s", c)
	}
	if _, err := os.Stat(absDir); err != nil {
		t.Errorf("uninstall removed the data folder: %v", err)
	}
	out, err = runCmd(t, app, e, "uninstall", "--name", name)
	if err == nil || !strings.Contains(err.Error(), "chưa được cài") {
		t.Errorf("uninstall of nothing: %v\n%s", err, out)
	}
}

// TestInstallRefuses: a bad address, a go run build, an unusable data folder
// and --user on Windows are refused before anything is registered.
func TestInstallRefuses(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	exe := filepath.Join(t.TempDir(), "motcua")
	if err := os.WriteFile(exe, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	goBuild := filepath.Join(t.TempDir(), "go-build99", "exe", "motcua")
	if err := os.MkdirAll(filepath.Dir(goBuild), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goBuild, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	good := t.TempDir()
	cases := []struct {
		name, goos, exe, dir string
		args                 []string
		want                 string
	}{
		{"bad address", "linux", exe, good, []string{"--http", "8090"}, "--http"},
		{"go run build", "linux", goBuild, good, nil, "go build"},
		{"data folder under a file", "linux", exe, filepath.Join(file, "pb_data"), nil, "thư mục dữ liệu"},
		{"user on windows", "windows", exe, good, []string{"--user", "bob"}, "services.msc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app := core.NewBaseApp(core.BaseAppConfig{DataDir: c.dir})
			e := env{goos: c.goos, executable: func() (string, error) { return c.exe, nil },
				system: systemdSystem(t), userService: true}
			out, err := runCmd(t, app, e, append([]string{"install", "--name", "motcua-refuse"}, c.args...)...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want %q\n%s", err, c.want, out)
			}
			home, _ := os.UserHomeDir()
			if _, err := os.Stat(filepath.Join(home, ".config", "systemd", "user", "motcua-refuse.service")); err == nil {
				t.Error("a unit was written")
			}
		})
	}
}

// TestRealSystemd installs, starts, checks, stops and removes a real systemd
// service running this test binary as the program, on a machine that runs
// systemd (as root). Elsewhere it skips: TestInstallSystemdUnit covers the
// unit file there.
func TestRealSystemd(t *testing.T) {
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		t.Skip("this machine does not run systemd (no /run/systemd/system); the unit file is checked by TestInstallSystemdUnit")
	}
	if os.Geteuid() != 0 {
		t.Skip("installing a system service needs root")
	}
	// A copy of the test binary outside go's build cache, named like the program.
	exe := filepath.Join(t.TempDir(), "motcua")
	copyFile(t, os.Args[0], exe)
	dir := filepath.Join(t.TempDir(), "pb_data")
	addr := freeAddr(t)
	name := fmt.Sprintf("motcua-test-%d", os.Getpid())
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	e := env{goos: "linux", executable: func() (string, error) { return exe, nil }, exit: func(int) {},
		tweak: func(c *kservice.Config) { c.EnvVars = map[string]string{helperEnv: "1"} }}
	t.Cleanup(func() {
		_, _ = runCmd(t, app, e, "uninstall", "--name", name)
		_ = exec.Command("systemctl", "reset-failed", name+".service").Run()
	})
	if out, err := runCmd(t, app, e, "install", "--name", name, "--http", addr); err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	unit, _ := os.ReadFile("/etc/systemd/system/" + name + ".service")
	if !strings.Contains(string(unit), `"--dir=`+dir+`"`) || !strings.Contains(string(unit), "ExecStart="+exe) {
		t.Errorf("unit:\n%s", unit)
	}
	if out, err := runCmd(t, app, e, "start", "--name", name); err != nil || !strings.Contains(out, "running") {
		t.Fatalf("start: %v\n%s", err, out)
	}
	waitHealthy(t, "http://"+addr)
	out, err := runCmd(t, app, e, "status", "--name", name)
	if err != nil || !strings.Contains(out, "running") || !strings.Contains(out, dir) {
		t.Errorf("status: %v\n%s", err, out)
	}
	if out, err := runCmd(t, app, e, "stop", "--name", name); err != nil || !strings.Contains(out, "stopped") {
		t.Errorf("stop: %v\n%s", err, out)
	}
	if out, err := runCmd(t, app, e, "uninstall", "--name", name); err != nil {
		t.Errorf("uninstall: %v\n%s", err, out)
	}
	if _, err := os.Stat("/etc/systemd/system/" + name + ".service"); err == nil {
		t.Error("unit file left after uninstall")
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
