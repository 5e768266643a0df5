package queue

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/internal/base"
)

// QueueFigure is one day × group × counter row of the queue figures kept for
// the reports: how many tickets, and the mean waiting time (called − issued)
// and service time (finished − called) in seconds. Counter is 0 for tickets no
// counter called (still waiting, or left at the end of the day).
type QueueFigure struct {
	Day            string  `db:"day" json:"day"`
	Group          string  `db:"grp" json:"group"`
	Counter        int     `db:"counter" json:"counter"`
	Issued         int     `db:"issued" json:"issued"`
	Called         int     `db:"called" json:"called"`
	Done           int     `db:"done" json:"done"`
	NoShow         int     `db:"no_show" json:"no_show"`
	Transferred    int     `db:"transferred" json:"transferred"`
	AvgWaitSeconds float64 `db:"avg_wait" json:"avg_wait_seconds"`
	AvgServiceSecs float64 `db:"avg_service" json:"avg_service_seconds"`
}

// QueueFigures sums the tickets issued in [from, to) per day, group letter and
// counter number, in that order. Waiting time counts every called ticket;
// service time only the finished ones (done or transferred).
func QueueFigures(app core.App, from, to time.Time) ([]QueueFigure, error) {
	f, _ := types.ParseDateTime(from)
	t, _ := types.ParseDateTime(to)
	var out []QueueFigure
	err := app.DB().NewQuery(`SELECT t.day AS day, t.letter AS grp, COALESCE(c.number, 0) AS counter,
		COUNT(*) AS issued,
		SUM(CASE WHEN t.called_at != '' THEN 1 ELSE 0 END) AS called,
		SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) AS done,
		SUM(CASE WHEN t.status = 'no_show' THEN 1 ELSE 0 END) AS no_show,
		SUM(CASE WHEN t.status = 'transferred' THEN 1 ELSE 0 END) AS transferred,
		COALESCE(AVG(CASE WHEN t.called_at != '' THEN t.wait_seconds END), 0) AS avg_wait,
		COALESCE(AVG(CASE WHEN t.status IN ('done', 'transferred') THEN t.service_seconds END), 0) AS avg_service
		FROM tickets t LEFT JOIN counters c ON c.id = t.counter
		WHERE t.issued_at >= {:from} AND t.issued_at < {:to}
		GROUP BY t.day, t.letter, COALESCE(c.number, 0)
		ORDER BY t.day, t.letter, counter`).
		Bind(dbx.Params{"from": f.String(), "to": t.String()}).All(&out)
	if err != nil {
		return nil, fmt.Errorf("queue figures: %w", err)
	}
	return out, nil
}

// handleQueueFigures answers GET /api/motcua/queue/figures?from=YYYY-MM-DD&to=YYYY-MM-DD
// (both office dates, to inclusive; today when absent): the figures per day,
// group and counter, and the waits by language per day and month
// (figuresByLanguage; up to 400 days).
func handleQueueFigures(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	today := time.Now().In(base.Zone).Format(time.DateOnly)
	parse := func(s string) (time.Time, error) {
		if s == "" {
			s = today
		}
		return time.ParseInLocation(time.DateOnly, s, base.Zone)
	}
	from, err1 := parse(q.Get("from"))
	to, err2 := parse(q.Get("to"))
	if err1 != nil || err2 != nil || to.Before(from) {
		return base.KeyedError(http.StatusBadRequest, "queue.period_invalid")
	}
	rows, err := QueueFigures(e.App, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []QueueFigure{}
	}
	langs, err := figuresByLanguage(e.App, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"figures": rows, "languages": langs})
}
