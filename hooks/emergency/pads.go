// Package emergency is the counter's paper fallback for when it has no power
// or no PC: pads of emergency receipts that a leader prints in advance. Each
// sheet is form 01 with a dossier code reserved for it (see the code space in
// hooks/internal/domain/emergency.go), blank fields for the officer to fill by
// hand, and a QR code with its own lookup key that opens the citizen's status
// page once the paper has been keyed in (before that the page says "not
// entered yet, come back later"). The key-in itself is an intake, in
// hooks/intake/emergency.go; here are the pads: printing, listing, the unused
// codes for the key-in form, and voiding a spoiled sheet with a reason.
package emergency

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/web"
	"motcua/hooks/textnorm"
)

// Register binds the pads' routes and the staff page /emergency.html (served
// from pb_public with the other pages).
func Register(app core.App) {
	base.BindServe(app, "motcua.emergency", base.ServeStep{Name: "emergency pads", Bind: bindPadRoutes})
}

func bindPadRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/motcua/emergency")
	counter := base.RequireStaff(base.RoleReception, base.RoleLeader)
	g.GET("/pads", handleListPads).BindFunc(counter)
	g.POST("/pads", handleCreatePad).BindFunc(base.RequireStaff(base.RoleLeader), requireCentre)
	g.GET("/pads/{id}", handlePad).BindFunc(counter)
	g.GET("/pads/{id}/print", handlePrintPad).BindFunc(base.RequireStaff(base.RoleLeader))
	g.GET("/sheets", handleUnusedSheets).BindFunc(counter)
	g.POST("/sheets/{code}/void", handleVoidSheet).BindFunc(counter)
	se.Router.GET("/emergency", web.StaticPage(se.App, "emergency.html"))
	return nil
}

// requireCentre refuses pads on a mobile team's laptop: its dossiers draw from
// the kit's range, never from the centre's sequence.
func requireCentre(e *core.RequestEvent) error {
	kit, err := domain.FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit != nil {
		return base.KeyedError(http.StatusConflict, "error.field_centre_only")
	}
	return e.Next()
}

// createPadRequest is the body of POST /api/motcua/emergency/pads.
type createPadRequest struct {
	Sheets int    `json:"sheets"`
	Note   string `json:"note"`
}

// padView is a pad as the staff page lists it.
type padView struct {
	ID        string         `json:"id" db:"id"`
	Number    int            `json:"number" db:"number"`
	Day       string         `json:"day" db:"day"`
	RangeFrom int            `json:"range_from" db:"range_from"`
	RangeTo   int            `json:"range_to" db:"range_to"`
	PrintedAt string         `json:"printed_at" db:"printed_at"`
	PrintedBy string         `json:"printed_by_name" db:"printed_by_name"`
	Note      string         `json:"note" db:"note"`
	FirstCode string         `json:"first_code" db:"-"`
	LastCode  string         `json:"last_code" db:"-"`
	Counts    map[string]int `json:"counts" db:"-"`
	Sheets    []sheetView    `json:"sheets,omitempty" db:"-"`
}

// sheetView is one sheet of a pad, without its lookup key.
type sheetView struct {
	Number     int    `json:"number" db:"number"`
	Code       string `json:"code" db:"code"`
	State      string `json:"state" db:"state"`
	Dossier    string `json:"dossier" db:"dossier"`
	UsedAt     string `json:"used_at" db:"used_at"`
	UsedBy     string `json:"used_by_name" db:"used_by_name"`
	VoidedAt   string `json:"voided_at" db:"voided_at"`
	VoidReason string `json:"void_reason" db:"void_reason"`
	VoidedBy   string `json:"voided_by_name" db:"voided_by_name"`
	PadNumber  int    `json:"pad_number,omitempty" db:"pad_number"`
	PadPrinted string `json:"pad_printed_at,omitempty" db:"pad_printed_at"`
}

