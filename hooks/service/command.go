package service

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"

	kservice "github.com/kardianos/service"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// env is what the commands take from the machine; tests replace parts of it.
type env struct {
	goos       string
	executable func() (string, error)
	// system, when set, is the service system to use instead of the one
	// kardianos detects (tests pick systemd on a machine without it).
	system kservice.System
	// userService installs a systemd user unit (tests run without root).
	userService bool
	// tweak adjusts the configuration before install (tests add variables).
	tweak func(*kservice.Config)
	exit  func(int)
}

func hostEnv() env {
	return env{goos: runtime.GOOS, executable: os.Executable, exit: os.Exit}
}

// newService builds the kardianos service for cfg and program i.
func (e env) newService(i kservice.Interface, cfg *kservice.Config) (kservice.Service, error) {
	if e.userService {
		cfg.Option["UserService"] = true
	}
	if e.system != nil {
		return e.system.New(i, cfg)
	}
	s, err := kservice.New(i, cfg)
	if errors.Is(err, kservice.ErrNoServiceSystemDetected) {
		return nil, errNoManager
	}
	return s, err
}

// Command is "motcua service": install, uninstall, start, stop and status of
// the operating-system service, and the hidden "service run" the service
// manager starts. hooks.Commands adds it to app.RootCmd. Every subcommand but
// "run" leaves the data folder alone (nodata.go).
func Command(app *pocketbase.PocketBase) *cobra.Command {
	bindNoDataBootstrap(app, commandLine)
	return newCommand(app, hostEnv())
}

func newCommand(app core.App, e env) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "service",
		Short: "Run motcua as a Windows service or a systemd unit, started at boot / Chạy motcua như dịch vụ của hệ điều hành",
		Long: "Registers motcua with the operating system so it starts at boot, before anyone signs in, and is\n" +
			"restarted when it fails: a Windows service (as LocalSystem) or a systemd unit on Linux.\n" +
			"The data folder (--dir, absolute) and the address (--http) are fixed at install.\n" +
			"Install, uninstall, start and stop need an administrator (Windows) or root (Linux).",
		Example: "  motcua service install --dir C:\\motcua\\pb_data --http 0.0.0.0:8090\n" +
			"  sudo ./motcua service install --dir /srv/motcua/pb_data\n" +
			"  motcua service start\n" +
			"  motcua service status\n" +
			"  motcua service stop\n" +
			"  motcua service uninstall",
		SilenceUsage: true,
	}
	cmd.PersistentFlags().StringVar(&name, "name", DefaultName, "the service's name (only if two offices share one PC)")
	cmd.AddCommand(
		markNoData(installCommand(app, e, &name)),
		markNoData(uninstallCommand(e, &name)),
		markNoData(controlCommand(e, &name, "start", "Start the installed service / Khởi động dịch vụ")),
		markNoData(controlCommand(e, &name, "stop", "Stop the service (it starts again at the next boot) / Dừng dịch vụ")),
		markNoData(statusCommand(e, &name)),
		runCommand(app, e, &name),
	)
	return cmd
}

func installCommand(app core.App, e env, name *string) *cobra.Command {
	var httpAddr, user string
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Register the service, started at boot and restarted on failure / Cài dịch vụ",
		Long: "Registers the service with the data folder given by --dir (made absolute now; relative folders\n" +
			"are taken from the current folder; without --dir, pb_data beside the program) and the address\n" +
			"--http. It does not start it: run \"motcua service start\" (or reboot).",
		Example:      "  motcua service install --dir C:\\motcua\\pb_data\n  sudo ./motcua service install --dir /srv/motcua/pb_data --http 0.0.0.0:8090 --user motcua",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return install(cmd.OutOrStdout(), app, e, *name, httpAddr, user)
		},
	}
	cmd.Flags().StringVar(&httpAddr, "http", DefaultHTTP, "the address the service listens on")
	cmd.Flags().StringVar(&user, "user", "", "Linux: the account the service runs as (default root); it must own the data folder")
	return cmd
}

