package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The daily code sequence is kept per range: the centre draws 0001–4999 and a
// mobile team its own reserved range, so that receipts printed offline in the
// field never collide with the centre's after sync. A row is (day, range_from)
// with the last number used in that range.
func init() {
	m.Register(upSequenceRanges, downSequenceRanges)
}

func upSequenceRanges(app core.App) error {
	c, err := app.FindCollectionByNameOrId("dossier_sequences")
	if err != nil {
		return fmt.Errorf("sequence ranges: %w", err)
	}
	c.Fields.Add(&core.NumberField{Name: "range_from", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(9999.0)})
	c.RemoveIndex("idx_dossier_sequences_day")
	c.AddIndex("idx_dossier_sequences_day_range", true, "day, range_from", "")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("sequence ranges: %w", err)
	}
	return nil
}

func downSequenceRanges(app core.App) error {
	c, err := app.FindCollectionByNameOrId("dossier_sequences")
	if err != nil {
		return fmt.Errorf("sequence ranges down: %w", err)
	}
	// Keep one row per day (the highest number used) so the unique index on day
	// alone can come back without losing the guarantee that codes never repeat.
	if _, err := app.DB().NewQuery(
		"DELETE FROM dossier_sequences WHERE EXISTS (SELECT 1 FROM dossier_sequences o " +
			"WHERE o.day = dossier_sequences.day AND (o.last > dossier_sequences.last OR " +
			"(o.last = dossier_sequences.last AND o.id > dossier_sequences.id)))").Execute(); err != nil {
		return fmt.Errorf("sequence ranges down: %w", err)
	}
	c.RemoveIndex("idx_dossier_sequences_day_range")
	c.Fields.RemoveByName("range_from")
	c.AddIndex("idx_dossier_sequences_day", true, "day", "")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("sequence ranges down: %w", err)
	}
	return nil
}
