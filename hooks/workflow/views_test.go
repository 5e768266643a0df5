package workflow

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// act runs one action as caller and fails the test unless it succeeds.
func (f *wfFixture) act(t *testing.T, d *domain.Dossier, caller, action, body string) {
	t.Helper()
	res := testkit.Do(f.mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/"+action, f.tokens[caller], body)
	if res.Code != http.StatusOK {
		t.Fatalf("%s by %s: %d %s", action, caller, res.Code, res.Body.String())
	}
}

// TestForms: each letter carries its facts in Vietnamese and Khmer; the slip
// lists every handoff; a letter whose action has not happened is refused.
func TestForms(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	setNow(f.app, time.Date(2026, 3, 2, 9, 0, 0, 0, base.Zone))
	d := newDossier(t, f.app, map[string]any{"received_by": f.staff["reception"].Record.Id})
	form := func(caller, n string) (int, string) {
		res := testkit.Do(f.mux, http.MethodGet, "/api/motcua/dossiers/"+d.Id+"/forms/"+n, f.tokens[caller], "")
		return res.Code, res.Body.String()
	}
	if code, _ := form("reception", "02"); code != http.StatusConflict {
		t.Errorf("form 02 before any request: %d, want 409", code)
	}
	f.act(t, d, "reception", domain.ActionAssign, `{"assignee":"`+f.staff["processor"].Record.Id+`"}`)
	f.act(t, d, "processor", domain.ActionStart, `{}`)
	setNow(f.app, time.Date(2026, 3, 3, 10, 0, 0, 0, base.Zone))
	f.act(t, d, "processor", domain.ActionRequestSupplement, `{"missing_papers":["Bản sao sổ hộ khẩu","Giấy <xác nhận> cư trú"]}`)
	code, body := form("processor", "02")
	if code != http.StatusOK {
		t.Fatalf("form 02: %d %s", code, body)
	}
	for _, want := range []string{i18n.T("km", "form.title_02"), i18n.T("vi", "form.title_02"), "សាធារណរដ្ឋសង្គមនិយមវៀតណាម",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Bản sao sổ hộ khẩu", "Giấy &lt;xác nhận&gt; cư trú",
		d.Code(), "Thạch Thị Sa Ry", i18n.T("km", "form.body_02")} {
		if !strings.Contains(body, want) {
			t.Errorf("form 02 lacks %q", want)
		}
	}
	if code, _ := form("processor2", "02"); code != http.StatusNotFound {
		t.Errorf("form 02 for a processor not assigned: %d, want 404", code)
	}
	if code, _ := form("guest", "02"); code != http.StatusUnauthorized {
		t.Errorf("form 02 for a guest: %d", code)
	}
	if code, _ := form("reception", "99"); code != http.StatusNotFound {
		t.Errorf("form 99: %d", code)
	}
	setNow(f.app, time.Date(2026, 3, 9, 10, 0, 0, 0, base.Zone))
	f.act(t, d, "reception", domain.ActionSupplementReceived, `{}`)
	f.act(t, d, "processor", domain.ActionAssign, `{"assignee":"`+f.staff["leader"].Record.Id+`"}`)
	f.act(t, d, "leader", domain.ActionExtend, `{"new_due_at":"2026-03-20T16:00:00+07:00","reason":"Chờ ý kiến của ấp"}`)
	code, body = form("leader", "04")
	if code != http.StatusOK || !strings.Contains(body, "20/03/2026 16:00") || !strings.Contains(body, "13/03/2026 09:00") ||
		!strings.Contains(body, "Chờ ý kiến của ấp") || !strings.Contains(body, i18n.T("km", "form.apology_04")) {
		t.Errorf("form 04: %d %s", code, body)
	}
	setNow(f.app, time.Date(2026, 3, 12, 10, 0, 0, 0, base.Zone))
	f.act(t, d, "leader", domain.ActionComplete, `{}`)
	f.act(t, d, "reception", domain.ActionReturn, `{"collected_by":"Lâm Thị Dol","collector_id_number":"094199001234"}`)
	code, body = form("reception", "06")
	if code != http.StatusOK {
		t.Fatalf("form 06: %d", code)
	}
	if n := strings.Count(body, `class="slip-row"`); n != 8 {
		t.Errorf("form 06 has %d rows, want 8 (one per event)", n)
	}
	for _, want := range []string{"Cán bộ wf.processor", "Cán bộ wf.leader", "Lâm Thị Dol", i18n.T("km", "form.title_06"),
		i18n.T("vi", "timeliness.early"), i18n.T("km", "timeliness.early")} {
		if !strings.Contains(body, want) {
			t.Errorf("form 06 lacks %q", want)
		}
	}
	// Refusal and stop letters carry the reason.
	r := f.dossierIn(t, domain.StatusProcessing)
	f.act(t, r, "processor", domain.ActionRefuse, `{"reason":"Không thuộc thẩm quyền của xã"}`)
	res := testkit.Do(f.mux, http.MethodGet, "/api/motcua/dossiers/"+r.Id+"/forms/03", f.tokens["reception"], "")
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Không thuộc thẩm quyền của xã") ||
		!strings.Contains(res.Body.String(), i18n.T("km", "form.title_03")) {
		t.Errorf("form 03: %d", res.Code)
	}
	s := f.dossierIn(t, domain.StatusProcessing)
	f.act(t, s, "superuser", domain.ActionStop, `{"reason":"Có tranh chấp"}`)
	res = testkit.Do(f.mux, http.MethodGet, "/api/motcua/dossiers/"+s.Id+"/forms/05", f.tokens["leader"], "")
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Có tranh chấp") {
		t.Errorf("form 05: %d", res.Code)
	}
}

