package assets

import (
	"bytes"
	"html/template"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// templatesDir holds the server-rendered pages (status page, catalogue) of the
// web layer, which name static files through the "asset" template function.
const templatesDir = "../../templates"

// TestTemplatesNameHashedFiles: no template writes a /static/ path by hand
// (it would be served with a five-minute cache and miss the next upgrade);
// every {{asset "…"}} names a file the set holds; and the citizen layout and the
// catalogue, rendered, reference only hashed files that answer 200.
func TestTemplatesNameHashedFiles(t *testing.T) {
	s := public(t)
	files, err := filepath.Glob(filepath.Join(templatesDir, "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %v", files, err)
	}
	literal := regexp.MustCompile(`(?:src|href)\s*=\s*["']?/static/|url\(\s*["']?/static/`)
	call := regexp.MustCompile(`\{\{\s*asset\s+"([^"]+)"\s*\}\}`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := literal.FindIndex(b); loc != nil {
			t.Errorf("%s writes a static path by hand: %q (use {{asset \"…\"}})", f, b[loc[0]:min(loc[1]+30, len(b))])
		}
		for _, m := range call.FindAllSubmatch(b, -1) {
			if u := s.URL(string(m[1])); !hashedRef.MatchString(u) {
				t.Errorf("%s: {{asset %q}} is %s: no such static file", f, m[1], u)
			}
		}
	}

	stub := template.FuncMap{
		"t":     func(lang, key string, args ...any) string { return key },
		"inc":   func(i int) int { return i + 1 },
		"bi":    func(lang, key string) map[string]string { return map[string]string{"Lang": lang, "Key": key} },
		"asset": s.URL,
	}
	tpl, err := template.New("").Funcs(stub).ParseGlob(filepath.Join(templatesDir, "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	type office struct{ NameVI, NameKM, Address, Phone string }
	data := struct {
		Lang, Title, BodyClass, LangQuery, Query, Code string
		Office                                         office
		Procedures                                     []struct{}
	}{Lang: "km", Title: "t", Office: office{NameVI: "UBND xã Mỹ Hương", NameKM: "ឃុំ"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	for _, name := range []string{"catalogue.html", "lookup_form.html"} {
		var out bytes.Buffer
		if err := tpl.ExecuteTemplate(&out, name, data); err != nil {
			t.Fatalf("render %s: %v", name, err)
		}
		page := out.Bytes()
		if !bytes.Contains(page, []byte(`<body class="citizen`)) {
			t.Errorf("%s: no body.citizen (the citizen pages' fonts)", name)
		}
		n := 0
		seen := map[string]bool{}
		for _, ref := range refsIn(page) {
			if strings.Contains(ref, "/static/") {
				n++
				checkStatic(t, srv, name, ref, seen)
			}
		}
		if n == 0 {
			t.Errorf("%s references no static file", name)
		}
	}
}
