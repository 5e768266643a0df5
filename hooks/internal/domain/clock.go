package domain

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/calendar"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// The clock guard. The office PC's clock dates every dossier, its code and its
// due date. A flat CMOS battery sets it back to 2000 or to the BIOS date after
// a power cut; a wrong month or year typed by hand sets it far ahead. Either
// way dossiers would be written under the wrong day, with codes of that day.
// So before an intake or a queue ticket is written, CheckClock compares the
// clock with what this PC has already recorded and refuses, with a message in
// Vietnamese and Khmer, when:
//
//   - behind: the clock reads more than ClockBehindTolerance before the newest
//     instant this PC has recorded. Time cannot go back: a record written by
//     this clock at 10:05 proves that 09:00 is wrong.
//   - ahead: more than ClockAheadWorkingDays working days (on the office
//     calendar: weekends, Tết and the other holidays do not count) lie
//     between the day of the newest record and today. An office that receives
//     citizens has dossiers or queue tickets every working day; two working
//     weeks with nothing at all is what a clock jumped a month or a year ahead
//     looks like (a typed 05 for 04 is 21 working days), while the longest
//     closure, Tết, costs no working days at all. An office that really was
//     closed that long (a flood) has a leader confirm the date on the
//     dashboard (a "confirmed" clock mark), and the guard counts from there.
//
// "What this PC has recorded" is read cheaply once and then kept in memory:
//
//   - floor, for "behind": the created stamps of the newest dossiers, events
//     and tickets (the last rows by rowid, an O(1) walk of the table's b-tree,
//     so no index is added to the intake's writes), the clock marks, and when
//     the migrations last ran (a new, empty office has that). created is
//     always stamped by this PC, even for dossiers a mobile team brought back,
//     so a laptop whose clock runs ahead cannot push the centre's floor.
//   - recent, for "ahead": the floor and the newest received_at of dossiers
//     and issued_at of tickets (their indexes answer MAX at once).
//
// Every dossier, event, ticket and clock mark created afterwards raises both
// (an after-create hook: a compare under a mutex), so an intake costs no query.

// Clock states.
const (
	ClockOK     = "ok"
	ClockBehind = "behind"
	ClockAhead  = "ahead"
)

// ClockBehindTolerance is how far the clock may read before the newest record
// without being called wrong: Windows' time sync corrects a drifting clock by
// seconds or minutes, never by more.
const ClockBehindTolerance = 10 * time.Minute

// ClockAheadWorkingDays is how many working days without any record the guard
// accepts before it calls the clock ahead (see above).
const ClockAheadWorkingDays = 10

// Kinds of clock marks (clock_marks.kind).
const (
	ClockMarkConfirmed = "confirmed" // a leader confirmed the date after a long closure
	ClockMarkReset     = "reset"     // the IT person set the clock right after records were written ahead
)

// clockTail is how many of a table's last rows floor reads.
const clockTail = 64

// ClockStatus is what the guard says about the clock at Now.
type ClockStatus struct {
	State string `json:"state"`
	Now   string `json:"now"`
	// Newest is the newest time recorded that the state is measured from
	// (empty when nothing is recorded yet).
	Newest string `json:"newest,omitempty"`
	// WorkingDays counts the working days between Newest's day and today
	// (set when the clock is ahead).
	WorkingDays int `json:"working_days,omitempty"`
	// Key is the message key of a wrong clock (empty when it is right).
	Key string `json:"key,omitempty"`

	now, newest time.Time
}

// Err is the keyed refusal of a wrong clock, nil when it is right.
func (s ClockStatus) Err() error {
	switch s.State {
	case ClockBehind:
		return base.KeyedError(http.StatusConflict, s.Key, "now", TimeText(s.now), "newest", TimeText(s.newest))
	case ClockAhead:
		return base.KeyedError(http.StatusConflict, s.Key, "now", TimeText(s.now), "newest", TimeText(s.newest), "days", s.WorkingDays)
	}
	return nil
}

// Text is the status in lang for a console or a page.
func (s ClockStatus) Text(lang string) string {
	switch s.State {
	case ClockBehind:
		return i18n.T(lang, s.Key, "now", TimeText(s.now), "newest", TimeText(s.newest))
	case ClockAhead:
		return i18n.T(lang, s.Key, "now", TimeText(s.now), "newest", TimeText(s.newest), "days", s.WorkingDays)
	}
	return i18n.T(lang, "clock.ok", "now", TimeText(s.now))
}

