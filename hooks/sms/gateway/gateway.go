// Package gateway sends SMS through an HTTP gateway, for offices or
// provinces that have an SMS brandname contract with an operator or an SMS
// company. Gateways differ in every detail, so nothing is assumed: the URL,
// the method, the headers and the body are configured, the body (and the
// URL) being Go text/templates filled with the phone, the text and a message
// id. Success is a 2xx answer, optionally one whose body contains a given
// marker (many gateways answer 200 with an error code in the body).
//
// A Gateway is a transport.Sender, so the outbox treats it like the modem.
package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"motcua/hooks/sms/pdu"
	"motcua/hooks/sms/transport"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds a whole exchange with the gateway.
	DefaultTimeout = 20 * time.Second
	// DefaultMaxResponse is how much of an answer is read.
	DefaultMaxResponse = 64 << 10
	// DefaultContentType is the type of the body.
	DefaultContentType = "application/json"
)

// Config describes a gateway.
type Config struct {
	// URL is where to send, http or https. It is a template too, with the
	// fields URL-escaped, for gateways that take the message in the query.
	URL string
	// Method is POST (the default), PUT or GET (GET sends no body).
	Method string
	// Headers are added to each request (an API key, Authorization). They
	// are never logged nor put in errors.
	Headers map[string]string
	// ContentType of the body; DefaultContentType (JSON) when empty. It
	// decides how fields are escaped in Body: JSON string escaping for a
	// JSON type (write "{{.Text}}" inside quotes), URL escaping for
	// application/x-www-form-urlencoded, none otherwise.
	ContentType string
	// Body is the template of the request body. Its fields are those of
	// Fields: {{.Phone}}, {{.PhoneIntl}}, {{.PhonePlus}}, {{.Text}}, {{.ID}}.
	Body string
	// Success, when set, must appear in the answer's body (within its first
	// MaxResponse bytes) for a 2xx answer to count as sent.
	Success string
	// Timeout bounds the whole exchange (DefaultTimeout, 20 s).
	Timeout time.Duration
	// MaxResponse is how much of the answer is read (DefaultMaxResponse,
	// 64 KiB); the rest is left unread.
	MaxResponse int64
	// CountryCode makes PhoneIntl and PhonePlus ("" means "84").
	CountryCode string
	// MaxParts refuses texts longer than this many SMS (0: no limit), as
	// counted for a GSM modem; most gateways bill by the same parts.
	MaxParts int
	// Client is the HTTP client (nil: one of the gateway's own, which does
	// not follow redirects: a redirected POST would lose its body).
	Client *http.Client
}

// Fields are what the templates can use.
type Fields struct {
	// Phone is the number as given to Send ("0912345678").
	Phone string
	// PhoneIntl is the international number without "+" ("84912345678").
	PhoneIntl string
	// PhonePlus is the international number with "+" ("+84912345678").
	PhonePlus string
	// Text is the message.
	Text string
	// ID is a fresh random id for this message (32 hex digits), for
	// gateways that take a client reference; Send returns it in
	// Result.MessageID.
	ID string
}

// Gateway sends through one configured HTTP gateway.
type Gateway struct {
	cfg    Config
	url    *template.Template
	body   *template.Template
	escape func(string) string // for Body
	host   string
	ownClt bool

	mu   sync.Mutex
	last transport.Status
}

var _ transport.Sender = (*Gateway)(nil)

