package intake

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// bindDueDateRoutes serves GET /api/motcua/due-date so the intake form can show
// the appointment before the dossier is saved.
func bindDueDateRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/due-date", handleDueDate).BindFunc(base.RequireStaff())
	return nil
}

// dueDateResponse is the answer of GET /api/motcua/due-date.
type dueDateResponse struct {
	DueAt        string `json:"due_at"`
	WorkingHours int    `json:"working_hours"`
}

func handleDueDate(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	procID := q.Get("procedure")
	if procID == "" {
		return base.KeyedError(http.StatusBadRequest, "error.procedure_required")
	}
	at := time.Now()
	if s := q.Get("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return base.KeyedError(http.StatusBadRequest, "error.time_invalid")
		}
		at = t
	}
	proc, err := e.App.FindRecordById(base.ColProcedures, procID)
	if err != nil {
		return base.KeyedError(http.StatusNotFound, "error.procedure_not_found")
	}
	hours := proc.GetInt("processing_hours")
	due, err := domain.DueAt(e.App, at, hours)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, dueDateResponse{DueAt: due.Format(time.RFC3339), WorkingHours: hours})
}
