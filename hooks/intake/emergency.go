package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
)

// Keying in an emergency receipt. During a power cut the counter handed the
// citizen a sheet of a pre-printed pad (hooks/emergency), filled by hand. When
// the PC is back the officer keys the paper in: POST
// /api/motcua/intake/emergency with the intake's own fields plus
//
//	emergency_code  the code printed on the sheet
//	received_at     the real time of receipt written on it: RFC 3339, or
//	                "2006-01-02T15:04" on the office's clock (what the page's
//	                date-and-time field gives)
//
// (JSON, or multipart with the fields in @jsonPayload and the scans, like
// PocketBase's record create). The same checks as any intake run; then the
// dossier is saved under the printed code with the sheet's lookup key (so the
// printed QR opens its status page), received at the real time, due from the
// real time, entered_late; the "receive" event is dated at the real time too,
// and the sheet is claimed in the same transaction, so one paper makes one
// dossier. The code must be an unused sheet of a pad; the time must be in the
// past and not before the pad was printed.

// maxKeyInBody bounds a key-in: the scans field's 10 files of 10 MB, and the
// JSON (a few KB).
const maxKeyInBody = 10*(10<<20) + (1 << 20)

// keyInFields are the fields a key-in adds to the intake form's.
var keyInFields = map[string]bool{"emergency_code": true, "received_at": true}

// localTimeLayout is the value of an HTML datetime-local field.
const localTimeLayout = "2006-01-02T15:04"

// parseReceivedAt reads the time written on the paper.
func parseReceivedAt(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation(localTimeLayout, s, base.Zone); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// readKeyInBody reads the JSON body, or the @jsonPayload and scans of a
// multipart one.
func readKeyInBody(e *core.RequestEvent) (map[string]any, []*filesystem.File, error) {
	var body map[string]any
	var files []*filesystem.File
	if strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/form-data") {
		// apis.BodyLimit (bindEmergencyRoutes) bounds the whole body.
		if err := e.Request.ParseMultipartForm(1 << 20); err != nil {
			return nil, nil, base.KeyedError(http.StatusBadRequest, "error.body_invalid")
		}
		if err := json.Unmarshal([]byte(e.Request.FormValue("@jsonPayload")), &body); err != nil {
			return nil, nil, base.KeyedError(http.StatusBadRequest, "error.body_invalid")
		}
		var err error
		if files, err = e.FindUploadedFiles("scans"); err != nil && !errors.Is(err, http.ErrMissingFile) {
			return nil, nil, base.FieldErrors(map[string]string{"scans": "intake.scans_invalid"})
		}
	} else {
		raw, err := io.ReadAll(io.LimitReader(e.Request.Body, maxIntakeJSON+1))
		if err != nil || len(raw) > maxIntakeJSON || json.Unmarshal(raw, &body) != nil {
			return nil, nil, base.KeyedError(http.StatusBadRequest, "error.body_invalid")
		}
		// PocketBase reads the body again for the record's answer.
		e.Request.Body = io.NopCloser(bytes.NewReader(raw))
	}
	if body == nil {
		return nil, nil, base.KeyedError(http.StatusBadRequest, "error.body_invalid")
	}
	return body, files, nil
}

// checkPaper finds the sheet and reads the time of receipt, with one keyed
// error per bad field.
func checkPaper(app core.App, code, receivedRaw string, now time.Time) (*domain.EmergencySheet, time.Time, map[string]string, error) {
	bad := map[string]string{}
	var sheet *domain.EmergencySheet
	code = strings.TrimSpace(code)
	if code == "" {
		bad["emergency_code"] = "error.emergency_code_required"
	} else if s, err := domain.FindEmergencySheet(app, code); err != nil {
		var ae *router.ApiError
		if !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
			return nil, time.Time{}, nil, err
		}
		bad["emergency_code"] = "error.emergency_code_unknown"
	} else {
		switch s.State() {
		case domain.SheetUsed:
			bad["emergency_code"] = "error.emergency_code_used"
		case domain.SheetVoided:
			bad["emergency_code"] = "error.emergency_code_voided"
		}
		sheet = s
	}
	at, ok := parseReceivedAt(receivedRaw)
	switch {
	case strings.TrimSpace(receivedRaw) == "":
		bad["received_at"] = "error.emergency_time_required"
	case !ok:
		bad["received_at"] = "error.emergency_time_invalid"
	case !at.Before(now):
		bad["received_at"] = "error.emergency_time_future"
	case sheet != nil:
		printed, err := sheet.PadPrintedAt(app)
		if err != nil {
			return nil, time.Time{}, nil, err
		}
		if at.Before(printed.Truncate(time.Minute)) {
			bad["received_at"] = "error.emergency_time_before_pad"
		}
	}
	return sheet, at, bad, nil
}

