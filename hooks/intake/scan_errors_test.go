package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// pngBytes is the start of a PNG file, enough for the type check.
var pngBytes = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'}

// TestScanErrorsSayWhich: a scan the server refuses gets a keyed error saying
// what is wrong (type, size, too many) and naming the file as the officer
// chose it, in Vietnamese and Khmer; the values ride along for the page.
func TestScanErrorsSayWhich(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	clerk := testkit.MakeStaff(t, app, base.RoleReception, "scan.reception")
	proc := testkit.ProcByCode(t, app, "1.001193").Id
	type file struct {
		name string
		data []byte
	}
	big := append(append([]byte{}, pngBytes...), make([]byte, 10<<20)...)
	many := make([]file, 11)
	for i := range many {
		many[i] = file{fmt.Sprintf("trang-%d.png", i+1), pngBytes}
	}
	for _, c := range []struct {
		what  string
		files []file
		key   string
		name  string
	}{
		{"a text file", []file{{"ghi chú của bà Sa Ry.txt", []byte("notes, not a scan")}}, "error.scan_type", "ghi chú của bà Sa Ry.txt"},
		{"a text file named .png", []file{{"giay-khai-sinh.png", []byte("this is not a picture")}}, "error.scan_type", "giay-khai-sinh.png"},
		{"a file over 10 MB", []file{{"to-khai.png", big}}, "error.scan_size", "to-khai.png"},
		{"eleven files", many, "error.scan_too_many", ""},
	} {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("@jsonPayload", testkit.IntakeBody(proc, nil))
		for _, f := range c.files {
			part, _ := w.CreateFormFile("scans", f.name)
			_, _ = part.Write(f.data)
		}
		_ = w.Close()
		req := httptest.NewRequest(http.MethodPost, testkit.DossiersURL, &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", clerk.Token)
		res := httptest.NewRecorder()
		mux.ServeHTTP(res, req)
		var got struct {
			Data map[string]base.FieldError `json:"data"`
		}
		_ = json.Unmarshal(res.Body.Bytes(), &got)
		e := got.Data["scans"]
		if res.Code != http.StatusBadRequest || e.Code != c.key || e.Params["name"] != c.name ||
			e.Message != i18n.T("vi", c.key, "name", c.name) || e.MessageKM != i18n.T("km", c.key, "name", c.name) {
			t.Errorf("%s: %d %s\nwant %s naming %q", c.what, res.Code, res.Body.String(), c.key, c.name)
		}
	}
	if n, _ := app.CountRecords(base.ColDossiers); n != 0 {
		t.Errorf("%d dossiers saved from refused scans", n)
	}
}
