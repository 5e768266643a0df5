package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// browserSignIn signs in on the start page as username, after signing out.
func browserSignIn(ctx context.Context, url, username string) error {
	steps := []chromedp.Action{
		chromedp.Navigate(url + "/"),
		// Let the page finish restoring any session, then sign out through it.
		chromedp.Poll(`!document.getElementById("start").classList.contains("hidden") || !document.getElementById("sign-in").classList.contains("hidden")`, nil),
		chromedp.Evaluate(`motcua.signOut()`, nil),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", username, chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
	}
	for i, s := range steps {
		c, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := chromedp.Run(c, s)
		cancel()
		if err != nil {
			return fmt.Errorf("sign-in step %d: %w", i, err)
		}
	}
	return nil
}

// browserAct opens the dossier page, clicks an action, fills its fields, submits
// and waits for the history to show the event.
func browserAct(ctx context.Context, url, id, action string, fields map[string]string, events int) error {
	tasks := chromedp.Tasks{
		chromedp.Navigate(url + "/dossier.html?id=" + id),
		chromedp.WaitVisible(fmt.Sprintf(`button.action[data-action="%s"]`, action), chromedp.ByQuery),
		chromedp.Click(fmt.Sprintf(`button.action[data-action="%s"]`, action), chromedp.ByQuery),
		chromedp.WaitVisible(`#action-form[data-action="`+action+`"]`, chromedp.ByQuery),
	}
	for f, v := range fields {
		tasks = append(tasks, chromedp.SetValue("#f-"+f, v, chromedp.ByQuery))
	}
	tasks = append(tasks,
		chromedp.Click("#action-submit", chromedp.ByQuery),
		chromedp.Poll(fmt.Sprintf(`document.querySelectorAll("#history tr.event").length === %d`, events), nil),
	)
	return chromedp.Run(ctx, tasks)
}

