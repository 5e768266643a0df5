package hooks

import (
	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"motcua/hooks/backup"
	"motcua/hooks/clock"
	"motcua/hooks/devseed"
	"motcua/hooks/field"
	"motcua/hooks/internal/base"
	"motcua/hooks/service"
)

// Commands lists motcua's admin subcommands, added to the PocketBase root command.
func Commands(app *pocketbase.PocketBase) []*cobra.Command {
	cmds := []*cobra.Command{devseed.SeedCommand(app), field.FieldCommand(app), backup.BackupCommand(app), backup.RestoreCommand(app),
		service.Command(app), clock.Command(app)}
	for _, c := range cmds {
		base.RecordFailure(c)
	}
	// "serve" on data of an older program backs up before it migrates, and
	// refuses data of a newer one.
	backup.GuardUpgrades(app)
	return cmds
}
