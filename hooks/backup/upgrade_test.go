package backup

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/hooks/backupfmt"
	"motcua/hooks/backupkey"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/testkit"
)

// The upgrade tests run the appliance as an office does: a binary started on
// a data folder. testdata/upgradeapp is motcua wired like main.go, plus one
// migration newer than all others when MOTCUA_TEST_MIGRATION asks for it.

var (
	appOnce sync.Once
	appBin  string
	appErr  error
)

// upgradeApp builds testdata/upgradeapp once per test binary.
func upgradeApp(t *testing.T) string {
	t.Helper()
	appOnce.Do(func() {
		dir, err := os.MkdirTemp("", "motcua-upgradeapp-")
		if err != nil {
			appErr = err
			return
		}
		appBin = filepath.Join(dir, "motcua")
		out, err := exec.Command("go", "build", "-o", appBin, "./testdata/upgradeapp").CombinedOutput()
		if err != nil {
			appErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if appErr != nil {
		t.Fatal(appErr)
	}
	return appBin
}

// runApp runs the test appliance with args on dataDir, stdin as input and
// MOTCUA_TEST_MIGRATION=migration, and returns its output.
func runApp(t *testing.T, dataDir, migration, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, upgradeApp(t), append(args, "--dir="+dataDir)...)
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_MIGRATION="+migration)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// oldData is a data folder made by the program as it ships (every migration
// of this build applied, none of the test's).
func oldData(t *testing.T) string {
	t.Helper()
	dataDir := filepath.Join(t.TempDir(), "pb_data")
	if out, err := runApp(t, dataDir, "", "", "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, out)
	}
	return dataDir
}

// serveApp starts "serve" on dataDir. It returns the output so far and
// whether the server came up (healthy) or exited (its error), and stops it.
func serveApp(t *testing.T, dataDir, migration string) (out string, healthy bool, exitErr error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var buf bytes.Buffer
	var mu sync.Mutex
	cmd := exec.Command(upgradeApp(t), "serve", fmt.Sprintf("--http=127.0.0.1:%d", port), "--dir="+dataDir)
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_MIGRATION="+migration)
	w := lockedWriter{&buf, &mu}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	text := func() string { mu.Lock(); defer mu.Unlock(); return buf.String() }
	deadline := time.Now().Add(3 * time.Minute) // a bounded wait for the start, not a timing check
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			return text(), false, err
		case <-time.After(100 * time.Millisecond):
		}
		res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/health", port))
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				_ = cmd.Process.Signal(os.Interrupt) // a clean stop, as Ctrl+C
				select {
				case <-done:
				case <-time.After(time.Minute):
					_ = cmd.Process.Kill()
					<-done
				}
				return text(), true, nil
			}
		}
	}
	_ = cmd.Process.Kill()
	<-done
	t.Fatalf("server neither came up nor exited:\n%s", text())
	return "", false, nil
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// upgradeBackups lists the before-upgrade backups beside dataDir.
func upgradeBackups(t *testing.T, dataDir string) []string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(dataDir), defaultBackupFolder)
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), upgradeBackupPrefix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

func hasTable(t *testing.T, dataDir, table string) bool {
	t.Helper()
	db := testkit.OpenData(t, dataDir)
	defer db.Close()
	var n int
	if err := db.NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = '" + table + "'").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestUpgradeFailingMigrationLeavesData: a new program whose migration fails
// backs up first, then leaves the data folder byte for byte as it was, and
// prints the way back (the old program, or restore of the backup it names)
// in every language.
func TestUpgradeFailingMigrationLeavesData(t *testing.T) {
	t.Parallel()
	dataDir := oldData(t)
	before := treeDigest(t, dataDir)
	out, healthy, err := serveApp(t, dataDir, "fail")
	if healthy || err == nil {
		t.Fatalf("a failing upgrade served (healthy=%v, %v):\n%s", healthy, err, out)
	}
	if after := treeDigest(t, dataDir); after != before {
		t.Errorf("the failed upgrade changed the data folder:\nbefore\n%s\nafter\n%s", before, after)
	}
	backups := upgradeBackups(t, dataDir)
	if len(backups) != 1 {
		t.Fatalf("before-upgrade backups: %v\n%s", backups, out)
	}
	for _, lang := range i18n.Languages {
		for _, want := range []string{
			i18n.T(lang, "upgrade.failed", "migration", "1795771399_test_upgrade_step.go"),
			i18n.T(lang, "upgrade.way_back", "dir", backups[0]),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	}
	if !strings.Contains(out, `motcua restore "`+backups[0]+`"`) {
		t.Errorf("no restore command naming the backup:\n%s", out)
	}
	entries, _ := os.ReadDir(filepath.Dir(dataDir))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), upgradePrefix(dataDir)) {
			t.Errorf("the failed upgrade left %s", e.Name())
		}
	}
	// The backup it names is good.
	if out, err := runApp(t, filepath.Join(t.TempDir(), "pb_data"), "", "", "restore", "--check", backups[0]); err != nil {
		t.Errorf("restore --check of the before-upgrade backup: %v\n%s", err, out)
	}
	// And the old program still starts on the data.
	if out, healthy, _ := serveApp(t, dataDir, ""); !healthy {
		t.Errorf("the old program does not start on the data the failed upgrade left:\n%s", out)
	}
}