// TestBrowserDossierLife: reception assigns, the processor starts and asks for a
// supplement (form 02 prints with Khmer), reception records the papers, the
// processor completes, reception hands the result back (a wrong ID first shows
// the field error in the UI language), and form 06 lists every handoff.
func TestBrowserDossierLife(t *testing.T) {
	t.Parallel()
	f := newWFFixture(t)
	srv := httptest.NewServer(f.mux) // the fixture's routes are bound already
	t.Cleanup(srv.Close)
	url := srv.URL
	ctx := testkit.NewBrowser(t)
	if err := chromedp.Run(ctx); err != nil { // start the browser on the test's context
		t.Fatal(err)
	}
	// Reception takes the dossier in through the real intake route.
	res := testkit.Do(f.mux, http.MethodPost, testkit.DossiersURL, f.tokens["reception"], testkit.IntakeBody(testkit.ProcByCode(t, f.app, "1.001193").Id, nil))
	if res.Code != http.StatusOK {
		t.Fatalf("intake: %d %s", res.Code, res.Body.String())
	}
	var created struct{ ID string }
	_ = json.Unmarshal(res.Body.Bytes(), &created)
	d, err := domain.FindDossier(f.app, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	proc := f.staff["processor"].Record.Id
	// guestSees checks that the citizen's status page (as a guest, with the key
	// from the receipt) shows the dossier's current status.
	guestSees := func(status string) {
		t.Helper()
		res := testkit.Do(f.mux, http.MethodGet, "/tra-cuu/"+d.Code()+"?k="+d.LookupKey(), "", "")
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), i18n.T("vi", "track_status."+status)) ||
			!strings.Contains(res.Body.String(), i18n.T("km", "track_status."+status)) {
			t.Errorf("status page after %s: %d, lacks %q", status, res.Code, i18n.T("vi", "track_status."+status))
		}
	}
	guestSees(domain.StatusReceived)

	steps := []struct {
		user, action string
		fields       map[string]string
	}{
		{"wf.reception", domain.ActionAssign, map[string]string{"assignee": proc}},
		{"wf.processor", domain.ActionStart, nil},
		{"wf.processor", domain.ActionRequestSupplement, map[string]string{"missing_papers": "Bản sao Giấy chứng sinh\nXác nhận cư trú"}},
	}
	for i, s := range steps {
		if err := browserSignIn(ctx, url, s.user); err != nil {
			var dbg string
			c2, cancel := context.WithTimeout(ctx, 5*time.Second)
			_ = chromedp.Run(c2, chromedp.Evaluate(`location.href + " | " + document.getElementById("msg").textContent + " | " + document.getElementById("sign-in").className + " | " + localStorage.getItem("motcua_auth")`, &dbg))
			cancel()
			t.Fatalf("sign in %s: %v (%s)", s.user, err, dbg)
		}
		if err := browserAct(ctx, url, d.Id, s.action, s.fields, i+2); err != nil {
			t.Fatalf("%s by %s: %v", s.action, s.user, err)
		}
		cur, _ := domain.FindDossier(f.app, d.Id)
		guestSees(cur.Status())
	}
	var status, msg, form02 string
	var khmerFont bool
	err = chromedp.Run(ctx,
		chromedp.AttributeValue("#status", "data-status", &status, nil, chromedp.ByQuery),
		chromedp.Text("#msg", &msg, chromedp.ByQuery),
		chromedp.Click(`button.form-preview[data-form="02"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#print-area .form-02", chromedp.ByQuery),
		chromedp.Text("#print-area", &form02, chromedp.ByQuery),
		chromedp.Evaluate(`document.fonts.ready.then(() => {
			const el = document.querySelector('#print-area .form-title .km');
			return !!el && getComputedStyle(el).fontFamily.startsWith('"Noto Sans Khmer"') && document.fonts.check('16px "Noto Sans Khmer"', el.textContent);
		})`, &khmerFont, testkit.AwaitPromise),
	)
	if err != nil {
		t.Fatal(err)
	}
	if status != domain.StatusSupplementRequested {
		t.Errorf("status after the request = %q", status)
	}
	if want := i18n.T("vi", "workflow.done_ok", "action", i18n.T("vi", "action.request_supplement")); msg != want {
		t.Errorf("result message %q, want %q", msg, want)
	}
	for _, want := range []string{i18n.T("km", "form.title_02"), i18n.T("km", "form.motto_country"), i18n.T("km", "form.body_02"),
		"Bản sao Giấy chứng sinh", "Xác nhận cư trú", d.Code(), "Thạch Thị Sa Ry", "Độc lập - Tự do - Hạnh phúc"} {
		if !strings.Contains(form02, want) {
			t.Errorf("printed form 02 lacks %q", want)
		}
	}
	if !khmerFont {
		t.Error("form 02's Khmer title is not set in Noto Sans Khmer")
	}

	steps = []struct {
		user, action string
		fields       map[string]string
	}{
		{"wf.reception", domain.ActionSupplementReceived, nil},
		{"wf.processor", domain.ActionComplete, map[string]string{"note": "Đã ký giấy khai sinh"}},
	}
	for i, s := range steps {
		if err := browserSignIn(ctx, url, s.user); err != nil {
			t.Fatal(err)
		}
		if err := browserAct(ctx, url, d.Id, s.action, s.fields, i+5); err != nil {
			t.Fatalf("%s by %s: %v", s.action, s.user, err)
		}
		cur, _ := domain.FindDossier(f.app, d.Id)
		guestSees(cur.Status())
	}
	// Reception sees the result waiting in its work list, then hands it back.
	if err := browserSignIn(ctx, url, "wf.reception"); err != nil {
		t.Fatal(err)
	}
	var readyRows int
	err = chromedp.Run(ctx,
		chromedp.Navigate(url+"/work.html"),
		chromedp.WaitVisible("#list-ready", chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll('#list-ready tr[data-id="%s"]').length`, d.Id), &readyRows),
	)
	if err != nil || readyRows != 1 {
		t.Fatalf("reception's ready list shows the dossier %d times: %v", readyRows, err)
	}
	// A bad ID number: the field error appears in the UI language, nothing is saved.
	var fieldErr string
	err = chromedp.Run(ctx,
		chromedp.Navigate(url+"/dossier.html?id="+d.Id),
		chromedp.WaitVisible(`button.action[data-action="return"]`, chromedp.ByQuery),
		chromedp.Click(`button.action[data-action="return"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#f-collected_by", chromedp.ByQuery),
		chromedp.SetValue("#f-collected_by", "Lâm Thị Dol", chromedp.ByQuery),
		chromedp.SetValue("#f-collector_id_number", "12345", chromedp.ByQuery),
		chromedp.Click("#action-submit", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("e-collector_id_number").textContent.length > 0`, nil),
		chromedp.Text("#e-collector_id_number", &fieldErr, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if fieldErr != i18n.T("vi", "error.idcard_id_invalid") {
		t.Errorf("field error %q", fieldErr)
	}
	if err := browserAct(ctx, url, d.Id, domain.ActionReturn, map[string]string{"collected_by": "Lâm Thị Dol", "collector_id_number": "094199001234"}, 7); err != nil {
		t.Fatal(err)
	}
	var form06 string
	var rows int
	err = chromedp.Run(ctx,
		chromedp.AttributeValue("#status", "data-status", &status, nil, chromedp.ByQuery),
		chromedp.Click(`button.form-preview[data-form="06"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#print-area .form-06", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#print-area tr.slip-row").length`, &rows),
		chromedp.Text("#print-area", &form06, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if status != domain.StatusReturned {
		t.Errorf("final status %q", status)
	}
	guestSees(domain.StatusReturned)
	if rows != 7 { // receive, assign, start, request_supplement, supplement_received, complete, return
		t.Errorf("form 06 lists %d steps, want 7", rows)
	}
	for _, want := range []string{"Cán bộ wf.reception", "Cán bộ wf.processor", "Lâm Thị Dol", i18n.T("vi", "action.assign"),
		i18n.T("km", "action.assign"), i18n.T("vi", "action.receive"), i18n.T("vi", "action.return"), i18n.T("vi", "form.one_stop"), i18n.T("km", "form.title_06")} {
		if !strings.Contains(form06, want) {
			t.Errorf("form 06 lacks %q", want)
		}
	}
	evs, _ := domain.FindDossierEvents(f.app, d.Id)
	var got []string
	for _, ev := range evs {
		got = append(got, ev.GetString("action"))
	}
	if strings.Join(got, ",") != "receive,assign,start,request_supplement,supplement_received,complete,return" {
		t.Errorf("events %v", got)
	}
}
