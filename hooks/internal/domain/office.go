package domain

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
)

const CalendarStoreKey = "motcua.calendar"

// Office is the typed view of the single office record.
type Office struct{ *core.Record }

// FindOffice returns the office record (the first one: there is only one).
func FindOffice(app core.App) (*Office, error) {
	recs, err := app.FindRecordsByFilter(base.ColOffice, "", "created", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("find office: %w", err)
	}
	if len(recs) == 0 {
		return nil, errors.New("find office: no office record")
	}
	return &Office{recs[0]}, nil
}

// AgencyCode is the office's electronic agency code, the first part of dossier codes.
func (o *Office) AgencyCode() string { return o.GetString("agency_code") }

// PublicURL is the base URL receipt QR codes point to, without a trailing slash.
func (o *Office) PublicURL() string {
	u := o.GetString("public_url")
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}

// Week is the office's reception sessions per weekday.
func (o *Office) Week() (calendar.Week, error) {
	return calendar.ParseWeek([]byte(o.GetString("sessions")))
}

// LoadCalendar builds the working calendar from the office record and the enabled
// holidays. It is cached in the app store and dropped whenever either changes.
func LoadCalendar(app core.App) (*calendar.Calendar, error) {
	if c, ok := app.Store().Get(CalendarStoreKey).(*calendar.Calendar); ok && c != nil {
		return c, nil
	}
	office, err := FindOffice(app)
	if err != nil {
		return nil, err
	}
	week, err := office.Week()
	if err != nil {
		return nil, fmt.Errorf("office sessions: %w", err)
	}
	cutoff, err := calendar.ParseClock(office.GetString("same_day_cutoff"))
	if err != nil {
		return nil, fmt.Errorf("office cut-off: %w", err)
	}
	cal := &calendar.Calendar{
		Location:   base.Zone,
		Sessions:   week,
		Holidays:   map[calendar.Date]bool{},
		MakeupDays: map[calendar.Date]bool{},
		Cutoff:     cutoff,
	}
	hols, err := app.FindRecordsByFilter(base.ColHolidays, "enabled = true", "date", 0, 0)
	if err != nil {
		return nil, fmt.Errorf("find holidays: %w", err)
	}
	for _, h := range hols {
		d := holidayDate(h)
		if h.GetString("kind") == "working_day" {
			cal.MakeupDays[d] = true
		} else {
			cal.Holidays[d] = true
		}
	}
	app.Store().Set(CalendarStoreKey, cal)
	return cal, nil
}

// holidayDate reads a holiday's civil date. Dates are stored as midnight UTC of
// the civil day, so the UTC parts are the day meant.
func holidayDate(r *core.Record) calendar.Date {
	t := r.GetDateTime("date").Time().UTC()
	return calendar.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

// dropOfficeCaches forgets what is cached from the office and holidays (the
// calendar, the header of public pages) when either changes.
func dropOfficeCaches(e *core.RecordEvent) error {
	e.App.Store().Remove(CalendarStoreKey)
	e.App.Store().Remove(OfficeViewStoreKey)
	return e.Next()
}

// validateOffice rejects sessions or a cut-off that the calendar cannot use, so a
// typo in /_/ cannot stop every due date from being computed.
func validateOffice(e *core.RecordEvent) error {
	if _, err := calendar.ParseWeek([]byte(e.Record.GetString("sessions"))); err != nil {
		return base.FieldErrors(map[string]string{"sessions": "error.sessions_invalid"})
	}
	if _, err := calendar.ParseClock(e.Record.GetString("same_day_cutoff")); err != nil {
		return base.FieldErrors(map[string]string{"same_day_cutoff": "error.cutoff_invalid"})
	}
	return e.Next()
}

func bindOfficeHooks(app core.App) {
	app.OnRecordValidate(base.ColOffice).BindFunc(validateOffice)
	for _, col := range []string{base.ColOffice, base.ColHolidays} {
		app.OnRecordAfterCreateSuccess(col).BindFunc(dropOfficeCaches)
		app.OnRecordAfterUpdateSuccess(col).BindFunc(dropOfficeCaches)
		app.OnRecordAfterDeleteSuccess(col).BindFunc(dropOfficeCaches)
	}
}

// DueAt computes the appointment for a dossier received at with the given
// processing time, from the office calendar.
func DueAt(app core.App, at time.Time, hours int) (time.Time, error) {
	cal, err := LoadCalendar(app)
	if err != nil {
		return time.Time{}, fmt.Errorf("load calendar: %w", err)
	}
	due, err := cal.Due(at, hours)
	if err != nil {
		return time.Time{}, base.KeyedError(http.StatusUnprocessableEntity, "error.calendar_no_working_time")
	}
	return due, nil
}

// OfficeView is what page headers, footers and papers show of the office.
type OfficeView struct {
	NameVI, NameKM, Address, Phone string
	// PlaceVI and PlaceKM are the place name of the place and date line
	// ("" until the office sets it).
	PlaceVI, PlaceKM string
}

// OfficeViewStoreKey holds the cached OfficeView.
const OfficeViewStoreKey = "motcua.officeView"

// OfficeViewOf is read from the office record once and kept in the app store
// (every public page shows it; the status page must stay as cheap as a stock
// record view). Saving the office drops it, like the calendar.
func OfficeViewOf(app core.App) OfficeView {
	if v, ok := app.Store().Get(OfficeViewStoreKey).(OfficeView); ok {
		return v
	}
	o, err := FindOffice(app)
	if err != nil {
		return OfficeView{NameVI: "motcua"}
	}
	v := OfficeView{
		NameVI: o.GetString("name_vi"), NameKM: o.GetString("name_km"),
		Address: o.GetString("address"), Phone: o.GetString("phone"),
		PlaceVI: o.PlaceVI(), PlaceKM: o.PlaceKM(),
	}
	app.Store().Set(OfficeViewStoreKey, v)
	return v
}
