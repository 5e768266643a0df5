package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// fetch makes one request with the headers given and returns the answer with
// its body exactly as it came over the wire: the transport neither asks for
// gzip by itself nor decompresses, and follows no redirect.
func fetch(t *testing.T, srv *httptest.Server, method, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DisableCompression = true
	defer tr.CloseIdleConnections()
	res, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func decode(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "":
		return b
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return out
}

// bigFolder has files large enough that compression pays.
func bigFolder() fstest.MapFS {
	f := folder()
	css := strings.Repeat(".card { border: 1px solid #d5dae0; border-radius: 8px; padding: 1rem; }\n", 40)
	f["static/big.css"] = &fstest.MapFile{Data: []byte(css)}
	js := strings.Repeat("document.querySelectorAll('.card').forEach(function (el) { el.classList.add('ready'); });\n", 40)
	f["static/js/big.js"] = &fstest.MapFile{Data: []byte(js)}
	f["about.html"] = &fstest.MapFile{Data: []byte("<!doctype html><link rel=stylesheet href=/static/big.css>" + strings.Repeat("<p>Bộ phận tiếp nhận và trả kết quả</p>\n", 40))}
	return f
}

// TestCompressedWhenAsked: each Accept-Encoding gets the coding it asks for (or
// plain), the bytes decompress to exactly the plain ones, and the headers say
// what was sent.
func TestCompressedWhenAsked(t *testing.T) {
	s := mustBuild(t, bigFolder(), Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	for _, path := range []string{s.URL("big.css"), s.URL("js/big.js"), "/about.html", "/static/big.css"} {
		plainRes, plain := fetch(t, srv, "GET", path, nil)
		if plainRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s without Accept-Encoding: %d, Content-Encoding %q", path, plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"))
		}
		for _, tc := range []struct{ accept, want string }{
			{"", ""},
			{"identity", ""},
			{"gzip", "gzip"},
			{"gzip, deflate, br, zstd", "gzip"}, // what Chromium sends
			{"br", ""},
			{"br;q=1, gzip;q=0.5", "gzip"},
			{"gzip;q=0, br", ""},
			{"*", "gzip"},
			{"*;q=0", ""},
			{"deflate", ""},
			{"GZIP;Q=0.5", "gzip"},
			{"gzip;q=bogus", ""},
		} {
			res, body := fetch(t, srv, "GET", path, map[string]string{"Accept-Encoding": tc.accept})
			if res.StatusCode != 200 {
				t.Fatalf("%s (%q): %d", path, tc.accept, res.StatusCode)
			}
			if got := res.Header.Get("Content-Encoding"); got != tc.want {
				t.Errorf("%s with Accept-Encoding %q: Content-Encoding %q, want %q", path, tc.accept, got, tc.want)
			}
			if got := res.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("%s (%q): Content-Length %s, body %d bytes", path, tc.accept, got, len(body))
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s (%q): no Vary: Accept-Encoding", path, tc.accept)
			}
			if got := decode(t, res.Header.Get("Content-Encoding"), body); !bytes.Equal(got, plain) {
				t.Errorf("%s (%q): decoded body differs from the plain one", path, tc.accept)
			}
			if tc.want != "" && len(body) >= len(plain) {
				t.Errorf("%s (%q): %d bytes compressed, %d plain", path, tc.accept, len(body), len(plain))
			}
		}
	}
}

