package assets

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// khmerText has what breaks when a font loses glyphs or its shaping tables:
// subscript consonants (coeng, U+17D2) single and stacked (ស្ត្រី, ក្សត្រ),
// vowel signs above, below and before the consonant, split vowels (ើ ៀ ឿ ោ ៅ),
// the robat (ធម៌), the bantoc and Khmer digits.
const khmerText = "ព្រះរាជាណាចក្រកម្ពុជា ជាតិ សាសនា ព្រះមហាក្សត្រ។ ស្ត្រី ក្នុង ភូមិ ស្រុក ខេត្ត " +
	"ព្រៃនគរ ការិយាល័យ ទទួល និង ប្រគល់ លទ្ធផល សៀវភៅ ឿន ចៅហ្វាយខេត្ត អ្នកស្រី ប្រាក់ ស្នើសុំ " +
	"ឯកសារ កម្មវិធី ធម៌ ខ្ញុំ ឆ្នាំ ២០២៦ ថ្ងៃទី ១៥ ខែមេសា។"

// upstreamDir holds the whole upstream fonts (pb_public/fonts-src/make.sh's input).
const upstreamDir = "../../../pb_public/fonts-src/upstream"

// newBrowser starts Debian's headless Chromium for one test, the way the
// product's browser tests do: skipped on a machine without Chromium, a
// failure in CI (CI=true).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	p := os.Getenv("CHROMIUM")
	if p == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if found, err := exec.LookPath(name); err == nil {
				p = found
				break
			}
		}
	}
	if p == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is missing in CI: .ci/run must install Debian's chromium")
		}
		t.Skip("browser test skipped: no Chromium on this machine (apt-get install chromium)")
	}
	profile, err := os.MkdirTemp("", "motcua-assets-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(p),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.WindowSize(1100, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	return ctx
}

// probePage draws the text with one font file and nothing to fall back to but
// the system's fonts, so a glyph the file lacks shows.
var probePage = template.Must(template.New("probe").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><style>
@font-face { font-family: "Probe"; src: url({{.Font}}) format("{{.Format}}"); font-weight: {{.Weight}}; }
html, body { margin: 0; background: #fff; }
#t { font-family: "Probe"; font-weight: {{.Weight}}; font-size: 36px; line-height: 1.9; color: #000;
     width: 1000px; margin: 0; padding: 12px; }
</style></head>
<body><p id="t" lang="km">{{.Text}}</p></body></html>`))

// fontServer serves the asset set, the upstream fonts, the broken fixtures and
// probe pages: /probe?font=<url>&format=woff2|truetype&weight=400|700.
// localSource is one local() source of an @font-face rule.
var localSource = regexp.MustCompile(`local\("[^"]*"\),\s*`)

func fontServer(t *testing.T, s *Set) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/upstream/", http.StripPrefix("/upstream/", http.FileServer(http.Dir(upstreamDir))))
	mux.Handle("/broken/", http.StripPrefix("/broken/", http.FileServer(http.Dir("testdata"))))
	mux.HandleFunc("/probe", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		err := probePage.Execute(w, map[string]string{
			"Font": q.Get("font"), "Format": q.Get("format"), "Weight": q.Get("weight"), "Text": khmerText,
		})
		if err != nil {
			t.Errorf("probe page: %v", err)
		}
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, r.URL.Query().Get("html"))
	})
	// The stylesheet as a phone without the fonts sees it: the same file with
	// its local() sources dropped, so what a page draws with is what it
	// downloads whatever fonts this machine has installed.
	mux.HandleFunc("/nolocal.css", func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, s.URL("app.css"), nil))
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(localSource.ReplaceAll(rec.Body.Bytes(), nil))
	})
	mux.Handle("/", s)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// render opens a probe page, waits until its font has loaded (a font that
// fails to load fails the test, rather than comparing two fallbacks), and
// screenshots the paragraph.
func render(t *testing.T, ctx context.Context, srv *httptest.Server, font, format, weight string) image.Image {
	t.Helper()
	u := fmt.Sprintf("%s/probe?font=%s&format=%s&weight=%s", srv.URL, font, format, weight)
	var status string
	var shot []byte
	err := chromedp.Run(ctx,
		chromedp.Navigate(u),
		chromedp.Evaluate(`document.fonts.ready.then(() => Array.from(document.fonts).map(f => f.family + ":" + f.status).join(","))`,
			&status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		chromedp.Screenshot("#t", &shot, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("render %s: %v", font, err)
	}
	if status != `"Probe":loaded` && status != "Probe:loaded" {
		t.Fatalf("%s did not load as a font: %s", font, status)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", font, err)
	}
	return img
}

// diff counts the pixels that differ (-1 when the pictures are not the same
// size: the text took another shape).
func diff(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return -1
	}
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			if ar != br || ag != bg || ab != bb || aa != ba {
				n++
			}
		}
	}
	return n
}

