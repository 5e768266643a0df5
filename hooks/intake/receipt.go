package intake

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/catalog"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/web"
)

// The receipt (form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả) is an HTML
// page printed by the browser, because Khmer needs the browser's shaping.
//
// Staff sign in with a bearer token kept in localStorage, not a cookie, so a
// plain link cannot carry their identity. The staff page pb_public/receipt.html
// therefore fetches GET /api/motcua/dossiers/{id}/receipt with the token and
// puts the returned fragment into the page; the QR image is inside the fragment
// as a data: URI, so no second authenticated request is needed. This keeps one
// way of authenticating (no cookie session to add and guard against CSRF, no
// signed-URL secret to rotate) and the text in the Go templates with the rest.
// Everything printed comes from the stored dossier (papers keep their names),
// so a reprint is the same receipt.

// receiptPaper is one line of the papers table.
type receiptPaper struct {
	N              int
	NameVI, NameKM string
	Kind           string
	Count          int
}

// receiptData is what receipt_form.html prints, twice.
type receiptData struct {
	Office                        domain.OfficeView
	Code, LookupKey, StatusURL    string
	QR                            template.URL
	ApplicantName, Address, Phone string
	SMS                           bool // the citizen asked for SMS (sms_consent.go)
	ProcVI, ProcKM                string
	ProcessingVI, ProcessingKM    string
	FeeVI, FeeKM                  string
	ReceivedAt, DueAt             string
	Sets                          int
	Papers                        []receiptPaper
	Officer                       string
	Copies                        []string // copy label keys
	// Paper is the paper the page prints on unless told otherwise: the
	// office's (a4 or a5), or roll for a mobile team (see defaultPaper).
	Paper string
	// DateVI and DateKM are the place and date line in each language.
	DateVI, DateKM string
}