// TestContentTypes: every kind of file says what it is (the page scripts are
// refused by a browser under nosniff if .js is not JavaScript).
func TestContentTypes(t *testing.T) {
	s := mustBuild(t, folder(), Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	for path, want := range map[string]string{
		"/":                     "text/html; charset=utf-8",
		s.URL("app.css"):        "text/css; charset=utf-8",
		s.URL("js/a.js"):        "text/javascript; charset=utf-8",
		s.URL("img/logo.svg"):   "image/svg+xml",
		s.URL("fonts/t.woff2"):  "font/woff2",
		"/favicon.ico":          "image/x-icon",
		"/static/fonts/t.woff2": "font/woff2",
		"/static/img/logo.svg":  "image/svg+xml",
		"/static/js/b.js":       "text/javascript; charset=utf-8",
		"/intake.html":          "text/html; charset=utf-8",
		"/static/print.css":     "text/css; charset=utf-8",
	} {
		res, _ := fetch(t, srv, "GET", path, map[string]string{"Accept-Encoding": "gzip"})
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", path, got, want)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
	}
}

// TestCacheHeaders: hashed names are immutable for a year; unhashed names and
// root files a short while; pages are asked again every time. Unhashed names
// and pages answer If-None-Match with 304.
func TestCacheHeaders(t *testing.T) {
	s := mustBuild(t, folder(), Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	for _, tc := range []struct{ path, cache string }{
		{s.URL("app.css"), CacheHashed},
		{s.URL("fonts/t.woff2"), CacheHashed},
		{"/static/app.css", CacheShort},
		{"/static/fonts/t.woff2", CacheShort},
		{"/favicon.ico", CacheShort},
		{"/", CachePage},
		{"/intake.html", CachePage},
	} {
		for _, enc := range []string{"", "gzip"} {
			res, _ := fetch(t, srv, "GET", tc.path, map[string]string{"Accept-Encoding": enc})
			if got := res.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("%s: Cache-Control %q, want %q", tc.path, got, tc.cache)
			}
			etag := res.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("%s: no ETag", tc.path)
			}
			again, body := fetch(t, srv, "GET", tc.path, map[string]string{"Accept-Encoding": enc, "If-None-Match": etag})
			if again.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("%s (%q) with If-None-Match %s: %d and %d bytes, want 304 and none", tc.path, enc, etag, again.StatusCode, len(body))
			}
			other, _ := fetch(t, srv, "GET", tc.path, map[string]string{"Accept-Encoding": enc, "If-None-Match": `"0000000000000000"`})
			if other.StatusCode != http.StatusOK {
				t.Errorf("%s with a stale ETag: %d, want 200", tc.path, other.StatusCode)
			}
		}
	}
	// Each representation has its own tag.
	big := httptest.NewServer(mustBuild(t, bigFolder(), Options{}))
	defer big.Close()
	a, _ := fetch(t, big, "GET", "/static/big.css", nil)
	b, _ := fetch(t, big, "GET", "/static/big.css", map[string]string{"Accept-Encoding": "gzip"})
	if a.Header.Get("Content-Encoding") == b.Header.Get("Content-Encoding") || a.Header.Get("ETag") == b.Header.Get("ETag") {
		t.Errorf("plain and gzip share ETag %s / %s", a.Header.Get("ETag"), b.Header.Get("ETag"))
	}
}

