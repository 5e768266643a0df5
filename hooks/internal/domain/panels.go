package domain

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Panel is one named figure set of the leaders' dashboard that belongs to a
// capability other than reports (the queue's wait and service times, the last
// backup's age). A capability adds its panel when it is registered, so the
// dashboard shows what the build holds without importing it.
type Panel struct {
	Name  string
	Build func(app core.App, now time.Time) (any, error)
}

const panelsStoreKey = "motcua.dashboard_panels"

type panelSet struct {
	mu     sync.Mutex
	panels []Panel
}

func panelsOf(app core.App) *panelSet {
	return app.Store().GetOrSet(panelsStoreKey, func() any { return &panelSet{} }).(*panelSet)
}

// AddPanel adds p to app's dashboard; a second panel of the same name replaces
// the first.
func AddPanel(app core.App, p Panel) {
	s := panelsOf(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.panels {
		if s.panels[i].Name == p.Name {
			s.panels[i] = p
			return
		}
	}
	s.panels = append(s.panels, p)
}

// Panels lists app's dashboard panels in the order they were added.
func Panels(app core.App) []Panel {
	s := panelsOf(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Panel(nil), s.panels...)
}
