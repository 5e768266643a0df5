package reports

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/domain"
)

// buildAnnexes builds every registered annex of the periodic report for the
// instants [from, to).
func buildAnnexes(app core.App, from, to time.Time) (map[string]any, error) {
	out := map[string]any{}
	for _, a := range domain.ReportAnnexes(app) {
		v, err := a.Build(app, from, to)
		if err != nil {
			return nil, fmt.Errorf("report annex %s: %w", a.Name, err)
		}
		out[a.Name] = v
	}
	return out, nil
}
