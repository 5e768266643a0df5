// Package hooks is the motcua product built on PocketBase: the routes, record hooks,
// pages and admin commands of a commune one-stop centre. Register wires all of it
// into an app; pure logic lives in the subpackages (calendar, idcard, textnorm,
// i18n, catalog) so it can be read, tested and fuzzed alone.
package hooks

import (
	"fmt"
	"net"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
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

// RegisterWith wires every capability of the centre into app.
func RegisterWith(app core.App, opts Options) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "motcua.serve",
		Func: func(se *core.ServeEvent) error {
			return onServe(se, opts)
		},
	})
	bindRecordHooks(app)
}

// onServe binds the routes of each capability, one named step each.
func onServe(se *core.ServeEvent, opts Options) error {
	steps := []struct {
		name string
		bind func(*core.ServeEvent) error
	}{
		{"data lock", bindDataLock},
		{"i18n", bindI18nRoutes},
		{"calendar", bindDueDateRoutes},
		{"intake", bindIntakeRoutes},
		{"qr", bindQRRoutes},
		{"lookup", bindLookupRoutes},
		{"receipt", bindReceiptRoutes},
		{"field", bindFieldRoutes},
		{"pages", bindPageRoutes},
		{"reports", bindReportRoutes},
		{"search", bindSearchRoutes},
		{"search index", bindSearchIndexer},
		{"wal checkpoints", bindCheckpointer},
		{"ratings", bindRatingRoutes},
		{"dashboard", bindDashboardRoutes},
		{"queue", func(se *core.ServeEvent) error { return bindQueueRoutes(se, opts.PublicDir) }},
		{"workflow", bindWorkflowRoutes},
		{"forms", bindFormRoutes},
		{"worklists", bindWorklistRoutes},
		{"ledger", bindLedgerRoutes},
		{"backup", bindBackupRoutes},
		{"backup schedule", bindBackupSchedule},
		{"static", func(se *core.ServeEvent) error { return bindStatic(se, opts.PublicDir) }},
	}
	for _, s := range steps {
		if err := s.bind(se); err != nil {
			return fmt.Errorf("bind %s routes: %w", s.name, err)
		}
	}
	if !opts.Quiet {
		printBanner(se)
	}
	return se.Next()
}

// bindRecordHooks binds the record and model hooks of each capability.
func bindRecordHooks(app core.App) {
	bindOfficeHooks(app)
	bindProcedureHooks(app)
	bindReportHooks(app)
	bindIntakeHooks(app)
	bindLogRedaction(app)
}

// DefaultArgs turns a bare start (a double-click on Windows) into
// "serve --http=0.0.0.0:8090" and leaves any other command line alone.
func DefaultArgs(args []string) []string {
	if len(args) > 1 {
		return args
	}
	return append(args, "serve", "--http=0.0.0.0:8090")
}

// printBanner tells the person who started the appliance where staff reach it.
func printBanner(se *core.ServeEvent) {
	addr := se.Server.Addr
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return
	}
	hosts := []string{host}
	if host == "" || host == "0.0.0.0" || host == "::" {
		hosts = append([]string{"localhost"}, lanAddresses()...)
	}
	fmt.Println("motcua: staff pages / Trang cán bộ:")
	for _, h := range hosts {
		fmt.Printf("  http://%s/\n", net.JoinHostPort(h, port))
	}
	fmt.Printf("  public catalogue / Thủ tục: http://%s/thu-tuc\n", net.JoinHostPort(hosts[0], port))
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
