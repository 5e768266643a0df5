// Package clock shows what the clock guard (hooks/internal/domain/clock.go)
// says about the office PC's clock, and takes what people say back: the status
// for every staff page's banner and the leaders' dashboard, a leader's
// confirmation that the date is right after a long closure, and the IT
// person's "motcua clock" command (status, and reset after records were
// written by a clock that ran ahead).
package clock

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Register binds the clock routes and the dashboard's clock panel.
func Register(app core.App) {
	base.BindServe(app, "motcua.clock", base.ServeStep{Name: "clock", Bind: bindClockRoutes})
	domain.AddPanel(app, domain.Panel{Name: "clock", Build: clockPanel})
}

func bindClockRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/clock", handleClockStatus).BindFunc(base.RequireStaff())
	se.Router.POST("/api/motcua/clock/confirm", handleClockConfirm).BindFunc(base.RequireStaff())
	return nil
}

// statusView is GET /api/motcua/clock: the guard's verdict, its text in each
// language, and whether the caller may confirm the date.
type statusView struct {
	domain.ClockStatus
	Text       map[string]string `json:"text"`
	CanConfirm bool              `json:"can_confirm"`
}

func viewOf(app core.App, st domain.ClockStatus, auth *core.Record) statusView {
	v := statusView{ClockStatus: st, Text: map[string]string{}}
	for _, l := range i18n.Languages {
		v.Text[l] = st.Text(l)
	}
	v.CanConfirm = st.State == domain.ClockAhead && mayConfirm(app, auth)
	return v
}

// mayConfirm: leaders and the IT person at the centre; on a mobile team's
// laptop, the team itself (its leader stays at the centre).
func mayConfirm(app core.App, auth *core.Record) bool {
	if auth == nil {
		return false
	}
	if auth.IsSuperuser() {
		return true
	}
	switch auth.GetString("role") {
	case base.RoleLeader:
		return true
	case base.RoleField:
		kit, err := domain.FindLocalKit(app)
		return err == nil && kit != nil
	}
	return false
}

func handleClockStatus(e *core.RequestEvent) error {
	st, err := domain.ClockStatusAt(e.App, base.Now(e.App))
	if err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, viewOf(e.App, st, e.Auth))
}

// handleClockConfirm is POST /api/motcua/clock/confirm: the date and time are
// right although nothing was recorded for more than two working weeks (the
// office was closed). Only a clock the guard calls ahead can be confirmed: a
// clock behind the newest record is wrong whoever says otherwise (the IT
// person's "motcua clock reset" is for records written while it ran ahead).
func handleClockConfirm(e *core.RequestEvent) error {
	if !mayConfirm(e.App, e.Auth) {
		return base.KeyedError(http.StatusForbidden, "error.role_forbidden")
	}
	now := base.Now(e.App)
	st, err := domain.ClockStatusAt(e.App, now)
	if err != nil {
		return err
	}
	if st.State != domain.ClockAhead {
		if st.State == domain.ClockBehind {
			return st.Err()
		}
		return base.KeyedError(http.StatusConflict, "error.clock_nothing_to_confirm")
	}
	who := e.Auth.GetString("name")
	if who == "" {
		who = e.Auth.Email()
	}
	if err := domain.ConfirmClock(e.App, domain.ClockMarkConfirmed, now, who, "confirmed from the staff pages"); err != nil {
		return err
	}
	if st, err = domain.ClockStatusAt(e.App, now); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, viewOf(e.App, st, e.Auth))
}

// clockPanel is the dashboard's view of the clock. It reads the app's clock
// itself (the one intake and the queue check), not the dashboard's.
func clockPanel(app core.App, _ time.Time) (any, error) {
	st, err := domain.ClockStatusAt(app, base.Now(app))
	if err != nil {
		return nil, err
	}
	v := viewOf(app, st, nil)
	v.CanConfirm = st.State == domain.ClockAhead // the dashboard is the leaders'
	return v, nil
}
