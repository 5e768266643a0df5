package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// folder is a small public folder with every kind of reference the builder
// rewrites.
func folder() fstest.MapFS {
	return fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><html><head>
<link rel="stylesheet" href="/static/app.css">
<style>.logo { background: url('/static/img/logo.svg') }</style>
</head><body>
<p style="background-image: url(/static/img/logo.svg)">x</p>
<a href="/intake.html">intake</a> <a href="https://example.vn/static/app.css">elsewhere</a>
<img src="static/img/logo.svg?v=2#top" alt="">
<script src="/static/js/a.js"></script>
<script>var logo = "/static/img/logo.svg";</script>
<script type="application/json">{"x": "/static/img/logo.svg"}</script>
</body></html>`)},
		"intake.html":          {Data: []byte("<!doctype html>\n<!-- the intake page -->\n<title>intake</title>\n\n    <script src=\"/static/js/b.js\"></script>\n")},
		"favicon.ico":          {Data: []byte("\x00\x00\x01\x00")},
		"public.go":            {Data: []byte("package pb_public")},
		"static/app.css":       {Data: []byte("@import \"print.css\";\n@font-face { font-family: T; src: url(fonts/t.woff2) format(\"woff2\"); }\nbody { background: url( \"/static/img/logo.svg\" ) }\n")},
		"static/print.css":     {Data: []byte("@media print { body { color: #000 } }\n")},
		"static/fonts/t.woff2": {Data: []byte("wOF2 not really a font")},
		"static/img/logo.svg":  {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10"><!-- a comment --><linearGradient id="g"/><rect width="10" height="10" fill="#ff0000"/></svg>`)},
		"static/js/a.js":       {Data: []byte("(function () {\n  // loads the other script when asked\n  var next = '/static/js/b.js';\n  var dir = \"/static/js/\";\n  window.loadNext = function () { var s = document.createElement('script'); s.src = next; document.body.appendChild(s); };\n})();\n")},
		"static/js/b.js":       {Data: []byte("function motcuaB(longArgumentName) {\n  return longArgumentName + 1;\n}\n")},
		".hidden/secret.txt":   {Data: []byte("not served")},
	}
}

func mustBuild(t *testing.T, fsys fstest.MapFS, opts Options) *Set {
	t.Helper()
	s, err := Build(fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// get fetches a path from the set without compression.
func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "identity")
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
	return res, string(b)
}

var hashedRef = regexp.MustCompile(`/static/[A-Za-z0-9_./-]+\.[0-9a-f]{8}(\.[a-z0-9]+)?`)

