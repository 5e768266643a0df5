package drives

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"motcua/hooks/backupfmt"
)

// TestCopyVerified: a backup copied to a temporary "removable" folder arrives
// whole under the backup's name, with progress through both phases; a second
// copy never overwrites the first.
func TestCopyVerified(t *testing.T) {
	src := makeBackup(t, sampleFiles(3<<20))
	drive := t.TempDir()
	var seen []Progress
	res, err := CopyVerified(context.Background(), src, drive, func(p Progress) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(drive, "motcua-20260302-090000"); res.Dir != want {
		t.Errorf("copy in %s, want %s", res.Dir, want)
	}
	assertSameTree(t, src, res.Dir)
	assertNoTemp(t, drive)
	if res.Files != 6 || res.Manifest.Counts["dossiers"] != 3 {
		t.Errorf("result: %d files, counts %v", res.Files, res.Manifest.Counts)
	}
	if res.Bytes != res.Manifest.Size()+fileSize(t, filepath.Join(src, backupfmt.ManifestName)) {
		t.Errorf("result bytes %d", res.Bytes)
	}
	if res.Free <= 0 {
		t.Errorf("free after copy %d", res.Free)
	}
	if txt := res.Text("vi"); !strings.Contains(txt, "motcua-20260302-090000") || !strings.Contains(txt, "rút USB") {
		t.Errorf("vi message %q", txt)
	}

	// Progress: never backwards, copy before verify, ends at the total.
	if len(seen) < 4 {
		t.Fatalf("only %d progress reports", len(seen))
	}
	var last int64
	verifying := false
	for _, p := range seen {
		if p.Done < last || p.Done > p.Total || p.Drive != drive {
			t.Fatalf("progress %+v after %d", p, last)
		}
		if p.Phase == PhaseCopy && verifying {
			t.Fatalf("copy progress %+v after the verify started", p)
		}
		verifying = verifying || p.Phase == PhaseVerify
		last = p.Done
	}
	end := seen[len(seen)-1]
	if end.Phase != PhaseVerify || end.Done != end.Total || end.Total != 2*res.Bytes {
		t.Errorf("last progress %+v, want verify at %d", end, 2*res.Bytes)
	}
	if !strings.Contains(end.Text("vi"), "kiểm tra") || !strings.Contains(seen[0].Text("en"), "Copying") {
		t.Errorf("progress texts %q / %q", end.Text("vi"), seen[0].Text("en"))
	}

	again, err := CopyVerified(context.Background(), src, drive, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Dir != res.Dir+"-2" {
		t.Errorf("second copy in %s, want %s-2", again.Dir, res.Dir)
	}
	assertSameTree(t, src, res.Dir)
	assertSameTree(t, src, again.Dir)
}

func fileSize(t *testing.T, p string) int64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestCopyVerifyCatchesDamage: a byte changed on the drive between the write
// and the read-back is caught, named, and nothing is left on the drive.
func TestCopyVerifyCatchesDamage(t *testing.T) {
	for _, file := range []string{"data.db", "storage/pbc_123/rec1/scan_a.pdf", backupfmt.ManifestName} {
		t.Run(file, func(t *testing.T) {
			src := makeBackup(t, sampleFiles(200_000))
			drive := t.TempDir()
			_, err := copyVerified(context.Background(), src, drive, copyOptions{
				afterWrite: func(tmp string) error { return flipByte(filepath.Join(tmp, filepath.FromSlash(file)), 100) },
			})
			ce := wantKind(t, err, ErrVerify)
			if ce.Path != file {
				t.Errorf("error names %q, want %q", ce.Path, file)
			}
			if len(entries(t, drive)) != 0 {
				t.Errorf("drive holds %v after a failed verify", entries(t, drive))
			}
		})
	}
}

func flipByte(p string, off int64) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 0x40
	_, err = f.WriteAt(b, off)
	return err
}

// TestCopySourceProblems: a damaged, incomplete or missing backup is refused
// before or while copying, and never lands on the stick.
func TestCopySourceProblems(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, src string)
		file  string
	}{
		{"byte changed", func(t *testing.T, src string) {
			if err := flipByte(filepath.Join(src, "data.db"), 10); err != nil {
				t.Fatal(err)
			}
		}, "data.db"},
		{"file missing", func(t *testing.T, src string) {
			if err := os.Remove(filepath.Join(src, "auxiliary.db")); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"file truncated", func(t *testing.T, src string) {
			if err := os.Truncate(filepath.Join(src, "data.db"), 100); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"no manifest", func(t *testing.T, src string) {
			if err := os.Remove(filepath.Join(src, backupfmt.ManifestName)); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"manifest garbage", func(t *testing.T, src string) {
			if err := os.WriteFile(filepath.Join(src, backupfmt.ManifestName), []byte(`{"format":"other"}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := makeBackup(t, sampleFiles(100_000))
			c.spoil(t, src)
			drive := t.TempDir()
			_, err := CopyVerified(context.Background(), src, drive, nil)
			ce := wantKind(t, err, ErrSource)
			if ce.Path != c.file {
				t.Errorf("error names %q, want %q", ce.Path, c.file)
			}
			if len(entries(t, drive)) != 0 {
				t.Errorf("drive holds %v", entries(t, drive))
			}
		})
	}
}

// TestCopyDriveMissing: a drive folder that is not there (stick not plugged
// in) or is a file is reported as such, and nothing is created.
func TestCopyDriveMissing(t *testing.T) {
	src := makeBackup(t, sampleFiles(1000))
	missing := filepath.Join(t.TempDir(), "E")
	_, err := CopyVerified(context.Background(), src, missing, nil)
	ce := wantKind(t, err, ErrNotFound)
	if !strings.Contains(ce.Text("vi"), missing) {
		t.Errorf("message %q does not name the drive", ce.Text("vi"))
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("the copy created the missing drive folder")
	}
	file := filepath.Join(t.TempDir(), "F")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = CopyVerified(context.Background(), src, file, nil)
	wantKind(t, err, ErrNotFound)
}

// TestCopyNoSpace: a drive too small is refused before anything is written,
// with the bytes needed and free; a disk that fills up anyway (another program
// writing, a stick lying about its size) gives the same error and leaves
// nothing. On a real 1 MiB tmpfs where this machine can mount one, else with
// an injected fault.
func TestCopyNoSpace(t *testing.T) {
	files := sampleFiles(2 << 20)
	t.Run("checked first", func(t *testing.T) {
		drive := mountTmpfs(t, "size=1m")
		src := makeBackup(t, files)
		_, err := CopyVerified(context.Background(), src, drive, nil)
		ce := wantKind(t, err, ErrNoSpace)
		if ce.Need <= 2<<20 || ce.Free > 1<<20 || ce.Free <= 0 {
			t.Errorf("need %d free %d", ce.Need, ce.Free)
		}
		if txt := ce.Text("vi"); !strings.Contains(txt, ByteSize(ce.Need)) || !strings.Contains(txt, ByteSize(ce.Free)) {
			t.Errorf("message %q lacks the figures", txt)
		}
		if len(entries(t, drive)) != 0 {
			t.Errorf("drive holds %v", entries(t, drive))
		}
	})
	t.Run("fills up while writing", func(t *testing.T) {
		drive := mountTmpfs(t, "size=1m")
		src := makeBackup(t, files)
		plenty := func(string) (int64, int64, error) { return 1 << 40, 1 << 40, nil }
		_, err := copyVerified(context.Background(), src, drive, copyOptions{space: plenty})
		ce := wantKind(t, err, ErrNoSpace)
		if !errors.Is(err, syscall.ENOSPC) || ce.Need <= 2<<20 || ce.Path == "" {
			t.Errorf("error %v: need %d, path %q", err, ce.Need, ce.Path)
		}
		if len(entries(t, drive)) != 0 {
			t.Errorf("drive holds %v", entries(t, drive))
		}
	})
	t.Run("injected", func(t *testing.T) {
		drive := t.TempDir()
		src := makeBackup(t, files)
		limit := int64(500_000)
		_, err := copyVerified(context.Background(), src, drive, copyOptions{
			wrapWriter: func(w io.Writer) io.Writer { return failAfter{w: w, limit: &limit, err: syscall.ENOSPC} },
		})
		wantKind(t, err, ErrNoSpace)
		if len(entries(t, drive)) != 0 {
			t.Errorf("drive holds %v", entries(t, drive))
		}
	})
}

// TestCopyReadOnly: a write-protected stick (a read-only mount here, an
// injected EROFS where mounting is not allowed) is reported as read-only.
func TestCopyReadOnly(t *testing.T) {
	src := makeBackup(t, sampleFiles(1000))
	t.Run("mounted read-only", func(t *testing.T) {
		drive := mountTmpfs(t, "size=4m,ro")
		_, err := CopyVerified(context.Background(), src, drive, nil)
		wantKind(t, err, ErrReadOnly)
	})
	t.Run("injected", func(t *testing.T) {
		drive := t.TempDir()
		limit := int64(0)
		_, err := copyVerified(context.Background(), src, drive, copyOptions{
			wrapWriter: func(w io.Writer) io.Writer { return failAfter{w: w, limit: &limit, err: syscall.EROFS} },
		})
		wantKind(t, err, ErrReadOnly)
		if len(entries(t, drive)) != 0 {
			t.Errorf("drive holds %v", entries(t, drive))
		}
	})
}

// TestCopyCanceled: canceling the context stops the copy and removes it.
func TestCopyCanceled(t *testing.T) {
	src := makeBackup(t, sampleFiles(4<<20))
	drive := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := CopyVerified(ctx, src, drive, func(p Progress) {
		if p.Done > 1<<20 {
			cancel()
		}
	})
	wantKind(t, err, ErrCanceled)
	if len(entries(t, drive)) != 0 {
		t.Errorf("drive holds %v", entries(t, drive))
	}
}

// TestCopyToStick: onto a real stick file system (FAT32 where the kernel has
// vfat, else exFAT through FUSE), then the stick pulled out in the middle of a
// copy. Skipped with the reason where this machine cannot mount an image.
func TestCopyToStick(t *testing.T) {
	s := mountStick(t)
	t.Logf("stick: %s at %s (mount type %q)", s.fs, s.dir, fsName(s.dir))
	if s.fs == "vfat" && !isFAT(fsName(s.dir)) {
		t.Errorf("file system of the stick is %q, not FAT", fsName(s.dir))
	}
	src := makeBackup(t, sampleFiles(3<<20))
	res, err := CopyVerified(context.Background(), src, s.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertSameTree(t, src, res.Dir)
	assertNoTemp(t, s.dir)

	t.Run("pulled out", func(t *testing.T) {
		if s.fuse == nil {
			t.Skip("the image is mounted by the kernel: no way to pull it out here")
		}
		pulled := false
		_, err := CopyVerified(context.Background(), src, s.dir, func(p Progress) {
			if !pulled && p.Done > 1<<20 {
				pulled = true
				s.pull()
			}
		})
		if !pulled {
			t.Fatal("the copy ended before the stick was pulled")
		}
		ce := wantKind(t, err, ErrRemoved)
		if !strings.Contains(ce.Text("vi"), "rút ra") {
			t.Errorf("message %q", ce.Text("vi"))
		}
	})
}

// TestCopyTooLargeForFAT: a file over FAT32's 4 GiB limit is refused before
// anything is written (a sparse file stands in for a big database; the file
// system is reported as vfat).
func TestCopyTooLargeForFAT(t *testing.T) {
	big := t.TempDir()
	sparse := filepath.Join(big, "data.db")
	if err := os.WriteFile(sparse, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, fatMaxFile+1); err != nil {
		t.Skipf("no sparse 4 GiB file here: %v", err)
	}
	m := &backupfmt.Manifest{Format: backupfmt.Format, Name: "motcua-20260302-100000", CreatedAt: "2026-03-02T03:00:00Z",
		Files: []backupfmt.File{{Path: "data.db", Size: fatMaxFile + 1, SHA256: strings.Repeat("0", 64)}}}
	b, _ := m.Marshal()
	if err := os.WriteFile(filepath.Join(big, backupfmt.ManifestName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	plenty := func(string) (int64, int64, error) { return 1 << 40, 1 << 40, nil }
	for fs, refused := range map[string]bool{"vfat": true, "FAT32": true, "exfat": false, "NTFS": false} {
		drive := t.TempDir()
		// A canceled context stops a copy that was not refused at its first
		// chunk, instead of writing 4 GiB of zeros.
		ctx, cancel := context.WithCancel(context.Background())
		if !refused {
			cancel()
		}
		_, err := copyVerified(ctx, big, drive, copyOptions{space: plenty, fsName: func(string) string { return fs }})
		cancel()
		if !refused {
			if !errors.Is(err, ErrCanceled) {
				t.Errorf("%s: a 4 GiB file gave %v, want it let through (then canceled)", fs, err)
			}
			continue
		}
		ce := wantKind(t, err, ErrTooLarge)
		if ce.Path != "data.db" || !strings.Contains(ce.Text("vi"), "exFAT") {
			t.Errorf("%s: error %v, text %q", fs, err, ce.Text("vi"))
		}
		if len(entries(t, drive)) != 0 {
			t.Errorf("%s: drive holds %v", fs, entries(t, drive))
		}
	}
}

// TestStaleCopiesRemoved: half-written copies a dead process left on the drive
// are removed by the next copy once they are old; a recent one of another
// process (maybe still running) is kept.
func TestStaleCopiesRemoved(t *testing.T) {
	src := makeBackup(t, sampleFiles(1000))
	drive := t.TempDir()
	old := filepath.Join(drive, ".tmp-motcua-20260301-090000-copy-99999999-1")
	recent := filepath.Join(drive, ".tmp-motcua-20260301-100000-copy-99999999-2")
	own := filepath.Join(drive, ".tmp-motcua-20260301-110000-copy-"+strconv.Itoa(os.Getpid())+"-999")
	other := filepath.Join(drive, ".tmp-motcua-someone-else") // not ours: kept
	for _, d := range []string{old, recent, own, other} {
		if err := os.MkdirAll(filepath.Join(d, "storage"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * staleCopyAge)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if _, err := CopyVerified(context.Background(), src, drive, nil); err != nil {
		t.Fatal(err)
	}
	for d, want := range map[string]bool{old: false, recent: true, own: false, other: true} {
		_, err := os.Stat(d)
		if (err == nil) != want {
			t.Errorf("%s: kept=%v, want %v", filepath.Base(d), err == nil, want)
		}
	}
}

// TestCopyMemoryBounded: copying a 32 MB backup allocates about one buffer,
// not the files' size.
func TestCopyMemoryBounded(t *testing.T) {
	src := makeBackup(t, map[string][]byte{"data.db": randomBytes(32<<20, 9)})
	drive := t.TempDir()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := CopyVerified(context.Background(), src, drive, nil); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("copying 32 MB allocated %d bytes", alloc)
	}
}

// TestSpaceNeeded: every file is rounded up to whole clusters and every folder
// takes one.
func TestSpaceNeeded(t *testing.T) {
	m := &backupfmt.Manifest{Files: []backupfmt.File{
		{Path: "data.db", Size: 10_000},
		{Path: "storage/a/x.pdf", Size: 1},
		{Path: "storage/a/y.pdf", Size: 0},
		{Path: "storage/b/z.pdf", Size: 4096},
	}}
	cases := []struct {
		cluster, want int64
	}{
		// manifest 1 cluster + folder + spare, data.db 3, x 1, y 0, z 1, folders storage, a, b
		{4096, 4096 * (1 + 2 + 3 + 1 + 0 + 1 + 3)},
		// 32 KiB clusters (exFAT): data.db 1, x 1, z 1
		{32768, 32768 * (1 + 2 + 1 + 1 + 0 + 1 + 3)},
		{0, 4096 * (1 + 2 + 3 + 1 + 0 + 1 + 3)},
	}
	for _, c := range cases {
		if got := spaceNeeded(m, 500, c.cluster); got != c.want {
			t.Errorf("cluster %d: need %d, want %d", c.cluster, got, c.want)
		}
	}
}

// TestCopyErrorMatches: a CopyError matches its kind and its OS cause.
func TestCopyErrorMatches(t *testing.T) {
	cause := &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}
	ce := classify(cause, t.TempDir(), "data.db")
	if !errors.Is(ce, ErrNoSpace) || !errors.Is(ce, syscall.ENOSPC) || errors.Is(ce, ErrReadOnly) {
		t.Errorf("classify ENOSPC: %v", ce)
	}
	gone := classify(errors.New("some odd failure"), filepath.Join(t.TempDir(), "pulled"), "")
	if !errors.Is(gone, ErrRemoved) {
		t.Errorf("a failure with the drive gone is %v, want removed", gone)
	}
	other := classify(errors.New("some odd failure"), t.TempDir(), "")
	if !errors.Is(other, ErrFailed) {
		t.Errorf("an unknown failure is %v", other)
	}
	if !bytes.Contains([]byte(other.Error()), []byte("some odd failure")) {
		t.Errorf("the cause is lost: %v", other)
	}
}

// BenchmarkCopyVerified copies and verifies a 16 MB backup to a temp folder.
func BenchmarkCopyVerified(b *testing.B) {
	src := makeBackup(b, map[string][]byte{"data.db": randomBytes(16<<20, 5)})
	b.SetBytes(16 << 20)
	b.ReportAllocs()
	for b.Loop() {
		drive := b.TempDir()
		if _, err := CopyVerified(context.Background(), src, drive, nil); err != nil {
			b.Fatal(err)
		}
	}
}
