package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/hooks/sms/pdu"
	"motcua/hooks/sms/transport"
)

// A text with everything a template must escape: quotes, a backslash, a
// new line, an ampersand, Khmer.
const tricky = "Hồ sơ \"000.00.07.H60-260818-0001\" \\ đã nhận & hẹn 25/08\nឯកសាររបស់អ្នកត្រូវបានទទួលហើយ។"

// recorder is a gateway stand-in that keeps what it received.
type recorder struct {
	mu   sync.Mutex
	reqs []received
}

type received struct {
	method, path, query, contentType, auth string
	body                                   []byte
}

func (r *recorder) record(req *http.Request) received {
	body, _ := io.ReadAll(req.Body)
	rec := received{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Get("Content-Type"), req.Header.Get("Authorization"), body}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	return rec
}

func (r *recorder) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// server answers every request with status and body.
func server(t *testing.T, status int, body string) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec.record(req)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func newGateway(t *testing.T, cfg Config) *Gateway {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

func reasonOf(t *testing.T, err error) *transport.Error {
	t.Helper()
	var e *transport.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *transport.Error", err, err)
	}
	return e
}

const jsonBody = `{"to":"{{.PhoneIntl}}","plus":"{{.PhonePlus}}","raw":"{{.Phone}}","text":"{{.Text}}","ref":"{{.ID}}"}`

func TestSendJSON(t *testing.T) {
	srv, rec := server(t, http.StatusOK, `{"CodeResult":"100","SMSID":"abc"}`)
	g := newGateway(t, Config{
		URL:     srv.URL + "/api/send",
		Headers: map[string]string{"Authorization": "Bearer secret-key"},
		Body:    jsonBody,
		Success: `"CodeResult":"100"`,
	})
	res, err := g.Send(context.Background(), "0912345678", tricky)
	if err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.path != "/api/send" || r.contentType != "application/json" || r.auth != "Bearer secret-key" {
		t.Errorf("request %s %s, %q, %q", r.method, r.path, r.contentType, r.auth)
	}
	var got map[string]string
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.body)
	}
	want := map[string]string{"to": "84912345678", "plus": "+84912345678", "raw": "0912345678", "text": tricky, "ref": res.MessageID}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	wantParts, _ := pdu.Parts(tricky)
	if len(res.MessageID) != 32 || res.Parts != wantParts || res.Encoding != "" {
		t.Errorf("result %+v", res)
	}
	st, err := g.Status(context.Background())
	if err != nil || !st.Ready || st.Kind != "gateway" || st.Device != strings.TrimPrefix(srv.URL, "http://") {
		t.Errorf("status %+v, %v", st, err)
	}
	// Each message has its own id.
	res2, err := g.Send(context.Background(), "0912345678", "Ket qua da co")
	if err != nil || res2.MessageID == res.MessageID {
		t.Errorf("second id %q (first %q), %v", res2.MessageID, res.MessageID, err)
	}
}

func TestSendForm(t *testing.T) {
	srv, rec := server(t, http.StatusAccepted, "queued")
	g := newGateway(t, Config{
		URL:         srv.URL + "/send",
		ContentType: "application/x-www-form-urlencoded",
		Body:        "phone={{.PhoneIntl}}&message={{.Text}}&id={{.ID}}",
	})
	res, err := g.Send(context.Background(), "0912345678", tricky)
	if err != nil {
		t.Fatal(err)
	}
	r := rec.all()[0]
	req, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(string(r.body)))
	req.Header.Set("Content-Type", r.contentType)
	if err := req.ParseForm(); err != nil {
		t.Fatal(err)
	}
	if req.Form.Get("phone") != "84912345678" || req.Form.Get("message") != tricky || req.Form.Get("id") != res.MessageID {
		t.Errorf("form %v", req.Form)
	}
}

func TestSendGETQuery(t *testing.T) {
	srv, rec := server(t, http.StatusOK, "OK")
	g := newGateway(t, Config{
		URL:    srv.URL + "/send?to={{.PhonePlus}}&text={{.Text}}",
		Method: "get",
	})
	if _, err := g.Send(context.Background(), "0912345678", tricky); err != nil {
		t.Fatal(err)
	}
	r := rec.all()[0]
	req, _ := http.NewRequest(http.MethodGet, "/send?"+r.query, nil)
	if r.method != http.MethodGet || len(r.body) != 0 || req.URL.Query().Get("to") != "+84912345678" || req.URL.Query().Get("text") != tricky {
		t.Errorf("GET %q, body %q", r.query, r.body)
	}
}

