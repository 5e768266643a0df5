package backup

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"motcua/hooks/backupfmt"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestAutomaticBackupKeepsLatestAndLastN: each automatic backup becomes latest,
// the previous latest keeps its dated name, only the newest Keep stay, every
// kept folder checks out, and each run is recorded.
func TestAutomaticBackupKeepsLatestAndLastN(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	addDossiers(t, app, "260302", 5)
	dir := t.TempDir()
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", dir)
	office.Set("backup_keep", 3)
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	// A temp folder left by a power cut long ago is cleaned up.
	stale := filepath.Join(dir, backupfmt.TempPrefix+"motcua-20200101-000000-1")
	if err := os.Mkdir(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-7 * time.Hour)
	os.Chtimes(stale, old, old)

	var names []string
	for i := 0; i < 5; i++ {
		res, err := runAutomaticBackup(app, "schedule", nil)
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		names = append(names, res.Manifest.Name)
		if res.Dir != filepath.Join(dir, backupfmt.LatestName) {
			t.Errorf("run %d wrote %s, want latest", i, res.Dir)
		}
	}
	m, err := checkBackupOnly(filepath.Join(dir, backupfmt.LatestName), "", nil, nil)
	if err != nil || m.Name != names[4] || m.Counts[base.ColDossiers] != 5 {
		t.Fatalf("latest: %+v %v, want %s", m, err, names[4])
	}
	dated, _ := ListBackups(dir)
	if len(dated) != 2 {
		t.Errorf("kept %v beside latest, want the 2 newest (keep 3)", dated)
	}
	for _, n := range dated {
		if _, err := checkBackupOnly(filepath.Join(dir, n), "", nil, nil); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("stale temp folder not removed")
	}
	assertNothingLooksGood(t, dir)
	runs, _ := app.CountRecords(ColBackupRuns)
	if runs != 5 {
		t.Errorf("%d backup runs recorded, want 5", runs)
	}
}

// TestBackupStatus: the leader sees the last good backup and a warning when
// backups fail, are old or off; other roles and guests do not see it at all.
func TestBackupStatus(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "lanh.dao")
	reception := testkit.MakeStaff(t, app, base.RoleReception, "le.tan")
	su := testkit.SuperuserToken(t, app)
	mux := testkit.NewMux(t, app)
	status := func(token string) (int, backupStatus) {
		res := testkit.Do(mux, http.MethodGet, "/api/motcua/backup/status", token, "")
		var st backupStatus
		_ = json.Unmarshal(res.Body.Bytes(), &st)
		return res.Code, st
	}
	if code, _ := status(""); code != http.StatusUnauthorized {
		t.Errorf("guest: %d, want 401", code)
	}
	if code, _ := status(reception.Token); code != http.StatusForbidden {
		t.Errorf("reception: %d, want 403", code)
	}
	code, st := status(leader.Token)
	if code != http.StatusOK || !st.Warn || st.Reason != "never" || !st.Enabled || st.EveryHours != 6 || st.Keep != 7 {
		t.Errorf("no backup yet: %d %+v", code, st)
	}

	// A good backup: no warning.
	dir := t.TempDir()
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", dir)
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	if _, err := runAutomaticBackup(app, "schedule", nil); err != nil {
		t.Fatal(err)
	}
	code, st = status(su)
	if code != http.StatusOK || st.Reason != "ok" || st.LastOKAt == "" || st.LastSize == 0 || st.AgeHours > 0.1 || st.LastEncrypted {
		t.Errorf("after a good backup: %d %+v", code, st)
	}
	// Good, but not encrypted: the office has no backup key yet.
	if !st.Warn || len(st.Warnings) != 1 || st.Warnings[0].Key != "backup.warn_plain" || st.Warnings[0].Text["km"] == "" {
		t.Errorf("a plain backup without a warning: %+v", st.Warnings)
	}
	// With a backup key, a good backup leaves nothing to act on.
	giveKey(t, app)
	if _, err := runAutomaticBackup(app, "schedule", nil); err != nil {
		t.Fatal(err)
	}
	_, st = status(su)
	if st.Warn || st.Reason != "ok" || !st.LastEncrypted || st.LastFingerprint != st.Key.Fingerprint || !st.Key.Active {
		t.Errorf("after a good encrypted backup: %+v", st)
	}

	// The USB stick is pulled: the next run fails and the leader is warned.
	office.Set("backup_dir", filepath.Join(dir, "unplugged"))
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	if _, err := runAutomaticBackup(app, "schedule", nil); errorKey(err) != "backup.target_missing" {
		t.Fatalf("run to a missing folder: %v", err)
	}
	_, st = status(leader.Token)
	if !st.Warn || st.Reason != "failing" || st.LastErrorKey != "backup.target_missing" || st.LastOKAt == "" || st.LastError["km"] == "" {
		t.Errorf("after a failure: %+v", st)
	}

	// Old: the last good backup is more than twice the period ago.
	if _, err := readBackupStatus(app, time.Now()); err != nil {
		t.Fatal(err)
	}
	office.Set("backup_dir", dir)
	app.Save(office.Record)
	runAutomaticBackup(app, "schedule", nil)
	later, _ := readBackupStatus(app, time.Now().Add(13*time.Hour))
	if !later.Warn || later.Reason != "old" {
		t.Errorf("13 h later with a 6 h period: %+v", later)
	}

	// Off.
	office.Set("backup_every_hours", 0)
	app.Save(office.Record)
	_, st = status(leader.Token)
	if !st.Warn || st.Reason != "off" || st.Enabled {
		t.Errorf("backups off: %+v", st)
	}
}

