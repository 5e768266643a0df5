package domain

import (
	"errors"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// SMS notices to citizens go out through the outbox of hooks/notify (GSM modem
// or HTTP gateway). Capabilities that want to tell a citizen something by SMS
// call EnqueueSMS; they never import notify, which registers the outbox here
// when it is registered, the way dashboard panels are added.

// Notice kinds (sms_outbox.kind). The dossier kinds are queued by notify
// itself from the dossiers' events; NoticeVisit is for the mobile teams'
// timetable: a citizen asked to be told when a team comes to a site.
const (
	NoticeReceived   = "received"   // dossier received: code, due date
	NoticeSupplement = "supplement" // papers to bring
	NoticeReady      = "ready"      // result ready: where, hours
	NoticeExtended   = "extended"   // new due date, with form 04's apology
	NoticeRefused    = "refused"    // why
	NoticeReturned   = "returned"   // the result was handed back
	NoticeVisit      = "visit"      // a mobile team visits a site tomorrow
)

// NoticeKinds lists every kind, in the order settings pages show them.
var NoticeKinds = []string{NoticeReceived, NoticeSupplement, NoticeReady, NoticeExtended, NoticeRefused, NoticeReturned, NoticeVisit}

// NoticePlaceholders are the {name}s each kind's text may use (the office's
// own texts are checked against them when saved). Values a caller passes in
// SMSNotice.Values fill them; notify adds {office} (the office's short name)
// itself.
var NoticePlaceholders = map[string][]string{
	NoticeReceived:   {"office", "code", "procedure", "due", "link"},
	NoticeSupplement: {"office", "code", "procedure", "papers", "link"},
	NoticeReady:      {"office", "code", "procedure", "place", "hours", "link"},
	NoticeExtended:   {"office", "code", "procedure", "due", "link"},
	NoticeRefused:    {"office", "code", "procedure", "reason", "link"},
	NoticeReturned:   {"office", "code", "at", "phone"},
	NoticeVisit:      {"office", "date", "site", "hours"},
}

// SMSNotice is one SMS to queue.
type SMSNotice struct {
	// Kind is one of the Notice… kinds; its text comes from the catalogue
	// (sms.text_<kind>) or the office's own version of it, in Language.
	Kind string
	// Phone is the destination, a Vietnamese mobile number in any spelling
	// textnorm.NormalizePhone accepts.
	Phone string
	// Language is "vi" (sent without diacritics) or "km" (UCS-2).
	Language string
	// Values fill the text's placeholders (see NoticePlaceholders), e.g. for
	// NoticeVisit {"date": "21/08/2026", "site": "Điểm trường Tà Liêm",
	// "hours": "07:30-11:00"}. Long values are shortened so the notice keeps
	// to three SMS; a dossier code never is.
	Values map[string]string
	// Dossier is the dossier the notice is about (a record id), if any.
	Dossier string
	// Key makes the notice unique: a second EnqueueSMS with the same key
	// queues nothing (and answers false). Use a key of your own, e.g.
	// "visit:<visit id>:<phone>". Empty: no check.
	Key string
	// NotBefore, when set, holds the notice back until then (the working day
	// before a visit); quiet hours and the daily cap still apply.
	NotBefore time.Time
	// Expires, when set, is when the notice stops being worth sending (the
	// visit itself): not sent by then, it is given up.
	Expires time.Time
}

// SMS errors of EnqueueSMS; notify's own checks answer keyed errors.
var (
	// ErrSMSUnavailable: the build has no SMS outbox (notify not registered).
	ErrSMSUnavailable = errors.New("sms: no outbox registered")
)

// SMSOutbox is what notify registers: the functions behind EnqueueSMS and
// CancelSMS.
type SMSOutbox struct {
	Enqueue func(app core.App, n SMSNotice) (bool, error)
	Cancel  func(app core.App, key string) (int, error)
}

const smsOutboxStoreKey = "motcua.sms_outbox"

type smsOutboxBox struct {
	mu sync.Mutex
	o  *SMSOutbox
}

func smsOutboxOf(app core.App) *smsOutboxBox {
	return app.Store().GetOrSet(smsOutboxStoreKey, func() any { return &smsOutboxBox{} }).(*smsOutboxBox)
}

// SetSMSOutbox is called by notify.Register.
func SetSMSOutbox(app core.App, o SMSOutbox) {
	b := smsOutboxOf(app)
	b.mu.Lock()
	b.o = &o
	b.mu.Unlock()
}

// EnqueueSMS queues one notice in the SMS outbox and reports whether it was
// queued: false without error when SMS is switched off, the kind is switched
// off in the settings, or a notice with the same Key is already queued. It
// returns at once; the outbox's worker sends in order, within the office's
// hours and daily cap, and retries. Call it with a transaction's app to queue
// the notice only if that transaction commits. A bad phone number, kind or
// language is a keyed 400 (base.KeyedError). Without an outbox in the build
// it returns ErrSMSUnavailable.
//
//	ok, err := domain.EnqueueSMS(app, domain.SMSNotice{
//		Kind: domain.NoticeVisit, Phone: "0912345678", Language: "km",
//		Values: map[string]string{"date": "21/08/2026", "site": "Điểm trường Tà Liêm", "hours": "07:30-11:00"},
//		Key: "visit:" + visitID + ":0912345678", NotBefore: dayBefore7am, Expires: visitEnd,
//	})
func EnqueueSMS(app core.App, n SMSNotice) (bool, error) {
	b := smsOutboxOf(app)
	b.mu.Lock()
	o := b.o
	b.mu.Unlock()
	if o == nil || o.Enqueue == nil {
		return false, ErrSMSUnavailable
	}
	return o.Enqueue(app, n)
}

// CancelSMS gives up the notices with key that have not gone out yet (a visit
// cancelled) and says how many there were.
func CancelSMS(app core.App, key string) (int, error) {
	b := smsOutboxOf(app)
	b.mu.Lock()
	o := b.o
	b.mu.Unlock()
	if o == nil || o.Cancel == nil {
		return 0, ErrSMSUnavailable
	}
	return o.Cancel(app, key)
}
