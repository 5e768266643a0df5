package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Fewer index pages per intake. Every index of dossiers takes a page write in
// each intake's commit, whether or not it will ever find the new row:
//   - idx_dossiers_assignee is the first column of idx_dossiers_assignee_status_due,
//     which answers every query it did: dropped;
//   - idx_dossiers_status_finished serves only the "results ready" work list
//     (status = 'done', by finish time): it now holds only finished dossiers;
//   - idx_dossiers_returned_at serves only "returned today" on the dashboard:
//     it now holds only returned dossiers.
//
// A new dossier is neither done nor returned, so intake skips both. The queries
// repeat the index's condition ("status = 'done'", "returned_at != ”") so that
// SQLite uses them.
func init() {
	m.Register(upIntakeIndexes, downIntakeIndexes)
}

func upIntakeIndexes(app core.App) error {
	c, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("intake indexes: %w", err)
	}
	c.RemoveIndex("idx_dossiers_assignee")
	c.AddIndex("idx_dossiers_status_finished", false, "status, finished_at", "status = 'done'")
	c.AddIndex("idx_dossiers_returned_at", false, "returned_at", "returned_at != ''")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("intake indexes: %w", err)
	}
	return nil
}

func downIntakeIndexes(app core.App) error {
	c, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("restore intake indexes: %w", err)
	}
	c.AddIndex("idx_dossiers_assignee", false, "assignee", "")
	c.AddIndex("idx_dossiers_status_finished", false, "status, finished_at", "")
	c.AddIndex("idx_dossiers_returned_at", false, "returned_at", "")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("restore intake indexes: %w", err)
	}
	return nil
}