// handleEmergencyKeyIn serves POST /api/motcua/intake/emergency.
func handleEmergencyKeyIn(e *core.RequestEvent) error {
	// Superusers too are refused: a dossier is received by an officer.
	if err := checkIntakeRole(e.Auth); err != nil {
		return err
	}
	if e.Auth.GetString("role") != base.RoleReception {
		return base.KeyedError(http.StatusForbidden, "error.role_forbidden")
	}
	body, files, err := readKeyInBody(e)
	if err != nil {
		return err
	}
	for k := range body {
		if !intakeJSONFields[k] && !keyInFields[k] {
			return base.FieldErrors(map[string]string{k: "error.value_invalid"})
		}
	}
	now := base.Now(e.App)
	if err := domain.CheckClock(e.App, now); err != nil {
		return err
	}
	sheet, at, bad, err := checkPaper(e.App, domain.RawString(body, "emergency_code"), domain.RawString(body, "received_at"), now)
	if err != nil {
		return err
	}
	delete(body, "emergency_code")
	delete(body, "received_at")

	col, err := e.App.FindCachedCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		return fmt.Errorf("key in: %w", err)
	}
	r := core.NewRecord(col)
	for k, v := range body {
		r.Set(k, v)
	}
	plan, err := prepareIntake(e.App, e.Auth, r, body)
	if err != nil {
		if len(bad) > 0 {
			return mergeFieldErrors(err, bad)
		}
		return err
	}
	if len(bad) > 0 {
		return base.FieldErrors(bad)
	}
	if plan.iss.Field {
		return base.KeyedError(http.StatusConflict, "error.field_centre_only")
	}
	proc, err := domain.CachedProcedure(e.App, r.GetString("procedure"))
	if err != nil {
		return err
	}
	due, err := domain.DueAt(e.App, at, proc.GetInt("processing_hours"))
	if err != nil {
		return err
	}
	plan.now, plan.due = at, due
	r.Set("received_at", at)
	r.Set("due_at", due)
	r.Set("lookup_key", sheet.LookupKey())
	r.Set("entered_late", true)
	if len(files) > 0 {
		r.Set("scans", files)
	}
	r.Id = core.GenerateDefaultRandomId()

	err = sqlitex.InWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		plan.setCode(r, sheet.Code())
		if err := domain.ClaimEmergencySheet(tx, sheet.Code(), r.Id, e.Auth, now); err != nil {
			return err
		}
		if err := tx.Save(r); err != nil {
			return base.KeyedValidation(err)
		}
		ev := plan.receiveEvent(r, e.Auth)
		ev.Data["entered_late"] = true
		ev.Data["keyed_at"] = now.UTC().Format(time.RFC3339)
		_, err := domain.AppendEvent(tx, &domain.Dossier{Record: r}, ev)
		return err
	})
	if err != nil {
		return err
	}
	if err := apis.EnrichRecord(e, r); err != nil {
		return fmt.Errorf("key in: enrich: %w", err)
	}
	return e.JSON(http.StatusOK, r)
}

// mergeFieldErrors adds the paper's field errors to intake's own keyed field
// errors, so the officer sees every mistake at once.
func mergeFieldErrors(err error, bad map[string]string) error {
	var ae *router.ApiError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		return err
	}
	all := map[string]string{}
	for f, v := range ae.Data {
		if fe, ok := v.(base.FieldError); ok {
			all[f] = fe.Code
		}
	}
	if len(all) == 0 {
		return err
	}
	for f, k := range bad {
		all[f] = k
	}
	return base.FieldErrors(all)
}

// bindEmergencyRoutes serves the key-in of emergency receipts.
func bindEmergencyRoutes(se *core.ServeEvent) error {
	// Only the centre's counter keys papers in (reception; mobile teams draw
	// from their own ranges and never use the centre's pads).
	se.Router.POST("/api/motcua/intake/emergency", handleEmergencyKeyIn).Bind(apis.BodyLimit(maxKeyInBody))
	return nil
}
