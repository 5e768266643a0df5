package public

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/textnorm"
)

// privateBits are the applicant data the public page must never show.
func privateBits(d *domain.Dossier) []string {
	return []string{
		d.GetString("applicant_id_number"), d.GetString("applicant_old_id"), d.GetString("applicant_phone"),
		d.GetString("applicant_address"), "Mỹ Hòa", "1990", "15/08", d.GetString("applicant_name"),
	}
}

// TestStatusPage: with the right key the page shows code, procedure, dates and
// the status explained in Vietnamese and Khmer for every status, the name
// masked, and nothing private.
func TestStatusPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "st.reception")
	d := testkit.IntakeOne(t, app, mux, rec.Token)
	url := "/tra-cuu/" + d.Code() + "?k=" + d.LookupKey()
	for status := range domain.StatusNumber {
		d.Set("status", status)
		if err := app.Save(d.Record); err != nil {
			t.Fatal(err)
		}
		res := testkit.Do(mux, http.MethodGet, url, "", "")
		body := res.Body.String()
		if res.Code != http.StatusOK {
			t.Fatalf("%s: status %d", status, res.Code)
		}
		for _, want := range []string{
			d.Code(), "Đăng ký khai sinh", "ការចុះបញ្ជីកំណើត", textnorm.Mask("Thạch Thị Sa Ry"),
			i18n.T("vi", "track_status."+status), i18n.T("km", "track_status."+status),
			i18n.T("vi", "track_next."+status), i18n.T("km", "track_next."+status),
			d.ReceivedAt().In(base.Zone).Format("02/01/2006"), d.DueAt().In(base.Zone).Format("02/01/2006 15:04"),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", status, want)
			}
		}
		for _, p := range privateBits(d) {
			if p != "" && strings.Contains(body, p) {
				t.Errorf("%s: page leaks %q", status, p)
			}
		}
		if res.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", status, res.Header().Get("Referrer-Policy"))
		}
	}
	// Khmer first when asked.
	res := testkit.Do(mux, http.MethodGet, url+"&lang=km", "", "")
	if !strings.Contains(res.Body.String(), `<html lang="km">`) {
		t.Error("?lang=km not honoured")
	}
}

// TestStatusPageSame404: unknown code, wrong key, missing key, a key of
// another dossier and junk all get the same 404 page, byte for byte.
func TestStatusPageSame404(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "nf.reception")
	d := testkit.IntakeOne(t, app, mux, rec.Token)
	d2 := testkit.IntakeOne(t, app, mux, rec.Token)
	lookupLimiter(app).refuseAfter = 1000
	lookupLimiter(app).sleep = func(time.Duration) {}
	urls := []string{
		"/tra-cuu/" + d.Code() + "?k=wrongwrongwr",
		"/tra-cuu/" + d.Code(),
		"/tra-cuu/" + d.Code() + "?k=",
		"/tra-cuu/" + d.Code() + "?k=" + d2.LookupKey(),
		"/tra-cuu/" + d.Code() + "?k=" + strings.ToUpper(d.LookupKey()),
		"/tra-cuu/" + strings.Replace(d.Code(), "-0001", "-0999", 1) + "?k=" + d.LookupKey(),
		"/tra-cuu/nonsense?k=" + d.LookupKey(),
		"/tra-cuu/" + url.PathEscape("'; DROP TABLE dossiers; --") + "?k=x",
		"/tra-cuu/" + d.Code() + "?k=" + d.LookupKey() + "x",
		"/tra-cuu/" + d.Code() + "?k=" + d.LookupKey()[:11],
	}
	var first string
	for i, u := range urls {
		res := testkit.Do(mux, http.MethodGet, u, "", "")
		if res.Code != http.StatusNotFound {
			t.Fatalf("%s: status %d", u, res.Code)
		}
		body := res.Body.String()
		if i == 0 {
			first = body
			if !strings.Contains(body, i18n.T("vi", "lookup.not_found")) || !strings.Contains(body, i18n.T("km", "lookup.not_found")) {
				t.Errorf("404 page not bilingual: %s", body)
			}
			continue
		}
		if body != first {
			t.Errorf("%s: 404 body differs from the first one", u)
		}
	}
	if strings.Contains(first, d.Code()) {
		t.Error("404 page echoes the code")
	}
	// The right key still works.
	if res := testkit.Do(mux, http.MethodGet, "/tra-cuu/"+d.Code()+"?k="+d.LookupKey(), "", ""); res.Code != http.StatusOK {
		t.Errorf("right key: %d", res.Code)
	}
}

