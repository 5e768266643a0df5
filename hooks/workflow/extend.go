package workflow

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/domain"
)

// dueOnWorkingDay reports whether an extension's new due date falls on a day
// the office works (the citizen is told to come back that day, so a weekend
// or a holiday would send them to a closed door). When the calendar cannot be
// read the date is let through: intake and due dates report that fault.
func dueOnWorkingDay(app core.App, t time.Time) bool {
	ok, err := domain.IsWorkingDay(app, t)
	return err != nil || ok
}