// TestOldHashAfterUpgrade: a page still open from before an upgrade asks for
// the old hashed names; they lead to the current file instead of a 404 that
// would leave the page without its styles or fonts.
func TestOldHashAfterUpgrade(t *testing.T) {
	v1 := mustBuild(t, folder(), Options{})
	f := folder()
	f["static/app.css"] = &fstest.MapFile{Data: []byte("@import \"print.css\";\n@font-face { font-family: T; src: url(fonts/t.woff2); }\nbody { color: #1b1f24 }\n")}
	f["static/fonts/t.woff2"] = &fstest.MapFile{Data: []byte("wOF2 version 2")}
	v2 := mustBuild(t, f, Options{})
	srv := httptest.NewServer(v2)
	defer srv.Close()
	for _, name := range []string{"app.css", "fonts/t.woff2"} {
		old, cur := v1.URL(name), v2.URL(name)
		if old == cur {
			t.Fatalf("%s: same URL in both versions", name)
		}
		res, _ := fetch(t, srv, "GET", old+"?v=1", nil)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != cur+"?v=1" {
			t.Errorf("GET old %s: %d to %q, want 302 to %s?v=1", old, res.StatusCode, res.Header.Get("Location"), cur)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("redirect from %s cached: %q", old, cc)
		}
		// A browser follows it to the current bytes.
		got, err := srv.Client().Get(srv.URL + old)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(got.Body)
		got.Body.Close()
		_, want := fetch(t, srv, "GET", cur, map[string]string{"Accept-Encoding": "identity"})
		if got.StatusCode != 200 || !bytes.Equal(body, want) {
			t.Errorf("following %s: %d, %d bytes; want 200 and the current %d bytes", old, got.StatusCode, len(body), len(want))
		}
	}
	for _, path := range []string{"/static/gone.0123abcd.css", "/static/app.0123abcd.js", "/intake.0123abcd.html"} {
		if res, _ := fetch(t, srv, "GET", path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
}

// TestServeRoutes: the start page at "/", its old address redirected, HEAD
// answered without a body, other methods refused, anything else left to the
// caller (Serve) or 404 (ServeHTTP).
func TestServeRoutes(t *testing.T) {
	s := mustBuild(t, folder(), Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	root, rootBody := fetch(t, srv, "GET", "/", nil)
	if root.StatusCode != 200 || !strings.Contains(string(rootBody), "intake") {
		t.Errorf("GET /: %d %q", root.StatusCode, rootBody)
	}
	if res, _ := fetch(t, srv, "GET", "/index.html?x=1", nil); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/?x=1" {
		t.Errorf("GET /index.html: %d to %q, want 301 to /?x=1", res.StatusCode, res.Header.Get("Location"))
	}
	head, body := fetch(t, srv, "HEAD", s.URL("app.css"), map[string]string{"Accept-Encoding": "gzip"})
	if head.StatusCode != 200 || len(body) != 0 || head.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q", head.StatusCode, len(body), head.Header.Get("Content-Length"))
	}
	if res, _ := fetch(t, srv, "POST", "/intake.html", nil); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST a page: %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	for _, p := range []string{"/nope", "/static/", "/static", "/api/health", "/static/../index.html", "/public.go"} {
		if res, _ := fetch(t, srv, "GET", p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
		req := httptest.NewRequest("GET", p, nil)
		w := httptest.NewRecorder()
		if s.Serve(w, req) || w.Code != 200 || w.Body.Len() != 0 || len(w.Header()) != 0 {
			t.Errorf("Serve(%s) answered (%d, %d bytes, %v): it is not the set's", p, w.Code, w.Body.Len(), w.Header())
		}
	}
}

// TestAccepts covers the Accept-Encoding reading on its own.
func TestAccepts(t *testing.T) {
	for _, tc := range []struct {
		header string
		gzip   bool
	}{
		{"", false},
		{"gzip", true},
		{"x-gzip", true},
		{"br", false},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"*", true},
		{"*;q=0, gzip", true},
		{"*;q=0", false},
		{"gzip;q=2", false},
		{"gzip;q=-1", false},
		{"identity", false},
		{strings.Repeat("x", maxAcceptEncoding) + ",gzip", false},
	} {
		if got := acceptsGzip(tc.header); got != tc.gzip {
			t.Errorf("acceptsGzip(%.40q) = %v, want %v", tc.header, got, tc.gzip)
		}
	}
}

// FuzzAccepts: any header is read without a panic, and gzip given q=0
// explicitly and last is never chosen.
func FuzzAccepts(f *testing.F) {
	for _, s := range []string{"gzip", "br;q=0.5, gzip", "*;q=0", ";;,,=q", "gzip;q=1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if acceptsGzip(h+",gzip;q=0") && len(h) < maxAcceptEncoding-10 {
			t.Fatalf("acceptsGzip(%q + gzip;q=0) = true", h)
		}
	})
}

// TestServeFile: a route of its own (/kiosk) gets the page with the page's
// cache and compression; a name the set lacks is left to the caller.
func TestServeFile(t *testing.T) {
	s := mustBuild(t, bigFolder(), Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.ServeFile(w, r, strings.TrimPrefix(r.URL.Path, "/as/")) {
			http.Error(w, "not ours", http.StatusTeapot)
		}
	}))
	defer srv.Close()
	res, body := fetch(t, srv, "GET", "/as/about.html", map[string]string{"Accept-Encoding": "gzip"})
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != CachePage || res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("ServeFile(about.html): %d, %q, %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Encoding"))
	}
	if page := decode(t, "gzip", body); !bytes.Contains(page, []byte(s.URL("big.css"))) {
		t.Errorf("ServeFile(about.html) is not the built page: %.80q", page)
	}
	if res, _ := fetch(t, srv, "GET", "/as/static/big.css", nil); res.Header.Get("Cache-Control") != CacheShort {
		t.Errorf("ServeFile of a static file by its unhashed name: Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	if res, _ := fetch(t, srv, "GET", "/as/gone.html", nil); res.StatusCode != http.StatusTeapot {
		t.Errorf("ServeFile of a missing file answered %d", res.StatusCode)
	}
}

// TestRewriteHTML: a document from elsewhere gets the hashed names of the
// set's files and keeps every other reference.
func TestRewriteHTML(t *testing.T) {
	s := mustBuild(t, folder(), Options{})
	doc := `<link rel="stylesheet" href="/static/app.css"><script src="/static/js/gone.js"></script>` +
		`<a href="/intake.html">x</a><img src="/static/img/logo.svg#a">`
	out, err := s.RewriteHTML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := `<link rel="stylesheet" href="` + s.URL("app.css") + `"><script src="/static/js/gone.js"></script>` +
		`<a href="/intake.html">x</a><img src="` + s.URL("img/logo.svg") + `#a">`
	if string(out) != want {
		t.Errorf("RewriteHTML:\n got %s\nwant %s", out, want)
	}
}
