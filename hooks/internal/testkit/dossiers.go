package testkit

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// local is a wall-clock time at the office.
func LocalTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, base.Zone)
}

// MkDossier saves a dossier straight into the app, as the intake and workflow
// would have left it, without depending on those branches.
func MkDossier(t testing.TB, app core.App, fields map[string]any) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	if _, ok := fields["applicant_name"]; !ok {
		fields["applicant_name"] = "Thạch Thị Sa Ry"
	}
	if _, ok := fields["channel"]; !ok {
		fields["channel"] = "in_person"
	}
	r.Load(fields)
	if err := app.Save(r); err != nil {
		t.Fatalf("save dossier %v: %v", fields, err)
	}
	return r
}

// SetRaw changes a column the record API would not let a test set (file names,
// autodates) with a bound UPDATE.
func SetRaw(t testing.TB, app core.App, table, id, column string, value any) {
	t.Helper()
	_, err := app.DB().Update(table, dbx.Params{column: value}, dbx.HashExp{"id": id}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

func ProcedureOfField(t testing.TB, app core.App, field string) *core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter(base.ColProcedures, "field_vi = {:f}", "code", 1, 0, dbx.Params{"f": field})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no procedure in field %s: %v", field, err)
	}
	return recs[0]
}

func MkRating(t testing.TB, app core.App, dossier *core.Record, score int, at time.Time) {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId(base.ColRatings)
	r := core.NewRecord(col)
	r.Load(map[string]any{"dossier": dossier.Id, "score": score, "scale": 5, "procedure": dossier.GetString("procedure"), "channel": "counter"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	SetRaw(t, app, base.ColRatings, r.Id, "created", base.DBTime(at))
}
