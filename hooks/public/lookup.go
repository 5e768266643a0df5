package public

import (
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/web"
	"motcua/hooks/textnorm"
)

// The citizen's status page: GET /tra-cuu/<code>?k=<key>. A code alone is
// guessable (agency, date, a daily number), so the page opens only with the
// lookup key printed under the receipt's QR. An unknown code, a wrong key and a
// missing key all answer the same 404 page, byte for byte, and each counts as a
// failure of the caller's address: after a few the answers are slowed, after
// more they are refused with 429 until the window passes.

// codePattern is the shape of every dossier code; anything else is a 404
// without a database query.
var codePattern = regexp.MustCompile(`^[0-9A-Za-z.]{1,40}-[0-9]{6}-[0-9]{4}$`)

// statusRow is what the status page reads: one indexed query by code, joined
// with the procedure's names.
type statusRow struct {
	ID            string         `db:"id"`
	Code          string         `db:"code"`
	LookupKey     string         `db:"lookup_key"`
	Status        string         `db:"status"`
	ApplicantName string         `db:"applicant_name"`
	ReceivedAt    types.DateTime `db:"received_at"`
	DueAt         types.DateTime `db:"due_at"`
	ExtendedAt    types.DateTime `db:"extended_at"`
	ProcVI        sql.NullString `db:"proc_vi"`
	ProcKM        sql.NullString `db:"proc_km"`
}

// findStatusRow reads a dossier for the status page by its code (the unique
// idx_dossiers_code index).
func findStatusRow(app core.App, code string) (*statusRow, error) {
	var row statusRow
	err := app.DB().NewQuery(
		"SELECT d.[[id]], d.[[code]], d.[[lookup_key]], d.[[status]], d.[[applicant_name]], d.[[received_at]], d.[[due_at]], d.[[extended_at]], " +
			"p.[[name_vi]] AS proc_vi, p.[[name_km]] AS proc_km " +
			"FROM {{" + base.ColDossiers + "}} d LEFT JOIN {{" + base.ColProcedures + "}} p ON p.[[id]] = d.[[procedure]] " +
			// "code != ''" lets SQLite use the partial unique index on code
			// (without it every status page walked the whole dossiers table).
			"WHERE d.[[code]] = {:code} AND d.[[code]] != '' LIMIT 1",
	).Bind(dbx.Params{"code": code}).One(&row)
	if err != nil {
		return nil, fmt.Errorf("status row: %w", err)
	}
	return &row, nil
}

// statusPage is the data of lookup_status.html.
type statusPage struct {
	web.Page
	Code, Status, Applicant string
	ProcVI, ProcKM          string
	ReceivedAt, DueAt, Now  string
	Overdue                 bool
	// Missing lists what the last supplement request asked the citizen to bring.
	Missing []string
	// Reason is why the dossier was refused or stopped, as the officer wrote it.
	Reason string
	// Extended is set once a leader moved the due date (with an apology letter).
	Extended bool
	// Rating is the one-time satisfaction form, once the result was returned
	// and until the citizen has rated (nil: not shown).
	Rating *RatingForm
}

// lookupMessagePage is the data of the 404 and 429 pages.
type lookupMessagePage struct {
	web.Page
	TitleKey, TextKey string
}

// dummyKey is compared against when the code is unknown, so the answer takes as
// long as with a wrong key.
var dummyKey = []byte("000000000000")

// handleStatusPage serves GET /tra-cuu/{code}?k=<key>.
func handleStatusPage(e *core.RequestEvent) error {
	row, answered, err := guardedLookup(e, e.Request.PathValue("code"), e.Request.URL.Query().Get("k"))
	if answered {
		return err
	}
	p := statusPage{
		Page:   web.NewPage(e, "lookup.title"),
		Code:   row.Code,
		Status: row.Status, Applicant: textnorm.Mask(row.ApplicantName),
		ProcVI: row.ProcVI.String, ProcKM: row.ProcKM.String,
		ReceivedAt: domain.TimeText(row.ReceivedAt.Time()), DueAt: domain.TimeText(row.DueAt.Time()),
		Now:     domain.TimeText(time.Now()),
		Overdue: !row.DueAt.IsZero() && row.DueAt.Time().Before(time.Now()) && openStatus(row.Status),
	}
	p.BodyClass = "lookup"
	if row.Status == domain.StatusSupplementRequested {
		p.Missing = domain.LastMissingPapers(e.App, row.ID)
	}
	p.Reason = closingReason(e.App, row.ID, row.Status)
	p.Extended = !row.ExtendedAt.IsZero() && openStatus(row.Status)
	p.Rating = ratingFormOf(e.App, row.ID, row.Code, row.LookupKey, row.Status, p.Lang)
	if _, known := domain.StatusNumber[p.Status]; !known {
		p.Status = domain.StatusReceived
	}
	h := e.Response.Header()
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
	return web.Render(e, http.StatusOK, "lookup_status.html", p)
}

// statusFor finds the dossier and checks the key in constant time; ok is
// false for an unknown code, a missing key or a wrong key alike.
// guardedLookup checks a code and its key behind the per-address limiter that
// every public page taking a key shares (status page, rating form): a failure
// counts against the address and gets the same 404 page, too many get 429.
// When answered is true the response has been written (err is render's).
func guardedLookup(e *core.RequestEvent, code, key string) (row *statusRow, answered bool, err error) {
	lim := lookupLimiter(e.App)
	ip := e.RealIP()
	delay, refuse := lim.check(ip)
	if refuse {
		e.Response.Header().Set("Retry-After", strconv.Itoa(int(lim.window.Seconds())))
		return nil, true, renderLookupMessage(e, http.StatusTooManyRequests, "lookup.too_many_title", "lookup.too_many")
	}
	if delay > 0 {
		lim.sleep(delay)
	}
	row, ok := statusFor(e.App, code, key)
	if !ok {
		if answered, err := pendingPaper(e, code, key); answered {
			return nil, true, err
		}
		lim.fail(ip)
		return nil, true, renderLookupMessage(e, http.StatusNotFound, "lookup.not_found_title", "lookup.not_found")
	}
	return row, false, nil
}

