package backup

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"time"

	"github.com/pocketbase/pocketbase/core"
	qrcode "github.com/skip2/go-qrcode"

	"motcua/hooks/backupkey"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/web"
)

// The recovery sheet: one A4 page, Vietnamese and Khmer together (whoever
// holds it in ten years may read either), printed once. It carries the QR
// code of the code (for the USB scanner at restore), the 8 groups large
// enough to type from across a desk, the key's fingerprint, and where to keep
// it. The page is an HTML fragment printed by the browser (Khmer needs the
// browser's shaping); its styles are pb_public/static/backup_sheet.css.

//go:embed sheet.html
var sheetFS embed.FS

var sheetTemplate = template.Must(template.New("sheet.html").Funcs(template.FuncMap{
	"t":   func(lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
	"inc": func(i int) int { return i + 1 },
}).ParseFS(sheetFS, "sheet.html"))

// sheetQRModule is the size of one QR module in pixels. The sheet prints the
// image at 50 mm; with high error correction (a stain or a fold) the code is
// version 5 (37 modules), so a module prints at about 1.2 mm.
const sheetQRModule = 8

// renderedSheet is the printable sheet of one code.
type renderedSheet struct {
	backupkey.Sheet
	QR   template.URL // data: URL of the QR code PNG
	PNG  []byte
	HTML string
}

type sheetData struct {
	Groups      [backupkey.Groups]string
	QR          template.URL
	Fingerprint string
	Recipient   string
	Date        string
	OfficeVI    string
	OfficeKM    string
	Replaces    string // the fingerprint of the key in use, on a re-key sheet
}

// renderSheet draws the sheet of code for the office of app.
func renderSheet(app core.App, code backupkey.Code, k *keyState, now time.Time) (*renderedSheet, error) {
	sheet, err := code.Sheet()
	if err != nil {
		return nil, err
	}
	png, err := qrcode.Encode(sheet.QR, qrcode.High, -sheetQRModule)
	if err != nil {
		return nil, fmt.Errorf("recovery sheet qr: %w", err)
	}
	qr := template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	office := domain.OfficeViewOf(app)
	data := sheetData{Groups: sheet.Groups, QR: qr, Fingerprint: sheet.Fingerprint, Recipient: sheet.Recipient,
		Date: now.In(base.Zone).Format("02/01/2006 15:04"), OfficeVI: office.NameVI, OfficeKM: office.NameKM}
	if k != nil {
		data.Replaces = k.Fingerprint
	}
	var buf bytes.Buffer
	if err := sheetTemplate.ExecuteTemplate(&buf, "sheet.html", data); err != nil {
		return nil, fmt.Errorf("render recovery sheet: %w", err)
	}
	return &renderedSheet{Sheet: sheet, QR: qr, PNG: png, HTML: buf.String()}, nil
}

// sheetDocument is the sheet as a standalone HTML file for "motcua backup key
// new --sheet": its styles and the Khmer font inline, so it prints the same
// from any browser on the PC with no server running.
func sheetDocument(app core.App, s *renderedSheet) ([]byte, error) {
	pub := web.PublicFS(app)
	css, err := fs.ReadFile(pub, "static/backup_sheet.css")
	if err != nil {
		return nil, fmt.Errorf("recovery sheet styles: %w", err)
	}
	var fonts bytes.Buffer
	for _, f := range []struct{ file, family, weight string }{
		// Khmer whole; for Latin, the Vietnamese subset (Basic Latin and every
		// Vietnamese letter) is all a sheet shows.
		{"static/fonts/NotoSansKhmer-Regular.woff2", "Noto Sans Khmer", "400"},
		{"static/fonts/NotoSansKhmer-Bold.woff2", "Noto Sans Khmer", "700"},
		{"static/fonts/NotoSans-Regular-vi.woff2", "Noto Sans", "400"},
		{"static/fonts/NotoSans-Bold-vi.woff2", "Noto Sans", "700"},
	} {
		b, err := fs.ReadFile(pub, f.file)
		if err != nil {
			return nil, fmt.Errorf("recovery sheet font: %w", err)
		}
		fmt.Fprintf(&fonts, "@font-face { font-family: %q; font-weight: %s; src: url(data:font/woff2;base64,%s) format(\"woff2\"); }\n",
			f.family, f.weight, base64.StdEncoding.EncodeToString(b))
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n<style>\n%s\nbody { margin: 0; font-family: \"Noto Sans\", \"Noto Sans Khmer\", sans-serif; }\n%s</style>\n</head>\n<body>\n%s\n</body>\n</html>\n",
		template.HTMLEscapeString(i18n.T("vi", "backup.sheet_title")), fonts.String(), css, s.HTML)
	return out.Bytes(), nil
}
