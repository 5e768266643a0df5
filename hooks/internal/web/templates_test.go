package web

import (
	"io/fs"
	"regexp"
	"testing"

	"motcua/pb_public"
)

// TestTemplatesNameStaticFilesByAsset: no template writes a /static/ path by
// hand (it would be served unhashed, with a five-minute cache, and miss the
// next upgrade), and every {{asset "…"}} names a file pb_public holds.
func TestTemplatesNameStaticFilesByAsset(t *testing.T) {
	t.Parallel()
	literal := regexp.MustCompile(`(?:src|href)\s*=\s*["']?/static/|url\(\s*["']?/static/`)
	call := regexp.MustCompile(`\{\{\s*asset\s+"([^"]+)"\s*\}\}`)
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) < 5 {
		t.Fatalf("templates: %v %v", files, err)
	}
	calls := 0
	for _, f := range files {
		b, err := fs.ReadFile(templateFS, f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := literal.FindIndex(b); loc != nil {
			t.Errorf("%s writes a static path by hand: %q (use {{asset \"…\"}})", f, b[loc[0]:min(loc[1]+30, len(b))])
		}
		for _, m := range call.FindAllSubmatch(b, -1) {
			calls++
			if _, err := fs.Stat(pb_public.FS, "static/"+string(m[1])); err != nil {
				t.Errorf("%s: {{asset %q}}: no such file in pb_public/static", f, m[1])
			}
		}
	}
	if calls == 0 {
		t.Error("no template names a static file through {{asset}}")
	}
}
