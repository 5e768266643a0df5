package queue

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
)

// callNextRequest is the body of POST /api/motcua/queue/call-next.
type callNextRequest struct {
	Counter string `json:"counter"`
}

// ticketRequest is the body of the actions on one ticket.
type ticketRequest struct {
	Ticket string `json:"ticket"`
	Group  string `json:"group"` // transfer only: the group to send the ticket to
}

// callNextAttempts bounds the retries when another counter took the picked
// ticket first. With SQLite's single writer that cannot happen inside one
// transaction; the conditional UPDATE is the proof, the loop the fallback.
const callNextAttempts = 5

// handleCallNext calls the next ticket for a counter: priority first, then first
// come first served, over the groups the counter serves, today only. Picking and
// marking happen in one transaction with a conditional UPDATE, so two counters
// calling at the same instant never get the same ticket. A counter that still
// has a called or serving ticket must finish it (or mark a no-show) first.
func handleCallNext(e *core.RequestEvent) error {
	var body callNextRequest
	if err := e.BindBody(&body); err != nil || body.Counter == "" {
		return base.FieldErrors(map[string]string{"counter": "queue.counter_required"})
	}
	var called *domain.Ticket
	err := sqlitex.InWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		// The clock is read once the transaction holds the writer, so call
		// times follow the order the calls were made in.
		now := time.Now()
		counter, err := tx.FindRecordById(base.ColCounters, body.Counter)
		if err != nil || !counter.GetBool("active") {
			return base.KeyedError(http.StatusNotFound, "queue.counter_not_found")
		}
		if cur, err := currentTicket(tx, counter.Id); err != nil {
			return err
		} else if cur != nil {
			return base.KeyedError(http.StatusConflict, "queue.counter_busy", "code", cur.Code())
		}
		groups := counter.GetStringSlice("groups")
		if len(groups) == 0 {
			return base.KeyedError(http.StatusNotFound, "queue.none_waiting")
		}
		at, _ := types.ParseDateTime(now)
		route := newRouting(tx, e.Auth, now)
		for range callNextAttempts {
			// Pick and mark in one statement; the status condition makes a
			// ticket another counter already took match no row.
			var id string
			err := tx.DB().NewQuery("UPDATE tickets SET status = 'called', counter = {:counter}, called_at = {:at}" +
				" WHERE status = 'waiting' AND id = (SELECT id FROM tickets WHERE status = 'waiting' AND day = {:day}" +
				" AND [[group]] IN (SELECT value FROM json_each({:groups}))" + eligibleSQL +
				" ORDER BY priority DESC, issued_at ASC, number ASC LIMIT 1) RETURNING id").
				Bind(route.bind(dbx.Params{"counter": counter.Id, "at": at.String(), "day": domain.QueueDay(now), "groups": jsonList(groups)})).Row(&id)
			if errors.Is(err, sql.ErrNoRows) {
				if n, _ := countWaiting(tx, domain.QueueDay(now), groups, route); n > 0 {
					continue // taken by another counter between pick and mark: pick again
				}
				return route.noneWaiting(tx, domain.QueueDay(now), groups, now)
			}
			if err != nil {
				return fmt.Errorf("call next: %w", err)
			}
			t, err := domain.FindTicket(tx, id)
			if err != nil {
				return err
			}
			// Save the rest through the record so realtime tells the displays.
			// Every value is set here from checked records: no validation pass
			// (it would look up each relation again inside the busy writer).
			t.Set("called_by", staffID(e.Auth))
			t.Set("called_languages", route.declared)
			t.Set("wait_seconds", secondsBetween(t.GetDateTime("issued_at").Time(), now))
			if err := tx.SaveNoValidate(t.Record); err != nil {
				return fmt.Errorf("save called ticket: %w", err)
			}
			called = t
			return nil
		}
		return base.KeyedError(http.StatusConflict, "queue.call_retry")
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, called.PublicExport())
}

// jsonList encodes ids as a JSON array for json_each, so a list is one bound
// parameter rather than SQL built from strings.
func jsonList(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// countWaiting counts today's waiting tickets in the groups that the routing
// lets the counter call.
func countWaiting(app core.App, day string, groups []string, route routing) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND day = {:day}" +
		" AND [[group]] IN (SELECT value FROM json_each({:groups}))" + eligibleSQL).
		Bind(route.bind(dbx.Params{"day": day, "groups": jsonList(groups)})).Row(&n)
	return n, err
}

// staffID is the staff record id of the caller, empty for a superuser.
func staffID(auth *core.Record) string {
	if auth != nil && auth.Collection().Name == base.ColStaff {
		return auth.Id
	}
	return ""
}

func secondsBetween(a, b time.Time) int {
	if a.IsZero() || b.Before(a) {
		return 0
	}
	return int(b.Sub(a) / time.Second)
}

