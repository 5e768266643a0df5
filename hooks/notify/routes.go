package notify

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/sms/modem"
	"motcua/hooks/sms/transport"
)

// The leaders' view of SMS: the sender's state and today's figures, the
// outbox with resend, and the serial ports for the settings. Everything a
// leader sees here is in the dossiers they may read already; the modem's PIN
// and the gateway's URL, headers and body are not in any answer (the
// superuser sets them in /_/).

func bindRoutes(se *core.ServeEvent) error {
	leader := base.RequireStaff(base.RoleLeader)
	se.Router.GET("/api/motcua/sms/status", handleStatus).BindFunc(leader)
	se.Router.POST("/api/motcua/sms/check", handleCheck).BindFunc(leader)
	se.Router.GET("/api/motcua/sms/outbox", handleOutbox).BindFunc(leader)
	se.Router.POST("/api/motcua/sms/outbox/{id}/resend", handleResend).BindFunc(leader)
	se.Router.GET("/api/motcua/sms/ports", handlePorts).BindFunc(leader)
	return nil
}

// statusView is GET /api/motcua/sms/status and the dashboard's "sms" panel.
type statusView struct {
	Enabled  bool     `json:"enabled"`
	Sender   string   `json:"sender"`
	Device   string   `json:"device"`
	Kinds    []string `json:"kinds"`
	DailyCap int      `json:"daily_cap"`
	From     string   `json:"send_from"`
	Until    string   `json:"send_until"`
	Quiet    bool     `json:"quiet"` // outside the sending hours now
	CapHit   bool     `json:"cap_reached"`
	Link     bool     `json:"link_reachable"`

	Ready        bool   `json:"ready"`
	Reason       string `json:"reason"` // a transport.Reason; sms.reason_<reason> in the catalogues
	Detail       string `json:"detail"`
	SIM          string `json:"sim"`
	Registration string `json:"registration"`
	SignalKnown  bool   `json:"signal_known"`
	SignalBars   int    `json:"signal_bars"`
	SignalDBm    int    `json:"signal_dbm"`
	Operator     string `json:"operator"`
	Model        string `json:"model"`
	Checked      string `json:"checked"`

	SentToday     int    `json:"sent_today"`     // notices
	PartsToday    int    `json:"parts_today"`    // SMS, as the cap counts
	FailedToday   int    `json:"failed_today"`   // failed tries today
	Waiting       int    `json:"waiting"`        // pending or failed, to send
	Attention     int    `json:"attention"`      // maybe_sent or given up in the last 7 days
	LastReason    string `json:"last_reason"`    // of the notice at the head of the queue
	NextTry       string `json:"next_try"`       // when the head of the queue is tried again
	WorkerProblem string `json:"worker_problem"` // a fault of the outbox itself
}

// buildStatus gathers the status view at now.
func buildStatus(app core.App, now time.Time) (*statusView, error) {
	s, err := loadSettings(app)
	n := notifierOf(app)
	v := &statusView{Enabled: s.Enabled, Sender: s.Sender, Kinds: s.Kinds, DailyCap: s.DailyCap,
		From: s.From.String(), Until: s.Until.String(), Link: s.LinkReachable}
	if err != nil {
		v.WorkerProblem = err.Error()
	}
	if s.Sender == senderModem {
		v.Device = s.ModemPort
	} else if s.Gateway.URL != "" {
		v.Device = gatewayHost(s.Gateway.URL)
	}
	v.Quiet = s.nextOpen(now).After(now)
	st, _ := n.currentStatus()
	v.Ready, v.Reason, v.Detail = st.Ready, string(st.Reason), st.Detail
	v.SIM, v.Registration, v.Operator, v.Model = string(st.SIM), string(st.Registration), st.Operator, st.Model
	v.SignalKnown, v.SignalBars, v.SignalDBm = st.Signal.Known, st.Signal.Bars, st.Signal.DBm
	if !st.Checked.IsZero() {
		v.Checked = st.Checked.Format(time.RFC3339)
	}
	start := base.DBTime(dayStart(now))
	var c struct {
		Sent    int `db:"sent"`
		Parts   int `db:"parts"`
		Failed  int `db:"failed"`
		Waiting int `db:"waiting"`
		Attn    int `db:"attn"`
	}
	err = app.DB().NewQuery(`SELECT
		COALESCE(SUM(CASE WHEN status = 'sent' AND sent_at >= {:t} THEN 1 ELSE 0 END), 0) AS sent,
		COALESCE(SUM(CASE WHEN last_try >= {:t} THEN parts_sent ELSE 0 END), 0) AS parts,
		COALESCE(SUM(CASE WHEN status = 'failed' AND last_try >= {:t} THEN 1 ELSE 0 END), 0) AS failed,
		COALESCE(SUM(CASE WHEN status IN ('pending', 'failed', 'sending') THEN 1 ELSE 0 END), 0) AS waiting,
		COALESCE(SUM(CASE WHEN status IN ('maybe_sent', 'given_up') AND updated >= {:week} THEN 1 ELSE 0 END), 0) AS attn
		FROM ` + base.ColSMSOutbox).
		Bind(dbx.Params{"t": start, "week": base.DBTime(now.Add(-7 * 24 * time.Hour))}).One(&c)
	if err != nil {
		return nil, err
	}
	v.SentToday, v.PartsToday, v.FailedToday, v.Waiting, v.Attention = c.Sent, c.Parts, c.Failed, c.Waiting, c.Attn
	v.CapHit = s.DailyCap > 0 && c.Parts >= s.DailyCap
	if head, err := nextInLine(app); err == nil && head != nil {
		v.LastReason = head.GetString("reason")
		if t := head.GetDateTime("next_try").Time(); t.After(now) {
			v.NextTry = t.Format(time.RFC3339)
		}
	}
	if v.Ready && v.LastReason != "" {
		// The device looks well but the last try failed (no credit shows
		// only when a message is refused): what stops the outbox counts.
		v.Ready, v.Reason = false, v.LastReason
	}
	n.mu.Lock()
	if v.WorkerProblem == "" {
		v.WorkerProblem = n.lastError
	}
	n.mu.Unlock()
	return v, nil
}

