package intake

import (
	"encoding/base64"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestReceipt: form 01 comes in two copies with the code, applicant, papers,
// dates, Vietnamese and Khmer text, and a QR that decodes to the status URL
// with the key printed under it; a reprint is byte-identical; callers who may
// not see the key get 404.
func TestReceipt(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "rc.reception")
	d := testkit.IntakeOne(t, app, mux, rec.Token)
	url := "/api/motcua/dossiers/" + d.Id + "/receipt"
	res := testkit.Do(mux, http.MethodGet, url, rec.Token, "")
	if res.Code != http.StatusOK {
		t.Fatalf("status %d: %s", res.Code, res.Body.String())
	}
	body := res.Body.String()
	if n := strings.Count(body, `class="form-page receipt`); n != 2 {
		t.Errorf("%d copies, want 2", n)
	}
	for _, want := range []string{
		d.Code(), d.LookupKey(), "Thạch Thị Sa Ry", "0912345678", "Ấp Mỹ Hòa",
		i18n.T("vi", "receipt.title"), i18n.T("km", "receipt.title"), i18n.T("km", "receipt.copy_file"),
		"Đăng ký khai sinh", "ការចុះបញ្ជីកំណើត", "Tờ khai đăng ký khai sinh (theo mẫu)", "ពាក្យស្នើសុំចុះបញ្ជីកំណើត",
		"Cán bộ rc.reception", d.DueAt().In(base.Zone).Format("02/01/2006"), "Cộng hòa xã hội chủ nghĩa Việt Nam",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	m := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no QR image")
	}
	// The attribute is HTML-escaped ("+" as "&#43;"), as a browser reads it.
	png, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	office, _ := domain.FindOffice(app)
	if got := testkit.DecodeQR(t, png); got != statusURL(office, d) {
		t.Errorf("receipt QR %q", got)
	}
	if again := testkit.Do(mux, http.MethodGet, url, rec.Token, "").Body.String(); again != body {
		t.Error("reprint differs")
	}
	processor := testkit.MakeStaff(t, app, base.RoleProcessor, "rc.processor")
	d.Set("assignee", processor.Record.Id)
	_ = app.Save(d.Record)
	if res := testkit.Do(mux, http.MethodGet, url, processor.Token, ""); res.Code != http.StatusNotFound {
		t.Errorf("processor: %d", res.Code)
	}
	if res := testkit.Do(mux, http.MethodGet, url, "", ""); res.Code != http.StatusUnauthorized {
		t.Errorf("guest: %d", res.Code)
	}
}

// TestIntakeNotice: a dossier missing required papers gets a printable form
// 02 or 03 listing exactly the missing papers, in both languages.
func TestIntakeNotice(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "nt.reception")
	proc := testkit.ProcByCode(t, app, "1.001193")
	body := `{"kind":"supplement","procedure":"` + proc.Id + `","applicant_name":"Lâm Văn Sóc","papers":[{"index":0,"kind":"original","count":1}]}`
	res := testkit.Do(mux, http.MethodPost, "/api/motcua/intake/notice", rec.Token, body)
	if res.Code != http.StatusOK {
		t.Fatalf("status %d: %s", res.Code, res.Body.String())
	}
	out := res.Body.String()
	for _, want := range []string{i18n.T("vi", "notice.title_supplement"), i18n.T("km", "notice.title_supplement"), "Lâm Văn Sóc",
		"Giấy chứng sinh", "Giấy tờ tùy thân của người đi đăng ký"} {
		if !strings.Contains(out, want) {
			t.Errorf("notice lacks %q", want)
		}
	}
	for _, not := range []string{"Tờ khai đăng ký khai sinh", "Văn bản ủy quyền"} {
		if strings.Contains(out, not) {
			t.Errorf("notice lists %q, which was given or is optional", not)
		}
	}
	refusal := strings.Replace(body, `"supplement"`, `"refusal"`, 1)
	refusal = strings.Replace(refusal, `"papers"`, `"reason":"Không thuộc thẩm quyền","papers"`, 1)
	res = testkit.Do(mux, http.MethodPost, "/api/motcua/intake/notice", rec.Token, refusal)
	if !strings.Contains(res.Body.String(), i18n.T("km", "notice.title_refusal")) || !strings.Contains(res.Body.String(), "Không thuộc thẩm quyền") {
		t.Errorf("refusal: %d %s", res.Code, res.Body.String())
	}
	if n, _ := app.CountRecords(base.ColDossiers); n != 0 {
		t.Errorf("a notice saved %d dossiers", n)
	}
	processor := testkit.MakeStaff(t, app, base.RoleProcessor, "nt.processor")
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/intake/notice", processor.Token, body); res.Code != http.StatusForbidden {
		t.Errorf("processor: %d", res.Code)
	}
}