func install(out io.Writer, app core.App, e env, name, httpAddr, user string) error {
	if err := checkHTTP(httpAddr); err != nil {
		return bilingual("Địa chỉ --http không hợp lệ", err)
	}
	if user != "" && e.goos == "windows" {
		return bilingual("Trên Windows dịch vụ chạy bằng LocalSystem; đổi tài khoản trong services.msc (thẻ Log On)",
			errors.New("--user is for Linux; on Windows change the account in services.msc (Log On tab)"))
	}
	exe, err := e.executable()
	if err == nil {
		exe, err = checkExecutable(exe)
	}
	if err != nil {
		return bilingual("Không dùng được đường dẫn chương trình", err)
	}
	dir, err := checkDataDir(app.DataDir())
	if err != nil {
		return bilingual("Không dùng được thư mục dữ liệu", err)
	}
	cfg := Config(e.goos, Settings{Name: name, Executable: exe, DataDir: dir, HTTP: httpAddr, User: user})
	if e.tweak != nil {
		e.tweak(cfg)
	}
	s, err := e.newService(&program{}, cfg)
	if err != nil {
		return bilingual("Không tìm thấy trình quản lý dịch vụ", err)
	}
	if st, _ := state(s, name); st == StateRunning || st == StateStopped {
		return bilingual("Dịch vụ đã được cài; gỡ trước bằng \"motcua service uninstall\" (dữ liệu được giữ nguyên)",
			fmt.Errorf("service %s is already installed; run \"motcua service uninstall\" first (the data stays)", name))
	}
	if err := s.Install(); err != nil {
		return installError(e.goos, err)
	}
	fmt.Fprintf(out, "Đã cài dịch vụ / service installed: %s (%s)\n", name, s.Platform())
	fmt.Fprintf(out, "  chương trình / program:        %s\n", exe)
	fmt.Fprintf(out, "  thư mục dữ liệu / data folder: %s\n", dir)
	fmt.Fprintf(out, "  địa chỉ / address:             %s\n", httpAddr)
	if inTempDir(dir) {
		fmt.Fprintf(out, "  CẢNH BÁO / WARNING: the data folder is inside the temporary folder %s and may be wiped at boot\n", os.TempDir())
	}
	if e.goos == "windows" && e.system == nil {
		_ = runNetsh(firewallDeleteCmd(name)) // a rule left by an earlier install
		if !quotable(exe) {
			err = fmt.Errorf("program path %q", exe)
		} else {
			err = runNetsh(firewallAddCmd(name, exe))
		}
		if err != nil {
			fmt.Fprintf(out, "  CẢNH BÁO / WARNING: firewall rule not added (%v); other PCs may not connect. Run as administrator:\n    %s\n", err, firewallAddCmd(name, exe))
		} else {
			fmt.Fprintf(out, "  tường lửa / firewall: allowed on private and domain networks\n")
		}
	}
	fmt.Fprintf(out, "Tiếp theo / next: motcua service start (hoặc khởi động lại máy / or reboot)\n")
	return nil
}

// installError explains the usual reason an install fails: no administrator
// or root rights.
func installError(goos string, err error) error {
	msg := strings.ToLower(err.Error())
	if errors.Is(err, fs.ErrPermission) || strings.Contains(msg, "access is denied") || strings.Contains(msg, "permission denied") {
		if goos == "windows" {
			return bilingual("Cần quyền quản trị: mở Command Prompt bằng \"Run as administrator\" rồi chạy lại", err)
		}
		return bilingual("Cần quyền root: chạy lại với sudo", err)
	}
	return bilingual("Cài dịch vụ không thành công", err)
}

func uninstallCommand(e env, name *string) *cobra.Command {
	return &cobra.Command{
		Use:          "uninstall",
		Short:        "Stop and remove the service; the data folder is kept / Gỡ dịch vụ (giữ dữ liệu)",
		Example:      "  motcua service uninstall",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			s, err := e.newService(&program{}, Config(e.goos, Settings{Name: *name}))
			if err != nil {
				return bilingual("Không tìm thấy trình quản lý dịch vụ", err)
			}
			in, _ := readInstalled(*name, e.userService)
			switch st, _ := state(s, *name); st {
			case StateRunning:
				if err := s.Stop(); err != nil {
					return bilingual("Không dừng được dịch vụ", err)
				}
			case StateNotInstalled:
				return bilingual("Dịch vụ chưa được cài", fmt.Errorf("service %s is not installed", *name))
			}
			if err := s.Uninstall(); err != nil {
				return installError(e.goos, err)
			}
			afterUninstall(s.Platform(), *name)
			if e.goos == "windows" && e.system == nil {
				_ = runNetsh(firewallDeleteCmd(*name))
			}
			fmt.Fprintf(out, "Đã gỡ dịch vụ / service removed: %s\n", *name)
			if in.DataDir != "" {
				fmt.Fprintf(out, "  dữ liệu vẫn giữ tại / the data stays in: %s\n", in.DataDir)
			}
			return nil
		},
	}
}

func controlCommand(e env, name *string, action, short string) *cobra.Command {
	return &cobra.Command{
		Use:          action,
		Short:        short,
		Example:      "  motcua service " + action,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := e.newService(&program{}, Config(e.goos, Settings{Name: *name}))
			if err != nil {
				return bilingual("Không tìm thấy trình quản lý dịch vụ", err)
			}
			if action == "start" {
				err = s.Start()
			} else {
				err = s.Stop()
			}
			if err != nil {
				if st, _ := state(s, *name); st == StateNotInstalled {
					return bilingual("Dịch vụ chưa được cài: chạy \"motcua service install\" trước",
						fmt.Errorf("service %s is not installed: run \"motcua service install\" first", *name))
				}
				return installError(e.goos, err)
			}
			return printStatus(cmd.OutOrStdout(), s, *name, e.userService)
		},
	}
}

