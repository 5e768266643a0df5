package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// What people see and print is tested as it renders: every page at the screen
// sizes people use, in Vietnamese and Khmer, and every printed paper as the PDF
// Chromium hands the printer. One browser and one tab walk everything.
//
//	go test ./hooks -run TestGallery                       # the checks
//	go test ./hooks -run TestGallery -gallery=/tmp/gallery # and a PNG of every page, a PDF of every paper
var galleryDir = flag.String("gallery", "", "TestGallery also writes a PNG of every page (vi and km, at every screen size) and a PDF of every printed paper into this folder")

// screenSize is a screen people use the product on.
type screenSize struct {
	Name   string
	W, H   int64
	Mobile bool
}

var (
	screenPhone = screenSize{"phone-360x740", 360, 740, true}
	screenPC    = screenSize{"pc-1280x800", 1280, 800, false}
	screenKiosk = screenSize{"kiosk-1080x1920", 1080, 1920, false}
	screenTV    = screenSize{"tv-1920x1080", 1920, 1080, false}
)

// renderFixture is an office with a day of work in it: one account per role,
// two counters with a called ticket, a kiosk and a TV, and dossiers in every
// state a printed form needs.
type renderFixture struct {
	app  core.App
	mux  http.Handler
	url  string
	auth map[string]string // account → the localStorage value a signed-in page keeps
	tok  map[string]string
	ids  map[string]string // dossier role in the walk → record id
}

// newRenderFixture builds the office of the walk, with every dossier taken in
// and moved through the real routes, and serves it over real HTTP.
func newRenderFixture(t *testing.T) *renderFixture {
	t.Helper()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	office, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	// The demo office's texts: a long Vietnamese name with Khmer, an address and a hotline.
	office.Set("name_vi", "Trung tâm Phục vụ hành chính công xã Mỹ Hương")
	office.Set("name_km", "មជ្ឈមណ្ឌលបម្រើសេវារដ្ឋបាលសាធារណៈឃុំមីហឿង")
	office.Set("address", "Trụ sở Ủy ban nhân dân xã Mỹ Hương, thành phố Cần Thơ")
	office.Set("phone", "0292 000 0000")
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	setUpOfficePrint(t, app)
	f := &renderFixture{app: app, auth: map[string]string{}, tok: map[string]string{}, ids: map[string]string{}}
	staff := map[string]testkit.Staff{}
	for _, role := range []string{base.RoleReception, base.RoleProcessor, base.RoleLeader, base.RoleField} {
		staff[role] = testkit.MakeStaff(t, app, role, "r."+role)
		f.tok[role] = staff[role].Token
	}
	staff[base.RoleReception].Record.Set("counter", "1")
	if err := app.Save(staff[base.RoleReception].Record); err != nil {
		t.Fatal(err)
	}
	counter := testkit.MakeCounter(t, app, 1, "A", "B", "C", "D", "E")
	testkit.MakeCounter(t, app, 2, "A", "B")
	testkit.MakeDevice(t, app, domain.DeviceKiosk, "r.kiosk")
	testkit.MakeDevice(t, app, domain.DeviceDisplay, "r.tv")
	f.mux = testkit.NewMux(t, app)
	srv := httptest.NewServer(f.mux)
	t.Cleanup(srv.Close)
	f.url = srv.URL

	for _, acc := range []struct{ name, col string }{
		{base.RoleReception, base.ColStaff}, {base.RoleProcessor, base.ColStaff}, {base.RoleLeader, base.ColStaff}, {base.RoleField, base.ColStaff},
		{"kiosk", base.ColDevices}, {"tv", base.ColDevices},
	} {
		f.auth[acc.name] = f.signIn(t, acc.col, "r."+acc.name)
	}

	// The queue: tickets waiting in two groups, one called at counter 1.
	for _, g := range []string{"A", "A", "B", "C"} {
		f.post(t, base.RoleReception, "/api/motcua/queue/tickets", map[string]any{"group": g})
	}
	f.post(t, base.RoleReception, "/api/motcua/queue/call-next", map[string]any{"counter": counter.Id})

	proc := testkit.ProcByCode(t, app, "1.001193").Id
	intake := func(who string, over map[string]any) string {
		res := testkit.Do(f.mux, http.MethodPost, testkit.DossiersURL, f.tok[who], testkit.IntakeBody(proc, over))
		if res.Code != http.StatusOK {
			t.Fatalf("intake by %s: %d %s", who, res.Code, res.Body.String())
		}
		var rec struct{ ID string }
		_ = json.Unmarshal(res.Body.Bytes(), &rec)
		return rec.ID
	}
	procID := staff[base.RoleProcessor].Record.Id
	leaderID := staff[base.RoleLeader].Record.Id
	act := func(who, id, action string, body map[string]any) {
		f.post(t, who, "/api/motcua/dossiers/"+id+"/actions/"+action, body)
	}
	// The receipt's dossier, with a scan of a paper, handed to the processor.
	f.ids["receipt"] = f.intakeWithScan(t, proc)
	act(base.RoleReception, f.ids["receipt"], domain.ActionAssign, map[string]any{"assignee": procID})
	// Forms 02 to 05, each after its own action.
	f.ids["02"] = intake(base.RoleReception, nil)
	act(base.RoleReception, f.ids["02"], domain.ActionAssign, map[string]any{"assignee": procID})
	act(base.RoleProcessor, f.ids["02"], domain.ActionStart, nil)
	act(base.RoleProcessor, f.ids["02"], domain.ActionRequestSupplement, map[string]any{
		"missing_papers": []string{"Bản sao Giấy chứng sinh có chứng thực", "Xác nhận nơi cư trú của người mẹ"}, "note": "Nộp lại trong 10 ngày"})
	f.ids["03"] = intake(base.RoleReception, nil)
	act(base.RoleReception, f.ids["03"], domain.ActionAssign, map[string]any{"assignee": procID})
	act(base.RoleProcessor, f.ids["03"], domain.ActionRefuse, map[string]any{"reason": "Không thuộc thẩm quyền giải quyết của xã"})
	f.ids["04"] = intake(base.RoleReception, nil)
	d04, _ := domain.FindDossier(app, f.ids["04"])
	act(base.RoleLeader, f.ids["04"], domain.ActionExtend, map[string]any{
		"new_due_at": d04.DueAt().AddDate(0, 0, 7).Format(time.RFC3339), "reason": "Cần xác minh thêm tại ấp"})
	f.ids["05"] = intake(base.RoleReception, nil)
	act(base.RoleLeader, f.ids["05"], domain.ActionStop, map[string]any{"reason": "Công dân đề nghị dừng để bổ sung giấy tờ khác"})
	// A whole life for form 06, returned, so the status page offers the rating.
	f.ids["06"] = intake(base.RoleReception, nil)
	act(base.RoleReception, f.ids["06"], domain.ActionAssign, map[string]any{"assignee": procID})
	act(base.RoleProcessor, f.ids["06"], domain.ActionStart, nil)
	act(base.RoleProcessor, f.ids["06"], domain.ActionRequestSupplement, map[string]any{"missing_papers": []string{"Bản sao Giấy chứng sinh"}})
	act(base.RoleReception, f.ids["06"], domain.ActionSupplementReceived, nil)
	act(base.RoleProcessor, f.ids["06"], domain.ActionAssign, map[string]any{"assignee": leaderID, "note": "Trình lãnh đạo ký"})
	act(base.RoleLeader, f.ids["06"], domain.ActionComplete, nil)
	act(base.RoleReception, f.ids["06"], domain.ActionReturn, map[string]any{"collected_by": "Thạch Thị Sa Ry", "collector_id_number": "079203001234"})
	// Two the processor works on in the browser: one to hand up, one taken away.
	f.ids["handup"] = intake(base.RoleReception, nil)
	act(base.RoleReception, f.ids["handup"], domain.ActionAssign, map[string]any{"assignee": procID})
	act(base.RoleProcessor, f.ids["handup"], domain.ActionStart, nil)
	f.ids["taken"] = intake(base.RoleReception, nil)
	act(base.RoleReception, f.ids["taken"], domain.ActionAssign, map[string]any{"assignee": procID})
	// A mobile team's dossier: its receipt goes to the 80 mm roll.
	f.ids["mobile"] = intake(base.RoleField, nil)
	// A due date that reads differently day-first and month-first (4 February).
	d, _ := domain.FindDossier(app, f.ids["receipt"])
	due := time.Date(time.Now().In(base.Zone).Year()+1, time.February, 4, 16, 30, 0, 0, base.Zone)
	d.Set("due_at", base.DateTime(due))
	if err := app.Save(d.Record); err != nil {
		t.Fatal(err)
	}
	return f
}

