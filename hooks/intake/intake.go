package intake

import (
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/catalog"
	"motcua/hooks/idcard"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/textnorm"
)

// Intake is POST /api/collections/dossiers/records by a reception or field
// account. PocketBase checks the collection's createRule before any request
// hook runs and answers a bare "Failed to create record" (400) when it fails,
// so guardIntake answers guests and other roles first, with a keyed 401/403;
// the createRule stays as a second lock, and onIntake checks the role again for
// the batch API, which does not pass through guardIntake.

// intakeRoles may take a dossier in.
var intakeRoles = []string{base.RoleReception, base.RoleField}

// guardIntake answers a create request on dossiers from a caller who may not
// take dossiers in with a keyed error, before PocketBase's createRule check.
func guardIntake(e *core.RequestEvent) error {
	if e.Request.Method != http.MethodPost {
		return e.Next()
	}
	p := e.Request.URL.Path
	if p != "/api/collections/"+base.ColDossiers+"/records" && p != "/api/collections/motcua_dossiers/records" {
		return e.Next()
	}
	if err := checkIntakeRole(e.Auth); err != nil {
		return err
	}
	if done, err := fastIntake(e); done {
		return err
	}
	return e.Next()
}

// checkIntakeRole refuses callers other than reception and field staff: guests
// with 401, everyone else (superusers included: a dossier is received by an
// officer, who signs the receipt) with 403.
func checkIntakeRole(auth *core.Record) error {
	if auth == nil {
		return base.KeyedError(http.StatusUnauthorized, "error.sign_in_required")
	}
	if auth.Collection().Name == base.ColStaff && !auth.GetBool("disabled") {
		role := auth.GetString("role")
		for _, r := range intakeRoles {
			if r == role {
				return nil
			}
		}
	}
	return base.KeyedError(http.StatusForbidden, "error.role_forbidden")
}

// onIntake takes a dossier in through PocketBase's record create: a multipart
// request with scans of the papers, a batch request, or a body the JSON fast
// path (intake_fast.go) leaves to PocketBase. It prepares the record like the
// fast path, then, in one transaction, allocates the code, saves the dossier
// (e.Next: validation, file uploads) and appends the "receive" event.
func onIntake(e *core.RecordRequestEvent) error {
	if err := checkIntakeRole(e.Auth); err != nil {
		return err
	}
	info, err := e.RequestInfo()
	if err != nil {
		return fmt.Errorf("intake: request info: %w", err)
	}
	plan, err := prepareIntake(e.App, e.Auth, e.Record, info.Body)
	if err != nil {
		return err
	}
	r := e.Record
	return sqlitex.InWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		code, err := domain.AllocateCodeTx(tx, plan.agency, plan.now, plan.iss.From, plan.iss.To)
		if err != nil {
			return err
		}
		plan.setCode(r, code)
		e.App = tx
		if err := e.Next(); err != nil {
			return base.KeyedValidation(err, r)
		}
		_, err = domain.AppendEvent(tx, &domain.Dossier{Record: r}, plan.receiveEvent(r, e.Auth))
		return err
	})
}

// intakePlan is what an intake settled before its transaction.
type intakePlan struct {
	now    time.Time
	due    time.Time
	agency string
	iss    domain.Issuer
	code   *sql.Stmt // the prepared code UPSERT (fast path); nil inside a batch transaction
}

