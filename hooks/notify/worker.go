package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/sms/pdu"
	"motcua/hooks/sms/transport"
)

// The worker: one goroutine per server that sends the outbox in order. Its
// whole state is in sms_outbox (status, attempts, next try), written before
// and after each send with synchronous=FULL, so a restart or a power cut
// finds it where it was. The rules:
//
//   - A notice goes out only within the sending hours (settings send_from –
//     send_until, office time) and while today's SMS (parts) stay under the
//     daily cap; otherwise it waits, queued, for the morning.
//   - Before the send the row is marked "sending", after it "sent" (or why
//     not). A crash between the network's answer and the second write is
//     the one window where a sent notice is not recorded; at the next start
//     such a row becomes maybe_sent and is logged (resolveInterrupted): it is
//     never sent again by itself.
//   - A sender that fails after handing the whole message over (MaybeSent)
//     gives maybe_sent too. One that failed after some parts of a long
//     message went out (SentParts) keeps the rest, and the next try sends
//     only what the phone has not had.
//   - A fault of the message itself (bad number, too long) gives it up. Any
//     other fault is retried with a growing wait (30 s doubling up to 30
//     min), holding back the notices behind it; a message the gateway keeps
//     refusing is given up after maxAttempts. A notice past its expiry is
//     given up unsent.
//   - When the outbox is empty the worker asks the sender for its state every
//     few minutes, for the dashboard.

const (
	firstBackoff = 30 * time.Second
	maxBackoff   = 30 * time.Minute
	// maxAttempts bounds the tries of a notice whose fault may be its own
	// (the gateway rejected it, the modem refused it for a reason it did not
	// give).
	maxAttempts = 8
	// idleWait is how long the worker sleeps with nothing to do, at most:
	// it also wakes on every notice queued and every settings change.
	idleWait = time.Minute
	// statusEvery is how often an idle worker asks the sender for its state.
	statusEvery = 5 * time.Minute
	// sendTimeout bounds one send (three parts, each up to a minute).
	sendTimeout   = 4 * time.Minute
	statusTimeout = 30 * time.Second
)