// signIn returns what the page keeps in localStorage for a signed-in account.
func (f *renderFixture) signIn(t *testing.T, col, user string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"identity": user, "password": "correct horse 1"})
	res := testkit.Do(f.mux, http.MethodPost, "/api/collections/"+col+"/auth-with-password", "", string(b))
	if res.Code != http.StatusOK {
		t.Fatalf("sign in %s: %d %s", user, res.Code, res.Body.String())
	}
	return res.Body.String() // {"token":…,"record":{…}}: the shape app.js and queue.js keep
}

// post sends a JSON body as account who and fails the test unless it answers 200.
func (f *renderFixture) post(t *testing.T, who, path string, body map[string]any) []byte {
	t.Helper()
	b, _ := json.Marshal(body)
	if body == nil {
		b = []byte("{}")
	}
	res := testkit.Do(f.mux, http.MethodPost, path, f.tok[who], string(b))
	if res.Code != http.StatusOK {
		t.Fatalf("POST %s by %s: %d %s", path, who, res.Code, res.Body.String())
	}
	return res.Body.Bytes()
}

// intakeWithScan takes a dossier in with one PNG scan attached (multipart, as
// the intake page sends it).
func (f *renderFixture) intakeWithScan(t *testing.T, proc string) string {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("@jsonPayload", testkit.IntakeBody(proc, nil))
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := range 40 {
		img.Set(x, 10, color.Black)
	}
	part, _ := w.CreateFormFile("scans", "to-khai.png")
	_ = png.Encode(part, img)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, testkit.DossiersURL, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", f.tok[base.RoleReception])
	res := httptest.NewRecorder()
	f.mux.ServeHTTP(res, req)
	if res.Code != http.StatusOK {
		t.Fatalf("intake with scan: %d %s", res.Code, res.Body.String())
	}
	var rec struct{ ID string }
	_ = json.Unmarshal(res.Body.Bytes(), &rec)
	return rec.ID
}

// setLanguage makes every staff account read lang, as if each had chosen it.
func (f *renderFixture) setLanguage(t *testing.T, lang string) {
	t.Helper()
	recs, err := f.app.FindAllRecords(base.ColStaff)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		r.Set("language", lang)
		if err := f.app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

// renderBrowser is the walk's Chromium: scrollbars shown (a page that scrolls
// sideways must show it), its own time limit.
func renderBrowser(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	return testkit.NewBrowserFor(t, limit, chromedp.Flag("hide-scrollbars", false), chromedp.WindowSize(1280, 800))
}

// walker drives the one tab of the walk.
type walker struct {
	f      *renderFixture
	ctx    context.Context
	screen screenSize
	media  string
}

// run runs actions with a step limit, so a page that never gets ready fails
// with what it shows instead of hanging the walk.
func (w *walker) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var where string
		c2, cancel2 := context.WithTimeout(w.ctx, 3*time.Second)
		_ = chromedp.Run(c2, chromedp.Evaluate(`location.href + " · " + ((document.getElementById("msg") || {}).textContent || "")`, &where))
		cancel2()
		t.Fatalf("%s: %v (at %s)", what, err, where)
	}
}

// eval evaluates js in the page (awaiting a promise) into out.
func (w *walker) eval(t *testing.T, js string, out any) {
	t.Helper()
	w.run(t, "evaluate "+firstLine(js), chromedp.Evaluate(js, out, testkit.AwaitPromise))
}

// firstLine is the start of a script, to name it in a failure.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// size sets the viewport; the page reflows at once (media queries too).
func (w *walker) size(t *testing.T, s screenSize) {
	t.Helper()
	w.screen = s
	w.run(t, "resize to "+s.Name, emulation.SetDeviceMetricsOverride(s.W, s.H, 1, s.Mobile),
		chromedp.Evaluate(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, nil, testkit.AwaitPromise))
}

// setMedia switches to print styles, or back with "" (no emulation: an
// emulated "screen" would also apply to printToPDF).
func (w *walker) setMedia(t *testing.T, media string) {
	t.Helper()
	w.media = media
	w.run(t, "media "+media, emulation.SetEmulatedMedia().WithMedia(media))
}

// as puts an account's session into localStorage (staff or device), as the
// sign-in form would, or clears both for a guest.
func (w *walker) as(t *testing.T, account string) {
	t.Helper()
	w.run(t, "origin", chromedp.Navigate(w.f.url+"/static/app.css"))
	key := "motcua_auth"
	if account == "kiosk" || account == "tv" {
		key = "motcua_device"
	}
	js := `localStorage.clear(); true`
	if account != "" {
		js = fmt.Sprintf(`localStorage.clear(); localStorage.setItem(%q, %q); true`, key, w.f.auth[account])
	}
	w.run(t, "sign in "+account, chromedp.Evaluate(js, nil))
}

// open loads path and waits until ready (a script expression) is true and
// the fonts have loaded.
func (w *walker) open(t *testing.T, path, ready string) {
	t.Helper()
	w.run(t, "open "+path, chromedp.Navigate(w.f.url+path))
	w.wait(t, "ready "+path, ready)
	w.wait(t, "fonts "+path, `document.fonts.status === "loaded"`)
}

