package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The workflow keeps on the dossier what the work lists, forms and reports read
// without walking the event log: the working time spent paused, the extension,
// the result note and who collected the result. The indexes serve the work lists
// (a processor's or leader's dossiers by due date; results ready by finish time).
func init() {
	m.Register(upDossierWorkflowFields, downDossierWorkflowFields)
}

var workflowFieldNames = []string{
	"paused_minutes", "original_due_at", "extended_at", "extension_reason",
	"result_note", "collected_by", "collector_id_number",
}

var workflowIndexes = map[string]string{
	"idx_dossiers_assignee_status_due": "assignee, status, due_at",
	"idx_dossiers_status_finished":     "status, finished_at",
}

func upDossierWorkflowFields(app core.App) error {
	c, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("workflow fields: %w", err)
	}
	c.Fields.Add(
		// Working minutes the dossier waited for supplements, summed over every pause.
		&core.NumberField{Name: "paused_minutes", OnlyInt: true},
		// The due date printed on the receipt, kept when a leader extends it.
		&core.DateField{Name: "original_due_at"},
		&core.DateField{Name: "extended_at"},
		text("extension_reason", false, 2000),
		text("result_note", false, 2000),
		// Who collected the result and the ID they showed (may be a relative with a
		// letter of authority, so not necessarily the applicant).
		text("collected_by", false, 200),
		text("collector_id_number", false, 12),
	)
	for name, cols := range workflowIndexes {
		c.AddIndex(name, false, cols, "")
	}
	if err := app.Save(c); err != nil {
		return fmt.Errorf("workflow fields: %w", err)
	}
	return nil
}

func downDossierWorkflowFields(app core.App) error {
	c, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("drop workflow fields: %w", err)
	}
	for name := range workflowIndexes {
		c.RemoveIndex(name)
	}
	for _, f := range workflowFieldNames {
		c.Fields.RemoveByName(f)
	}
	if err := app.Save(c); err != nil {
		return fmt.Errorf("drop workflow fields: %w", err)
	}
	return nil
}
