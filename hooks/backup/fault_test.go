package backup

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"motcua/hooks/backupfmt"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// assertNothingLooksGood fails if target holds a backup folder (motcua-* or
// latest) without a valid manifest whose files all check out, or any leftover
// temp folder: a failed backup must leave nothing an IT person could mistake
// for a good one.
func assertNothingLooksGood(t testing.TB, target string) {
	t.Helper()
	entries, err := os.ReadDir(target)
	if err != nil {
		return // the target itself is missing or unreadable: nothing in it
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, backupfmt.TempPrefix):
			t.Errorf("failed backup left the temp folder %s", name)
		case strings.HasPrefix(name, backupfmt.Prefix) || name == backupfmt.LatestName:
			if _, err := checkBackupOnly(filepath.Join(target, name), "", nil, nil); err != nil {
				t.Errorf("%s looks like a backup but is not good: %v", name, err)
			}
		}
	}
}

// failingWriter accepts limit bytes, then fails like a full disk.
type failingWriter struct {
	w     io.Writer
	limit *int64
}

func (f failingWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > *f.limit {
		n, _ := f.w.Write(p[:*f.limit])
		*f.limit = 0
		return n, &os.PathError{Op: "write", Path: "backup", Err: syscall.ENOSPC}
	}
	*f.limit -= int64(len(p))
	return f.w.Write(p)
}

// tryMount mounts a tmpfs at dir with the given options, or skips the test
// when this machine does not allow it (not root, or in a restricted container).
func tryMount(t *testing.T, dir, opts string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs not permitted here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
}

// TestBackupTargetFaults: the backup folder missing, not a folder, read-only or
// full gives a clear keyed error and leaves nothing that looks like a backup.
func TestBackupTargetFaults(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	addDossiers(t, app, "260302", 20)
	addScan(t, app, append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("scan "), 400_000)...)) // a 2 MB scan

	expect := func(t *testing.T, err error, key, target string) {
		t.Helper()
		if errorKey(err) != key {
			t.Fatalf("backup error %v (key %s), want %s", err, errorKey(err), key)
		}
		if !strings.Contains(err.Error(), target) && key != "backup.failed" {
			t.Errorf("error %q does not name the folder", err)
		}
		assertNothingLooksGood(t, target)
	}

	t.Run("missing", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "E-drive-not-plugged")
		_, err := Backup(app, target, nil)
		expect(t, err, "backup.target_missing", target)
		if _, err := os.Stat(target); err == nil {
			t.Error("backup created the missing folder")
		}
	})
	t.Run("a file, not a folder", func(t *testing.T) {
		target := filepath.Join(t.TempDir(), "backups")
		if err := os.WriteFile(target, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Backup(app, target, nil)
		expect(t, err, "backup.target_not_folder", target)
	})
	t.Run("under a file", func(t *testing.T) {
		// Root ignores permission bits; a path under a file is unwritable
		// for root too.
		file := filepath.Join(t.TempDir(), "usb")
		if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(file, "backups")
		_, err := Backup(app, target, nil)
		expect(t, err, "backup.target_not_folder", target)
	})
	t.Run("read-only", func(t *testing.T) {
		target := t.TempDir()
		if os.Geteuid() != 0 {
			if err := os.Chmod(target, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(target, 0o755) })
		} else {
			// Root writes through permission bits but not through a
			// read-only mount.
			tryMount(t, target, "ro,size=1m")
		}
		_, err := Backup(app, target, nil)
		expect(t, err, "backup.target_unwritable", target)
	})
	t.Run("full while copying a database", func(t *testing.T) {
		target := t.TempDir()
		tryMount(t, target, "size=128k")
		_, err := Backup(app, target, nil)
		expect(t, err, "backup.target_full", target)
	})
	t.Run("full while copying uploads", func(t *testing.T) {
		target := t.TempDir()
		tryMount(t, target, "size=1m")
		_, err := Backup(app, target, nil)
		expect(t, err, "backup.target_full", target)
	})
	t.Run("full (injected writer)", func(t *testing.T) {
		// Runs everywhere, mount or not: the copy step's writer fails.
		target := t.TempDir()
		limit := int64(100_000)
		_, err := backupTo(app, backupOptions{Target: target, wrapWriter: func(w io.Writer) io.Writer {
			return failingWriter{w: w, limit: &limit}
		}})
		expect(t, err, "backup.target_full", target)
	})
	t.Run("full while writing the manifest (injected)", func(t *testing.T) {
		target := t.TempDir()
		limit := int64(1 << 40)
		_, err := backupTo(app, backupOptions{Target: target, afterDatabases: func() {}, wrapWriter: func(w io.Writer) io.Writer {
			if f, ok := w.(*os.File); ok && strings.HasSuffix(f.Name(), backupfmt.ManifestName+".part") {
				zero := int64(10)
				return failingWriter{w: w, limit: &zero}
			}
			return failingWriter{w: w, limit: &limit}
		}})
		expect(t, err, "backup.target_full", target)
	})
}

