package hooks

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/devseed"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestSynchronousFull reads the pragma back through the app's own connections,
// both pools, several connections each: a receipt's commit must reach the disk.
func TestSynchronousFull(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	pools := map[string]dbx.Builder{
		"concurrent":    app.ConcurrentDB(),
		"nonconcurrent": app.NonconcurrentDB(),
		"aux":           app.AuxConcurrentDB(),
	}
	for name, db := range pools {
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mode int
				if err := db.NewQuery("PRAGMA synchronous").Row(&mode); err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				if mode != 2 { // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
					t.Errorf("%s pool: synchronous = %d, want 2 (FULL)", name, mode)
				}
			}()
		}
		wg.Wait()
	}
	// Inside a transaction too: intake runs there.
	err := app.RunInTransaction(func(tx core.App) error {
		var mode int
		if err := tx.DB().NewQuery("PRAGMA synchronous").Row(&mode); err != nil {
			return err
		}
		if mode != 2 {
			t.Errorf("transaction: synchronous = %d, want 2", mode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDefaultArgs(t *testing.T) {
	t.Parallel()
	got := DefaultArgs([]string{"motcua.exe"})
	if strings.Join(got, " ") != "motcua.exe serve --http=0.0.0.0:8090" {
		t.Errorf("bare start: %v", got)
	}
	got = DefaultArgs([]string{"motcua", "serve", "--http=127.0.0.1:9000"})
	if strings.Join(got, " ") != "motcua serve --http=127.0.0.1:9000" {
		t.Errorf("explicit args changed: %v", got)
	}
}

// TestSeededCatalogue: the first start loads the office to complete, about twenty
// procedures with Khmer names and papers, and two years of holidays with the
// Khmer festivals present but switched off.
func TestSeededCatalogue(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	if n, _ := app.CountRecords(base.ColOffice); n != 1 {
		t.Errorf("office records = %d, want 1", n)
	}
	procs, err := app.FindRecordsByFilter(base.ColProcedures, "active = true", "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(procs) < 18 {
		t.Errorf("procedures = %d, want about 20", len(procs))
	}
	for _, p := range procs {
		if p.GetString("name_km") == "" || p.GetString("search") == "" || p.GetString("papers") == "" {
			t.Errorf("procedure %s incomplete: km=%q search=%q", p.GetString("code"), p.GetString("name_km"), p.GetString("search"))
		}
	}
	hols, err := app.FindRecordsByFilter(base.ColHolidays, "", "date", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	years := map[int]bool{}
	khmerOff := 0
	for _, h := range hols {
		years[h.GetDateTime("date").Time().Year()] = true
		if !h.GetBool("enabled") {
			khmerOff++
		}
	}
	if !years[2026] || !years[2027] {
		t.Errorf("holiday years = %v, want 2026 and 2027", years)
	}
	if khmerOff == 0 {
		t.Error("no switched-off (Khmer festival) holiday rows")
	}
}

// TestSeedDemoIdempotent: the demo seed makes one account per role (and the
// kiosk and TV accounts) once, prints passwords for new accounts only, and a
// second run changes nothing.
func TestSeedDemoIdempotent(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	var out bytes.Buffer
	if err := devseed.SeedDemo(app, &out); err != nil {
		t.Fatal(err)
	}
	first := out.String()
	if strings.Count(first, "password:") != 6 {
		t.Errorf("first run should print 6 passwords (4 staff, kiosk, TV):\n%s", first)
	}
	n1, _ := app.CountRecords(base.ColStaff)
	out.Reset()
	if err := devseed.SeedDemo(app, &out); err != nil {
		t.Fatal(err)
	}
	n2, _ := app.CountRecords(base.ColStaff)
	if n1 != 4 || n2 != 4 {
		t.Errorf("staff after runs: %d then %d, want 4 and 4", n1, n2)
	}
	if strings.Contains(out.String(), "password:") {
		t.Errorf("second run printed passwords:\n%s", out.String())
	}
	office, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(office.GetString("name_vi"), "demo") {
		t.Errorf("office after demo seed: %q", office.GetString("name_vi"))
	}
	// The printed password of the reception account signs in with its username.
	var password string
	for _, line := range strings.Split(first, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == base.RoleReception && f[2] == "password:" {
			password = f[3]
		}
	}
	mux := testkit.NewMux(t, app)
	body, _ := json.Marshal(map[string]string{"identity": "demo.reception", "password": password})
	if res := testkit.Do(mux, http.MethodPost, "/api/collections/staff/auth-with-password", "", string(body)); res.Code != http.StatusOK {
		t.Errorf("sign in with the printed password: %d %s", res.Code, res.Body.String())
	}
}

// TestOfficeRejectsBadSessions: a typo in the sessions cannot be saved.
func TestOfficeRejectsBadSessions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	su := testkit.SuperuserToken(t, app)
	office, _ := domain.FindOffice(app)
	url := "/api/collections/office/records/" + office.Id
	for _, body := range []string{
		`{"sessions":{"mon":[["11:30","07:00"]]}}`,
		`{"sessions":{"moon":[["07:00","11:30"]]}}`,
		`{"same_day_cutoff":"25:00"}`,
	} {
		res := testkit.Do(mux, http.MethodPatch, url, su, body)
		if res.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, res.Code)
		}
		var e struct{ Data map[string]base.FieldError }
		_ = json.Unmarshal(res.Body.Bytes(), &e)
		ok := false
		for _, fe := range e.Data {
			ok = ok || (strings.HasPrefix(fe.Code, "error.") && fe.MessageKM != "")
		}
		if !ok {
			t.Errorf("%s: no keyed bilingual field error in %s", body, res.Body.String())
		}
	}
}

// TestOfficeHeaderFollowsEdits: public pages keep the office's name in memory;
// an edit in /_/ shows on the next page.
func TestOfficeHeaderFollowsEdits(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	if body := testkit.Do(mux, http.MethodGet, "/thu-tuc", "", "").Body.String(); strings.Contains(body, "Xã Mỹ Hương mới") {
		t.Fatal("new name shown before the edit")
	}
	office, _ := domain.FindOffice(app)
	su := testkit.SuperuserToken(t, app)
	if res := testkit.Do(mux, http.MethodPatch, "/api/collections/office/records/"+office.Id, su, `{"name_vi":"Xã Mỹ Hương mới"}`); res.Code != http.StatusOK {
		t.Fatalf("edit office: %d %s", res.Code, res.Body.String())
	}
	if body := testkit.Do(mux, http.MethodGet, "/thu-tuc", "", "").Body.String(); !strings.Contains(body, "Xã Mỹ Hương mới") {
		t.Error("the public page still shows the old office name after an edit")
	}
}
