package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/pb_migrations"
)

// The intake fast path. A counter intake is a JSON POST to the dossiers
// collection (the intake page sends multipart only with scans attached). Going
// through PocketBase's record create, an intake cost five stock creates: the
// create rule is checked with a query that copies all 45 fields into a CTE, the
// form, the hook chains and the field interceptors run for each of the two
// records written, and every statement is built from a template and parsed
// again. Here the same request is answered with the same checks and the same
// row: the fields are set with PocketBase's own setters, validated by
// PocketBase's own validators (outside the write lock, so clerks validate in
// parallel), written with prepared statements in one transaction with the code
// and the event, announced to PocketBase's after-create hooks (realtime) once
// committed, and answered with PocketBase's record JSON (EnrichRecord applies
// the hidden fields and hideLookupKey). TestIntakeFastPathSameRow saves the
// same bodies through both paths and compares the rows.
//
// checkIntakeRole (guardIntake) applies the collection's createRule in Go:
// reception or field staff. If an administrator edits that rule in /_/, every
// intake takes PocketBase's path, which checks the edited rule.
//
// A body the fast path does not recognise (any field outside intakeJSONFields,
// a modifier such as "papers+", not an object) is handed to PocketBase's route
// unchanged, where onIntake takes it in as before.

// maxIntakeJSON bounds the body read: the papers list and notes fit in a few KB.
const maxIntakeJSON = 256 << 10

// intakeJSONFields are the fields the intake form sends.
var intakeJSONFields = map[string]bool{
	"applicant_name": true, "applicant_id_number": true, "applicant_old_id": true,
	"applicant_birth_date": true, "applicant_gender": true, "applicant_address": true,
	"applicant_phone": true, "notes": true, "sets": true, "procedure": true,
	"papers": true, "ticket": true, "channel": true,
	"sms_consent": true, "sms_language": true, // sms_consent.go
}

// fastIntake answers a JSON intake and reports whether it did; when it did
// not, the request (with its body intact) goes on to PocketBase's route.
func fastIntake(e *core.RequestEvent) (bool, error) {
	if e.App.IsTransactional() || createRateLimited(e.App) {
		return false, nil
	}
	if mt, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type")); mt != "application/json" {
		return false, nil
	}
	raw, err := io.ReadAll(io.LimitReader(e.Request.Body, maxIntakeJSON+1))
	if err != nil {
		return true, base.KeyedError(http.StatusBadRequest, "error.body_invalid")
	}
	e.Request.Body = io.NopCloser(bytes.NewReader(raw))
	if len(raw) > maxIntakeJSON {
		return false, nil
	}
	var body map[string]any
	if json.Unmarshal(raw, &body) != nil || body == nil {
		return false, nil
	}
	for k := range body {
		if !intakeJSONFields[k] {
			return false, nil
		}
	}

	col, err := e.App.FindCachedCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		return true, fmt.Errorf("intake: %w", err)
	}
	if col.CreateRule == nil || *col.CreateRule != pb_migrations.RuleDossierCreate {
		// The rule was edited in /_/: PocketBase applies it.
		return false, nil
	}
	r := core.NewRecord(col)
	for k, v := range body {
		r.Set(k, v)
	}
	plan, err := prepareIntake(e.App, e.Auth, r, body)
	if err != nil {
		return true, err
	}
	if err := validateIntake(e, r); err != nil {
		return true, base.KeyedValidation(err)
	}
	ins, err := sqlitex.PrepareRecordInsert(e.App, col)
	if err != nil {
		return true, err
	}
	evCol, err := e.App.FindCachedCollectionByNameOrId(base.ColDossierEvents)
	if err != nil {
		return true, fmt.Errorf("intake: %w", err)
	}
	evIns, err := sqlitex.PrepareRecordInsert(e.App, evCol)
	if err != nil {
		return true, err
	}

	var ev *core.Record
	err = sqlitex.InGroupCommit(e.Request.Context(), e.App, func(w sqlitex.Writer) error {
		code, err := domain.AllocateCode(w, plan.code, plan.agency, plan.now, plan.iss.From, plan.iss.To)
		if err != nil {
			return err
		}
		plan.setCode(r, code)
		if err := ins.Insert(w, r); err != nil {
			return err
		}
		if ev, err = domain.NewEventRecord(e.App, &domain.Dossier{Record: r}, plan.receiveEvent(r, e.Auth)); err != nil {
			return err
		}
		return evIns.Insert(w, ev)
	})
	if err != nil {
		r.MarkAsNew()
		return true, err
	}
	sqlitex.AnnounceCreated(e.Request.Context(), e.App, r, ev)
	if err := apis.EnrichRecord(e, r); err != nil {
		return true, fmt.Errorf("intake: enrich: %w", err)
	}
	return true, e.JSON(http.StatusOK, r)
}

// intakeCheckedFields are not validated again by validateIntake: the id is
// made at insert (sortableID), the procedure was found by intakeProcedure,
// received_by is the signed-in officer and field_kit this PC's own kit.
var intakeCheckedFields = map[string]bool{"id": true, "procedure": true, "received_by": true, "field_kit": true}

// validateIntake runs PocketBase's validators of every other field, as
// PocketBase's own record validation does. motcua binds no OnRecordValidate
// hook to dossiers; one bound later must be called here too
// (hooks.TestFastPathHandlersPinned fails until it is).
func validateIntake(e *core.RequestEvent, r *core.Record) error {
	errs := validation.Errors{}
	for _, f := range r.Collection().Fields {
		if intakeCheckedFields[f.GetName()] {
			continue
		}
		if err := f.ValidateValue(e.Request.Context(), e.App, r); err != nil {
			errs[f.GetName()] = err
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// createRateLimited says whether an administrator has set a rate limit on
// record creates ("dossiers:create" or "*:create" in /_/ settings), which
// PocketBase checks inside its create handler: those intakes take PocketBase's
// path so that the limit holds. (Path rules run before any route and apply to
// both paths.) motcua sets none: a busy counter is never slowed.
func createRateLimited(app core.App) bool {
	rl := app.Settings().RateLimits
	if !rl.Enabled {
		return false
	}
	_, ok := rl.FindRateLimitRule([]string{base.ColDossiers + ":create", "*:create"})
	return ok
}
