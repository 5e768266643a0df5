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

// LastReason returns the reason given with the latest event of action on the
// dossier (a refusal, a notice of stopping), "" when there is none.
func LastReason(app core.App, dossierID, action string) string {
	recs, err := app.FindRecordsByFilter(base.ColDossierEvents, "dossier = {:id} && action = {:a}", "-at,-created", 1, 0,
		dbx.Params{"id": dossierID, "a": action})
	if err != nil || len(recs) == 0 {
		return ""
	}
	var data struct {
		Reason string `json:"reason"`
	}
	_ = recs[0].UnmarshalJSONField("data", &data)
	return data.Reason
}

// TimeText formats an instant on the office's wall clock day first, then the
// time, "13/03/2026 09:00", as every staff screen writes it (app.js dateText)
// and as both citizen languages read it; empty for a zero time. Receipts,
// forms 02–07 and the status page all use it.
func TimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(base.Zone).Format("02/01/2006 15:04")
}
