package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Encrypted backups (hooks/backup, hooks/backupkey). The office record keeps
// only public keys: backup_recipient is the age recipient every backup is
// encrypted to once a leader has confirmed its recovery sheet;
// backup_recipient_pending is a key whose sheet was printed but not yet
// confirmed (backups keep the previous key, or none, until then);
// backup_key_history lists the earlier keys, whose sheets still open the
// backups made with them. All hidden: the office record is public.
//
// backup_runs learns whether a backup was encrypted and to which key, and two
// new triggers: "upgrade" (the backup a new program takes before it migrates
// the data) and "key" (the fresh backup after a new key is confirmed).
func init() {
	m.Register(upBackupKey, downBackupKey)
}

var backupKeyOfficeFields = []string{"backup_recipient", "backup_key_confirmed_at", "backup_key_confirmed_by",
	"backup_recipient_pending", "backup_key_pending_at", "backup_key_history"}

func upBackupKey(app core.App) error {
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return fmt.Errorf("backup key fields: %w", err)
	}
	office.Fields.Add(
		&core.TextField{Name: "backup_recipient", Hidden: true, Max: 200, Pattern: `^(age1[0-9a-z]{58})?$`},
		&core.DateField{Name: "backup_key_confirmed_at", Hidden: true},
		&core.TextField{Name: "backup_key_confirmed_by", Hidden: true, Max: 200},
		&core.TextField{Name: "backup_recipient_pending", Hidden: true, Max: 200, Pattern: `^(age1[0-9a-z]{58})?$`},
		&core.DateField{Name: "backup_key_pending_at", Hidden: true},
		&core.JSONField{Name: "backup_key_history", Hidden: true, MaxSize: 20000},
	)
	if err := app.Save(office); err != nil {
		return fmt.Errorf("add backup key fields to office: %w", err)
	}

	runs, err := app.FindCollectionByNameOrId("backup_runs")
	if err != nil {
		return fmt.Errorf("backup runs fields: %w", err)
	}
	if f, ok := runs.Fields.GetByName("trigger").(*core.SelectField); ok {
		f.Values = []string{"schedule", "command", "upgrade", "key"}
	}
	runs.Fields.Add(
		&core.BoolField{Name: "encrypted"},
		&core.TextField{Name: "fingerprint", Max: 20},
	)
	if err := app.Save(runs); err != nil {
		return fmt.Errorf("add key fields to backup_runs: %w", err)
	}
	return nil
}

func downBackupKey(app core.App) error {
	runs, err := app.FindCollectionByNameOrId("backup_runs")
	if err != nil {
		return err
	}
	if _, err := app.DB().NewQuery("UPDATE backup_runs SET trigger = 'command' WHERE trigger IN ('upgrade', 'key')").Execute(); err != nil {
		return fmt.Errorf("backup runs down: %w", err)
	}
	if f, ok := runs.Fields.GetByName("trigger").(*core.SelectField); ok {
		f.Values = []string{"schedule", "command"}
	}
	runs.Fields.RemoveByName("encrypted")
	runs.Fields.RemoveByName("fingerprint")
	if err := app.Save(runs); err != nil {
		return fmt.Errorf("backup runs down: %w", err)
	}
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return err
	}
	for _, f := range backupKeyOfficeFields {
		office.Fields.RemoveByName(f)
	}
	return app.Save(office)
}
