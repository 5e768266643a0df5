package hooks

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/catalog"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/assets"
	"motcua/hooks/textnorm"
	"motcua/pb_public"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds every server-rendered page, parsed once.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"t":   func(lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
	"inc": func(i int) int { return i + 1 },
	"bi": func(lang, key string) map[string]string {
		return map[string]string{"Lang": lang, "Key": key}
	},
	// asset is the hashed URL of a static file: {{asset "app.css"}}.
	"asset": func(name string) string { return staticAssets.Load().URL(name) },
}).ParseFS(templateFS, "templates/*.html"))

const langCookie = "lang"

// requestLang picks the reader's language: ?lang= (remembered in a cookie for a
// year), else the cookie, else Vietnamese.
func requestLang(e *core.RequestEvent) string {
	if l := e.Request.URL.Query().Get("lang"); l != "" {
		lang := i18n.Normalize(l)
		e.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return lang
	}
	if c, err := e.Request.Cookie(langCookie); err == nil {
		return i18n.Normalize(c.Value)
	}
	return i18n.Default
}

// officeView is what page headers and footers show of the office.
type officeView struct {
	NameVI, NameKM, Address, Phone string
}

const officeViewStoreKey = "motcua.officeView"

// officeViewOf is read from the office record once and kept in the app store
// (every public page shows it; the status page must stay as cheap as a stock
// record view). Saving the office drops it, like the calendar.
func officeViewOf(app core.App) officeView {
	if v, ok := app.Store().Get(officeViewStoreKey).(officeView); ok {
		return v
	}
	o, err := FindOffice(app)
	if err != nil {
		return officeView{NameVI: "motcua"}
	}
	v := officeView{
		NameVI: o.GetString("name_vi"), NameKM: o.GetString("name_km"),
		Address: o.GetString("address"), Phone: o.GetString("phone"),
	}
	app.Store().Set(officeViewStoreKey, v)
	return v
}

// page is the data every server-rendered page gets.
type page struct {
	Lang      string
	Title     string
	BodyClass string
	LangQuery string // the rest of the query string, kept across a language switch
	Office    officeView
}

func newPage(e *core.RequestEvent, titleKey string) page {
	lang := requestLang(e)
	q := e.Request.URL.Query()
	q.Del("lang")
	rest := ""
	if enc := q.Encode(); enc != "" {
		rest = "&" + enc
	}
	return page{Lang: lang, Title: i18n.T(lang, titleKey), LangQuery: rest, Office: officeViewOf(e.App)}
}

// render executes a page template into a buffer first, so a template error gives a
// clean 500 instead of half a page.
func render(e *core.RequestEvent, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	e.Response.Header().Set("Content-Type", "text/html; charset=utf-8")
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(status)
	_, err := e.Response.Write(buf.Bytes())
	return err
}

func bindPageRoutes(se *core.ServeEvent) error {
	se.Router.GET("/thu-tuc", handleCatalogue)
	return nil
}

// catalogueItem is one procedure as the public catalogue shows it.
type catalogueItem struct {
	Code, NameVI, NameKM, FieldVI, FieldKM string
	Processing, Fee, Search                string
	Note                                   string
	Papers                                 []catalog.Paper
}

type cataloguePage struct {
	page
	Query      string
	Procedures []catalogueItem
}

// handleCatalogue renders the public catalogue at /thu-tuc: active procedures with
// field, processing time, fee and papers, filtered server-side by ?q= (accents
// optional) for phones without script, and as-you-type in the browser.
func handleCatalogue(e *core.RequestEvent) error {
	p := cataloguePage{page: newPage(e, "catalogue.title"), Query: e.Request.URL.Query().Get("q")}
	recs, err := e.App.FindRecordsByFilter(colProcedures, "active = true", "field_vi,name_vi", 0, 0)
	if err != nil {
		return fmt.Errorf("list procedures: %w", err)
	}
	terms := strings.Fields(textnorm.Fold(p.Query))
	for _, r := range recs {
		search := r.GetString("search")
		if !containsAll(search, terms) {
			continue
		}
		item := catalogueItem{
			Code: r.GetString("code"), NameVI: r.GetString("name_vi"), NameKM: r.GetString("name_km"),
			FieldVI: r.GetString("field_vi"), FieldKM: r.GetString("field_km"), Search: search,
			Processing: processingText(p.Lang, r.GetInt("processing_hours")),
			Fee:        feeText(p.Lang, r.GetInt("fee"), r.GetString("fee_note_vi"), r.GetString("fee_note_km")),
		}
		item.Note = r.GetString("note_vi")
		if p.Lang == "km" && r.GetString("note_km") != "" {
			item.Note = r.GetString("note_km")
		}
		_ = r.UnmarshalJSONField("papers", &item.Papers)
		p.Procedures = append(p.Procedures, item)
	}
	return renderRevalidated(e, "catalogue.html", p)
}