func handleStatus(e *core.RequestEvent) error {
	v, err := buildStatus(e.App, base.Now(e.App))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, v)
}

// panel is the dashboard's "sms" panel: the status view.
func panel(app core.App, now time.Time) (any, error) { return buildStatus(app, now) }

func handleCheck(e *core.RequestEvent) error {
	notifierOf(e.App).forgetStatus()
	return e.JSON(http.StatusAccepted, map[string]any{"ok": true})
}

// outboxItem is one notice as the dashboard lists it.
type outboxItem struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Code     string `json:"code"`
	Dossier  string `json:"dossier"`
	Phone    string `json:"phone"`
	Language string `json:"language"`
	Text     string `json:"text"`
	Parts    int    `json:"parts"`
	Encoding string `json:"encoding"`
	Status   string `json:"status"`
	Attempts int    `json:"attempts"`
	Reason   string `json:"reason"`
	NextTry  string `json:"next_try"`
	SentAt   string `json:"sent_at"`
	Created  string `json:"created"`
	ResentBy string `json:"resent_by"`
	Resend   bool   `json:"can_resend"`
}

var outboxStatuses = []string{statusPending, statusSending, statusSent, statusFailed, statusMaybeSent, statusGivenUp}

// handleOutbox lists the newest notices (?status=… to filter, ?limit= up
// to 200).
func handleOutbox(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	query := e.App.RecordQuery(base.ColSMSOutbox).OrderBy("rowid DESC").Limit(int64(limit))
	if st := q.Get("status"); st != "" {
		if !slices.Contains(outboxStatuses, st) {
			return base.KeyedError(http.StatusBadRequest, "error.sms_status_invalid")
		}
		query = query.AndWhere(dbx.HashExp{"status": st})
	}
	var recs []*core.Record
	if err := query.All(&recs); err != nil {
		return err
	}
	items := make([]outboxItem, 0, len(recs))
	for _, r := range recs {
		items = append(items, itemOf(r))
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

func itemOf(r *core.Record) outboxItem {
	date := func(f string) string {
		t := r.GetDateTime(f).Time()
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	st := r.GetString("status")
	return outboxItem{
		ID: r.Id, Kind: r.GetString("kind"), Code: r.GetString("code"), Dossier: r.GetString("dossier"),
		Phone: maskPhone(r.GetString("phone")), Language: r.GetString("language"), Text: r.GetString("text"),
		Parts: r.GetInt("parts"), Encoding: r.GetString("encoding"), Status: st, Attempts: r.GetInt("attempts"),
		Reason: r.GetString("reason"), NextTry: date("next_try"), SentAt: date("sent_at"), Created: date("created"),
		ResentBy: r.GetString("resent_by"), Resend: resendable(st),
	}
}

// maskPhone shows enough of a number to recognise it: 091***5678.
func maskPhone(p string) string {
	if len(p) < 8 {
		return p
	}
	return p[:3] + "***" + p[len(p)-4:]
}

// resendable: a notice that is not on its way may be sent again by a leader
// (the citizen says it never came, a modem fault was fixed).
func resendable(status string) bool {
	return status == statusFailed || status == statusMaybeSent || status == statusGivenUp || status == statusSent
}

// handleResend puts a notice back in the queue, at its place (it was queued
// first), as if new: tried at once within the hours and the cap.
func handleResend(e *core.RequestEvent) error {
	r, err := e.App.FindRecordById(base.ColSMSOutbox, e.Request.PathValue("id"))
	if err != nil {
		return base.KeyedError(http.StatusNotFound, "error.sms_notice_not_found")
	}
	if !resendable(r.GetString("status")) {
		return base.KeyedError(http.StatusConflict, "error.sms_not_resendable")
	}
	now := base.Now(e.App)
	r.Set("status", statusPending)
	r.Set("attempts", 0)
	r.Set("pending_text", r.GetString("text"))
	r.Set("next_try", "")
	r.Set("reason", "")
	r.Set("error", "")
	r.Set("expires_at", base.DateTime(now.Add(defaultExpiry)))
	who := e.Auth.GetString("name")
	if who == "" {
		who = e.Auth.Email()
	}
	r.Set("resent_by", who+" "+now.UTC().Format(time.RFC3339))
	if err := e.App.Save(r); err != nil {
		return err
	}
	notifierOf(e.App).kick()
	return e.JSON(http.StatusOK, itemOf(r))
}

// handlePorts lists the serial ports, for choosing the modem's.
func handlePorts(e *core.RequestEvent) error {
	ports, err := modem.Ports()
	if err != nil {
		return base.KeyedError(http.StatusServiceUnavailable, "error.sms_ports_unavailable")
	}
	if ports == nil {
		ports = []modem.PortInfo{}
	}
	return e.JSON(http.StatusOK, map[string]any{"ports": ports})
}

// reasonKeys are the catalogue keys of the senders' reasons and the
// outbox's own.
func reasonKey(r string) string { return "sms." + "reason_" + r }

// allReasons are every reason a notice or the sender may show.
func allReasons() []string {
	out := []string{reasonExpired, reasonCancelled, reasonInterrupted, reasonAttempts}
	for _, r := range transport.Reasons() {
		out = append(out, string(r))
	}
	return out
}
