// Package pb_migrations holds motcua's schema and seed migrations, compiled into
// the binary. A migration that has landed is never edited: add a new one.
package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Rules shared by several collections. Role names are the staff.role values.
const (
	ruleStaff     = `@request.auth.collectionName = "staff"`
	ruleStaffSelf = `@request.auth.collectionName = "staff" && id = @request.auth.id` +
		` && @request.body.role:isset = false && @request.body.counter:isset = false` +
		` && @request.body.disabled:isset = false && @request.body.username:isset = false`
	// Reception and leaders see every dossier; a processor the ones assigned to them;
	// a mobile-team member the ones they took in.
	ruleDossierRead = `@request.auth.collectionName = "staff" && (` +
		`@request.auth.role = "reception" || @request.auth.role = "leader" || ` +
		`(@request.auth.role = "processor" && assignee = @request.auth.id) || ` +
		`(@request.auth.role = "field" && received_by = @request.auth.id))`
	// RuleDossierCreate is the dossiers createRule (the intake fast path in
	// hooks/intake_fast.go applies it in Go while the rule is unchanged).
	RuleDossierCreate = `@request.auth.collectionName = "staff" && ` +
		`(@request.auth.role = "reception" || @request.auth.role = "field")`
	// Events follow the visibility of their dossier.
	ruleEventRead = `@request.auth.collectionName = "staff" && (` +
		`@request.auth.role = "reception" || @request.auth.role = "leader" || ` +
		`(@request.auth.role = "processor" && dossier.assignee = @request.auth.id) || ` +
		`(@request.auth.role = "field" && dossier.received_by = @request.auth.id))`
	ruleProcedureRead = `active = true || @request.auth.collectionName = "staff"`
)

func init() {
	m.Register(upInitCollections, downInitCollections)
}

var initCollectionNames = []string{"dossier_events", "dossier_sequences", "dossiers", "holidays", "procedures", "office", "staff"}

func upInitCollections(app core.App) error {
	builders := []func() *core.Collection{
		staffCollection, officeCollection, proceduresCollection, holidaysCollection,
		dossiersCollection, dossierSequencesCollection, dossierEventsCollection,
	}
	for _, b := range builders {
		c := b()
		if err := app.Save(c); err != nil {
			return fmt.Errorf("create collection %s: %w", c.Name, err)
		}
	}
	return nil
}

func downInitCollections(app core.App) error {
	for _, name := range initCollectionNames {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("delete collection %s: %w", name, err)
		}
	}
	return nil
}

