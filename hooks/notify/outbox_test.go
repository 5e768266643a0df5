//go:build !windows

package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/sms/fakemodem"
	"motcua/hooks/sms/pdu"
	"motcua/hooks/sms/transport"
)

// intake takes a dossier in over HTTP with the SMS fields of over.
func (r *rig) intake(token string, over map[string]any) *domain.Dossier {
	r.t.Helper()
	proc := testkit.ProcByCode(r.t, r.app, "1.001193")
	res := testkit.Do(r.mux, http.MethodPost, testkit.DossiersURL, token, testkit.IntakeBody(proc.Id, over))
	if res.Code != http.StatusOK {
		r.t.Fatalf("intake: %d %s", res.Code, res.Body.String())
	}
	var out struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	d, err := domain.FindDossier(r.app, out.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return d
}

// act runs a workflow action over HTTP.
func (r *rig) act(token, id, action string, body map[string]any) {
	r.t.Helper()
	b, _ := json.Marshal(body)
	res := testkit.Do(r.mux, http.MethodPost, "/api/motcua/dossiers/"+id+"/actions/"+action, token, string(b))
	if res.Code != http.StatusOK {
		r.t.Fatalf("%s: %d %s", action, res.Code, res.Body.String())
	}
}

// TestDossierNoticesOverTheModem follows two dossiers of a citizen who asked
// for SMS in Khmer and one in Vietnamese through every step that gives a
// notice; each SMS is decoded from the PDUs the modem received and compared
// with the text meant, and none holds the ID number or the address.
func TestDossierNoticesOverTheModem(t *testing.T) {
	t.Parallel()
	for _, lang := range noticeLanguages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, fakemodem.Options{})
			rec, proc, lead := r.staff(base.RoleReception), r.staff(base.RoleProcessor), r.staff(base.RoleLeader)
			d := r.intake(rec.Token, map[string]any{"sms_consent": true, "sms_language": lang})
			r.act(rec.Token, d.Id, "assign", map[string]any{"assignee": proc.Record.Id}) // gives no notice
			r.act(proc.Token, d.Id, "request_supplement", map[string]any{"missing_papers": []string{"Giấy chứng sinh (bản chính)"}})
			r.act(rec.Token, d.Id, "supplement_received", nil) // gives no notice
			r.act(lead.Token, d.Id, "extend", map[string]any{"new_due_at": time.Now().Add(20 * 24 * time.Hour).Format(time.RFC3339), "reason": "Chờ xác minh"})
			r.act(proc.Token, d.Id, "complete", nil)
			r.act(rec.Token, d.Id, "return", map[string]any{"collected_by": "Thạch Thị Sa Ry", "collector_id_number": "079203001234"})
			d2 := r.intake(rec.Token, map[string]any{"sms_consent": true, "sms_language": lang})
			r.act(rec.Token, d2.Id, "assign", map[string]any{"assignee": proc.Record.Id})
			r.act(proc.Token, d2.Id, "refuse", map[string]any{"reason": "Không thuộc thẩm quyền của xã"})
			r.drain()

			rows := r.rows()
			wantKinds := []string{"received", "supplement", "extended", "ready", "returned", "received", "refused"}
			if len(rows) != len(wantKinds) {
				t.Fatalf("%d notices, want %d", len(rows), len(wantKinds))
			}
			msgs := r.messages()
			if len(msgs) != len(rows) {
				t.Fatalf("the modem got %d messages for %d notices", len(msgs), len(rows))
			}
			for i, row := range rows {
				if row.GetString("kind") != wantKinds[i] || row.GetString("status") != statusSent {
					t.Errorf("notice %d: %s %s (%s), want %s sent", i, row.GetString("kind"), row.GetString("status"), row.GetString("reason"), wantKinds[i])
				}
				m := msgs[i]
				if m.Text != row.GetString("text") || m.To != "+84912345678" {
					t.Errorf("notice %d: modem got %q to %s, meant %q", i, m.Text, m.To, row.GetString("text"))
				}
				if m.Parts > maxParts || m.Parts != row.GetInt("parts_sent") {
					t.Errorf("notice %d: %d parts, row says %d", i, m.Parts, row.GetInt("parts_sent"))
				}
				wantEnc := pdu.GSM7
				if lang == "km" {
					wantEnc = pdu.UCS2
				}
				if m.Encoding != wantEnc {
					t.Errorf("notice %d: %v, want %v", i, m.Encoding, wantEnc)
				}
				code := d.Code()
				if i >= 5 {
					code = d2.Code()
				}
				if !strings.Contains(m.Text, code) {
					t.Errorf("notice %d lacks the code %s: %q", i, code, m.Text)
				}
				for _, secret := range []string{"079203001234", "352123456", "Ấp Mỹ Hòa", "Ap My Hoa", d.LookupKey()} {
					if strings.Contains(m.Text, secret) {
						t.Errorf("notice %d names %q: %q", i, secret, m.Text)
					}
				}
			}
			if lang == "vi" {
				for i, want := range map[int]string{0: "da duoc tiep nhan", 1: "Giay chung sinh (ban chinh)", 2: "Xin loi", 3: "da co ket qua", 6: "Khong thuoc tham quyen cua xa"} {
					if !strings.Contains(msgs[i].Text, want) {
						t.Errorf("vi notice %d lacks %q: %q", i, want, msgs[i].Text)
					}
				}
			} else {
				for i, want := range map[int]string{0: "ត្រូវបានទទួលហើយ", 2: "សូមអភ័យទោស", 3: "មានលទ្ធផលហើយ", 6: "មិនត្រូវបានដោះស្រាយ"} {
					if !strings.Contains(msgs[i].Text, want) {
						t.Errorf("km notice %d lacks %q: %q", i, want, msgs[i].Text)
					}
				}
			}
		})
	}
}

