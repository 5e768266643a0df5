package hooks

import (
	"fmt"
	"io"
	"net"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backup"
	"motcua/hooks/clock"
	"motcua/hooks/emergency"
	"motcua/hooks/field"
	"motcua/hooks/intake"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/web"
	"motcua/hooks/notify"
	"motcua/hooks/public"
	"motcua/hooks/queue"
	"motcua/hooks/reports"
	"motcua/hooks/search"
	"motcua/hooks/workflow"
)

// Options tunes Register for development and tests.
type Options struct {
	// PublicDir, when set, serves pb_public from disk instead of the embedded copy.
	PublicDir string
	// Quiet stops the start-up banner (tests).
	Quiet bool
}

// Register wires every capability of the centre into app with default options.
func Register(app core.App) {
	RegisterWith(app, Options{})
}

// RegisterWith wires every capability of the centre into app. The shared
// ground comes first (the data lock before anything touches the data), then
// each capability, each binding its own routes, record hooks and background
// work; none of them knows the others.
func RegisterWith(app core.App, opts Options) {
	base.Register(app)
	sqlitex.Register(app)
	domain.Register(app)
	web.Register(app, web.Config{PublicDir: opts.PublicDir})

	intake.Register(app)
	workflow.Register(app)
	public.Register(app)
	queue.Register(app)
	reports.Register(app)
	search.Register(app)
	field.Register(app)
	backup.Register(app)
	clock.Register(app)
	emergency.Register(app)
	notify.Register(app)

	if !opts.Quiet {
		base.BindServe(app, "motcua.banner", base.ServeStep{Name: "banner", Bind: func(se *core.ServeEvent) error {
			printBanner(os.Stdout, se)
			return nil
		}})
	}
}

// Config is the PocketBase configuration of the appliance: SQLite opened with
// synchronous=FULL (a printed receipt survives a power cut) and connection
// pools sized for a 4 GB office PC.
func Config() pocketbase.Config {
	return pocketbase.Config{
		DBConnect:        sqlitex.DBConnect,
		DataMaxOpenConns: sqlitex.DataMaxOpenConns,
		DataMaxIdleConns: sqlitex.DataMaxIdleConns,
		AuxMaxOpenConns:  sqlitex.AuxMaxOpenConns,
		AuxMaxIdleConns:  sqlitex.AuxMaxIdleConns,
	}
}

// ExitCode is 1 when a motcua command (backup, restore, seed …) failed, for
// main to pass to os.Exit.
func ExitCode() int { return base.ExitCode() }

// DefaultArgs turns a bare start (a double-click on Windows) into
// "serve --http=0.0.0.0:8090" and leaves any other command line alone.
func DefaultArgs(args []string) []string {
	if len(args) > 1 {
		return args
	}
	return append(args, "serve", "--http=0.0.0.0:8090")
}

// printBanner tells the person who started the appliance where staff reach
// it, and first of all, while receipts' QR codes cannot open on a phone, that
// they cannot and what to do.
func printBanner(w io.Writer, se *core.ServeEvent) {
	addr := se.Server.Addr
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return
	}
	hosts := []string{host}
	if host == "" || host == "0.0.0.0" || host == "::" {
		hosts = append([]string{"localhost"}, lanAddresses()...)
	}
	publicURLWarning(w, se.App, hosts, port)
	fmt.Fprintln(w, "motcua: staff pages / Trang cán bộ:")
	for _, h := range hosts {
		fmt.Fprintf(w, "  http://%s/\n", net.JoinHostPort(h, port))
	}
	fmt.Fprintf(w, "  public catalogue / Thủ tục: http://%s/thu-tuc\n", net.JoinHostPort(hosts[0], port))
}

// lanAddresses lists this PC's IPv4 addresses on the office network.
func lanAddresses() []string {
	var out []string
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.To4() == nil {
			continue
		}
		out = append(out, ipn.IP.String())
	}
	return out
}
