package search

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"

	"github.com/pocketbase/pocketbase/core"
)

func searchAs(t *testing.T, mux http.Handler, token, q, extra string) (int, SearchResult, string) {
	t.Helper()
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/search?q="+url.QueryEscape(q)+extra, token, "")
	var out SearchResult
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	return res.Code, out, res.Body.String()
}

func names(r SearchResult) string {
	var n []string
	for _, h := range r.Items {
		n = append(n, h.ApplicantName)
	}
	return strings.Join(n, "|")
}

// TestSearch: accents optional, ID number, phone in any spelling, code prefix,
// newest first or Vietnamese name order, and each role sees only its rows and
// fields.
func TestSearch(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	proc := testkit.ProcedureOfField(t, app, "Hộ tịch")
	app.Store().Set(searchIndexerPausedKey, true) // the test moves dossiers into the index itself
	reception := testkit.MakeStaff(t, app, base.RoleReception, "search.reception")
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "search.leader")
	p1 := testkit.MakeStaff(t, app, base.RoleProcessor, "search.p1")
	f1 := testkit.MakeStaff(t, app, base.RoleField, "search.f1")
	mk := func(code, name, id, phone, assignee, receivedBy string, at time.Time) string {
		r := testkit.MkDossier(t, app, map[string]any{
			"code": code, "procedure": proc.Id, "applicant_name": name, "applicant_id_number": id, "applicant_phone": phone,
			"status": domain.StatusProcessing, "received_at": at, "assignee": assignee, "received_by": receivedBy,
			"lookup_key": "key" + code[len(code)-4:], "search": domain.SeedSearchKey(code, name, id, phone),
		})
		return r.Id
	}
	a := mk("000.00.07.H60-260301-0001", "Nguyễn Văn An", "079203001234", "0912345678", p1.Record.Id, f1.Record.Id, testkit.LocalTime(2026, 3, 1, 8, 0))
	mk("000.00.07.H60-260301-0002", "Nguyễn Văn Ánh", "079203009999", "0987654321", "", "", testkit.LocalTime(2026, 3, 1, 9, 0))
	// The first two go into the index, the next two stay queued: every search
	// below runs with the answer split between queue and index, then with all
	// of it queued, then with all of it indexed.
	if n, err := indexQueued(t.Context(), app); err != nil || n != 2 {
		t.Fatalf("indexQueued: %d %v, want 2", n, err)
	}
	mk("000.00.07.H60-260302-0001", "Lâm Văn Sóc", "", "", "", "", testkit.LocalTime(2026, 3, 2, 8, 0))
	d := mk("000.00.07.H60-260303-0001", "Thạch Thị Sa Ry", "", "0355555555", "", f1.Record.Id, testkit.LocalTime(2026, 3, 3, 8, 0))
	mux := testkit.NewMux(t, app)

	cases := []struct{ token, q, extra, want string }{
		{reception.Token, "nguyen van a", "", "Nguyễn Văn Ánh|Nguyễn Văn An"},
		{reception.Token, "NGUYỄN văn", "", "Nguyễn Văn Ánh|Nguyễn Văn An"},
		{reception.Token, "van", "&sort=name", "Lâm Văn Sóc|Nguyễn Văn An|Nguyễn Văn Ánh"},
		{reception.Token, "van", "", "Lâm Văn Sóc|Nguyễn Văn Ánh|Nguyễn Văn An"},
		{reception.Token, "079203001234", "", "Nguyễn Văn An"},
		{reception.Token, "0792030", "", "Nguyễn Văn Ánh|Nguyễn Văn An"},
		{reception.Token, "0912 345 678", "", "Nguyễn Văn An"},
		{reception.Token, "+84 912.345.678", "", "Nguyễn Văn An"},
		{reception.Token, "000.00.07.h60-260301", "", "Nguyễn Văn Ánh|Nguyễn Văn An"},
		{reception.Token, "000.00.07.H60-260302-0001", "", "Lâm Văn Sóc"},
		{reception.Token, "260303", "", "Thạch Thị Sa Ry"},
		{reception.Token, "thach sa", "", "Thạch Thị Sa Ry"},
		{reception.Token, "thach ry x", "", ""},
		{reception.Token, "thach thi sa", "", "Thạch Thị Sa Ry"},
		{reception.Token, `" OR 1`, "", ""},
		{leader.Token, "nguyen", "", "Nguyễn Văn Ánh|Nguyễn Văn An"},
		{p1.Token, "nguyen", "", "Nguyễn Văn An"},
		{p1.Token, "soc", "", ""},
		{f1.Token, "h60", "", "Thạch Thị Sa Ry|Nguyễn Văn An"},
		{f1.Token, "000.00.07.H60-2603", "", "Thạch Thị Sa Ry|Nguyễn Văn An"},
	}
	run := func(state string) {
		t.Helper()
		for _, c := range cases {
			code, res, body := searchAs(t, mux, c.token, c.q, c.extra)
			if code != http.StatusOK || names(res) != c.want {
				t.Errorf("%s: q=%q%s: %d %q, want %q (%s)", state, c.q, c.extra, code, names(res), c.want, body)
			}
		}
	}
	run("2 indexed, 2 queued")
	for _, q := range []string{"DELETE FROM motcua_dossier_search", "DELETE FROM motcua_search_pending",
		"INSERT INTO motcua_search_pending(dossier) SELECT id FROM dossiers ORDER BY received_at"} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	run("all queued")
	if n, err := indexQueued(t.Context(), app); err != nil || n != 4 {
		t.Fatalf("indexQueued: %d %v, want 4", n, err)
	}
	run("all indexed")
	// The lookup key is only for reception and mobile teams.
	for who, tok := range map[string]string{"processor": p1.Token, "leader": leader.Token} {
		_, _, body := searchAs(t, mux, tok, "nguyen", "")
		if strings.Contains(body, "lookup_key") || strings.Contains(body, "key0001") {
			t.Errorf("%s sees lookup keys: %s", who, body)
		}
	}
	for who, tok := range map[string]string{"reception": reception.Token, "field": f1.Token} {
		_, res, _ := searchAs(t, mux, tok, "079203001234", "")
		if len(res.Items) != 1 || res.Items[0].LookupKey != "key0001" {
			t.Errorf("%s: lookup key missing: %+v", who, res.Items)
		}
	}
	// Hidden fields never leak.
	_, _, body := searchAs(t, mux, reception.Token, "nguyen", "")
	if strings.Contains(body, `"search"`) || strings.Contains(body, "nguyen van an 079203001234") {
		t.Errorf("search column leaked: %s", body)
	}
	if code, _, body := searchAs(t, mux, "", "nguyen", ""); code != http.StatusUnauthorized || !strings.Contains(body, "error.sign_in_required") {
		t.Errorf("guest: %d %s", code, body)
	}

	// The index follows edits and deletes.
	r, _ := app.FindRecordById(base.ColDossiers, a)
	r.Set("applicant_name", "Nguyễn Văn Bình")
	r.Set("search", domain.SeedSearchKey(r.GetString("code"), "Nguyễn Văn Bình", "079203001234", "0912345678"))
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if _, res, _ := searchAs(t, mux, reception.Token, "nguyen van binh", ""); names(res) != "Nguyễn Văn Bình" {
		t.Errorf("after rename: %q", names(res))
	}
	if _, res, _ := searchAs(t, mux, reception.Token, "nguyen van an", ""); names(res) != "Nguyễn Văn Ánh" {
		t.Errorf("old name still found: %q", names(res))
	}
	// Reassigning moves the dossier between processors' searches.
	p2 := testkit.MakeStaff(t, app, base.RoleProcessor, "search.p2")
	r.Set("assignee", p2.Record.Id)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if _, res, _ := searchAs(t, mux, p1.Token, "binh", ""); len(res.Items) != 0 {
		t.Errorf("old processor still finds the dossier: %q", names(res))
	}
	if _, res, _ := searchAs(t, mux, p2.Token, "binh", ""); names(res) != "Nguyễn Văn Bình" {
		t.Errorf("new processor: %q", names(res))
	}
	dr, _ := app.FindRecordById(base.ColDossiers, d)
	if err := app.Delete(dr); err != nil {
		t.Fatal(err)
	}
	if _, res, _ := searchAs(t, mux, reception.Token, "thach", ""); len(res.Items) != 0 {
		t.Errorf("deleted dossier found: %q", names(res))
	}
}