// TestBuildRewritesEveryReference: every reference to a static file, in every
// place a page or a stylesheet or a script can make one, is the hashed URL of
// that file, and the hash is of the bytes served under it.
func TestBuildRewritesEveryReference(t *testing.T) {
	s := mustBuild(t, folder(), Options{KeepSource: true}) // the rewriting itself; minified below
	_, page := get(t, s, "/")
	_, css := get(t, s, s.URL("app.css"))
	_, js := get(t, s, s.URL("js/a.js"))
	logo, app, print, font, b := s.URL("img/logo.svg"), s.URL("app.css"), s.URL("print.css"), s.URL("fonts/t.woff2"), s.URL("js/b.js")
	for _, tc := range []struct{ where, text, want string }{
		{"page <link href>", page, `href="` + app + `"`},
		{"page <style> url()", page, `url("` + logo + `")`},
		{"page style attribute", page, logo},
		{"page relative <img src> keeps ?query#fragment", page, `src="` + logo + `?v=2#top"`},
		{"page <script src>", page, `src="` + s.URL("js/a.js") + `"`},
		{"page inline script literal", page, `"` + logo + `"`},
		{"page leaves other pages alone", page, `href="/intake.html"`},
		{"page leaves other sites alone", page, `https://example.vn/static/app.css`},
		{"page leaves JSON scripts alone", page, `"/static/img/logo.svg"`},
		{"CSS @import", css, print},
		{"CSS relative url()", css, font},
		{"CSS quoted url() with spaces", css, logo},
		{"JS literal", js, b},
		{"JS directory prefix left alone", js, `"/static/js/"`},
	} {
		if !strings.Contains(tc.text, tc.want) {
			t.Errorf("%s: %q not found in\n%s", tc.where, tc.want, tc.text)
		}
	}
	for _, u := range []string{logo, app, print, font, b} {
		if !hashedRef.MatchString(u) {
			t.Errorf("%s is not a hashed URL", u)
		}
		res, body := get(t, s, u)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", u, res.StatusCode)
		}
		sum := sha256.Sum256([]byte(body))
		if h := hex.EncodeToString(sum[:])[:hashLen]; !strings.Contains(u, "."+h) {
			t.Errorf("%s: served bytes hash to %s, not the hash in the name", u, h)
		}
	}
	// Built for serving, the page still names only hashed files.
	m := mustBuild(t, folder(), Options{})
	_, page = get(t, m, "/")
	rest := hashedRef.ReplaceAllString(page, "")
	rest = strings.ReplaceAll(rest, "https://example.vn/static/app.css", "")
	rest = strings.ReplaceAll(rest, `"x":"/static/img/logo.svg"`, "")
	rest = strings.ReplaceAll(rest, `"x": "/static/img/logo.svg"`, "")
	if strings.Contains(rest, "/static/") || strings.Contains(rest, "static/img") {
		t.Errorf("minified page has an unhashed reference:\n%s", page)
	}
	for _, gone := range []string{"/public.go", "/.hidden/secret.txt"} {
		if res, _ := get(t, s, gone); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404 (not served)", gone, res.StatusCode)
		}
	}
}

// TestHashFollowsContent: a change in a font changes the hash of the font and
// of the stylesheet that names it (its bytes changed), and of nothing else.
func TestHashFollowsContent(t *testing.T) {
	v1 := mustBuild(t, folder(), Options{})
	f := folder()
	f["static/fonts/t.woff2"] = &fstest.MapFile{Data: []byte("wOF2 another version")}
	v2 := mustBuild(t, f, Options{})
	for _, tc := range []struct {
		name    string
		changed bool
	}{{"fonts/t.woff2", true}, {"app.css", true}, {"print.css", false}, {"js/a.js", false}, {"img/logo.svg", false}} {
		if got := v1.URL(tc.name) != v2.URL(tc.name); got != tc.changed {
			t.Errorf("%s: URL changed = %v (%s → %s), want %v", tc.name, got, v1.URL(tc.name), v2.URL(tc.name), tc.changed)
		}
	}
}

// TestMinifies: JS and SVG are served smaller than written, with what a page
// depends on kept (global function names); CSS and HTML are served as written
// (rewritten only); KeepSource serves JS as written too.
func TestMinifies(t *testing.T) {
	s := mustBuild(t, folder(), Options{})
	src := mustBuild(t, folder(), Options{KeepSource: true})
	srcSize := map[string]int{}
	for _, f := range src.Files() {
		srcSize[f.Name] = f.Size // rewritten, not minified
	}
	for _, f := range s.Files() {
		switch kindOf(f.Type) {
		case kindJS, kindSVG:
			if f.Size >= srcSize[f.Name] {
				t.Errorf("%s: served %d bytes, %d unminified: not minified", f.Name, f.Size, srcSize[f.Name])
			}
		case kindCSS, kindHTML:
			if f.Size != srcSize[f.Name] {
				t.Errorf("%s: served %d bytes, %d as written: changed by more than the rewriting", f.Name, f.Size, srcSize[f.Name])
			}
		}
	}
	_, js := get(t, s, s.URL("js/b.js"))
	if !strings.Contains(js, "function motcuaB(") || strings.Contains(js, "longArgumentName") {
		t.Errorf("b.js minified wrongly (global kept, argument renamed): %q", js)
	}
	_, svg := get(t, s, s.URL("img/logo.svg"))
	if strings.Contains(svg, "comment") || !strings.Contains(svg, "viewBox") || !strings.Contains(svg, "linearGradient") {
		t.Errorf("SVG minified wrongly (comment dropped, case kept): %q", svg)
	}
	_, js = get(t, src, src.URL("js/b.js"))
	if js != string(folder()["static/js/b.js"].Data) {
		t.Errorf("KeepSource: b.js served as %q", js)
	}
}

