package queue

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
)

// queuePanel is today's queue figures per day, group and counter.
func queuePanel(app core.App, now time.Time) (any, error) {
	figs, err := QueueFigures(app, base.DayStart(calendar.DateOf(now, base.Zone)), now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	if figs == nil {
		figs = []QueueFigure{}
	}
	return figs, nil
}
