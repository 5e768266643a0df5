package hooks

import (
	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"
)

// Commands lists motcua's admin subcommands, added to the PocketBase root command.
func Commands(app *pocketbase.PocketBase) []*cobra.Command {
	cmds := []*cobra.Command{seedCommand(app), fieldCommand(app), backupCommand(app), restoreCommand(app)}
	for _, c := range cmds {
		recordFailure(c)
	}
	return cmds
}
