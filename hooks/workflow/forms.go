package workflow

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/web"
)

// Printable forms 02–06 are HTML fragments rendered here, on the server, from
// hooks/templates/forms.html, and fetched by the dossier page with the staff
// bearer token (staff auth lives in localStorage, so a plain link or new tab
// would arrive unauthenticated). The page drops the fragment into its print area
// and the browser prints it: the browser shapes Khmer, and the server keeps one
// place for the Vietnamese and Khmer wording (the i18n catalogues) and the
// escaping of names and reasons typed by staff.

// formAction is the event each letter is about; form 06 reads every event.
var formAction = map[string]string{
	"02": domain.ActionRequestSupplement,
	"03": domain.ActionRefuse,
	"04": domain.ActionExtend,
	"05": domain.ActionStop,
	"06": "",
}

// formTitle is the title key of each form.
var formTitle = map[string]string{
	"02": "form.title_02", "03": "form.title_03", "04": "form.title_04", "05": "form.title_05", "06": "form.title_06",
}

func bindFormRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/dossiers/{id}/forms/{form}", handleForm).BindFunc(base.RequireStaff())
	return nil
}

// biText is one text in both citizen languages; KM is empty when it would only
// repeat VI (a person's name).
type biText struct{ VI, KM string }

func biT(key string, args ...any) biText {
	return biText{VI: i18n.T("vi", key, args...), KM: i18n.T("km", key, args...)}
}

// slipRow is one handoff on the process-control slip (form 06).
type slipRow struct {
	No           int
	Step         biText
	Giver, Taker biText
	Time         string
	Result       biText
	Note         string
}

// formData is what every form template gets.
type formData struct {
	Number      string
	TitleKey    string
	Office      domain.OfficeView
	Date        biText
	Dear        biText
	Code        string
	Applicant   string
	ProcedureVI string
	ProcedureKM string
	ReceivedAt  string
	DueAt       string
	OldDue      string
	Body        biText
	Papers      []string
	Reason      string
	Note        string
	SignerKey   string
	SignerName  string
	Rows        []slipRow
	OriginalDue string
}

func handleForm(e *core.RequestEvent) error {
	number := e.Request.PathValue("form")
	action, ok := formAction[number]
	if !ok {
		return base.KeyedError(http.StatusNotFound, "error.form_unknown")
	}
	d, err := domain.FindDossier(e.App, e.Request.PathValue("id"))
	if err != nil {
		return base.KeyedError(http.StatusNotFound, "error.dossier_not_found")
	}
	info, err := e.RequestInfo()
	if err != nil {
		return fmt.Errorf("form %s: %w", number, err)
	}
	if visible, err := e.App.CanAccessRecord(d.Record, info, d.Collection().ViewRule); err != nil || !visible {
		return base.KeyedError(http.StatusNotFound, "error.dossier_not_found")
	}
	events, err := domain.FindDossierEvents(e.App, d.Id)
	if err != nil {
		return err
	}
	data, err := buildForm(e.App, d, number, action, events)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := web.Templates.ExecuteTemplate(&buf, "form", data); err != nil {
		return fmt.Errorf("render form %s: %w", number, err)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// buildForm gathers one form's content; a letter whose action has not happened
// answers 409.
func buildForm(app core.App, d *domain.Dossier, number, action string, events []*core.Record) (*formData, error) {
	now := base.Now(app).In(base.Zone)
	f := &formData{
		Number: number, TitleKey: formTitle[number], Office: domain.OfficeViewOf(app),
		Date:       placeDate(app, now),
		Dear:       biT("form.dear", "name", d.GetString("applicant_name")),
		Code:       d.Code(),
		Applicant:  d.GetString("applicant_name"),
		ReceivedAt: domain.TimeText(d.ReceivedAt()), DueAt: domain.TimeText(d.DueAt()),
		OriginalDue: domain.TimeText(d.GetDateTime("original_due_at").Time()),
	}
	if p, err := app.FindRecordById(base.ColProcedures, d.GetString("procedure")); err == nil {
		f.ProcedureVI, f.ProcedureKM = p.GetString("name_vi"), p.GetString("name_km")
	}
	if number == "06" {
		f.Rows = slipRows(app, d, events)
		return f, nil
	}
	var ev *core.Record
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].GetString("action") == action {
			ev = events[i]
			break
		}
	}
	if ev == nil {
		return nil, base.KeyedError(http.StatusConflict, "error.form_not_applicable")
	}
	var data struct {
		MissingPapers []string `json:"missing_papers"`
		Reason        string   `json:"reason"`
		OldDueAt      string   `json:"old_due_at"`
		DueAt         string   `json:"due_at"`
	}
	_ = ev.UnmarshalJSONField("data", &data)
	f.Papers, f.Reason, f.Note = data.MissingPapers, data.Reason, ev.GetString("note")
	f.SignerName = ev.GetString("actor_name")
	f.SignerKey = "form.leader_sign"
	switch number {
	case "02":
		f.Body = biT("form.body_02")
		f.SignerKey = "form.officer_sign"
	case "03":
		f.Body = biT("form.body_03")
	case "04":
		old, _ := time.Parse(time.RFC3339, data.OldDueAt)
		f.OldDue = domain.TimeText(old)
		f.Body = biT("form.body_04", "old", f.OldDue)
		if due, err := time.Parse(time.RFC3339, data.DueAt); err == nil {
			f.DueAt = domain.TimeText(due)
		}
	case "05":
		f.Body = biT("form.body_05")
	}
	return f, nil
}

