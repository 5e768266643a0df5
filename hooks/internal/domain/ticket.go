package domain

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Ticket statuses (tickets.status).
const (
	TicketWaiting     = "waiting"
	TicketCalled      = "called"
	TicketServing     = "serving"
	TicketDone        = "done"
	TicketNoShow      = "no_show"
	TicketTransferred = "transferred"
)

// Ticket is the typed view of a tickets record.
type Ticket struct{ *core.Record }

// Code is the number printed and called, such as "A012".
func (t *Ticket) Code() string { return t.GetString("code") }

// Status is one of the Ticket… statuses.
func (t *Ticket) Status() string { return t.GetString("status") }

// FindTicket returns the ticket with the given record id.
func FindTicket(app core.App, id string) (*Ticket, error) {
	r, err := app.FindRecordById(base.ColTickets, id)
	if err != nil {
		return nil, fmt.Errorf("find ticket %s: %w", id, err)
	}
	return &Ticket{r}, nil
}

// QueueDay is the office's civil date of t as "2006-01-02": ticket numbers
// restart every day per group, on the Vietnamese calendar whatever the PC says.
func QueueDay(t time.Time) string { return t.In(base.Zone).Format(time.DateOnly) }

// TicketCode is the printed code: the group letter and the number, three
// digits at least ("A007", "B1024"). The bulk generator writes the same.
func TicketCode(letter string, n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return letter + s
}

// Device kinds (devices.kind): a kiosk issues tickets, a display only watches.
const (
	DeviceKiosk   = "kiosk"
	DeviceDisplay = "display"
)
