package domain

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Annex is one named part of the periodic report that belongs to a capability
// other than reports (the queue's waits by language). Like a dashboard Panel,
// a capability adds its annex when it is registered, so the report carries
// what the build holds without importing it. Build gets the period as the
// instants [from, to).
type Annex struct {
	Name  string
	Build func(app core.App, from, to time.Time) (any, error)
}

const annexesStoreKey = "motcua.report_annexes"

type annexSet struct {
	mu      sync.Mutex
	annexes []Annex
}

func annexesOf(app core.App) *annexSet {
	return app.Store().GetOrSet(annexesStoreKey, func() any { return &annexSet{} }).(*annexSet)
}

// AddReportAnnex adds a to app's periodic report; a second annex of the same
// name replaces the first.
func AddReportAnnex(app core.App, a Annex) {
	s := annexesOf(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.annexes {
		if s.annexes[i].Name == a.Name {
			s.annexes[i] = a
			return
		}
	}
	s.annexes = append(s.annexes, a)
}

// ReportAnnexes lists app's report annexes in the order they were added.
func ReportAnnexes(app core.App) []Annex {
	s := annexesOf(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Annex(nil), s.annexes...)
}
