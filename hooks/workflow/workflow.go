package workflow

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/textnorm"
)

// bindWorkflowRoutes serves the workflow actions and the table the dossier page
// reads to show only the buttons the caller may use.
func bindWorkflowRoutes(se *core.ServeEvent) error {
	se.Router.POST("/api/motcua/dossiers/{id}/actions/{action}", handleAction).BindFunc(base.RequireStaff())
	se.Router.GET("/api/motcua/workflow", handleWorkflowTable).BindFunc(base.RequireStaff())
	return nil
}

func handleWorkflowTable(e *core.RequestEvent) error {
	return e.JSON(http.StatusOK, map[string]any{"role": base.RoleOf(e.Auth), "transitions": domain.Transitions})
}

// actionBody is the JSON body of every action; each action reads the fields it
// needs (Transition.Required lists the mandatory ones).
type actionBody struct {
	Note              string   `json:"note"`
	Assignee          string   `json:"assignee"`
	MissingPapers     []string `json:"missing_papers"`
	Reason            string   `json:"reason"`
	NewDueAt          string   `json:"new_due_at"`
	CollectedBy       string   `json:"collected_by"`
	CollectorIDNumber string   `json:"collector_id_number"`
}

// normalize trims and NFC-normalises every text, dropping empty paper lines.
func (b *actionBody) normalize() {
	clean := func(s string) string { return strings.TrimSpace(textnorm.NFC(s)) }
	b.Note, b.Assignee, b.Reason = clean(b.Note), clean(b.Assignee), clean(b.Reason)
	b.NewDueAt, b.CollectedBy = clean(b.NewDueAt), clean(b.CollectedBy)
	b.CollectorIDNumber = strings.ReplaceAll(clean(b.CollectorIDNumber), " ", "")
	papers := b.MissingPapers[:0]
	for _, p := range b.MissingPapers {
		if p = clean(p); p != "" {
			papers = append(papers, p)
		}
	}
	b.MissingPapers = papers
}

// handleAction runs one workflow action. The order of checks is the contract:
// unknown action or dossier the caller may not see → 404, role not in the
// table → 403, status not a from-status → 409, bad body → 400.
func handleAction(e *core.RequestEvent) error {
	tr, ok := domain.FindTransition(e.Request.PathValue("action"))
	if !ok {
		return base.KeyedError(http.StatusNotFound, "error.action_unknown")
	}
	d, err := domain.FindDossier(e.App, e.Request.PathValue("id"))
	if err != nil {
		return base.KeyedError(http.StatusNotFound, "error.dossier_not_found")
	}
	info, err := e.RequestInfo()
	if err != nil {
		return fmt.Errorf("action %s: request info: %w", tr.Action, err)
	}
	if visible, err := e.App.CanAccessRecord(d.Record, info, d.Collection().ViewRule); err != nil || !visible {
		return base.KeyedError(http.StatusNotFound, "error.dossier_not_found")
	}
	if !tr.Allows(base.RoleOf(e.Auth)) {
		return base.KeyedError(http.StatusForbidden, "error.role_forbidden")
	}
	if !tr.AcceptsFrom(d.Status()) {
		return transitionConflict(tr, d.Status())
	}
	var body actionBody
	if err := e.BindBody(&body); err != nil && !errors.Is(err, io.EOF) {
		return base.KeyedError(http.StatusBadRequest, "error.body_invalid")
	}
	body.normalize()
	now := base.Now(e.App)
	if bad := validateAction(e.App, tr, d, &body, now); len(bad) > 0 {
		return base.FieldErrors(bad)
	}

	var updated *domain.Dossier
	err = sqlitex.InWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		// Read again inside the transaction: two clerks may click at once.
		cur, err := domain.FindDossier(tx, d.Id)
		if err != nil {
			return err
		}
		if !tr.AcceptsFrom(cur.Status()) {
			return transitionConflict(tr, cur.Status())
		}
		updated = cur
		return applyAction(tx, tr, cur, e.Auth, &body, now)
	})
	if err != nil {
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			return apiErr
		}
		return fmt.Errorf("action %s on %s: %w", tr.Action, d.Id, err)
	}
	if err := apis.EnrichRecord(e, updated.Record); err != nil {
		return fmt.Errorf("action %s: enrich: %w", tr.Action, err)
	}
	return e.JSON(http.StatusOK, updated.Record)
}

// transitionConflict is the 409 for an action the table does not allow from the
// dossier's current status; data carries both so a client can explain.
func transitionConflict(tr domain.Transition, status string) error {
	err := base.KeyedError(http.StatusConflict, "error.transition_not_allowed")
	err.Data["action"] = tr.Action
	err.Data["status"] = status
	return err
}

