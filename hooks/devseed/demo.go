package devseed

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"motcua/hooks/catalog"
	"motcua/hooks/internal/base"
)

// SeedCommand is "motcua seed": the demo office and accounts (--demo) and the
// bulk history generator (--dossiers N).
func SeedCommand(app *pocketbase.PocketBase) *cobra.Command {
	var demo, force bool
	var dossiers int
	cmd := &cobra.Command{
		Use:          "seed",
		Short:        "Add trial data: a fictional office, demo accounts, counters and lobby devices; or generated history",
		Example:      "  motcua seed --demo --dir /srv/motcua/pb_data\n  motcua seed --dossiers 1000000 --dir /tmp/trial/pb_data",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !demo && dossiers == 0 {
				return errors.New("say what to seed: --demo and/or --dossiers N")
			}
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
			if demo {
				if err := SeedDemo(app, cmd.OutOrStdout()); err != nil {
					return err
				}
			}
			if dossiers > 0 {
				return seedBulkRun(app, dossiers, force, cmd.OutOrStdout())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "fill the office fields still at their defaults with a fictional office; one demo account per role, two counters, a kiosk and a TV account, passwords printed once")
	cmd.Flags().IntVar(&dossiers, "dossiers", 0, "generate N dossiers of five years' history (with events, ratings and queue tickets) for trials and benchmarks")
	cmd.Flags().BoolVar(&force, "force", false, "with --dossiers: append to a database that already has dossiers")
	return cmd
}

// demoRoles are the staff roles SeedDemo makes an account for, in the order printed.
var demoRoles = []string{base.RoleReception, base.RoleProcessor, base.RoleLeader, base.RoleField}

// SeedDemo makes a fresh installation usable out of the box for a trial: it
// fills the office fields that still hold the first start's placeholders with
// the fictional demo office (never a field the IT person already set up in
// /_/), makes one demo account per role, two counters when the office has
// none, and a kiosk and a lobby TV account, printing each new account's
// password once. Run again it changes nothing: what exists is only listed.
func SeedDemo(app core.App, out io.Writer) error {
	demo, err := catalog.DemoOffice()
	if err != nil {
		return err
	}
	def, err := catalog.DefaultOffice()
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := seedDemoOffice(tx, def, demo, out); err != nil {
			return err
		}
		staff, err := tx.FindCollectionByNameOrId(base.ColStaff)
		if err != nil {
			return err
		}
		for i, role := range demoRoles {
			username := "demo." + role
			if _, err := tx.FindAuthRecordByEmail(staff, username+"@demo.motcua.vn"); err == nil {
				fmt.Fprintf(out, "%-10s %-16s (exists, password unchanged)\n", role, username)
				continue
			}
			password, err := randomPassword(12)
			if err != nil {
				return err
			}
			r := core.NewRecord(staff)
			r.Set("username", username)
			r.SetEmail(username + "@demo.motcua.vn")
			r.SetVerified(true)
			r.SetPassword(password)
			r.Set("name", demoNames[i])
			r.Set("role", role)
			r.Set("counter", fmt.Sprintf("%d", i+1))
			r.Set("language", "vi")
			if err := tx.Save(r); err != nil {
				return fmt.Errorf("save demo account %s: %w", username, err)
			}
			fmt.Fprintf(out, "%-10s %-16s password: %s\n", role, username, password)
		}
		if err := seedDemoCounters(tx, out); err != nil {
			return err
		}
		return seedDemoDevices(tx, out)
	})
}

var demoNames = []string{"Thạch Thị Sa Ry (demo)", "Lâm Văn Sóc (demo)", "Nguyễn Văn An (demo)", "Sơn Thị Mỹ (demo)"}

// randomPassword makes a password from letters and digits that are hard to confuse.
func randomPassword(n int) (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("random password: %w", err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b), nil
}
