package drives

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"motcua/hooks/backupfmt"
)

// makeBackup writes a backup folder the way hooks/backup does: the files, then
// manifest.json listing each with its size and SHA-256.
func makeBackup(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "latest")
	m := &backupfmt.Manifest{
		Format:     backupfmt.Format,
		Name:       "motcua-20260302-090000",
		CreatedAt:  "2026-03-02T02:00:00Z",
		AppVersion: "test",
		Counts:     map[string]int64{"dossiers": 3},
		Pages:      map[string]int64{"data.db": 1},
	}
	for p, b := range files {
		local, err := backupfmt.Local(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(local, b, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := backupfmt.HashReader(p, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		m.Files = append(m.Files, f)
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, backupfmt.ManifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// randomBytes is n bytes that do not compress, from a fixed seed.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// sampleFiles is a small backup: two databases and scans in nested folders.
func sampleFiles(dbSize int) map[string][]byte {
	return map[string][]byte{
		"data.db":                           randomBytes(dbSize, 1),
		"auxiliary.db":                      randomBytes(40_000, 2),
		"storage/pbc_123/rec1/scan_a.pdf":   randomBytes(300_000, 3),
		"storage/pbc_123/rec2/ảnh chụp.jpg": randomBytes(5_000, 4),
		"storage/pbc_123/rec2/empty.txt":    {},
	}
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// assertNoTemp fails when dir holds a half-written copy.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	for _, n := range entries(t, dir) {
		if strings.HasPrefix(n, backupfmt.TempPrefix) {
			t.Errorf("half-written copy %s left on the drive", n)
		}
	}
}

// assertSameTree checks that every file of the backup is in copyDir, equal.
func assertSameTree(t *testing.T, src, copyDir string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(copyDir, rel))
		if err != nil {
			t.Errorf("%s missing from the copy: %v", rel, err)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs in the copy", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("only %d files compared", n)
	}
}

// needRoot skips a test that mounts file systems when this process cannot.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting needs root")
	}
}

// mountTmpfs mounts a tmpfs with opts at a new folder, or skips the test when
// this machine does not allow it.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	needRoot(t)
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount -t tmpfs not permitted here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// stick is a real FAT or exFAT file system on an image file, mounted like a
// USB stick.
type stick struct {
	dir  string
	fs   string
	fuse *exec.Cmd // the FUSE driver's process, when the kernel has no driver
}

// mountStick makes a 32 MiB image and mounts it: FAT32 with the kernel's vfat
// driver (mount -o loop) where there is one, else exFAT (the format of sticks
// over 32 GB) through exfat-fuse on a loop device, which also lets a test pull
// the stick out by killing the driver. It skips the test with the reason when
// neither works here. (fusefat was tried and dropped: it loses the contents of
// a renamed folder.)
func mountStick(t *testing.T) *stick {
	t.Helper()
	needRoot(t)
	img := filepath.Join(t.TempDir(), "stick.img")
	if err := os.WriteFile(img, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 32<<20); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var why []string
	if _, err := exec.LookPath("mkfs.vfat"); err != nil {
		why = append(why, "mkfs.vfat missing (apt-get install dosfstools)")
	} else if out, err := exec.Command("mkfs.vfat", "-F", "32", "-n", "MOTCUA", img).CombinedOutput(); err != nil {
		why = append(why, fmt.Sprintf("mkfs.vfat: %v %s", err, out))
	} else if out, err := exec.Command("mount", "-t", "vfat", "-o", "loop", img, dir).CombinedOutput(); err != nil || !isMounted(dir) {
		why = append(why, "kernel vfat: "+strings.TrimSpace(string(out)))
	} else {
		t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
		return &stick{dir: dir, fs: "vfat"}
	}

	if _, err := exec.LookPath("mount.exfat-fuse"); err != nil {
		t.Skipf("cannot mount a stick image here: %s; exfat-fuse missing (apt-get install exfat-fuse exfatprogs)", strings.Join(why, "; "))
	}
	if out, err := exec.Command("mkfs.exfat", "-L", "MOTCUA", img).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a stick image here: %s; mkfs.exfat: %v %s", strings.Join(why, "; "), err, out)
	}
	out, err := exec.Command("losetup", "-f", "--show", img).Output()
	if err != nil {
		t.Skipf("cannot mount a stick image here: %s; losetup: %v", strings.Join(why, "; "), err)
	}
	loop := strings.TrimSpace(string(out))
	t.Cleanup(func() { _ = exec.Command("losetup", "-d", loop).Run() })
	cmd := exec.Command("mount.exfat-fuse", "-d", loop, dir) // -d: stay in the foreground (and trace, discarded)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Skipf("exfat-fuse: %v", err)
	}
	t.Cleanup(func() {
		_ = exec.Command("umount", "-l", dir).Run()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for i := 0; i < 100 && !isMounted(dir); i++ {
		time.Sleep(50 * time.Millisecond) // a bounded wait for the mount, not a timing check
	}
	if !isMounted(dir) {
		t.Skipf("cannot mount a stick image here: %s; exfat-fuse did not mount", strings.Join(why, "; "))
	}
	return &stick{dir: dir, fs: "exfat", fuse: cmd}
}

// pull simulates pulling the stick out: the FUSE driver dies and every access
// to the mount fails ("transport endpoint is not connected").
func (s *stick) pull() {
	if s.fuse != nil {
		_ = s.fuse.Process.Signal(syscall.SIGKILL)
		_ = s.fuse.Wait()
	}
}

func isMounted(dir string) bool {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	ms, err := parseMountInfo(bytes.NewReader(b))
	if err != nil {
		return false
	}
	for _, m := range ms {
		if m.Point == dir {
			return true
		}
	}
	return false
}

// failAfter is a writer that accepts limit bytes, then fails with err.
type failAfter struct {
	w     io.Writer
	limit *int64
	err   error
}

func (f failAfter) Write(p []byte) (int, error) {
	if int64(len(p)) > *f.limit {
		n, _ := f.w.Write(p[:*f.limit])
		*f.limit = 0
		return n, &os.PathError{Op: "write", Path: "stick", Err: f.err}
	}
	*f.limit -= int64(len(p))
	return f.w.Write(p)
}

func wantKind(t *testing.T, err, kind error) *CopyError {
	t.Helper()
	if err == nil {
		t.Fatalf("copy succeeded, want %v", kind)
	}
	var ce *CopyError
	if !errors.As(err, &ce) {
		t.Fatalf("error %T %v is not a *CopyError", err, err)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want kind %v", err, kind)
	}
	for _, lang := range []string{"vi", "km", "en"} {
		if txt := ce.Text(lang); txt == "" || strings.HasPrefix(txt, "drives.") {
			t.Errorf("%s text for %v is %q", lang, kind, txt)
		}
	}
	return ce
}
