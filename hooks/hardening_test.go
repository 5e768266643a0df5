package hooks

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/logger"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// flushLogs writes PocketBase's batched request logs now.
func flushLogs(t *testing.T, l *slog.Logger) {
	t.Helper()
	h, ok := l.Handler().(*logger.BatchHandler)
	if !ok {
		t.Fatalf("logger handler is %T", l.Handler())
	}
	if err := h.WriteAll(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestLookupKeyNotLogged: a citizen's status-page URL (and a page's referer
// carrying it) reaches the request log without the lookup key.
func TestLookupKeyNotLogged(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	app.Settings().Logs.MaxDays = 5 // test apps keep no logs by default; an office keeps 5 days
	url := testkit.StartServer(t, app)
	const key = "s3cretlookupk3y"
	req, _ := http.NewRequest("GET", url+"/tra-cuu/000.00.00.H00-260302-0001?k="+key+"&lang=km", nil)
	req.Header.Set("Referer", url+"/tra-cuu/000.00.00.H00-260302-0001?lang=vi&k="+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	var rows []struct {
		Message string `db:"message"`
		Data    string `db:"data"`
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(rows) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		flushLogs(t, app.Logger())
		if err := app.AuxDB().NewQuery("SELECT message, data FROM _logs WHERE message LIKE '%tra-cuu%'").All(&rows); err != nil {
			t.Fatal(err)
		}
	}
	if len(rows) == 0 {
		t.Fatal("the status-page request was not logged at all")
	}
	for _, r := range rows {
		all := r.Message + " " + r.Data
		if strings.Contains(all, key) {
			t.Errorf("lookup key in the log: %s", all)
		}
		if !strings.Contains(r.Data, "k="+base.RedactedValue) || !strings.Contains(r.Data, "lang=km") || !strings.Contains(r.Message, "?k="+base.RedactedValue) {
			t.Errorf("log line not redacted as expected (k hidden, other params kept): %s", all)
		}
	}
}

func TestRedactSecrets(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/tra-cuu/X?k=abc":              "/tra-cuu/X?k=[redacted]",
		"/tra-cuu/X?lang=km&k=abc#top":  "/tra-cuu/X?lang=km&k=[redacted]#top",
		"/api/files/a/b/c.pdf?token=ey": "/api/files/a/b/c.pdf?token=[redacted]",
		"/thu-tuc?kind=1&q=k=1":         "/thu-tuc?kind=1&q=k=1",
		"/x?key=1&keep=2":               "/x?key=[redacted]&keep=2",
	}
	for in, want := range cases {
		if got := base.RedactSecrets(in); got != want {
			t.Errorf("redactSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSignInRateLimited: repeated bad sign-ins from one address get 429, for
// staff and for the superuser dashboard's sign-in alike.
func TestSignInRateLimited(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	if !app.Settings().RateLimits.Enabled {
		t.Fatal("rate limits are off")
	}
	testkit.MakeStaff(t, app, base.RoleReception, "target.user")
	mux := testkit.NewMux(t, app)
	for _, col := range []string{base.ColStaff, "_superusers"} {
		var codes []int
		for i := 0; i < 15; i++ {
			res := testkit.Do(mux, http.MethodPost, "/api/collections/"+col+"/auth-with-password", "",
				`{"identity":"target.user","password":"guess`+fmt.Sprint(i)+`"}`)
			codes = append(codes, res.Code)
		}
		if codes[0] != http.StatusBadRequest {
			t.Errorf("%s: first bad sign-in answered %d, want 400", col, codes[0])
		}
		if codes[len(codes)-1] != http.StatusTooManyRequests {
			t.Errorf("%s: the 15th bad sign-in in a row answered %d, want 429 (%v)", col, codes[len(codes)-1], codes)
		}
		first429 := -1
		for i, c := range codes {
			if c == http.StatusTooManyRequests {
				first429 = i
				break
			}
		}
		if first429 != 10 {
			t.Errorf("%s: first 429 at attempt %d, want 11th (10 a minute): %v", col, first429+1, codes)
		}
	}
	// Intake is not limited: many creates in a row still go through the rules.
	for i := 0; i < 40; i++ {
		if res := testkit.Do(mux, http.MethodPost, "/api/collections/dossiers/records", "", `{}`); res.Code == http.StatusTooManyRequests {
			t.Fatalf("create %d rate limited", i)
		}
	}
}

// TestDashboardClosedToStaff: a staff token, even a leader's, reaches none of
// the superuser's APIs (the dashboard at /_/ is only a page; its data comes from
// these).
func TestDashboardClosedToStaff(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	su := testkit.SuperuserToken(t, app)
	for _, role := range []string{base.RoleReception, base.RoleProcessor, base.RoleLeader, base.RoleField} {
		s := testkit.MakeStaff(t, app, role, "dash."+role)
		for _, path := range []string{
			"GET /api/collections", "GET /api/collections/dossiers", "POST /api/collections",
			"GET /api/settings", "PATCH /api/settings", "GET /api/logs", "GET /api/logs/stats",
			"GET /api/backups", "POST /api/backups", "GET /api/crons", "GET /api/collections/_superusers/records",
			"GET /api/collections/backup_runs/records",
		} {
			method, url, _ := strings.Cut(path, " ")
			res := testkit.Do(mux, method, url, s.Token, `{}`)
			if res.Code == http.StatusOK || res.Code == http.StatusNoContent {
				t.Errorf("%s: %s answered %d: %.200s", role, path, res.Code, res.Body.String())
			}
			if url != "/api/collections/_superusers/records" && url != "/api/collections/backup_runs/records" &&
				res.Code != http.StatusUnauthorized && res.Code != http.StatusForbidden {
				t.Errorf("%s: %s answered %d, want 401/403", role, path, res.Code)
			}
		}
	}
	// The same calls work for the superuser, so the test can tell.
	for _, url := range []string{"/api/collections", "/api/settings", "/api/logs", "/api/backups"} {
		if res := testkit.Do(mux, http.MethodGet, url, su, ""); res.Code != http.StatusOK {
			t.Errorf("superuser %s: %d", url, res.Code)
		}
	}
}
