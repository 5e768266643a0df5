package hooks

import (
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
)

// statusExplanation is the plain-language line the public status page shows a
// citizen for a dossier, in Vietnamese and Khmer: what is happening, when the
// result is due, and for a supplement request what to bring (the papers listed
// in the last request_supplement event).
func statusExplanation(app core.App, d *Dossier) (vi, km string) {
	key := statusExplainKey[d.Status()]
	args := []any{}
	switch d.Status() {
	case StatusReceived, StatusProcessing:
		args = append(args, "due", timeText(d.DueAt()))
	case StatusSupplementRequested:
		args = append(args, "papers", strings.Join(lastMissingPapers(app, d.Id), "; "))
	case StatusReturned:
		args = append(args, "date", timeText(d.GetDateTime("returned_at").Time()))
	}
	if key == "" {
		return d.Status(), d.Status()
	}
	vi, km = i18n.T("vi", key, args...), i18n.T("km", key, args...)
	if !d.GetDateTime("extended_at").IsZero() && slices.Contains(clockRunning, d.Status()) {
		vi += " " + i18n.T("vi", "status.explain_extended")
		km += " " + i18n.T("km", "status.explain_extended")
	}
	return vi, km
}

// statusExplainKey is the citizen's explanation of each status.
var statusExplainKey = map[string]string{
	StatusNew: "status.explain_new", StatusReceived: "status.explain_received", StatusRefused: "status.explain_refused",
	StatusProcessing: "status.explain_processing", StatusSupplementRequested: "status.explain_supplement_requested",
	StatusAwaitingFees: "status.explain_awaiting_fees", StatusWithdrawn: "status.explain_withdrawn",
	StatusStopped: "status.explain_stopped", StatusDone: "status.explain_done", StatusReturned: "status.explain_returned",
}

// lastMissingPapers returns the papers asked for by the latest supplement request.
func lastMissingPapers(app core.App, dossierID string) []string {
	recs, err := app.FindRecordsByFilter(colDossierEvents, "dossier = {:id} && action = {:a}", "-at,-created", 1, 0,
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

// timeText formats an instant on the office's wall clock, "09:00 13/03/2026";
// empty for a zero time.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format("15:04 02/01/2006")
}
