package queue

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Routing by language. A counter calls, among the waiting tickets of its
// groups, those it can serve: tickets in a language its officer serves,
// tickets with no language (issued before languages were asked), and any
// ticket that has waited longer than the office's language wait (10 minutes
// unless set), so nobody waits for ever for a Khmer-speaking officer who is
// out. Among those, priority first, then first come, as before. A ticket in
// another language that has not waited that long is left for a counter that
// speaks it, even when this counter is idle: the office chose to have Khmer
// speakers served in Khmer, and the wait bounds what that costs them.
//
// An officer who declared no language (staff.serves_languages empty) calls
// every language: an office that has not set languages keeps the queue it had.

// routing is one call's language rule: what the caller serves and from when a
// ticket goes to any counter.
type routing struct {
	langs    []string  // languages called at once (every one for an undeclared officer)
	declared []string  // the officer's declared languages, kept on the ticket
	overdue  time.Time // tickets issued at or before this go to any counter
	wait     time.Duration
}

// newRouting reads the caller's languages and the office's wait as of now.
func newRouting(app core.App, auth *core.Record, now time.Time) routing {
	r := routing{declared: domain.ServesLanguages(auth), wait: domain.LanguageWait(app)}
	r.langs = r.declared
	if len(r.langs) == 0 {
		r.langs = domain.TicketLanguages
	}
	r.overdue = now.Add(-r.wait)
	return r
}

// eligibleSQL narrows a query on tickets to those the counter may call now.
const eligibleSQL = " AND (language = '' OR language IN (SELECT value FROM json_each({:langs})) OR issued_at <= {:overdue})"

// bind adds the routing's parameters to p.
func (r routing) bind(p dbx.Params) dbx.Params {
	p["langs"] = jsonList(r.langs)
	p["overdue"] = base.DBTime(r.overdue)
	return p
}

// noneWaiting is the 404 of a call that found nothing to call: plain when the
// groups are empty; else saying the rest wait for another language's counter,
// with how many (data.waiting_other_language) and in how many minutes the
// first of them comes to any counter (data.minutes). The message itself has no
// numbers, so pages that translate it by key alone say it right; the counter
// page shows the numbers from the board.
func (r routing) noneWaiting(app core.App, day string, groups []string, now time.Time) error {
	var left struct {
		N      int    `db:"n"`
		Oldest string `db:"oldest"`
	}
	err := app.DB().NewQuery("SELECT COUNT(*) AS n, COALESCE(MIN(issued_at), '') AS oldest FROM tickets WHERE status = 'waiting' AND day = {:day}" +
		" AND [[group]] IN (SELECT value FROM json_each({:groups}))").
		Bind(dbx.Params{"day": day, "groups": jsonList(groups)}).One(&left)
	if err != nil {
		return fmt.Errorf("tickets left for other languages: %w", err)
	}
	if left.N == 0 {
		return base.KeyedError(http.StatusNotFound, "queue.none_waiting")
	}
	oldest, err := time.Parse("2006-01-02 15:04:05.000Z", left.Oldest)
	minutes := int(math.Ceil(r.wait.Minutes()))
	if err == nil {
		minutes = max(1, int(math.Ceil(oldest.Add(r.wait).Sub(now).Minutes())))
	}
	apiErr := base.KeyedError(http.StatusNotFound, "queue.none_waiting_language")
	apiErr.Data["waiting_other_language"] = left.N
	apiErr.Data["minutes"] = minutes
	return apiErr
}

// checkLanguage accepts a ticket language or nothing (when optional).
func checkLanguage(lang string, optional bool) error {
	if lang == "" && optional || domain.ValidTicketLanguage(lang) {
		return nil
	}
	return base.FieldErrors(map[string]string{"language": "queue.language_invalid"})
}

// languageRequest is the body of POST /api/motcua/queue/language.
type languageRequest struct {
	Ticket   string `json:"ticket"`
	Language string `json:"language"`
}

// handleSetLanguage changes a ticket's language when the citizen asks at the
// counter (or the kiosk's choice was wrong). A waiting ticket is then routed
// by the new language; a called one is called again in it by the TV on a
// recall.
func handleSetLanguage(e *core.RequestEvent) error {
	var body languageRequest
	if err := e.BindBody(&body); err != nil || body.Ticket == "" {
		return base.FieldErrors(map[string]string{"ticket": "queue.ticket_required"})
	}
	if err := checkLanguage(body.Language, false); err != nil {
		return err
	}
	return ticketActionOn(e, body.Ticket, []string{domain.TicketWaiting, domain.TicketCalled, domain.TicketServing},
		func(tx core.App, t *domain.Ticket, _ time.Time) (*domain.Ticket, error) {
			t.Set("language", body.Language)
			return saveTicket(tx, t)
		})
}
