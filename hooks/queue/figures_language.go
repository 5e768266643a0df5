package queue

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Waits by language: the same figures (domain.QueueLanguageFigures) in three
// places. The queue figures answer them per day and per month of the range
// asked; the leaders' dashboard shows today, and this month with the five
// before it; the periodic report's queue annex shows its period per day (a
// month or shorter) or per month, and the period as a whole.

// languageFigures is the "languages" part of GET /api/motcua/queue/figures.
type languageFigures struct {
	Days   []domain.LanguageFigure `json:"days"`
	Months []domain.LanguageFigure `json:"months"`
	Total  domain.LanguageFigure   `json:"total"`
}

// figuresByLanguage sums [from, to) per day and per month.
func figuresByLanguage(app core.App, from, to time.Time) (*languageFigures, error) {
	if to.Sub(from) > domain.MaxLanguageFigureDays*24*time.Hour {
		return nil, base.KeyedError(http.StatusBadRequest, "queue.period_too_long", "days", domain.MaxLanguageFigureDays)
	}
	days, total, err := domain.QueueLanguageFigures(app, from, to, domain.ByDay)
	if err != nil {
		return nil, err
	}
	months, _, err := domain.QueueLanguageFigures(app, from, to, domain.ByMonth)
	if err != nil {
		return nil, err
	}
	return &languageFigures{Days: days, Months: months, Total: total}, nil
}

// dashboardMonths is how many months the dashboard's language table shows.
const dashboardMonths = 6

// languagePanel is the dashboard's "queue_languages": today, and the last
// months, the current one last (a month without tickets has zero rows).
type languagePanel struct {
	Today  domain.LanguageFigure   `json:"today"`
	Months []domain.LanguageFigure `json:"months"`
}

func queueLanguagePanel(app core.App, now time.Time) (any, error) {
	today := calendar.DateOf(now, base.Zone)
	end := now.Add(time.Second)
	_, t, err := domain.QueueLanguageFigures(app, base.DayStart(today), end, domain.ByDay)
	if err != nil {
		return nil, err
	}
	t.Period = today.String()
	// Months that are over do not change: each is summed once and kept in the
	// app store; only the current month is summed on every refresh.
	p := languagePanel{Today: t, Months: []domain.LanguageFigure{}}
	for i := dashboardMonths - 1; i >= 0; i-- {
		from := time.Date(today.Year, today.Month-time.Month(i), 1, 0, 0, 0, 0, base.Zone)
		to := from.AddDate(0, 1, 0)
		key := "motcua.queue_languages." + from.Format("2006-01")
		if f, ok := app.Store().Get(key).(domain.LanguageFigure); ok && i > 0 {
			p.Months = append(p.Months, f)
			continue
		}
		if to.After(end) {
			to = end
		}
		_, f, err := domain.QueueLanguageFigures(app, from, to, domain.ByMonth)
		if err != nil {
			return nil, err
		}
		f.Period = from.Format("2006-01")
		if i > 0 {
			app.Store().Set(key, f)
		}
		p.Months = append(p.Months, f)
	}
	return p, nil
}

// annexDailyUpTo is the longest period the report's annex lists day by day.
const annexDailyUpTo = 31 * 24 * time.Hour

// languageAnnex is the periodic report's queue annex.
type languageAnnex struct {
	By    string                  `json:"by"` // day or month
	Rows  []domain.LanguageFigure `json:"rows"`
	Total domain.LanguageFigure   `json:"total"`
	// TooLong is set (to the longest period in days) when the period was too
	// long for the annex, which is then empty.
	TooLong int `json:"too_long,omitempty"`
}

func queueLanguageAnnex(app core.App, from, to time.Time) (any, error) {
	by := domain.ByMonth
	if to.Sub(from) <= annexDailyUpTo {
		by = domain.ByDay
	}
	if to.Sub(from) > domain.MaxLanguageFigureDays*24*time.Hour {
		// The report itself works for any range; the annex says it is left out.
		return languageAnnex{By: by, Rows: []domain.LanguageFigure{}, TooLong: domain.MaxLanguageFigureDays}, nil
	}
	rows, total, err := domain.QueueLanguageFigures(app, from, to, by)
	if err != nil {
		return nil, err
	}
	return languageAnnex{By: by, Rows: rows, Total: total}, nil
}
