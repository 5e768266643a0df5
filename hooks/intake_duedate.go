package hooks

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// bindDueDateRoutes serves GET /api/motcua/due-date so the intake form can show
// the appointment before the dossier is saved.
func bindDueDateRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/due-date", handleDueDate).BindFunc(requireStaff())
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
		return keyedError(http.StatusBadRequest, "error.procedure_required")
	}
	at := time.Now()
	if s := q.Get("at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return keyedError(http.StatusBadRequest, "error.time_invalid")
		}
		at = t
	}
	proc, err := e.App.FindRecordById(colProcedures, procID)
	if err != nil {
		return keyedError(http.StatusNotFound, "error.procedure_not_found")
	}
	hours := proc.GetInt("processing_hours")
	due, err := dueAt(e.App, at, hours)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, dueDateResponse{DueAt: due.Format(time.RFC3339), WorkingHours: hours})
}
