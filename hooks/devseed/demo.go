package devseed

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"motcua/hooks/catalog"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

func SeedCommand(app *pocketbase.PocketBase) *cobra.Command {
	var demo, force bool
	var dossiers int
	cmd := &cobra.Command{
		Use:          "seed",
		Short:        "Add trial data: a fictional office and one demo account per staff role",
		Example:      "  motcua seed --demo\n  motcua seed --dossiers 1000000",
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
	cmd.Flags().BoolVar(&demo, "demo", false, "a fictional office and one demo staff account per role, passwords printed")
	cmd.Flags().IntVar(&dossiers, "dossiers", 0, "generate N dossiers of five years' history (with events, ratings and queue tickets) for trials and benchmarks")
	cmd.Flags().BoolVar(&force, "force", false, "with --dossiers: append to a database that already has dossiers")
	return cmd
}

// demoRoles are the staff roles SeedDemo makes an account for, in the order printed.
var demoRoles = []string{base.RoleReception, base.RoleProcessor, base.RoleLeader, base.RoleField}

// SeedDemo fills the office record with the fictional demo office and makes one
// demo account per role, printing each new account's password. It is idempotent:
// accounts that exist keep their password and are only listed.
func SeedDemo(app core.App, out io.Writer) error {
	demo, err := catalog.DemoOffice()
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		office, err := domain.FindOffice(tx)
		if err != nil {
			return err
		}
		b, err := json.Marshal(demo)
		if err != nil {
			return err
		}
		var data map[string]any
		if err := json.Unmarshal(b, &data); err != nil {
			return err
		}
		office.Load(data)
		if err := tx.Save(office); err != nil {
			return fmt.Errorf("save demo office: %w", err)
		}
		fmt.Fprintf(out, "office: %s (%s)\n", demo.NameVI, demo.AgencyCode)

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
		return nil
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
