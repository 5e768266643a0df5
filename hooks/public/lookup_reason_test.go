package public

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestStatusPageRefusal: a dossier refused (or stopped) while it was being
// handled tells the citizen, in Vietnamese and Khmer, that it was refused and
// why, in the words the officer gave with the action; never "not received".
func TestStatusPageRefusal(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	clerk := testkit.MakeStaff(t, app, base.RoleReception, "rf.reception")
	processor := testkit.MakeStaff(t, app, base.RoleProcessor, "rf.processor")
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "rf.leader")
	act := func(token string, d *domain.Dossier, action, body string) {
		t.Helper()
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/dossiers/"+d.Id+"/actions/"+action, token, body)
		if res.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", action, res.Code, res.Body.String())
		}
	}
	for _, c := range []struct {
		action, reason, status string
	}{
		{domain.ActionRefuse, "Không thuộc thẩm quyền giải quyết của xã <b>", domain.StatusRefused},
		{domain.ActionStop, "Công dân đề nghị dừng để bổ sung giấy tờ khác", domain.StatusStopped},
	} {
		d := testkit.IntakeOne(t, app, mux, clerk.Token)
		act(clerk.Token, d, domain.ActionAssign, `{"assignee":"`+processor.Record.Id+`"}`)
		act(processor.Token, d, domain.ActionStart, `{}`)
		who := processor.Token
		if c.action == domain.ActionStop {
			who = leader.Token
		}
		act(who, d, c.action, `{"reason":"`+c.reason+`"}`)
		for _, lang := range []string{"vi", "km"} {
			res := testkit.Do(mux, http.MethodGet, "/tra-cuu/"+d.Code()+"?k="+d.LookupKey()+"&lang="+lang, "", "")
			body := res.Body.String()
			for _, want := range []string{
				i18n.T("vi", "track_status."+c.status), i18n.T("km", "track_status."+c.status),
				i18n.T("vi", "track_next."+c.status), i18n.T("km", "track_next."+c.status),
				i18n.T("vi", "lookup.closing_reason"), i18n.T("km", "lookup.closing_reason"),
				html.EscapeString(c.reason),
			} {
				if !strings.Contains(body, want) {
					t.Errorf("%s (%s): status page lacks %q", c.action, lang, want)
				}
			}
			if strings.Contains(body, "Không tiếp nhận") || strings.Contains(body, "មិនទទួលឯកសារ") || strings.Contains(body, "<b>") {
				t.Errorf("%s (%s): status page says not received, or an unescaped reason", c.action, lang)
			}
		}
	}
	// A dossier in hand shows no reason block.
	d := testkit.IntakeOne(t, app, mux, clerk.Token)
	res := testkit.Do(mux, http.MethodGet, "/tra-cuu/"+d.Code()+"?k="+d.LookupKey(), "", "")
	if strings.Contains(res.Body.String(), `id="reason"`) {
		t.Error("a received dossier shows a reason")
	}
}