// validateAction checks the body of one action and returns field → message key.
func validateAction(app core.App, tr domain.Transition, d *domain.Dossier, b *actionBody, now time.Time) map[string]string {
	bad := map[string]string{}
	values := map[string]bool{
		"assignee": b.Assignee != "", "missing_papers": len(b.MissingPapers) > 0, "reason": b.Reason != "",
		"new_due_at": b.NewDueAt != "", "collected_by": b.CollectedBy != "", "collector_id_number": b.CollectorIDNumber != "",
	}
	for _, f := range tr.Required {
		if !values[f] {
			bad[f] = "error.field_required"
		}
	}
	switch tr.Action {
	case domain.ActionAssign:
		if b.Assignee == "" {
			break
		}
		s, err := app.FindRecordById(base.ColStaff, b.Assignee)
		if err != nil || s.GetBool("disabled") || !slices.Contains([]string{base.RoleProcessor, base.RoleLeader}, s.GetString("role")) {
			bad["assignee"] = "error.assignee_invalid"
		}
	case domain.ActionReturn:
		if b.CollectorIDNumber != "" && !textnorm.ValidIDNumber(b.CollectorIDNumber) {
			bad["collector_id_number"] = "error.idcard_id_invalid"
		}
	case domain.ActionExtend:
		if b.NewDueAt == "" {
			break
		}
		t, err := parseInstant(b.NewDueAt)
		switch {
		case err != nil:
			bad["new_due_at"] = "error.time_invalid"
		case !t.After(d.DueAt()) || !t.After(now):
			bad["new_due_at"] = "error.new_due_not_later"
		case !dueOnWorkingDay(app, t):
			bad["new_due_at"] = "error.new_due_not_working_day"
		}
	}
	for f, v := range map[string]string{"note": b.Note, "reason": b.Reason} {
		if len([]rune(v)) > 2000 {
			bad[f] = "error.text_too_long"
		}
	}
	return bad
}

// parseInstant reads RFC 3339, or a wall-clock "2006-01-02T15:04" (what a
// datetime-local input sends) in the office's zone.
func parseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, base.Zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse instant %q: %w", s, err)
	}
	return t, nil
}

// applyAction changes the dossier and appends its event, inside tx.
func applyAction(tx core.App, tr domain.Transition, d *domain.Dossier, auth *core.Record, b *actionBody, now time.Time) error {
	from := d.Status()
	to := tr.Next(from)
	data := map[string]any{}
	ev := domain.Event{Action: tr.Action, From: from, To: to, Note: b.Note, At: now}
	if auth != nil && auth.IsSuperuser() {
		data["superuser"] = auth.Email()
	} else {
		ev.Actor = auth
	}
	switch tr.Action {
	case domain.ActionAssign:
		d.Set("assignee", b.Assignee)
		ev.Assignee = b.Assignee
		if s, err := tx.FindRecordById(base.ColStaff, b.Assignee); err == nil {
			data["assignee_name"] = s.GetString("name")
			data["assignee_role"] = s.GetString("role")
		}
	case domain.ActionRequestSupplement:
		d.Set("paused_at", base.DateTime(now))
		data["missing_papers"] = b.MissingPapers
	case domain.ActionSupplementReceived:
		cal, err := domain.LoadCalendar(tx)
		if err != nil {
			return fmt.Errorf("supplement received: %w", err)
		}
		paused := d.GetDateTime("paused_at").Time()
		if paused.IsZero() {
			paused = now // no pause recorded: nothing to move
		}
		oldDue := d.DueAt()
		waited := cal.WorkingMinutesBetween(paused, now)
		newDue := cal.ShiftForPause(oldDue, paused, now)
		d.Set("due_at", base.DateTime(newDue))
		d.Set("paused_at", "")
		d.Set("paused_minutes", d.GetInt("paused_minutes")+waited)
		data["paused_at"] = paused.UTC().Format(time.RFC3339)
		data["waited_minutes"] = waited
		data["old_due_at"] = oldDue.UTC().Format(time.RFC3339)
	case domain.ActionRefuse, domain.ActionStop:
		data["reason"] = b.Reason
	case domain.ActionWithdraw:
		if b.Reason != "" {
			data["reason"] = b.Reason
		}
	case domain.ActionComplete:
		d.Set("finished_at", base.DateTime(now))
		d.Set("result_note", b.Note)
	case domain.ActionReturn:
		d.Set("returned_at", base.DateTime(now))
		d.Set("collected_by", b.CollectedBy)
		d.Set("collector_id_number", b.CollectorIDNumber)
		data["collected_by"] = b.CollectedBy
		data["collector_id_number"] = b.CollectorIDNumber
	case domain.ActionExtend:
		newDue, _ := parseInstant(b.NewDueAt) // validated
		if d.GetDateTime("original_due_at").IsZero() {
			d.Set("original_due_at", d.GetDateTime("due_at"))
		}
		data["old_due_at"] = d.DueAt().UTC().Format(time.RFC3339)
		data["reason"] = b.Reason
		d.Set("due_at", base.DateTime(newDue))
		d.Set("extended_at", base.DateTime(now))
		d.Set("extension_reason", b.Reason)
	}
	d.Set("status", to)
	// Every event carries the due date in force after it, so the process-control
	// slip judges each step against the deadline of its time.
	data["due_at"] = d.DueAt().UTC().Format(time.RFC3339)
	ev.Data = data
	if err := tx.Save(d.Record); err != nil {
		return fmt.Errorf("save dossier: %w", err)
	}
	if _, err := domain.AppendEvent(tx, d, ev); err != nil {
		return err
	}
	return nil
}
