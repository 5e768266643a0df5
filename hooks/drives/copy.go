package drives

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/hooks/backupfmt"
	"motcua/hooks/i18n"
)

// bufSize is the one buffer a copy uses for every file, written and read back:
// memory stays flat whatever the size of the backup.
const bufSize = 1 << 20

// fatMaxFile is the largest file FAT32 can hold (4 GiB - 1).
const fatMaxFile = 1<<32 - 1

// staleCopyAge is the age after which a half-written copy left on a drive by
// another process (a power cut, a pulled stick) is removed by the next copy.
const staleCopyAge = time.Hour

// Phase is the step a copy is at.
type Phase string

// The steps of CopyVerified, in order.
const (
	PhaseCopy   Phase = "copy"   // writing files onto the drive
	PhaseVerify Phase = "verify" // reading them back and checking them
)

// Progress is reported as a copy goes. Done and Total count every byte twice,
// once written and once read back, so one bar covers both phases.
type Progress struct {
	Phase Phase  `json:"phase"`
	File  string `json:"file"`  // the file being written or checked, as in the manifest
	Drive string `json:"drive"` // the drive folder
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
}

// Result is a finished, verified copy: the drive can be pulled out.
type Result struct {
	// Drive is the drive folder copied to.
	Drive string
	// Dir is the copy's folder on the drive, e.g. E:\motcua-20260302-090000.
	Dir string
	// Files is the number of files written and checked, manifest included;
	// Bytes their total size.
	Files int
	Bytes int64
	// Free is the free space left on the drive.
	Free     int64
	Manifest *backupfmt.Manifest
	Took     time.Duration
}

// Text is what staff read once the copy is done, in lang (vi, km, en).
func (r *Result) Text(lang string) string {
	return i18n.T(lang, "drives.copy_ok", "name", filepath.Base(r.Dir), "drive", r.Drive)
}

// Text is what staff read while the copy runs: that the stick must stay in.
func (p Progress) Text(lang string) string {
	if p.Phase == PhaseVerify {
		return i18n.T(lang, "drives.verifying", "drive", p.Drive)
	}
	return i18n.T(lang, "drives.copying", "drive", p.Drive)
}

// copyOptions are CopyVerified's knobs; the unexported ones are for tests.
type copyOptions struct {
	progress func(Progress)
	// afterWrite runs once everything is written and flushed, before the
	// verify pass, with the temp folder (tests damage a byte there).
	afterWrite func(tmp string) error
	// wrapWriter wraps each file's writer (tests inject a fault).
	wrapWriter func(io.Writer) io.Writer
	// space stands in for FreeSpace, fsName for the file system's name (tests).
	space  func(dir string) (free, total int64, err error)
	fsName func(dir string) string
}

// CopyVerified copies the backup folder srcDir (a folder with manifest.json,
// see backupfmt) onto the drive folder dstRoot, checks it, and only then gives
// it its name there. The steps:
//
//   - the source manifest is read and every file it lists checked for size;
//     each file's SHA-256 is checked as it is copied, so a damaged backup never
//     lands on the stick;
//   - the free space is checked first (a *CopyError with ErrNoSpace, Need and
//     Free when short), and files over 4 GiB are refused on FAT32;
//   - files are written under a hidden temporary folder with one fixed buffer,
//     each flushed (fsync) and its folder entries too, the manifest last;
//   - every file is read back from the drive (bypassing the OS cache where it
//     can) and its size and SHA-256 compared with the manifest;
//   - the folder is renamed to the backup's name (name-2, name-3 … when an
//     older copy has it: nothing on the stick is overwritten) and the drive's
//     file system flushed.
//
// On any failure what was half-written is removed and the error (a *CopyError;
// match its kind with errors.Is: ErrNoSpace, ErrReadOnly, ErrRemoved, ErrVerify,
// ErrSource …) says why. progress, when not nil, is called after every chunk.
func CopyVerified(ctx context.Context, srcDir, dstRoot string, progress func(Progress)) (*Result, error) {
	return copyVerified(ctx, srcDir, dstRoot, copyOptions{progress: progress})
}