// TestNoSMSWithoutConsent: no consent, SMS off, a kind switched off: nothing
// is queued; and intake never waits for SMS (it answers with the modem gone).
func TestNoSMSWithoutConsent(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	rec := r.staff(base.RoleReception)
	r.intake(rec.Token, map[string]any{"sms_consent": false, "sms_language": "km"})
	r.intake(rec.Token, nil)
	r.settings(map[string]any{"kinds": []string{"ready", "refused"}})
	r.intake(rec.Token, map[string]any{"sms_consent": true})
	r.settings(map[string]any{"kinds": domain.NoticeKinds, "enabled": false})
	r.intake(rec.Token, map[string]any{"sms_consent": true})
	r.fm.Unplug()
	r.settings(map[string]any{"enabled": true})
	d := r.intake(rec.Token, map[string]any{"sms_consent": true, "sms_language": "km"}) // the modem is gone: intake answers
	rows := r.rows()
	if len(rows) != 1 || rows[0].GetString("dossier") != d.Id || rows[0].GetString("language") != "km" {
		t.Fatalf("want only the last dossier's notice, got %d rows", len(rows))
	}
	r.drain()
	if st := r.rows()[0]; st.GetString("status") != statusFailed || st.GetString("reason") != string(transport.ReasonUnplugged) {
		t.Errorf("unplugged: %s %s", st.GetString("status"), st.GetString("reason"))
	}
	if len(r.messages()) != 0 {
		t.Error("sent without consent")
	}
}