// TestSearchQueuePaging: pages run newest first across the boundary between
// dossiers still queued for the index and indexed ones, without a dossier
// twice or missing, and an edit of a queued dossier indexes it exactly once.
func TestSearchQueuePaging(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	proc := testkit.ProcedureOfField(t, app, "Hộ tịch")
	app.Store().Set(searchIndexerPausedKey, true) // the test moves dossiers into the index itself
	reception := testkit.MakeStaff(t, app, base.RoleReception, "page.reception")
	var want []string // newest first
	for i := 1; i <= 70; i++ {
		code := fmt.Sprintf("000.00.07.H60-260301-%04d", i)
		name := fmt.Sprintf("Trần Văn Số%02d", i)
		testkit.MkDossier(t, app, map[string]any{"code": code, "procedure": proc.Id, "applicant_name": name,
			"status": domain.StatusReceived, "received_at": testkit.LocalTime(2026, 3, 1, 8, 0).Add(time.Duration(i) * time.Minute),
			"lookup_key": fmt.Sprintf("key%04d", i), "search": domain.SeedSearchKey(code, name, "", "")})
		want = append([]string{name}, want...)
		if i == 40 { // 40 indexed, the 30 newest queued
			if n, err := indexQueued(t.Context(), app); err != nil || n != 40 {
				t.Fatalf("indexQueued: %d %v", n, err)
			}
		}
	}
	mux := testkit.NewMux(t, app)
	var got []string
	for page := 1; page <= 2; page++ {
		code, res, body := searchAs(t, mux, reception.Token, "tran van", fmt.Sprintf("&page=%d", page))
		if code != http.StatusOK {
			t.Fatalf("page %d: %d %s", page, code, body)
		}
		if res.HasMore != (page == 1) {
			t.Errorf("page %d: has_more %v", page, res.HasMore)
		}
		for _, h := range res.Items {
			got = append(got, h.ApplicantName)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("pages across queue and index:\n got %v\nwant %v", got, want)
	}

	// A queued dossier that is edited is indexed by the edit and leaves the
	// queue: the indexer must not add it a second time.
	r, err := domain.FindDossierByCode(app, "000.00.07.H60-260301-0070")
	if err != nil {
		t.Fatal(err)
	}
	r.Set("applicant_name", "Trần Văn Mới")
	r.Set("search", domain.SeedSearchKey(r.Code(), "Trần Văn Mới", "", ""))
	if err := app.Save(r.Record); err != nil {
		t.Fatal(err)
	}
	if n, err := indexQueued(t.Context(), app); err != nil || n != 29 {
		t.Errorf("indexQueued after the edit: %d %v, want the 29 others", n, err)
	}
	var rows, queued int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM motcua_dossier_search WHERE motcua_dossier_search MATCH 'dossier:"' || {:id} || '"'`).
		Bind(map[string]any{"id": r.Id}).Row(&rows)
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM motcua_search_pending").Row(&queued)
	if rows != 1 || queued != 0 {
		t.Errorf("edited dossier has %d index rows (want 1), %d still queued", rows, queued)
	}
	if _, res, _ := searchAs(t, mux, reception.Token, "tran van moi", ""); names(res) != "Trần Văn Mới" {
		t.Errorf("edited dossier: %q", names(res))
	}
}

// TestSearchIndexer: with the server running, a dossier taken in is found at
// once (from the queue) and is in the index within a few intervals.
func TestSearchIndexer(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	reception := testkit.MakeStaff(t, app, base.RoleReception, "indexer.reception")
	mux := testkit.NewMux(t, app)
	res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, reception.Token, testkit.IntakeBody(testkit.ProcByCode(t, app, "1.001193").Id, nil))
	if res.Code != http.StatusOK {
		t.Fatalf("intake: %d %s", res.Code, res.Body.String())
	}
	var saved struct{ ID, Applicant_name string }
	_ = json.Unmarshal(res.Body.Bytes(), &saved)
	if _, out, body := searchAs(t, mux, reception.Token, saved.Applicant_name, ""); len(out.Items) != 1 || out.Items[0].ID != saved.ID {
		t.Fatalf("just saved, not found: %s", body)
	}
	deadline := time.Now().Add(50 * searchIndexEvery)
	for {
		var indexed, queued int
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM motcua_dossier_search").Row(&indexed)
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM motcua_search_pending").Row(&queued)
		if indexed == 1 && queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d indexed, %d queued; want 1, 0", 50*searchIndexEvery, indexed, queued)
		}
		time.Sleep(searchIndexEvery / 5)
	}
	if _, out, body := searchAs(t, mux, reception.Token, saved.Applicant_name, ""); len(out.Items) != 1 || out.Items[0].ID != saved.ID {
		t.Fatalf("indexed, not found once: %s", body)
	}
}

// indexQueued indexes every queued dossier and reports how many it indexed.
func indexQueued(ctx context.Context, app core.App) (int, error) {
	n, _, err := indexQueuedDownTo(ctx, app, 0)
	return n, err
}
