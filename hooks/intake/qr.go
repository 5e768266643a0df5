package intake

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"
	qrcode "github.com/skip2/go-qrcode"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// qrModulePixels is the size of one QR module in the served PNG. A negative
// size given to go-qrcode means whole pixels per module: a positive image size
// can give fractional module widths that phone decoders misread once printed.
// 6 px per module prints at about 1 mm per module on a 150 dpi receipt page.
const qrModulePixels = 6

// statusURL is what the receipt's QR code encodes: the public status page of
// the dossier with its lookup key. The code and key are ASCII, escaped anyway.
func statusURL(office *domain.Office, d *domain.Dossier) string {
	return office.PublicURL() + "/tra-cuu/" + url.PathEscape(d.Code()) + "?k=" + url.QueryEscape(d.LookupKey())
}

// qrPNG draws text as a QR code PNG with whole pixels per module and medium
// error correction (a creased receipt still scans).
func qrPNG(text string) ([]byte, error) {
	png, err := qrcode.Encode(text, qrcode.Medium, -qrModulePixels)
	if err != nil {
		return nil, fmt.Errorf("qr png: %w", err)
	}
	return png, nil
}

// findVisibleDossier returns the dossier with id when the caller may view it
// under the collection's view rule, else a 404 (never a 403: a caller must not
// learn that a dossier they may not see exists).
func findVisibleDossier(e *core.RequestEvent, id string) (*domain.Dossier, error) {
	r, err := e.App.FindRecordById(base.ColDossiers, id)
	if err != nil {
		return nil, base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	info, err := e.RequestInfo()
	if err != nil {
		return nil, fmt.Errorf("request info: %w", err)
	}
	ok, err := e.App.CanAccessRecord(r, info, r.Collection().ViewRule)
	if err != nil || !ok {
		return nil, base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	return &domain.Dossier{Record: r}, nil
}

// handleDossierQR serves GET /api/motcua/dossiers/{id}/qr.png: the QR image the
// receipt prints, to staff who may see the dossier and the key (a processor
// may see the dossier but not its key, so gets 404 here too).
func handleDossierQR(e *core.RequestEvent) error {
	d, err := findVisibleDossier(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	if !domain.MayReadLookupKey(e.Auth) || d.Code() == "" || d.LookupKey() == "" {
		return base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	office, err := domain.FindOffice(e.App)
	if err != nil {
		return err
	}
	png, err := qrPNG(statusURL(office, d))
	if err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.Blob(http.StatusOK, "image/png", png)
}

// bindQRRoutes serves the receipt QR image.
func bindQRRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/dossiers/{id}/qr.png", handleDossierQR).BindFunc(base.RequireStaff())
	return nil
}