func worklistIDs(t *testing.T, f *wfFixture, caller, name string) (int, []string) {
	t.Helper()
	res := testkit.Do(f.mux, http.MethodGet, "/api/motcua/worklists/"+name, f.tokens[caller], "")
	var out struct{ Items []worklistItem }
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	ids := []string{}
	for _, it := range out.Items {
		ids = append(ids, it.ID)
	}
	return res.Code, ids
}

// TestWorklists: each list holds exactly the dossiers its definition names.
func TestWorklists(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	now := time.Date(2026, 3, 11, 10, 0, 0, 0, base.Zone) // Wednesday
	setNow(f.app, now)
	proc, lead := f.staff["processor"].Record.Id, f.staff["leader"].Record.Id
	mk := func(status, assignee string, due time.Time) string {
		fields := map[string]any{"status": status, "due_at": due}
		if assignee != "" {
			fields["assignee"] = assignee
		}
		if status == domain.StatusDone {
			fields["finished_at"] = now.Add(-time.Hour)
		}
		return newDossier(t, f.app, fields).Id
	}
	overdue := mk(domain.StatusProcessing, proc, now.Add(-26*time.Hour))
	dueToday := mk(domain.StatusReceived, proc, now.Add(5*time.Hour))
	later := mk(domain.StatusProcessing, proc, now.Add(72*time.Hour))
	paused := mk(domain.StatusSupplementRequested, proc, now.Add(-48*time.Hour))
	ready := mk(domain.StatusDone, proc, now.Add(24*time.Hour))
	signOff := mk(domain.StatusProcessing, lead, now.Add(48*time.Hour))
	_ = mk(domain.StatusReturned, proc, now.Add(-72*time.Hour))

	cases := []struct {
		caller, list string
		code         int
		want         []string
	}{
		{"reception", "ready", 200, []string{ready}},
		{"reception", "due", 200, []string{overdue, dueToday}},
		{"processor", "mine", 200, []string{paused, overdue, dueToday, later}},
		{"processor2", "mine", 200, []string{}},
		{"leader", "overdue", 200, []string{overdue}},
		{"leader", "approval", 200, []string{signOff}},
		{"leader", "mine", 200, []string{signOff}},
		{"superuser", "overdue", 200, []string{overdue}},
		{"processor", "overdue", 403, []string{}},
		{"reception", "mine", 403, []string{}},
		{"field", "ready", 403, []string{}},
		{"guest", "ready", 401, []string{}},
		{"leader", "nonsense", 404, []string{}},
	}
	for _, c := range cases {
		code, ids := worklistIDs(t, f, c.caller, c.list)
		if code != c.code {
			t.Errorf("%s %s: %d, want %d", c.caller, c.list, code, c.code)
			continue
		}
		if strings.Join(ids, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s %s: %v, want %v (in due order)", c.caller, c.list, ids, c.want)
		}
	}
}

// TestLedgerCSV: the ledger covers the days asked, and the CSV opens in Excel
// (UTF-8 with BOM) with Vietnamese titles and values.
func TestLedgerCSV(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	in := newDossier(t, f.app, map[string]any{"received_at": time.Date(2026, 3, 2, 9, 0, 0, 0, base.Zone), "applicant_name": "=Nguyễn Văn A",
		"status": domain.StatusDone, "finished_at": time.Date(2026, 3, 5, 10, 0, 0, 0, base.Zone)})
	newDossier(t, f.app, map[string]any{"received_at": time.Date(2026, 3, 6, 9, 0, 0, 0, base.Zone)})
	res := testkit.Do(f.mux, http.MethodGet, "/api/motcua/ledger.csv?from=2026-03-01&to=2026-03-05", f.tokens["reception"], "")
	if res.Code != http.StatusOK {
		t.Fatalf("csv: %d %s", res.Code, res.Body.String())
	}
	body := res.Body.String()
	if !strings.HasPrefix(body, "\uFEFF"+i18n.T("vi", "form.col_no")+","+i18n.T("vi", "dossier.code")) {
		t.Errorf("csv does not start with the BOM and Vietnamese titles: %q", body[:60])
	}
	lines := strings.Split(strings.TrimSpace(body), "\r\n")
	if len(lines) != 2 || !strings.Contains(lines[1], in.Code()) || !strings.Contains(lines[1], "'=Nguyễn Văn A") ||
		!strings.Contains(lines[1], i18n.T("vi", "timeliness.early")) || !strings.Contains(lines[1], i18n.T("vi", "status.done")) {
		t.Errorf("csv rows: %q", lines)
	}
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q", ct)
	}
	for caller, want := range map[string]int{"processor": 403, "guest": 401, "leader": 200} {
		if res := testkit.Do(f.mux, http.MethodGet, "/api/motcua/ledger?from=2026-03-01&to=2026-03-31", f.tokens[caller], ""); res.Code != want {
			t.Errorf("ledger for %s: %d, want %d", caller, res.Code, want)
		}
	}
	if res := testkit.Do(f.mux, http.MethodGet, "/api/motcua/ledger?from=2026-03-31&to=2026-03-01", f.tokens["leader"], ""); res.Code != http.StatusBadRequest {
		t.Errorf("reversed range: %d", res.Code)
	}
}

