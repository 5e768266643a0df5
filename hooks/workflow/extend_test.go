package workflow

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// workingDayAfter is from plus d, moved on a day at a time (for at most a
// month) to a day the office works, so a test's new due date is one the
// extend action accepts.
func workingDayAfter(app core.App, from time.Time, d time.Duration) time.Time {
	at := from.Add(d)
	for range 31 {
		if ok, err := domain.IsWorkingDay(app, at); err != nil || ok {
			return at
		}
		at = at.Add(24 * time.Hour)
	}
	return at
}

// TestExtendRefusesDayOff: a new due date on a weekend or a holiday is refused
// with a keyed message in Vietnamese and Khmer, and the dossier is unchanged;
// the next working day is accepted.
func TestExtendRefusesDayOff(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	setNow(f.app, time.Date(2026, 3, 2, 9, 0, 0, 0, base.Zone)) // a Monday
	for _, c := range []struct {
		name string
		due  time.Time
	}{
		{"Saturday", time.Date(2026, 3, 21, 10, 0, 0, 0, base.Zone)},
		{"Sunday", time.Date(2026, 3, 22, 10, 0, 0, 0, base.Zone)},
		{"Reunification Day (30/4, a Thursday)", time.Date(2026, 4, 30, 10, 0, 0, 0, base.Zone)},
	} {
		d := f.dossierIn(t, domain.StatusProcessing)
		body, _ := json.Marshal(map[string]string{"new_due_at": c.due.Format(time.RFC3339), "reason": "Cần xác minh thêm"})
		res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/extend", f.tokens["leader"], string(body))
		var got struct {
			Data map[string]struct {
				Code, Message string
				MessageKM     string `json:"message_km"`
			} `json:"data"`
		}
		_ = json.Unmarshal(res.Body.Bytes(), &got)
		e := got.Data["new_due_at"]
		if res.Code != http.StatusBadRequest || e.Code != "error.new_due_not_working_day" ||
			e.Message != i18n.T("vi", e.Code) || e.MessageKM != i18n.T("km", e.Code) || !khmer(e.MessageKM) {
			t.Errorf("extend to a %s: %d %s", c.name, res.Code, res.Body.String())
		}
		if after, _ := domain.FindDossier(f.app, d.Id); !after.DueAt().Equal(d.DueAt()) || !after.GetDateTime("extended_at").IsZero() {
			t.Errorf("extend to a %s changed the dossier: due %v", c.name, after.DueAt())
		}
	}
	d := f.dossierIn(t, domain.StatusProcessing)
	monday := time.Date(2026, 3, 23, 10, 0, 0, 0, base.Zone)
	res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/extend", f.tokens["leader"],
		`{"new_due_at":"`+monday.Format(time.RFC3339)+`","reason":"Cần xác minh thêm"}`)
	if res.Code != http.StatusOK {
		t.Errorf("extend to a Monday: %d %s", res.Code, res.Body.String())
	}
}

func khmer(s string) bool {
	for _, r := range s {
		if r >= 0x1780 && r <= 0x17FF {
			return true
		}
	}
	return false
}