// prepareIntake checks and normalises what the officer sent (r holds the
// submitted values, body the raw ones) and fills the server fields, over
// whatever a client sent for them. Nothing is written yet.
func prepareIntake(app core.App, auth, r *core.Record, body map[string]any) (*intakePlan, error) {
	now := time.Now()
	bad := normalizeApplicant(r, body, now)
	proc, key := intakeProcedure(app, r.GetString("procedure"))
	if key != "" {
		bad["procedure"] = key
	} else if k := checkPapers(r, proc); k != "" {
		bad["papers"] = k
	}
	if len(bad) > 0 {
		return nil, base.FieldErrors(bad)
	}

	lookupKey, err := domain.NewLookupKey()
	if err != nil {
		return nil, fmt.Errorf("intake: lookup key: %w", err)
	}
	agency, iss, err := domain.CachedIssuer(app) // the centre, or a mobile team in field mode (field.go)
	if err != nil {
		return nil, err
	}
	due, err := domain.DueAt(app, now, proc.GetInt("processing_hours"))
	if err != nil {
		return nil, err
	}
	r.Set("status", domain.StatusReceived)
	r.Set("received_at", now)
	r.Set("due_at", due)
	r.Set("received_by", auth.Id)
	r.Set("lookup_key", lookupKey)
	for _, f := range []string{"assignee", "paused_at", "finished_at", "returned_at"} {
		r.Set(f, "")
	}
	iss.Apply(r, auth)
	if r.GetString("channel") == "" {
		r.Set("channel", domain.ChannelInPerson)
	}
	if r.GetInt("sets") < 1 {
		r.Set("sets", 1)
	}
	plan := &intakePlan{now: now, due: due, agency: agency, iss: iss}
	if !app.IsTransactional() {
		if plan.code, err = domain.PrepareCodeUpsert(app); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// setCode sets the dossier's code, allocated inside the intake transaction,
// with the search text that includes it.
func (p *intakePlan) setCode(r *core.Record, code string) {
	r.Set("code", code)
	r.Set("search", domain.DossierSearchKey(r))
}

// receiveEvent is the "receive" row of the handoff log for r.
func (p *intakePlan) receiveEvent(r, auth *core.Record) domain.Event {
	return domain.Event{
		Action: domain.EventReceive, To: domain.StatusReceived, Actor: auth, At: p.now,
		Data: map[string]any{"code": r.GetString("code"), "channel": r.GetString("channel"), "due_at": p.due.UTC().Format(time.RFC3339)},
	}
}

// rawString reads a submitted value as text ("" when absent).
func rawString(body map[string]any, name string) string {
	switch v := body[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// normalizeApplicant checks and normalises the applicant fields in place and
// returns one message key per bad field. Text is NFC with tidy white space;
// garbled text (a scanner in the wrong keyboard mode) is refused, never saved.
func normalizeApplicant(r *core.Record, body map[string]any, now time.Time) map[string]string {
	bad := map[string]string{}
	for _, f := range []string{"applicant_name", "applicant_address", "notes"} {
		v := textnorm.NFC(rawString(body, f))
		r.Set(f, v)
		if f != "notes" && idcard.Garbled(v) {
			bad[f] = "error.text_garbled"
		}
	}
	if r.GetString("applicant_name") == "" {
		bad["applicant_name"] = "error.name_required"
	}
	if id := textnorm.NFC(rawString(body, "applicant_id_number")); id != "" && !textnorm.ValidIDNumber(id) {
		bad["applicant_id_number"] = "error.id_number_invalid"
	} else {
		r.Set("applicant_id_number", id)
	}
	if old := textnorm.NFC(rawString(body, "applicant_old_id")); old != "" && (len(old) != 9 || !textnorm.ValidIDNumber(old)) {
		bad["applicant_old_id"] = "error.old_id_invalid"
	} else {
		r.Set("applicant_old_id", old)
	}
	if phone, err := textnorm.NormalizePhone(rawString(body, "applicant_phone")); err != nil {
		bad["applicant_phone"] = textnorm.KeyPhoneInvalid
	} else {
		r.Set("applicant_phone", phone)
	}
	switch g := rawString(body, "applicant_gender"); g {
	case "", idcard.GenderMale, idcard.GenderFemale:
		r.Set("applicant_gender", g)
	default:
		bad["applicant_gender"] = "error.gender_invalid"
	}
	// PocketBase has already turned the submitted date into a DateTime (a string
	// it cannot read becomes empty, like an absent date), so what is checked here
	// is the date itself: a real day from 1900 up to today in Vietnam.
	if s := strings.TrimSpace(rawString(body, "applicant_birth_date")); s != "" {
		dt, err := types.ParseDateTime(s)
		y, m, d := now.In(base.Zone).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		switch {
		case err != nil || dt.IsZero() || dt.Time().Year() < 1900:
			bad["applicant_birth_date"] = "error.birth_date_invalid"
		case dt.Time().After(today):
			bad["applicant_birth_date"] = "error.birth_date_future"
		default:
			r.Set("applicant_birth_date", dt)
		}
	} else {
		r.Set("applicant_birth_date", "")
	}
	normalizeSMS(r, body, bad) // sms_consent.go
	switch c := rawString(body, "channel"); c {
	case "", "in_person", "online", "postal":
		r.Set("channel", c)
	default:
		bad["channel"] = "error.channel_invalid"
	}
	return bad
}

// intakeProcedure finds the procedure asked for; it must exist and be active.
func intakeProcedure(app core.App, id string) (*core.Record, string) {
	if id == "" {
		return nil, "error.procedure_required"
	}
	p, err := domain.CachedProcedure(app, id)
	if err != nil {
		return nil, "error.procedure_not_found"
	}
	if !p.GetBool("active") {
		return nil, "error.procedure_inactive"
	}
	return p, ""
}

// receivedPaper is one paper the officer ticked, as the client sends it: the
// checklist position (index, from 0) or the paper's Vietnamese name, original
// or copy, and how many.
type receivedPaper struct {
	Index *int   `json:"index"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// storedPaper is a received paper as the dossier keeps it: the names are
// copied from the checklist so that a reprinted receipt is the same receipt
// even after the catalogue is edited.
type storedPaper struct {
	Index  int    `json:"index"`
	NameVI string `json:"name_vi"`
	NameKM string `json:"name_km"`
	Kind   string `json:"kind"`
	Count  int    `json:"count"`
}

// checkPapers checks the ticked papers against the procedure's checklist and
// rewrites the papers field in the stored form. Every paper must be on the
// checklist (once), be an original or a copy, count 1–99, and every required
// paper must be there: an incomplete dossier is not taken in (the officer prints
// the request to supplement or the refusal instead).
func checkPapers(r *core.Record, proc *core.Record) string {
	var checklist []catalog.Paper
	_ = proc.UnmarshalJSONField("papers", &checklist)
	var got []receivedPaper
	if err := r.UnmarshalJSONField("papers", &got); err != nil {
		return "error.papers_invalid"
	}
	seen := map[int]bool{}
	out := make([]storedPaper, 0, len(got))
	for _, g := range got {
		idx := -1
		if g.Index != nil {
			idx = *g.Index
		} else if name := textnorm.NFC(g.Name); name != "" {
			for i, p := range checklist {
				if textnorm.NFC(p.NameVI) == name {
					idx = i
					break
				}
			}
		}
		if idx < 0 || idx >= len(checklist) || seen[idx] {
			return "error.papers_unknown"
		}
		if (g.Kind != catalog.PaperOriginal && g.Kind != catalog.PaperCopy) || g.Count < 1 || g.Count > 99 {
			return "error.papers_invalid"
		}
		seen[idx] = true
		p := checklist[idx]
		out = append(out, storedPaper{Index: idx, NameVI: p.NameVI, NameKM: p.NameKM, Kind: g.Kind, Count: g.Count})
	}
	for i, p := range checklist {
		if p.Required && !seen[i] {
			return "error.papers_missing"
		}
	}
	r.Set("papers", out)
	return ""
}

// handleIDCardParse parses a scanned ID-card QR with the same parser the
// server trusts (POST /api/motcua/idcard/parse {"text": "..."}), so the form
// and the server never disagree about a name or a garbled scan.
func handleIDCardParse(e *core.RequestEvent) error {
	var body struct {
		Text string `json:"text"`
	}
	if err := e.BindBody(&body); err != nil {
		return base.KeyedError(http.StatusBadRequest, idcard.KeyFormat)
	}
	card, err := idcard.Parse(body.Text)
	if err != nil {
		ie, ok := err.(*idcard.Error)
		if !ok {
			return fmt.Errorf("parse id card: %w", err)
		}
		ae := base.KeyedError(http.StatusBadRequest, ie.Key)
		ae.Data["field"] = ie.Field
		return ae
	}
	return e.JSON(http.StatusOK, card)
}

// bindIntakeRoutes adds the keyed role guard of the intake request and the
// ID-card parsing endpoint.
func bindIntakeRoutes(se *core.ServeEvent) error {
	se.Router.BindFunc(guardIntake)
	se.Router.POST("/api/motcua/idcard/parse", handleIDCardParse).BindFunc(base.RequireStaff(intakeRoles...))
	return nil
}

// bindIntakeHooks binds intake and the lookup-key privacy rule.
func bindIntakeHooks(app core.App) {
	app.OnRecordCreateRequest(base.ColDossiers).BindFunc(onIntake)
}
