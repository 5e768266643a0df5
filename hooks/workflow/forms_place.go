package workflow

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/domain"
)

// placeDate is the place and date line of forms 02–06: "Mỹ Hương, ngày 04
// tháng 02 năm 2026" (and the Khmer) once the office has a place name, the
// date alone before.
func placeDate(app core.App, now time.Time) biText {
	o := domain.OfficeViewOf(app)
	return biText{VI: domain.PlaceDateText(o, "vi", "form.date", now), KM: domain.PlaceDateText(o, "km", "form.date", now)}
}
