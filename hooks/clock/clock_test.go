package clock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestClockConfirm: the office was closed for seven weeks; the clock is right
// but looks far ahead, so intake refuses. Every staff page reads the verdict
// (GET /api/motcua/clock), the dashboard shows it as its clock panel; only a
// leader may confirm, and only a clock that looks ahead; once confirmed, intake
// works. A clock behind the newest record cannot be confirmed by anyone.
func TestClockConfirm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "c.leader")
	rec := testkit.MakeStaff(t, app, base.RoleReception, "c.reception")
	body := testkit.IntakeBody(testkit.ProcByCode(t, app, "1.001193").Id, nil)
	reopened := time.Now().AddDate(0, 0, 7*7)
	testkit.SetClock(app, reopened)

	res := testkit.Do(mux, http.MethodGet, "/api/motcua/clock", rec.Token, "")
	var st statusView
	_ = json.Unmarshal(res.Body.Bytes(), &st)
	if res.Code != http.StatusOK || st.State != domain.ClockAhead || st.CanConfirm || !strings.Contains(st.Text["km"], "សូមពិនិត្យកាលបរិច្ឆេទ") {
		t.Fatalf("reception reads the clock: %d %+v", res.Code, st)
	}
	if res := testkit.Do(mux, http.MethodGet, "/api/motcua/clock", "", ""); res.Code != http.StatusUnauthorized {
		t.Errorf("a guest reads the clock: %d", res.Code)
	}
	res = testkit.Do(mux, http.MethodGet, "/api/motcua/dashboard", leader.Token, "")
	var dash struct {
		Panels map[string]statusView `json:"panels"`
	}
	_ = json.Unmarshal(res.Body.Bytes(), &dash)
	if p := dash.Panels["clock"]; res.Code != http.StatusOK || p.State != domain.ClockAhead || !p.CanConfirm ||
		!strings.Contains(p.Text["vi"], "kiểm tra ngày giờ của máy tính") || !strings.Contains(p.Text["vi"], domain.TimeText(reopened)) {
		t.Errorf("dashboard clock panel: %d %+v", res.Code, dash.Panels["clock"])
	}
	if res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, body); res.Code != http.StatusConflict {
		t.Fatalf("intake seven weeks on: %d", res.Code)
	}
	for _, who := range []testkit.Staff{rec, testkit.MakeStaff(t, app, base.RoleProcessor, "c.processor")} {
		if res := testkit.Do(mux, http.MethodPost, "/api/motcua/clock/confirm", who.Token, "{}"); res.Code != http.StatusForbidden {
			t.Errorf("%s confirms: %d", who.Record.GetString("role"), res.Code)
		}
	}
	res = testkit.Do(mux, http.MethodPost, "/api/motcua/clock/confirm", leader.Token, "{}")
	_ = json.Unmarshal(res.Body.Bytes(), &st)
	if res.Code != http.StatusOK || st.State != domain.ClockOK {
		t.Fatalf("the leader confirms: %d %s", res.Code, res.Body.String())
	}
	if res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, body); res.Code != http.StatusOK {
		t.Errorf("intake after the confirmation: %d %s", res.Code, res.Body.String())
	}
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/clock/confirm", leader.Token, "{}"); res.Code != http.StatusConflict || testkit.ErrKey(res.Body.Bytes()) != "error.clock_nothing_to_confirm" {
		t.Errorf("confirming a right clock: %d %s", res.Code, res.Body.String())
	}
	// A flat battery now: behind the confirmation, and nobody may confirm it.
	testkit.SetClock(app, time.Date(2000, 1, 1, 8, 0, 0, 0, base.Zone))
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/clock/confirm", testkit.SuperuserToken(t, app), "{}"); res.Code != http.StatusConflict || testkit.ErrKey(res.Body.Bytes()) != "error.clock_behind" {
		t.Errorf("confirming a clock in 2000: %d %s", res.Code, res.Body.String())
	}
}

// TestClockCommand: "motcua clock" prints the verdict in Vietnamese and
// English and fails while the clock is wrong; "reset" refuses without --yes and
// when there is nothing to reset, and after records written two days ahead
// lets the real clock work again.
func TestClockCommand(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	var out bytes.Buffer
	if err := printStatus(&out, app, time.Now()); err != nil || !strings.Contains(out.String(), i18n.T("vi", "clock.ok", "now", domain.TimeText(time.Now()))) {
		t.Errorf("status with the real clock: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := printStatus(&out, app, time.Date(2000, 1, 1, 0, 0, 0, 0, base.Zone)); err == nil || !strings.Contains(out.String(), "Check the PC's date and time") {
		t.Errorf("status in 2000: %v\n%s", err, out.String())
	}
	if err := domain.ConfirmClock(app, domain.ClockMarkConfirmed, time.Now().Add(48*time.Hour), "test", "a clock that ran ahead"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := resetClock(&out, app, time.Now(), false); err == nil || !strings.Contains(err.Error(), "--yes") {
		t.Errorf("reset without --yes: %v", err)
	}
	if err := resetClock(&out, app, time.Now(), true); err != nil {
		t.Errorf("reset: %v\n%s", err, out.String())
	}
	if err := printStatus(&bytes.Buffer{}, app, time.Now().Add(time.Minute)); err != nil {
		t.Errorf("after the reset: %v", err)
	}
	out.Reset()
	if err := resetClock(&out, app, time.Now().Add(2*time.Minute), true); err != nil || !strings.Contains(out.String(), "nothing to reset") {
		t.Errorf("a second reset: %v\n%s", err, out.String())
	}
}