func TestRejected(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		success string
		code    int
		raw     string
	}{
		{"bad request", http.StatusBadRequest, `{"error":"invalid phone"}`, "", 400, "invalid phone"},
		{"unauthorised", http.StatusUnauthorized, "bad key", "", 401, "bad key"},
		{"server error", http.StatusServiceUnavailable, "maintenance", "", 503, "HTTP 503: maintenance"},
		{"200 with an error code", http.StatusOK, `{"CodeResult":"99","ErrorMessage":"Balance not enough"}`, `"CodeResult":"100"`, 200, "Balance not enough"},
		{"redirect not followed", http.StatusFound, "", "", 302, "HTTP 302"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := server(t, tt.status, tt.body)
			g := newGateway(t, Config{URL: srv.URL, Body: jsonBody, Success: tt.success})
			_, err := g.Send(context.Background(), "0912345678", "Ho so da tiep nhan")
			e := reasonOf(t, err)
			if e.Reason != transport.ReasonRejected || e.Code != tt.code || !strings.Contains(e.Raw, tt.raw) || e.MaybeSent {
				t.Errorf("error %+v", e)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows a header: %v", err)
			}
			st, _ := g.Status(context.Background())
			if st.Ready || st.Reason != transport.ReasonRejected {
				t.Errorf("status after a rejection %+v", st)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	g := newGateway(t, Config{URL: srv.URL, Body: jsonBody, Timeout: 200 * time.Millisecond})
	_, err := g.Send(context.Background(), "0912345678", "Ho so da tiep nhan")
	e := reasonOf(t, err)
	if e.Reason != transport.ReasonTimeout || !e.MaybeSent {
		t.Errorf("error %+v", e)
	}
	// The caller's context ends it too.
	g2 := newGateway(t, Config{URL: srv.URL, Body: jsonBody, Timeout: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := g2.Send(ctx, "0912345678", "x"); reasonOf(t, err).Reason != transport.ReasonTimeout {
		t.Errorf("context deadline: %v", err)
	}
}

func TestHugeAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A success marker only after 1 MiB of padding, and 8 MiB in all.
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for i := 0; i < 16; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"ok":true`)
		for i := 0; i < 112; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	g := newGateway(t, Config{URL: srv.URL, Body: jsonBody, Success: `"ok":true`, MaxResponse: 4096})
	_, err := g.Send(context.Background(), "0912345678", "x")
	if e := reasonOf(t, err); e.Reason != transport.ReasonRejected || len(e.Raw) > 400 {
		t.Errorf("marker past the read limit: %v (raw %d bytes)", e, len(e.Raw))
	}
	// Without a marker the status decides, and the rest is not read.
	g2 := newGateway(t, Config{URL: srv.URL, Body: jsonBody, MaxResponse: 4096})
	if _, err := g2.Send(context.Background(), "0912345678", "x"); err != nil {
		t.Errorf("2xx with a huge body: %v", err)
	}
}

func TestNetworkDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	g := newGateway(t, Config{URL: url, Body: jsonBody})
	_, err := g.Send(context.Background(), "0912345678", "x")
	if e := reasonOf(t, err); e.Reason != transport.ReasonNetwork || e.MaybeSent {
		t.Errorf("error %+v", e)
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	srv, rec := server(t, http.StatusOK, "")
	g := newGateway(t, Config{URL: srv.URL, Body: jsonBody, MaxParts: 3})
	for _, tt := range []struct {
		to, text string
		reason   transport.Reason
	}{
		{"12", "x", transport.ReasonBadNumber},
		{"09x2345678", "x", transport.ReasonBadNumber},
		{"0912345678", strings.Repeat("ក", 67*3+1), transport.ReasonTooLong},
		{"0912345678", "a\xffb", transport.ReasonTooLong},
	} {
		_, err := g.Send(context.Background(), tt.to, tt.text)
		if e := reasonOf(t, err); e.Reason != tt.reason || !e.Reason.Permanent() {
			t.Errorf("Send(%q, %d bytes): %v", tt.to, len(tt.text), err)
		}
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests made", n)
	}
	if st, _ := g.Status(context.Background()); !st.Ready {
		t.Errorf("a refused message made the gateway not ready: %+v", st)
	}
}

func TestBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no URL":       {Body: jsonBody},
		"relative URL": {URL: "/send", Body: jsonBody},
		"ftp URL":      {URL: "ftp://example.org/", Body: jsonBody},
		"method":       {URL: "http://example.org/", Method: "DELETE", Body: jsonBody},
		"body parse":   {URL: "http://example.org/", Body: "{{.Text"},
		"body field":   {URL: "http://example.org/", Body: "{{.Nope}}"},
		"URL parse":    {URL: "http://example.org/{{", Body: jsonBody},
		"content type": {URL: "http://example.org/", Body: jsonBody, ContentType: "json; ;"},
	} {
		_, err := New(cfg)
		if e := reasonOf(t, err); e.Reason != transport.ReasonConfig {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestJSONEscape(t *testing.T) {
	for in, want := range map[string]string{
		`a"b`:     `a\"b`,
		`a\b`:     `a\\b`,
		"a\nb\tc": `a\nb\tc`,
		"<&>":     "<&>",
		"ឯកសារ":   "ឯកសារ",
		"\x01":    `\u0001`,
		"\u2028":  `\u2028`,
	} {
		if got := jsonEscape(in); got != want {
			t.Errorf("jsonEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
