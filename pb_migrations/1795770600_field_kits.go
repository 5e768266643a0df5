package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Mobile teams. At the centre, field_kits holds every kit issued to a team:
// its reserved range of each day's code sequence and its secret (hidden: only
// superusers and the hooks read it). On a team's laptop it holds one record,
// the laptop's own kit (local = true), whose presence switches field mode on.
// Dossiers gain their sync state (laptop side), the kit that brought them in
// and the content hash they arrived with (centre side), so a re-send is
// recognised as the same dossier even after the centre's workflow changed it.
func init() {
	m.Register(upFieldKits, downFieldKits)
}

const ruleLeader = `@request.auth.collectionName = "staff" && @request.auth.role = "leader"`

func upFieldKits(app core.App) error {
	c := core.NewBaseCollection("field_kits", "motcua_field_kits")
	c.ListRule = types.Pointer(ruleLeader)
	c.ViewRule = types.Pointer(ruleLeader)
	c.Fields.Add(
		text("name", true, 100),
		&core.NumberField{Name: "range_from", OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(9999.0)},
		&core.NumberField{Name: "range_to", OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(9999.0)},
		&core.TextField{Name: "secret", Required: true, Hidden: true, Pattern: `^[0-9a-f]{64}$`},
		&core.JSONField{Name: "members", MaxSize: 20000},
		text("centre_id", false, 40),
		&core.BoolField{Name: "local"},
		text("location", false, 200),
		&core.BoolField{Name: "retired"},
		&core.DateField{Name: "retired_at"},
		&core.RelationField{Name: "created_by", MaxSelect: 1, CollectionId: "motcua_staff"},
		&core.DateField{Name: "last_sync_at"},
		&core.NumberField{Name: "synced", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	// Two kits in service never share a range: the database refuses it even if
	// the allocation logic were wrong.
	c.AddIndex("idx_field_kits_active_range", true, "range_from", "retired = FALSE AND local = FALSE")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("create field_kits: %w", err)
	}

	d, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("field sync fields: %w", err)
	}
	d.Fields.Add(
		&core.SelectField{Name: "sync_state", MaxSelect: 1, Values: []string{"pending", "sent", "confirmed", "conflict", "failed"}},
		text("field_kit", false, 40),
		&core.TextField{Name: "field_hash", Hidden: true, Max: 64},
	)
	d.AddIndex("idx_dossiers_sync_state", false, "sync_state", "sync_state != ''")
	if err := app.Save(d); err != nil {
		return fmt.Errorf("field sync fields: %w", err)
	}
	return nil
}

func downFieldKits(app core.App) error {
	d, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("field sync fields down: %w", err)
	}
	d.RemoveIndex("idx_dossiers_sync_state")
	for _, f := range []string{"sync_state", "field_kit", "field_hash"} {
		d.Fields.RemoveByName(f)
	}
	if err := app.Save(d); err != nil {
		return fmt.Errorf("field sync fields down: %w", err)
	}
	c, err := app.FindCollectionByNameOrId("field_kits")
	if err != nil {
		return nil
	}
	if err := app.Delete(c); err != nil {
		return fmt.Errorf("delete field_kits: %w", err)
	}
	return nil
}
