//go:build !windows

package notify

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/sms/fakemodem"
)

// TestLeaderRoutes: who may see the SMS state and the outbox, what they see,
// and resend.
func TestLeaderRoutes(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	lead, rec, proc := r.staff(base.RoleLeader), r.staff(base.RoleReception), r.staff(base.RoleProcessor)
	su := testkit.SuperuserToken(t, r.app)
	r.fm.FailSends(21) // no credit
	d := r.intake(rec.Token, map[string]any{"sms_consent": true})
	r.drain()

	for _, url := range []string{"/api/motcua/sms/status", "/api/motcua/sms/outbox", "/api/motcua/sms/ports"} {
		for _, c := range []struct {
			name, token string
			want        int
		}{{"guest", "", 401}, {"reception", rec.Token, 403}, {"processor", proc.Token, 403}, {"leader", lead.Token, 200}, {"superuser", su, 200}} {
			if res := testkit.Do(r.mux, http.MethodGet, url, c.token, ""); res.Code != c.want {
				t.Errorf("GET %s (%s): %d, want %d", url, c.name, res.Code, c.want)
			}
		}
	}
	res := testkit.Do(r.mux, http.MethodGet, "/api/motcua/sms/status", lead.Token, "")
	var st statusView
	_ = json.Unmarshal(res.Body.Bytes(), &st)
	if st.Ready || st.Reason != "no_credit" || st.Waiting != 1 || st.Device != r.fm.Path() || st.SIM != "ready" || !st.SignalKnown {
		t.Errorf("status: %s", res.Body.String())
	}
	res = testkit.Do(r.mux, http.MethodGet, "/api/motcua/sms/outbox", lead.Token, "")
	var list struct {
		Items []outboxItem `json:"items"`
	}
	_ = json.Unmarshal(res.Body.Bytes(), &list)
	if len(list.Items) != 1 || list.Items[0].Code != d.Code() || list.Items[0].Status != statusFailed || list.Items[0].Reason != "no_credit" ||
		list.Items[0].Phone != "091***5678" || !list.Items[0].Resend {
		t.Fatalf("outbox: %s", res.Body.String())
	}
	if strings.Contains(res.Body.String(), "0912345678") {
		t.Error("the outbox list shows the whole number")
	}
	if res := testkit.Do(r.mux, http.MethodGet, "/api/motcua/sms/outbox?status=nope", lead.Token, ""); res.Code != 400 || testkit.ErrKey(res.Body.Bytes()) != "error.sms_status_invalid" {
		t.Errorf("bad status filter: %d %s", res.Code, res.Body.String())
	}
	// The SIM gets credit; the leader resends rather than wait for the retry.
	r.fm.FailSends(0)
	id := list.Items[0].ID
	if res := testkit.Do(r.mux, http.MethodPost, "/api/motcua/sms/outbox/"+id+"/resend", rec.Token, ""); res.Code != 403 {
		t.Errorf("reception resend: %d", res.Code)
	}
	if res := testkit.Do(r.mux, http.MethodPost, "/api/motcua/sms/outbox/nope/resend", lead.Token, ""); res.Code != 404 {
		t.Errorf("resend unknown: %d", res.Code)
	}
	if res := testkit.Do(r.mux, http.MethodPost, "/api/motcua/sms/outbox/"+id+"/resend", lead.Token, ""); res.Code != 200 {
		t.Fatalf("resend: %d %s", res.Code, res.Body.String())
	}
	if res := testkit.Do(r.mux, http.MethodPost, "/api/motcua/sms/outbox/"+id+"/resend", lead.Token, ""); res.Code != 409 {
		t.Errorf("resend a pending notice: %d", res.Code)
	}
	r.drain()
	if ms := r.messages(); len(ms) != 1 || !strings.Contains(ms[0].Text, d.Code()) {
		t.Fatalf("after resend: %d messages", len(ms))
	}
	if row := r.rows()[0]; row.GetString("status") != statusSent || !strings.HasPrefix(row.GetString("resent_by"), "Cán bộ sms-leader") {
		t.Errorf("after resend: %s by %q", row.GetString("status"), row.GetString("resent_by"))
	}
	// The dashboard's panel is the same view.
	found := false
	for _, p := range domain.Panels(r.app) {
		if p.Name == "sms" {
			found = true
			v, err := p.Build(r.app, time.Now())
			if err != nil || v.(*statusView).SentToday != 1 {
				t.Errorf("panel: %v %+v", err, v)
			}
		}
	}
	if !found {
		t.Error("no sms dashboard panel")
	}
}

