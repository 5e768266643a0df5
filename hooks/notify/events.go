package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// The dossier notices come from the dossiers' events: every step of a dossier
// writes one dossier_events row in the transaction that makes it (intake's
// "receive", the workflow's actions), so an event that exists is a step that
// happened. The hook is an after-success one: PocketBase runs it once the
// transaction has committed, so an action that rolled back sends nothing.
// It queues the notice in a goroutine of its own, so a clerk's save never
// waits for the outbox; the catch-up (catchUp) queues what a power cut in
// between left out.

// eventKinds maps an event's action to the notice it gives.
var eventKinds = map[string]string{
	domain.EventReceive:            domain.NoticeReceived,
	domain.ActionRequestSupplement: domain.NoticeSupplement,
	domain.ActionComplete:          domain.NoticeReady,
	domain.ActionExtend:            domain.NoticeExtended,
	domain.ActionRefuse:            domain.NoticeRefused,
	domain.ActionReturn:            domain.NoticeReturned,
}

// staleEvent is the age past which an event gives no notice: a dossier
// brought back by a mobile team days after it was taken in, a history import.
const staleEvent = 48 * time.Hour

// catchUpEvents is how many of the newest events the catch-up looks at: a
// busy centre writes a few hundred a day.
const catchUpEvents = 5000

// onEventCreated hands a new event to the outbox, after its commit.
func onEventCreated(e *core.RecordEvent) error {
	if _, ok := eventKinds[e.Record.GetString("action")]; ok {
		n := notifierOf(e.App)
		n.later(e.Record.Id)
	}
	return e.Next()
}

// eventKey is the outbox key of an event's notice.
func eventKey(eventID string) string { return "ev:" + eventID }

// enqueueEvent queues the notice of one event, if the citizen asked for SMS.
func enqueueEvent(app core.App, eventID string) (bool, error) {
	r, err := eventNotice(app, eventID)
	if err != nil || r == nil {
		return false, err
	}
	return saveNotice(app, r)
}

// eventNotice builds (unsaved) the notice of one event, or nil when it gives
// none. It reads the committed rows with app, the root app (not a hook's
// transaction, which has ended by now).
func eventNotice(app core.App, eventID string) (*core.Record, error) {
	// The settings first: with SMS off (a laptop in the field, an office
	// without a modem) an event costs one read.
	s, err := loadSettings(app)
	if err != nil || !s.Enabled {
		return nil, err
	}
	ev, err := app.FindRecordById(base.ColDossierEvents, eventID)
	if err != nil {
		return nil, fmt.Errorf("sms: event %s: %w", eventID, err)
	}
	kind, ok := eventKinds[ev.GetString("action")]
	if !ok {
		return nil, nil
	}
	// Stale by the office clock and by the PC's (intake stamps events with
	// the PC's clock; tests move the office clock).
	if at := ev.GetDateTime("at").Time(); !at.IsZero() && base.Now(app).Sub(at) > staleEvent && time.Since(at) > staleEvent {
		return nil, nil
	}
	d, err := domain.FindDossier(app, ev.GetString("dossier"))
	if err != nil {
		return nil, fmt.Errorf("sms: %w", err)
	}
	if !d.GetBool("sms_consent") || d.GetString("applicant_phone") == "" {
		return nil, nil // no SMS without consent
	}
	lang := d.GetString("sms_language")
	if lang != "km" {
		lang = "vi"
	}
	if !s.kindOn(kind) {
		return nil, nil
	}
	vals, err := dossierValues(app, s, d, ev, lang)
	if err != nil {
		return nil, err
	}
	return buildNotice(app, domain.SMSNotice{
		Kind: kind, Phone: d.GetString("applicant_phone"), Language: lang, Values: vals,
		Dossier: d.Id, Key: eventKey(ev.Id),
	})
}

// dossierValues are the placeholders of a dossier notice: what the citizen
// needs to act, never the ID number nor the address.
func dossierValues(app core.App, s *settings, d *domain.Dossier, ev *core.Record, lang string) (map[string]string, error) {
	var data struct {
		MissingPapers []string `json:"missing_papers"`
		Reason        string   `json:"reason"`
		DueAt         string   `json:"due_at"`
	}
	_ = ev.UnmarshalJSONField("data", &data)
	vals := map[string]string{
		"code": d.Code(),
		"due":  domain.TimeText(d.DueAt()),
	}
	if t, err := time.Parse(time.RFC3339, data.DueAt); err == nil {
		vals["due"] = domain.TimeText(t) // the due date in force after this step
	}
	if p, err := domain.CachedProcedure(app, d.GetString("procedure")); err == nil {
		vals["procedure"] = p.GetString("name_vi")
		if lang == "km" && p.GetString("name_km") != "" {
			vals["procedure"] = p.GetString("name_km")
		}
	}
	vals["papers"] = strings.Join(data.MissingPapers, "; ")
	vals["reason"] = data.Reason
	vals["at"] = domain.TimeText(ev.GetDateTime("at").Time())
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, err
	}
	vals["phone"] = office.GetString("phone")
	vals["place"] = s.PickupPlace
	if vals["place"] == "" {
		vals["place"] = firstNonEmpty(office.GetString("address"), domain.OfficeViewOf(app).NameVI)
	}
	if week, err := office.Week(); err == nil {
		vals["hours"] = hoursText(week, lang)
	}
	if s.LinkReachable && office.PublicURL() != "" && d.LookupKey() != "" {
		vals["link"] = office.PublicURL() + "/tra-cuu/" + d.Code() + "?k=" + d.LookupKey()
	}
	return vals, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// catchUp queues the notices of recent events that have none: the program
// stopped (a power cut) between an event's commit and its notice. Events
// that gave no notice on purpose (no consent, SMS off) are looked at again
// and again give none; the outbox key makes a second notice impossible.
func catchUp(app core.App) (int, error) {
	var ids []struct {
		ID string `db:"id"`
	}
	actions := make([]any, 0, len(eventKinds))
	for a := range eventKinds {
		actions = append(actions, a)
	}
	from := base.Now(app)
	if now := time.Now(); now.Before(from) {
		from = now
	}
	since := base.DBTime(from.Add(-staleEvent))
	// The newest events by rowid (their order of insertion), without an
	// index of their own; those of consenting dossiers without a notice.
	err := app.DB().Select("e.id").
		From(base.ColDossierEvents+" e").
		InnerJoin(base.ColDossiers+" d", dbx.NewExp("d.id = e.dossier")).
		LeftJoin(base.ColSMSOutbox+" o", dbx.NewExp("o.key = ('ev:' || e.id)")).
		Where(dbx.NewExp("e.rowid > (SELECT COALESCE(MAX(rowid), 0) FROM "+base.ColDossierEvents+") - {:n}", dbx.Params{"n": catchUpEvents})).
		AndWhere(dbx.In("e.action", actions...)).
		AndWhere(dbx.NewExp("e.at >= {:since}", dbx.Params{"since": since})).
		AndWhere(dbx.NewExp("d.sms_consent = TRUE AND d.applicant_phone != ''")).
		AndWhere(dbx.NewExp("o.id IS NULL")).
		OrderBy("e.rowid ASC").All(&ids)
	if err != nil {
		return 0, fmt.Errorf("sms catch-up: %w", err)
	}
	n := 0
	for _, id := range ids {
		ok, err := enqueueEvent(app, id.ID)
		if err != nil {
			app.Logger().Warn("sms catch-up", "event", id.ID, "error", err.Error())
			continue
		}
		if ok {
			n++
		}
	}
	return n, nil
}
