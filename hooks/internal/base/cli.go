package base

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/spf13/cobra"
)

// exitCode is what the process should exit with: PocketBase's Execute drops the
// error of a command, and a script that runs "motcua backup" must see a failure.
var exitCode atomic.Int32

// ExitCode is 1 when a motcua command failed, for main to pass to os.Exit.
func ExitCode() int { return int(exitCode.Load()) }

// RecordFailure wraps c and its subcommands so a failure sets the exit code.
func RecordFailure(c *cobra.Command) {
	for _, sub := range c.Commands() {
		RecordFailure(sub)
	}
	run := c.RunE
	if run == nil {
		return
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if err != nil {
			exitCode.Store(1)
		}
		return err
	}
}

// CLIError prints a keyed error (a backup/restore step, or an API error of the
// field commands) in Vietnamese and English with its key, for the IT person.
func CLIError(err error) error {
	var ae *router.ApiError
	if errors.As(err, &ae) && ae.Data != nil {
		if key, ok := ae.Data["key"].(string); ok {
			return fmt.Errorf("%v / %v (%s)", ae.Data["vi"], ae.Data["en"], key)
		}
	}
	var oe *OpError
	if errors.As(err, &oe) {
		cause := ""
		if oe.Err != nil {
			cause = "\n  (" + oe.Err.Error() + ")"
		}
		return fmt.Errorf("%s\n  %s [%s]%s", oe.Text("vi"), oe.Text("en"), oe.Key, cause)
	}
	return err
}
