package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// LastMissingPapers returns the papers asked for by the latest supplement request.
func LastMissingPapers(app core.App, dossierID string) []string {
	recs, err := app.FindRecordsByFilter(base.ColDossierEvents, "dossier = {:id} && action = {:a}", "-at,-created", 1, 0,
		dbx.Params{"id": dossierID, "a": ActionRequestSupplement})
	if err != nil || len(recs) == 0 {
		return nil
	}
	var data struct {
		MissingPapers []string `json:"missing_papers"`
	}
	_ = recs[0].UnmarshalJSONField("data", &data)
	return data.MissingPapers
}

// TimeText formats an instant on the office's wall clock, "09:00 13/03/2026";
// empty for a zero time.
func TimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(base.Zone).Format("15:04 02/01/2006")
}