// TestBuildRefuses: what a folder must not do fails the build, with the file
// named.
func TestBuildRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(fstest.MapFS)
		wants string
	}{
		{"missing stylesheet", func(f fstest.MapFS) {
			f["intake.html"] = &fstest.MapFile{Data: []byte(`<link rel="stylesheet" href="/static/gone.css">`)}
		}, "intake.html references /static/gone.css"},
		{"missing font", func(f fstest.MapFS) { delete(f, "static/fonts/t.woff2") }, "static/app.css references fonts/t.woff2"},
		{"import cycle", func(f fstest.MapFS) {
			f["static/print.css"] = &fstest.MapFile{Data: []byte(`@import url(/static/app.css);`)}
		}, "references itself"},
		{"unclosed block", func(f fstest.MapFS) {
			f["static/print.css"] = &fstest.MapFile{Data: []byte("@media print {\n  body { color: #000 }\n")}
		}, `static/print.css:1:14: CSS: block "@media print {" is never closed`},
		{"broken script", func(f fstest.MapFS) {
			f["static/js/b.js"] = &fstest.MapFile{Data: []byte("function x() { if (a) { return 1; }\n")}
		}, "static/js/b.js: JS"},
		{"broken inline script", func(f fstest.MapFS) {
			f["intake.html"] = &fstest.MapFile{Data: []byte(`<script>var x = {;</script>`)}
		}, "intake.html <script> #1: JS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := folder()
			tc.edit(f)
			_, err := Build(f, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.wants) {
				t.Fatalf("Build error = %v, want one containing %q", err, tc.wants)
			}
			// one broken file is reported once, not once per page that uses it
			if n := strings.Count(err.Error(), tc.wants); n != 1 {
				t.Errorf("reported %d times: %v", n, err)
			}
		})
	}
}

func TestHashedNames(t *testing.T) {
	for _, tc := range []struct{ name, hashed string }{
		{"static/app.css", "static/app.0123abcd.css"},
		{"static/fonts/NotoSans-Regular-vi.woff2", "static/fonts/NotoSans-Regular-vi.0123abcd.woff2"},
		{"static/vendor/jsQR-LICENSE.txt", "static/vendor/jsQR-LICENSE.0123abcd.txt"},
		{"static/a.b.c.js", "static/a.b.c.0123abcd.js"},
		{"static/LICENSE", "static/LICENSE.0123abcd"},
	} {
		if got := hashedName(tc.name, "0123abcd"); got != tc.hashed {
			t.Errorf("hashedName(%q) = %q, want %q", tc.name, got, tc.hashed)
		}
		if got, ok := unhashedName("/" + tc.hashed); !ok || got != "/"+tc.name {
			t.Errorf("unhashedName(%q) = %q, %v, want %q", tc.hashed, got, ok, tc.name)
		}
	}
	for _, p := range []string{"/static/app.css", "/static/app.0123abcX.css", "/static/app.0123abc.css", "/static/0123abcd.css", "/static/app.0123ABCD.css"} {
		if got, ok := unhashedName(p); ok {
			t.Errorf("unhashedName(%q) = %q: no hash there", p, got)
		}
	}
}

