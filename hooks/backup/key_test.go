package backup

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupfmt"
	"motcua/hooks/backupkey"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestBackupKeyRoutesByRole: the key, the status and the USB copy are for
// leaders and the superuser; everyone else is refused before anything is made.
func TestBackupKeyRoutesByRole(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	tokens := map[string]string{"guest": ""}
	for _, role := range []string{base.RoleReception, base.RoleProcessor, base.RoleField, base.RoleLeader} {
		tokens[role] = testkit.MakeStaff(t, app, role, "role."+role).Token
	}
	tokens["superuser"] = testkit.SuperuserToken(t, app)
	routes := []struct{ method, url, body string }{
		{http.MethodGet, "/api/motcua/backup/status", ""},
		{http.MethodPost, "/api/motcua/backup/key", "{}"},
		{http.MethodPost, "/api/motcua/backup/key/confirm", `{"code":"1"}`},
		{http.MethodGet, "/api/motcua/backup/drives", ""},
		{http.MethodGet, "/api/motcua/backup/usb", ""},
		{http.MethodPost, "/api/motcua/backup/usb", `{"drive":"/nowhere"}`},
	}
	for _, r := range routes {
		for who, token := range tokens {
			res := testkit.Do(mux, r.method, r.url, token, r.body)
			switch who {
			case "guest":
				if res.Code != http.StatusUnauthorized {
					t.Errorf("%s %s (%s): %d, want 401", r.method, r.url, who, res.Code)
				}
			case base.RoleLeader, "superuser":
				if res.Code == http.StatusUnauthorized || res.Code == http.StatusForbidden || res.Code >= 500 {
					t.Errorf("%s %s (%s): %d %s", r.method, r.url, who, res.Code, res.Body.String())
				}
			default:
				if res.Code != http.StatusForbidden {
					t.Errorf("%s %s (%s): %d, want 403", r.method, r.url, who, res.Code)
				}
			}
		}
	}
	// Only the leader's and the superuser's requests made keys: two pending
	// keys one after the other, the last one kept.
	k, err := loadKeyState(app)
	if err != nil || k.Pending == "" || k.Recipient != "" {
		t.Errorf("key state after the matrix: %+v %v", k, err)
	}
}