// currentTicket is the ticket a counter has called or is serving, or nil.
func currentTicket(app core.App, counterID string) (*domain.Ticket, error) {
	recs, err := app.FindRecordsByFilter(base.ColTickets, "counter = {:c} && (status = 'called' || status = 'serving')",
		"-called_at", 1, 0, dbx.Params{"c": counterID})
	if err != nil {
		return nil, fmt.Errorf("current ticket of counter: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return &domain.Ticket{Record: recs[0]}, nil
}

// ticketAction changes one ticket in a transaction after checking its status is
// one of from; a ticket in another state answers 409 with its code and state.
func ticketAction(e *core.RequestEvent, from []string, change func(tx core.App, t *domain.Ticket, body ticketRequest, now time.Time) (*domain.Ticket, error)) error {
	var body ticketRequest
	if err := e.BindBody(&body); err != nil || body.Ticket == "" {
		return base.FieldErrors(map[string]string{"ticket": "queue.ticket_required"})
	}
	return ticketActionOn(e, body.Ticket, from, func(tx core.App, t *domain.Ticket, now time.Time) (*domain.Ticket, error) {
		return change(tx, t, body, now)
	})
}

// ticketActionOn is ticketAction for a ticket id read from any body.
func ticketActionOn(e *core.RequestEvent, id string, from []string, change func(tx core.App, t *domain.Ticket, now time.Time) (*domain.Ticket, error)) error {
	var out *domain.Ticket
	err := sqlitex.InWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		now := time.Now()
		t, err := domain.FindTicket(tx, id)
		if err != nil {
			return base.KeyedError(http.StatusNotFound, "queue.ticket_not_found")
		}
		ok := false
		for _, s := range from {
			ok = ok || t.Status() == s
		}
		if !ok {
			return wrongState(t)
		}
		out, err = change(tx, t, now)
		return err
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, out.PublicExport())
}

// wrongState is the keyed 409 for an action a ticket's status does not allow.
func wrongState(t *domain.Ticket) error {
	st := t.Status()
	apiErr := base.KeyedError(http.StatusConflict, "queue.wrong_state", "code", t.Code(), "status", i18n.T("vi", "ticket_status."+st))
	// The status word in each language, not the Vietnamese one everywhere.
	apiErr.Data["km"] = i18n.T("km", "queue.wrong_state", "code", t.Code(), "status", i18n.T("km", "ticket_status."+st))
	apiErr.Data["en"] = i18n.T("en", "queue.wrong_state", "code", t.Code(), "status", i18n.T("en", "ticket_status."+st))
	apiErr.Data["status"] = st
	return apiErr
}

func saveTicket(tx core.App, t *domain.Ticket) (*domain.Ticket, error) {
	// Save the record itself, not the proxy: only a *core.Record gets the
	// field validators, the record hooks and the realtime broadcast.
	if err := tx.Save(t.Record); err != nil {
		return nil, fmt.Errorf("save ticket %s: %w", t.Code(), err)
	}
	return t, nil
}

// handleRecall calls the same ticket again (the display chimes and speaks again).
func handleRecall(e *core.RequestEvent) error {
	return ticketAction(e, []string{domain.TicketCalled}, func(tx core.App, t *domain.Ticket, _ ticketRequest, _ time.Time) (*domain.Ticket, error) {
		t.Set("recalls", t.GetInt("recalls")+1)
		return saveTicket(tx, t)
	})
}

// handleServe marks that the citizen came to the counter (before an intake).
func handleServe(e *core.RequestEvent) error {
	return ticketAction(e, []string{domain.TicketCalled}, func(tx core.App, t *domain.Ticket, _ ticketRequest, now time.Time) (*domain.Ticket, error) {
		t.Set("status", domain.TicketServing)
		t.Set("served_at", now)
		return saveTicket(tx, t)
	})
}

// handleNoShow closes a called ticket whose holder did not come.
func handleNoShow(e *core.RequestEvent) error {
	return ticketAction(e, []string{domain.TicketCalled}, func(tx core.App, t *domain.Ticket, _ ticketRequest, now time.Time) (*domain.Ticket, error) {
		t.Set("status", domain.TicketNoShow)
		t.Set("finished_at", now)
		return saveTicket(tx, t)
	})
}

// handleFinish closes a called or serving ticket and keeps its service time.
func handleFinish(e *core.RequestEvent) error {
	return ticketAction(e, []string{domain.TicketCalled, domain.TicketServing}, func(tx core.App, t *domain.Ticket, _ ticketRequest, now time.Time) (*domain.Ticket, error) {
		finish(t, domain.TicketDone, now)
		return saveTicket(tx, t)
	})
}

func finish(t *domain.Ticket, status string, now time.Time) {
	t.Set("status", status)
	t.Set("finished_at", now)
	t.Set("service_seconds", secondsBetween(t.GetDateTime("called_at").Time(), now))
}

// handleTransfer sends a called or serving ticket to another group: the ticket
// is closed as transferred and a copy with the same printed code waits in the
// other group's queue (the citizen keeps the slip they hold), in issue order
// from the moment of the transfer, keeping its priority. The answer is the copy.
func handleTransfer(e *core.RequestEvent) error {
	return ticketAction(e, []string{domain.TicketCalled, domain.TicketServing}, func(tx core.App, t *domain.Ticket, body ticketRequest, now time.Time) (*domain.Ticket, error) {
		if body.Group == "" {
			return nil, base.FieldErrors(map[string]string{"group": "queue.group_required"})
		}
		group, err := findServiceGroup(tx, body.Group)
		if err != nil {
			return nil, err
		}
		if group.Id == t.GetString("group") {
			return nil, base.KeyedError(http.StatusBadRequest, "queue.transfer_same_group")
		}
		finish(t, domain.TicketTransferred, now)
		if _, err := saveTicket(tx, t); err != nil {
			return nil, err
		}
		col, err := tx.FindCachedCollectionByNameOrId(base.ColTickets)
		if err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
		c := core.NewRecord(col)
		for _, f := range []string{"letter", "number", "code", "priority", "priority_reason", "language"} {
			c.Set(f, t.Get(f))
		}
		c.Set("group", group.Id)
		c.Set("status", domain.TicketWaiting)
		c.Set("day", domain.QueueDay(now))
		c.Set("issued_at", now)
		c.Set("transferred_from", t.Id)
		return saveTicket(tx, &domain.Ticket{Record: c})
	})
}
