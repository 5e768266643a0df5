package intake

import (
	"encoding/json"
	"net/http"
	"testing"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestIntakeLinksCalledTicket: an intake started from a called queue ticket
// (the counter page opens /intake.html?ticket=<id>) is saved with that ticket, so
// waiting time and the dossier can be reported together; a ticket id that does
// not exist is refused and nothing is saved.
func TestIntakeLinksCalledTicket(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	reception := testkit.MakeStaff(t, app, base.RoleReception, "link.reception")
	mux := testkit.NewMux(t, app)
	ticket := testkit.IssueTicket(t, mux, reception.Token, testkit.GroupID(t, app, "A"), false)
	proc := testkit.ProcByCode(t, app, "1.001193")

	res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, reception.Token, testkit.IntakeBody(proc.Id, map[string]any{"ticket": ticket.ID}))
	if res.Code != http.StatusOK {
		t.Fatalf("intake with ticket: %d %s", res.Code, res.Body.String())
	}
	var d struct{ ID, Ticket string }
	if err := json.Unmarshal(res.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	saved, err := domain.FindDossier(app, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.GetString("ticket") != ticket.ID {
		t.Errorf("dossier.ticket = %q, want %q", saved.GetString("ticket"), ticket.ID)
	}

	before, _ := app.CountRecords(base.ColDossiers)
	res = testkit.Do(mux, http.MethodPost, testkit.DossiersURL, reception.Token, testkit.IntakeBody(proc.Id, map[string]any{"ticket": "nosuchticket123"}))
	after, _ := app.CountRecords(base.ColDossiers)
	if res.Code != http.StatusBadRequest || after != before {
		t.Errorf("unknown ticket: status %d, dossiers %d→%d; want 400 and nothing saved", res.Code, before, after)
	}
}