// TestSettingsRecord: leaders read and change the settings through the
// record API but never see nor set the PIN and the gateway's secrets; the
// office's own texts are checked when saved and used once saved.
func TestSettingsRecord(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	r.settings(map[string]any{"modem_pin": "1234", "gateway_headers": map[string]string{"X-Key": "hush"}, "gateway_body": "k=hush2"})
	lead, rec := r.staff(base.RoleLeader), r.staff(base.RoleReception)
	su := testkit.SuperuserToken(t, r.app)
	s, _ := findSettingsRecord(r.app)
	url := "/api/collections/sms_settings/records/" + s.Id
	res := testkit.Do(r.mux, http.MethodGet, url, lead.Token, "")
	if res.Code != 200 || strings.Contains(res.Body.String(), "1234") || strings.Contains(res.Body.String(), "hush") || strings.Contains(res.Body.String(), "modem_pin") {
		t.Fatalf("leader view: %d %s", res.Code, res.Body.String())
	}
	if res := testkit.Do(r.mux, http.MethodGet, url, rec.Token, ""); res.Code == 200 {
		t.Errorf("reception reads the settings: %d", res.Code)
	}
	if res := testkit.Do(r.mux, http.MethodGet, url, su, ""); !strings.Contains(res.Body.String(), `"modem_pin":"1234"`) {
		t.Errorf("superuser view lacks the PIN: %s", res.Body.String())
	}
	// A leader cannot set the PIN (PocketBase drops hidden fields).
	if res := testkit.Do(r.mux, http.MethodPatch, url, lead.Token, `{"modem_pin":"9999"}`); res.Code != 200 {
		t.Fatalf("patch: %d %s", res.Code, res.Body.String())
	}
	if s, _ := findSettingsRecord(r.app); s.GetString("modem_pin") != "1234" {
		t.Errorf("a leader changed the PIN to %q", s.GetString("modem_pin"))
	}
	bad := []struct{ body, field, key string }{
		{`{"texts":{"received":{"vi":"Ho so cua {name}"}}}`, "texts", "error.sms_text_placeholder"},
		{`{"texts":{"received":{"vi":"Ho so da nhan"}}}`, "texts", "error.sms_text_needs_code"},
		{`{"texts":{"refused":{"km":"{code} ` + strings.Repeat("សូមអភ័យទោស។ ", 30) + `"}}}`, "texts", "error.sms_text_too_long"},
		{`{"texts":{"nope":{"vi":"{code}"}}}`, "texts", "error.sms_kind_invalid"},
		{`{"texts":{"received":{"fr":"{code}"}}}`, "texts", "error.sms_language_invalid"},
		{`{"send_from":"21:00","send_until":"07:00"}`, "send_until", "error.sms_hours_invalid"},
		{`{"send_from":"7h"}`, "send_from", "error.sms_hours_invalid"},
	}
	for _, b := range bad {
		res := testkit.Do(r.mux, http.MethodPatch, url, lead.Token, b.body)
		var e struct {
			Data map[string]struct {
				Code      string `json:"code"`
				MessageKM string `json:"message_km"`
			} `json:"data"`
		}
		_ = json.Unmarshal(res.Body.Bytes(), &e)
		if res.Code != 400 || e.Data[b.field].Code != b.key || e.Data[b.field].MessageKM == "" {
			t.Errorf("PATCH %.60s: %d %s, want %s on %s", b.body, res.Code, res.Body.String(), b.key, b.field)
		}
	}
	own := `{"texts":{"received":{"vi":"UBND xa: ho so {code} da nhan, hen {due}. Cam on!","km":"ឃុំ៖ ឯកសារ {code} បានទទួល ណាត់ {due}។"}}}`
	if res := testkit.Do(r.mux, http.MethodPatch, url, lead.Token, own); res.Code != 200 {
		t.Fatalf("own texts: %d %s", res.Code, res.Body.String())
	}
	d := r.intake(rec.Token, map[string]any{"sms_consent": true, "sms_language": "km"})
	r.drain()
	if ms := r.messages(); len(ms) != 1 || ms[0].Text != "ឃុំ៖ ឯកសារ "+d.Code()+" បានទទួល ណាត់ "+domain.TimeText(d.DueAt())+"។" {
		t.Fatalf("with the office's text: %+v", ms)
	}
}

