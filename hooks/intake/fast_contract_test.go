package intake

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// fastPathSkips are the hooks PocketBase fires for a stock record create that
// the fast path does not, for the dossier and for its event. Every handler on
// them is a handler the fast path skips (pinned in the hooks package).
var fastPathSkips = []string{
	"OnModelCreate", "OnModelCreateExecute", "OnModelValidate",
	"OnRecordCreate", "OnRecordCreateExecute", "OnRecordValidate",
	"OnRecordCreateRequest",
}

// TestFastPathFiresWhatStockFires pins the difference between the hooks
// PocketBase fires for one intake through its record create (a multipart
// body) and for the same intake through the fast path (JSON): the fast path
// fires the after-create hooks (realtime, the admin UI) and the enrich hook
// (hidden fields, the lookup key) exactly as often, and skips only the hooks
// in fastPathSkips. A change on either side fails here first. (The handlers
// bound on the skipped hooks are pinned by hooks.TestFastPathHandlersPinned.)
func TestFastPathFiresWhatStockFires(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "contract.reception")
	proc := testkit.ProcByCode(t, app, "1.001193")
	body := testkit.IntakeBody(proc.Id, nil)

	app.ResetEventCalls()
	if res := doIntakeMultipart(mux, rec.Token, body); res.Code != http.StatusOK {
		t.Fatalf("stock intake: %d %s", res.Code, res.Body)
	}
	stock := maps.Clone(app.EventCalls)
	app.ResetEventCalls()
	if res := testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, body); res.Code != http.StatusOK {
		t.Fatalf("fast intake: %d %s", res.Code, res.Body)
	}
	fast := maps.Clone(app.EventCalls)

	var skipped, extra, differ []string
	for name, n := range stock {
		m, ok := fast[name]
		switch {
		case !ok:
			skipped = append(skipped, name)
		case m != n:
			differ = append(differ, name)
		}
	}
	for name := range fast {
		if _, ok := stock[name]; !ok {
			extra = append(extra, name)
		}
	}
	slices.Sort(skipped)
	want := slices.Clone(fastPathSkips)
	slices.Sort(want)
	if !slices.Equal(skipped, want) {
		t.Errorf("the fast path skips %v; pinned %v (stock fired %v)", skipped, want, stock)
	}
	if len(extra) > 0 || len(differ) > 0 {
		t.Errorf("the fast path fires hooks a stock create does not (%v) or a different number of times (%v):\n stock %v\n fast  %v",
			extra, differ, stock, fast)
	}
	for _, after := range []string{"OnModelAfterCreateSuccess", "OnRecordAfterCreateSuccess", "OnRecordEnrich"} {
		if fast[after] == 0 {
			t.Errorf("the fast path never fired %s", after)
		}
	}
}
