package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Emergency receipt pads (hooks/emergency). A leader prints a pad in advance:
// each sheet is form 01 with a dossier code reserved for it, blank fields and
// a QR with its own lookup key, for the counter to hand out by hand when the
// power or the PC is down. The codes are taken from the centre's sequence of
// the day the pad is printed (day, range_from–range_to), so no other issuer
// can ever draw them. When the PC is back the officer keys each paper in under
// its code: the sheet becomes used and names its dossier; a spoiled sheet is
// voided with a reason. Dossiers keyed in from a sheet are entered_late
// ("nhập bù"): received_at is the real time of receipt written on the paper,
// created the time they were keyed in.
func init() {
	m.Register(upEmergencyPads, downEmergencyPads)
}

func upEmergencyPads(app core.App) error {
	pads := core.NewBaseCollection("emergency_pads", "motcua_emergency_pads")
	// No API rules: the hooks' routes decide who sees and prints pads.
	pads.Fields.Add(
		&core.NumberField{Name: "number", Required: true, OnlyInt: true, Min: types.Pointer(1.0)},
		&core.TextField{Name: "day", Required: true, Pattern: `^[0-9]{6}$`},
		&core.NumberField{Name: "range_from", Required: true, OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(9999.0)},
		&core.NumberField{Name: "range_to", Required: true, OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(9999.0)},
		&core.DateField{Name: "printed_at", Required: true},
		&core.RelationField{Name: "printed_by", MaxSelect: 1, CollectionId: "motcua_staff"},
		text("printed_by_name", false, 200),
		text("note", false, 500),
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	pads.AddIndex("idx_emergency_pads_number", true, "number", "")
	pads.AddIndex("idx_emergency_pads_range", true, "day, range_from", "")
	if err := app.Save(pads); err != nil {
		return fmt.Errorf("create emergency_pads: %w", err)
	}

	sheets := core.NewBaseCollection("emergency_sheets", "motcua_emergency_sheets")
	sheets.Fields.Add(
		&core.RelationField{Name: "pad", Required: true, MaxSelect: 1, CollectionId: "motcua_emergency_pads"},
		&core.NumberField{Name: "number", Required: true, OnlyInt: true, Min: types.Pointer(1.0)},
		&core.TextField{Name: "code", Required: true, Max: 60},
		&core.TextField{Name: "lookup_key", Required: true, Hidden: true, Max: 40},
		&core.SelectField{Name: "state", Required: true, MaxSelect: 1, Values: []string{"unused", "used", "voided"}},
		&core.RelationField{Name: "dossier", MaxSelect: 1, CollectionId: "motcua_dossiers"},
		&core.DateField{Name: "used_at"},
		text("used_by_name", false, 200),
		&core.DateField{Name: "voided_at"},
		text("void_reason", false, 500),
		text("voided_by_name", false, 200),
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	// A code is printed on one sheet only, and a sheet names one dossier.
	sheets.AddIndex("idx_emergency_sheets_code", true, "code", "")
	sheets.AddIndex("idx_emergency_sheets_pad", false, "pad, number", "")
	sheets.AddIndex("idx_emergency_sheets_dossier", true, "dossier", "dossier != ''")
	if err := app.Save(sheets); err != nil {
		return fmt.Errorf("create emergency_sheets: %w", err)
	}

	d, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("entered_late: %w", err)
	}
	d.Fields.Add(&core.BoolField{Name: "entered_late"})
	if err := app.Save(d); err != nil {
		return fmt.Errorf("entered_late: %w", err)
	}
	return nil
}

func downEmergencyPads(app core.App) error {
	if d, err := app.FindCollectionByNameOrId("dossiers"); err == nil {
		d.Fields.RemoveByName("entered_late")
		if err := app.Save(d); err != nil {
			return fmt.Errorf("entered_late down: %w", err)
		}
	}
	for _, name := range []string{"emergency_sheets", "emergency_pads"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
	}
	return nil
}
