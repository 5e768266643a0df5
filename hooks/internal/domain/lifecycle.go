package domain

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/internal/base"
)

// closedStatuses are the final statuses: a dossier in one of them has closed_at.
var closedStatuses = map[string]bool{
	StatusDone: true, StatusReturned: true, StatusRefused: true, StatusWithdrawn: true, StatusStopped: true,
}

// stampClosedAt keeps dossiers.closed_at in step with the status, whoever changes
// it (intake, the workflow actions, /_/): set when a dossier first reaches a final
// status (to the time the result was ready when known), cleared if it is reopened.
func stampClosedAt(e *core.RecordEvent) error {
	r := e.Record
	if closedStatuses[r.GetString("status")] {
		if r.GetDateTime("closed_at").IsZero() {
			at := r.GetDateTime("finished_at")
			if at.IsZero() {
				at = r.GetDateTime("returned_at")
			}
			if at.IsZero() {
				at = types.NowDateTime()
			}
			r.Set("closed_at", at)
		}
	} else if !r.GetDateTime("closed_at").IsZero() {
		r.Set("closed_at", "")
	}
	return e.Next()
}

func bindLifecycleHooks(app core.App) {
	app.OnRecordCreate(base.ColDossiers).BindFunc(stampClosedAt)
	app.OnRecordUpdate(base.ColDossiers).BindFunc(stampClosedAt)
}
