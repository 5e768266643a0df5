package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// ProcByCode returns the seeded procedure with the given national code.
func ProcByCode(t testing.TB, app core.App, code string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByFilter(base.ColProcedures, "code = {:c}", dbx.Params{"c": code})
	if err != nil {
		t.Fatalf("procedure %s: %v", code, err)
	}
	return r
}

// IntakeBody is a valid intake for birth registration (1.001193), whose three
// required papers are ticked; over is merged on top.
func IntakeBody(procID string, over map[string]any) string {
	b := map[string]any{
		"procedure":            procID,
		"applicant_name":       "Thạch Thị Sa Ry",
		"applicant_id_number":  "079203001234",
		"applicant_old_id":     "352123456",
		"applicant_birth_date": "1990-08-15",
		"applicant_gender":     "female",
		"applicant_address":    "Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng",
		"applicant_phone":      "+84 912 345 678",
		"papers": []map[string]any{
			{"index": 0, "kind": "original", "count": 1},
			{"index": 1, "kind": "original", "count": 1},
			{"name": "Giấy tờ tùy thân của người đi đăng ký (thẻ căn cước, hộ chiếu) – xuất trình", "kind": "copy", "count": 2},
		},
	}
	for k, v := range over {
		if v == nil {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	out, _ := json.Marshal(b)
	return string(out)
}

// APIErr is PocketBase's error body with our keyed data.
type APIErr struct {
	Status int            `json:"status"`
	Data   map[string]any `json:"data"`
}

func DecodeErr(t *testing.T, res *httptest.ResponseRecorder) APIErr {
	t.Helper()
	var e APIErr
	if err := json.Unmarshal(res.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q: %v", res.Body.String(), err)
	}
	return e
}

// IntakeOne takes a birth-registration dossier in through the API with token
// and returns it as stored.
func IntakeOne(t testing.TB, app core.App, mux http.Handler, token string) *domain.Dossier {
	t.Helper()
	proc := ProcByCode(t, app, "1.001193")
	res := Do(mux, http.MethodPost, DossiersURL, token, IntakeBody(proc.Id, nil))
	if res.Code != http.StatusOK {
		t.Fatalf("intake: %d %s", res.Code, res.Body.String())
	}
	var out map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	d, err := domain.FindDossier(app, fmt.Sprint(out["id"]))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// DecodeQR reads the text of a QR code PNG the way a phone would.
func DecodeQR(t testing.TB, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// TRY_HARDER, as phone scanner apps do: without it the reader misses about
	// one perfect image in 400 (it misjudges the finder patterns), with it none
	// of 2,000 random status links.
	res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decode qr: %v", err)
	}
	return res.GetText()
}

const DossiersURL = "/api/collections/dossiers/records"
