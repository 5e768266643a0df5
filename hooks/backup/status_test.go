package backup

import (
	"testing"
	"time"

	"motcua/hooks/internal/domain"
)

// TestBackupWarnings: the leader is warned when the last good backup is older
// than a day (whatever the schedule), and when the backup folder's disk is
// nearly full (a 16 MB stick here: under the 1 GB floor).
func TestBackupWarnings(t *testing.T) {
	app := newTestApp(t)
	giveKey(t, app)
	target := t.TempDir()
	tryMount(t, target, "size=16m")
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", target)
	office.Set("backup_every_hours", 24*3) // every three days: still warned after one
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	if _, err := runAutomaticBackup(app, "schedule", nil); err != nil {
		t.Fatal(err)
	}
	keys := func(st *backupStatus) map[string]bool {
		out := map[string]bool{}
		for _, w := range st.Warnings {
			out[w.Key] = w.Text["vi"] != "" && w.Text["km"] != "" && w.Text["vi"] != w.Text["km"]
		}
		return out
	}
	st, err := readBackupStatus(app, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var targetSpace *spaceInfo
	for i := range st.Space {
		if st.Space[i].Which == "target" {
			targetSpace = &st.Space[i]
		}
	}
	if targetSpace == nil || !targetSpace.Low || targetSpace.Total > 17<<20 || !keys(st)["backup.warn_disk_target"] || st.Reason != "disk" {
		t.Errorf("nearly full stick: %+v %+v", st.Space, st.Warnings)
	}
	if keys(st)["backup.warn_old_hours"] {
		t.Error("a fresh backup reported old")
	}
	later, _ := readBackupStatus(app, time.Now().Add(25*time.Hour))
	if !keys(later)["backup.warn_old_hours"] || later.Reason != "old" {
		t.Errorf("25 h later with a 72 h schedule: %+v", later.Warnings)
	}
}
