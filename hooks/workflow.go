package hooks

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

	"motcua/hooks/textnorm"
)

// bindWorkflowRoutes serves the workflow actions and the table the dossier page
// reads to show only the buttons the caller may use.
func bindWorkflowRoutes(se *core.ServeEvent) error {
	se.Router.POST("/api/motcua/dossiers/{id}/actions/{action}", handleAction).BindFunc(requireStaff())
	se.Router.GET("/api/motcua/workflow", handleWorkflowTable).BindFunc(requireStaff())
	return nil
}

func handleWorkflowTable(e *core.RequestEvent) error {
	return e.JSON(http.StatusOK, map[string]any{"role": roleOf(e.Auth), "transitions": workflow})
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
	tr, ok := findTransition(e.Request.PathValue("action"))
	if !ok {
		return keyedError(http.StatusNotFound, "error.action_unknown")
	}
	d, err := FindDossier(e.App, e.Request.PathValue("id"))
	if err != nil {
		return keyedError(http.StatusNotFound, "error.dossier_not_found")
	}
	info, err := e.RequestInfo()
	if err != nil {
		return fmt.Errorf("action %s: request info: %w", tr.Action, err)
	}
	if visible, err := e.App.CanAccessRecord(d.Record, info, d.Collection().ViewRule); err != nil || !visible {
		return keyedError(http.StatusNotFound, "error.dossier_not_found")
	}
	if !tr.allows(roleOf(e.Auth)) {
		return keyedError(http.StatusForbidden, "error.role_forbidden")
	}
	if !tr.from(d.Status()) {
		return transitionConflict(tr, d.Status())
	}
	var body actionBody
	if err := e.BindBody(&body); err != nil && !errors.Is(err, io.EOF) {
		return keyedError(http.StatusBadRequest, "error.body_invalid")
	}
	body.normalize()
	now := nowOf(e.App)
	if bad := validateAction(e.App, tr, d, &body, now); len(bad) > 0 {
		return fieldErrors(bad)
	}

	var updated *Dossier
	err = inWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		// Read again inside the transaction: two clerks may click at once.
		cur, err := FindDossier(tx, d.Id)
		if err != nil {
			return err
		}
		if !tr.from(cur.Status()) {
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
func transitionConflict(tr Transition, status string) error {
	err := keyedError(http.StatusConflict, "error.transition_not_allowed")
	err.Data["action"] = tr.Action
	err.Data["status"] = status
	return err
}

// validateAction checks the body of one action and returns field → message key.
func validateAction(app core.App, tr Transition, d *Dossier, b *actionBody, now time.Time) map[string]string {
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
	case ActionAssign:
		if b.Assignee == "" {
			break
		}
		s, err := app.FindRecordById(colStaff, b.Assignee)
		if err != nil || s.GetBool("disabled") || !slices.Contains([]string{roleProcessor, roleLeader}, s.GetString("role")) {
			bad["assignee"] = "error.assignee_invalid"
		}
	case ActionReturn:
		if b.CollectorIDNumber != "" && !textnorm.ValidIDNumber(b.CollectorIDNumber) {
			bad["collector_id_number"] = "error.idcard_id_invalid"
		}
	case ActionExtend:
		if b.NewDueAt == "" {
			break
		}
		t, err := parseInstant(b.NewDueAt)
		switch {
		case err != nil:
			bad["new_due_at"] = "error.time_invalid"
		case !t.After(d.DueAt()) || !t.After(now):
			bad["new_due_at"] = "error.new_due_not_later"
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
	t, err := time.ParseInLocation("2006-01-02T15:04", s, zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse instant %q: %w", s, err)
	}
	return t, nil
}

// applyAction changes the dossier and appends its event, inside tx.
func applyAction(tx core.App, tr Transition, d *Dossier, auth *core.Record, b *actionBody, now time.Time) error {
	from := d.Status()
	to := tr.next(from)
	data := map[string]any{}
	ev := Event{Action: tr.Action, From: from, To: to, Note: b.Note, At: now}
	if auth != nil && auth.IsSuperuser() {
		data["superuser"] = auth.Email()
	} else {
		ev.Actor = auth
	}
	switch tr.Action {
	case ActionAssign:
		d.Set("assignee", b.Assignee)
		ev.Assignee = b.Assignee
		if s, err := tx.FindRecordById(colStaff, b.Assignee); err == nil {
			data["assignee_name"] = s.GetString("name")
			data["assignee_role"] = s.GetString("role")
		}
	case ActionRequestSupplement:
		d.Set("paused_at", dt(now))
		data["missing_papers"] = b.MissingPapers
	case ActionSupplementReceived:
		cal, err := loadCalendar(tx)
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
		d.Set("due_at", dt(newDue))
		d.Set("paused_at", "")
		d.Set("paused_minutes", d.GetInt("paused_minutes")+waited)
		data["paused_at"] = paused.UTC().Format(time.RFC3339)
		data["waited_minutes"] = waited
		data["old_due_at"] = oldDue.UTC().Format(time.RFC3339)
	case ActionRefuse, ActionStop:
		data["reason"] = b.Reason
	case ActionWithdraw:
		if b.Reason != "" {
			data["reason"] = b.Reason
		}
	case ActionComplete:
		d.Set("finished_at", dt(now))
		d.Set("result_note", b.Note)
	case ActionReturn:
		d.Set("returned_at", dt(now))
		d.Set("collected_by", b.CollectedBy)
		d.Set("collector_id_number", b.CollectorIDNumber)
		data["collected_by"] = b.CollectedBy
		data["collector_id_number"] = b.CollectorIDNumber
	case ActionExtend:
		newDue, _ := parseInstant(b.NewDueAt) // validated
		if d.GetDateTime("original_due_at").IsZero() {
			d.Set("original_due_at", d.GetDateTime("due_at"))
		}
		data["old_due_at"] = d.DueAt().UTC().Format(time.RFC3339)
		data["reason"] = b.Reason
		d.Set("due_at", dt(newDue))
		d.Set("extended_at", dt(now))
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
	if _, err := appendEvent(tx, d, ev); err != nil {
		return err
	}
	return nil
}