// New checks cfg and returns a Gateway. A bad configuration (no URL, a URL
// that is not http or https, an unknown method, a template that does not
// parse or does not run) gives an *transport.Error with ReasonConfig.
func New(cfg Config) (*Gateway, error) {
	bad := func(format string, args ...any) (*Gateway, error) {
		return nil, &transport.Error{Reason: transport.ReasonConfig, Op: "gateway", Raw: fmt.Sprintf(format, args...)}
	}
	if cfg.Method == "" {
		cfg.Method = http.MethodPost
	}
	cfg.Method = strings.ToUpper(cfg.Method)
	if cfg.Method != http.MethodPost && cfg.Method != http.MethodPut && cfg.Method != http.MethodGet {
		return bad("method %q: POST, PUT or GET", cfg.Method)
	}
	if cfg.ContentType == "" {
		cfg.ContentType = DefaultContentType
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxResponse <= 0 {
		cfg.MaxResponse = DefaultMaxResponse
	}
	g := &Gateway{cfg: cfg}
	var err error
	if g.url, err = template.New("url").Option("missingkey=error").Parse(cfg.URL); err != nil {
		return bad("URL template: %v", err)
	}
	if g.body, err = template.New("body").Option("missingkey=error").Parse(cfg.Body); err != nil {
		return bad("body template: %v", err)
	}
	mediaType, _, err := mime.ParseMediaType(cfg.ContentType)
	if err != nil {
		return bad("content type %q: %v", cfg.ContentType, err)
	}
	switch {
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		g.escape = jsonEscape
	case mediaType == "application/x-www-form-urlencoded":
		g.escape = url.QueryEscape
	default:
		g.escape = func(s string) string { return s }
	}
	// A trial run catches templates that parse but cannot run ({{.Nope}}),
	// and checks the URL they make.
	trial := Fields{Phone: "0912345678", PhoneIntl: "84912345678", PhonePlus: "+84912345678", Text: "x", ID: "0"}
	u, _, err := g.render(trial)
	if err != nil {
		return bad("%v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return bad("URL %q: not an http or https address", cfg.URL)
	}
	g.host = u.Host
	if cfg.Client == nil {
		g.ownClt = true
		g.cfg.Client = &http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	g.last = transport.Status{Ready: true, Kind: "gateway", Device: g.host}
	return g, nil
}

// jsonEscape writes s as the inside of a JSON string.
func jsonEscape(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// render fills the templates.
func (g *Gateway) render(f Fields) (*url.URL, []byte, error) {
	var ub strings.Builder
	uf := Fields{Phone: url.QueryEscape(f.Phone), PhoneIntl: url.QueryEscape(f.PhoneIntl),
		PhonePlus: url.QueryEscape(f.PhonePlus), Text: url.QueryEscape(f.Text), ID: url.QueryEscape(f.ID)}
	if err := g.url.Execute(&ub, uf); err != nil {
		return nil, nil, fmt.Errorf("URL template: %w", err)
	}
	u, err := url.Parse(strings.TrimSpace(ub.String()))
	if err != nil {
		return nil, nil, fmt.Errorf("URL: %w", err)
	}
	if g.cfg.Method == http.MethodGet {
		return u, nil, nil
	}
	var bb bytes.Buffer
	bf := Fields{Phone: g.escape(f.Phone), PhoneIntl: g.escape(f.PhoneIntl), PhonePlus: g.escape(f.PhonePlus),
		Text: g.escape(f.Text), ID: g.escape(f.ID)}
	if err := g.body.Execute(&bb, bf); err != nil {
		return nil, nil, fmt.Errorf("body template: %w", err)
	}
	return u, bb.Bytes(), nil
}

// Send posts one message. See transport.Sender; the reasons are
// bad_number and too_long (nothing sent), config (a template that fails),
// network (no connection), timeout (MaybeSent when the request had gone
// out), and rejected (a non-2xx answer, Code the HTTP status, or a body
// without the Success marker).
func (g *Gateway) Send(ctx context.Context, to, text string) (transport.Result, error) {
	addr, err := pdu.ParseNumber(to, pdu.InternationalFormat, g.cfg.CountryCode)
	if err != nil {
		return transport.Result{}, &transport.Error{Reason: transport.ReasonBadNumber, Op: "send", Err: err}
	}
	parts, err := pdu.Parts(text)
	if err != nil || g.cfg.MaxParts > 0 && parts > g.cfg.MaxParts {
		return transport.Result{}, &transport.Error{Reason: transport.ReasonTooLong, Op: "send",
			Raw: fmt.Sprintf("%d parts", parts), Err: err}
	}
	f := Fields{Phone: to, PhoneIntl: addr.Digits, PhonePlus: addr.String(), Text: text, ID: newID()}
	if addr.TOA != pdu.TOAInternational {
		f.PhonePlus = addr.Digits // a short code has no international form
	}
	res, err := g.send(ctx, f)
	if err != nil {
		return g.failed(err)
	}
	res.Parts = parts
	g.mu.Lock()
	g.last.Ready, g.last.Reason, g.last.Detail, g.last.Checked = true, "", "", time.Now().UTC()
	g.mu.Unlock()
	return res, nil
}

func (g *Gateway) send(ctx context.Context, f Fields) (transport.Result, error) {
	u, body, err := g.render(f)
	if err != nil {
		return transport.Result{}, &transport.Error{Reason: transport.ReasonConfig, Op: "send", Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	// Whether the request went out decides whether a timeout may have sent
	// the message. The transport reports it from its own goroutine.
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { wrote.Store(info.Err == nil) },
	})
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, g.cfg.Method, u.String(), rd)
	if err != nil {
		return transport.Result{}, &transport.Error{Reason: transport.ReasonConfig, Op: "send", Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", g.cfg.ContentType)
	}
	for k, v := range g.cfg.Headers {
		req.Header.Set(k, v)
	}
	resp, err := g.cfg.Client.Do(req)
	if err != nil {
		return transport.Result{}, g.transportError(ctx, err, wrote.Load())
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, g.cfg.MaxResponse))
	if err != nil && resp.StatusCode/100 == 2 && g.cfg.Success != "" {
		// The marker decides, and the answer did not arrive.
		e := g.transportError(ctx, err, true)
		return transport.Result{}, e
	}
	raw := fmt.Sprintf("HTTP %d: %s", resp.StatusCode, excerpt(answer))
	switch {
	case resp.StatusCode/100 != 2:
		return transport.Result{}, &transport.Error{Reason: transport.ReasonRejected, Op: "send", Code: resp.StatusCode, Raw: raw}
	case g.cfg.Success != "" && !bytes.Contains(answer, []byte(g.cfg.Success)):
		return transport.Result{}, &transport.Error{Reason: transport.ReasonRejected, Op: "send", Code: resp.StatusCode,
			Raw: "no success marker in " + raw}
	}
	return transport.Result{MessageID: f.ID}, nil
}

// transportError classifies a failed exchange: a timeout (the request may
// have been received when it had been written) or a network failure.
func (g *Gateway) transportError(ctx context.Context, err error, wrote bool) *transport.Error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || errors.As(err, &ne) && ne.Timeout() {
		return &transport.Error{Reason: transport.ReasonTimeout, Op: "send", Raw: "gateway " + g.host, MaybeSent: wrote, Err: err}
	}
	return &transport.Error{Reason: transport.ReasonNetwork, Op: "send", Raw: "gateway " + g.host, MaybeSent: false, Err: err}
}

// excerpt keeps the start of an answer, printable, for the IT person.
func excerpt(b []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(b[:min(len(b), n)]), "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return ' '
		}
		return r
	}, s)
	if len(b) > n {
		s += "…"
	}
	return strings.TrimSpace(s)
}

func (g *Gateway) failed(err error) (transport.Result, error) {
	var e *transport.Error
	if !errors.As(err, &e) {
		e = &transport.Error{Reason: transport.ReasonOf(err), Op: "send", Err: err}
	}
	if !e.Reason.Permanent() {
		g.mu.Lock()
		g.last.Ready, g.last.Reason, g.last.Detail, g.last.Checked = false, e.Reason, e.Raw, time.Now().UTC()
		g.mu.Unlock()
	}
	return transport.Result{}, e
}

// Status does not call the gateway (a gateway has no standard way to be
// asked, and some bill every call): it reports the configured host and the
// outcome of the last send, Ready until a send fails.
func (g *Gateway) Status(ctx context.Context) (transport.Status, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.last
	if st.Checked.IsZero() {
		st.Checked = time.Now().UTC()
	}
	return st, nil
}

// Close releases idle connections of the gateway's own client.
func (g *Gateway) Close() error {
	if g.ownClt {
		g.cfg.Client.CloseIdleConnections()
	}
	return nil
}

// newID makes a message id: 16 random bytes in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
	return hex.EncodeToString(b[:])
}