// TestUpgradeBacksUpThenMigrates: a new program on old data backs up first,
// runs its migration and serves; the next start has nothing to do.
func TestUpgradeBacksUpThenMigrates(t *testing.T) {
	t.Parallel()
	dataDir := oldData(t)
	out, healthy, err := serveApp(t, dataDir, "ok")
	if !healthy {
		t.Fatalf("upgrade did not serve (%v):\n%s", err, out)
	}
	backups := upgradeBackups(t, dataDir)
	if len(backups) != 1 {
		t.Fatalf("before-upgrade backups: %v\n%s", backups, out)
	}
	for _, want := range []string{i18n.T("vi", "upgrade.start", "n", 1), i18n.T("vi", "upgrade.done", "n", 1, "dir", backups[0])} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !hasTable(t, dataDir, "upgrade_marker") {
		t.Error("the migration did not run")
	}
	m := readManifest(t, backups[0])
	if m.Encrypted() {
		t.Error("an office without a key got an encrypted backup")
	}
	// The backup holds the data as it was: without the new table.
	restored := filepath.Join(t.TempDir(), "pb_data")
	if out, err := runApp(t, restored, "", "", "restore", backups[0]); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if hasTable(t, restored, "upgrade_marker") {
		t.Error("the before-upgrade backup was made after the migration")
	}
	out, healthy, _ = serveApp(t, dataDir, "ok")
	if !healthy || strings.Contains(out, i18n.T("vi", "upgrade.start", "n", 1)) || len(upgradeBackups(t, dataDir)) != 1 {
		t.Errorf("second start: healthy=%v\n%s", healthy, out)
	}
}

