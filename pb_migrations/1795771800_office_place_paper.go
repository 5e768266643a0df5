package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// What the office prints needs two more facts about it:
//   - its place name (địa danh), in Vietnamese and in Khmer, for the place and
//     date line of the receipt, the forms and the periodic report ("Mỹ Hương,
//     ngày 04 tháng 02 năm 2026"); empty until the IT person sets it, and the
//     papers leave a dotted space to write it by hand meanwhile;
//   - the paper the counter's receipt printer takes: "a4" (both copies on one
//     sheet with a cut line, the default when empty) or "a5" (a copy a page).
//     A mobile team's dossiers and laptops print on their 80 mm roll whatever
//     this says.
func init() {
	m.Register(upOfficePlacePaper, downOfficePlacePaper)
}

var officePlacePaperFields = []string{"place_vi", "place_km", "receipt_paper"}

func upOfficePlacePaper(app core.App) error {
	c, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return fmt.Errorf("office place and paper: %w", err)
	}
	c.Fields.Add(
		text("place_vi", false, 100),
		text("place_km", false, 200),
		&core.SelectField{Name: "receipt_paper", MaxSelect: 1, Values: []string{"a4", "a5"}},
	)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("office place and paper: %w", err)
	}
	return nil
}

func downOfficePlacePaper(app core.App) error {
	c, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return fmt.Errorf("drop office place and paper: %w", err)
	}
	for _, f := range officePlacePaperFields {
		c.Fields.RemoveByName(f)
	}
	if err := app.Save(c); err != nil {
		return fmt.Errorf("drop office place and paper: %w", err)
	}
	return nil
}