// TestEnqueueAPI is the contract other capabilities rely on
// (domain.EnqueueSMS): keyed once, held back until NotBefore, cancelled,
// refused with a keyed error for a bad number.
func TestEnqueueAPI(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	now := time.Date(2026, 8, 20, 10, 0, 0, 0, base.Zone)
	r.setClock(now)
	n := domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "+84 98 765 4321", Language: "km",
		Values:    map[string]string{"date": "21/08/2026", "site": "សាលាបឋមសិក្សាតាលៀម", "hours": "07:30-11:00"},
		Key:       "visit:v1:0987654321",
		NotBefore: time.Date(2026, 8, 20, 16, 0, 0, 0, base.Zone),
	}
	if ok, err := domain.EnqueueSMS(r.app, n); !ok || err != nil {
		t.Fatalf("enqueue: %v %v", ok, err)
	}
	if ok, err := domain.EnqueueSMS(r.app, n); ok || err != nil {
		t.Fatalf("enqueue twice: %v %v", ok, err)
	}
	if wait := r.drain(); wait != 6*time.Hour || len(r.messages()) != 0 {
		t.Fatalf("before NotBefore: wait %v, %d sent", wait, len(r.messages()))
	}
	r.setClock(n.NotBefore)
	r.drain()
	ms := r.messages()
	if len(ms) != 1 || ms[0].To != "+84987654321" || !strings.Contains(ms[0].Text, "សាលាបឋមសិក្សាតាលៀម") || !strings.Contains(ms[0].Text, "ថ្ងៃស្អែក 21/08/2026") {
		t.Fatalf("visit reminder: %+v", ms)
	}
	n.Key, n.NotBefore = "visit:v2:0987654321", time.Time{}
	n.Expires = now.Add(48 * time.Hour)
	r.fm.Unplug()
	if ok, _ := domain.EnqueueSMS(r.app, n); !ok {
		t.Fatal("second visit not queued")
	}
	if c, err := domain.CancelSMS(r.app, n.Key); c != 1 || err != nil {
		t.Fatalf("cancel: %d %v", c, err)
	}
	for _, bad := range []domain.SMSNotice{
		{Kind: domain.NoticeVisit, Phone: "0292 3 853 123"},
		{Kind: domain.NoticeVisit, Phone: "0912345678", Language: "fr"},
		{Kind: "party", Phone: "0912345678"},
	} {
		if _, err := domain.EnqueueSMS(r.app, bad); err == nil || !strings.Contains(err.Error(), "") {
			t.Errorf("%+v: no error", bad)
		}
	}
	r.settings(map[string]any{"kinds": []string{"received"}})
	n.Key = "visit:v3"
	if ok, err := domain.EnqueueSMS(r.app, n); ok || err != nil {
		t.Errorf("visit switched off: %v %v", ok, err)
	}
}