// TestOlderProgramRefusesNewerData: data with a migration this program does
// not know (made by a newer motcua) is refused with a clear message, nothing
// served and nothing changed.
func TestOlderProgramRefusesNewerData(t *testing.T) {
	t.Parallel()
	dataDir := oldData(t)
	db := testkit.OpenData(t, dataDir)
	if _, err := db.NewQuery("INSERT INTO _migrations (file, applied) VALUES ('1899999999_from_a_newer_motcua.go', 1)").Execute(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := treeDigest(t, dataDir)
	out, healthy, err := serveApp(t, dataDir, "")
	if healthy || err == nil {
		t.Fatalf("an older program served newer data:\n%s", out)
	}
	for _, lang := range i18n.Languages {
		if want := i18n.T(lang, "upgrade.newer_data", "dir", dataDir, "migration", "1899999999_from_a_newer_motcua.go"); !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if treeDigest(t, dataDir) != before {
		t.Error("the refused start changed the data folder")
	}
	if len(upgradeBackups(t, dataDir)) != 0 {
		t.Error("a refused start made a backup")
	}
}

// TestCLIRecoverySheetRestore: the IT person at the console makes the key and
// its sheet file, confirms the printed sheet by scanning its QR code (stdin),
// and the backup made then restores on a new PC with the sheet scanned at the
// prompt; another sheet is refused naming both keys.
func TestCLIRecoverySheetRestore(t *testing.T) {
	t.Parallel()
	dataDir := oldData(t)
	sheet := filepath.Join(t.TempDir(), "phieu.html")
	out, err := runApp(t, dataDir, "", "", "backup", "key", "new", "--sheet", sheet)
	if err != nil {
		t.Fatalf("key new: %v\n%s", err, out)
	}
	st, err := os.Stat(sheet)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("sheet file: %v %v", st, err)
	}
	doc, _ := os.ReadFile(sheet)
	img := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`).FindSubmatch(doc)
	if img == nil {
		t.Fatalf("no QR image in the sheet file")
	}
	png, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(img[1]), "&#43;", "+"))
	if err != nil {
		t.Fatal(err)
	}
	qr := decodeSheetQR(t, png)
	code, err := backupkey.ParseCode(qr)
	if err != nil {
		t.Fatalf("QR %q: %v", qr, err)
	}
	for _, g := range code.GroupsOf() {
		if !strings.Contains(out, g) || !bytes.Contains(doc, []byte(g)) {
			t.Errorf("group %s missing from the console or the sheet", g)
		}
	}
	if !bytes.Contains(doc, []byte("@font-face")) || !bytes.Contains(doc, []byte(i18n.T("km", "backup.sheet_title"))) {
		t.Error("the sheet file does not carry its Khmer text and font")
	}

	out, err = runApp(t, dataDir, "", qr+"\n", "backup", "key", "confirm")
	if err != nil || !strings.Contains(out, i18n.T("vi", "backup.key_confirmed", "fingerprint", code.Fingerprint())) {
		t.Fatalf("key confirm: %v\n%s", err, out)
	}
	latest := filepath.Join(filepath.Dir(dataDir), defaultBackupFolder, backupfmt.LatestName)
	if m := readManifest(t, latest); !m.Encrypted() || m.Key.Fingerprint != code.Fingerprint() {
		t.Fatalf("backup after confirm: %+v", m.Key)
	}

	newPC := filepath.Join(t.TempDir(), "pb_data")
	wrong := otherCode(t)
	out, err = runApp(t, newPC, "", "", "restore", latest, "--code", wrong.Typed())
	if err == nil || !strings.Contains(out, code.Fingerprint()) || !strings.Contains(out, wrong.Fingerprint()) {
		t.Errorf("wrong sheet: %v\n%s", err, out)
	}
	out, err = runApp(t, newPC, "", qr+"\n", "restore", latest)
	if err != nil || !strings.Contains(out, "restore ok") {
		t.Fatalf("restore on the new PC: %v\n%s", err, out)
	}
	if !strings.Contains(out, i18n.T("en", "restore.aside_removed", "dir", newPC)) {
		t.Errorf("no word about the empty folder:\n%s", out)
	}
	entries, _ := os.ReadDir(filepath.Dir(newPC))
	for _, e := range entries {
		if strings.Contains(e.Name(), "before-restore") {
			t.Errorf("restore on a new PC left %s", e.Name())
		}
	}
	if out, healthy, _ := serveApp(t, newPC, ""); !healthy {
		t.Errorf("the restored PC does not start:\n%s", out)
	}
}

// TestAppliedMigrationsReadOnly: reading what a data folder has applied
// creates nothing beside the database (no WAL, no shared memory file), even
// in a folder whose name needs escaping in SQLite's URI form.
func TestAppliedMigrationsReadOnly(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "C motcua #1?")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("VACUUM INTO {:p}").Bind(map[string]any{"p": filepath.Join(dir, "data.db")}).Execute(); err != nil {
		t.Fatal(err)
	}
	applied, err := appliedMigrations(filepath.Join(dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	newer, pending := compareMigrations(applied, knownMigrations())
	if len(applied) < 10 || len(newer) != 0 || len(pending) != 0 {
		t.Errorf("applied %d, newer %v, pending %v", len(applied), newer, pending)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("reading left %v", entries)
	}
}

func TestCompareMigrations(t *testing.T) {
	t.Parallel()
	known := []string{"1640988000_init.go", "1795769700_init_collections.go", "1795771300_backup_key.go"}
	for _, c := range []struct {
		name           string
		applied        []string
		newer, pending int
		newestNewer    string
	}{
		{"same", known, 0, 0, ""},
		{"old data", known[:2], 0, 1, ""},
		{"newer data", append(append([]string{}, known...), "1795779999_later.go"), 1, 0, "1795779999_later.go"},
		// PocketBase drops old system migrations from its list over the
		// years: an unknown old one is no sign of newer data.
		{"squashed old system migration", append([]string{"1600000000_old_pb.go"}, known...), 0, 0, ""},
	} {
		newer, pending := compareMigrations(c.applied, known)
		if len(newer) != c.newer || len(pending) != c.pending || (c.newestNewer != "" && newer[len(newer)-1] != c.newestNewer) {
			t.Errorf("%s: newer %v, pending %v", c.name, newer, pending)
		}
	}
}
