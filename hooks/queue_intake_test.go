package hooks

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestIntakeLinksCalledTicket: an intake started from a called queue ticket
// (the counter page opens /intake.html?ticket=<id>) is saved with that ticket, so
// waiting time and the dossier can be reported together; a ticket id that does
// not exist is refused and nothing is saved.
func TestIntakeLinksCalledTicket(t *testing.T) {
	app := newTestApp(t)
	defer app.Cleanup()
	openAllDay(t, app)
	reception := makeStaff(t, app, roleReception, "link.reception")
	mux := newMux(t, app)
	ticket := issueTicket(t, mux, reception.Token, groupID(t, app, "A"), false)
	proc := procByCode(t, app, "1.001193")

	res := do(mux, http.MethodPost, dossiersURL, reception.Token, intakeBody(proc.Id, map[string]any{"ticket": ticket.ID}))
	if res.Code != http.StatusOK {
		t.Fatalf("intake with ticket: %d %s", res.Code, res.Body.String())
	}
	var d struct{ ID, Ticket string }
	if err := json.Unmarshal(res.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	saved, err := FindDossier(app, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.GetString("ticket") != ticket.ID {
		t.Errorf("dossier.ticket = %q, want %q", saved.GetString("ticket"), ticket.ID)
	}

	before, _ := app.CountRecords(colDossiers)
	res = do(mux, http.MethodPost, dossiersURL, reception.Token, intakeBody(proc.Id, map[string]any{"ticket": "nosuchticket123"}))
	after, _ := app.CountRecords(colDossiers)
	if res.Code != http.StatusBadRequest || after != before {
		t.Errorf("unknown ticket: status %d, dossiers %d→%d; want 400 and nothing saved", res.Code, before, after)
	}
}