// backoff is the wait after the n-th failed try of a notice.
func backoff(n int) time.Duration {
	d := firstBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// notifier is the outbox of one app: its worker, the sender in use and the
// state the dashboard shows.
type notifier struct {
	app     core.App // the root app: the worker and queued events outlive any hook's transaction
	wake    chan struct{}
	senders senderState

	qmu      sync.Mutex // guards queue and draining
	queue    []string   // events whose notices are still to queue, in order
	draining bool
	pending  sync.WaitGroup

	mu        sync.Mutex
	status    transport.Status // last status asked or seen
	statusAt  time.Time
	lastError string // the last worker error that was no sender's (database)
	running   bool
}

const notifierStoreKey = "motcua.notify"

// notifierOf is app's notifier, made on first use.
func notifierOf(app core.App) *notifier {
	return app.Store().GetOrSet(notifierStoreKey, func() any {
		return &notifier{app: app, wake: make(chan struct{}, 1)}
	}).(*notifier)
}

// kick wakes the worker (a notice was queued, the settings changed).
func (n *notifier) kick() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// maxQueuedEvents bounds the events waiting for their notices in memory.
const maxQueuedEvents = 10000

// later queues the notice of an event in the background, so the request
// that wrote the event answers without waiting. Events are taken in the order
// they were announced, by one goroutine at a time, so the outbox holds the
// notices in the order the steps happened.
func (n *notifier) later(eventID string) {
	n.qmu.Lock()
	if len(n.queue) >= maxQueuedEvents {
		n.qmu.Unlock()
		return // the catch-up queues it
	}
	n.pending.Add(1)
	n.queue = append(n.queue, eventID)
	start := !n.draining
	n.draining = true
	n.qmu.Unlock()
	if start {
		go n.drainEvents()
	}
}

// eventBatch is how many events' notices are queued in one transaction: a
// busy counter's notices then cost one wait for the disk between them, not
// one each, and the clerks' own saves are not held up behind them.
const eventBatch = 64

// drainEvents queues the notices of the events handed to later, until none
// is left.
func (n *notifier) drainEvents() {
	for {
		n.qmu.Lock()
		if len(n.queue) == 0 {
			n.draining = false
			n.qmu.Unlock()
			return
		}
		k := min(len(n.queue), eventBatch)
		batch := append([]string(nil), n.queue[:k]...)
		n.queue = n.queue[k:]
		n.qmu.Unlock()
		n.queueEvents(batch)
		for range batch {
			n.pending.Done()
		}
	}
}

// queueEvents queues the notices of a batch of events: each is read and laid
// out first, then all are written in one short transaction. An event that
// fails is logged and left to the catch-up.
func (n *notifier) queueEvents(ids []string) {
	defer func() {
		if r := recover(); r != nil {
			n.app.Logger().Error("sms: queue events", "panic", fmt.Sprint(r))
		}
	}()
	if !n.app.IsBootstrapped() {
		return
	}
	var rows []*core.Record
	for _, id := range ids {
		r, err := eventNotice(n.app, id)
		if err != nil {
			n.app.Logger().Warn("sms: queue event (the catch-up will try again)", "event", id, "error", err.Error())
		}
		if r != nil {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return
	}
	err := sqlitex.InWriteOrder(context.Background(), n.app, func(tx core.App) error {
		for _, r := range rows {
			if _, err := saveNotice(tx, r); err != nil {
				n.app.Logger().Warn("sms: queue event (the catch-up will try again)", "error", err.Error())
			}
		}
		return nil
	})
	if err != nil {
		n.app.Logger().Warn("sms: queue events (the catch-up will try again)", "error", err.Error())
	}
	n.kick()
}

// run is the worker's loop, until ctx ends.
func (n *notifier) run(ctx context.Context) {
	n.mu.Lock()
	if n.running {
		n.mu.Unlock()
		return
	}
	n.running = true
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		n.running = false
		n.mu.Unlock()
	}()
	n.guard(ctx, "sms: interrupted sends", func() error { _, err := resolveInterrupted(n.app); return err })
	n.guard(ctx, "sms: catch-up", func() error { _, err := catchUp(n.app); return err })
	lastCatchUp := time.Now()
	for ctx.Err() == nil && n.app.IsBootstrapped() {
		wait := n.safeStep(ctx)
		if time.Since(lastCatchUp) > 10*time.Minute {
			n.guard(ctx, "sms: catch-up", func() error { _, err := catchUp(n.app); return err })
			lastCatchUp = time.Now()
		}
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(min(wait, idleWait))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-n.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// guard runs fn, logging its error, and turns a panic (the database closed
// under it at shutdown) into a log line.
func (n *notifier) guard(ctx context.Context, what string, fn func() error) {
	defer func() {
		if r := recover(); r != nil && ctx.Err() == nil && n.app.IsBootstrapped() {
			n.app.Logger().Error(what, "panic", fmt.Sprint(r))
		}
	}()
	if ctx.Err() != nil || !n.app.IsBootstrapped() {
		return
	}
	if err := fn(); err != nil && ctx.Err() == nil && n.app.IsBootstrapped() {
		n.app.Logger().Error(what, "error", err.Error())
	}
}

// safeStep is step with a panic (the database closing under it at shutdown)
// turned into a wait.
func (n *notifier) safeStep(ctx context.Context) (wait time.Duration) {
	defer func() {
		if r := recover(); r != nil {
			if ctx.Err() == nil && n.app.IsBootstrapped() {
				n.app.Logger().Error("sms worker", "panic", fmt.Sprint(r))
			}
			wait = idleWait
		}
	}()
	wait, err := n.step(ctx)
	if err != nil {
		n.mu.Lock()
		n.lastError = err.Error()
		n.mu.Unlock()
		if ctx.Err() == nil && n.app.IsBootstrapped() {
			n.app.Logger().Error("sms worker", "error", err.Error())
		}
		return idleWait
	}
	return wait
}

// step does one thing: send the next notice, give one up, or tell how long
// to wait before there is something to do. A wait of 0 means "step again".
func (n *notifier) step(ctx context.Context) (time.Duration, error) {
	app := n.app
	s, err := loadSettings(app)
	if err != nil {
		return idleWait, err
	}
	if !s.Enabled {
		return idleWait, nil
	}
	now := base.Now(app)
	row, err := nextInLine(app)
	if err != nil {
		return idleWait, err
	}
	if row == nil {
		n.refreshStatus(ctx, s)
		return idleWait, nil
	}
	if exp := row.GetDateTime("expires_at").Time(); !exp.IsZero() && !now.Before(exp) {
		return 0, n.finish(row, statusGivenUp, reasonExpired, "", nil)
	}
	if open := s.nextOpen(now); open.After(now) {
		return open.Sub(now), nil // quiet hours
	}
	if next := row.GetDateTime("next_try").Time(); next.After(now) {
		return next.Sub(now), nil
	}
	if s.DailyCap > 0 {
		sent, err := partsSentSince(app, dayStart(now))
		if err != nil {
			return idleWait, err
		}
		if sent+row.GetInt("parts") > s.DailyCap {
			// Today's SMS are used up: tomorrow morning.
			tomorrow := s.nextOpen(dayStart(now).Add(24 * time.Hour))
			return tomorrow.Sub(now), nil
		}
	}
	snd, err := n.senders.senderFor(s, app.Logger())
	if err != nil {
		n.setStatus(transport.Status{Kind: s.Sender, Reason: transport.ReasonOf(err), Detail: err.Error(), Checked: time.Now().UTC()})
		return n.failed(row, now, err)
	}
	return n.send(ctx, row, snd, s, now)
}

// send hands one notice to the sender and records what came of it.
func (n *notifier) send(ctx context.Context, row *outboxRow, snd transport.Sender, s *settings, now time.Time) (time.Duration, error) {
	app := n.app
	text := row.GetString("pending_text")
	if text == "" {
		text = row.GetString("text")
	}
	row.Set("status", statusSending)
	row.Set("attempts", row.GetInt("attempts")+1)
	row.Set("last_try", base.DateTime(now))
	row.Set("sender", s.Sender)
	if err := app.Save(row.Record); err != nil {
		return idleWait, fmt.Errorf("sms: mark sending: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	res, err := snd.Send(sctx, row.GetString("phone"), text)
	cancel()
	n.noteSender(snd, s, err)
	if err == nil {
		row.Set("parts_sent", row.GetInt("parts_sent")+res.Parts)
		if res.Encoding != "" {
			row.Set("encoding", res.Encoding)
		}
		row.Set("refs", res.Refs)
		row.Set("message_id", res.MessageID)
		row.Set("sent_at", base.DateTime(base.Now(app)))
		row.Set("pending_text", "")
		return 0, n.finish(row, statusSent, "", "", nil)
	}
	var te *transport.Error
	if !errors.As(err, &te) {
		te = &transport.Error{Reason: transport.ReasonOf(err), Op: "send", Err: err}
	}
	if te.MaybeSent {
		row.Set("parts_sent", row.GetInt("parts_sent")+partsOf(text))
		app.Logger().Warn("sms: the sender failed after taking the whole message; it may have gone out and is not sent again",
			"id", row.Id, "code", row.GetString("code"), "reason", string(te.Reason))
		return 0, n.finish(row, statusMaybeSent, string(te.Reason), te.Error(), nil)
	}
	if _, ok := lastStatus(snd); ok {
		// The dashboard wants the SIM and the signal too, not only the
		// send's error: ask the modem, within a bound.
		sctx, cancel := context.WithTimeout(ctx, statusTimeout)
		if st, err := snd.Status(sctx); err == nil || st.Reason != "" {
			n.setStatus(st)
		}
		cancel()
	}
	if te.SentParts > 0 {
		// The phone has the first parts: the next try sends the rest only.
		row.Set("parts_sent", row.GetInt("parts_sent")+te.SentParts)
		row.Set("pending_text", remainder(text, te.SentParts))
	}
	return n.failed(row, now, te)
}

// failed records a failed try: given up for a fault of the message, else
// retried after a wait.
func (n *notifier) failed(row *outboxRow, now time.Time, err error) (time.Duration, error) {
	reason := transport.ReasonOf(err)
	detail := err.Error()
	attempts := row.GetInt("attempts")
	switch {
	case reason.Permanent():
		return 0, n.finish(row, statusGivenUp, string(reason), detail, nil)
	case (reason == transport.ReasonRejected || reason == transport.ReasonModemError) && attempts >= maxAttempts:
		return 0, n.finish(row, statusGivenUp, reasonAttempts, detail, nil)
	}
	wait := backoff(max(attempts, 1))
	next := now.Add(wait)
	return wait, n.finish(row, statusFailed, string(reason), detail, &next)
}

// finish writes a notice's new status.
func (n *notifier) finish(row *outboxRow, status, reason, detail string, next *time.Time) error {
	row.Set("status", status)
	row.Set("reason", reason)
	if len(detail) > 500 {
		detail = detail[:500]
	}
	row.Set("error", detail)
	if next != nil {
		row.Set("next_try", base.DateTime(*next))
	}
	if err := n.app.Save(row.Record); err != nil {
		if status == statusSent {
			// The crash window, without a crash: the network has it.
			n.app.Logger().Error("sms: sent but not recorded; it will not be sent again", "id", row.Id, "error", err.Error())
		}
		return fmt.Errorf("sms: record %s: %w", status, err)
	}
	return nil
}

// remainder is what is left of text after the first sent parts, cut where the
// encoder cut it.
func remainder(text string, sent int) string {
	parts, err := pdu.Encode("0912345678", text, pdu.Options{CountryCode: "84"})
	if err != nil || sent >= len(parts) {
		return text
	}
	var b strings.Builder
	for _, p := range parts[sent:] {
		b.WriteString(p.Text)
	}
	return b.String()
}

func partsOf(text string) int {
	p, err := pdu.Parts(text)
	if err != nil {
		return 1
	}
	return p
}

// refreshStatus asks an idle sender for its state every statusEvery.
func (n *notifier) refreshStatus(ctx context.Context, s *settings) {
	n.mu.Lock()
	fresh := time.Since(n.statusAt) < statusEvery
	n.mu.Unlock()
	if fresh {
		return
	}
	snd, err := n.senders.senderFor(s, n.app.Logger())
	if err != nil {
		n.setStatus(transport.Status{Kind: s.Sender, Reason: transport.ReasonOf(err), Detail: err.Error(), Checked: time.Now().UTC()})
		return
	}
	sctx, cancel := context.WithTimeout(ctx, statusTimeout)
	st, _ := snd.Status(sctx)
	cancel()
	n.setStatus(st)
}

// noteSender keeps the sender's state as its last send left it: the
// modem's own, or for a gateway what the send showed.
func (n *notifier) noteSender(snd transport.Sender, s *settings, err error) {
	if st, ok := lastStatus(snd); ok {
		n.setStatus(st)
		return
	}
	st := transport.Status{Kind: s.Sender, Ready: err == nil, Reason: transport.ReasonOf(err), Checked: time.Now().UTC()}
	var te *transport.Error
	if errors.As(err, &te) {
		st.Detail = te.Raw
	}
	n.setStatus(st)
}

func (n *notifier) setStatus(st transport.Status) {
	n.mu.Lock()
	n.status, n.statusAt = st, time.Now()
	n.mu.Unlock()
}

// currentStatus is the sender's last known state.
func (n *notifier) currentStatus() (transport.Status, time.Time) {
	if snd := n.senders.current(); snd != nil {
		if st, ok := lastStatus(snd); ok && !st.Checked.IsZero() {
			return st, st.Checked
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.status, n.statusAt
}

// forgetStatus makes the next idle step ask the sender again (settings saved,
// a leader asked).
func (n *notifier) forgetStatus() {
	n.mu.Lock()
	n.statusAt = time.Time{}
	n.mu.Unlock()
	n.kick()
}
