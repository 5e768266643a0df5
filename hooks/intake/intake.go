package intake

import (
	"database/sql"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/idcard"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
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
	now := base.Now(app)
	// A PC clock set back by a flat battery (or far ahead) would date the
	// dossier, its code and its due date wrongly: refuse before anything.
	if err := domain.CheckClock(app, now); err != nil {
		return nil, err
	}
	bad := domain.NormalizeApplicant(r, body, now)
	proc, key := intakeProcedure(app, r.GetString("procedure"))
	if key != "" {
		bad["procedure"] = key
	} else if k := domain.CheckPapers(r, proc); k != "" {
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
	r.Set("entered_late", false) // only a key-in of an emergency receipt sets it (emergency.go)
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

// The papers as the client sends them and as the dossier keeps them; the
// checks live in domain (applicant.go), shared with the field import.
type (
	receivedPaper = domain.ReceivedPaper
	storedPaper   = domain.StoredPaper
)

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
