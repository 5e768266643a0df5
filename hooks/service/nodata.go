package service

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/spf13/cobra"
)

// PocketBase opens (and creates) the data folder before it runs any command.
// The service subcommands other than "run" only talk to the service manager:
// opened there, the data folder would be an empty pb_data made beside the
// program (or wherever --dir points) by "motcua service status", while the
// service's data lives elsewhere; and on Linux an install run as root would
// leave data.db owned by root in a folder the service's own account (--user)
// must write. So those subcommands are marked noData, and a bootstrap hook that
// runs before every other one skips the bootstrap when the command line names
// one of them. The rest of the program never sees an app that is not
// bootstrapped: only these commands run then, and they use no database.

// noDataAnnotation marks a subcommand that needs no data folder.
const noDataAnnotation = "motcua.no_data"

// markNoData marks cmd as needing no data folder and returns it.
func markNoData(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[noDataAnnotation] = "1"
	return cmd
}

// needsNoData reports whether the command line args (without the program)
// names a command marked noData under root.
func needsNoData(root *cobra.Command, args []string) bool {
	cmd, _, err := root.Find(args)
	return err == nil && cmd != nil && cmd.Annotations[noDataAnnotation] != ""
}

// bindNoDataBootstrap skips the app's bootstrap for the noData subcommands of
// the command line args() (os.Args without the program).
func bindNoDataBootstrap(app *pocketbase.PocketBase, args func() []string) {
	app.OnBootstrap().Bind(&hook.Handler[*core.BootstrapEvent]{
		Id: "motcua.service.no_data",
		// Before every other bootstrap handler (PocketBase's own included):
		// not calling e.Next() leaves the data folder untouched.
		Priority: -100000,
		Func: func(e *core.BootstrapEvent) error {
			if !needsNoData(app.RootCmd, args()) {
				return e.Next()
			}
			quietNotBootstrapped()
			return nil
		},
	})
}

// notBootstrappedWarning starts the warning PocketBase logs when a bootstrap
// hook returns without bootstrapping, which is what the noData commands ask
// for: the IT person running "motcua service status" must not read it.
const notBootstrappedWarning = "OnBootstrap hook didn't fail but the app is still not bootstrapped"

var quietOnce sync.Once

// quietNotBootstrapped drops that one warning from the default logger (the app
// has no logger of its own before it is bootstrapped) and passes every other
// record on.
func quietNotBootstrapped() {
	quietOnce.Do(func() {
		slog.SetDefault(slog.New(dropMessage{next: slog.Default().Handler(), prefix: notBootstrappedWarning}))
	})
}

// dropMessage is a slog handler that drops records whose message starts with
// prefix.
type dropMessage struct {
	next   slog.Handler
	prefix string
}

// Enabled asks the next handler.
func (d dropMessage) Enabled(ctx context.Context, l slog.Level) bool { return d.next.Enabled(ctx, l) }

// Handle drops the record with the message, passes every other on.
func (d dropMessage) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, d.prefix) {
		return nil
	}
	return d.next.Handle(ctx, r)
}

// WithAttrs keeps dropping the message.
func (d dropMessage) WithAttrs(as []slog.Attr) slog.Handler {
	return dropMessage{next: d.next.WithAttrs(as), prefix: d.prefix}
}

// WithGroup keeps dropping the message.
func (d dropMessage) WithGroup(name string) slog.Handler {
	return dropMessage{next: d.next.WithGroup(name), prefix: d.prefix}
}

// commandLine is the command line PocketBase runs: os.Args without the program.
func commandLine() []string { return os.Args[1:] }
