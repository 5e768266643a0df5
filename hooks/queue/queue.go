package queue

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/web"
)

// priorityReasons are the people a priority ticket is for.
var priorityReasons = map[string]bool{"elderly": true, "disability": true, "pregnant": true, "small_children": true}

// requireQueueClient lets through superusers, signed-in staff and the device
// kinds given; guests get 401 and other devices 403, keyed like requireStaff.
func requireQueueClient(kinds ...string) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if e.Auth == nil {
			return base.KeyedError(http.StatusUnauthorized, "error.sign_in_required")
		}
		switch {
		case e.Auth.IsSuperuser(), e.Auth.Collection().Name == base.ColStaff:
			return e.Next()
		case e.Auth.Collection().Name == base.ColDevices:
			for _, k := range kinds {
				if e.Auth.GetString("kind") == k {
					return e.Next()
				}
			}
		}
		return base.KeyedError(http.StatusForbidden, "error.role_forbidden")
	}
}

// bindQueueRoutes serves the queue API and the lobby pages /kiosk and /display.
func bindQueueRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/motcua/queue")
	g.POST("/tickets", handleIssueTicket).BindFunc(requireQueueClient(domain.DeviceKiosk))
	g.GET("/board", handleQueueBoard).BindFunc(requireQueueClient(domain.DeviceKiosk, domain.DeviceDisplay))
	counter := base.RequireStaff(base.RoleReception, base.RoleLeader)
	g.POST("/call-next", handleCallNext).BindFunc(counter)
	g.POST("/recall", handleRecall).BindFunc(counter)
	g.POST("/serve", handleServe).BindFunc(counter)
	g.POST("/no-show", handleNoShow).BindFunc(counter)
	g.POST("/finish", handleFinish).BindFunc(counter)
	g.POST("/transfer", handleTransfer).BindFunc(counter)
	g.POST("/language", handleSetLanguage).BindFunc(counter)
	g.GET("/figures", handleQueueFigures).BindFunc(base.RequireStaff(base.RoleLeader, base.RoleReception))

	for path, file := range map[string]string{"/kiosk": "kiosk.html", "/display": "display.html"} {
		se.Router.GET(path, web.StaticPage(se.App, file))
	}
	startQueueHeartbeat(se.App)
	return nil
}

// issueRequest is the body of POST /api/motcua/queue/tickets.
type issueRequest struct {
	Group          string `json:"group"` // record id or letter
	Priority       bool   `json:"priority"`
	PriorityReason string `json:"priority_reason"`
	Language       string `json:"language"` // vi or km, asked first at the kiosk; may be empty
}

// handleIssueTicket gives the next number of a group for today, refuses outside
// reception sessions, and answers the ticket with the people waiting ahead and
// an estimated wait for the printed slip.
func handleIssueTicket(e *core.RequestEvent) error {
	var body issueRequest
	if err := e.BindBody(&body); err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	if body.Group == "" {
		return base.FieldErrors(map[string]string{"group": "queue.group_required"})
	}
	if body.PriorityReason != "" && !priorityReasons[body.PriorityReason] {
		return base.FieldErrors(map[string]string{"priority_reason": "queue.priority_reason_invalid"})
	}
	if err := checkLanguage(body.Language, true); err != nil {
		return err
	}
	now := base.Now(e.App)
	// A wrong PC clock would number the ticket under the wrong day.
	if err := domain.CheckClock(e.App, now); err != nil {
		return err
	}
	if err := checkReceptionOpen(e.App, now); err != nil {
		return err
	}
	var ticket *domain.Ticket
	var group *core.Record
	ahead := 0
	err := sqlitex.InWriteOrder(e.Request.Context(), e.App, func(tx core.App) error {
		// Issue times follow the numbers: read the clock holding the writer.
		now = base.Now(e.App)
		var err error
		group, err = findServiceGroup(tx, body.Group)
		if err != nil {
			return err
		}
		ticket, err = newTicket(tx, group, now, body.Priority, body.PriorityReason, body.Language)
		if err != nil {
			return err
		}
		ahead, err = waitingAhead(tx, ticket)
		return err
	})
	if err != nil {
		return err
	}
	minutes, err := estimateWaitMinutes(e.App, group.Id, ahead, now)
	if err != nil {
		return err
	}
	out := ticket.PublicExport()
	out["ahead"] = ahead
	out["estimated_wait_minutes"] = minutes
	out["group_name_vi"] = group.GetString("name_vi")
	out["group_name_km"] = group.GetString("name_km")
	return e.JSON(http.StatusOK, out)
}

