package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// clock_marks: what a person said about the PC's clock when the clock guard
// (hooks/internal/domain/clock.go) stopped intake. "confirmed": a leader saw
// that the date is right after a long closure (the clock looked far ahead of
// the newest record). "reset": the IT person declared that records up to
// ignore_to were written while the clock ran ahead, and that the clock is
// right now (at). Only the hooks write it; superusers read it in /_/.
func init() {
	m.Register(upClockMarks, downClockMarks)
}

func upClockMarks(app core.App) error {
	c := core.NewBaseCollection("clock_marks", "motcua_clock_marks")
	// No API rules: superuser only; staff go through /api/motcua/clock.
	c.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"confirmed", "reset"}},
		&core.DateField{Name: "at", Required: true},
		&core.DateField{Name: "ignore_to"},
		text("by_name", false, 200),
		text("note", false, 500),
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("create clock_marks: %w", err)
	}
	return nil
}

func downClockMarks(app core.App) error {
	c, err := app.FindCollectionByNameOrId("clock_marks")
	if err != nil {
		return nil
	}
	if err := app.Delete(c); err != nil {
		return fmt.Errorf("delete clock_marks: %w", err)
	}
	return nil
}
