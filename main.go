// Command motcua is the one-file appliance of a commune one-stop public-service centre:
// PocketBase with the centre's collections, hooks, pages and admin tasks compiled in.
package main

import (
	"log"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"motcua/hooks"
	_ "motcua/pb_migrations"

	_ "time/tzdata" // Asia/Ho_Chi_Minh on a bare Windows PC
)

func main() {
	// A double-click (no arguments) serves the office on every interface.
	os.Args = hooks.DefaultArgs(os.Args)

	app := pocketbase.NewWithConfig(hooks.Config())

	var publicDir string
	app.RootCmd.PersistentFlags().StringVar(&publicDir, "publicDir", "",
		"serve pb_public from this folder instead of the copy built into the binary (development)")
	_ = app.RootCmd.ParseFlags(os.Args[1:])

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		Dir: "pb_migrations",
		// Migrations are written by hand in Go; never generated from /_/ edits (PocketBase
		// takes a binary run from a temp folder for "go run" and would write files).
		Automigrate: false,
	})

	hooks.RegisterWith(app, hooks.Options{PublicDir: publicDir})
	app.RootCmd.AddCommand(hooks.Commands(app)...)

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
	os.Exit(hooks.ExitCode()) // 1 when a motcua command (backup, restore, seed) failed
}
