package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// OpenAllDay makes every day a working day from 00:00 to 24:00 with no
// holidays, so queue tests do not depend on the hour or the date they run at.
func OpenAllDay(t testing.TB, app core.App) {
	t.Helper()
	SetSessions(t, app, `[["00:00","24:00"]]`)
	if _, err := app.DB().NewQuery("UPDATE holidays SET enabled = FALSE").Execute(); err != nil {
		t.Fatal(err)
	}
	app.Store().Remove(domain.CalendarStoreKey)
}

// SetSessions gives every weekday the same sessions (a JSON list of pairs).
func SetSessions(t testing.TB, app core.App, day string) {
	t.Helper()
	o, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	week := map[string]json.RawMessage{}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		week[d] = json.RawMessage(day)
	}
	o.Set("sessions", week)
	if err := app.Save(o.Record); err != nil {
		t.Fatalf("save office sessions: %v", err)
	}
}

// GroupID returns the seeded service group with the letter.
func GroupID(t testing.TB, app core.App, letter string) string {
	t.Helper()
	r, err := app.FindFirstRecordByFilter(base.ColServiceGroups, "letter = {:l}", dbx.Params{"l": letter})
	if err != nil {
		t.Fatalf("group %s: %v", letter, err)
	}
	return r.Id
}

// MakeCounter creates an active counter serving the groups with these letters.
func MakeCounter(t testing.TB, app core.App, number int, letters ...string) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(base.ColCounters)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range letters {
		ids = append(ids, GroupID(t, app, l))
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"number": number, "name": fmt.Sprintf("Quầy %d", number), "groups": ids, "active": true})
	if err := app.Save(r); err != nil {
		t.Fatalf("save counter: %v", err)
	}
	return r
}

// MakeDevice creates a lobby device account and returns it with a token.
func MakeDevice(t testing.TB, app core.App, kind, username string) Staff {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(base.ColDevices)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("username", username)
	r.Set("name", "Thiết bị "+username)
	r.Set("kind", kind)
	r.SetPassword("correct horse 1")
	if err := app.Save(r); err != nil {
		t.Fatalf("save device: %v", err)
	}
	token, err := r.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return Staff{Record: r, Token: token}
}

// Issued is what POST /api/motcua/queue/tickets answers.
type Issued struct {
	ID       string `json:"id"`
	Code     string `json:"code"`
	Number   int    `json:"number"`
	Group    string `json:"group"`
	Priority bool   `json:"priority"`
	Status   string `json:"status"`
	Day      string `json:"day"`
	Ahead    int    `json:"ahead"`
	Estimate int    `json:"estimated_wait_minutes"`
}

func IssueTicket(t testing.TB, mux http.Handler, token, group string, priority bool) Issued {
	t.Helper()
	body := fmt.Sprintf(`{"group":%q,"priority":%v}`, group, priority)
	if priority {
		body = fmt.Sprintf(`{"group":%q,"priority":true,"priority_reason":"elderly"}`, group)
	}
	res := Do(mux, http.MethodPost, "/api/motcua/queue/tickets", token, body)
	if res.Code != http.StatusOK {
		t.Fatalf("issue ticket %s: %d %s", group, res.Code, res.Body.String())
	}
	var out Issued
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// ErrKey reads data.key of a keyed API error.
func ErrKey(body []byte) string {
	var e struct {
		Data struct {
			Key string `json:"key"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Data.Key
}