// TestRolledBackActionSendsNothing: an event written in a transaction that
// rolls back queues no notice.
func TestRolledBackActionSendsNothing(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	rec := r.staff(base.RoleReception)
	d := r.intake(rec.Token, map[string]any{"sms_consent": true})
	r.drain()
	errRollback := errors.New("roll back")
	err := r.app.RunInTransaction(func(tx core.App) error {
		if _, err := domain.AppendEvent(tx, d, domain.Event{Action: domain.ActionRefuse, From: "received", To: "refused",
			Data: map[string]any{"reason": "x"}}); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	r.drain()
	if rows := r.rows(); len(rows) != 1 || rows[0].GetString("kind") != "received" {
		t.Fatalf("rows after a rollback: %d", len(rows))
	}
	if n := len(r.messages()); n != 1 {
		t.Fatalf("%d messages", n)
	}
}

// TestModemFaults: each fault keeps the notice queued with the modem's
// reason (the status says it for the dashboard) and, once cured, the notice
// goes out exactly once.
func TestModemFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   fakemodem.Options
		pin    string
		break_ func(fm *fakemodem.Modem)
		cure   func(r *rig)
		want   transport.Reason
	}{
		{"no SIM", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.SetSIM(fakemodem.SIMAbsent) },
			func(r *rig) { r.fm.SetSIM(fakemodem.SIMReady) }, transport.ReasonNoSIM},
		{"no signal", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.SetSignal(99); fm.SetRegistration(0) },
			func(r *rig) { r.fm.SetSignal(20); r.fm.SetRegistration(1) }, transport.ReasonNoSignal},
		{"not registered", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.SetRegistration(3) },
			func(r *rig) { r.fm.SetRegistration(1) }, transport.ReasonNotRegistered},
		{"PIN not set", fakemodem.Options{PIN: "2468"}, "", func(fm *fakemodem.Modem) {},
			func(r *rig) { r.settings(map[string]any{"modem_pin": "2468"}) }, transport.ReasonSIMPIN},
		{"wrong PIN", fakemodem.Options{PIN: "2468"}, "1111", func(fm *fakemodem.Modem) {},
			func(r *rig) { r.settings(map[string]any{"modem_pin": "2468"}) }, transport.ReasonWrongPIN},
		{"no credit", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.FailSends(21) },
			func(r *rig) { r.fm.FailSends(0) }, transport.ReasonNoCredit},
		{"network", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.FailNextSend(42) },
			func(r *rig) {}, transport.ReasonNetwork},
		{"no SMSC", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.FailSends(330) },
			func(r *rig) { r.fm.FailSends(0) }, transport.ReasonNoSMSC},
		{"unplugged", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.Unplug() },
			func(r *rig) {
				if err := r.fm.Replug(); err != nil {
					r.t.Fatal(err)
				}
			}, transport.ReasonUnplugged},
		{"hung", fakemodem.Options{}, "", func(fm *fakemodem.Modem) { fm.Hang(true) },
			func(r *rig) { r.fm.Hang(false) }, transport.ReasonTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, tc.opts)
			if tc.pin != "" {
				r.settings(map[string]any{"modem_pin": tc.pin})
			}
			now := time.Date(2026, 8, 18, 9, 0, 0, 0, base.Zone)
			r.setClock(now)
			tc.break_(r.fm)
			if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0912345678", Language: "km",
				Values: map[string]string{"date": "19/08/2026", "site": "Điểm trường Tà Liêm", "hours": "07:30-11:00"}}); err != nil {
				t.Fatal(err)
			}
			wait := r.drain()
			row := r.rows()[0]
			if row.GetString("status") != statusFailed || row.GetString("reason") != string(tc.want) {
				t.Fatalf("status %s reason %s (%s), want failed %s", row.GetString("status"), row.GetString("reason"), row.GetString("error"), tc.want)
			}
			if wait < firstBackoff-time.Second || row.GetDateTime("next_try").Time().Sub(now) != firstBackoff {
				t.Errorf("wait %v, next try %v", wait, row.GetDateTime("next_try").Time())
			}
			v, err := buildStatus(r.app, now)
			if err != nil {
				t.Fatal(err)
			}
			if v.Ready || v.Reason != string(tc.want) || v.Waiting != 1 || v.LastReason != string(tc.want) {
				t.Errorf("dashboard: ready %v reason %q waiting %d last %q", v.Ready, v.Reason, v.Waiting, v.LastReason)
			}
			for _, lang := range []string{"vi", "km"} {
				if txt := i18n.T(lang, reasonKey(v.Reason)); txt == reasonKey(v.Reason) {
					t.Errorf("no %s words for %s", lang, v.Reason)
				}
			}
			// Not before its time, however often the worker looks.
			r.drain()
			if n := len(r.messages()); n != 0 {
				t.Fatalf("%d messages while broken", n)
			}
			tc.cure(r)
			r.setClock(now.Add(time.Hour))
			r.drain()
			row = r.rows()[0]
			if row.GetString("status") != statusSent {
				t.Fatalf("after the cure: %s %s (%s)", row.GetString("status"), row.GetString("reason"), row.GetString("error"))
			}
			if n := len(r.messages()); n != 1 {
				t.Fatalf("%d messages after the cure, want 1", n)
			}
		})
	}
}

