// Command upgradeapp is motcua wired as main.go wires it, plus one extra
// migration chosen by MOTCUA_TEST_MIGRATION, for the upgrade tests of
// hooks/backup: "fail" registers a migration that changes the schema and then
// fails (a bad upgrade), "ok" one that adds a table (a good upgrade). Without
// the variable it is the appliance as it ships.
package main

import (
	"errors"
	"log"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"motcua/hooks"
	_ "motcua/pb_migrations"

	_ "time/tzdata"
)

// testMigration is newer than every real one.
const testMigration = "1795771399_test_upgrade_step.go"

func main() {
	switch os.Getenv("MOTCUA_TEST_MIGRATION") {
	case "fail":
		m.Register(func(app core.App) error {
			// Change something first, so there is something to undo.
			if _, err := app.DB().NewQuery("CREATE TABLE upgrade_half_done (x)").Execute(); err != nil {
				return err
			}
			return errors.New("deliberately failing test migration")
		}, nil, testMigration)
	case "ok":
		m.Register(func(app core.App) error {
			_, err := app.DB().NewQuery("CREATE TABLE upgrade_marker (x)").Execute()
			return err
		}, nil, testMigration)
	}

	os.Args = hooks.DefaultArgs(os.Args)
	app := pocketbase.NewWithConfig(hooks.Config())
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Dir: "pb_migrations", Automigrate: false})
	hooks.RegisterWith(app, hooks.Options{})
	app.RootCmd.AddCommand(hooks.Commands(app)...)
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
	os.Exit(hooks.ExitCode())
}
