package assets

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/html"

	"motcua/pb_public"
)

// The tests in this file run over the real embedded pb_public: what the binary
// serves.

var (
	publicOnce sync.Once
	publicSet  *Set
	publicErr  error
)

// public is the set built from the embedded folder, once for all tests.
func public(t *testing.T) *Set {
	t.Helper()
	publicOnce.Do(func() { publicSet, publicErr = Build(pb_public.FS, Options{}) })
	if publicErr != nil {
		t.Fatalf("Build(pb_public): %v", publicErr)
	}
	return publicSet
}

// TestPublicFolderParses is the parse check of issue 13 over what the product
// serves: every CSS and JS file, and every inline style and script of the
// pages, parses, with every block closed.
func TestPublicFolderParses(t *testing.T) {
	if err := Check(pb_public.FS); err != nil {
		t.Fatalf("pb_public does not parse:\n%v", err)
	}
}

// refsIn lists the references of an HTML page: src and href attributes and
// url() in inline styles (the pages have no other kind).
func refsIn(page []byte) []string {
	var refs []string
	l := html.NewLexer(parse.NewInputBytes(page))
	for {
		tt, tok := l.Next()
		if tt == html.ErrorToken {
			return refs
		}
		switch tt {
		case html.AttributeToken:
			key := strings.ToLower(string(l.AttrKey()))
			val := attrValue(l.AttrVal())
			if refAttrs[key] {
				refs = append(refs, val)
			}
			if key == "style" {
				refs = append(refs, cssURLs(val)...)
			}
		case html.TextToken:
			refs = append(refs, cssURLs(string(tok))...)
		}
	}
}

var cssURL = regexp.MustCompile(`url\(\s*["']?([^"')\s]+)`)

func cssURLs(s string) []string {
	var out []string
	for _, m := range cssURL.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// checkStatic fetches one reference of a page: it must be a hashed name, answer
// 200 with the year-long cache, and so must what it references in turn.
func checkStatic(t *testing.T, srv *httptest.Server, from, ref string, seen map[string]bool) {
	t.Helper()
	u := strings.SplitN(strings.SplitN(ref, "?", 2)[0], "#", 2)[0]
	if seen[u] {
		return
	}
	seen[u] = true
	if !hashedRef.MatchString(u) || hashedRef.FindString(u) != u {
		t.Errorf("%s references %s: not a hashed name", from, ref)
		return
	}
	res, body := fetch(t, srv, "GET", u, map[string]string{"Accept-Encoding": "identity"})
	if res.StatusCode != http.StatusOK {
		t.Errorf("%s references %s: %d", from, u, res.StatusCode)
		return
	}
	if cc := res.Header.Get("Cache-Control"); cc != CacheHashed {
		t.Errorf("%s: Cache-Control %q", u, cc)
	}
	if strings.HasSuffix(u, ".css") {
		for _, r := range cssURLs(string(body)) {
			checkStatic(t, srv, u, r, seen)
		}
	}
}

// TestPublicPagesUseHashedURLs fetches every page of pb_public as a browser
// does and every static file it references, down through the stylesheet to the
// fonts: all of them are hashed names that answer 200 with a long cache. The
// pages themselves are revalidated every time.
func TestPublicPagesUseHashedURLs(t *testing.T) {
	s := public(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	pages, err := fs.Glob(pb_public.FS, "*.html")
	if err != nil || len(pages) < 10 {
		t.Fatalf("pages of pb_public: %v, %v", pages, err)
	}
	seen := map[string]bool{}
	for _, name := range pages {
		p := "/" + name
		if name == "index.html" {
			p = "/"
		}
		res, body := fetch(t, srv, "GET", p, map[string]string{"Accept-Encoding": "gzip, deflate, br, zstd"})
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s: %d, Content-Encoding %q", p, res.StatusCode, res.Header.Get("Content-Encoding"))
			continue
		}
		if cc := res.Header.Get("Cache-Control"); cc != CachePage {
			t.Errorf("%s: Cache-Control %q, want %q", p, cc, CachePage)
		}
		page := decode(t, "gzip", body)
		n := 0
		for _, ref := range refsIn(page) {
			if _, _, ok := refTarget(name, ref); ok || strings.Contains(ref, "/static/") {
				n++
				checkStatic(t, srv, name, ref, seen)
			}
		}
		if n == 0 {
			t.Errorf("%s references no static file: the stylesheet at least", name)
		}
	}
	for _, want := range []string{"app.css", "js/app.js", "fonts/NotoSans-Regular-vi.woff2", "fonts/NotoSansKhmer-Regular.woff2", "fonts/NotoSansKhmer-Bold.woff2"} {
		if !seen[s.URL(want)] {
			t.Errorf("no page led to %s (%s)", want, s.URL(want))
		}
	}
}

// TestPublicScriptsNameHashedFiles: a script that names a static file (to load
// it later) names its hashed URL, and every such file exists.
func TestPublicScriptsNameHashedFiles(t *testing.T) {
	s := public(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	lit := regexp.MustCompile(`["'](/static/[^"']+)["']`)
	for _, f := range s.Files() {
		if kindOf(f.Type) != kindJS {
			continue
		}
		_, body := fetch(t, srv, "GET", f.URL, map[string]string{"Accept-Encoding": "identity"})
		for _, m := range lit.FindAllStringSubmatch(string(body), -1) {
			if strings.HasSuffix(m[1], "/") {
				continue // a folder, not a file
			}
			checkStatic(t, srv, f.Name, m[1], map[string]bool{})
		}
	}
}

// TestPublicFonts: no TrueType file is served any more; every font the
// stylesheet names is WOFF2, with its licence beside it; each face takes the
// phone's own font first and swaps the text in when the download is done;
// Khmer is declared for the Khmer block, coeng included.
func TestPublicFonts(t *testing.T) {
	s := public(t)
	var woff2 []string
	for _, f := range s.Files() {
		switch path.Ext(f.Name) {
		case ".ttf", ".otf":
			t.Errorf("%s is served: the fonts are WOFF2 (pb_public/fonts-src/make.sh)", f.Name)
		case ".woff2":
			woff2 = append(woff2, f.Name)
		}
	}
	if len(woff2) < 6 {
		t.Errorf("WOFF2 fonts served: %v", woff2)
	}
	if _, err := fs.Stat(pb_public.FS, "static/fonts/LICENSE-OFL.txt"); err != nil {
		t.Errorf("the fonts' licence is not beside them: %v", err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	_, css := fetch(t, srv, "GET", s.URL("app.css"), map[string]string{"Accept-Encoding": "identity"})
	faces := regexp.MustCompile(`@font-face \{[^}]*\}`).FindAllString(string(css), -1)
	if len(faces) < 7 {
		t.Fatalf("%d @font-face rules in the served stylesheet:\n%s", len(faces), faces)
	}
	khmer := 0
	for _, face := range faces {
		for _, want := range []string{"font-display: swap", "src: local(", `format("woff2")`, "unicode-range: "} {
			if !strings.Contains(face, want) {
				t.Errorf("@font-face without %s: %s", want, face)
			}
		}
		if strings.Contains(face, "Khmer") {
			khmer++
			if !strings.Contains(face, "U+1780-17DD") {
				t.Errorf("Khmer face does not cover U+1780-17DD (consonants, vowel signs, coeng U+17D2): %s", face)
			}
		}
	}
	if khmer != 3 {
		t.Errorf("%d Khmer faces, want regular, bold and the citizen pages' regular-only one", khmer)
	}
}
