package public

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/internal/web"
)

func returnedDossier(t testing.TB, app core.App, code, key string) *core.Record {
	t.Helper()
	return testkit.MkDossier(t, app, map[string]any{
		"code": code, "procedure": testkit.ProcedureOfField(t, app, "Hộ tịch").Id, "status": domain.StatusReturned,
		"received_at": testkit.LocalTime(2026, 3, 2, 8, 0), "due_at": testkit.LocalTime(2026, 3, 5, 17, 0),
		"finished_at": testkit.LocalTime(2026, 3, 4, 9, 0), "returned_at": testkit.LocalTime(2026, 3, 5, 9, 0), "lookup_key": key,
	})
}

// TestCounterRating: the second screen's POST, one per dossier, keyed
// validation errors, and the officer and counter filled in.
func TestCounterRating(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "rate.reception")
	rec.Record.Set("counter", "2")
	if err := app.Save(rec.Record); err != nil {
		t.Fatal(err)
	}
	proc := testkit.MakeStaff(t, app, base.RoleProcessor, "rate.processor")
	d := returnedDossier(t, app, "000.00.07.H60-260302-0001", "k1")
	open := testkit.MkDossier(t, app, map[string]any{"procedure": d.GetString("procedure"), "status": domain.StatusProcessing, "received_at": testkit.LocalTime(2026, 3, 2, 8, 0)})

	cases := []struct {
		name, token, body string
		code              int
		key               string
	}{
		{"guest", "", `{"dossier":"` + d.Id + `","score":5}`, 401, "error.sign_in_required"},
		{"processor", proc.Token, `{"dossier":"` + d.Id + `","score":5}`, 403, "error.role_forbidden"},
		{"no face", rec.Token, `{"dossier":"` + d.Id + `"}`, 400, "error.rating_score_invalid"},
		{"two on a 3-face scale", rec.Token, `{"dossier":"` + d.Id + `","score":2,"scale":3}`, 400, "error.rating_score_invalid"},
		{"bad scale", rec.Token, `{"dossier":"` + d.Id + `","score":2,"scale":4}`, 400, "error.rating_scale_invalid"},
		{"bad reason", rec.Token, `{"dossier":"` + d.Id + `","score":2,"reasons":["bribe"]}`, 400, "error.rating_reason_invalid"},
		{"no target", rec.Token, `{"score":2}`, 400, "error.rating_target_required"},
		{"not returned", rec.Token, `{"dossier":"` + open.Id + `","score":5}`, 400, "error.rating_not_returned"},
		{"unknown", rec.Token, `{"dossier":"nosuchdossier00","score":5}`, 404, "error.dossier_not_found"},
		{"ok", rec.Token, `{"dossier":"` + d.Id + `","score":3,"scale":3,"reasons":["waited_long","quick"]}`, 200, ""},
		{"twice", rec.Token, `{"dossier":"` + d.Id + `","score":5}`, 409, "error.already_rated"},
		{"ticket", rec.Token, `{"ticket_id":"t123","score":4}`, 200, ""},
		{"ticket twice", rec.Token, `{"ticket_id":"t123","score":4}`, 409, "error.already_rated"},
	}
	for _, c := range cases {
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/ratings", c.token, c.body)
		if res.Code != c.code || (c.key != "" && !strings.Contains(res.Body.String(), c.key)) {
			t.Errorf("%s: %d %s, want %d %s", c.name, res.Code, res.Body.String(), c.code, c.key)
		}
	}
	r, err := app.FindFirstRecordByFilter(base.ColRatings, "dossier = {:d}", dbx.Params{"d": d.Id})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetInt("score") != 3 || r.GetInt("scale") != 3 || r.GetString("officer") != rec.Record.Id || r.GetString("counter") != "2" ||
		r.GetString("procedure") != d.GetString("procedure") || r.GetString("channel") != "counter" ||
		strings.Join(r.GetStringSlice("reasons"), ",") != "waited_long,quick" {
		t.Errorf("saved rating: %v", r.PublicExport())
	}
}

// TestPublicRating: the status page's one-time form, the key checked, a
// bilingual thank-you page, and no second rating.
func TestPublicRating(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	d := returnedDossier(t, app, "000.00.07.H60-260302-0007", "secretkey123")
	post := func(code, form string) (int, string) {
		res := testkit.DoForm(mux, "/tra-cuu/"+code+"/danh-gia", form)
		return res.Code, res.Body.String()
	}
	// The fragment the status page includes.
	form := RatingFormFor(app, &domain.Dossier{Record: d}, "vi")
	var buf strings.Builder
	if err := web.Templates.ExecuteTemplate(&buf, "rating_form", form); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`action="/tra-cuu/000.00.07.H60-260302-0007/danh-gia"`, `value="secretkey123"`, "Rất hài lòng", "ពេញចិត្តខ្លាំង", `value="waited_long"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("rating_form lacks %q", want)
		}
	}
	// The status page offers the form once the result is returned.
	page := testkit.Do(mux, http.MethodGet, "/tra-cuu/"+d.GetString("code")+"?k=secretkey123", "", "")
	if page.Code != 200 || !strings.Contains(page.Body.String(), `action="/tra-cuu/000.00.07.H60-260302-0007/danh-gia"`) {
		t.Errorf("status page without the rating form: %d", page.Code)
	}
	if code, body := post(d.GetString("code"), "k=wrong&score=5"); code != 404 || !strings.Contains(body, "Không tìm thấy hồ sơ") {
		t.Errorf("wrong key: %d", code)
	}
	if code, body := post(d.GetString("code"), "k=secretkey123"); code != 400 || !strings.Contains(body, "Hãy chọn một khuôn mặt") || !strings.Contains(body, "សូមជ្រើសរើសមុខមួយ") {
		t.Errorf("no face: %d %s", code, body)
	}
	code, body := post(d.GetString("code"), url.Values{"k": {"secretkey123"}, "score": {"4"}, "scale": {"5"}, "reasons": {"quick", "kind_staff"}}.Encode())
	if code != 200 || !strings.Contains(body, "Cảm ơn ông/bà đã đánh giá") || !strings.Contains(body, "សូមអរគុណលោក/លោកស្រីដែលបានវាយតម្លៃ") {
		t.Errorf("rate: %d %s", code, body)
	}
	r, err := app.FindFirstRecordByFilter(base.ColRatings, "dossier = {:d}", dbx.Params{"d": d.Id})
	if err != nil || r.GetInt("score") != 4 || r.GetString("channel") != "status_page" || len(r.GetStringSlice("reasons")) != 2 {
		t.Fatalf("saved: %v %v", err, r)
	}
	if code, body := post(d.GetString("code"), "k=secretkey123&score=1"); code != 409 || !strings.Contains(body, "đã được đánh giá") {
		t.Errorf("second rating: %d", code)
	}
	if n, _ := app.CountRecords(base.ColRatings); n != 1 {
		t.Errorf("%d ratings, want 1", n)
	}
	if RatingFormFor(app, &domain.Dossier{Record: d}, "vi") != nil {
		t.Error("form still offered after rating")
	}
	page = testkit.Do(mux, http.MethodGet, "/tra-cuu/"+d.GetString("code")+"?k=secretkey123", "", "")
	if page.Code != 200 || strings.Contains(page.Body.String(), "danh-gia") {
		t.Errorf("status page still offers the rating: %d", page.Code)
	}
}