// active holds the temp folders of copies running in this process, so that
// removeStaleCopies never removes one of them.
var (
	active    sync.Map
	copySeq   atomic.Int64
	errChange = errors.New("changed while it was copied")
)

func copyVerified(ctx context.Context, srcDir, dstRoot string, o copyOptions) (res *Result, err error) {
	start := time.Now()
	if o.space == nil {
		o.space = FreeSpace
	}
	if o.fsName == nil {
		o.fsName = fsName
	}
	dstRoot, err = filepath.Abs(dstRoot)
	if err != nil {
		return nil, newCopyError(ErrFailed, dstRoot, "", err)
	}
	if st, err := os.Stat(dstRoot); err != nil {
		return nil, newCopyError(ErrNotFound, dstRoot, "", err)
	} else if !st.IsDir() {
		return nil, newCopyError(ErrNotFound, dstRoot, "", fmt.Errorf("%s is not a folder", dstRoot))
	}
	manifestBytes, m, err := readSource(srcDir)
	if err != nil {
		return nil, newCopyError(ErrSource, dstRoot, "", err)
	}
	name := m.Name
	if !backupfmt.IsName(name) {
		name = backupfmt.Name(time.Now(), time.Local)
	}
	removeStaleCopies(dstRoot)

	need := spaceNeeded(m, int64(len(manifestBytes)), clusterSize(dstRoot))
	if free, _, err := o.space(dstRoot); err == nil && free < need {
		ce := newCopyError(ErrNoSpace, dstRoot, "", nil)
		ce.Need, ce.Free = need, free
		return nil, ce
	}
	if isFAT(o.fsName(dstRoot)) {
		for _, f := range m.Files {
			if f.Size > fatMaxFile {
				return nil, newCopyError(ErrTooLarge, dstRoot, f.Path, fmt.Errorf("%s is %s; FAT32 holds at most 4 GB a file", f.Path, ByteSize(f.Size)))
			}
		}
	}

	tmp := filepath.Join(dstRoot, fmt.Sprintf("%s%s-copy-%d-%d", backupfmt.TempPrefix, name, os.Getpid(), copySeq.Add(1)))
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, withNeed(classify(err, dstRoot, ""), need, o.space)
	}
	active.Store(tmp, true)
	defer active.Delete(tmp)
	defer func() {
		if err == nil {
			return
		}
		ce := classify(err, dstRoot, "")
		if rmErr := os.RemoveAll(tmp); rmErr != nil {
			ce.Leftover = tmp
		}
		err = withNeed(ce, need, o.space)
	}()

	c := &copier{ctx: ctx, o: o, buf: newBuffer(), drive: dstRoot,
		total: 2 * (m.Size() + int64(len(manifestBytes)))}
	files := append([]backupfmt.File(nil), m.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })

	dirs := map[string]bool{tmp: true}
	for _, f := range files {
		src, err := backupfmt.Local(srcDir, f.Path)
		if err != nil {
			return nil, newCopyError(ErrSource, dstRoot, f.Path, err)
		}
		dst, _ := backupfmt.Local(tmp, f.Path)
		for d := filepath.Dir(dst); !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, classify(err, dstRoot, f.Path)
		}
		if err := c.write(src, dst, f); err != nil {
			return nil, err
		}
	}
	manifestFile := backupfmt.File{Path: backupfmt.ManifestName, Size: int64(len(manifestBytes)), SHA256: sha256Hex(manifestBytes)}
	if err := c.writeFrom(bytes.NewReader(manifestBytes), filepath.Join(tmp, backupfmt.ManifestName), manifestFile); err != nil {
		return nil, err
	}
	if err := syncDirs(dirs); err != nil {
		return nil, classify(err, dstRoot, "")
	}
	if err := syncFS(dstRoot); err != nil {
		return nil, classify(err, dstRoot, "")
	}

	if o.afterWrite != nil {
		if err := o.afterWrite(tmp); err != nil {
			return nil, classify(err, dstRoot, "")
		}
	}
	for _, f := range append(files, manifestFile) {
		p, _ := backupfmt.Local(tmp, f.Path)
		if err := c.verify(p, f); err != nil {
			return nil, err
		}
	}

	final, err := freeName(dstRoot, name)
	if err != nil {
		return nil, classify(err, dstRoot, "")
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, classify(err, dstRoot, "")
	}
	err = syncDir(dstRoot)
	if err == nil {
		err = syncFS(dstRoot)
	}
	if err == nil {
		// A rename is one directory entry on a sound file system, but a driver
		// was seen to drop a renamed folder's contents: look once more.
		err = checkSizes(final, append(files, manifestFile), dstRoot)
	}
	if err != nil {
		// Renamed but not known to be on the stick: do not call it safe.
		ce := classify(err, dstRoot, "")
		if rmErr := os.RemoveAll(final); rmErr != nil {
			ce.Leftover = final
		}
		return nil, ce
	}
	res = &Result{Drive: dstRoot, Dir: final, Files: len(files) + 1, Bytes: c.total / 2, Manifest: m, Took: time.Since(start)}
	res.Free, _, _ = o.space(dstRoot)
	return res, nil
}

