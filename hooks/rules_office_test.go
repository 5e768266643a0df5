package hooks

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// The rules matrix's records of the office PC's collections (issue 19): a
// clock mark and an emergency pad with one sheet, none reachable through the
// record API (their routes decide).

func addOfficePCRecords(t *testing.T, app core.App, f *rulesFixture) {
	t.Helper()
	save := func(col string, fields map[string]any) string {
		c, err := app.FindCollectionByNameOrId(col)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Load(fields)
		if err := app.Save(r); err != nil {
			t.Fatalf("save %s: %v", col, err)
		}
		return r.Id
	}
	f.ids[base.ColClockMarks] = save(base.ColClockMarks, map[string]any{"kind": "confirmed", "at": time.Now(), "by_name": "rules"})
	f.ids[base.ColEmergencyPads] = save(base.ColEmergencyPads, map[string]any{"number": 1, "day": "260302", "range_from": 10, "range_to": 10, "printed_at": time.Now()})
	f.ids[base.ColEmergencySheets] = save(base.ColEmergencySheets, map[string]any{"pad": f.ids[base.ColEmergencyPads], "number": 1,
		"code": "000.00.00.H00-260302-0010", "lookup_key": "abcdefghjkmn", "state": "unused"})
}

func officePCCreateBodies(f *rulesFixture) map[string]map[string]any {
	return map[string]map[string]any{
		base.ColClockMarks:    {"kind": "reset", "at": "2026-03-02 09:00:00.000Z", "ignore_to": "2027-03-02 09:00:00.000Z"},
		base.ColEmergencyPads: {"number": 2, "day": "260303", "range_from": 1, "range_to": 20, "printed_at": "2026-03-03 09:00:00.000Z"},
		base.ColEmergencySheets: {"pad": f.ids[base.ColEmergencyPads], "number": 2, "code": "000.00.00.H00-260302-0011",
			"lookup_key": "forgedforged", "state": "unused"},
	}
}

// officePCSuperuserOnly have no API rules at all: PocketBase answers 403 for
// them, as for dossier_sequences (nothing to hide: every record is closed).
var officePCSuperuserOnly = map[string]bool{base.ColClockMarks: true, base.ColEmergencyPads: true, base.ColEmergencySheets: true}

func init() {
	updateBodies[base.ColClockMarks] = `{"at":"2030-01-01 00:00:00.000Z"}`
	updateBodies[base.ColEmergencyPads] = `{"note":"đổi"}`
	updateBodies[base.ColEmergencySheets] = `{"state":"used"}`
}
