// Package service installs motcua as an operating-system service, so the office
// PC serves the counters, the kiosk and the lobby TV after every power cut
// without anyone logging in: a Windows service (automatic start, restarted by
// the Service Control Manager on failure, as LocalSystem) or a systemd unit on
// Linux (Restart=always, After=network.target, WantedBy=multi-user.target).
// It uses github.com/kardianos/service for both.
//
// The data folder and the address are fixed at install time, as absolute
// values in the service's command line: the service runs
//
//	<this program, absolute> service run --http=<addr> --dir=<absolute data folder>
//
// and "service run" serves the app under the service manager: on Windows it
// answers the Service Control Manager (a plain "serve" would be killed after 30
// seconds for not doing so), and everywhere it exits with status 1 when the
// server cannot start or stops by itself, so the manager restarts it (PocketBase's
// own serve exits 0 then).
package service

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	kservice "github.com/kardianos/service"
)

// DefaultName is the service's name (Windows service name, systemd unit motcua.service).
const DefaultName = "motcua"

// DefaultHTTP is the address the service listens on: every network card, so
// the other PCs, the kiosk and the TV reach it over the office LAN.
const DefaultHTTP = "0.0.0.0:8090"

// displayName is what services.msc shows.
const displayName = "Một cửa - Trung tâm phục vụ hành chính công (motcua)"

// Settings are fixed when the service is installed.
type Settings struct {
	// Name is the service name; DefaultName unless two offices share a PC.
	Name string
	// Executable is the absolute path of the program the service runs.
	Executable string
	// DataDir is the absolute data folder (pb_data).
	DataDir string
	// HTTP is the address to listen on, host:port.
	HTTP string
	// User is the Linux account the unit runs as ("" = root). On Windows the
	// service runs as LocalSystem; another account is set in services.msc.
	User string
}

// Windows service-manager settings: start at boot without waiting for a
// sign-in, restart 10 s after any failure, for ever (the last recovery action
// repeats, and the failure count resets after a day).
const (
	winStartType      = "automatic"
	winOnFailure      = "restart"
	winOnFailureDelay = "10s"
	winResetPeriod    = 24 * 60 * 60
)

// Config is the kardianos configuration of the service for goos ("windows",
// "linux"): pure, so the Windows configuration is checked on any machine.
func Config(goos string, s Settings) *kservice.Config {
	name := s.Name
	if name == "" {
		name = DefaultName
	}
	args := []string{"service", "run", "--http=" + s.HTTP, "--dir=" + s.DataDir}
	if name != DefaultName {
		args = append(args, "--name="+name)
	}
	c := &kservice.Config{
		Name:        name,
		DisplayName: displayName,
		Description: "Bộ phận Một cửa của xã: tiếp nhận hồ sơ, xếp hàng, tra cứu. " +
			"The commune's one-stop centre. Dữ liệu / data: " + s.DataDir,
		Executable: s.Executable,
		Arguments:  args,
		Option:     kservice.KeyValue{},
	}
	if name != DefaultName {
		c.DisplayName += " [" + name + "]"
	}
	switch goos {
	case "windows":
		// UserName empty: LocalSystem, which may write the data folder
		// wherever it is and flush a USB stick after a copy.
		c.Option["StartType"] = winStartType
		c.Option["DelayedAutoStart"] = false
		c.Option["OnFailure"] = winOnFailure
		c.Option["OnFailureDelayDuration"] = winOnFailureDelay
		c.Option["OnFailureResetPeriod"] = winResetPeriod
	default:
		c.UserName = s.User
		c.WorkingDirectory = filepath.Dir(s.DataDir)
		c.Dependencies = []string{"After=network.target"}
		c.Option["Restart"] = "always"
		c.Option["SystemdScript"] = systemdUnit
	}
	return c
}

// systemdUnit replaces kardianos' built-in unit (same template keys) for one
// reason: its RestartSec=120 leaves the counter without a server for two
// minutes after a crash. Here the unit restarts after 5 s and never gives up
// (StartLimitIntervalSec=0), and gives the server time to close its database.
const systemdUnit = `[Unit]
Description={{Description}}
ConditionFileIsExecutable={{Path | cmdEscape}}
{{range Dependencies}}{{.}}
{{end}}StartLimitIntervalSec=0

[Service]
ExecStart={{Path | cmdEscape}}{{range Arguments}} {{. | cmd}}{{end}}
{{if WorkingDirectory}}WorkingDirectory={{WorkingDirectory | cmdEscape}}
{{end}}{{if UserName}}User={{UserName}}
{{end}}Restart={{Restart}}
RestartSec=5
TimeoutStopSec=60
{{range EnvVars}}{{.}}
{{end}}
[Install]
WantedBy=multi-user.target
`

// checkHTTP accepts host:port with a port from 1 to 65535.
func checkHTTP(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--http %q: want host:port, e.g. %s: %w", addr, DefaultHTTP, err)
	}
	if host != "" && net.ParseIP(host) == nil && !isHostname(host) {
		return fmt.Errorf("--http %q: %q is not an address", addr, host)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("--http %q: port must be 1-65535", addr)
	}
	return nil
}

func isHostname(h string) bool {
	for _, r := range h {
		if !(r == '-' || r == '.' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return h != ""
}

// errTempBuild says the program runs from "go run"'s temporary build folder,
// which is gone after the next reboot.
var errTempBuild = errors.New("this program runs from a temporary build folder (go run)")

// checkExecutable makes exe absolute, resolves symlinks (a service must name
// the real file) and refuses go run's temporary builds.
func checkExecutable(exe string) (string, error) {
	abs, err := filepath.Abs(exe)
	if err != nil {
		return "", fmt.Errorf("program path: %w", err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("program path: %w", err)
	}
	if st.IsDir() {
		return "", fmt.Errorf("program path %s is a folder", abs)
	}
	if strings.Contains(filepath.ToSlash(abs), "/go-build") {
		return "", fmt.Errorf("%w: %s; build it (go build -o motcua .) and install from the binary", errTempBuild, abs)
	}
	return abs, nil
}

// checkDataDir makes the data folder absolute and checks that the service can
// use it: a folder (created if missing) where a file can be written, with a
// name the service manager's command line can carry unchanged.
func checkDataDir(dir string) (string, error) {
	if strings.TrimSpace(dir) == "" {
		return "", errors.New("no data folder: give --dir <folder>")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data folder %s: %w", dir, err)
	}
	for _, r := range abs {
		// systemd expands % and the unit quotes with "; control characters
		// end a line. A Windows path cannot hold " at all.
		if r < 0x20 || r == 0x7f || r == '"' || r == '%' {
			return "", fmt.Errorf("data folder %q: the character %q cannot be used in a service's folder name", abs, r)
		}
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("data folder %s: %w", abs, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("data folder %s: %w", abs, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("data folder %s is not a folder", abs)
	}
	f, err := os.CreateTemp(abs, ".motcua-write-check-*")
	if err != nil {
		return "", fmt.Errorf("data folder %s is not writable: %w", abs, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return "", fmt.Errorf("data folder %s: %w", abs, err)
	}
	return abs, nil
}

// inTempDir reports whether dir is under the system's temp folder, where a
// data folder may be wiped at boot.
func inTempDir(dir string) bool {
	tmp, err := filepath.Abs(os.TempDir())
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(tmp, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