// NewestTime is the newest recorded instant the status compares with.
func (s ClockStatus) NewestTime() time.Time { return s.newest }

// CheckClock refuses with a keyed 409 when the clock reading now is wrong.
// Intake (counter, field and emergency key-in) and the queue's ticket issue
// call it before they write anything; a right clock costs a compare.
func CheckClock(app core.App, now time.Time) error {
	st, err := judgeClock(app, now)
	if err != nil {
		return err
	}
	return st.Err()
}

// ClockStatusAt judges the clock reading now against what app has recorded.
func ClockStatusAt(app core.App, now time.Time) (ClockStatus, error) {
	st, err := judgeClock(app, now)
	if err != nil {
		return st, err
	}
	st.Now = now.UTC().Format(time.RFC3339)
	if !st.newest.IsZero() {
		st.Newest = st.newest.UTC().Format(time.RFC3339)
	}
	return st, nil
}

// judgeClock is ClockStatusAt without the text fields.
func judgeClock(app core.App, now time.Time) (ClockStatus, error) {
	floor, recent, err := clockGuardOf(app).get(app)
	if err != nil {
		return ClockStatus{}, err
	}
	st := ClockStatus{State: ClockOK, now: now}
	if !floor.IsZero() && now.Before(floor.Add(-ClockBehindTolerance)) {
		st.State, st.Key, st.newest = ClockBehind, "error.clock_behind", floor
	} else if last := later(floor, recent); !last.IsZero() {
		st.newest = last
		// Ten working days cannot fit in fewer calendar days; most checks stop here.
		if now.Sub(last) > ClockAheadWorkingDays*24*time.Hour {
			st.WorkingDays = workingDaysBetween(app, last, now)
			if st.WorkingDays > ClockAheadWorkingDays {
				st.State, st.Key = ClockAhead, "error.clock_ahead"
			}
		}
	}
	return st, nil
}