// wait polls ready until it is true. It evaluates afresh each time, so a page
// that replaces its document (a redirect, a reload) or throws while it is
// still loading is simply asked again.
func (w *walker) wait(t *testing.T, what, ready string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ok bool
		ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
		err := chromedp.Run(ctx, chromedp.Evaluate(`!!(`+ready+`)`, &ok))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			var where string
			c2, cancel2 := context.WithTimeout(w.ctx, 3*time.Second)
			_ = chromedp.Run(c2, chromedp.Evaluate(`location.href + " · " + ((document.getElementById("msg") || {}).textContent || "")`, &where))
			cancel2()
			t.Fatalf("%s: not ready after 15 s (%v) at %s", what, err, where)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// shot writes a full-page PNG into the gallery, when there is one.
func (w *walker) shot(t *testing.T, name string) {
	t.Helper()
	if *galleryDir == "" {
		return
	}
	var buf []byte
	w.run(t, "screenshot "+name, chromedp.FullScreenshot(&buf, 100))
	if err := os.WriteFile(filepath.Join(*galleryDir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// printPDF prints the page as the browser's print dialog would (the page's
// own @page size) and keeps the PDF in the gallery.
func (w *walker) printPDF(t *testing.T, name string) []byte {
	t.Helper()
	var pdf []byte
	w.run(t, "print "+name, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = cdppage.PrintToPDF().WithPreferCSSPageSize(true).WithPrintBackground(true).Do(ctx)
		return err
	}))
	if *galleryDir != "" {
		if err := os.WriteFile(filepath.Join(*galleryDir, name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pdf
}

// pdfPage is one page of a printed PDF, in points.
type pdfPage struct{ W, H float64 }

var (
	pdfObject   = regexp.MustCompile(`(?s)\d+ 0 obj\s*<<(.*?)endobj`)
	pdfPageType = regexp.MustCompile(`/Type\s*/Page\b[^s]`)
	pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s*\]`)
	pdfFontName = regexp.MustCompile(`/FontName\s*/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)`)
)

// pdfPages lists the pages of a PDF Chromium wrote (Skia writes one plain
// object per page with its MediaBox; no object streams).
func pdfPages(pdf []byte) []pdfPage {
	var pages []pdfPage
	for _, m := range pdfObject.FindAllSubmatch(pdf, -1) {
		if !pdfPageType.Match(append(m[1], ' ')) {
			continue
		}
		box := pdfMediaBox.FindSubmatch(m[1])
		if box == nil {
			continue
		}
		x0, _ := strconv.ParseFloat(string(box[1]), 64)
		y0, _ := strconv.ParseFloat(string(box[2]), 64)
		x1, _ := strconv.ParseFloat(string(box[3]), 64)
		y1, _ := strconv.ParseFloat(string(box[4]), 64)
		pages = append(pages, pdfPage{W: x1 - x0, H: y1 - y0})
	}
	return pages
}

// pdfFonts lists the fonts embedded in a PDF (subset prefixes dropped).
func pdfFonts(pdf []byte) string {
	var names []string
	for _, m := range pdfFontName.FindAllSubmatch(pdf, -1) {
		names = append(names, string(m[1]))
	}
	return strings.Join(names, " ")
}

// Paper sizes in points (1 mm = 72/25.4 pt).
var (
	paperA4  = pdfPage{595.92, 842.88}
	paperA4L = pdfPage{842.88, 595.92}
	paperA5  = pdfPage{419.52, 595.92}
)

func mmToPt(mm float64) float64 { return mm * 72 / 25.4 }

func samePaper(p, want pdfPage) bool {
	return abs(p.W-want.W) < 2 && abs(p.H-want.H) < 2
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// checkPaper checks a PDF's page count and that every page has the size want.
func checkPaper(t *testing.T, name string, pdf []byte, pages int, want pdfPage) {
	t.Helper()
	got := pdfPages(pdf)
	if len(got) != pages {
		t.Errorf("%s prints on %d pages, want %d", name, len(got), pages)
	}
	for i, p := range got {
		if want.H == 0 { // a roll: only the width is fixed
			if abs(p.W-want.W) > 2 {
				t.Errorf("%s page %d is %.0f pt wide, want %.0f (80 mm roll)", name, i+1, p.W, want.W)
			}
			continue
		}
		if !samePaper(p, want) {
			t.Errorf("%s page %d is %.1f × %.1f pt, want %.1f × %.1f", name, i+1, p.W, p.H, want.W, want.H)
		}
	}
	// Khmer glyphs are drawn with the embedded Khmer font, Vietnamese with Noto Sans.
	fonts := pdfFonts(pdf)
	if !strings.Contains(fonts, "NotoSansKhmer") || !regexp.MustCompile(`NotoSans-(Regular|Bold)`).MatchString(fonts) {
		t.Errorf("%s embeds fonts %q: want Noto Sans and Noto Sans Khmer", name, fonts)
	}
}

var (
	khmerText      = regexp.MustCompile(`[\x{1780}-\x{17FF}]`)
	vietnameseText = regexp.MustCompile(`[ạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]`)
)

// printedText is the text the print styles leave visible.
func (w *walker) printedText(t *testing.T) string {
	t.Helper()
	w.setMedia(t, "print")
	var text string
	w.eval(t, `document.body.innerText`, &text)
	w.setMedia(t, "")
	return text
}

// checkBilingual checks a printed text has both Vietnamese and Khmer and none of never.
func checkBilingual(t *testing.T, name, text string, never ...string) {
	t.Helper()
	if !khmerText.MatchString(text) || !vietnameseText.MatchString(text) {
		t.Errorf("%s does not print both Vietnamese and Khmer: %.200q", name, text)
	}
	for _, n := range never {
		if n != "" && strings.Contains(text, n) {
			t.Errorf("%s prints %q", name, n)
		}
	}
}

// geometryJS measures what a person would notice on screen: sideways scroll,
// and for the lobby pages the size and contrast of what must be read from afar.
const geometryJS = `(() => {
	const de = document.documentElement;
	const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
	const rgb = c => (c.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number);
	const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
		return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor, v = rgb(c);
		if (v.length < 4 || v[3] > 0.5) return c; } return "rgb(255, 255, 255)"; };
	const contrast = el => { const a = lum(getComputedStyle(el).color), b = lum(bg(el)); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
	window.__contrast = contrast;
	return {
		sideScroll: de.scrollWidth - de.clientWidth,
		widest: Array.from(document.querySelectorAll("body *")).filter(visible)
			.filter(e => e.getBoundingClientRect().right > de.clientWidth + 1)
			.slice(0, 3).map(e => e.tagName + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + e.className : "")),
		innerHeight: innerHeight, innerWidth: innerWidth,
	};
})()`

// geometry is what geometryJS measures.
type geometry struct {
	SideScroll  float64  `json:"sideScroll"`
	Widest      []string `json:"widest"`
	InnerHeight float64  `json:"innerHeight"`
	InnerWidth  float64  `json:"innerWidth"`
}

// geometry measures the page as it is now.
func (w *walker) geometry(t *testing.T) geometry {
	t.Helper()
	var g geometry
	w.eval(t, geometryJS, &g)
	return g
}

// screenPage is one page of the walk.
type screenPage struct {
	name    string
	account string // a role, "kiosk", "tv", or "" for a guest
	path    string
	ready   string
	screens []screenSize
	setup   func(t *testing.T, w *walker)              // after ready, before the screens
	check   func(t *testing.T, w *walker, lang string) // at each screen size
}

// code is the dossier code and lookup key of a dossier of the walk.
func (f *renderFixture) code(t *testing.T, role string) (code, key string) {
	t.Helper()
	d, err := domain.FindDossier(f.app, f.ids[role])
	if err != nil {
		t.Fatal(err)
	}
	return d.Code(), d.LookupKey()
}

// TestGallery walks every page at the screen sizes people use, in Vietnamese
// and Khmer, and prints every paper, checking what a person would see; with
// -gallery=DIR it also writes each screen as a PNG and each paper as a PDF.
func TestGallery(t *testing.T) {
	t.Parallel()
	limit := 4 * time.Minute
	if *galleryDir != "" {
		limit = 10 * time.Minute
		if err := os.MkdirAll(*galleryDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f := newRenderFixture(t)
	w := &walker{f: f, ctx: renderBrowser(t, limit)}
	t.Run("screens", func(t *testing.T) { walkScreens(t, w) })
	t.Run("papers", func(t *testing.T) { walkPapers(t, w) })
	t.Run("dates", func(t *testing.T) { walkDates(t, w) })
	t.Run("intake", func(t *testing.T) { walkIntake(t, w) })
	t.Run("dossier", func(t *testing.T) { walkDossier(t, w) })
	t.Run("public", func(t *testing.T) { walkPublic(t, w) })
	t.Run("start-reachable", func(t *testing.T) { walkStartReachable(t, w) })
	t.Run("report", func(t *testing.T) { walkReport(t, w) })
}

// walkScreens opens every page in Vietnamese and Khmer at the sizes it is used
// at: no sideways scroll anywhere, then each page's own checks.
func walkScreens(t *testing.T, w *walker) {
	f := w.f
	staffSizes := []screenSize{screenPhone, screenPC}
	code, key := f.code(t, "06")
	refusedCode, refusedKey := f.code(t, "03")
	pages := []screenPage{
		{name: "start", account: base.RoleReception, path: "/", ready: `!document.getElementById("start").classList.contains("hidden") && document.querySelectorAll("#hours tr").length === 7`,
			check: checkStartWarning},
		{name: "intake", account: base.RoleReception, path: "/intake.html", ready: `document.body.getAttribute("data-ready") === "true"`,
			setup: chooseProcedure("1.001193")},
		{name: "receipt", account: base.RoleReception, path: "/receipt.html?id=" + f.ids["receipt"], ready: `document.body.getAttribute("data-ready") === "true"`},
		{name: "dossier", account: base.RoleReception, path: "/dossier.html?id=" + f.ids["receipt"], ready: `document.querySelectorAll("#facts tr").length > 3 && document.querySelector("#forms button")`,
			setup: func(t *testing.T, w *walker) {
				w.run(t, "preview form 02", chromedp.Evaluate(`document.querySelector('button.form-preview[data-form="06"]').click()`, nil))
				w.wait(t, "form 06 preview", `document.querySelector("#print-area .form-06")`)
			}, check: checkFormPreview},
		{name: "work-processor", account: base.RoleProcessor, path: "/work.html", ready: `document.querySelector("#lists section")`},
		{name: "work-leader", account: base.RoleLeader, path: "/work.html", ready: `document.querySelectorAll("#lists section").length >= 5`},
		{name: "search", account: base.RoleReception, path: "/search.html", ready: `document.getElementById("q")`,
			setup: func(t *testing.T, w *walker) {
				w.run(t, "search", chromedp.SendKeys("#q", "thach thi", chromedp.ByQuery))
				w.wait(t, "results", `document.querySelectorAll("#results tr.hit").length > 0`)
			}},
		{name: "ledger", account: base.RoleReception, path: "/ledger.html", ready: `document.querySelectorAll("#ledger tr").length > 3`},
		{name: "counter", account: base.RoleReception, path: "/counter.html", ready: `document.getElementById("current-code").textContent.length > 1 && document.querySelectorAll("#waiting tr").length > 0`,
			check: checkCounter},
		{name: "dashboard", account: base.RoleLeader, path: "/dashboard.html", ready: `!document.getElementById("board").classList.contains("hidden") && document.querySelectorAll(".chart svg").length === 3`,
			check: func(t *testing.T, w *walker, lang string) { checkCharts(t, w, lang); checkChartLabels(t, w, lang) }},
		{name: "report", account: base.RoleLeader, path: "/report.html", ready: `document.querySelectorAll("#report tr.total td").length > 0`,
			check: checkReportFits},
		{name: "field", account: base.RoleLeader, path: "/field.html", ready: `!document.getElementById("centre").classList.contains("hidden")`,
			check: checkFieldBanner},
		{name: "emergency", account: base.RoleLeader, path: "/emergency.html", ready: `document.querySelectorAll("#pads tbody tr").length > 0 && !document.getElementById("pad-form").classList.contains("hidden")`},
		{name: "rate", account: base.RoleReception, path: "/rate.html?dossier=" + f.ids["06"] + "&scale=5", ready: `document.querySelectorAll("#faces .face").length === 5`,
			check: checkRateScreen},
		{name: "catalogue", path: "/thu-tuc", ready: `document.querySelectorAll("#procedures .proc").length > 10`},
		{name: "lookup", path: "/tra-cuu", ready: `document.getElementById("lookup-form")`},
		{name: "status", path: "/tra-cuu/" + code + "?k=" + key, ready: `document.getElementById("state")`, check: checkStatusPage},
		{name: "status-refused", path: "/tra-cuu/" + refusedCode + "?k=" + refusedKey, ready: `document.getElementById("state")`, check: checkRefusedStatus},
	}
	for _, lang := range []string{"vi", "km"} {
		f.setLanguage(t, lang)
		for _, p := range pages {
			t.Run(p.name+"-"+lang, func(t *testing.T) {
				w.as(t, p.account)
				path := p.path
				if p.account == "" { // server pages take the language from the address
					path += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "lang=" + lang
				}
				w.size(t, screenPC)
				w.open(t, path, p.ready)
				if p.account != "" {
					w.wait(t, "language "+lang, `document.documentElement.lang === "`+lang+`"`)
				}
				if p.setup != nil {
					p.setup(t, w)
				}
				sizes := p.screens
				if sizes == nil {
					sizes = staffSizes
				}
				for _, s := range sizes {
					w.size(t, s)
					g := w.geometry(t)
					if g.SideScroll > 1 {
						t.Errorf("%s (%s, %s) scrolls sideways by %.0f px; too wide: %v", p.name, lang, s.Name, g.SideScroll, g.Widest)
					}
					if p.check != nil {
						p.check(t, w, lang)
					}
					w.shot(t, p.name+"-"+lang+"-"+s.Name)
				}
			})
		}
	}
	t.Run("kiosk", func(t *testing.T) { walkKiosk(t, w) })
	t.Run("display", func(t *testing.T) { walkDisplay(t, w) })
}

// chooseProcedure picks a procedure on the intake page so its papers show.
func chooseProcedure(code string) func(t *testing.T, w *walker) {
	return func(t *testing.T, w *walker) {
		id := testkit.ProcByCode(t, w.f.app, code).Id
		w.run(t, "choose "+code,
			chromedp.SendKeys("#proc-search", code, chromedp.ByQuery),
			chromedp.WaitVisible(`button.proc-option[data-id="`+id+`"]`, chromedp.ByQuery),
			chromedp.Click(`button.proc-option[data-id="`+id+`"]`, chromedp.ByQuery),
			chromedp.WaitVisible("#paper-0", chromedp.ByQuery),
		)
	}
}

// checkStartWarning: while the office's public_url is a loopback address,
// the start page says plainly that printed QR codes will not open on a phone.
func checkStartWarning(t *testing.T, w *walker, lang string) {
	var shown string
	w.eval(t, `(() => { const el = document.getElementById("public-url-warning"); return el && el.getClientRects().length ? el.textContent : ""; })()`, &shown)
	if !strings.Contains(shown, "localhost:8090") || !strings.Contains(shown, i18n.T(lang, "page.public_url_title")) {
		t.Errorf("start page (%s, %s) does not warn about public_url http://localhost:8090: %q", lang, w.screen.Name, shown)
	}
}

// checkFormPreview: the screen preview of a form is styled like the paper.
func checkFormPreview(t *testing.T, w *walker, lang string) {
	var st map[string]string
	w.eval(t, `(() => { const a = getComputedStyle(document.getElementById("print-area")), h = getComputedStyle(document.querySelector("#print-area .form-head"));
		return { pad: a.paddingTop, border: a.borderTopStyle, head: h.display, bg: a.backgroundColor }; })()`, &st)
	if st["pad"] == "0px" || st["border"] == "none" || st["head"] != "grid" || st["bg"] != "rgb(255, 255, 255)" {
		t.Errorf("form preview (%s, %s) is unstyled: %v", lang, w.screen.Name, st)
	}
}

// checkCounter: the ticket being served is large on the counter page.
func checkCounter(t *testing.T, w *walker, lang string) {
	var px float64
	w.eval(t, `parseFloat(getComputedStyle(document.getElementById("current-code")).fontSize)`, &px)
	if px < 48 {
		t.Errorf("counter (%s, %s): the current code is %.0f px, want ≥ 48", lang, w.screen.Name, px)
	}
}

// checkCharts: dashboard chart labels render at a readable size.
func checkCharts(t *testing.T, w *walker, lang string) {
	// The type as drawn: the text's font size in the SVG's units times the
	// scale at which the SVG is shown.
	var smallest float64
	w.eval(t, `Math.min(...Array.from(document.querySelectorAll(".chart svg")).flatMap(svg => {
		const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
		return Array.from(svg.querySelectorAll("text")).map(e => parseFloat(getComputedStyle(e).fontSize) * scale);
	}))`, &smallest)
	if smallest < 13 {
		t.Errorf("dashboard (%s, %s): chart labels are drawn at %.1f px, want ≥ 13", lang, w.screen.Name, smallest)
	}
}

// checkReportFits: on a counter PC the whole report form is on screen, not
// scrolled inside its box.
func checkReportFits(t *testing.T, w *walker, lang string) {
	if w.screen.W < screenPC.W {
		return // a phone scrolls the form in its box, never the page
	}
	var over float64
	w.eval(t, `(() => { const t = document.getElementById("report"); return t.getBoundingClientRect().width - t.parentElement.clientWidth; })()`, &over)
	if over > 1 {
		t.Errorf("report (%s, %s): the form is %.0f px wider than the page", lang, w.screen.Name, over)
	}
}

// checkFieldBanner: the mobile team's banner is styled (it is drawn by app.js
// only on a team laptop, so the check draws one).
func checkFieldBanner(t *testing.T, w *walker, lang string) {
	var bg string
	w.eval(t, `(() => { const el = document.createElement("div"); el.className = "field-banner"; el.textContent = "x"; document.body.prepend(el);
		const c = getComputedStyle(el).backgroundColor; el.remove(); return c; })()`, &bg)
	if bg == "rgba(0, 0, 0, 0)" || bg == "" {
		t.Errorf("field banner (%s) unstyled: background %s", lang, bg)
	}
}

// facesJS reports how the rating faces are drawn and how readable the send button is.
const facesJS = `(async (faces, send) => {
	const fs = Array.from(document.querySelectorAll(faces));
	const emoji = fs.map(f => f.textContent).join("").match(/\p{Extended_Pictographic}/gu) || [];
	const worst = sel => { const b = document.querySelector(sel); if (!b) return 0;
		return Math.min(...[b, ...b.querySelectorAll("*")].filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())).map(e => window.__contrast(e))); };
	return { faces: fs.length, svg: fs.filter(f => f.querySelector("svg")).length, emoji: emoji.length, contrast: worst(send) };
})`

// facesResult is what facesJS reports.
type facesResult struct {
	Faces, SVG, Emoji int
	Contrast          float64
}

// faces measures the rating faces matched by faces and the button send.
func (w *walker) faces(t *testing.T, faces, send string) facesResult {
	t.Helper()
	var r facesResult
	w.eval(t, facesJS+fmt.Sprintf("(%q, %q)", faces, send), &r)
	return r
}

// checkRateScreen: the five faces are drawn (no emoji font needed) and the
// send button reads well once a face is chosen.
func checkRateScreen(t *testing.T, w *walker, lang string) {
	w.run(t, "choose a face", chromedp.Evaluate(`document.querySelector('#faces .face[data-score="4"]').click()`, nil))
	r := w.faces(t, "#faces .face", "#send")
	if r.Faces != 5 || r.SVG != 5 || r.Emoji != 0 {
		t.Errorf("rate screen faces: %+v, want 5 drawn as SVG, no emoji", r)
	}
	if r.Contrast < 4.5 {
		t.Errorf("rate screen (%s): send button contrast %.2f, want ≥ 4.5", w.screen.Name, r.Contrast)
	}
}

// checkStatusPage: the citizen's language links keep the key as its own
// parameter, and the rating form draws its faces and a readable button.
func checkStatusPage(t *testing.T, w *walker, lang string) {
	_, key := w.f.code(t, "06")
	var hrefs []string
	w.eval(t, `Array.from(document.querySelectorAll("nav.lang a")).map(a => a.getAttribute("href"))`, &hrefs)
	for _, h := range hrefs {
		if !strings.Contains(h, "&k="+key) || strings.Contains(h, "%26") {
			t.Errorf("status page language link %q: want ?lang=…&k=%s", h, key)
		}
	}
	r := w.faces(t, ".rating .face", `.rating button[type="submit"]`)
	if r.Faces != 5 || r.SVG != 5 || r.Emoji != 0 {
		t.Errorf("status page rating faces: %+v, want 5 drawn as SVG, no emoji", r)
	}
	if r.Contrast < 4.5 {
		t.Errorf("status page (%s, %s): rating button contrast %.2f, want ≥ 4.5", lang, w.screen.Name, r.Contrast)
	}
}

// kioskJS lists every visible button that is off screen or under 48 px tall,
// and how the group letter sits against the group's name.
const kioskJS = `(() => {
	const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
	const bad = Array.from(document.querySelectorAll("button")).filter(visible).map(b => ({ b, r: b.getBoundingClientRect() }))
		.filter(({ r }) => r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5 || r.height < 48)
		.map(({ b, r }) => (b.id || b.getAttribute("data-reason") || b.getAttribute("data-group") || b.textContent.slice(0, 20)) + " " + Math.round(r.top) + "–" + Math.round(r.bottom) + " h" + Math.round(r.height));
	const g = document.querySelector("#groups .kiosk-group");
	const l = g.querySelector(".letter").getBoundingClientRect(), n = g.querySelector(".vi").getBoundingClientRect();
	const overlap = !(l.right <= n.left || n.right <= l.left || l.bottom <= n.top || n.bottom <= l.top);
	return { bad, letterApart: !overlap && getComputedStyle(g.querySelector(".letter")).display !== "inline",
		slipShown: document.getElementById("print-area").getClientRects().length > 0 };
})()`

// kioskResult is what kioskJS reports.
type kioskResult struct {
	Bad         []string `json:"bad"`
	LetterApart bool     `json:"letterApart"`
	SlipShown   bool     `json:"slipShown"`
}

// walkKiosk: on a portrait and a landscape kiosk, before and after choosing
// a priority, every button is on screen and large enough to touch, the group
// letter stands apart from its name and the 80 mm slip is not shown.
func walkKiosk(t *testing.T, w *walker) {
	w.as(t, "kiosk")
	w.size(t, screenKiosk)
	w.open(t, "/kiosk", `document.querySelectorAll("#groups .kiosk-group").length === 5`)
	w.eval(t, `window.print = () => {}; true`, nil)
	for _, s := range []screenSize{screenKiosk, {"kiosk-1280x800", 1280, 800, false}} {
		w.size(t, s)
		for _, state := range []string{"groups", "priority"} {
			if state == "priority" {
				w.run(t, "priority", chromedp.Evaluate(`document.getElementById("priority-button").click()`, nil))
				w.wait(t, "reasons", `!document.getElementById("priority-choose").classList.contains("hidden")`)
			}
			g := w.geometry(t)
			var k kioskResult
			w.eval(t, kioskJS, &k)
			if g.SideScroll > 1 {
				t.Errorf("kiosk %s (%s) scrolls sideways by %.0f px", state, s.Name, g.SideScroll)
			}
			if len(k.Bad) > 0 {
				t.Errorf("kiosk %s (%s): buttons off screen or under 48 px: %v", state, s.Name, k.Bad)
			}
			if !k.LetterApart {
				t.Errorf("kiosk (%s): the group letter runs into the group's name", s.Name)
			}
			if k.SlipShown {
				t.Errorf("kiosk (%s): the 80 mm print template shows on screen", s.Name)
			}
			w.shot(t, "kiosk-"+state+"-"+s.Name)
		}
		w.run(t, "back", chromedp.Reload())
		w.wait(t, "groups", `document.querySelectorAll("#groups .kiosk-group").length === 5`)
		w.eval(t, `window.print = () => {}; true`, nil)
	}
}

// walkDisplay: the lobby TV is dark, and the called code is large and readable.
func walkDisplay(t *testing.T, w *walker) {
	w.as(t, "tv")
	w.size(t, screenTV)
	w.open(t, "/display", `document.body.getAttribute("data-live") === "1" && document.querySelector("#counters .display-counter.calling")`)
	var tv struct {
		Px, Height, Contrast, Body float64
		Fits                       bool
	}
	w.geometry(t) // installs __contrast
	w.eval(t, `(() => { const c = document.querySelector("#counters .display-counter.calling .code"), r = c.getBoundingClientRect();
		return { px: parseFloat(getComputedStyle(c).fontSize), height: r.height, contrast: window.__contrast(c),
			body: window.__contrast(document.querySelector("#board h2")), fits: c.scrollWidth <= c.clientWidth + 1 }; })()`, &tv)
	if tv.Px < 0.08*float64(screenTV.H) {
		t.Errorf("TV: the called code is %.0f px, want ≥ 8 %% of %d px", tv.Px, screenTV.H)
	}
	if tv.Contrast < 4.5 || tv.Body < 4.5 {
		t.Errorf("TV: contrast of the called code %.2f, of headings %.2f; want ≥ 4.5", tv.Contrast, tv.Body)
	}
	if !tv.Fits {
		t.Error("TV: the called code is wider than its box")
	}
	var bg string
	w.eval(t, `getComputedStyle(document.body).backgroundColor`, &bg)
	if bg == "rgb(255, 255, 255)" || bg == "rgb(246, 247, 249)" {
		t.Errorf("TV background is light (%s)", bg)
	}
	if g := w.geometry(t); g.SideScroll > 1 {
		t.Errorf("TV scrolls sideways by %.0f px", g.SideScroll)
	}
	w.shot(t, "display-"+screenTV.Name)
}

// walkPapers prints every paper and checks its pages, size and languages.
func walkPapers(t *testing.T, w *walker) {
	f := w.f
	f.setLanguage(t, "vi")
	w.size(t, screenPC)
	ready := `document.body.getAttribute("data-ready") === "true"`
	t.Run("receipt", func(t *testing.T) {
		w.as(t, base.RoleReception)
		for _, c := range []struct {
			name, query string
			pages       int
			paper       pdfPage
		}{
			{"receipt-a4", "", 1, paperA4},
			{"receipt-a5", "&paper=a5", 2, paperA5},
			{"receipt-roll", "&paper=roll", 2, pdfPage{W: mmToPt(80)}},
		} {
			w.open(t, "/receipt.html?id="+f.ids["receipt"]+c.query, ready)
			checkPaper(t, c.name, w.printPDF(t, c.name), c.pages, c.paper)
			text := w.printedText(t)
			checkBilingual(t, c.name, text, i18n.T("vi", "receipt.print"))
			for _, want := range []string{i18n.T("vi", "receipt.copy_applicant"), i18n.T("vi", "receipt.copy_file")} {
				if !strings.Contains(text, want) {
					t.Errorf("%s lacks %q", c.name, want)
				}
			}
			if n := strings.Count(strings.ToUpper(text), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"); n != 2 {
				t.Errorf("%s prints the national heading %d times, want once per copy", c.name, n)
			}
			checkReceiptLayout(t, w, c.name)
			// The preview is laid out at the paper's width: nothing may stick out of a copy.
			var out []string
			w.eval(t, `Array.from(document.querySelectorAll("#receipt .rc-copy")).flatMap(c => { const r = c.getBoundingClientRect();
				return Array.from(c.querySelectorAll("*")).filter(e => { const b = e.getBoundingClientRect(); return b.width > 0 && (b.right > r.right + 1 || b.left < r.left - 1 || (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)); })
					.map(e => e.tagName + "." + e.className + " " + e.textContent.slice(0, 20)); }).slice(0, 5)`, &out)
			if len(out) > 0 {
				t.Errorf("%s: sticks out of its copy: %q", c.name, out)
			}
			w.shot(t, c.name+"-screen")
		}
		walkOfficePaper(t, w)
		// A mobile team's receipt goes to the roll printer by itself.
		w.as(t, base.RoleField)
		w.open(t, "/receipt.html?id="+f.ids["mobile"], ready)
		checkPaper(t, "receipt-mobile", w.printPDF(t, "receipt-mobile"), 2, pdfPage{W: mmToPt(80)})
	})
	t.Run("forms", func(t *testing.T) {
		w.as(t, base.RoleReception)
		for _, n := range []string{"02", "03", "04", "05", "06"} {
			id := f.ids[n]
			w.open(t, "/dossier.html?id="+id, `document.querySelector('#forms button.form-preview[data-form="`+n+`"]')`)
			w.run(t, "preview "+n, chromedp.Evaluate(`document.querySelector('button.form-preview[data-form="`+n+`"]').click()`, nil))
			w.wait(t, "form "+n, `document.querySelector("#print-area .form-`+n+`")`)
			w.wait(t, "fonts", `document.fonts.status === "loaded"`)
			checkPaper(t, "form-"+n, w.printPDF(t, "form-"+n), 1, paperA4)
			text := w.printedText(t)
			checkBilingual(t, "form "+n, text, i18n.T("vi", "dossier.preview"), i18n.T("vi", "workflow.history"))
			checkDayFirst(t, "form "+n, text)
			checkPlaceDate(t, "form "+n, text)
			checkPrintBlocks(t, w, "form "+n, n != "06")
			if n == "06" {
				checkRepeatedHead(t, w, "#print-area .form-slip")
			}
		}
	})
	t.Run("notices", func(t *testing.T) {
		w.as(t, base.RoleReception)
		for _, kind := range []string{"supplement", "refusal"} {
			w.open(t, "/intake.html", `document.body.getAttribute("data-ready") === "true"`)
			w.eval(t, `window.print = () => {}; true`, nil)
			chooseProcedure("1.001193")(t, w)
			w.run(t, "notice "+kind,
				chromedp.SendKeys("#applicant_name", "Lâm Văn Sóc", chromedp.ByQuery),
				chromedp.Click("#paper-0", chromedp.ByQuery),
				chromedp.Click("#not-taken summary", chromedp.ByQuery),
				chromedp.SendKeys("#reason", "Thiếu giấy chứng sinh", chromedp.ByQuery),
				chromedp.Click("#print-"+kind, chromedp.ByQuery),
			)
			w.wait(t, "notice", `document.querySelector("#notice .notice") && document.fonts.status === "loaded"`)
			name := "notice-" + kind
			checkPaper(t, name, w.printPDF(t, name), 1, paperA4)
			text := w.printedText(t)
			checkBilingual(t, name, text, i18n.T("vi", "intake.notice_ready"), i18n.T("vi", "intake.save"))
			checkPlaceDate(t, name, text)
			checkPrintBlocks(t, w, name, true)
		}
	})
	t.Run("ledger", func(t *testing.T) {
		w.as(t, base.RoleReception)
		w.open(t, "/ledger.html", `document.querySelectorAll("#ledger tr").length > 3`)
		checkPaper(t, "ledger", w.printPDF(t, "ledger"), 1, paperA4L)
		checkBilingual(t, "ledger", w.printedText(t), i18n.T("vi", "ledger.show"))
		checkRepeatedHead(t, w, "#ledger")
	})
	t.Run("report", func(t *testing.T) {
		w.as(t, base.RoleLeader)
		// The report, then the queue annex (waits by language, issue 17) on a page of its own.
		w.open(t, "/report.html", `document.querySelectorAll("#report tr.total td").length > 0 && document.querySelector("#queue-annex table")`)
		checkPaper(t, "report", w.printPDF(t, "report"), 2, paperA4L)
		text := w.printedText(t)
		checkBilingual(t, "report", text, i18n.T("vi", "report.show"))
		for _, want := range []string{i18n.T("vi", "print.prepared_by"), i18n.T("km", "print.prepared_by"),
			i18n.T("vi", "print.head_of_unit"), i18n.T("km", "print.head_of_unit"), "ngày",
			i18n.T("vi", "qlang.annex_title"), i18n.T("km", "qlang.annex_title")} {
			if !strings.Contains(text, want) {
				t.Errorf("report print lacks %q", want)
			}
		}
		checkRepeatedHead(t, w, "#report")
		checkPrintBlocks(t, w, "report", true)
		checkReportPrint(t, text)
		if *galleryDir != "" {
			printXLSX(t, f)
		}
	})
}

// checkReceiptLayout looks at the printed receipt: the national heading on two
// lines, Khmer labels beside the Vietnamese, the forms' grid header kept off it.
func checkReceiptLayout(t *testing.T, w *walker, name string) {
	t.Helper()
	w.setMedia(t, "print")
	var r struct {
		Motto      []int  `json:"motto"`
		Stacked    int    `json:"stacked"`
		Labels     int    `json:"labels"`
		HeadGrid   bool   `json:"headGrid"`
		CutLine    bool   `json:"cutLine"`
		KmSmaller  bool   `json:"kmSmaller"`
		Copies     int    `json:"copies"`
		PaperClass string `json:"paperClass"`
	}
	w.eval(t, `(() => {
		const lines = el => { const rg = document.createRange(); rg.selectNodeContents(el);
			return new Set(Array.from(rg.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))).size; };
		const labels = Array.from(document.querySelectorAll("#receipt .receipt .km")).filter(e => e.closest(".rc-label"));
		const stacked = labels.filter(e => getComputedStyle(e).display === "block").length;
		const km = document.querySelector("#receipt .rc-label .km"), vi = document.querySelector("#receipt .rc-label [lang=vi]");
		return {
			motto: Array.from(document.querySelectorAll("#receipt .rc-motto > [lang=vi]")).map(lines),
			stacked, labels: labels.length,
			headGrid: Array.from(document.querySelectorAll("#receipt table")).some(t => getComputedStyle(t).display === "grid"),
			cutLine: !!Array.from(document.querySelectorAll("#receipt .rc-cut")).find(e => e.getClientRects().length),
			kmSmaller: !!km && !!vi && parseFloat(getComputedStyle(km).fontSize) < parseFloat(getComputedStyle(vi).fontSize),
			copies: document.querySelectorAll("#receipt .receipt").length,
			paperClass: document.body.className,
		};
	})()`, &r)
	w.setMedia(t, "")
	if len(r.Motto) != 2*r.Copies || strings.Trim(strings.ReplaceAll(fmt.Sprint(r.Motto), "1", ""), "[] ") != "" {
		t.Errorf("%s: the national heading's two lines (in each copy) wrap into %v lines", name, r.Motto)
	}
	if r.Labels == 0 || r.Stacked > 0 {
		t.Errorf("%s: %d of %d Khmer labels stand on a line of their own", name, r.Stacked, r.Labels)
	}
	if !r.KmSmaller {
		t.Errorf("%s: the Khmer labels are not smaller than the Vietnamese", name)
	}
	if r.HeadGrid {
		t.Errorf("%s: a receipt table is laid out as a grid (the forms' header rule)", name)
	}
	if r.Copies != 2 {
		t.Errorf("%s: %d copies, want 2", name, r.Copies)
	}
	wantCut := name == "receipt-a4"
	if r.CutLine != wantCut {
		t.Errorf("%s: cut line shown %v, want %v (class %q)", name, r.CutLine, wantCut, r.PaperClass)
	}
}

// checkPrintBlocks: the on-screen messages never print, and the closing block
// (signatures with the text before them) is kept together.
func checkPrintBlocks(t *testing.T, w *walker, name string, signed bool) {
	t.Helper()
	w.setMedia(t, "print")
	var r struct {
		Msgs   []string `json:"msgs"`
		Signs  int      `json:"signs"`
		Kept   int      `json:"kept"`
		Double bool     `json:"double"`
	}
	w.eval(t, `(() => {
		const shown = el => el.getClientRects().length > 0;
		const signs = Array.from(document.querySelectorAll(".form-close, .form-signs, .rc-signs, .report-signs"));
		return {
			msgs: Array.from(document.querySelectorAll(".msg")).filter(shown).map(e => e.textContent),
			signs: signs.length,
			kept: signs.filter(e => { const c = e.closest(".form-close, .report-close") || e; return getComputedStyle(c).breakInside === "avoid"; }).length,
			double: /\(nếu có\)\s*\(nếu có\)/.test(document.body.innerText),
		};
	})()`, &r)
	w.setMedia(t, "")
	if len(r.Msgs) > 0 {
		t.Errorf("%s prints on-screen messages: %q", name, r.Msgs)
	}
	if (signed && r.Signs == 0) || r.Kept != r.Signs {
		t.Errorf("%s: %d of %d signature blocks are kept with the text before them", name, r.Kept, r.Signs)
	}
	if r.Double {
		t.Errorf("%s prints an optional paper as (nếu có) (nếu có)", name)
	}
}

// checkRepeatedHead: a long table's heading rows repeat on every printed page.
func checkRepeatedHead(t *testing.T, w *walker, table string) {
	t.Helper()
	w.setMedia(t, "print")
	var r struct {
		Head    string `json:"head"`
		Display string `json:"display"`
		Body    int    `json:"body"`
	}
	w.eval(t, `(() => { const h = document.querySelector("`+table+` thead");
		return { head: h ? h.innerText : "", display: h ? getComputedStyle(h).display : "", body: document.querySelectorAll("`+table+` tbody tr").length }; })()`, &r)
	w.setMedia(t, "")
	if r.Display != "table-header-group" || r.Head == "" || r.Body == 0 {
		t.Errorf("%s: heading %q (display %q) above %d body rows; want the headings in a thead that repeats", table, r.Head, r.Display, r.Body)
	}
}

// walkDates: Khmer and Vietnamese staff pages write dates day first.
func walkDates(t *testing.T, w *walker) {
	f := w.f
	d, _ := domain.FindDossier(f.app, f.ids["receipt"])
	want := d.DueAt().In(base.Zone).Format("02/01/2006 15:04")
	for _, lang := range []string{"vi", "km"} {
		f.setLanguage(t, lang)
		w.as(t, base.RoleProcessor)
		w.open(t, "/work.html", `document.documentElement.lang === "`+lang+`" && document.querySelector('#lists tr[data-id="`+f.ids["receipt"]+`"]')`)
		var row string
		w.eval(t, `document.querySelector('#lists tr[data-id="`+f.ids["receipt"]+`"]').innerText`, &row)
		if !strings.Contains(row, want) {
			t.Errorf("work list in %s shows the due date as %q, want %s", lang, row, want)
		}
		var dates []string
		w.eval(t, `[motcua.dateText(new Date(Date.UTC(2026, 11, 4, 3, 5))), motcua.dateText(new Date(Date.UTC(2026, 11, 4, 3, 5)), true)]`, &dates)
		if len(dates) != 2 || dates[0] != "04/12/2026" || dates[1] != "04/12/2026 10:05" {
			t.Errorf("dates in %s: %q, want 04/12/2026 and 04/12/2026 10:05", lang, dates)
		}
	}
	f.setLanguage(t, "vi")
}

// walkIntake: a garbled second scan clears the first citizen; switching
// language keeps what was ticked and typed; scan errors say which and follow
// the language.
func walkIntake(t *testing.T, w *walker) {
	f := w.f
	f.setLanguage(t, "vi")
	w.as(t, base.RoleReception)
	w.open(t, "/intake.html", `document.body.getAttribute("data-ready") === "true"`)
	const good = "079203001234|352123456|Thạch Thị Sa Ry|15081990|Nữ|Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng|20042021"
	const garbled = "079203009999||Nguyá»…n Thá»‹ A|15081990|Nữ|Ấp 3|20042021"
	var fields []string
	values := `["applicant_name", "applicant_id_number", "applicant_old_id", "applicant_birth_date", "applicant_address"].map(id => document.getElementById(id).value)`
	w.run(t, "scan good",
		chromedp.SendKeys("#scan", good+kb.Enter, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("applicant_name").value !== ""`, nil, every),
		chromedp.Evaluate(`document.getElementById("scan").value = ""; true`, nil),
		chromedp.SendKeys("#scan", garbled+kb.Enter, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("scan-error").textContent !== ""`, nil, every),
		chromedp.Evaluate(values, &fields),
	)
	if strings.Join(fields, "") != "" {
		t.Errorf("after a garbled second scan the form still holds %q", fields)
	}

	// Tick papers, type, then switch to Khmer.
	chooseProcedure("1.001193")(t, w)
	w.run(t, "fill",
		chromedp.Click("#paper-0", chromedp.ByQuery),
		chromedp.Click("#paper-2", chromedp.ByQuery),
		chromedp.SetValue(`#papers tr[data-index="2"] .paper-count`, "3", chromedp.ByQuery),
		chromedp.SetValue(`#papers tr[data-index="2"] .paper-kind`, "copy", chromedp.ByQuery),
		chromedp.SendKeys("#applicant_phone", "0912 345 678", chromedp.ByQuery),
		chromedp.SendKeys("#applicant_name", "Lâm Thị Mỹ", chromedp.ByQuery),
		chromedp.Click(`button[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === "km" && document.querySelector("#papers label").lang !== undefined`, nil, every),
	)
	w.wait(t, "papers redrawn", `document.querySelector('label[for="paper-0"]').textContent.match(/[\u1780-\u17FF]/)`)
	var kept struct {
		Ticked []bool `json:"ticked"`
		Count  string `json:"count"`
		Kind   string `json:"kind"`
		Phone  string `json:"phone"`
		Name   string `json:"name"`
	}
	w.eval(t, `({ ticked: Array.from(document.querySelectorAll("#papers .paper-got")).map(c => c.checked),
		count: document.querySelector('#papers tr[data-index="2"] .paper-count').value,
		kind: document.querySelector('#papers tr[data-index="2"] .paper-kind').value,
		phone: document.getElementById("applicant_phone").value, name: document.getElementById("applicant_name").value })`, &kept)
	if len(kept.Ticked) < 3 || !kept.Ticked[0] || kept.Ticked[1] || !kept.Ticked[2] || kept.Count != "3" || kept.Kind != "copy" ||
		kept.Phone != "0912 345 678" || kept.Name != "Lâm Thị Mỹ" {
		t.Errorf("after switching to Khmer the intake holds %+v", kept)
	}

	// Optional papers that say "(nếu có)" themselves get no second one.
	w.run(t, "vi", chromedp.Click(`button[data-set-lang="vi"]`, chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === "vi"`, nil, every))
	var labels string
	chooseProcedure(optionalPaperProcedure(t, f.app))(t, w)
	w.eval(t, `document.getElementById("papers").innerText`, &labels)
	if strings.Contains(labels, "(nếu có) (nếu có)") || !strings.Contains(labels, "(nếu có)") {
		t.Errorf("optional papers read %q", labels)
	}

	// A scan that is not what it claims to be: said before upload, in the
	// page's language, and again in Khmer after a switch.
	dir := t.TempDir()
	fake := filepath.Join(dir, "giay-to.png")
	text := filepath.Join(dir, "ghi-chu.txt")
	_ = os.WriteFile(fake, []byte("this is not a picture"), 0o644)
	_ = os.WriteFile(text, []byte("notes"), 0o644)
	chooseProcedure("1.001193")(t, w)
	for _, c := range []struct{ file, key string }{{fake, "error.scan_unreadable"}, {text, "error.scan_type"}} {
		var shown, km string
		w.run(t, "scan file "+filepath.Base(c.file),
			chromedp.SetUploadFiles("#scans", []string{c.file}, chromedp.ByQuery),
			chromedp.Click("#paper-0", chromedp.ByQuery),
			chromedp.Click("#save", chromedp.ByQuery),
			chromedp.Poll(`document.querySelector('[data-error-for="scans"]').textContent !== ""`, nil, every),
			chromedp.Text(`[data-error-for="scans"]`, &shown, chromedp.ByQuery),
			chromedp.Click(`button[data-set-lang="km"]`, chromedp.ByQuery),
			chromedp.Poll(`document.documentElement.lang === "km"`, nil, every),
			chromedp.Sleep(100*time.Millisecond),
			chromedp.Text(`[data-error-for="scans"]`, &km, chromedp.ByQuery),
			chromedp.Click(`button[data-set-lang="vi"]`, chromedp.ByQuery),
			chromedp.Poll(`document.documentElement.lang === "vi"`, nil, every),
		)
		base := filepath.Base(c.file)
		if want := i18n.T("vi", c.key, "name", base); shown != want {
			t.Errorf("scan %s: error %q, want %q", base, shown, want)
		}
		if want := i18n.T("km", c.key, "name", base); km != want {
			t.Errorf("scan %s after switching to Khmer: %q, want %q", base, km, want)
		}
	}
}

// optionalPaperProcedure finds a procedure with an optional paper whose name
// already ends in "(nếu có)".
func optionalPaperProcedure(t *testing.T, app core.App) string {
	t.Helper()
	recs, err := app.FindRecordsByFilter(base.ColProcedures, "active = true", "code", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if strings.Contains(r.GetString("papers"), "(nếu có)\"") {
			return r.GetString("code")
		}
	}
	t.Fatal("no procedure with an optional paper marked (nếu có)")
	return ""
}

// walkDossier: the dossier page shows what the API gives the role, reprints
// the receipt, and tells a processor plainly when a dossier has left them.
func walkDossier(t *testing.T, w *walker) {
	f := w.f
	f.setLanguage(t, "vi")
	w.as(t, base.RoleReception)
	w.open(t, "/dossier.html?id="+f.ids["receipt"], `document.querySelectorAll("#facts tr").length > 3`)
	var facts string
	w.eval(t, `document.getElementById("facts").innerText`, &facts)
	for _, want := range []string{"079203001234", "0912345678", "Ấp Mỹ Hòa", "Tờ khai đăng ký khai sinh", "to_khai"} {
		if !strings.Contains(strings.ReplaceAll(facts, " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("reception's dossier page lacks %q: %q", want, facts)
		}
	}
	var scan struct {
		Href   string `json:"href"`
		Status int    `json:"status"`
	}
	w.eval(t, `(async () => { const a = document.querySelector("#facts a.scan"); if (!a) return { href: "", status: 0 };
		const r = await fetch(a.href); return { href: a.getAttribute("href"), status: r.status }; })()`, &scan)
	if scan.Status != http.StatusOK || !strings.Contains(scan.Href, "token=") {
		t.Errorf("scan link %q answers %d, want 200 with a file token", scan.Href, scan.Status)
	}
	var reprint string
	w.eval(t, `(() => { const a = document.querySelector('a[href^="/receipt.html?id="]'); return a ? a.getAttribute("href") : ""; })()`, &reprint)
	if reprint != "/receipt.html?id="+f.ids["receipt"] {
		t.Errorf("dossier page reprint link %q", reprint)
	}
	// Search results reprint too, for reception.
	w.open(t, "/search.html", `document.getElementById("q")`)
	w.run(t, "search", chromedp.SendKeys("#q", "thach thi", chromedp.ByQuery))
	w.wait(t, "results", `document.querySelectorAll("#results tr.hit a[href^='/receipt.html?id=']").length > 0`)

	// Empty fields show nothing, not an empty label.
	var empty int
	w.open(t, "/dossier.html?id="+f.ids["mobile"], `document.querySelectorAll("#facts tr").length > 3`)
	w.eval(t, `Array.from(document.querySelectorAll("#facts tr")).filter(tr => tr.innerText.split("\t").slice(1).join("").trim() === "").length`, &empty)
	if empty > 0 {
		t.Errorf("the dossier page shows %d labels with nothing beside them", empty)
	}

	// The processor hands a dossier up to the leader.
	w.as(t, base.RoleProcessor)
	w.open(t, "/dossier.html?id="+f.ids["handup"], `document.querySelector('button.action[data-action="assign"]')`)
	leader, _ := f.app.FindFirstRecordByFilter(base.ColStaff, "role = 'leader'")
	w.run(t, "hand up",
		chromedp.Click(`button.action[data-action="assign"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#f-assignee", chromedp.ByQuery),
		chromedp.SetValue("#f-assignee", leader.Id, chromedp.ByQuery),
		chromedp.Click("#action-submit", chromedp.ByQuery),
	)
	w.wait(t, "handed on", `document.getElementById("msg").textContent !== "" && !document.getElementById("msg").classList.contains("hidden") && document.getElementById("msg").textContent !== "`+i18n.T("vi", "workflow.done_ok", "action", i18n.T("vi", "action.assign"))+`"`)
	var after struct {
		Msg     string `json:"msg"`
		Buttons int    `json:"buttons"`
		Work    bool   `json:"work"`
	}
	gone := `({ msg: document.getElementById("msg").textContent,
		buttons: Array.from(document.querySelectorAll("#actions button, #forms button")).filter(b => b.getClientRects().length).length,
		work: !!Array.from(document.querySelectorAll('main a[href="/work.html"]')).find(a => a.getClientRects().length) })`
	w.eval(t, gone, &after)
	if after.Msg != i18n.T("vi", "page.dossier_handed_on") || after.Buttons != 0 || !after.Work {
		t.Errorf("after handing up the processor sees %+v", after)
	}
	// A dossier that is no longer theirs (reassigned by the counter).
	d, _ := domain.FindDossier(f.app, f.ids["taken"])
	d.Set("assignee", leader.Id)
	if err := f.app.Save(d.Record); err != nil {
		t.Fatal(err)
	}
	w.open(t, "/dossier.html?id="+f.ids["taken"], `!document.getElementById("msg").classList.contains("hidden")`)
	w.eval(t, gone, &after)
	if after.Msg != i18n.T("vi", "page.dossier_not_yours") || after.Buttons != 0 || !after.Work {
		t.Errorf("a dossier no longer theirs shows the processor %+v", after)
	}
}

// walkPublic: the status page's language links keep the lookup key; favicon.
func walkPublic(t *testing.T, w *walker) {
	f := w.f
	code, key := f.code(t, "06")
	w.as(t, "")
	w.open(t, "/tra-cuu/"+code+"?k="+key, `document.getElementById("state")`)
	w.run(t, "tap ខ្មែរ", chromedp.Click(`nav.lang a[hreflang="km"]`, chromedp.ByQuery))
	w.wait(t, "Khmer status page", `document.documentElement.lang === "km" && document.getElementById("state")`)
	var icons []string
	w.eval(t, `Array.from(document.querySelectorAll('link[rel~="icon"]')).map(l => l.getAttribute("href"))`, &icons)
	res, err := http.Get(f.url + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(b) < 6 || !bytes.Equal(b[:4], []byte{0, 0, 1, 0}) {
		t.Errorf("/favicon.ico: %d, %d bytes", res.StatusCode, len(b))
	}
	if len(icons) == 0 {
		t.Error("the status page links no icon")
	}
	// Every staff page links the icon too.
	for _, p := range []string{"/", "/intake.html", "/kiosk", "/display", "/receipt.html"} {
		w.run(t, "open "+p, chromedp.Navigate(f.url+p))
		w.eval(t, `Array.from(document.querySelectorAll('link[rel~="icon"]')).map(l => l.getAttribute("href"))`, &icons)
		if len(icons) == 0 {
			t.Errorf("%s links no icon", p)
		}
	}
}

// walkReport: a failed period's error goes when a good period loads, and never prints.
func walkReport(t *testing.T, w *walker) {
	w.f.setLanguage(t, "vi")
	w.as(t, base.RoleLeader)
	w.open(t, "/report.html?period=2026-13", `!document.getElementById("msg").classList.contains("hidden")`)
	var text string
	text = w.printedText(t)
	if strings.Contains(text, i18n.T("vi", "error.period_invalid")) {
		t.Error("the report prints its error message")
	}
	period := time.Now().In(base.Zone).Format("2006-01")
	w.run(t, "good period",
		chromedp.SetValue("#period", period, chromedp.ByQuery),
		chromedp.Click(`#pick button[type="submit"]`, chromedp.ByQuery),
	)
	w.wait(t, "loaded", `document.querySelectorAll("#report tr.total td").length > 0`)
	var hidden bool
	w.eval(t, `document.getElementById("msg").classList.contains("hidden")`, &hidden)
	if !hidden {
		t.Error("the failed period's error stays after a good period loads")
	}
}

// every polls often: the walk waits on many small changes.
var every = chromedp.WithPollingInterval(20 * time.Millisecond)