// withNeed fills in the space figures of a no-space error found while writing.
func withNeed(ce *CopyError, need int64, space func(string) (int64, int64, error)) *CopyError {
	if errors.Is(ce, ErrNoSpace) && ce.Need == 0 {
		ce.Need = need
		ce.Free, _, _ = space(ce.Drive)
	}
	return ce
}

// readSource reads and checks the backup's manifest and that every file it
// lists is there with its size. The manifest's bytes are copied as they are.
func readSource(dir string) ([]byte, *backupfmt.Manifest, error) {
	f, err := os.Open(filepath.Join(dir, backupfmt.ManifestName))
	if err != nil {
		return nil, nil, fmt.Errorf("read backup %s: %w", dir, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, backupfmt.MaxManifestSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read backup manifest: %w", err)
	}
	m, err := backupfmt.ReadManifest(bytes.NewReader(b))
	if err != nil {
		return nil, nil, err
	}
	for _, file := range m.Files {
		p, err := backupfmt.Local(dir, file.Path)
		if err != nil {
			return nil, nil, err
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file.Path, err)
		}
		if !st.Mode().IsRegular() || st.Size() != file.Size {
			return nil, nil, fmt.Errorf("%s: size %d, manifest says %d", file.Path, st.Size(), file.Size)
		}
	}
	return b, m, nil
}

// spaceNeeded is what the copy takes on a drive with the given cluster size:
// each file rounded up to whole clusters, a cluster per folder, and one spare.
func spaceNeeded(m *backupfmt.Manifest, manifestSize, cluster int64) int64 {
	if cluster <= 0 {
		cluster = 4096
	}
	round := func(n int64) int64 { return (n + cluster - 1) / cluster * cluster }
	dirs := map[string]bool{}
	total := round(manifestSize) + 2*cluster // the manifest, the copy's folder, a spare
	for _, f := range m.Files {
		total += round(f.Size)
		for d := filepath.Dir(filepath.FromSlash(f.Path)); d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
			total += cluster
		}
	}
	return total
}

func isFAT(fs string) bool {
	switch strings.ToLower(fs) {
	case "vfat", "msdos", "fat", "fat12", "fat16", "fat32", "fuse.fusefat":
		return true
	}
	return false
}

// copier writes and reads back the files of one copy with one buffer.
type copier struct {
	ctx   context.Context
	o     copyOptions
	buf   []byte
	drive string
	done  int64
	total int64
}

func (c *copier) report(phase Phase, file string) {
	if c.o.progress != nil {
		c.o.progress(Progress{Phase: phase, File: file, Drive: c.drive, Done: c.done, Total: c.total})
	}
}

// write copies src to dst, checking what was read against the manifest entry.
func (c *copier) write(src, dst string, f backupfmt.File) error {
	in, err := os.Open(src)
	if err != nil {
		return newCopyError(ErrSource, c.drive, f.Path, err)
	}
	defer in.Close()
	return c.writeFrom(in, dst, f)
}

