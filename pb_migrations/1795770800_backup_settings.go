package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Automatic backups: where, how often and how many to keep, as hidden fields of
// the office record (the record is public; these are for the superuser only),
// and backup_runs, the log of every backup made, which only the superuser reads
// through the API (leaders see a summary on their start page).
func init() {
	m.Register(upBackupSettings, downBackupSettings)
}

// Defaults for an office that has not chosen: every 6 hours, keep 7, into the
// "motcua-backups" folder beside pb_data (an empty backup_dir).
const (
	defaultBackupEveryHours = 6
	defaultBackupKeep       = 7
)

func upBackupSettings(app core.App) error {
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	office.Fields.Add(
		&core.TextField{Name: "backup_dir", Hidden: true, Max: 500},
		&core.NumberField{Name: "backup_every_hours", Hidden: true, OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(24.0 * 31)},
		&core.NumberField{Name: "backup_keep", Hidden: true, OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(1000.0)},
	)
	if err := app.Save(office); err != nil {
		return fmt.Errorf("add backup fields to office: %w", err)
	}
	if _, err := app.DB().NewQuery("UPDATE office SET backup_every_hours = {:h}, backup_keep = {:k}").
		Bind(map[string]any{"h": defaultBackupEveryHours, "k": defaultBackupKeep}).Execute(); err != nil {
		return fmt.Errorf("default backup settings: %w", err)
	}

	runs := core.NewBaseCollection("backup_runs", "motcua_backup_runs")
	// No API rules: superuser only.
	runs.Fields.Add(
		&core.DateField{Name: "started_at", Required: true},
		&core.DateField{Name: "finished_at"},
		&core.BoolField{Name: "ok"},
		&core.SelectField{Name: "trigger", MaxSelect: 1, Values: []string{"schedule", "command"}},
		text("dir", false, 1000),
		text("name", false, 100),
		&core.NumberField{Name: "size", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "dossiers", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "took_ms", OnlyInt: true, Min: types.Pointer(0.0)},
		text("error_key", false, 100),
		text("error", false, 2000),
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	runs.AddIndex("idx_backup_runs_started", false, "started_at", "")
	if err := app.Save(runs); err != nil {
		return fmt.Errorf("create backup_runs: %w", err)
	}
	return nil
}

func downBackupSettings(app core.App) error {
	if runs, err := app.FindCollectionByNameOrId("backup_runs"); err == nil {
		if err := app.Delete(runs); err != nil {
			return fmt.Errorf("delete backup_runs: %w", err)
		}
	}
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	for _, f := range []string{"backup_dir", "backup_every_hours", "backup_keep"} {
		office.Fields.RemoveByName(f)
	}
	return app.Save(office)
}
