package intake

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// doIntakeMultipart posts body as a multipart intake (as the intake page does
// when scans are attached), which PocketBase's record create handles.
func doIntakeMultipart(mux http.Handler, token, body string) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("@jsonPayload", body)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, testkit.DossiersURL, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", token)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// comparable drops what differs between any two intakes (ids, code, key,
// clock times) from a stored record's values.
func comparableFields(r *core.Record, drop ...string) map[string]any {
	out := map[string]any{}
	raw, _ := json.Marshal(r.FieldsData())
	_ = json.Unmarshal(raw, &out)
	for _, k := range append([]string{"id", "code", "lookup_key", "created", "updated", "received_at", "due_at", "search", "dossier", "at", "data"}, drop...) {
		delete(out, k)
	}
	return out
}

// TestIntakeFastPathSameRow: a JSON intake (the fast path) and the same body
// sent multipart (PocketBase's record create with onIntake) store the same
// dossier and the same event, answer the same record JSON, and refuse bad
// input with the same keyed errors; a JSON body with a field the fast path
// does not know goes to PocketBase's path and is still taken in.
func TestIntakeFastPathSameRow(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "fast.reception")
	proc := testkit.ProcByCode(t, app, "1.001193")
	ticket := testkit.IssueTicket(t, mux, rec.Token, testkit.GroupID(t, app, "A"), false)

	bodies := map[string]string{
		"full":    testkit.IntakeBody(proc.Id, map[string]any{"notes": "  Nộp thay cho mẹ  ", "sets": 2}),
		"minimal": testkit.IntakeBody(proc.Id, map[string]any{"applicant_id_number": nil, "applicant_old_id": nil, "applicant_birth_date": nil, "applicant_gender": nil, "applicant_address": nil, "applicant_phone": nil}),
		"ticket":  testkit.IntakeBody(proc.Id, map[string]any{"ticket": ticket.ID, "channel": "postal"}),
	}
	for name, body := range bodies {
		fast := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, body)
		slow := doIntakeMultipart(mux, rec.Token, body)
		if fast.Code != http.StatusOK || slow.Code != http.StatusOK {
			t.Fatalf("%s: fast %d %s / multipart %d %s", name, fast.Code, fast.Body, slow.Code, slow.Body)
		}
		var fr, sr map[string]any
		_ = json.Unmarshal(fast.Body.Bytes(), &fr)
		_ = json.Unmarshal(slow.Body.Bytes(), &sr)
		if len(fr) != len(sr) || fr["lookup_key"] == "" || fr["collectionName"] != "dossiers" {
			t.Errorf("%s: answers differ in shape:\n fast %v\n slow %v", name, fr, sr)
		}
		for k := range sr {
			if _, ok := fr[k]; !ok {
				t.Errorf("%s: fast answer lacks %q", name, k)
			}
		}
		fd, err1 := domain.FindDossier(app, fr["id"].(string))
		sd, err2 := domain.FindDossier(app, sr["id"].(string))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: saved dossiers: %v %v", name, err1, err2)
		}
		if a, b := comparableFields(fd.Record), comparableFields(sd.Record); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: stored rows differ:\n fast %v\n slow %v", name, a, b)
		}
		if fd.GetString("search") != domain.DossierSearchKey(fd.Record) || !strings.HasPrefix(fd.GetString("search"), strings.ToLower(fd.Code())) {
			t.Errorf("%s: search text %q", name, fd.GetString("search"))
		}
		fe, _ := domain.FindDossierEvents(app, fd.Id)
		se, _ := domain.FindDossierEvents(app, sd.Id)
		if len(fe) != 1 || len(se) != 1 {
			t.Fatalf("%s: events %d / %d, want 1 each", name, len(fe), len(se))
		}
		if a, b := comparableFields(fe[0]), comparableFields(se[0]); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: events differ:\n fast %v\n slow %v", name, a, b)
		}
		var data map[string]any
		_ = fe[0].UnmarshalJSONField("data", &data)
		if data["code"] != fd.Code() || fe[0].GetString("action") != domain.EventReceive {
			t.Errorf("%s: event %v", name, fe[0].FieldsData())
		}
	}

	// Bad input: the same keyed field errors either way, and nothing written.
	bad := map[string]struct {
		body  string
		field string
		key   string
	}{
		"id":      {testkit.IntakeBody(proc.Id, map[string]any{"applicant_id_number": "12345"}), "applicant_id_number", "error.id_number_invalid"},
		"long":    {testkit.IntakeBody(proc.Id, map[string]any{"applicant_name": strings.Repeat("Sơn ", 60)}), "applicant_name", "error.value_too_long"},
		"ticket":  {testkit.IntakeBody(proc.Id, map[string]any{"ticket": "nosuchticket123"}), "ticket", "error.value_not_found"},
		"papers":  {testkit.IntakeBody(proc.Id, map[string]any{"papers": []any{}}), "papers", "error.papers_missing"},
		"channel": {testkit.IntakeBody(proc.Id, map[string]any{"channel": "fax"}), "channel", "error.channel_invalid"},
	}
	before, _ := app.CountRecords(base.ColDossiers)
	for name, c := range bad {
		for path, res := range map[string]*httptest.ResponseRecorder{
			"fast": testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, c.body),
			"slow": doIntakeMultipart(mux, rec.Token, c.body),
		} {
			var out struct {
				Data map[string]base.FieldError `json:"data"`
			}
			_ = json.Unmarshal(res.Body.Bytes(), &out)
			fe := out.Data[c.field]
			if res.Code != http.StatusBadRequest || fe.Code != c.key || fe.Message == "" || fe.MessageKM == "" {
				t.Errorf("%s (%s): %d %s, want 400 with %s on %s", name, path, res.Code, res.Body, c.key, c.field)
			}
		}
	}
	if after, _ := app.CountRecords(base.ColDossiers); after != before {
		t.Errorf("refused intakes wrote %d dossiers", after-before)
	}

	// A field outside the form: PocketBase's path, server fields still the server's.
	res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, testkit.IntakeBody(proc.Id, map[string]any{"status": "done", "code": "X-1"}))
	if res.Code != http.StatusOK {
		t.Fatalf("extra fields: %d %s", res.Code, res.Body)
	}
	var got struct{ ID, Code, Status string }
	_ = json.Unmarshal(res.Body.Bytes(), &got)
	if got.Status != domain.StatusReceived || !codeFormat.MatchString(got.Code) {
		t.Errorf("extra fields: %+v", got)
	}
}

