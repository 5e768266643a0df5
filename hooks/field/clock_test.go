package field

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// fakeCentre answers /api/health with its clock at the given time, as the
// centre's server would with its own clock.
func fakeCentre(t *testing.T, at func() time.Time) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", at().UTC().Format(http.TimeFormat))
		_, _ = w.Write([]byte(`{"code":200}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFieldClockBeforeLeaving: a laptop left in a drawer for six weeks reads
// as a clock run ahead, and its intake refuses; "field check" against the
// centre, whose clock agrees, records that the date is right and intake works.
// A laptop clock ten minutes off the centre's is refused with the difference;
// a laptop clock before the time the kit was made at the centre refuses "field
// init".
func TestFieldClockBeforeLeaving(t *testing.T) {
	t.Parallel()
	centre, _ := newCentre(t)
	fs := newFieldSite(t, centre, "Tổ 1", []string{"son.my"}, "Điểm trường Mỹ Hòa")
	later := time.Now().Add(6 * 7 * 24 * time.Hour)
	testkit.SetClock(fs.app, later)
	proc := testkit.ProcByCode(t, fs.app, "1.001193")
	res := testkit.Do(fs.mux, http.MethodPost, testkit.DossiersURL, fs.token, testkit.IntakeBody(proc.Id, nil))
	if res.Code != http.StatusConflict || testkit.ErrKey(res.Body.Bytes()) != "error.clock_ahead" {
		t.Fatalf("laptop intake six weeks on, unchecked: %d %s, want 409 error.clock_ahead", res.Code, res.Body.String())
	}

	var out bytes.Buffer
	off := fakeCentre(t, func() time.Time { return later.Add(-10 * time.Minute) })
	err := fieldClockCheck(context.Background(), fs.app, http.DefaultClient, off, func() time.Time { return later }, &out)
	if keyOf(err) != "error.field_clock_differs" {
		t.Errorf("ten minutes off the centre: %v, want error.field_clock_differs\n%s", err, out.String())
	}

	out.Reset()
	agree := fakeCentre(t, func() time.Time { return later })
	if err := fieldClockCheck(context.Background(), fs.app, http.DefaultClient, agree, func() time.Time { return later }, &out); err != nil {
		t.Fatalf("check against the centre that agrees: %v\n%s", err, out.String())
	}
	if st, _ := domain.ClockStatusAt(fs.app, later); st.State != domain.ClockOK {
		t.Errorf("after the check the guard says %q", st.State)
	}
	res = testkit.Do(fs.mux, http.MethodPost, testkit.DossiersURL, fs.token, testkit.IntakeBody(proc.Id, nil))
	if res.Code != http.StatusOK {
		t.Errorf("laptop intake after the check: %d %s", res.Code, res.Body.String())
	}

	// Without the centre: the laptop's own records decide; an hour before the
	// check is behind.
	out.Reset()
	err = fieldClockCheck(context.Background(), fs.app, http.DefaultClient, "", func() time.Time { return later.Add(-time.Hour) }, &out)
	if keyOf(err) != "error.clock_behind" {
		t.Errorf("an hour before the check, no centre: %v\n%s", err, out.String())
	}

	made := time.Now()
	if err := checkKitClock(made, made.Add(-24*time.Hour)); keyOf(err) != "error.field_clock_before_kit" {
		t.Errorf("laptop a day before the kit was made: %v", err)
	}
	if err := checkKitClock(made, made.Add(time.Minute)); err != nil {
		t.Errorf("laptop right after the kit was made: %v", err)
	}
	if n, _ := fs.app.CountRecords(base.ColClockMarks); n != 1 {
		t.Errorf("%d clock marks, want the one the check made", n)
	}
}
