package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Field files leave the office encrypted, and what arrives is checked
// (issue 15).
//   - office.field_identity is the centre's X25519 private key for bundles
//     (age's "AGE-SECRET-KEY-1…"), made once when the first kit is issued.
//     Hidden, and hooks/field hides it from superusers too: only the import
//     reads it. It lives in the database so that a restored backup still opens
//     the bundles of kits already out in the field.
//   - office.field_recipient is its public half, written into every kit, and
//     field_kits.centre_recipient the recipient a kit was issued with.
//   - dossiers.field_id is the record id a dossier had on the team's laptop.
//     It is the dossier's id at the centre too, unless that id was already
//     taken there by another dossier (a client-chosen intake id): then the
//     dossier is imported under a fresh id and field_id is how a re-send is
//     still recognised. Dossiers imported before this migration carry their
//     laptop id as their id, and get it copied here.
func init() {
	m.Register(upFieldSeal, downFieldSeal)
}

func upFieldSeal(app core.App) error {
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return fmt.Errorf("field seal: %w", err)
	}
	office.Fields.Add(
		&core.TextField{Name: "field_identity", Hidden: true, Max: 200},
		text("field_recipient", false, 200),
	)
	if err := app.Save(office); err != nil {
		return fmt.Errorf("field seal: office: %w", err)
	}
	kits, err := app.FindCollectionByNameOrId("field_kits")
	if err != nil {
		return fmt.Errorf("field seal: %w", err)
	}
	kits.Fields.Add(text("centre_recipient", false, 200))
	if err := app.Save(kits); err != nil {
		return fmt.Errorf("field seal: kits: %w", err)
	}
	d, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("field seal: %w", err)
	}
	d.Fields.Add(text("field_id", false, 40))
	d.AddIndex("idx_dossiers_field_id", true, "field_kit, field_id", "field_id != ''")
	if err := app.Save(d); err != nil {
		return fmt.Errorf("field seal: dossiers: %w", err)
	}
	// At the centre sync_state is empty; on a laptop every dossier has one.
	if _, err := app.DB().NewQuery(`UPDATE dossiers SET field_id = id WHERE field_kit != '' AND sync_state = ''`).Execute(); err != nil {
		return fmt.Errorf("field seal: field ids: %w", err)
	}
	return nil
}

func downFieldSeal(app core.App) error {
	d, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("field seal down: %w", err)
	}
	d.RemoveIndex("idx_dossiers_field_id")
	d.Fields.RemoveByName("field_id")
	if err := app.Save(d); err != nil {
		return fmt.Errorf("field seal down: dossiers: %w", err)
	}
	kits, err := app.FindCollectionByNameOrId("field_kits")
	if err != nil {
		return fmt.Errorf("field seal down: %w", err)
	}
	kits.Fields.RemoveByName("centre_recipient")
	if err := app.Save(kits); err != nil {
		return fmt.Errorf("field seal down: kits: %w", err)
	}
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return fmt.Errorf("field seal down: %w", err)
	}
	office.Fields.RemoveByName("field_identity")
	office.Fields.RemoveByName("field_recipient")
	if err := app.Save(office); err != nil {
		return fmt.Errorf("field seal down: office: %w", err)
	}
	return nil
}