// TestIntakeCreateRateLimit: a create rate limit an administrator sets on
// dossiers holds for JSON intakes too (they then take PocketBase's path).
func TestIntakeCreateRateLimit(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	s := app.Settings()
	s.RateLimits.Enabled = true
	s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: "dossiers:create", MaxRequests: 2, Duration: 60})
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "limit.reception")
	body := testkit.IntakeBody(testkit.ProcByCode(t, app, "1.001193").Id, nil)
	var codes []int
	for i := 0; i < 3; i++ {
		codes = append(codes, testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, body).Code)
	}
	if codes[0] != http.StatusOK || codes[1] != http.StatusOK || codes[2] != http.StatusTooManyRequests {
		t.Errorf("three intakes under a 2-a-minute limit: %v", codes)
	}
}

// TestIntakeEditedCreateRule: when an administrator narrows the dossiers
// createRule in /_/, JSON intakes obey the edited rule (PocketBase's path).
func TestIntakeEditedCreateRule(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	col, err := app.FindCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		t.Fatal(err)
	}
	onlyField := `@request.auth.collectionName = "staff" && @request.auth.role = "field"`
	col.CreateRule = &onlyField
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "rule.reception")
	before, _ := app.CountRecords(base.ColDossiers)
	res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, testkit.IntakeBody(testkit.ProcByCode(t, app, "1.001193").Id, nil))
	after, _ := app.CountRecords(base.ColDossiers)
	if res.Code == http.StatusOK || after != before {
		t.Errorf("reception under a field-only rule: %d, %d dossiers written", res.Code, after-before)
	}
}
