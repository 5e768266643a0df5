package emergency

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	qrcode "github.com/skip2/go-qrcode"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/web"
)

// The printed pad. One A4 sheet per code, in two A5 halves the counter tears
// apart along the dashed line: the top half (with the QR code) goes to the
// citizen, the bottom half stays with the papers until they are keyed in. The
// officer fills both halves by hand (or with a carbon sheet between them), so
// a pad is simply a stack of A4 paper any office printer handles. Like every
// printed form it is an HTML page printed by the browser, for Khmer shaping;
// the staff page /emergency.html fetches the fragment with the leader's token
// and prints it, and static/emergency.css lays it out.

// qrModulePixels gives the QR whole pixels per module (a negative size for
// go-qrcode), so the code stays sharp when the page scales it to 30 mm.
const qrModulePixels = 6

// padHalf is one half of a printed sheet.
type padHalf struct {
	Office          domain.OfficeView
	Code, LookupKey string
	QR              template.URL // empty on the office's half
	StatusURL       string
	Copy            string // the copy label's key
	Pad, Sheet, Of  int
	PrintedOn       string
	Citizen         bool
}

// padPrint is what the emergency_pad template prints.
type padPrint struct {
	Sheets [][2]padHalf
}

// handlePrintPad serves GET /api/motcua/emergency/pads/{id}/print: the pad's
// unused sheets as an HTML fragment (used and voided sheets are not printed
// again). ?only=<code> prints one sheet (a jammed printer).
func handlePrintPad(e *core.RequestEvent) error {
	pad, err := e.App.FindRecordById(base.ColEmergencyPads, e.Request.PathValue("id"))
	if err != nil {
		return base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	office, err := domain.FindOffice(e.App)
	if err != nil {
		return err
	}
	filter := "pad = {:pad} && state = {:state}"
	params := dbx.Params{"pad": pad.Id, "state": domain.SheetUnused}
	if only := e.Request.URL.Query().Get("only"); only != "" {
		filter += " && code = {:code}"
		params["code"] = only
	}
	sheets, err := e.App.FindRecordsByFilter(base.ColEmergencySheets, filter, "number", 0, 0, params)
	if err != nil {
		return fmt.Errorf("pad sheets: %w", err)
	}
	if len(sheets) == 0 {
		return base.KeyedError(http.StatusConflict, "error.emergency_nothing_to_print")
	}
	total := pad.GetInt("range_to") - pad.GetInt("range_from") + 1
	printedOn := pad.GetDateTime("printed_at").Time().In(base.Zone).Format("02/01/2006")
	data := padPrint{}
	for _, s := range sheets {
		sheet := &domain.EmergencySheet{Record: s}
		link := office.PublicURL() + "/tra-cuu/" + url.PathEscape(sheet.Code()) + "?k=" + url.QueryEscape(sheet.LookupKey())
		png, err := qrcode.Encode(link, qrcode.Medium, -qrModulePixels)
		if err != nil {
			return fmt.Errorf("pad qr: %w", err)
		}
		// Both halves carry the QR, as both copies of form 01 do.
		half := padHalf{
			Office: domain.OfficeViewOf(e.App), Code: sheet.Code(), LookupKey: sheet.LookupKey(),
			QR:        template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
			StatusURL: office.PublicURL() + "/tra-cuu", Pad: pad.GetInt("number"), Sheet: s.GetInt("number"),
			Of: total, PrintedOn: printedOn,
		}
		citizen, kept := half, half
		citizen.Copy, citizen.Citizen = "receipt.copy_applicant", true
		kept.Copy = "receipt.copy_file"
		data.Sheets = append(data.Sheets, [2]padHalf{citizen, kept})
	}
	var buf bytes.Buffer
	if err := web.Templates.ExecuteTemplate(&buf, "emergency_pad", data); err != nil {
		return fmt.Errorf("render pad: %w", err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.Blob(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}
