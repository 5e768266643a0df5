package domain

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/sqlitex"
)

// CodeRange is a block of daily sequence numbers one issuer draws from. The
// centre counter draws from centreRange; a mobile team gets a range of its own
// (e.g. 5000–5999) reserved before it leaves, so that codes printed offline on
// its receipts can never collide with the centre's when it syncs back. Codes stay
// <agency_code>-<yymmdd>-<NNNN> with four digits, so every range lies in 1–9999.
type CodeRange struct{ From, To int }

// CentreRange is the centre's share of each day's numbers: 0001–4999. The rest
// (5000–9999) is left for mobile teams' reserved ranges.
var CentreRange = CodeRange{From: 1, To: 4999}

// CodeDay is the yymmdd part of a dossier code: the reception date in Vietnam,
// whatever the PC's clock zone.
func CodeDay(t time.Time) string { return t.In(base.Zone).Format("060102") }

// FormatCode builds a dossier code from its parts.
func FormatCode(agency, day string, n int) string {
	return fmt.Sprintf("%s-%s-%04d", agency, day, n)
}

// codeUpsertSQL takes the next number of a day's sequence in one statement,
// and says in the same statement whether a dossier already holds the code that
// number makes (the fourth and fifth parameters are the code's prefix
// "<agency>-<yymmdd>-"). A number can be taken by someone other than this
// sequence: a dossier saved in /_/, a bundle imported before bundles were
// checked, a restored backup. Such a number is skipped, never handed out
// twice and never a reason to stop the counter. The probe uses the partial
// unique index on code (the condition that code is not empty lets SQLite
// pick it).
const codeUpsertSQL = `INSERT INTO "` + base.ColDossierSequence + `" ("id", "day", "range_from", "last") VALUES (?1, ?2, ?3, ?3)
	ON CONFLICT ("day", "range_from") DO UPDATE SET "last" = "last" + 1
	RETURNING "last", EXISTS (SELECT 1 FROM "` + base.ColDossiers + `" WHERE "code" = ?4 || printf('%04d', "last") AND "code" != '')`

// PrepareCodeUpsert prepares codeUpsertSQL on the write connection (outside a
// transaction); allocateCode then runs it without parsing it again.
func PrepareCodeUpsert(app core.App) (*sql.Stmt, error) {
	return sqlitex.PrepareWrite(app, codeUpsertSQL)
}

// AllocateCode takes the next free number of day's sequence within [from, to]
// and returns the dossier code. It must run inside the transaction that saves
// the dossier: the sequence row and the dossier then commit (or roll back)
// together, so a number is never handed out twice nor for a dossier that was
// not saved. The increment is one UPSERT … RETURNING statement, so even two
// transactions on separate connections could not read the same "last"; a
// number some dossier already holds is skipped by running it again (at most
// once per number of the range, in the same transaction). A range that is
// used up answers a keyed 409 instead of spilling into a range another issuer
// owns. prep is the statement from PrepareCodeUpsert; w the group commit's
// writer (the intake fast path).
func AllocateCode(w sqlitex.Writer, prep *sql.Stmt, agency string, day time.Time, from, to int) (string, error) {
	return allocateCode(agency, day, from, to, func(args []any) (int, bool, error) {
		var last int
		var taken bool
		err := w.QueryRow(prep, args...).Scan(&last, &taken)
		return last, taken, err
	})
}

// AllocateCodeTx is AllocateCode inside a PocketBase transaction (intake
// through PocketBase's record create, a batch request).
func AllocateCodeTx(tx core.App, agency string, day time.Time, from, to int) (string, error) {
	return allocateCode(agency, day, from, to, func(args []any) (int, bool, error) {
		var row struct {
			Last  int  `db:"last"`
			Taken bool `db:"taken"`
		}
		err := tx.NonconcurrentDB().NewQuery(codeUpsertQuery).Bind(dbx.Params{
			"id": args[0], "day": args[1], "from": args[2], "prefix": args[3],
		}).One(&row)
		return row.Last, row.Taken, err
	})
}

// codeUpsertQuery is codeUpsertSQL with dbx's named parameters.
const codeUpsertQuery = `INSERT INTO "` + base.ColDossierSequence + `" ("id", "day", "range_from", "last") VALUES ({:id}, {:day}, {:from}, {:from})
	ON CONFLICT ("day", "range_from") DO UPDATE SET "last" = "last" + 1
	RETURNING "last", EXISTS (SELECT 1 FROM "` + base.ColDossiers + `" WHERE "code" = {:prefix} || printf('%04d', "last") AND "code" != '') AS "taken"`

func allocateCode(agency string, day time.Time, from, to int, next func(args []any) (last int, taken bool, err error)) (string, error) {
	if from < 1 || to > 9999 || from > to {
		return "", fmt.Errorf("allocate dossier code: bad range %d–%d", from, to)
	}
	d := CodeDay(day)
	args := []any{core.GenerateDefaultRandomId(), d, from, agency + "-" + d + "-"}
	// Each round moves the sequence on by one, so the loop ends within the
	// range's size: at a free number, or past the end (used up).
	for tries := 0; tries <= to-from+1; tries++ {
		last, taken, err := next(args)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return "", fmt.Errorf("allocate dossier code: no row returned")
			}
			return "", fmt.Errorf("allocate dossier code: %w", err)
		}
		if last > to {
			return "", base.KeyedError(http.StatusConflict, "error.code_range_exhausted")
		}
		if !taken {
			return FormatCode(agency, d, last), nil
		}
	}
	return "", base.KeyedError(http.StatusConflict, "error.code_range_exhausted")
}