func text(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

func staffCollection() *core.Collection {
	c := core.NewAuthCollection("staff", "motcua_staff")
	c.ListRule = types.Pointer(ruleStaff)
	c.ViewRule = types.Pointer(ruleStaff)
	c.UpdateRule = types.Pointer(ruleStaffSelf)
	c.AuthRule = types.Pointer(`disabled = false`)
	c.Fields.Add(
		&core.TextField{Name: "username", Required: true, Min: 3, Max: 50, Pattern: `^[a-z0-9._-]+$`},
		text("name", true, 100),
		&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{"reception", "processor", "leader", "field"}},
		text("counter", false, 20),
		&core.SelectField{Name: "language", MaxSelect: 1, Values: []string{"vi", "km"}},
		&core.BoolField{Name: "disabled"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_staff_username", true, "username", "")
	c.PasswordAuth.IdentityFields = []string{"email", "username"}
	return c
}

func officeCollection() *core.Collection {
	c := core.NewBaseCollection("office", "motcua_office")
	c.ListRule = types.Pointer("")
	c.ViewRule = types.Pointer("")
	c.Fields.Add(
		text("name_vi", true, 200),
		text("name_km", false, 300),
		&core.TextField{Name: "agency_code", Required: true, Max: 40, Pattern: `^[0-9A-Za-z.]+$`},
		text("address", false, 300),
		text("phone", false, 40),
		&core.URLField{Name: "public_url", Required: true},
		&core.JSONField{Name: "sessions", Required: true, MaxSize: 4000},
		&core.TextField{Name: "same_day_cutoff", Required: true, Pattern: `^([01][0-9]|2[0-3]):[0-5][0-9]$`},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	return c
}

func proceduresCollection() *core.Collection {
	c := core.NewBaseCollection("procedures", "motcua_procedures")
	c.ListRule = types.Pointer(ruleProcedureRead)
	c.ViewRule = types.Pointer(ruleProcedureRead)
	c.Fields.Add(
		&core.TextField{Name: "code", Required: true, Max: 30},
		text("name_vi", true, 400),
		text("name_km", true, 600),
		text("field_vi", true, 100),
		text("field_km", true, 200),
		&core.NumberField{Name: "processing_hours", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(8.0 * 250)},
		&core.NumberField{Name: "fee", OnlyInt: true, Min: types.Pointer(0.0)},
		text("fee_note_vi", false, 300),
		text("fee_note_km", false, 500),
		// Short remarks for citizens (e.g. "both parties must be present").
		text("note_vi", false, 500),
		text("note_km", false, 800),
		&core.JSONField{Name: "papers", MaxSize: 20000},
		&core.BoolField{Name: "active"},
		// Accent-folded names for searching without diacritics; filled by a hook.
		&core.TextField{Name: "search", Hidden: true, Max: 2000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_procedures_code", true, "code", "")
	return c
}

func holidaysCollection() *core.Collection {
	c := core.NewBaseCollection("holidays", "motcua_holidays")
	c.ListRule = types.Pointer("")
	c.ViewRule = types.Pointer("")
	c.Fields.Add(
		&core.DateField{Name: "date", Required: true},
		text("name_vi", true, 200),
		text("name_km", false, 300),
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"holiday", "working_day"}},
		&core.BoolField{Name: "enabled"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_holidays_date", false, "date", "")
	return c
}

func dossiersCollection() *core.Collection {
	c := core.NewBaseCollection("dossiers", "motcua_dossiers")
	c.ListRule = types.Pointer(ruleDossierRead)
	c.ViewRule = types.Pointer(ruleDossierRead)
	c.CreateRule = types.Pointer(RuleDossierCreate)
	c.Fields.Add(
		text("code", false, 60),
		&core.RelationField{Name: "procedure", Required: true, MaxSelect: 1, CollectionId: "motcua_procedures"},
		text("applicant_name", true, 200),
		text("applicant_id_number", false, 12),
		text("applicant_old_id", false, 9),
		&core.DateField{Name: "applicant_birth_date"},
		&core.SelectField{Name: "applicant_gender", MaxSelect: 1, Values: []string{"male", "female"}},
		text("applicant_address", false, 400),
		text("applicant_phone", false, 15),
		&core.JSONField{Name: "papers", MaxSize: 20000},
		&core.NumberField{Name: "sets", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(99.0)},
		text("notes", false, 2000),
		&core.SelectField{Name: "channel", MaxSelect: 1, Values: []string{"in_person", "online", "postal"}},
		&core.BoolField{Name: "mobile"},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{
			"new", "received", "refused", "processing", "supplement_requested",
			"awaiting_fees", "withdrawn", "stopped", "done", "returned"}},
		&core.DateField{Name: "received_at"},
		&core.DateField{Name: "due_at"},
		&core.DateField{Name: "paused_at"},
		&core.DateField{Name: "finished_at"},
		&core.DateField{Name: "returned_at"},
		&core.RelationField{Name: "received_by", MaxSelect: 1, CollectionId: "motcua_staff"},
		&core.RelationField{Name: "assignee", MaxSelect: 1, CollectionId: "motcua_staff"},
		text("lookup_key", false, 40),
		text("station", false, 100),
		text("location", false, 200),
		&core.FileField{Name: "scans", MaxSelect: 10, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"application/pdf", "image/jpeg", "image/png"}},
		// Accent-folded code, name, ID number and phone for staff search; filled by a hook.
		&core.TextField{Name: "search", Hidden: true, Max: 1000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_dossiers_code", true, "code", "code != ''")
	c.AddIndex("idx_dossiers_status_due", false, "status, due_at", "")
	c.AddIndex("idx_dossiers_received_at", false, "received_at", "")
	c.AddIndex("idx_dossiers_assignee", false, "assignee", "")
	return c
}

// dossierSequencesCollection keeps the last number of each day's code sequence.
// Only hooks write it, inside the intake transaction.
func dossierSequencesCollection() *core.Collection {
	c := core.NewBaseCollection("dossier_sequences", "motcua_dossier_sequences")
	c.Fields.Add(
		&core.TextField{Name: "day", Required: true, Pattern: `^[0-9]{6}$`},
		&core.NumberField{Name: "last", OnlyInt: true, Min: types.Pointer(0.0)},
	)
	c.AddIndex("idx_dossier_sequences_day", true, "day", "")
	return c
}

// dossierEventsCollection is the handoff log. Staff read it; nobody writes it
// through the API, only the hooks of intake and the workflow actions.
func dossierEventsCollection() *core.Collection {
	c := core.NewBaseCollection("dossier_events", "motcua_dossier_events")
	c.ListRule = types.Pointer(ruleEventRead)
	c.ViewRule = types.Pointer(ruleEventRead)
	c.Fields.Add(
		&core.RelationField{Name: "dossier", Required: true, MaxSelect: 1, CollectionId: "motcua_dossiers"},
		&core.TextField{Name: "action", Required: true, Max: 40},
		text("from_status", false, 30),
		text("to_status", false, 30),
		&core.RelationField{Name: "actor", MaxSelect: 1, CollectionId: "motcua_staff"},
		text("actor_name", false, 100),
		&core.RelationField{Name: "assignee", MaxSelect: 1, CollectionId: "motcua_staff"},
		text("note", false, 2000),
		&core.JSONField{Name: "data", MaxSize: 20000},
		&core.DateField{Name: "at", Required: true},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	c.AddIndex("idx_dossier_events_dossier", false, "dossier, at", "")
	return c
}