// ink counts the dark pixels, so that two blank pictures do not pass as the
// same text.
func ink(img image.Image) int {
	n := 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr+cg+cb < 3*0x8000 {
				n++
			}
		}
	}
	return n
}

// TestKhmerShapesAsUpstream renders a Khmer paragraph with the WOFF2 the
// product serves and with the whole upstream TTF, regular and bold, and wants
// the two pictures identical to the pixel: WOFF2 is lossless and the font is
// not subset, so any difference is a font that lost something. The same
// comparison against two broken fonts (what careless subsetting does: no
// shaping tables; consonants only) must find differences, or the test could
// not catch a broken font.
func TestKhmerShapesAsUpstream(t *testing.T) {
	s := public(t)
	srv := fontServer(t, s)
	ctx := newBrowser(t)
	for _, tc := range []struct {
		style, weight string
	}{{"Regular", "400"}, {"Bold", "700"}} {
		t.Run(tc.style, func(t *testing.T) {
			upstream := render(t, ctx, srv, "/upstream/NotoSansKhmer-"+tc.style+".ttf", "truetype", tc.weight)
			served := render(t, ctx, srv, s.URL("fonts/NotoSansKhmer-"+tc.style+".woff2"), "woff2", tc.weight)
			dark := ink(upstream)
			if dark < 5000 {
				t.Fatalf("only %d dark pixels: the paragraph did not render", dark)
			}
			switch n := diff(upstream, served); {
			case n < 0:
				t.Errorf("served %s draws the paragraph at %v, upstream at %v", tc.style, served.Bounds(), upstream.Bounds())
			case n > 0:
				t.Errorf("served %s differs from upstream in %d pixels (%d dark pixels in all)", tc.style, n, dark)
			}
		})
	}
	upstream := render(t, ctx, srv, "/upstream/NotoSansKhmer-Regular.ttf", "truetype", "400")
	for _, broken := range []string{"khmer-nolayout.woff2", "khmer-consonants.woff2"} {
		t.Run("catches "+broken, func(t *testing.T) {
			got := render(t, ctx, srv, "/broken/"+broken, "woff2", "400")
			switch n := diff(upstream, got); {
			case n == 0:
				t.Fatalf("%s renders like the upstream font: the comparison cannot catch a broken font", broken)
			case n < 0:
				t.Logf("%s: the paragraph takes %v instead of %v", broken, got.Bounds(), upstream.Bounds())
			default:
				t.Logf("%s: %d pixels differ (upstream: %d dark pixels)", broken, n, ink(upstream))
			}
		})
	}
}

// fontsOf lists the fonts Chromium drew an element's text with, and the font
// files the page downloaded.
func fontsOf(t *testing.T, ctx context.Context, url, sel string) (used []string, files []string) {
	t.Helper()
	var fonts []*css.PlatformFontUsage
	var loaded []string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url),
		chromedp.Evaluate(`document.fonts.ready.then(() => true)`, nil,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		dom.Enable(), css.Enable(),
		chromedp.ActionFunc(func(ctx context.Context) error {
			doc, err := dom.GetDocument().Do(ctx)
			if err != nil {
				return err
			}
			id, err := dom.QuerySelector(doc.NodeID, sel).Do(ctx)
			if err != nil {
				return err
			}
			var text cdp.NodeID = id
			fonts, err = css.GetPlatformFontsForNode(text).Do(ctx)
			return err
		}),
		chromedp.Evaluate(`performance.getEntriesByType("resource").map(e => e.name.split("/").pop()).filter(n => n.endsWith(".woff2"))`, &loaded),
	)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	for _, f := range fonts {
		used = append(used, fmt.Sprintf("%s (custom %v)", f.FamilyName, f.IsCustomFont))
	}
	sort.Strings(loaded)
	return used, loaded
}