// TestEventsOnlyThroughActions: an event an action wrote cannot be changed or
// removed through the API by any staff role; only the superuser can.
func TestEventsOnlyThroughActions(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	d := f.dossierIn(t, domain.StatusReceived)
	f.act(t, d, "processor", domain.ActionStart, `{}`)
	evs, _ := domain.FindDossierEvents(f.app, d.Id)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	url := "/api/collections/dossier_events/records/" + evs[0].Id
	callers := []string{"guest", "reception", "processor", "leader", "field"}
	sort.Strings(callers)
	for _, c := range callers {
		if res := testkit.Do(f.mux, http.MethodPatch, url, f.tokens[c], `{"note":"sửa"}`); res.Code == http.StatusOK {
			t.Errorf("%s edited an event", c)
		}
		if res := testkit.Do(f.mux, http.MethodDelete, url, f.tokens[c], ""); res.Code == http.StatusNoContent {
			t.Errorf("%s deleted an event", c)
		}
		body := `{"dossier":"` + d.Id + `","action":"complete","at":"2026-03-02 09:00:00.000Z"}`
		if res := testkit.Do(f.mux, http.MethodPost, "/api/collections/dossier_events/records", f.tokens[c], body); res.Code == http.StatusOK {
			t.Errorf("%s forged an event", c)
		}
	}
	if ev, err := f.app.FindRecordById(base.ColDossierEvents, evs[0].Id); err != nil || ev.GetString("note") != "" {
		t.Errorf("event changed: %v", err)
	}
	if res := testkit.Do(f.mux, http.MethodPatch, url, f.tokens["superuser"], `{"note":"sửa bởi quản trị"}`); res.Code != http.StatusOK {
		t.Errorf("superuser edit: %d", res.Code)
	}
}

// TestStatusPageFollowsWorkflow: the citizen's status page follows each action;
// for a supplement it lists the papers to bring (from the request), and after
// an extension it carries the apology, in both languages.
func TestStatusPageFollowsWorkflow(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	setNow(f.app, time.Date(2026, 3, 2, 9, 0, 0, 0, base.Zone))
	d := f.dossierIn(t, domain.StatusProcessing)
	url := "/tra-cuu/" + d.Code() + "?k=" + d.LookupKey()
	page := func() string {
		res := testkit.Do(f.mux, http.MethodGet, url, "", "")
		if res.Code != http.StatusOK {
			t.Fatalf("status page: %d", res.Code)
		}
		return res.Body.String()
	}
	if body := page(); !strings.Contains(body, i18n.T("km", "track_status.processing")) || strings.Contains(body, `id="missing"`) {
		t.Errorf("processing page wrong")
	}
	f.act(t, d, "processor", domain.ActionRequestSupplement, `{"missing_papers":["Tờ khai có xác nhận","Ảnh 4x6"]}`)
	body := page()
	for _, want := range []string{i18n.T("vi", "track_status.supplement_requested"), i18n.T("km", "lookup.missing_papers"),
		"<li>Tờ khai có xác nhận</li>", "<li>Ảnh 4x6</li>"} {
		if !strings.Contains(body, want) {
			t.Errorf("supplement page lacks %q", want)
		}
	}
	f.act(t, d, "reception", domain.ActionSupplementReceived, `{"note":"đủ"}`)
	if body := page(); strings.Contains(body, `id="missing"`) || strings.Contains(body, `id="extended"`) {
		t.Errorf("after the supplement the page still lists papers or an extension")
	}
	d, _ = domain.FindDossier(f.app, d.Id)
	newDue := workingDayAfter(f.app, d.DueAt(), 72*time.Hour).In(base.Zone).Format(time.RFC3339)
	f.act(t, d, "leader", domain.ActionExtend, `{"new_due_at":"`+newDue+`","reason":"Cần xác minh thêm"}`)
	if body := page(); !strings.Contains(body, i18n.T("km", "status.explain_extended")) {
		t.Errorf("extended dossier: no apology on the status page")
	}
}
