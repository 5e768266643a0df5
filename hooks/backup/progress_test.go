package backup

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBackupProgress: a database copy big enough to take a while is no
// longer silent: the console gets its tenths (snapshot, then encryption) with
// bytes, and the status route shows the running backup with its percentage.
func TestBackupProgress(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	giveKey(t, app)
	// 12 MB that does not compress, so the copy has tenths to report.
	if _, err := app.DB().NewQuery("CREATE TABLE bulk (b BLOB)").Execute(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		if _, err := app.DB().NewQuery("INSERT INTO bulk VALUES (randomblob(1048576))").Execute(); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	var mid *runningBackup
	p := newProgress(&out, "command")
	p.pollEvery = time.Millisecond // a 12 MB snapshot is over in moments; a 400 MB one takes 18 s
	res, err := backupTo(app, backupOptions{Target: t.TempDir(), progress: p, trigger: "command", afterDatabases: func() {
		st, err := readBackupStatus(app, time.Now())
		if err != nil {
			t.Error(err)
			return
		}
		mid = st.Running
	}})
	if err != nil {
		t.Fatal(err)
	}
	log := out.String()
	for phase, least := range map[string]int{"chụp / snapshot": 1, "mã hóa / encrypt": 9} {
		re := regexp.MustCompile(`data\.db ` + regexp.QuoteMeta(phase) + ` ([1-9]0)% \(([0-9.]+ [KMG]?B) / ([0-9.]+ MB)\)`)
		lines := re.FindAllStringSubmatch(log, -1)
		if len(lines) < least {
			t.Errorf("%d %q lines, want at least %d:\n%s", len(lines), phase, least, log)
		}
	}
	if !strings.Contains(log, "encrypted to backup key") {
		t.Errorf("console does not say the backup is encrypted:\n%s", log)
	}
	if mid == nil || mid.Trigger != "command" || mid.Percent < 50 || mid.Percent > 99 || mid.Total < 24<<20 {
		t.Errorf("status while running: %+v", mid)
	}
	if st, _ := readBackupStatus(app, time.Now()); st.Running != nil {
		t.Errorf("status after the backup still shows it running: %+v", st.Running)
	}
	if res.Manifest.Size() < 12<<20 {
		t.Errorf("backup size %d", res.Manifest.Size())
	}
}

// TestFirstBackupSoonAfterStart: a PC restarted by power cuts gets its first
// backup two minutes after each start, not after ten.
func TestFirstBackupSoonAfterStart(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	now := time.Now()
	app.Store().Set(serveStartedStoreKey, now)
	for _, c := range []struct {
		after time.Duration
		due   bool
	}{{time.Minute, false}, {2*time.Minute + time.Second, true}} {
		if due, err := backupDue(app, now.Add(c.after)); err != nil || due != c.due {
			t.Errorf("%s after start: due=%v %v, want %v", c.after, due, err, c.due)
		}
	}
}
