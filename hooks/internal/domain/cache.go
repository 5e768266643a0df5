package domain

import (
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

const intakeCacheStoreKey = "motcua.intake_cache"

// intakeCache keeps what every intake reads and hardly ever changes: the
// office's agency code, who takes dossiers in on this PC (the centre, or a
// mobile team's kit with its site of the day) and the procedures asked for.
// Reading them from the database cost a fifth of an intake. The cache is
// dropped whenever the office, a field kit or a procedure is saved or deleted
// (dropIntakeCache), so an edit in /_/ or a new school site counts at once.
type intakeCache struct {
	mu     sync.Mutex
	agency string
	iss    *Issuer
	procs  map[string]*core.Record
}

func intakeCacheOf(app core.App) *intakeCache {
	c, _ := app.Store().GetOrSet(intakeCacheStoreKey, func() any {
		return &intakeCache{procs: map[string]*core.Record{}}
	}).(*intakeCache)
	if c == nil { // something else under our key: do without a cache
		return &intakeCache{procs: map[string]*core.Record{}}
	}
	return c
}

// dropIntakeCache forgets the intake cache after a change it depends on.
func dropIntakeCache(e *core.RecordEvent) error {
	e.App.Store().Remove(intakeCacheStoreKey)
	return e.Next()
}

// CachedProcedure is the procedures record with this id (shared: read it, never
// change it).
func CachedProcedure(app core.App, id string) (*core.Record, error) {
	c := intakeCacheOf(app)
	c.mu.Lock()
	p := c.procs[id]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := app.FindRecordById(base.ColProcedures, id)
	if err != nil {
		return nil, fmt.Errorf("find procedure %s: %w", id, err)
	}
	c.mu.Lock()
	if len(c.procs) < 1000 { // the catalogue has a few dozen; ids sent are checked first
		c.procs[id] = p
	}
	c.mu.Unlock()
	return p, nil
}

// CachedIssuer is the office's agency code and this PC's issuer. A field kit
// without its site of the day is not cached: the keyed refusal is rebuilt each
// time until the site is set.
func CachedIssuer(app core.App) (string, Issuer, error) {
	c := intakeCacheOf(app)
	c.mu.Lock()
	agency, iss := c.agency, c.iss
	c.mu.Unlock()
	if iss != nil {
		return agency, *iss, nil
	}
	office, err := FindOffice(app)
	if err != nil {
		return "", Issuer{}, err
	}
	got, err := intakeIssuer(app)
	if err != nil {
		return "", Issuer{}, err
	}
	c.mu.Lock()
	c.agency, c.iss = office.AgencyCode(), &got
	c.mu.Unlock()
	return office.AgencyCode(), got, nil
}

// bindIntakeCacheHooks drops the cache on every change it depends on.
func bindIntakeCacheHooks(app core.App) {
	for _, col := range []string{base.ColOffice, base.ColFieldKits, base.ColProcedures} {
		app.OnRecordAfterCreateSuccess(col).BindFunc(dropIntakeCache)
		app.OnRecordAfterUpdateSuccess(col).BindFunc(dropIntakeCache)
		app.OnRecordAfterDeleteSuccess(col).BindFunc(dropIntakeCache)
	}
}