// ConfirmClock records a clock mark made by who at now: "confirmed" (a
// leader: the date is right although nothing was recorded for a long time) or
// "reset" (the IT person: the clock is right now, and the records up to the
// newest one were written while it ran ahead). A reset also makes the guard
// read what is recorded again.
func ConfirmClock(app core.App, kind string, now time.Time, who, note string) error {
	if kind != ClockMarkConfirmed && kind != ClockMarkReset {
		return fmt.Errorf("clock mark: unknown kind %q", kind)
	}
	floor, recent, err := clockGuardOf(app).get(app)
	if err != nil {
		return err
	}
	col, err := app.FindCachedCollectionByNameOrId(base.ColClockMarks)
	if err != nil {
		return fmt.Errorf("clock mark: %w", err)
	}
	r := core.NewRecord(col)
	r.Set("kind", kind)
	r.Set("at", now)
	if kind == ClockMarkReset {
		r.Set("ignore_to", later(floor, recent))
	}
	r.Set("by_name", who)
	r.Set("note", note)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("save clock mark: %w", err)
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// workingDaysBetween counts the office's working days strictly after a's day
// and strictly before b's day (weekdays when the calendar cannot be read).
// Past a year it stops counting: that is far ahead whatever the calendar says.
func workingDaysBetween(app core.App, a, b time.Time) int {
	from := calendar.DateOf(a, base.Zone).AddDays(1)
	to := calendar.DateOf(b, base.Zone)
	cal, err := LoadCalendar(app)
	n := 0
	for d, i := from, 0; d.String() < to.String(); d, i = d.AddDays(1), i+1 {
		if i > 366 {
			return n + 366
		}
		working := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
		if err == nil {
			working = cal.IsWorkingDay(d)
		}
		if working {
			n++
		}
	}
	return n
}

const clockGuardStoreKey = "motcua.clock_guard"

// clockGuard keeps floor and recent (see the top of this file) in memory.
type clockGuard struct {
	mu     sync.Mutex
	loaded bool
	floor  time.Time
	recent time.Time
}

func clockGuardOf(app core.App) *clockGuard {
	g, _ := app.Store().GetOrSet(clockGuardStoreKey, func() any { return &clockGuard{} }).(*clockGuard)
	if g == nil { // something else under our key: read each time
		return &clockGuard{}
	}
	return g
}

// get returns floor and recent, reading them on first use.
func (g *clockGuard) get(app core.App) (time.Time, time.Time, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.loaded {
		floor, recent, err := readRecorded(app)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		// A record created while the query ran has raised them already.
		g.floor, g.recent, g.loaded = later(g.floor, floor), later(g.recent, recent), true
	}
	return g.floor, g.recent, nil
}

// raise takes a newly recorded instant into account.
func (g *clockGuard) raise(created, activity time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.floor = later(g.floor, created)
	g.recent = later(g.recent, later(created, activity))
}

// readRecorded reads floor and recent from the database.
func readRecorded(app core.App) (floor, recent time.Time, err error) {
	// Each reset says which stamps were written by a clock that ran ahead:
	// (at, ignore_to] is skipped, its own at counts.
	var marks []struct {
		Kind     string         `db:"kind"`
		At       types.DateTime `db:"at"`
		IgnoreTo types.DateTime `db:"ignore_to"`
	}
	if err := app.DB().NewQuery("SELECT [[kind]], [[at]], [[ignore_to]] FROM {{" + base.ColClockMarks + "}} ORDER BY rowid").All(&marks); err != nil {
		return floor, recent, fmt.Errorf("clock marks: %w", err)
	}
	type window struct{ from, to time.Time }
	var skips []window
	for _, m := range marks {
		if m.Kind == ClockMarkReset {
			skips = append(skips, window{m.At.Time(), m.IgnoreTo.Time()})
		}
	}
	counts := func(t time.Time) bool {
		for _, w := range skips {
			if t.After(w.from) && !t.After(w.to) {
				return false
			}
		}
		return true
	}
	for _, m := range marks {
		if t := m.At.Time(); m.Kind == ClockMarkReset || counts(t) {
			floor = later(floor, t)
		}
	}
	for _, table := range []string{base.ColDossiers, base.ColDossierEvents, base.ColTickets} {
		var stamps []string
		err := app.DB().NewQuery("SELECT [[created]] FROM {{" + table + "}} ORDER BY rowid DESC LIMIT {:n}").
			Bind(dbx.Params{"n": clockTail}).Column(&stamps)
		if err != nil {
			return floor, recent, fmt.Errorf("clock: newest %s: %w", table, err)
		}
		for _, s := range stamps {
			dt, err := types.ParseDateTime(s)
			if err != nil || dt.IsZero() {
				continue
			}
			if t := dt.Time(); counts(t) {
				floor = later(floor, t)
			}
		}
	}
	var applied int64
	if err := app.DB().NewQuery("SELECT COALESCE(MAX([[applied]]), 0) FROM {{" + core.DefaultMigrationsTable + "}}").Row(&applied); err != nil {
		return floor, recent, fmt.Errorf("clock: migrations: %w", err)
	}
	if applied > 0 {
		if t := time.UnixMicro(applied); counts(t) {
			floor = later(floor, t)
		}
	}
	recent = floor
	for _, q := range []string{
		"SELECT COALESCE(MAX([[received_at]]), '') FROM {{" + base.ColDossiers + "}}",
		"SELECT COALESCE(MAX([[issued_at]]), '') FROM {{" + base.ColTickets + "}}",
	} {
		var s string
		if err := app.DB().NewQuery(q).Row(&s); err != nil {
			return floor, recent, fmt.Errorf("clock: newest activity: %w", err)
		}
		if dt, err := types.ParseDateTime(s); err == nil {
			recent = later(recent, dt.Time())
		}
	}
	return floor, recent, nil
}

// raiseClockGuard keeps the guard's times up with every record created.
func raiseClockGuard(e *core.RecordEvent) error {
	r := e.Record
	activity := r.GetDateTime("received_at").Time()
	if e.Record.Collection().Name == base.ColTickets {
		activity = r.GetDateTime("issued_at").Time()
	}
	created := r.GetDateTime("created").Time()
	if r.Collection().Name == base.ColClockMarks {
		created = r.GetDateTime("at").Time()
		if r.GetString("kind") == ClockMarkReset {
			// The floor may go down: read everything again.
			e.App.Store().Remove(clockGuardStoreKey)
			return e.Next()
		}
	}
	clockGuardOf(e.App).raise(created, activity)
	return e.Next()
}

func bindClockHooks(app core.App) {
	for _, col := range []string{base.ColDossiers, base.ColDossierEvents, base.ColTickets, base.ColClockMarks} {
		app.OnRecordAfterCreateSuccess(col).BindFunc(raiseClockGuard)
	}
}