// TestWrongPINNotRetried: the SIM refused the PIN; the worker never enters
// it again by itself (three wrong PINs lock the SIM) until a new one is set.
func TestWrongPINNotRetried(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{PIN: "2468"})
	r.settings(map[string]any{"modem_pin": "1111"})
	now := time.Date(2026, 8, 18, 9, 0, 0, 0, base.Zone)
	r.setClock(now)
	if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0912345678", Values: map[string]string{"site": "x", "date": "y"}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		r.setClock(now.Add(time.Duration(i) * time.Hour))
		r.drain()
	}
	tries := 0
	for _, c := range r.fm.Commands() {
		if strings.HasPrefix(c, "AT+CPIN=") {
			tries++
		}
	}
	if tries != 1 {
		t.Fatalf("the PIN was entered %d times, want once", tries)
	}
}

// TestMultipartKhmerAndCutOff: a long Khmer notice goes as concatenated
// UCS-2 parts and is joined again; a send cut off after the first part
// leaves the rest, and the next try sends only what the phone has not had.
func TestMultipartKhmerAndCutOff(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	vals := longestValues(t, "km")
	vals["code"] = "000.00.07.H60-260818-0001"
	delete(vals, "link")
	r.fm.FailAfter(1, 42)
	if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeRefused, Phone: "0912345678", Language: "km", Values: vals}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	row := r.rows()[0]
	full := row.GetString("text")
	if row.GetInt("parts") != 3 {
		t.Fatalf("%d parts, want the longest Khmer notice in 3", row.GetInt("parts"))
	}
	if row.GetString("status") != statusFailed || row.GetInt("parts_sent") != 1 {
		t.Fatalf("after the cut: %s, %d parts sent", row.GetString("status"), row.GetInt("parts_sent"))
	}
	r.setClock(time.Now().Add(time.Hour))
	r.drain()
	parts := r.fm.Parts()
	var got strings.Builder
	for _, p := range parts {
		if p.Submit.Concat != nil && p.Submit.Concat.Seq == 2 && p.Submit.Concat.Total == 3 && p.Submit.Concat.Ref == parts[0].Submit.Concat.Ref {
			continue // the refused second part of the first try
		}
		got.WriteString(p.Submit.Text)
	}
	if got.String() != full {
		t.Fatalf("the phone got\n%q\nmeant\n%q", got.String(), full)
	}
	if n := strings.Count(got.String(), vals["code"]); n != 1 {
		t.Errorf("the code arrived %d times", n)
	}
	if st := r.rows()[0].GetString("status"); st != statusSent {
		t.Errorf("status %s", st)
	}
}

// TestMaybeSentNotRetried: a modem that takes the message and never answers
// may have sent it: the notice is not sent again by itself.
func TestMaybeSentNotRetried(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	r.fm.MuteSends(true)
	if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0912345678", Values: map[string]string{"site": "x", "date": "y"}}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	r.fm.MuteSends(false)
	r.setClock(time.Now().Add(2 * time.Hour))
	r.drain()
	row := r.rows()[0]
	submits := 0
	for _, c := range r.fm.Commands() {
		if strings.HasPrefix(c, "AT+CMGS=") {
			submits++
		}
	}
	if row.GetString("status") != statusMaybeSent || submits != 1 {
		t.Fatalf("status %s, %d AT+CMGS", row.GetString("status"), submits)
	}
}

