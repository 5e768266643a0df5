package queue

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestTicketIssueRefusesWrongClock, over HTTP against a real server: the kiosk
// gets a keyed 409 with "check the PC's date and time" in Vietnamese and Khmer
// while the PC's clock is behind the newest record (a flat battery) or far
// ahead, and no ticket is written (its number and day would be wrong); back to
// the real clock it issues the next number.
func TestTicketIssueRefusesWrongClock(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	kiosk := testkit.MakeDevice(t, app, domain.DeviceKiosk, "kiosk.clock")
	url := testkit.StartServer(t, app)
	issue := func() (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, url+"/api/motcua/queue/tickets", strings.NewReader(`{"group":"A"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", kiosk.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	if code, out := issue(); code != http.StatusOK || out["code"] != "A001" {
		t.Fatalf("first ticket: %d %v", code, out)
	}
	for name, c := range map[string]struct {
		clock time.Time
		key   string
	}{
		"battery flat":   {time.Date(2000, 1, 1, 9, 0, 0, 0, base.Zone), "error.clock_behind"},
		"two hours back": {time.Now().Add(-2 * time.Hour), "error.clock_behind"},
		"a year ahead":   {time.Now().AddDate(1, 0, 0), "error.clock_ahead"},
	} {
		testkit.SetClock(app, c.clock)
		code, out := issue()
		data, _ := out["data"].(map[string]any)
		vi, _ := data["vi"].(string)
		km, _ := data["km"].(string)
		if code != http.StatusConflict || data["key"] != c.key ||
			!strings.Contains(vi, "kiểm tra ngày giờ của máy tính") || !strings.Contains(km, "សូមពិនិត្យកាលបរិច្ឆេទ និងម៉ោងរបស់កុំព្យូទ័រ") {
			t.Errorf("%s: %d %v, want 409 %s in both languages", name, code, out, c.key)
		}
	}
	if n, _ := app.CountRecords(base.ColTickets); n != 1 {
		t.Errorf("%d tickets after the refusals, want 1", n)
	}
	testkit.ResetClock(app)
	if code, out := issue(); code != http.StatusOK || out["code"] != "A002" {
		t.Errorf("real clock again: %d %v, want A002", code, out)
	}
}