// findServiceGroup finds an active group by record id or by letter.
func findServiceGroup(app core.App, idOrLetter string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter(base.ColServiceGroups, "(id = {:v} || letter = {:v}) && active = true", dbx.Params{"v": idOrLetter})
	if err != nil {
		return nil, base.KeyedError(http.StatusNotFound, "queue.group_not_found")
	}
	return r, nil
}

// newTicket saves the next ticket of group for the day of now. Call it inside a
// transaction: SQLite's single writer makes the MAX(number)+1 safe, and the
// unique index (day, group, number) would refuse a duplicate anyway.
func newTicket(tx core.App, group *core.Record, now time.Time, priority bool, reason, lang string) (*domain.Ticket, error) {
	day := domain.QueueDay(now)
	var last int
	err := tx.DB().NewQuery("SELECT COALESCE(MAX(number), 0) FROM tickets WHERE day = {:day} AND [[group]] = {:group} AND transferred_from = ''").
		Bind(dbx.Params{"day": day, "group": group.Id}).Row(&last)
	if err != nil {
		return nil, fmt.Errorf("last ticket number: %w", err)
	}
	col, err := tx.FindCachedCollectionByNameOrId(base.ColTickets)
	if err != nil {
		return nil, fmt.Errorf("new ticket: %w", err)
	}
	letter := group.GetString("letter")
	r := core.NewRecord(col)
	r.Set("group", group.Id)
	r.Set("letter", letter)
	r.Set("number", last+1)
	r.Set("code", domain.TicketCode(letter, last+1))
	r.Set("priority", priority)
	if priority {
		r.Set("priority_reason", reason)
	}
	r.Set("language", lang)
	r.Set("status", domain.TicketWaiting)
	r.Set("day", day)
	r.Set("issued_at", now)
	if err := tx.Save(r); err != nil {
		return nil, fmt.Errorf("save ticket: %w", err)
	}
	return &domain.Ticket{Record: r}, nil
}

// waitingAhead counts the waiting tickets of the same group that a counter will
// call before t: every priority ticket issued earlier, and for an ordinary
// ticket also every ordinary one issued earlier.
func waitingAhead(app core.App, t *domain.Ticket) (int, error) {
	var n int
	q := "SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND day = {:day} AND [[group]] = {:group} AND id != {:id}" +
		" AND (priority = TRUE OR (priority = {:prio} AND issued_at <= {:at}))"
	if t.GetBool("priority") {
		q = "SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND day = {:day} AND [[group]] = {:group} AND id != {:id}" +
			" AND priority = TRUE AND issued_at <= {:at}"
	}
	err := app.DB().NewQuery(q).Bind(dbx.Params{
		"day": t.GetString("day"), "group": t.GetString("group"), "id": t.Id,
		"prio": t.GetBool("priority"), "at": t.GetDateTime("issued_at").String(),
	}).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("count waiting ahead: %w", err)
	}
	return n, nil
}

// Estimator settings: see estimateWaitMinutes.
const (
	estimateSamples        = 20
	estimateWindow         = 14 * 24 * time.Hour
	estimateMinSamples     = 3
	estimateDefaultService = 6 * time.Minute
)