// timeliness says whether something done at at met the deadline due: early
// (before its due day), on time (on the due day, by the due time) or late; ""
// when there is no deadline.
func timeliness(at, due time.Time) string {
	switch {
	case due.IsZero() || at.IsZero():
		return ""
	case at.After(due):
		return "late"
	case calendar.DateOf(at, base.Zone) == calendar.DateOf(due, base.Zone):
		return "on_time"
	default:
		return "early"
	}
}

// slipRows turns the event log into the handoffs of form 06: who gave, who took,
// when, and whether the step was early, on time or late against the due date in
// force when it happened.
func slipRows(app core.App, d *domain.Dossier, events []*core.Record) []slipRow {
	citizen := biT("form.citizen")
	oneStop := biT("form.one_stop")
	person := func(name string) biText { return biText{VI: name} }
	due := d.GetDateTime("original_due_at").Time()
	if due.IsZero() && len(events) > 0 {
		// No extension: the first due date is the one before any pause moved it.
		due = d.DueAt()
		for _, ev := range events {
			var data struct {
				OldDueAt string `json:"old_due_at"`
			}
			if ev.UnmarshalJSONField("data", &data) == nil && data.OldDueAt != "" {
				if t, err := time.Parse(time.RFC3339, data.OldDueAt); err == nil {
					due = t
					break
				}
			}
		}
	}
	rows := make([]slipRow, 0, len(events))
	for i, ev := range events {
		var data struct {
			DueAt        string `json:"due_at"`
			AssigneeName string `json:"assignee_name"`
			CollectedBy  string `json:"collected_by"`
			Superuser    string `json:"superuser"`
			Reason       string `json:"reason"`
		}
		_ = ev.UnmarshalJSONField("data", &data)
		actor := person(ev.GetString("actor_name"))
		if actor.VI == "" {
			actor = biT("form.system")
		}
		at := ev.GetDateTime("at").Time()
		row := slipRow{No: i + 1, Step: biT("action." + ev.GetString("action")), Time: domain.TimeText(at), Note: ev.GetString("note")}
		if data.Reason != "" {
			row.Note = data.Reason
		}
		switch ev.GetString("action") {
		case domain.ActionReceive:
			row.Giver, row.Taker = citizen, actor
		case domain.ActionAssign:
			row.Giver, row.Taker = actor, person(data.AssigneeName)
		case domain.ActionRequestSupplement, domain.ActionRefuse, domain.ActionStop, domain.ActionWithdraw:
			row.Giver, row.Taker = actor, citizen
		case domain.ActionSupplementReceived:
			row.Giver, row.Taker = citizen, actor
		case domain.ActionComplete:
			row.Giver, row.Taker = actor, oneStop
		case domain.ActionReturn:
			row.Giver, row.Taker = actor, person(data.CollectedBy)
		default:
			row.Giver, row.Taker = actor, actor
		}
		if k := timeliness(at, due); k != "" {
			row.Result = biT("timeliness." + k)
		}
		if t, err := time.Parse(time.RFC3339, data.DueAt); err == nil {
			due = t // the next step is judged against the due date this one left
		}
		rows = append(rows, row)
	}
	return rows
}