// TestDailyCap: the cap counts SMS since midnight; what is over waits for
// the next morning.
func TestDailyCap(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	r.settings(map[string]any{"daily_cap": 2, "send_from": "07:00", "send_until": "20:00"})
	day := time.Date(2026, 8, 18, 15, 0, 0, 0, base.Zone)
	r.setClock(day)
	for i := 0; i < 3; i++ {
		if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0912345678",
			Values: map[string]string{"site": fmt.Sprint("Ap ", i), "date": "19/08/2026"}}); err != nil {
			t.Fatal(err)
		}
	}
	wait := r.drain()
	if n := len(r.messages()); n != 2 {
		t.Fatalf("%d sent under a cap of 2", n)
	}
	want := time.Date(2026, 8, 19, 7, 0, 0, 0, base.Zone).Sub(day)
	if wait != want {
		t.Errorf("waits %v, want %v (tomorrow 07:00)", wait, want)
	}
	v, _ := buildStatus(r.app, day)
	if !v.CapHit || v.PartsToday != 2 || v.SentToday != 2 || v.Waiting != 1 {
		t.Errorf("dashboard: cap %v parts %d sent %d waiting %d", v.CapHit, v.PartsToday, v.SentToday, v.Waiting)
	}
	r.setClock(day.Add(8 * time.Hour)) // 23:00: still today
	r.drain()
	r.setClock(time.Date(2026, 8, 19, 7, 0, 0, 0, base.Zone))
	r.drain()
	if n := len(r.messages()); n != 3 {
		t.Fatalf("%d sent the next morning, want 3", n)
	}
}

// TestQuietHours: nothing goes out at night; the first notice of the night
// goes at the start of the sending hours, in order.
func TestQuietHours(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	r.settings(map[string]any{"send_from": "07:00", "send_until": "20:00"})
	night := time.Date(2026, 8, 18, 22, 30, 0, 0, base.Zone)
	r.setClock(night)
	for _, site := range []string{"first", "second"} {
		if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0912345678", Values: map[string]string{"site": site, "date": "19/08/2026"}}); err != nil {
			t.Fatal(err)
		}
	}
	wait := r.drain()
	if want := time.Date(2026, 8, 19, 7, 0, 0, 0, base.Zone).Sub(night); wait != want || len(r.messages()) != 0 {
		t.Fatalf("at 22:30: wait %v (want %v), %d sent", wait, want, len(r.messages()))
	}
	r.setClock(time.Date(2026, 8, 19, 6, 59, 0, 0, base.Zone))
	r.drain()
	if len(r.messages()) != 0 {
		t.Fatal("sent at 06:59")
	}
	if v, _ := buildStatus(r.app, base.Now(r.app)); !v.Quiet {
		t.Error("the dashboard does not say it is quiet time")
	}
	r.setClock(time.Date(2026, 8, 19, 7, 0, 0, 0, base.Zone))
	r.drain()
	ms := r.messages()
	if len(ms) != 2 || !strings.Contains(ms[0].Text, "first") || !strings.Contains(ms[1].Text, "second") {
		t.Fatalf("in the morning: %d messages", len(ms))
	}
}

// TestExpiredGivenUp: a notice not sent by its expiry is given up.
func TestExpiredGivenUp(t *testing.T) {
	t.Parallel()
	r := newRig(t, fakemodem.Options{})
	now := time.Date(2026, 8, 18, 9, 0, 0, 0, base.Zone)
	r.setClock(now)
	r.fm.Unplug()
	if _, err := enqueue(r.app, domain.SMSNotice{Kind: domain.NoticeVisit, Phone: "0912345678", Values: map[string]string{"site": "x", "date": "y"},
		Expires: now.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r.drain()
	if err := r.fm.Replug(); err != nil {
		t.Fatal(err)
	}
	r.setClock(now.Add(3 * time.Hour))
	r.drain()
	if row := r.rows()[0]; row.GetString("status") != statusGivenUp || row.GetString("reason") != reasonExpired || len(r.messages()) != 0 {
		t.Fatalf("%s %s, %d sent", row.GetString("status"), row.GetString("reason"), len(r.messages()))
	}
}