func statusCommand(e env, name *string) *cobra.Command {
	return &cobra.Command{
		Use:          "status",
		Short:        "Say whether the service is installed and running, and its data folder / Trạng thái dịch vụ",
		Example:      "  motcua service status",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := e.newService(&program{}, Config(e.goos, Settings{Name: *name}))
			if err != nil {
				return bilingual("Không tìm thấy trình quản lý dịch vụ", err)
			}
			return printStatus(cmd.OutOrStdout(), s, *name, e.userService)
		},
	}
}

// State is the service's state as status reports it.
type State string

// The states status reports.
const (
	StateNotInstalled State = "not installed"
	StateRunning      State = "running"
	StateStopped      State = "stopped"
	StateUnknown      State = "unknown"
)

var stateVi = map[State]string{
	StateNotInstalled: "chưa cài",
	StateRunning:      "đang chạy",
	StateStopped:      "đã dừng",
	StateUnknown:      "không rõ",
}

func state(s kservice.Service, name string) (State, error) {
	st, err := s.Status()
	switch {
	case errors.Is(err, kservice.ErrNotInstalled):
		return StateNotInstalled, nil
	case err != nil:
		if fb, ok := fallbackState(s.Platform(), name); ok {
			return fb, nil
		}
		return StateUnknown, err
	case st == kservice.StatusRunning:
		return StateRunning, nil
	case st == kservice.StatusStopped:
		return StateStopped, nil
	}
	return StateUnknown, nil
}

func printStatus(out io.Writer, s kservice.Service, name string, userService bool) error {
	st, err := state(s, name)
	fmt.Fprintf(out, "Dịch vụ / service %s: %s / %s (%s)\n", name, stateVi[st], st, s.Platform())
	if err != nil {
		fmt.Fprintf(out, "  (%v)\n", err)
	}
	if st == StateNotInstalled {
		return nil
	}
	in, rerr := readInstalled(name, userService)
	if rerr != nil {
		fmt.Fprintf(out, "  thư mục dữ liệu / data folder: ? (%v)\n", rerr)
		return nil
	}
	fmt.Fprintf(out, "  thư mục dữ liệu / data folder: %s\n", in.DataDir)
	fmt.Fprintf(out, "  địa chỉ / address:             %s\n", in.HTTP)
	fmt.Fprintf(out, "  chương trình / program:        %s\n", in.Executable)
	return nil
}

func runCommand(app core.App, e env, name *string) *cobra.Command {
	var httpAddr string
	cmd := &cobra.Command{
		Use:    "run",
		Short:  "Serve under the service manager (what the installed service runs)",
		Hidden: true,
		Long: "Serves like \"motcua serve\", under the Windows Service Control Manager or systemd, and exits\n" +
			"with status 1 when the server cannot start or stops by itself, so the manager restarts it.",
		Example:      "  motcua service run --http=0.0.0.0:8090 --dir=C:\\motcua\\pb_data",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkHTTP(httpAddr); err != nil {
				return err
			}
			if !app.IsBootstrapped() {
				if err := app.Bootstrap(); err != nil {
					return fmt.Errorf("open %s: %w", app.DataDir(), err)
				}
			}
			p := newProgram(app, httpAddr, e.exit, cmd.ErrOrStderr())
			cfg := Config(e.goos, Settings{Name: *name, DataDir: app.DataDir(), HTTP: httpAddr})
			cfg.Option["RunWait"] = p.wait
			s, err := e.newService(p, cfg)
			if err != nil {
				// No service manager (a container, a Linux without systemd):
				// serve in the foreground; PocketBase handles the signals.
				if err := p.Start(nil); err != nil {
					return err
				}
				p.wait()
				return p.Err()
			}
			if e.goos == "windows" && !kservice.Interactive() {
				if l, err := s.Logger(nil); err == nil {
					stderr := p.log
					p.log = func(msg string) { stderr(msg); _ = l.Error(msg) }
				}
			}
			if err := s.Run(); err != nil {
				return fmt.Errorf("service run: %w", err)
			}
			return p.Err()
		},
	}
	cmd.Flags().StringVar(&httpAddr, "http", DefaultHTTP, "the address to listen on")
	return cmd
}

// bilingual is an error for the IT person: the Vietnamese sentence, then the
// English cause.
func bilingual(vi string, err error) error {
	return fmt.Errorf("%s\n  %w", vi, err)
}
