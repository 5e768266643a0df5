package backup

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/hooks/backupkey"
	"motcua/hooks/drives"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// usbOffice is an office with a key and an automatic backup, served, and a
// leader.
type usbOffice struct {
	mux    http.Handler
	leader string
	code   backupkey.Code
}

func newUSBOffice(t *testing.T) usbOffice {
	t.Helper()
	app := newTestApp(t)
	addDossiers(t, app, "260302", 5)
	addScan(t, app, []byte("%PDF-1.4 scan for the stick"))
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", t.TempDir())
	if err := app.Save(office.Record); err != nil {
		t.Fatal(err)
	}
	code := giveKey(t, app)
	if _, err := runAutomaticBackup(app, "schedule", nil); err != nil {
		t.Fatal(err)
	}
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "lanh.dao")
	return usbOffice{mux: testkit.NewMux(t, app), leader: leader.Token, code: code}
}

// copyToStick lists the drives, copies the latest backup onto drive through
// the dashboard's routes and follows the copy to its end.
func (o usbOffice) copyToStick(t *testing.T, drive string) usbState {
	t.Helper()
	res := testkit.Do(o.mux, http.MethodGet, "/api/motcua/backup/drives", o.leader, "")
	var list struct{ Drives []drives.Drive }
	if err := json.Unmarshal(res.Body.Bytes(), &list); err != nil || res.Code != http.StatusOK {
		t.Fatalf("drives: %d %s", res.Code, res.Body.String())
	}
	found := false
	for _, d := range list.Drives {
		found = found || d.Path == drive
	}
	if !found {
		t.Fatalf("%s not listed: %+v", drive, list.Drives)
	}
	res = testkit.Do(o.mux, http.MethodPost, "/api/motcua/backup/usb", o.leader, fmt.Sprintf(`{"drive":%q}`, drive))
	if res.Code != http.StatusAccepted {
		t.Fatalf("start copy: %d %s", res.Code, res.Body.String())
	}
	for i := 0; i < 1200; i++ {
		res = testkit.Do(o.mux, http.MethodGet, "/api/motcua/backup/usb", o.leader, "")
		var st struct{ USB *usbState }
		if err := json.Unmarshal(res.Body.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		if st.USB != nil && st.USB.State != "running" {
			return *st.USB
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the USB copy did not end")
	return usbState{}
}

// checkCopy makes sure the copy on the stick is a whole backup that opens
// with the sheet and nothing else.
func checkCopy(t *testing.T, st usbState, drive string, code backupkey.Code) {
	t.Helper()
	if st.State != "ok" || filepath.Dir(st.Dir) != drive || !st.Encrypted {
		t.Fatalf("copy: %+v", st)
	}
	if want := i18n.T("vi", "drives.copy_ok", "name", st.Name, "drive", drive); st.Text["vi"] != want {
		t.Errorf("vi: %q, want %q", st.Text["vi"], want)
	}
	if !strings.Contains(st.Text["vi"], "rút USB") || st.Text["km"] == "" || st.Text["km"] == st.Text["vi"] {
		t.Errorf("the leader is not told in both languages that the stick may be pulled out: %v", st.Text)
	}
	if _, err := checkBackupOnly(st.Dir, code.Typed(), nil, nil); err != nil {
		t.Errorf("the copy on the stick does not restore: %v", err)
	}
	if _, err := checkBackupOnly(st.Dir, otherCode(t).Typed(), nil, nil); errorKey(err) != backupkey.KeyWrongKey {
		t.Errorf("the copy opens with another sheet: %v", err)
	}
}

// TestUSBCopyToRemovableFolder: the dashboard lists a folder the OS calls
// removable (here through MOTCUA_REMOVABLE_DIRS), copies the latest backup
// onto it, verifies it and says the stick may be pulled out; a drive that is
// not plugged in is refused.
func TestUSBCopyToRemovableFolder(t *testing.T) {
	stick := t.TempDir()
	t.Setenv(drives.OverrideEnv, stick)
	o := newUSBOffice(t)

	res := testkit.Do(o.mux, http.MethodPost, "/api/motcua/backup/usb", o.leader, `{"drive":"/etc"}`)
	if res.Code != http.StatusBadRequest || testkit.ErrKey(res.Body.Bytes()) != "backup.usb_not_drive" {
		t.Errorf("a folder that is not a stick: %d %s", res.Code, res.Body.String())
	}
	st := o.copyToStick(t, stick)
	checkCopy(t, st, stick, o.code)
	// A second copy onto the same stick keeps the first.
	st2 := o.copyToStick(t, stick)
	if st2.State != "ok" || st2.Dir == st.Dir {
		t.Errorf("second copy: %+v", st2)
	}
	if _, err := os.Stat(st.Dir); err != nil {
		t.Errorf("the first copy is gone: %v", err)
	}
}

// TestUSBCopyNoBackup: with no backup yet there is nothing to copy.
func TestUSBCopyNoBackup(t *testing.T) {
	stick := t.TempDir()
	t.Setenv(drives.OverrideEnv, stick)
	app := newTestApp(t)
	office, _ := domain.FindOffice(app)
	office.Set("backup_dir", t.TempDir())
	app.Save(office.Record)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "lanh.dao")
	res := testkit.Do(testkit.NewMux(t, app), http.MethodPost, "/api/motcua/backup/usb", leader.Token, fmt.Sprintf(`{"drive":%q}`, stick))
	if res.Code != http.StatusConflict || testkit.ErrKey(res.Body.Bytes()) != "backup.usb_no_backup" {
		t.Errorf("no backup: %d %s", res.Code, res.Body.String())
	}
}

// TestUSBCopyToLoopStick: the same onto a real stick file system on a loop
// device (FAT32 where the kernel has vfat, else exFAT through FUSE, the format
// of sticks over 32 GB). Skipped, saying why, where this machine cannot mount
// one.
func TestUSBCopyToLoopStick(t *testing.T) {
	stick := mountStick(t)
	t.Setenv(drives.OverrideEnv, stick)
	o := newUSBOffice(t)
	st := o.copyToStick(t, stick)
	checkCopy(t, st, stick, o.code)
}

// mountStick makes a 64 MiB image and mounts it like a USB stick, or skips
// the test saying why (hooks/drives' tests do the same).
func mountStick(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a stick image needs root")
	}
	img := filepath.Join(t.TempDir(), "stick.img")
	if err := os.WriteFile(img, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 64<<20); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var why []string
	if out, err := exec.Command("mkfs.vfat", "-F", "32", "-n", "MOTCUA", img).CombinedOutput(); err != nil {
		why = append(why, fmt.Sprintf("mkfs.vfat: %v %s", err, out))
	} else if out, err := exec.Command("mount", "-t", "vfat", "-o", "loop", img, dir).CombinedOutput(); err != nil {
		why = append(why, "kernel vfat: "+strings.TrimSpace(string(out)))
	} else {
		t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
		return dir
	}
	if out, err := exec.Command("mkfs.exfat", "-L", "MOTCUA", img).CombinedOutput(); err != nil {
		t.Skipf("cannot make a stick image: %s; mkfs.exfat: %v %s", strings.Join(why, "; "), err, out)
	}
	out, err := exec.Command("losetup", "-f", "--show", img).Output()
	if err != nil {
		t.Skipf("cannot mount a stick image: %s; losetup: %v", strings.Join(why, "; "), err)
	}
	loop := strings.TrimSpace(string(out))
	t.Cleanup(func() { _ = exec.Command("losetup", "-d", loop).Run() })
	cmd := exec.Command("mount.exfat-fuse", "-d", loop, dir) // -d: stay in the foreground
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot mount a stick image: %s; exfat-fuse: %v", strings.Join(why, "; "), err)
	}
	t.Cleanup(func() {
		_ = exec.Command("umount", "-l", dir).Run()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for i := 0; i < 100 && !mounted(dir); i++ {
		time.Sleep(50 * time.Millisecond) // a bounded wait for the mount, not a timing check
	}
	if !mounted(dir) {
		t.Skipf("cannot mount a stick image: %s; exfat-fuse did not mount", strings.Join(why, "; "))
	}
	return dir
}

// mounted reports whether dir is a mount point.
func mounted(dir string) bool {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == dir {
			return true
		}
	}
	return false
}
