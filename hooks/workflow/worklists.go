package workflow

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// worklistLimit caps a work list: a commune office has tens of open dossiers a
// day, and a list longer than this is a backlog for the reports, not a screen.
const worklistLimit = 500

// worklist is one named list: who may open it and the query behind it. Every
// query is served by an index of the workflow migration or the initial schema
// (status+due_at, status+finished_at, assignee+status+due_at).
type worklist struct {
	roles []string
	where string // bound with {:me}, {:now}, {:end}
	order string
}

// worklists are the staff's to-do lists:
//
//   - ready: results ready to hand back (reception);
//   - due: the clock is running and the due date is today or past (reception);
//   - mine: open dossiers assigned to the caller, by due date (processor, and a
//     leader for what was handed up to them);
//   - overdue: every dossier whose clock is running past its due date (leader);
//   - approval: what waits for a leader's sign-off, i.e. open dossiers a
//     processor handed up to a leader with assign (leader).
//
// Leaders may open every list; superusers too (as leaders). Dossiers waiting for
// a supplement or fees are not "due": their clock is paused.
var worklists = map[string]worklist{
	"ready": {[]string{base.RoleReception, base.RoleLeader},
		"d.status = 'done'", "d.finished_at, d.code"},
	"due": {[]string{base.RoleReception, base.RoleLeader},
		"d.status IN ('received', 'processing') AND d.due_at != '' AND d.due_at < {:end}", "d.due_at, d.code"},
	"mine": {[]string{base.RoleProcessor, base.RoleLeader},
		"d.assignee = {:me} AND d.status IN ('received', 'processing', 'supplement_requested', 'awaiting_fees')", "d.due_at, d.code"},
	"overdue": {[]string{base.RoleLeader},
		"d.status IN ('received', 'processing') AND d.due_at != '' AND d.due_at < {:now}", "d.due_at, d.code"},
	"approval": {[]string{base.RoleLeader},
		"d.status IN ('received', 'processing') AND d.assignee IN (SELECT id FROM staff WHERE role = 'leader')", "d.due_at, d.code"},
}

func bindWorklistRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/worklists/{name}", handleWorklist).BindFunc(base.RequireStaff())
	return nil
}

// worklistItem is one dossier row of a work list.
type worklistItem struct {
	ID          string `db:"id" json:"id"`
	Code        string `db:"code" json:"code"`
	Applicant   string `db:"applicant_name" json:"applicant_name"`
	Status      string `db:"status" json:"status"`
	ReceivedAt  string `db:"received_at" json:"received_at"`
	DueAt       string `db:"due_at" json:"due_at"`
	FinishedAt  string `db:"finished_at" json:"finished_at"`
	ProcedureVI string `db:"procedure_vi" json:"procedure_vi"`
	ProcedureKM string `db:"procedure_km" json:"procedure_km"`
	Assignee    string `db:"assignee_name" json:"assignee_name"`
	Overdue     bool   `db:"-" json:"overdue"`
}

func handleWorklist(e *core.RequestEvent) error {
	name := e.Request.PathValue("name")
	wl, ok := worklists[name]
	if !ok {
		return base.KeyedError(http.StatusNotFound, "error.worklist_unknown")
	}
	if !slices.Contains(wl.roles, base.RoleOf(e.Auth)) {
		return base.KeyedError(http.StatusForbidden, "error.role_forbidden")
	}
	me := ""
	if !e.Auth.IsSuperuser() {
		me = e.Auth.Id
	}
	items, err := queryWorklist(e.App, wl, me, base.Now(e.App))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"name": name, "items": items})
}

// queryWorklist runs one list for staff id me at now.
func queryWorklist(app core.App, wl worklist, me string, now time.Time) ([]worklistItem, error) {
	today := calendar.DateOf(now, base.Zone)
	end := time.Date(today.Year, today.Month, today.Day+1, 0, 0, 0, 0, base.Zone)
	items := []worklistItem{}
	q := app.DB().NewQuery(`SELECT d.id, d.code, d.applicant_name, d.status, d.received_at, d.due_at, d.finished_at,
		COALESCE(p.name_vi, '') AS procedure_vi, COALESCE(p.name_km, '') AS procedure_km, COALESCE(s.name, '') AS assignee_name
		FROM dossiers d LEFT JOIN procedures p ON p.id = d.procedure LEFT JOIN staff s ON s.id = d.assignee
		WHERE ` + wl.where + ` ORDER BY ` + wl.order + fmt.Sprintf(" LIMIT %d", worklistLimit))
	q.Bind(dbx.Params{"me": me, "now": base.DBTime(now), "end": base.DBTime(end)})
	if err := q.All(&items); err != nil {
		return nil, fmt.Errorf("work list: %w", err)
	}
	for i := range items {
		due, err := types.ParseDateTime(items[i].DueAt)
		items[i].Overdue = err == nil && !due.IsZero() && slices.Contains(domain.ClockRunning, items[i].Status) && due.Time().Before(now)
	}
	return items, nil
}
