package notify

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/textnorm"
)

// Outbox statuses (sms_outbox.status). A notice is pending until the worker
// first tries it; sending while the sender has it (a row left sending by a
// crash is resolved at start, see resolveInterrupted); failed after a try that
// will be retried (reason says why); sent once the network or the gateway took
// it; maybe_sent when the sender failed after handing the whole message over
// (it may have reached the phone: never sent again by itself); given_up when
// it never will be sent (a bad number, too old, cancelled).
const (
	statusPending   = "pending"
	statusSending   = "sending"
	statusSent      = "sent"
	statusFailed    = "failed"
	statusMaybeSent = "maybe_sent"
	statusGivenUp   = "given_up"
)

// Reasons the outbox gives on its own, besides the senders' transport.Reason.
const (
	reasonExpired     = "expired"     // not sent before it stopped being worth sending
	reasonCancelled   = "cancelled"   // CancelSMS
	reasonInterrupted = "interrupted" // the program stopped while sending it
	reasonAttempts    = "attempts"    // tried too often with a fault of its own
)

// defaultExpiry is how long a dossier notice stays worth sending: a "received"
// SMS three days late only confuses.
const defaultExpiry = 72 * time.Hour

// Outbox is the typed view of an sms_outbox record.
type outboxRow struct{ *core.Record }

func (r outboxRow) status() string { return r.GetString("status") }

// enqueue is domain.EnqueueSMS.
func enqueue(app core.App, n domain.SMSNotice) (bool, error) {
	r, err := buildNotice(app, n)
	if err != nil || r == nil {
		return false, err
	}
	ok, err := saveNotice(app, r)
	if ok {
		notifierOf(app).kick()
	}
	return ok, err
}

// saveNotice writes a built notice; false when one with its key is there.
func saveNotice(app core.App, r *core.Record) (bool, error) {
	if err := app.Save(r); err != nil {
		if r.GetString("key") != "" && strings.Contains(err.Error(), "UNIQUE") {
			return false, nil // queued meanwhile by someone else
		}
		return false, fmt.Errorf("sms outbox: save: %w", err)
	}
	return true, nil
}

// buildNotice checks n and lays out its text, and returns the outbox row to
// write, unsaved: nil when there is nothing to queue (SMS off, the kind off,
// the key queued already). All the reading and the layout happen here, so
// the write itself is short.
func buildNotice(app core.App, n domain.SMSNotice) (*core.Record, error) {
	if !slices.Contains(domain.NoticeKinds, n.Kind) {
		return nil, errKind()
	}
	lang := n.Language
	if lang == "" {
		lang = "vi"
	}
	if !slices.Contains(noticeLanguages, lang) {
		return nil, base.KeyedError(http.StatusBadRequest, "error.sms_language_invalid")
	}
	phone, err := textnorm.NormalizePhone(n.Phone)
	if err != nil || phone == "" {
		return nil, base.KeyedError(http.StatusBadRequest, textnorm.KeyPhoneInvalid)
	}
	s, err := loadSettings(app)
	if err != nil {
		return nil, err
	}
	if !s.Enabled || !s.kindOn(n.Kind) {
		return nil, nil
	}
	if n.Key != "" {
		if _, err := app.FindFirstRecordByFilter(base.ColSMSOutbox, "key = {:k}", dbx.Params{"k": n.Key}); err == nil {
			return nil, nil
		}
	}
	vals := make(map[string]string, len(n.Values)+1)
	for k, v := range n.Values {
		vals[k] = v
	}
	if vals["office"] == "" {
		vals["office"] = officeShortName(app, s, lang)
	}
	txt, err := render(template(s, n.Kind, lang), lang, vals)
	if err != nil {
		return nil, fmt.Errorf("sms %s: %w", n.Kind, err)
	}
	col, err := app.FindCachedCollectionByNameOrId(base.ColSMSOutbox)
	if err != nil {
		return nil, fmt.Errorf("sms outbox: %w", err)
	}
	now := base.Now(app)
	r := core.NewRecord(col)
	r.Set("kind", n.Kind)
	r.Set("dossier", n.Dossier)
	r.Set("code", vals["code"])
	r.Set("phone", phone)
	r.Set("language", lang)
	r.Set("text", txt.Text)
	r.Set("pending_text", txt.Text)
	r.Set("parts", txt.Parts)
	r.Set("encoding", txt.Encoding)
	r.Set("status", statusPending)
	r.Set("key", n.Key)
	if !n.NotBefore.IsZero() {
		r.Set("next_try", base.DateTime(n.NotBefore))
	}
	exp := n.Expires
	if exp.IsZero() {
		exp = now.Add(defaultExpiry)
	}
	r.Set("expires_at", base.DateTime(exp))
	return r, nil
}

