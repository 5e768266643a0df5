package intake

import (
	"net/http"
	"strings"
	"testing"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestReceiptPaperAndPlace: the receipt carries the paper it prints on by
// default (the office's A4 or A5; a mobile team's roll), the office's place
// name on its date line once set (in Vietnamese and Khmer), and its times day
// first, as forms 02–06 write them.
func TestReceiptPaperAndPlace(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	clerk := testkit.MakeStaff(t, app, base.RoleReception, "rp.reception")
	team := testkit.MakeStaff(t, app, base.RoleField, "rp.field")
	receipt := func(d *domain.Dossier) string {
		t.Helper()
		res := testkit.Do(mux, http.MethodGet, "/api/motcua/dossiers/"+d.Id+"/receipt", clerk.Token, "")
		if res.Code != http.StatusOK {
			t.Fatalf("receipt: %d %s", res.Code, res.Body.String())
		}
		return res.Body.String()
	}
	d := testkit.IntakeOne(t, app, mux, clerk.Token)
	rec := d.ReceivedAt().In(base.Zone)
	dateOnly := i18n.T("vi", "receipt.date", "d", rec.Format("02"), "m", rec.Format("01"), "y", rec.Format("2006"))
	body := receipt(d)
	for _, want := range []string{`data-paper="a4"`, ">" + dateOnly + "<", domain.TimeText(d.ReceivedAt()), domain.TimeText(d.DueAt()),
		rec.Format("02/01/2006 15:04")} {
		if !strings.Contains(body, want) {
			t.Errorf("receipt of a new office lacks %q", want)
		}
	}

	office, _ := domain.FindOffice(app)
	office.Set("receipt_paper", "a5")
	office.Set("place_vi", "Mỹ Hương")
	office.Set("place_km", "មីហឿង")
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	body = receipt(d)
	args := []any{"d", rec.Format("02"), "m", rec.Format("01"), "y", rec.Format("2006")}
	for _, want := range []string{`data-paper="a5"`,
		i18n.T("vi", "print.place_date", append([]any{"place", "Mỹ Hương"}, args...)...),
		i18n.T("km", "print.place_date", append([]any{"place", "មីហឿង"}, args...)...),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("receipt with the office's A5 and place lacks %q", want)
		}
	}
	// A mobile team's dossier goes to the team's roll whatever the office chose.
	if body := receipt(testkit.IntakeOne(t, app, mux, team.Token)); !strings.Contains(body, `data-paper="roll"`) {
		t.Error("a mobile team's receipt is not set for the roll")
	}
}