// TestServedFontsCoverThePages draws text through the served stylesheet and
// asks Chromium which fonts it used and which files it fetched: Vietnamese
// (every letter, both weights) and the punctuation of the catalogues come
// whole from the "vi" subset, a page of Vietnamese fetches neither the "latin"
// subset nor any Khmer, other Latin letters fetch "latin", and a citizen page
// draws bold Khmer from the regular file (no bold Khmer download) while a
// staff page gets the real bold.
func TestServedFontsCoverThePages(t *testing.T) {
	s := public(t)
	srv := fontServer(t, s)
	ctx := newBrowser(t)
	vi := "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ" +
		" AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ" +
		" 0123456789 – — “ ” « » · … 50.000 đ (nếu có): Bộ phận tiếp nhận và trả kết quả!"
	// No cache at all (memory cache included): what a page downloads is what
	// it needs, not what an earlier page left.
	if err := chromedp.Run(ctx, network.Enable(), network.SetCacheDisabled(true)); err != nil {
		t.Fatal(err)
	}
	page := func(bodyClass, body string) string {
		doc := `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/nolocal.css"></head><body class="` +
			bodyClass + `">` + body + `</body></html>`
		return srv.URL + "/page?html=" + url.QueryEscape(doc)
	}
	only := func(used []string, family string) bool {
		for _, u := range used {
			if !strings.HasPrefix(u, family+" (custom true)") {
				return false
			}
		}
		return len(used) > 0
	}
	for _, tc := range []struct {
		name, class, body, sel, family string
		files                          []string
	}{
		{"Vietnamese regular", "", `<p id="x" lang="vi">` + vi + `</p>`, "#x", "Noto Sans",
			[]string{"NotoSans-Regular-vi"}},
		{"Vietnamese bold", "", `<h1 id="x" lang="vi">` + vi + `</h1>`, "#x", "Noto Sans",
			[]string{"NotoSans-Bold-vi"}},
		{"other Latin letters", "", `<p id="x" lang="de">Müller © Åse Øre</p>`, "#x", "Noto Sans",
			[]string{"NotoSans-Regular-latin", "NotoSans-Regular-vi"}},
		{"Khmer on a staff page", "", `<p id="x" lang="km">ស្ត្រី</p><h1 lang="km">ក្នុង</h1>`, "#x", "Noto Sans Khmer",
			[]string{"NotoSansKhmer-Bold", "NotoSansKhmer-Regular"}},
		{"Khmer on a citizen page", "citizen", `<p id="x" lang="km">ស្ត្រី</p><h1 lang="km">ក្នុង</h1>`, "#x", "Noto Sans Khmer",
			[]string{"NotoSansKhmer-Regular"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			used, files := fontsOf(t, ctx, page(tc.class, tc.body), tc.sel)
			if !only(used, tc.family) {
				t.Errorf("drawn with %v, want %s only (a fallback font means a missing glyph)", used, tc.family)
			}
			var want []string
			for _, f := range tc.files {
				want = append(want, strings.TrimPrefix(s.URL("fonts/"+f+".woff2"), "/static/fonts/"))
			}
			if strings.Join(files, " ") != strings.Join(want, " ") {
				t.Errorf("downloaded %v, want %v", files, want)
			}
		})
	}
	// Without a bold file, a citizen page's bold Khmer is still bold: the
	// browser emboldens the regular face.
	t.Run("citizen page emboldens Khmer", func(t *testing.T) {
		body := `<p id="r" lang="km" style="font-size:40px;font-weight:400">ក្នុង ស្ត្រី ព្រះរាជាណាចក្រ</p>` +
			`<p id="b" lang="km" style="font-size:40px;font-weight:700">ក្នុង ស្ត្រី ព្រះរាជាណាចក្រ</p>`
		var regular, bold []byte
		err := chromedp.Run(ctx, chromedp.Navigate(page("citizen", body)),
			chromedp.Evaluate(`document.fonts.ready.then(() => true)`, nil,
				func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
			chromedp.Screenshot("#r", &regular, chromedp.ByQuery), chromedp.Screenshot("#b", &bold, chromedp.ByQuery))
		if err != nil {
			t.Fatal(err)
		}
		r, err := png.Decode(bytes.NewReader(regular))
		if err != nil {
			t.Fatal(err)
		}
		b, err := png.Decode(bytes.NewReader(bold))
		if err != nil {
			t.Fatal(err)
		}
		if ink(r) < 2000 || ink(b) < ink(r)*11/10 {
			t.Errorf("bold Khmer on a citizen page has %d dark pixels, regular %d: not emboldened", ink(b), ink(r))
		}
	})
}
