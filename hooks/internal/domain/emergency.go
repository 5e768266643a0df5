package domain

import (
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Emergency receipt pads: paper receipts printed in advance, handed out when
// the counter has no power or no PC, keyed in later under their printed code.
//
// The code space. A dossier code is <agency>-<yymmdd>-<NNNN>, unique forever.
// A pad is printed for days nobody knows yet, so its codes cannot carry the
// day of receipt; and a block of numbers reserved "on every day" would have to
// be reserved on every future day at once. Instead a pad's codes carry the day
// the pad was printed: printing a pad of n sheets takes n consecutive numbers
// of that day's centre sequence (0001–4999) in one statement, exactly as n
// intakes would, inside the transaction that saves the pad. That day is then
// over, or goes on past the block: the centre's intake draws its next numbers
// after it, field kits draw from their own ranges (5000–9999), and the next
// pad takes the next block. No other issuer can ever draw these codes, so they
// never collide with anything, and they keep the official format. The day in
// such a code is the day the pad was printed, not the day of receipt: the
// dossier keeps the real time of receipt (received_at) and is marked
// entered_late ("nhập bù"), and the report and the ledger count it under its
// real day.

// Emergency sheet states (emergency_sheets.state).
const (
	SheetUnused = "unused"
	SheetUsed   = "used"
	SheetVoided = "voided"
)

// MaxPadSheets bounds one pad: a counter tears off a few dozen sheets during
// a power cut, and a pad is a block of one day's 4,999 centre numbers.
const MaxPadSheets = 200

// EmergencySheet is the typed view of an emergency_sheets record.
type EmergencySheet struct{ *core.Record }

// Code is the dossier code printed on the sheet.
func (s *EmergencySheet) Code() string { return s.GetString("code") }

// State is one of the Sheet… states.
func (s *EmergencySheet) State() string { return s.GetString("state") }

// LookupKey is the key printed under the sheet's QR code; the dossier keyed in
// under the sheet's code takes it, so the printed QR opens its status page.
func (s *EmergencySheet) LookupKey() string { return s.GetString("lookup_key") }

// FindEmergencySheet returns the sheet printed with code (a keyed 404 when no
// pad has it).
func FindEmergencySheet(app core.App, code string) (*EmergencySheet, error) {
	r := &core.Record{}
	err := app.RecordQuery(base.ColEmergencySheets).
		AndWhere(dbx.HashExp{"code": code}).Limit(1).One(r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, base.KeyedError(http.StatusNotFound, "error.emergency_code_unknown")
	}
	if err != nil {
		return nil, fmt.Errorf("find emergency sheet: %w", err)
	}
	return &EmergencySheet{r}, nil
}

// PadPrintedAt is when the sheet's pad was printed: a paper cannot have been
// handed out before.
func (s *EmergencySheet) PadPrintedAt(app core.App) (time.Time, error) {
	pad, err := app.FindRecordById(base.ColEmergencyPads, s.GetString("pad"))
	if err != nil {
		return time.Time{}, fmt.Errorf("emergency pad of %s: %w", s.Code(), err)
	}
	return pad.GetDateTime("printed_at").Time(), nil
}

// ClaimEmergencySheet marks the unused sheet with code as used by the dossier
// being saved, in the transaction tx that saves it: a second key-in of the same
// paper (two officers, a double click) finds it used and gets a keyed 409, and
// the dossier and its sheet commit together or not at all.
func ClaimEmergencySheet(tx core.App, code, dossierID string, by *core.Record, at time.Time) error {
	res, err := tx.NonconcurrentDB().Update(base.ColEmergencySheets, dbx.Params{
		"state": SheetUsed, "dossier": dossierID, "used_at": base.DBTime(at),
		"used_by_name": by.GetString("name"), "updated": base.DBTime(at),
	}, dbx.HashExp{"code": code, "state": SheetUnused}).Execute()
	if err != nil {
		return fmt.Errorf("claim emergency sheet %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return base.KeyedError(http.StatusConflict, "error.emergency_code_used")
	}
	return nil
}

// reserveSQL advances a day's centre sequence by n in one statement and
// answers its new last number (the block is last-n+1 … last).
const reserveSQL = `INSERT INTO "` + base.ColDossierSequence + `" ("id", "day", "range_from", "last") VALUES ({:id}, {:day}, {:from}, {:n})
	ON CONFLICT ("day", "range_from") DO UPDATE SET "last" = "last" + {:n} RETURNING "last"`

// ReserveCodeBlock takes n consecutive numbers of the centre's sequence of the
// day of at, as n intakes would, and returns the block. Call it in the
// transaction that saves the pad, so the block and the pad commit together.
// A day whose centre range cannot hold the block answers a keyed 409 (nothing
// is taken: the transaction rolls back).
func ReserveCodeBlock(tx core.App, at time.Time, n int) (day string, r CodeRange, err error) {
	if n < 1 || n > MaxPadSheets {
		return "", r, fmt.Errorf("reserve code block: bad size %d", n)
	}
	day = CodeDay(at)
	var last int
	err = tx.NonconcurrentDB().NewQuery(reserveSQL).Bind(dbx.Params{
		"id": core.GenerateDefaultRandomId(), "day": day, "from": CentreRange.From, "n": n,
	}).Row(&last)
	if err != nil {
		return "", r, fmt.Errorf("reserve code block: %w", err)
	}
	if last > CentreRange.To {
		return "", r, base.KeyedError(http.StatusConflict, "error.emergency_range_full")
	}
	return day, CodeRange{From: last - n + 1, To: last}, nil
}

// EmergencyPaperState answers the status page for a code no dossier has yet:
// SheetUnused when an unused sheet of a pad has this code and key (the paper
// was handed out and is not keyed in yet), SheetVoided when a voided sheet
// has them, "" otherwise (an unknown code or a wrong key: the page's ordinary
// not-found answer). The key is compared in constant time.
func EmergencyPaperState(app core.App, code, key string) string {
	var row struct {
		Key   string `db:"lookup_key"`
		State string `db:"state"`
	}
	err := app.DB().NewQuery("SELECT [[lookup_key]], [[state]] FROM {{" + base.ColEmergencySheets + "}} WHERE [[code]] = {:code} LIMIT 1").
		Bind(dbx.Params{"code": code}).One(&row)
	if err != nil || key == "" || subtle.ConstantTimeCompare([]byte(row.Key), []byte(key)) != 1 {
		return ""
	}
	if row.State == SheetUnused || row.State == SheetVoided {
		return row.State
	}
	return ""
}
