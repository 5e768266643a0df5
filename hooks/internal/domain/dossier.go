package domain

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/internal/base"
)

// Dossier statuses (dossiers.status), with the national portal's numbers in
// StatusNumber for later exchange. "done" (result ready) is not "returned".
const (
	StatusNew                 = "new"
	StatusReceived            = "received"
	StatusRefused             = "refused"
	StatusProcessing          = "processing"
	StatusSupplementRequested = "supplement_requested"
	StatusAwaitingFees        = "awaiting_fees"
	StatusWithdrawn           = "withdrawn"
	StatusStopped             = "stopped"
	StatusDone                = "done"
	StatusReturned            = "returned"
)

// StatusNumber maps a status to the national portal's number.
var StatusNumber = map[string]int{
	StatusNew: 1, StatusReceived: 2, StatusRefused: 3, StatusProcessing: 4, StatusSupplementRequested: 5,
	StatusAwaitingFees: 6, StatusWithdrawn: 7, StatusStopped: 8, StatusDone: 9, StatusReturned: 10,
}

// Dossier is the typed view of a dossiers record.
type Dossier struct{ *core.Record }

// Code is the dossier code printed on the receipt.
func (d *Dossier) Code() string { return d.GetString("code") }

// Status is the current status (one of the Status… constants).
func (d *Dossier) Status() string { return d.GetString("status") }

// LookupKey is the secret printed under the receipt's QR code.
func (d *Dossier) LookupKey() string { return d.GetString("lookup_key") }

// ReceivedAt is when the dossier was validly received.
func (d *Dossier) ReceivedAt() time.Time { return d.GetDateTime("received_at").Time() }

// DueAt is the appointment to return the result.
func (d *Dossier) DueAt() time.Time { return d.GetDateTime("due_at").Time() }

// FindDossier returns the dossier with the given record id.
func FindDossier(app core.App, id string) (*Dossier, error) {
	r, err := app.FindRecordById(base.ColDossiers, id)
	if err != nil {
		return nil, fmt.Errorf("find dossier %s: %w", id, err)
	}
	return &Dossier{r}, nil
}

// FindDossierByCode returns the dossier with the given code.
func FindDossierByCode(app core.App, code string) (*Dossier, error) {
	// "code != ''" lets SQLite use the partial unique index on code; a
	// filter ("code = {:code}") walks the whole table.
	r := &core.Record{}
	err := app.RecordQuery(base.ColDossiers).
		AndWhere(dbx.NewExp("[[code]] = {:code} AND [[code]] != ''", dbx.Params{"code": code})).
		Limit(1).One(r)
	if err != nil {
		return nil, fmt.Errorf("find dossier by code: %w", err)
	}
	return &Dossier{r}, nil
}

// Event is one row of a dossier's handoff log, as appendEvent writes it.
type Event struct {
	Action   string
	From, To string
	Actor    *core.Record // staff who acted; nil for the system
	Assignee string       // staff id the dossier was handed to, if any
	Note     string
	Data     map[string]any
	At       time.Time // zero means now
}

// AppendEvent writes one dossier_events row. Call it with the transaction app in
// which the dossier itself changes, so the log and the dossier never disagree.
func AppendEvent(tx core.App, d *Dossier, ev Event) (*core.Record, error) {
	r, err := NewEventRecord(tx, d, ev)
	if err != nil {
		return nil, err
	}
	if err := tx.Save(r); err != nil {
		return nil, fmt.Errorf("append event %s: %w", ev.Action, err)
	}
	return r, nil
}

// NewEventRecord builds (without saving) the dossier_events row of ev.
func NewEventRecord(app core.App, d *Dossier, ev Event) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(base.ColDossierEvents)
	if err != nil {
		return nil, fmt.Errorf("append event: %w", err)
	}
	at := ev.At
	if at.IsZero() {
		at = time.Now()
	}
	r := core.NewRecord(col)
	r.Set("dossier", d.Id)
	r.Set("action", ev.Action)
	r.Set("from_status", ev.From)
	r.Set("to_status", ev.To)
	if ev.Actor != nil {
		r.Set("actor", ev.Actor.Id)
		r.Set("actor_name", ev.Actor.GetString("name"))
	}
	r.Set("assignee", ev.Assignee)
	r.Set("note", ev.Note)
	if ev.Data != nil {
		r.Set("data", ev.Data)
	}
	dt, err := types.ParseDateTime(at)
	if err != nil {
		return nil, fmt.Errorf("append event time: %w", err)
	}
	r.Set("at", dt)
	return r, nil
}

// FindDossierEvents returns a dossier's events in the order they happened.
func FindDossierEvents(app core.App, dossierID string) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter(base.ColDossierEvents, "dossier = {:id}", "at,created", 0, 0, dbx.Params{"id": dossierID})
	if err != nil {
		return nil, fmt.Errorf("find events of %s: %w", dossierID, err)
	}
	return recs, nil
}