// TestBackupDue: the schedule waits after start, runs a period after the last
// attempt, retries a failure sooner, and does nothing when off.
func TestBackupDue(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	now := time.Now()
	app.Store().Set(serveStartedStoreKey, now)
	check := func(at time.Time, want bool, what string) {
		t.Helper()
		got, err := backupDue(app, at)
		if err != nil || got != want {
			t.Errorf("%s: due=%v (%v), want %v", what, got, err, want)
		}
	}
	check(now.Add(time.Minute), false, "just started")
	check(now.Add(11*time.Minute), true, "started 11 min ago, never backed up")
	recordBackupRun(app, "schedule", "", &backupResult{Dir: "x/latest", Manifest: &backupfmt.Manifest{Name: "motcua-x"}, Took: time.Second}, nil)
	check(time.Now().Add(5*time.Hour), false, "5 h after a good backup")
	check(time.Now().Add(6*time.Hour+time.Minute), true, "6 h after a good backup")
	recordBackupRun(app, "schedule", "E:/", nil, opErr("backup.target_missing", nil, "dir", "E:/"))
	check(time.Now().Add(10*time.Minute), false, "10 min after a failure")
	check(time.Now().Add(31*time.Minute), true, "31 min after a failure")
	office, _ := domain.FindOffice(app)
	office.Set("backup_every_hours", 0)
	app.Save(office.Record)
	check(time.Now().Add(48*time.Hour), false, "off")
}

// TestBackupSettingsHidden: the office record is public, its backup settings
// are not.
func TestBackupSettingsHidden(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", `E:\motcua-backups`)
	app.Save(office.Record)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "lanh.dao")
	mux := testkit.NewMux(t, app)
	for _, token := range []string{"", leader.Token} {
		res := testkit.Do(mux, http.MethodGet, "/api/collections/office/records/"+office.Id, token, "")
		if res.Code != http.StatusOK {
			t.Fatalf("office view: %d", res.Code)
		}
		for _, f := range []string{"backup_dir", "backup_every_hours", "backup_keep", "motcua-backups"} {
			if strings.Contains(res.Body.String(), f) {
				t.Errorf("office record shows %s to a non-superuser: %s", f, res.Body.String())
			}
		}
	}
	res := testkit.Do(mux, http.MethodGet, "/api/collections/office/records/"+office.Id, testkit.SuperuserToken(t, app), "")
	if !strings.Contains(res.Body.String(), "backup_dir") {
		t.Errorf("superuser does not see backup_dir: %s", res.Body.String())
	}
}

// TestBrowserBackupCardForLeaders: a leader's start page shows the backup card
// with the failure in their language; a reception officer's has no card.
func TestBrowserBackupCardForLeaders(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	testkit.MakeStaff(t, app, base.RoleLeader, "browser.leader")
	testkit.MakeStaff(t, app, base.RoleReception, "browser.reception")
	recordBackupRun(app, "schedule", `E:\backups`, nil, opErr("backup.target_missing", nil, "dir", `E:\backups`))
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)

	var state, last string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", "browser.leader", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#backup-state", chromedp.ByQuery),
		chromedp.Text("#backup-state", &state, chromedp.ByQuery),
		chromedp.Text("#backup-last", &last, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	wantErr := i18n.T("vi", "backup.target_missing", "dir", `E:\backups`)
	if want := i18n.T("vi", "backup.warn_failing", "error", wantErr); !strings.Contains(state, want) {
		t.Errorf("leader sees %q, want %q", state, want)
	}
	if want := i18n.T("vi", "backup.warn_plain"); !strings.HasPrefix(state, want) {
		t.Errorf("leader is not told first that backups are not encrypted: %q", state)
	}
	if last != i18n.T("vi", "backup.never") {
		t.Errorf("last backup line %q", last)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`button[data-set-lang="km"]`, chromedp.ByQuery),
		chromedp.Poll(`document.documentElement.lang === "km" && document.getElementById("backup-state").textContent.indexOf("USB") >= 0`, nil),
		chromedp.Text("#backup-state", &state, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state, i18n.T("km", "backup.target_missing", "dir", `E:\backups`)) {
		t.Errorf("leader in Khmer sees %q", state)
	}

	var hidden bool
	err = chromedp.Run(ctx,
		chromedp.Click("#sign-out", chromedp.ByQuery),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("identity").value = ""; document.getElementById("password").value = ""`, nil),
		chromedp.SendKeys("#identity", "browser.reception", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`document.getElementById("backup-card").classList.contains("hidden")`, &hidden),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !hidden {
		t.Error("reception officer sees the backup card")
	}
}