func (c *copier) writeFrom(in io.Reader, dst string, f backupfmt.File) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return classify(err, c.drive, f.Path)
	}
	h := sha256.New()
	var w io.Writer = out
	if c.o.wrapWriter != nil {
		w = c.o.wrapWriter(out)
	}
	var n int64
	for {
		if err := c.ctx.Err(); err != nil {
			out.Close()
			return newCopyError(ErrCanceled, c.drive, f.Path, err)
		}
		k, rerr := in.Read(c.buf)
		if k > 0 {
			if _, err := w.Write(c.buf[:k]); err != nil {
				out.Close()
				return classify(err, c.drive, f.Path)
			}
			h.Write(c.buf[:k])
			n += int64(k)
			c.done += int64(k)
			c.report(PhaseCopy, f.Path)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			out.Close()
			return newCopyError(ErrSource, c.drive, f.Path, rerr)
		}
		if n > f.Size {
			break // grew meanwhile: caught below without reading it all
		}
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		out.Close()
		return newCopyError(ErrSource, c.drive, f.Path, fmt.Errorf("%s %w (size %d, manifest says %d, or its SHA-256 differs)", f.Path, errChange, n, f.Size))
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return classify(err, c.drive, f.Path)
	}
	dropCache(out)
	if err := out.Close(); err != nil {
		return classify(err, c.drive, f.Path)
	}
	return nil
}

// verify reads a written file back from the drive and compares it with the
// manifest entry.
func (c *copier) verify(p string, f backupfmt.File) error {
	in, err := openVerify(p)
	if err != nil {
		return classify(err, c.drive, f.Path)
	}
	defer in.Close()
	h := sha256.New()
	var n int64
	for {
		if err := c.ctx.Err(); err != nil {
			return newCopyError(ErrCanceled, c.drive, f.Path, err)
		}
		k, rerr := in.Read(c.buf)
		if k > 0 {
			h.Write(c.buf[:k])
			n += int64(k)
			c.done += int64(k)
			c.report(PhaseVerify, f.Path)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return classify(rerr, c.drive, f.Path)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != f.Size || got != f.SHA256 {
		return newCopyError(ErrVerify, c.drive, f.Path,
			fmt.Errorf("read back %d bytes with SHA-256 %s, manifest says %d bytes, %s", n, got, f.Size, f.SHA256))
	}
	return nil
}

// checkSizes checks that every file is in dir with its size (metadata only).
func checkSizes(dir string, files []backupfmt.File, drive string) error {
	for _, f := range files {
		p, _ := backupfmt.Local(dir, f.Path)
		st, err := os.Stat(p)
		if err != nil {
			if kind := osErrKind(err); kind != nil || !driveThere(drive) {
				return classify(err, drive, f.Path)
			}
			return newCopyError(ErrVerify, drive, f.Path, fmt.Errorf("missing after the rename: %w", err))
		}
		if st.Size() != f.Size {
			return newCopyError(ErrVerify, drive, f.Path, fmt.Errorf("size %d after the rename, manifest says %d", st.Size(), f.Size))
		}
	}
	return nil
}

// syncDirs flushes the folders of a copy, deepest first.
func syncDirs(dirs map[string]bool) error {
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, d := range list {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// freeName is root/name, or root/name-2, -3 … when a copy of that name is there.
func freeName(root, name string) (string, error) {
	for i := 1; i < 1000; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s-%d", name, i)
		}
		p := filepath.Join(root, n)
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name for %s in %s", name, root)
}

// removeStaleCopies removes half-written copies left on the drive: this
// process's own failed ones at once, another process's after staleCopyAge.
func removeStaleCopies(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	own := fmt.Sprintf("-copy-%d-", os.Getpid())
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || !strings.HasPrefix(n, backupfmt.TempPrefix+backupfmt.Prefix) || !strings.Contains(n, "-copy-") {
			continue
		}
		p := filepath.Join(root, n)
		if _, running := active.Load(p); running {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if strings.Contains(n, own) || time.Since(info.ModTime()) > staleCopyAge {
			_ = os.RemoveAll(p)
		}
	}
}

// driveThere reports whether the drive folder still exists.
func driveThere(dir string) bool {
	_, err := os.Stat(dir)
	return err == nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