// estimateWaitMinutes guesses how long someone with ahead people before them
// waits: ahead × the group's mean service time ÷ the counters serving the group.
// The mean is over the group's last 20 finished tickets of the past 14 days
// (6 minutes until there are 3 of them); the counters are the active ones whose
// groups include this group (at least 1). Rounded up to whole minutes. It is a
// guide for the printed slip, not a promise: a counter serving several groups
// shares its time, and a transfer or a long dossier upsets it.
func estimateWaitMinutes(app core.App, groupID string, ahead int, now time.Time) (int, error) {
	if ahead <= 0 {
		return 0, nil
	}
	var stats struct {
		N    int     `db:"n"`
		Mean float64 `db:"mean"`
	}
	from := now.Add(-estimateWindow)
	since, _ := types.ParseDateTime(from)
	// The day bound lets the (status, day, …) index skip years of done tickets:
	// without it the kiosk walked every one (270 ms at a million).
	sinceDay := from.In(base.Zone).AddDate(0, 0, -1).Format("2006-01-02")
	err := app.DB().NewQuery("SELECT COUNT(*) AS n, COALESCE(AVG(service_seconds), 0) AS mean FROM (" +
		"SELECT service_seconds FROM tickets WHERE status = 'done' AND day >= {:sinceDay} AND [[group]] = {:group}" +
		" AND finished_at >= {:since} ORDER BY finished_at DESC LIMIT {:limit})").
		Bind(dbx.Params{"group": groupID, "since": since.String(), "sinceDay": sinceDay, "limit": estimateSamples}).One(&stats)
	if err != nil {
		return 0, fmt.Errorf("recent service times: %w", err)
	}
	mean := estimateDefaultService.Seconds()
	if stats.N >= estimateMinSamples {
		mean = stats.Mean
	}
	var counters int
	err = app.DB().NewQuery("SELECT COUNT(*) FROM counters c, json_each(c.groups) g WHERE c.active = TRUE AND g.value = {:group}").
		Bind(dbx.Params{"group": groupID}).Row(&counters)
	if err != nil {
		return 0, fmt.Errorf("counters of group: %w", err)
	}
	counters = max(counters, 1)
	return int(math.Ceil(float64(ahead) * mean / float64(counters) / 60)), nil
}

// checkReceptionOpen refuses a ticket outside today's reception sessions (and on
// holidays), with the hours of today and the next opening in the message.
func checkReceptionOpen(app core.App, now time.Time) error {
	cal, err := domain.LoadCalendar(app)
	if err != nil {
		return fmt.Errorf("load calendar: %w", err)
	}
	open, hours := sessionsNow(cal, now)
	if open {
		return nil
	}
	next := cal.NextOpen(now)
	nextText := ""
	if next.After(now) {
		nextText = next.In(base.Zone).Format("02/01 15:04")
	}
	apiErr := base.KeyedError(http.StatusConflict, "queue.closed", "hours", hoursText(hours), "next", nextText)
	apiErr.Data["hours"] = hours
	apiErr.Data["next_open"] = ""
	if nextText != "" {
		apiErr.Data["next_open"] = next.UTC().Format(time.RFC3339)
	}
	return apiErr
}

// sessionsNow tells whether now is inside one of today's sessions and lists
// today's sessions as "07:00–11:30".
func sessionsNow(cal *calendar.Calendar, now time.Time) (bool, []string) {
	local := now.In(base.Zone)
	today := calendar.DateOf(now, base.Zone)
	clock := calendar.Clock(local.Hour()*60 + local.Minute())
	open := false
	var hours []string
	for _, s := range cal.SessionsOn(today) {
		hours = append(hours, s.Start.String()+"–"+s.End.String())
		if s.Start <= clock && clock < s.End {
			open = true
		}
	}
	return open, hours
}

// hoursText joins today's sessions for a message; "—" when closed all day.
func hoursText(hours []string) string {
	if len(hours) == 0 {
		return "—"
	}
	return strings.Join(hours, ", ")
}
