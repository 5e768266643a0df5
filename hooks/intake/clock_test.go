package intake

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// post sends body to the real server at url with the staff token.
func post(t *testing.T, url, token, contentType string, body io.Reader) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// multipartIntake is the intake body as the page sends it with scans: the
// fields in @jsonPayload and one PDF (PocketBase's record create path).
func multipartIntake(t *testing.T, body string) (string, io.Reader) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("@jsonPayload", body)
	f, _ := w.CreateFormFile("scans", "giay-khai-sinh.pdf")
	_, _ = f.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	_ = w.Close()
	return w.FormDataContentType(), &buf
}

// TestIntakeRefusesWrongClock, over HTTP against a real server: with the PC's
// clock set back (a flat battery: 2000; or a day) or far ahead (a month typed
// wrong), both intake paths (JSON, and multipart with a scan) refuse with the
// keyed "check the PC's date and time" in Vietnamese and Khmer and write
// nothing (no dossier, no event, no code taken); a clock a few days on is
// fine; back to the real clock, intake works.
func TestIntakeRefusesWrongClock(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "clock.reception")
	url := testkit.StartServer(t, app) + testkit.DossiersURL
	body := testkit.IntakeBody(testkit.ProcByCode(t, app, "1.001193").Id, nil)
	if code, out := post(t, url, rec.Token, "application/json", strings.NewReader(body)); code != http.StatusOK {
		t.Fatalf("intake with the real clock: %d %v", code, out)
	}
	written := func() [3]int64 {
		var n [3]int64
		n[0], _ = app.CountRecords(base.ColDossiers)
		n[1], _ = app.CountRecords(base.ColDossierEvents)
		var last int64
		_ = app.DB().NewQuery("SELECT COALESCE(SUM([[last]]), 0) FROM {{" + base.ColDossierSequence + "}}").Row(&last)
		n[2] = last
		return n
	}
	before := written()
	cases := []struct {
		name  string
		clock time.Time
		key   string
	}{
		{"battery flat (2000)", time.Date(2000, 1, 1, 8, 0, 0, 0, base.Zone), "error.clock_behind"},
		{"a day back", time.Now().Add(-24 * time.Hour), "error.clock_behind"},
		{"a month ahead", time.Now().AddDate(0, 1, 3), "error.clock_ahead"},
		{"two years ahead", time.Now().AddDate(2, 0, 0), "error.clock_ahead"},
	}
	for _, c := range cases {
		testkit.SetClock(app, c.clock)
		for _, path := range []string{"json", "multipart"} {
			ct, r := "application/json", io.Reader(strings.NewReader(body))
			if path == "multipart" {
				ct, r = multipartIntake(t, body)
			}
			code, out := post(t, url, rec.Token, ct, r)
			data, _ := out["data"].(map[string]any)
			if code != http.StatusConflict || data["key"] != c.key {
				t.Errorf("%s, %s: %d %v, want 409 %s", c.name, path, code, out, c.key)
				continue
			}
			vi, _ := data["vi"].(string)
			km, _ := data["km"].(string)
			if !strings.Contains(vi, "kiểm tra ngày giờ của máy tính") || !strings.Contains(km, "សូមពិនិត្យកាលបរិច្ឆេទ និងម៉ោងរបស់កុំព្យូទ័រ") {
				t.Errorf("%s, %s: message vi %q km %q", c.name, path, vi, km)
			}
		}
		if got := written(); got != before {
			t.Errorf("%s: refused, yet dossiers/events/sequence went %v → %v", c.name, before, got)
		}
	}
	// Back to the real clock: both paths work again.
	testkit.ResetClock(app)
	if code, out := post(t, url, rec.Token, "application/json", strings.NewReader(body)); code != http.StatusOK {
		t.Errorf("real clock again, json: %d %v", code, out)
	}
	ct, r := multipartIntake(t, body)
	if code, out := post(t, url, rec.Token, ct, r); code != http.StatusOK {
		t.Errorf("real clock again, multipart: %d %v", code, out)
	}
	// A few days on (a long weekend) is no reason to refuse.
	testkit.SetClock(app, time.Now().Add(4*24*time.Hour))
	if code, out := post(t, url, rec.Token, "application/json", strings.NewReader(body)); code != http.StatusOK {
		t.Errorf("four days on: %d %v", code, out)
	}
}