func statusFor(app core.App, code, key string) (*statusRow, bool) {
	if !codePattern.MatchString(code) || len(key) > 64 {
		subtle.ConstantTimeCompare(dummyKey, []byte(key))
		return nil, false
	}
	row, err := findStatusRow(app, code)
	if err != nil {
		if !errors.Is(err, sql.ErrNoRows) {
			app.Logger().Error("status page", "error", err)
		}
		subtle.ConstantTimeCompare(dummyKey, []byte(key))
		return nil, false
	}
	if key == "" || row.LookupKey == "" || subtle.ConstantTimeCompare([]byte(row.LookupKey), []byte(key)) != 1 {
		return nil, false
	}
	return row, true
}

// openStatus reports statuses in which the office still owes the citizen a
// result, so a passed due date means late.
func openStatus(s string) bool {
	return s == domain.StatusReceived || s == domain.StatusProcessing || s == domain.StatusNew
}

// renderLookupMessage renders the 404 or 429 page. It is bilingual and takes
// nothing from the request (no language, no query string), so every failed
// lookup gets the same bytes whatever was guessed.
func renderLookupMessage(e *core.RequestEvent, status int, titleKey, textKey string) error {
	p := lookupMessagePage{
		Page:     web.Page{Lang: "vi", Title: i18n.T("vi", "lookup.title"), Office: domain.OfficeViewOf(e.App), BodyClass: "lookup"},
		TitleKey: titleKey, TextKey: textKey,
	}
	h := e.Response.Header()
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
	return web.Render(e, status, "lookup_message.html", p)
}

// lookupFormPage is the data of lookup_form.html.
type lookupFormPage struct {
	web.Page
	Code string
}

// handleLookupForm serves GET /tra-cuu: a form to type the code and key (a
// damaged QR, the lobby kiosk). Submitted, it redirects to the status URL.
func handleLookupForm(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	code := strings.ToUpper(strings.TrimSpace(q.Get("code")))
	key := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(q.Get("k")), " ", ""))
	if code != "" && key != "" {
		return e.Redirect(http.StatusSeeOther, "/tra-cuu/"+url.PathEscape(code)+"?k="+url.QueryEscape(key))
	}
	p := lookupFormPage{Page: web.NewPage(e, "lookup.title"), Code: code}
	p.BodyClass = "lookup"
	return web.Render(e, http.StatusOK, "lookup_form.html", p)
}

// failLimiter counts failed lookups per address in a fixed window: from
// slowAfter failures each answer waits a little longer (step per failure, up
// to maxDelay), from refuseAfter it is refused until the window ends. It lives
// in memory: a restart forgets, which is fine for slowing down guessing.
type failLimiter struct {
	mu          sync.Mutex
	fails       map[string]*failCount
	window      time.Duration
	slowAfter   int
	refuseAfter int
	step        time.Duration
	maxDelay    time.Duration
	maxEntries  int
	now         func() time.Time
	sleep       func(time.Duration)
}

type failCount struct {
	n     int
	since time.Time
}

func newFailLimiter() *failLimiter {
	return &failLimiter{
		fails: map[string]*failCount{}, window: 15 * time.Minute,
		slowAfter: 5, refuseAfter: 20, step: 250 * time.Millisecond, maxDelay: 3 * time.Second,
		maxEntries: 10000, now: time.Now, sleep: time.Sleep,
	}
}

const lookupLimiterKey = "motcua.lookupLimiter"

// lookupLimiter is the app's one failure limiter for the status page.
func lookupLimiter(app core.App) *failLimiter {
	return app.Store().GetOrSet(lookupLimiterKey, func() any { return newFailLimiter() }).(*failLimiter)
}

// check says how long to hold this address's request, or to refuse it.
func (l *failLimiter) check(ip string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.fails[ip]
	if c == nil {
		return 0, false
	}
	if l.now().Sub(c.since) > l.window {
		delete(l.fails, ip)
		return 0, false
	}
	if c.n >= l.refuseAfter {
		return 0, true
	}
	if c.n >= l.slowAfter {
		d := time.Duration(c.n-l.slowAfter+1) * l.step
		return min(d, l.maxDelay), false
	}
	return 0, false
}

// fail records a failed lookup from ip.
func (l *failLimiter) fail(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.fails[ip]
	if c == nil || now.Sub(c.since) > l.window {
		if len(l.fails) >= l.maxEntries {
			l.prune(now)
		}
		c = &failCount{since: now}
		l.fails[ip] = c
	}
	c.n++
}

// prune drops expired entries, and all of them if none had expired, so an
// address flood cannot grow memory without bound.
func (l *failLimiter) prune(now time.Time) {
	for ip, c := range l.fails {
		if now.Sub(c.since) > l.window {
			delete(l.fails, ip)
		}
	}
	if len(l.fails) >= l.maxEntries {
		clear(l.fails)
	}
}

// bindLookupRoutes serves the public status page and its form.
func bindLookupRoutes(se *core.ServeEvent) error {
	se.Router.GET("/tra-cuu", handleLookupForm)
	se.Router.GET("/tra-cuu/{code}", handleStatusPage)
	return nil
}