func TestRefTarget(t *testing.T) {
	for _, tc := range []struct {
		from, ref, target, suffix string
		ok                        bool
	}{
		{"index.html", "/static/app.css", "static/app.css", "", true},
		{"index.html", "static/app.css", "static/app.css", "", true},
		{"index.html", "/static/app.css?v=3", "static/app.css", "?v=3", true},
		{"static/app.css", "fonts/a.woff2", "static/fonts/a.woff2", "", true},
		{"static/css/a.css", "../fonts/a.woff2", "static/fonts/a.woff2", "", true},
		{"static/app.css", "/static/img/x.svg#icon", "static/img/x.svg", "#icon", true},
		{"static/app.css", "../index.html", "", "", false},
		{"index.html", "/intake.html", "", "", false},
		{"index.html", "/api/motcua/i18n/vi", "", "", false},
		{"index.html", "https://cdn.example/static/x.js", "", "", false},
		{"index.html", "//cdn.example/static/x.js", "", "", false},
		{"static/app.css", "data:font/woff2;base64,AAAA", "", "", false},
		{"index.html", "#top", "", "", false},
		{"index.html", "", "", "", false},
		{"index.html", "/static/../index.html", "", "", false},
	} {
		target, suffix, ok := refTarget(tc.from, tc.ref)
		if target != tc.target || suffix != tc.suffix || ok != tc.ok {
			t.Errorf("refTarget(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.from, tc.ref, target, suffix, ok, tc.target, tc.suffix, tc.ok)
		}
	}
}

func TestURL(t *testing.T) {
	s := mustBuild(t, folder(), Options{})
	want := s.byName["/static/app.css"].url
	for _, name := range []string{"app.css", "static/app.css", "/static/app.css"} {
		if got := s.URL(name); got != want {
			t.Errorf("URL(%q) = %q, want %q", name, got, want)
		}
	}
	if got := s.URL("nope.css"); got != "/static/nope.css" {
		t.Errorf("URL of a missing file = %q, want the unhashed /static/nope.css", got)
	}
	var none *Set
	if got := none.URL("app.css"); got != "/static/app.css" {
		t.Errorf("nil set URL = %q", got)
	}
}

// FuzzRewriteKeepsBytes: with nothing to rewrite, the lexers give back every
// byte of any input, so a file the builder does not change is served as written.
func FuzzRewriteKeepsBytes(f *testing.F) {
	for _, s := range []string{
		"body { color: red }", "@import 'x.css'; a { background: url( x.png ) }", "/* { */ a{}",
		"<!doctype html><p style='x:url(/static/a)'>t</p><script>var a = '/static/x.js' / 2;</script>",
		"<svg><style>@import url(/static/a.css)</style></svg>", "var re = /\"/g, s = \"/static/a.js\";",
	} {
		f.Add(s)
	}
	none := func(from, ref string) (string, bool, error) { return "", false, nil }
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []kind{kindCSS, kindHTML, kindSVG, kindJS} {
			out, err := rewrite(k, "f", []byte(s), none)
			if err != nil {
				continue // a script that does not parse is refused, not changed
			}
			if string(out) != s {
				t.Fatalf("kind %d: rewrite with nothing to change gave %q for %q", k, out, s)
			}
		}
	})
}

// TestBuildAsync: the background build gives the same set as Build, and its
// error when the folder is broken.
func TestBuildAsync(t *testing.T) {
	a := BuildAsync(folder(), Options{})
	s, err := a.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if want := mustBuild(t, folder(), Options{}).URL("app.css"); s.URL("app.css") != want || a.URL("app.css") != want {
		t.Errorf("async URL %s / %s, want %s", s.URL("app.css"), a.URL("app.css"), want)
	}
	f := folder()
	f["static/print.css"] = &fstest.MapFile{Data: []byte("@media print {")}
	bad := BuildAsync(f, Options{})
	if _, err := bad.Wait(); err == nil {
		t.Error("a broken folder built in the background without an error")
	}
	if got := bad.URL("app.css"); got != "/static/app.css" {
		t.Errorf("URL after a failed build = %q, want the unhashed name", got)
	}
	var none *Async
	if got := none.URL("js/a.js"); got != "/static/js/a.js" {
		t.Errorf("nil Async URL = %q", got)
	}
}