// renderRevalidated is render for a public page that changes rarely (the
// catalogue): the browser keeps it and asks again every time, and an unchanged
// page is a 304 of a few hundred bytes instead of the whole list again. The tag
// is of the rendered bytes, so a new language, procedure or upgrade (new asset
// hashes) changes it.
func renderRevalidated(e *core.RequestEvent, name string, data any) error {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	// Weak: the same page reaches one client gzipped and another plain.
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	h := e.Response.Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", etag)
	if strings.Contains(e.Request.Header.Get("If-None-Match"), etag) {
		e.Response.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	e.Response.WriteHeader(http.StatusOK)
	_, err := e.Response.Write(buf.Bytes())
	return err
}

func containsAll(s string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(s, t) {
			return false
		}
	}
	return true
}

// processingText says a processing time in working days ("3 ngày làm việc",
// "Trong ngày" for same-day procedures, halves as "0,5").
func processingText(lang string, hours int) string {
	if hours <= 0 {
		return i18n.T(lang, "catalogue.same_day")
	}
	days := fmt.Sprintf("%d", hours/8)
	if hours%8 != 0 {
		days = strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", float64(hours)/8), "0"), ".")
		days = strings.ReplaceAll(days, ".", ",")
	}
	return i18n.T(lang, "catalogue.working_days", "n", days)
}

// feeText formats a fee in đồng with Vietnamese digit grouping.
func feeText(lang string, fee int, noteVI, noteKM string) string {
	note := noteVI
	if lang == "km" && noteKM != "" {
		note = noteKM
	}
	if fee <= 0 {
		if note != "" {
			return i18n.T(lang, "catalogue.free") + " (" + note + ")"
		}
		return i18n.T(lang, "catalogue.free")
	}
	s := groupThousands(fee) + " đ"
	if note != "" {
		s += " (" + note + ")"
	}
	return s
}

func groupThousands(n int) string {
	s := fmt.Sprintf("%d", n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// publicAssets builds the embedded pb_public once per process, in the
// background from the first serve on (hooks/internal/assets): the health check
// answers at once and the first page waits the few tens of milliseconds of
// minifying and compressing instead. Every app of a test run shares it.
var publicAssets = sync.OnceValue(func() *assets.Async { return assets.BuildAsync(pb_public.FS, assets.Options{}) })

// staticAssets is the set the running server serves, for the "asset" template
// function; nil (unhashed names) before the first serve.
var staticAssets atomic.Pointer[assets.Async]

// bindStatic serves pb_public (embedded, or from dir while developing, built at
// once so a broken stylesheet stops the start) for every path no other route
// took: static files under content-hashed names with a year's cache, pages
// revalidated every time, compressed for clients that ask.
func bindStatic(se *core.ServeEvent, dir string) error {
	set := publicAssets()
	if dir != "" {
		set = assets.BuildAsync(os.DirFS(dir), assets.Options{})
		if _, err := set.Wait(); err != nil {
			return fmt.Errorf("build %s: %w", dir, err)
		}
	}
	staticAssets.Store(set)
	se.Router.GET("/{path...}", func(e *core.RequestEvent) error {
		s, err := set.Wait()
		if err != nil {
			return e.InternalServerError("", fmt.Errorf("build pb_public: %w", err))
		}
		if s.Serve(e.Response, e.Request) {
			return nil
		}
		return router.ErrFileNotFound
	}).Bind(apis.SkipSuccessActivityLog())
	bindCompression(se)
	return nil
}

// bindCompression gzips what the server writes as it answers (pages from
// templates, the kiosk and TV pages, JSON, CSV, SVG charts) for clients that
// ask. Static files come precompressed from the asset set and PocketBase's
// admin UI has its own gzip; files compressed already (QR codes, xlsx, field
// bundles, uploads, backups) and the realtime stream are left alone.
func bindCompression(se *core.ServeEvent) {
	gz := apis.GzipWithConfig(apis.GzipConfig{MinLength: 1024})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id: "motcuaGzip",
		Func: func(e *core.RequestEvent) error {
			if !compressDynamic(e.Request.URL.Path) {
				return e.Next()
			}
			return gz.Func(e)
		},
	})
}

func compressDynamic(p string) bool {
	switch {
	case p == "/tra-cuu" || strings.HasPrefix(p, "/tra-cuu/") || p == "/thu-tuc" || p == "/kiosk" || p == "/display":
		return true
	case !strings.HasPrefix(p, "/api/"),
		strings.HasPrefix(p, "/api/realtime"), strings.HasPrefix(p, "/api/files/"),
		strings.HasPrefix(p, "/api/backups"), strings.HasPrefix(p, "/api/motcua/field/"):
		return false
	}
	switch path.Ext(p) {
	case ".png", ".jpg", ".xlsx", ".zip", ".pdf", ".age":
		return false
	}
	return true
}

// bindI18nRoutes serves each language's catalogue to browser code.
func bindI18nRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/i18n/{lang}", func(e *core.RequestEvent) error {
		lang := strings.TrimSuffix(e.Request.PathValue("lang"), ".json")
		if i18n.Normalize(lang) != lang {
			return keyedError(http.StatusNotFound, "error.language_unknown")
		}
		e.Response.Header().Set("Cache-Control", "public, max-age=300")
		return e.Blob(http.StatusOK, "application/json; charset=utf-8", i18n.JSON(lang))
	})
	return nil
}
