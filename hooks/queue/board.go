package queue

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// lastCallsShown is how many recent calls the board lists.
const lastCallsShown = 8

// boardGroup is a service group with the tickets waiting in it today.
type boardGroup struct {
	ID      string `json:"id"`
	Letter  string `json:"letter"`
	NameVI  string `json:"name_vi"`
	NameKM  string `json:"name_km"`
	Waiting int    `json:"waiting"`
	// WaitingByLanguage splits Waiting by ticket language ("" for none).
	WaitingByLanguage map[string]int `json:"waiting_by_language"`
}

// boardCounter is a counter with the ticket it has called or is serving.
type boardCounter struct {
	ID      string         `json:"id"`
	Number  int            `json:"number"`
	Name    string         `json:"name"`
	Groups  []string       `json:"groups"`
	Current map[string]any `json:"current"`
}

// queueBoard is the whole state of today's queue in one answer: what the
// kiosk, the counter page and the display draw, and fetch again after a
// reconnect.
type queueBoard struct {
	Day       string           `json:"day"`
	Open      bool             `json:"open"`
	Hours     []string         `json:"hours"`
	NextOpen  string           `json:"next_open"`
	Groups    []boardGroup     `json:"groups"`
	Counters  []boardCounter   `json:"counters"`
	LastCalls []map[string]any `json:"last_calls"`
}

// handleQueueBoard answers GET /api/motcua/queue/board.
func handleQueueBoard(e *core.RequestEvent) error {
	b, err := loadQueueBoard(e.App, time.Now())
	if err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, b)
}

func loadQueueBoard(app core.App, now time.Time) (*queueBoard, error) {
	b := &queueBoard{Day: domain.QueueDay(now), Hours: []string{}, Groups: []boardGroup{}, Counters: []boardCounter{}, LastCalls: []map[string]any{}}
	cal, err := domain.LoadCalendar(app)
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	var hours []string
	b.Open, hours = sessionsNow(cal, now)
	b.Hours = append(b.Hours, hours...)
	if next := cal.NextOpen(now); !b.Open && next.After(now) {
		b.NextOpen = next.UTC().Format(time.RFC3339)
	}

	waiting := map[string]int{}
	byLang := map[string]map[string]int{}
	var rows []struct {
		Group string `db:"grp"`
		Lang  string `db:"language"`
		N     int    `db:"n"`
	}
	err = app.DB().NewQuery("SELECT [[group]] AS grp, language, COUNT(*) AS n FROM tickets WHERE status = 'waiting' AND day = {:day} GROUP BY [[group]], language").
		Bind(dbx.Params{"day": b.Day}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("count waiting: %w", err)
	}
	for _, r := range rows {
		waiting[r.Group] += r.N
		if byLang[r.Group] == nil {
			byLang[r.Group] = map[string]int{}
		}
		byLang[r.Group][r.Lang] = r.N
	}
	groups, err := app.FindRecordsByFilter(base.ColServiceGroups, "active = true", "letter", 0, 0)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	for _, g := range groups {
		if byLang[g.Id] == nil {
			byLang[g.Id] = map[string]int{}
		}
		b.Groups = append(b.Groups, boardGroup{ID: g.Id, Letter: g.GetString("letter"),
			NameVI: g.GetString("name_vi"), NameKM: g.GetString("name_km"), Waiting: waiting[g.Id], WaitingByLanguage: byLang[g.Id]})
	}

	counters, err := app.FindRecordsByFilter(base.ColCounters, "active = true", "number", 0, 0)
	if err != nil {
		return nil, fmt.Errorf("list counters: %w", err)
	}
	for _, c := range counters {
		bc := boardCounter{ID: c.Id, Number: c.GetInt("number"), Name: c.GetString("name"), Groups: c.GetStringSlice("groups")}
		cur, err := currentTicket(app, c.Id)
		if err != nil {
			return nil, err
		}
		if cur != nil {
			bc.Current = cur.PublicExport()
		}
		b.Counters = append(b.Counters, bc)
	}

	calls, err := app.FindRecordsByFilter(base.ColTickets, "day = {:day} && called_at != ''", "-called_at", lastCallsShown, 0, dbx.Params{"day": b.Day})
	if err != nil {
		return nil, fmt.Errorf("last calls: %w", err)
	}
	for _, t := range calls {
		b.LastCalls = append(b.LastCalls, t.PublicExport())
	}
	return b, nil
}

// heartbeatTopic is a realtime topic that carries nothing but a beat every
// heartbeatEvery, so a display can tell a live connection from a dead one
// (PocketBase itself sends nothing between records). It also keeps the
// connection from PocketBase's 5-minute idle cut; the 30-minute cut remains,
// and the display reconnects then.
const (
	heartbeatTopic = "motcua_heartbeat"
	heartbeatEvery = 25 * time.Second
)

// startQueueHeartbeat beats for every client subscribed to heartbeatTopic until
// the app terminates.
func startQueueHeartbeat(app core.App) {
	base.RunEvery(base.UntilTerminate(app), app, heartbeatEvery, "queue heartbeat", func() { beat(app, time.Now()) })
}

// beat sends one heartbeat. Send blocks until the connection takes the message,
// so each client gets its own goroutine; a discarded client returns at once.
func beat(app core.App, now time.Time) {
	msg := subscriptions.Message{Name: heartbeatTopic, Data: []byte(fmt.Sprintf(`{"at":%q}`, now.UTC().Format(time.RFC3339)))}
	for _, c := range app.SubscriptionsBroker().Clients() {
		if c.HasSubscription(heartbeatTopic) {
			go c.Send(msg)
		}
	}
}
