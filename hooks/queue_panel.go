package hooks

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
)

// queuePanel is today's queue figures per day, group and counter.
func queuePanel(app core.App, now time.Time) (any, error) {
	figs, err := queueFigures(app, dayStart(calendar.DateOf(now, zone)), now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	if figs == nil {
		figs = []QueueFigure{}
	}
	return figs, nil
}
