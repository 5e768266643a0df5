package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates holds every server-rendered page, parsed once.
var Templates = template.Must(template.New("").Funcs(template.FuncMap{
	"t":   func(lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
	"inc": func(i int) int { return i + 1 },
	// optional is the "(nếu có)" after an optional paper's name, unless the name says it.
	"optional": OptionalLabel,
	// asset is the hashed URL of a static file: {{asset "app.css"}}.
	"asset": func(name string) string { return staticAssets.Load().URL(name) },
	"bi": func(lang, key string) map[string]string {
		return map[string]string{"Lang": lang, "Key": key}
	},
}).ParseFS(templateFS, "templates/*.html"))

const langCookie = "lang"

// RequestLang picks the reader's language: ?lang= (remembered in a cookie for a
// year), else the cookie, else Vietnamese.
func RequestLang(e *core.RequestEvent) string {
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

// Page is the data every server-rendered page gets.
type Page struct {
	Lang      string
	Title     string
	BodyClass string
	LangQuery string // the rest of the query string, kept across a language switch
	Office    domain.OfficeView
}

// NewPage is the data of a server-rendered page titled by titleKey, in the
// reader's language.
func NewPage(e *core.RequestEvent, titleKey string) Page {
	lang := RequestLang(e)
	q := e.Request.URL.Query()
	q.Del("lang")
	rest := ""
	if enc := q.Encode(); enc != "" {
		rest = "&" + enc
	}
	return Page{Lang: lang, Title: i18n.T(lang, titleKey), LangQuery: rest, Office: domain.OfficeViewOf(e.App)}
}

// Render executes a page template into a buffer first, so a template error gives a
// clean 500 instead of half a page.
func Render(e *core.RequestEvent, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := Templates.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	e.Response.Header().Set("Content-Type", "text/html; charset=utf-8")
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(status)
	_, err := e.Response.Write(buf.Bytes())
	return err
}

// ProcessingText says a processing time in working days ("3 ngày làm việc",
// "Trong ngày" for same-day procedures, halves as "0,5").
func ProcessingText(lang string, hours int) string {
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

// FeeText formats a fee in đồng with Vietnamese digit grouping.
func FeeText(lang string, fee int, noteVI, noteKM string) string {
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

// bindI18nRoutes serves each language's catalogue to browser code.
func bindI18nRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/i18n/{lang}", func(e *core.RequestEvent) error {
		lang := strings.TrimSuffix(e.Request.PathValue("lang"), ".json")
		if i18n.Normalize(lang) != lang {
			return base.KeyedError(http.StatusNotFound, "error.language_unknown")
		}
		e.Response.Header().Set("Cache-Control", "public, max-age=300")
		return e.Blob(http.StatusOK, "application/json; charset=utf-8", i18n.JSON(lang))
	})
	return nil
}