// handleReceipt serves GET /api/motcua/dossiers/{id}/receipt: the two copies
// of form 01 as an HTML fragment, for staff who may see the dossier and its key.
func handleReceipt(e *core.RequestEvent) error {
	d, err := findVisibleDossier(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	if !domain.MayReadLookupKey(e.Auth) || d.Code() == "" {
		return base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	data, err := buildReceipt(e.App, d)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := web.Templates.ExecuteTemplate(&buf, "receipt_form", data); err != nil {
		return fmt.Errorf("render receipt: %w", err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.Blob(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// buildReceipt gathers the receipt of d from the stored dossier.
func buildReceipt(app core.App, d *domain.Dossier) (*receiptData, error) {
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, err
	}
	png, err := qrPNG(statusURL(office, d))
	if err != nil {
		return nil, err
	}
	rec := d.ReceivedAt().In(base.Zone)
	r := &receiptData{
		Office:        domain.OfficeViewOf(app),
		Code:          d.Code(),
		LookupKey:     d.LookupKey(),
		StatusURL:     office.PublicURL() + "/tra-cuu",
		QR:            template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		ApplicantName: d.GetString("applicant_name"),
		Address:       d.GetString("applicant_address"),
		Phone:         d.GetString("applicant_phone"),
		SMS:           d.GetBool("sms_consent") && d.GetString("applicant_phone") != "",
		ReceivedAt:    domain.TimeText(rec),
		DueAt:         domain.TimeText(d.DueAt()),
		Paper:         defaultPaper(app, office, d),
		Sets:          max(d.GetInt("sets"), 1),
		Copies:        []string{"receipt.copy_applicant", "receipt.copy_file"},
	}
	r.DateVI = domain.PlaceDateText(r.Office, "vi", "receipt.date", rec)
	r.DateKM = domain.PlaceDateText(r.Office, "km", "receipt.date", rec)
	if p, err := app.FindRecordById(base.ColProcedures, d.GetString("procedure")); err == nil {
		r.ProcVI, r.ProcKM = p.GetString("name_vi"), p.GetString("name_km")
		h := p.GetInt("processing_hours")
		r.ProcessingVI, r.ProcessingKM = web.ProcessingText("vi", h), web.ProcessingText("km", h)
		r.FeeVI = web.FeeText("vi", p.GetInt("fee"), p.GetString("fee_note_vi"), p.GetString("fee_note_km"))
		r.FeeKM = web.FeeText("km", p.GetInt("fee"), p.GetString("fee_note_vi"), p.GetString("fee_note_km"))
	}
	if s, err := app.FindRecordById(base.ColStaff, d.GetString("received_by")); err == nil {
		r.Officer = s.GetString("name")
	}
	var papers []storedPaper
	_ = d.UnmarshalJSONField("papers", &papers)
	for i, p := range papers {
		r.Papers = append(r.Papers, receiptPaper{N: i + 1, NameVI: p.NameVI, NameKM: p.NameKM, Kind: p.Kind, Count: p.Count})
	}
	return r, nil
}

// noticeRequest is what the intake form sends to print form 02 (request to
// supplement) or 03 (refusal) for a dossier that is not taken in.
type noticeRequest struct {
	Kind             string          `json:"kind"` // "supplement" or "refusal"
	Procedure        string          `json:"procedure"`
	ApplicantName    string          `json:"applicant_name"`
	ApplicantAddress string          `json:"applicant_address"`
	ApplicantPhone   string          `json:"applicant_phone"`
	Papers           []receivedPaper `json:"papers"`
	Reason           string          `json:"reason"`
}

// noticeData is what notice_form.html prints.
type noticeData struct {
	Office                        domain.OfficeView
	Kind                          string
	TitleKey                      string
	Date                          struct{ VI, KM string }
	ApplicantName, Address, Phone string
	ProcVI, ProcKM                string
	Missing                       []catalog.Paper
	Reason                        string
	Officer                       string
}

// handleIntakeNotice serves POST /api/motcua/intake/notice: a printable form
// 02 or 03, in Vietnamese and Khmer, from what the officer has typed so far,
// listing the required papers that were not ticked. Nothing is saved: the
// dossier was not taken in.
func handleIntakeNotice(e *core.RequestEvent) error {
	var req noticeRequest
	if err := e.BindBody(&req); err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	titles := map[string]string{"supplement": "notice.title_supplement", "refusal": "notice.title_refusal"}
	if titles[req.Kind] == "" {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	proc, key := intakeProcedure(e.App, req.Procedure)
	if key != "" {
		return base.FieldErrors(map[string]string{"procedure": key})
	}
	var checklist []catalog.Paper
	_ = proc.UnmarshalJSONField("papers", &checklist)
	got := map[int]bool{}
	for _, p := range req.Papers {
		if p.Index != nil {
			got[*p.Index] = true
		}
	}
	now := time.Now().In(base.Zone)
	n := noticeData{
		Office: domain.OfficeViewOf(e.App), Kind: req.Kind, TitleKey: titles[req.Kind],
		ApplicantName: req.ApplicantName, Address: req.ApplicantAddress, Phone: req.ApplicantPhone,
		ProcVI: proc.GetString("name_vi"), ProcKM: proc.GetString("name_km"),
		Reason: req.Reason, Officer: e.Auth.GetString("name"),
	}
	n.Date.VI = domain.PlaceDateText(n.Office, "vi", "form.date", now)
	n.Date.KM = domain.PlaceDateText(n.Office, "km", "form.date", now)
	for i, p := range checklist {
		if p.Required && !got[i] {
			n.Missing = append(n.Missing, p)
		}
	}
	var buf bytes.Buffer
	if err := web.Templates.ExecuteTemplate(&buf, "notice_form", n); err != nil {
		return fmt.Errorf("render notice: %w", err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.Blob(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// bindReceiptRoutes serves the receipt and the pre-intake notices.
func bindReceiptRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/dossiers/{id}/receipt", handleReceipt).BindFunc(base.RequireStaff())
	se.Router.POST("/api/motcua/intake/notice", handleIntakeNotice).BindFunc(base.RequireStaff(intakeRoles...))
	return nil
}
