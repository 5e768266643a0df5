package intake

import (
	"bytes"
	"image"
	_ "image/png"
	"net/http"
	"strings"
	"testing"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestDossierQR: the served PNG decodes to exactly the status URL, with whole
// pixels per module; staff who may not see the dossier or its key get 404.
func TestDossierQR(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	office, _ := domain.FindOffice(app)
	office.Set("public_url", "http://192.168.1.10:8090/")
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "qr.reception")
	d := testkit.IntakeOne(t, app, mux, rec.Token)
	url := "/api/motcua/dossiers/" + d.Id + "/qr.png"

	res := testkit.Do(mux, http.MethodGet, url, rec.Token, "")
	if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("status %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	want := "http://192.168.1.10:8090/tra-cuu/" + d.Code() + "?k=" + d.LookupKey()
	if got := testkit.DecodeQR(t, res.Body.Bytes()); got != want {
		t.Errorf("QR says %q, want %q", got, want)
	}
	img, _, _ := image.Decode(bytes.NewReader(res.Body.Bytes()))
	// go-qrcode adds a 4-module quiet zone on each side.
	if w := img.Bounds().Dx(); w%qrModulePixels != 0 {
		t.Errorf("image width %d is not a whole number of %d px modules", w, qrModulePixels)
	}

	processor := testkit.MakeStaff(t, app, base.RoleProcessor, "qr.processor")
	d.Set("assignee", processor.Record.Id)
	_ = app.Save(d.Record)
	otherField := testkit.MakeStaff(t, app, base.RoleField, "qr.field")
	for name, token := range map[string]string{"processor (assignee)": processor.Token, "field (not theirs)": otherField.Token} {
		res := testkit.Do(mux, http.MethodGet, url, token, "")
		if res.Code != http.StatusNotFound || strings.Contains(res.Body.String(), d.LookupKey()) {
			t.Errorf("%s: status %d", name, res.Code)
		}
	}
	if res := testkit.Do(mux, http.MethodGet, url, "", ""); res.Code != http.StatusUnauthorized {
		t.Errorf("guest: status %d", res.Code)
	}
	if res := testkit.Do(mux, http.MethodGet, "/api/motcua/dossiers/nosuchdossier/qr.png", rec.Token, ""); res.Code != http.StatusNotFound {
		t.Errorf("unknown dossier: status %d", res.Code)
	}
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "qr.leader")
	if res := testkit.Do(mux, http.MethodGet, url, leader.Token, ""); res.Code != http.StatusOK {
		t.Errorf("leader: status %d", res.Code)
	}
}

// BenchmarkQRPNG times drawing a receipt's QR code (budget: under 5 ms).
func BenchmarkQRPNG(b *testing.B) {
	text := "http://192.168.1.10:8090/tra-cuu/000.00.07.H60-260818-0001?k=ab3cd4ef5gh6"
	for b.Loop() {
		if _, err := qrPNG(text); err != nil {
			b.Fatal(err)
		}
	}
}