// handleCreatePad prints nothing yet: it reserves the codes and makes the
// pad's sheets, each with its own lookup key; the leader then opens the print
// view. The clock must be right: a pad dated by a wrong clock would take codes
// of the wrong day and let papers be keyed in before they were printed.
func handleCreatePad(e *core.RequestEvent) error {
	var body createPadRequest
	if err := e.BindBody(&body); err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	note := strings.Join(strings.Fields(textnorm.NFC(body.Note)), " ")
	bad := map[string]string{}
	if body.Sheets < 1 || body.Sheets > domain.MaxPadSheets {
		bad["sheets"] = "error.emergency_sheets_invalid"
	}
	if len(note) > 500 {
		bad["note"] = "error.value_too_long"
	}
	if len(bad) > 0 {
		return base.FieldErrors(bad)
	}
	now := base.Now(e.App)
	if err := domain.CheckClock(e.App, now); err != nil {
		return err
	}
	pad, err := createPad(e.Request.Context(), e.App, body.Sheets, note, e.Auth, now)
	if err != nil {
		return err
	}
	v, err := findPadView(e.App, pad.Id, true)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, v)
}

// createPad reserves n codes of today's centre sequence and saves the pad and
// its sheets, all in one transaction.
func createPad(ctx context.Context, app core.App, n int, note string, by *core.Record, now time.Time) (*core.Record, error) {
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, err
	}
	agency := office.AgencyCode()
	if agency == "" {
		return nil, base.KeyedError(http.StatusConflict, "error.emergency_no_agency")
	}
	var pad *core.Record
	err = sqlitex.InWriteOrder(ctx, app, func(tx core.App) error {
		day, rng, err := domain.ReserveCodeBlock(tx, now, n)
		if err != nil {
			return err
		}
		var last int
		if err := tx.DB().NewQuery("SELECT COALESCE(MAX([[number]]), 0) FROM {{" + base.ColEmergencyPads + "}}").Row(&last); err != nil {
			return fmt.Errorf("pad number: %w", err)
		}
		padCol, err := tx.FindCachedCollectionByNameOrId(base.ColEmergencyPads)
		if err != nil {
			return err
		}
		pad = core.NewRecord(padCol)
		pad.Set("number", last+1)
		pad.Set("day", day)
		pad.Set("range_from", rng.From)
		pad.Set("range_to", rng.To)
		pad.Set("printed_at", now)
		pad.Set("note", note)
		if by != nil && by.Collection().Name == base.ColStaff {
			pad.Set("printed_by", by.Id)
			pad.Set("printed_by_name", by.GetString("name"))
		}
		if err := tx.Save(pad); err != nil {
			return fmt.Errorf("save pad: %w", err)
		}
		sheetCol, err := tx.FindCachedCollectionByNameOrId(base.ColEmergencySheets)
		if err != nil {
			return err
		}
		for i := rng.From; i <= rng.To; i++ {
			key, err := domain.NewLookupKey()
			if err != nil {
				return err
			}
			s := core.NewRecord(sheetCol)
			s.Set("pad", pad.Id)
			s.Set("number", i-rng.From+1)
			s.Set("code", domain.FormatCode(agency, day, i))
			s.Set("lookup_key", key)
			s.Set("state", domain.SheetUnused)
			if err := tx.Save(s); err != nil {
				return fmt.Errorf("save sheet %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pad, nil
}

// findPadView reads a pad with its counts and, when withSheets, its sheets.
func findPadView(app core.App, id string, withSheets bool) (*padView, error) {
	var v padView
	err := app.DB().NewQuery("SELECT [[id]], [[number]], [[day]], [[range_from]], [[range_to]], [[printed_at]], [[printed_by_name]], [[note]] " +
		"FROM {{" + base.ColEmergencyPads + "}} WHERE [[id]] = {:id}").Bind(dbx.Params{"id": id}).One(&v)
	if err != nil {
		return nil, base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	if err := fillPad(app, &v, withSheets); err != nil {
		return nil, err
	}
	return &v, nil
}

// fillPad adds a pad's first and last code, its counts per state and, when
// withSheets, its sheets.
func fillPad(app core.App, v *padView, withSheets bool) error {
	var sheets []sheetView
	err := app.DB().NewQuery("SELECT [[number]], [[code]], [[state]], [[dossier]], [[used_at]], [[used_by_name]], [[voided_at]], [[void_reason]], [[voided_by_name]] " +
		"FROM {{" + base.ColEmergencySheets + "}} WHERE [[pad]] = {:id} ORDER BY [[number]]").Bind(dbx.Params{"id": v.ID}).All(&sheets)
	if err != nil {
		return fmt.Errorf("pad sheets: %w", err)
	}
	v.Counts = map[string]int{domain.SheetUnused: 0, domain.SheetUsed: 0, domain.SheetVoided: 0}
	for _, s := range sheets {
		v.Counts[s.State]++
	}
	if len(sheets) > 0 {
		v.FirstCode, v.LastCode = sheets[0].Code, sheets[len(sheets)-1].Code
	}
	if withSheets {
		v.Sheets = sheets
	}
	return nil
}

// maxPadsListed bounds the list: an office prints a few pads a year.
const maxPadsListed = 200

// handleListPads is GET /api/motcua/emergency/pads: the newest pads first,
// with their counts.
func handleListPads(e *core.RequestEvent) error {
	pads := []*padView{}
	err := e.App.DB().NewQuery("SELECT [[id]], [[number]], [[day]], [[range_from]], [[range_to]], [[printed_at]], [[printed_by_name]], [[note]] " +
		"FROM {{" + base.ColEmergencyPads + "}} ORDER BY [[number]] DESC LIMIT {:n}").Bind(dbx.Params{"n": maxPadsListed}).All(&pads)
	if err != nil {
		return fmt.Errorf("list pads: %w", err)
	}
	for _, p := range pads {
		if err := fillPad(e.App, p, false); err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"pads": pads})
}

// handlePad is GET /api/motcua/emergency/pads/{id}: the pad with every sheet.
func handlePad(e *core.RequestEvent) error {
	v, err := findPadView(e.App, e.Request.PathValue("id"), true)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, v)
}

// handleUnusedSheets is GET /api/motcua/emergency/sheets: the codes still to
// key in (or void), oldest pad first, for the intake page's key-in mode.
func handleUnusedSheets(e *core.RequestEvent) error {
	sheets := []sheetView{}
	err := e.App.DB().NewQuery("SELECT s.[[number]], s.[[code]], s.[[state]], s.[[dossier]], s.[[used_at]], s.[[used_by_name]], s.[[voided_at]], s.[[void_reason]], s.[[voided_by_name]], " +
		"p.[[number]] AS pad_number, p.[[printed_at]] AS pad_printed_at " +
		"FROM {{" + base.ColEmergencySheets + "}} s JOIN {{" + base.ColEmergencyPads + "}} p ON p.[[id]] = s.[[pad]] " +
		"WHERE s.[[state]] = {:state} ORDER BY p.[[number]], s.[[number]] LIMIT {:n}").
		Bind(dbx.Params{"state": domain.SheetUnused, "n": maxPadsListed * 5}).All(&sheets)
	if err != nil {
		return fmt.Errorf("unused sheets: %w", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"sheets": sheets})
}

// voidRequest is the body of POST /api/motcua/emergency/sheets/{code}/void.
type voidRequest struct {
	Reason string `json:"reason"`
}

// handleVoidSheet voids an unused sheet (torn, misprinted, filled in wrong)
// with a reason: its code is never keyed in, and the pad shows it voided.
func handleVoidSheet(e *core.RequestEvent) error {
	var body voidRequest
	if err := e.BindBody(&body); err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	reason := strings.Join(strings.Fields(textnorm.NFC(body.Reason)), " ")
	if reason == "" {
		return base.FieldErrors(map[string]string{"reason": "error.emergency_void_reason"})
	}
	if len(reason) > 500 {
		return base.FieldErrors(map[string]string{"reason": "error.value_too_long"})
	}
	code := e.Request.PathValue("code")
	sheet, err := domain.FindEmergencySheet(e.App, code)
	if err != nil {
		return err
	}
	switch sheet.State() {
	case domain.SheetUsed:
		return base.KeyedError(http.StatusConflict, "error.emergency_code_used")
	case domain.SheetVoided:
		return base.KeyedError(http.StatusConflict, "error.emergency_code_voided")
	}
	now := base.Now(e.App)
	err = sqlitex.InWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		res, err := tx.NonconcurrentDB().Update(base.ColEmergencySheets, dbx.Params{
			"state": domain.SheetVoided, "voided_at": base.DBTime(now), "void_reason": reason,
			"voided_by_name": e.Auth.GetString("name"), "updated": base.DBTime(now),
		}, dbx.HashExp{"id": sheet.Id, "state": domain.SheetUnused}).Execute()
		if err != nil {
			return fmt.Errorf("void sheet: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return base.KeyedError(http.StatusConflict, "error.emergency_code_used")
		}
		return nil
	})
	if err != nil {
		return err
	}
	v, err := findPadView(e.App, sheet.GetString("pad"), true)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, v)
}