// TestStatusPageLimiter: failures from one address are slowed from the 5th
// and refused with 429 from the 20th; another address is not affected; the
// window passing forgives.
func TestStatusPageLimiter(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "lim.reception")
	d := testkit.IntakeOne(t, app, mux, rec.Token)
	lim := lookupLimiter(app)
	var mu sync.Mutex
	var slept []time.Duration
	lim.sleep = func(d time.Duration) { mu.Lock(); slept = append(slept, d); mu.Unlock() }
	clock := time.Now()
	lim.now = func() time.Time { return clock }
	get := func(ip, u string) int {
		req := testkit.HTTPRequest(http.MethodGet, u)
		req.RemoteAddr = ip + ":40000"
		return testkit.Serve(mux, req).Code
	}
	wrong := "/tra-cuu/" + d.Code() + "?k=guessguessgu"
	for i := 1; i <= 20; i++ {
		if c := get("10.0.0.7", wrong); c != http.StatusNotFound {
			t.Fatalf("failure %d: status %d", i, c)
		}
	}
	if len(slept) != 15 || slept[0] != 250*time.Millisecond || slept[14] != 3*time.Second {
		t.Errorf("delays %v, want 15 growing from 250ms to 3s", slept)
	}
	if c := get("10.0.0.7", wrong); c != http.StatusTooManyRequests {
		t.Errorf("21st failure: %d, want 429", c)
	}
	// Even the right key is refused while the address is blocked.
	right := "/tra-cuu/" + d.Code() + "?k=" + d.LookupKey()
	if c := get("10.0.0.7", right); c != http.StatusTooManyRequests {
		t.Errorf("blocked address with right key: %d", c)
	}
	if c := get("10.0.0.8", right); c != http.StatusOK {
		t.Errorf("other address: %d", c)
	}
	clock = clock.Add(16 * time.Minute)
	if c := get("10.0.0.7", right); c != http.StatusOK {
		t.Errorf("after the window: %d", c)
	}
}

// TestLookupForm: the form page is bilingual and redirects to the status URL.
func TestLookupForm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodGet, "/tra-cuu", "", "")
	if res.Code != 200 || !strings.Contains(res.Body.String(), i18n.T("km", "lookup.form_intro")) || !strings.Contains(res.Body.String(), `name="k"`) {
		t.Fatalf("form: %d", res.Code)
	}
	res = testkit.Do(mux, http.MethodGet, "/tra-cuu?code=+000.00.07.h60-260818-0001+&k=AB3C+D4EF", "", "")
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/tra-cuu/000.00.07.H60-260818-0001?k=ab3cd4ef" {
		t.Errorf("redirect %d %q", res.Code, res.Header().Get("Location"))
	}
}

// FuzzStatusPage: whatever code and key are asked for, the page never fails
// with a 500 and never shows private data; only the right pair shows the page.
func FuzzStatusPage(f *testing.F) {
	app := newTestApp(f)
	mux := testkit.NewMux(f, app)
	rec := testkit.MakeStaff(f, app, base.RoleReception, "fz.reception")
	d := testkit.IntakeOne(f, app, mux, rec.Token)
	lim := lookupLimiter(app)
	lim.sleep = func(time.Duration) {}
	lim.refuseAfter = 1 << 30
	f.Add(d.Code(), d.LookupKey())
	f.Add(d.Code(), "")
	f.Add(d.Code(), d.LookupKey()+"\x00")
	f.Add("", "")
	f.Add("000.00.00.H00-000000-0000", "%")
	f.Add("ខ្មែរ-260818-0001", "ក")
	f.Add(strings.Repeat("9", 500), strings.Repeat("k", 500))
	f.Fuzz(func(t *testing.T, code, key string) {
		u := "/tra-cuu/" + url.PathEscape(code) + "?k=" + url.QueryEscape(key)
		if code == "" {
			u = "/tra-cuu/?k=" + url.QueryEscape(key)
		}
		req := testkit.HTTPRequest(http.MethodGet, "/")
		parsed, err := url.Parse(u)
		if err != nil {
			return
		}
		req.URL = parsed
		req.RequestURI = parsed.RequestURI()
		res := testkit.Serve(mux, req)
		if res.Code >= 500 {
			t.Fatalf("%q %q: status %d", code, key, res.Code)
		}
		body := res.Body.String()
		for _, p := range privateBits(d) {
			if p != "" && strings.Contains(body, p) {
				t.Fatalf("%q %q: body leaks %q", code, key, p)
			}
		}
		right := code == d.Code() && key == d.LookupKey()
		if right != (res.Code == http.StatusOK) {
			t.Fatalf("%q %q: status %d, right pair=%v", code, key, res.Code, right)
		}
	})
}

// TestRatingFormSharesLookupLimiter: the public rating form takes a code and a
// key too, so guessing there counts against the same per-address limit and gets
// the same 404 page as the status page; after 20 failures even the right key is
// refused (429) until the window ends.
func TestRatingFormSharesLookupLimiter(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "rate.lim.reception")
	d := testkit.IntakeOne(t, app, mux, rec.Token)
	lookupLimiter(app).sleep = func(time.Duration) {}
	statusBody := testkit.Do(mux, http.MethodGet, "/tra-cuu/"+d.Code()+"?k=guessguessgu", "", "").Body.String()
	for i := 1; i <= 19; i++ {
		res := testkit.DoForm(mux, "/tra-cuu/"+d.Code()+"/danh-gia", "k=guessguessgu&score=5&scale=5")
		if res.Code != http.StatusNotFound || res.Body.String() != statusBody {
			t.Fatalf("wrong key %d: status %d, same 404 page as the status page: %v", i, res.Code, res.Body.String() == statusBody)
		}
	}
	if res := testkit.DoForm(mux, "/tra-cuu/"+d.Code()+"/danh-gia", "k="+d.LookupKey()+"&score=5&scale=5"); res.Code != http.StatusTooManyRequests {
		t.Errorf("after 20 failures from one address: status %d, want 429", res.Code)
	}
	if n, _ := app.CountRecords("ratings"); n != 0 {
		t.Errorf("%d ratings saved from guesses", n)
	}
}