// cancel is domain.CancelSMS.
func cancel(app core.App, key string) (int, error) {
	if key == "" {
		return 0, nil
	}
	recs, err := app.FindRecordsByFilter(base.ColSMSOutbox, "key = {:k} && (status = 'pending' || status = 'failed')", "", 0, 0, dbx.Params{"k": key})
	if err != nil {
		return 0, fmt.Errorf("sms cancel: %w", err)
	}
	for _, r := range recs {
		r.Set("status", statusGivenUp)
		r.Set("reason", reasonCancelled)
		if err := app.Save(r); err != nil {
			return 0, fmt.Errorf("sms cancel: %w", err)
		}
	}
	return len(recs), nil
}

// officeShortName opens each notice, so the citizen knows who writes: the
// short name set for SMS, else the office's name.
func officeShortName(app core.App, s *settings, lang string) string {
	if lang == "km" && s.ShortNameKM != "" {
		return s.ShortNameKM
	}
	if s.ShortNameVI != "" && (lang == "vi" || s.ShortNameKM == "") {
		return s.ShortNameVI
	}
	v := domain.OfficeViewOf(app)
	if lang == "km" && v.NameKM != "" {
		return v.NameKM
	}
	return v.NameVI
}

// nextInLine is the oldest notice still to send (pending or failed), or nil.
// The outbox sends in the order notices were queued; one that waits for its
// retry holds back the ones behind it, since the fault is nearly always the
// sender's (no credit, no signal), not the notice's.
func nextInLine(app core.App) (*outboxRow, error) {
	r := &core.Record{}
	err := app.RecordQuery(base.ColSMSOutbox).
		AndWhere(dbx.In("status", statusPending, statusFailed)).
		OrderBy("rowid ASC").Limit(1).One(r) // the order of queueing, even within one millisecond
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sms outbox: next: %w", err)
	}
	return &outboxRow{r}, nil
}

// partsSentSince counts the SMS (parts, as the network counts them) that
// went out since t, including those that may have: the daily cap's measure.
func partsSentSince(app core.App, t time.Time) (int, error) {
	var n struct {
		N int `db:"n"`
	}
	err := app.DB().NewQuery("SELECT COALESCE(SUM(parts_sent), 0) AS n FROM " + base.ColSMSOutbox + " WHERE last_try >= {:t}").
		Bind(dbx.Params{"t": base.DBTime(t)}).One(&n)
	if err != nil {
		return 0, fmt.Errorf("sms outbox: count sent: %w", err)
	}
	return n.N, nil
}

// resolveInterrupted settles the notices a stopped program left "sending":
// the modem may have sent them in the instant before the stop, and the
// outbox never sends a notice twice, so they become maybe_sent (the leader
// sees them on the dashboard and can resend). Logged, one line each.
func resolveInterrupted(app core.App) (int, error) {
	recs, err := app.FindRecordsByFilter(base.ColSMSOutbox, "status = 'sending'", "created", 0, 0)
	if err != nil {
		return 0, fmt.Errorf("sms outbox: interrupted: %w", err)
	}
	for _, r := range recs {
		r.Set("status", statusMaybeSent)
		r.Set("reason", reasonInterrupted)
		if err := app.Save(r); err != nil {
			return 0, fmt.Errorf("sms outbox: interrupted: %w", err)
		}
		app.Logger().Warn("sms: a notice was being sent when the program stopped; it may have gone out and is not sent again",
			"id", r.Id, "kind", r.GetString("kind"), "code", r.GetString("code"))
	}
	return len(recs), nil
}