// keyAnswerOf posts a new key as token and decodes the sheet.
func keyAnswerOf(t *testing.T, mux http.Handler, token string) keyAnswer {
	t.Helper()
	res := testkit.Do(mux, http.MethodPost, "/api/motcua/backup/key", token, "{}")
	if res.Code != http.StatusOK {
		t.Fatalf("new key: %d %s", res.Code, res.Body.String())
	}
	if cc := res.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("sheet answer Cache-Control %q", cc)
	}
	var a keyAnswer
	if err := json.Unmarshal(res.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestBackupKeyLifecycle: a leader makes the key; its sheet's QR code scans
// back to its code; nothing is encrypted to it until the printed sheet is
// confirmed (a wrong or garbled code is refused with what to fix); once
// confirmed, a fresh encrypted backup is made at once. The code is stored
// nowhere on the PC.
func TestBackupKeyLifecycle(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	addDossiers(t, app, "260302", 3)
	dir := t.TempDir()
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", dir)
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "lanh.dao")
	mux := testkit.NewMux(t, app)

	a := keyAnswerOf(t, mux, leader.Token)
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a.QR, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	scanned := decodeSheetQR(t, png)
	code, err := backupkey.ParseCode(scanned)
	if err != nil {
		t.Fatalf("the sheet's QR code %q does not parse: %v", scanned, err)
	}
	groups := code.GroupsOf()
	if code.Fingerprint() != a.Fingerprint || groups != a.Groups || scanned != code.QR() {
		t.Errorf("QR %q, groups %v, fingerprint %s disagree", scanned, a.Groups, a.Fingerprint)
	}
	for _, want := range append(a.Groups[:], a.Fingerprint, i18n.T("vi", "backup.sheet_title"), i18n.T("km", "backup.sheet_title"),
		i18n.T("km", "backup.sheet_keep"), a.QR) {
		if !strings.Contains(html.UnescapeString(a.SheetHTML), want) {
			t.Errorf("sheet lacks %.60q", want)
		}
	}

	// Pending: backups stay plain, the leader is asked to finish.
	res, err := runAutomaticBackup(app, "schedule", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.Encrypted() {
		t.Error("a backup was encrypted to a key whose sheet is not confirmed")
	}
	st, _ := readBackupStatus(app, time.Now())
	if !st.Key.Pending || st.Key.Active || st.Key.PendingFingerprint != a.Fingerprint || len(st.Warnings) == 0 ||
		st.Warnings[0].Key != "backup.warn_key_pending_plain" {
		t.Errorf("pending key status: %+v", st)
	}

	confirm := func(code string) (int, map[string]any) {
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/backup/key/confirm", leader.Token, fmt.Sprintf(`{"code":%q}`, code))
		var out map[string]any
		_ = json.Unmarshal(res.Body.Bytes(), &out)
		return res.Code, out
	}
	wrong := otherCode(t)
	typo := []byte(code.Typed())
	typo[8] = '0' + (typo[8]-'0'+1)%10 // a digit of group 2 mistyped
	for _, c := range []struct {
		name, code, key string
		want            []string
	}{
		{"another sheet", wrong.QR(), backupkey.KeyWrongKey, []string{a.Fingerprint, wrong.Fingerprint()}},
		{"a typo in group 2", string(typo), backupkey.KeyCodeGroup, []string{"2"}},
		{"a receipt's QR code", "http://192.168.1.10:8090/tra-cuu/000.00.07.H60-260302-0001?k=abc", backupkey.KeyCodeInvalid, nil},
		{"too short", "123456-234567", backupkey.KeyCodeLength, nil},
	} {
		status, body := confirm(c.code)
		data, _ := body["data"].(map[string]any)
		if status != http.StatusBadRequest || data["key"] != c.key {
			t.Errorf("%s: %d %v, want 400 %s", c.name, status, body, c.key)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(fmt.Sprint(data["vi"]), w) || !strings.Contains(fmt.Sprint(data["km"]), w) {
				t.Errorf("%s: message does not name %s: %v", c.name, w, data)
			}
		}
	}
	if k, _ := loadKeyState(app); k.Recipient != "" {
		t.Fatal("a refused confirmation activated the key")
	}

	// The scanner types the QR text; the key becomes the office's and a fresh
	// backup is made under it at once.
	status, body := confirm(scanned)
	if status != http.StatusOK || body["active"] != true || body["fingerprint"] != a.Fingerprint || body["confirmed_by"] != "Cán bộ lanh.dao" {
		t.Fatalf("confirm: %d %v", status, body)
	}
	run := waitForRun(t, app, "key")
	if !run.GetBool("ok") || !run.GetBool("encrypted") || run.GetString("fingerprint") != a.Fingerprint {
		t.Errorf("backup after the key: %v", run.PublicExport())
	}
	m := readManifest(t, filepath.Join(dir, backupfmt.LatestName))
	if !m.Encrypted() || m.Key.Fingerprint != a.Fingerprint {
		t.Errorf("latest backup after the key: %+v", m.Key)
	}
	if status, body := confirm(scanned); status != http.StatusConflict || body["data"].(map[string]any)["key"] != "backup.key_in_use" {
		t.Errorf("confirming the key in use again: %d %v", status, body)
	}

	// The code is nowhere on the PC: not in the database, its logs or any
	// file of the data folder.
	assertNoSecret(t, app.DataDir(), code)
	assertNoSecret(t, dir, code)
}

// assertNoSecret fails if any file under dir holds the code in a form a
// person could read it from.
func assertNoSecret(t *testing.T, dir string, code backupkey.Code) {
	t.Helper()
	g := code.GroupsOf()
	needles := []string{code.Typed(), strings.Join(g[:], ""), strings.Join(g[:], " "), g[0] + "-" + g[1]}
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, n := range needles {
			if strings.Contains(string(b), n) {
				t.Errorf("%s holds the recovery code (%s)", p, n)
			}
		}
		return nil
	})
}

// waitForRun waits (bounded) for the background backup with trigger to be
// recorded, and returns its run.
func waitForRun(t *testing.T, app core.App, trigger string) *core.Record {
	t.Helper()
	for i := 0; i < 600; i++ {
		recs, err := app.FindRecordsByFilter(ColBackupRuns, "trigger = {:t}", "-started_at", 1, 0, dbx.Params{"t": trigger})
		if err == nil && len(recs) > 0 && runningOf(app) == nil {
			return recs[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s backup recorded", trigger)
	return nil
}

// readManifest reads the manifest of a backup folder.
func readManifest(t testing.TB, dir string) *backupfmt.Manifest {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, backupfmt.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := backupfmt.ReadManifest(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