// goodBackup makes an app with dossiers and a scan, backs it up and returns the
// backup folder and the scan's manifest path.
func goodBackup(t *testing.T) (dir, scanPath string) {
	t.Helper()
	app := newTestApp(t)
	addDossiers(t, app, "260302", 10)
	rec := addScan(t, app, []byte("%PDF-1.4 scan"))
	res, err := Backup(app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Dir, "storage/" + rec.Collection().Id + "/" + rec.Id + "/" + rec.GetStringSlice("scans")[0]
}

// copyTree copies a backup folder so each case damages its own copy.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func flipByte(t *testing.T, path string, at int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at = int64(len(b)) / 2
	}
	b[at] ^= 0x01
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rewriteManifest recomputes the manifest entries of the files named, so a
// damage is consistent with the manifest and only integrity_check can see it.
func rewriteManifest(t *testing.T, dir string, paths ...string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, backupfmt.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	m, err := backupfmt.ReadManifest(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i, file := range m.Files {
		for _, p := range paths {
			if file.Path == p {
				m.Files[i], err = hashFile(filepath.Join(dir, filepath.FromSlash(p)), p)
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	b, _ := m.Marshal()
	if err := os.WriteFile(filepath.Join(dir, backupfmt.ManifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreRefusesDamagedBackup: a flipped byte, a missing file, a missing or
// broken manifest, or a database that fails integrity_check: restore refuses
// with a keyed error and pb_data is byte for byte unchanged.
func TestRestoreRefusesDamagedBackup(t *testing.T) {
	t.Parallel()
	good, scanPath := goodBackup(t)

	// The office's current pb_data: a restored good backup, server stopped.
	dataDir := filepath.Join(t.TempDir(), "pb_data")
	if _, err := restoreBackup(dataDir, good, RestoreOptions{}); err != nil {
		t.Fatalf("restore of the good backup: %v", err)
	}
	before := treeDigest(t, dataDir)

	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		key    string
	}{
		{"one byte flipped in data.db", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, "data.db"), -1) }, "restore.file_damaged"},
		{"one byte flipped in a scan", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, filepath.FromSlash(scanPath)), 0) }, "restore.file_damaged"},
		{"data.db truncated", func(t *testing.T, dir string) { os.Truncate(filepath.Join(dir, "data.db"), 4096) }, "restore.file_damaged"},
		{"a scan missing", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, filepath.FromSlash(scanPath))) }, "restore.file_missing"},
		{"auxiliary.db missing", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "auxiliary.db")) }, "restore.file_missing"},
		{"manifest missing", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, backupfmt.ManifestName)) }, "restore.not_backup"},
		{"manifest cut short", func(t *testing.T, dir string) { os.Truncate(filepath.Join(dir, backupfmt.ManifestName), 100) }, "restore.manifest_invalid"},
		{"database corrupt, manifest agrees", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "data.db")
			b, _ := os.ReadFile(p)
			for i := 8 * 4096; i < 20*4096 && i < len(b); i++ {
				b[i] = 0xA5
			}
			os.WriteFile(p, b, 0o644)
			rewriteManifest(t, dir, "data.db")
		}, "restore.integrity_failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyTree(t, good)
			c.damage(t, dir)
			_, err := restoreBackup(dataDir, dir, RestoreOptions{})
			if errorKey(err) != c.key {
				t.Fatalf("restore: %v (key %s), want %s", err, errorKey(err), c.key)
			}
			if after := treeDigest(t, dataDir); after != before {
				t.Errorf("refused restore changed pb_data")
			}
			testkit.AssertNoRestoreLeftovers(t, dataDir)
			var oe *base.OpError
			if !errors.As(err, &oe) || oe.Text("km") == oe.Key || oe.Text("vi") == oe.Key {
				t.Errorf("error has no Vietnamese/Khmer text: %v", err)
			}
		})
	}
}

// TestTargetErrorKeys: the failure texts of SQLite and Windows (which the tests
// cannot produce on Linux) get the same keys as the POSIX errors.
func TestTargetErrorKeys(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"database or disk is full":                            "backup.target_full",
		"write E:\\x: There is not enough space on the disk.": "backup.target_full",
		"open E:\\x: The media is write protected.":           "backup.target_unwritable",
		"attempt to write a readonly database":                "backup.target_unwritable",
		"something else":                                      "backup.failed",
	}
	for msg, want := range cases {
		if got := errorKey(targetError(`E:\`, errors.New(msg))); got != want {
			t.Errorf("%q → %s, want %s", msg, got, want)
		}
	}
	if got := errorKey(targetError("/x", &os.PathError{Op: "open", Path: "/x", Err: syscall.EACCES})); got != "backup.target_unwritable" {
		t.Errorf("EACCES → %s", got)
	}
}
