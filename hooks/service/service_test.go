package service

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestConfigWindows: the Windows service starts automatically at boot (not
// delayed, no sign-in needed), restarts after a failure, runs as LocalSystem,
// shows a Vietnamese name, and its command line carries the absolute folder.
func TestConfigWindows(t *testing.T) {
	c := Config("windows", Settings{
		Executable: `C:\Program Files\motcua\motcua.exe`,
		DataDir:    `D:\Một cửa\pb_data`,
		HTTP:       DefaultHTTP,
	})
	if c.Name != "motcua" || c.DisplayName != "Một cửa - Trung tâm phục vụ hành chính công (motcua)" {
		t.Errorf("name %q, display name %q", c.Name, c.DisplayName)
	}
	if c.UserName != "" {
		t.Errorf("account %q, want LocalSystem (empty)", c.UserName)
	}
	if c.Executable != `C:\Program Files\motcua\motcua.exe` {
		t.Errorf("executable %q", c.Executable)
	}
	wantArgs := []string{"service", "run", "--http=0.0.0.0:8090", `--dir=D:\Một cửa\pb_data`}
	if !reflect.DeepEqual(c.Arguments, wantArgs) {
		t.Errorf("arguments %q, want %q", c.Arguments, wantArgs)
	}
	wantOpts := map[string]any{
		"StartType":              "automatic",
		"DelayedAutoStart":       false,
		"OnFailure":              "restart",
		"OnFailureDelayDuration": "10s",
		"OnFailureResetPeriod":   86400,
	}
	for k, v := range wantOpts {
		if c.Option[k] != v {
			t.Errorf("option %s = %#v, want %#v", k, c.Option[k], v)
		}
	}
	if _, ok := c.Option["SystemdScript"]; ok || c.WorkingDirectory != "" || len(c.Dependencies) != 0 {
		t.Errorf("Linux settings in the Windows configuration: %+v", c)
	}
	if !strings.Contains(c.Description, `D:\Một cửa\pb_data`) {
		t.Errorf("description %q does not name the data folder", c.Description)
	}
}

// TestConfigLinux: the unit restarts always, starts after the network, runs
// the absolute folder, and a second instance has its own name.
func TestConfigLinux(t *testing.T) {
	c := Config("linux", Settings{Name: "motcua-xa2", Executable: "/opt/motcua/motcua", DataDir: "/srv/xa2/pb_data", HTTP: "0.0.0.0:8091", User: "motcua"})
	wantArgs := []string{"service", "run", "--http=0.0.0.0:8091", "--dir=/srv/xa2/pb_data", "--name=motcua-xa2"}
	if !reflect.DeepEqual(c.Arguments, wantArgs) {
		t.Errorf("arguments %q, want %q", c.Arguments, wantArgs)
	}
	if c.Option["Restart"] != "always" || !reflect.DeepEqual(c.Dependencies, []string{"After=network.target"}) {
		t.Errorf("restart %v, dependencies %v", c.Option["Restart"], c.Dependencies)
	}
	if c.UserName != "motcua" || c.WorkingDirectory != "/srv/xa2" || !strings.Contains(c.DisplayName, "[motcua-xa2]") {
		t.Errorf("user %q, working dir %q, display %q", c.UserName, c.WorkingDirectory, c.DisplayName)
	}
	if _, ok := c.Option["StartType"]; ok {
		t.Error("Windows options in the Linux configuration")
	}
}

func TestCheckHTTP(t *testing.T) {
	for addr, ok := range map[string]bool{
		"0.0.0.0:8090": true, "127.0.0.1:80": true, ":8090": true, "[::]:8090": true, "motcua.local:8090": true,
		"8090": false, "0.0.0.0:0": false, "0.0.0.0:70000": false, "0.0.0.0:http": false, "a b:80": false, "": false,
	} {
		if err := checkHTTP(addr); (err == nil) != ok {
			t.Errorf("checkHTTP(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

// TestCheckExecutable: the service names the real, absolute program; a go run
// build in a temporary folder and a folder are refused.
func TestCheckExecutable(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "motcua")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(exe, link); err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(exe)
	if got, err := checkExecutable(link); err != nil || got != real {
		t.Errorf("checkExecutable(link) = %q, %v, want %q", got, err, real)
	}
	build := filepath.Join(dir, "go-build123456", "b001", "exe")
	if err := os.MkdirAll(build, 0o755); err != nil {
		t.Fatal(err)
	}
	tmpExe := filepath.Join(build, "motcua")
	if err := os.WriteFile(tmpExe, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := checkExecutable(tmpExe); err == nil || !strings.Contains(err.Error(), "go build") {
		t.Errorf("a go run build was accepted: %v", err)
	}
	if _, err := checkExecutable(dir); err == nil {
		t.Error("a folder was accepted as the program")
	}
	if _, err := checkExecutable(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing program was accepted")
	}
}

// TestCheckDataDir: a relative folder becomes absolute (and is created); a
// file, a folder under a file and a name systemd would change are refused.
func TestCheckDataDir(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	got, err := checkDataDir("pb_data")
	if err != nil || got != filepath.Join(base, "pb_data") {
		t.Fatalf("checkDataDir(pb_data) = %q, %v", got, err)
	}
	if st, err := os.Stat(got); err != nil || !st.IsDir() {
		t.Errorf("folder not created: %v", err)
	}
	if es, _ := os.ReadDir(got); len(es) != 0 {
		t.Errorf("the write check left %v", es)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{file, filepath.Join(file, "pb_data"), filepath.Join(base, "100%"), "", "  "} {
		if got, err := checkDataDir(bad); err == nil {
			t.Errorf("checkDataDir(%q) accepted as %q", bad, got)
		}
	}
	if !inTempDir(filepath.Join(os.TempDir(), "x")) || inTempDir(filepath.Join(string(filepath.Separator), "srv", "x")) {
		t.Error("inTempDir")
	}
}

func TestSplitUnitCommand(t *testing.T) {
	cases := []struct {
		line string
		want []string
		bad  bool
	}{
		{`/opt/motcua/motcua "service" "run" "--http=0.0.0.0:8090" "--dir=/srv/motcua/pb_data"`,
			[]string{"/opt/motcua/motcua", "service", "run", "--http=0.0.0.0:8090", "--dir=/srv/motcua/pb_data"}, false},
		{`/opt/Một\x20cửa/motcua "service" "run" "--dir=/srv/a \"b\"/pb_data"`,
			[]string{"/opt/Một cửa/motcua", "service", "run", `--dir=/srv/a "b"/pb_data`}, false},
		{`/usr/bin/motcua service run --dir=/x`, []string{"/usr/bin/motcua", "service", "run", "--dir=/x"}, false},
		{`/usr/bin/motcua "service`, nil, true},
		{`   `, nil, true},
	}
	for _, c := range cases {
		got, err := splitUnitCommand(c.line)
		if c.bad {
			if err == nil {
				t.Errorf("accepted %q as %q", c.line, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitUnitCommand(%q) = %q, %v, want %q", c.line, got, err, c.want)
		}
	}
	in := fromArgs(cases[0].want)
	if in != (Installed{Executable: "/opt/motcua/motcua", DataDir: "/srv/motcua/pb_data", HTTP: "0.0.0.0:8090"}) {
		t.Errorf("fromArgs: %+v", in)
	}
}

// FuzzSplitUnitCommand: a unit file edited by hand never makes status panic,
// and the program is always the first word.
func FuzzSplitUnitCommand(f *testing.F) {
	f.Add(`/opt/motcua/motcua "service" "run" "--http=0.0.0.0:8090" "--dir=/srv/motcua/pb_data"`)
	f.Add(`/a\x20b "c \"d\"" e`)
	f.Add(`x "\`)
	f.Fuzz(func(t *testing.T, line string) {
		args, err := splitUnitCommand(line)
		if err != nil {
			return
		}
		if len(args) == 0 {
			t.Fatalf("no program in %q", line)
		}
		_ = fromArgs(args)
	})
}

// TestFirewallCommands: the rule lets the program in on private and domain
// networks only, quoted for a path with spaces, and uninstall removes the same
// rule.
func TestFirewallCommands(t *testing.T) {
	add := firewallAddCmd("motcua", `C:\Program Files\motcua\motcua.exe`)
	want := `netsh advfirewall firewall add rule name="motcua (motcua)" dir=in action=allow program="C:\Program Files\motcua\motcua.exe" enable=yes profile=private,domain`
	if add != want {
		t.Errorf("add rule:\n%s\nwant\n%s", add, want)
	}
	if del := firewallDeleteCmd("motcua"); del != `netsh advfirewall firewall delete rule name="motcua (motcua)"` {
		t.Errorf("delete rule: %s", del)
	}
	if quotable(`C:\a"b`) || !quotable(`C:\Program Files\x.exe`) {
		t.Error("quotable")
	}
}
