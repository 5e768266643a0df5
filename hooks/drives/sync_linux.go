//go:build linux

package drives

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// syncDir flushes a folder's entries (new and renamed names) to the drive.
// File systems that cannot sync a folder (EINVAL) keep their entries with the
// file data, which syncFS flushes.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTSUP) && !errors.Is(err, unix.ENOSYS) {
		return err
	}
	return nil
}

// syncFS flushes everything pending on the file system holding dir (the FAT
// tables of a stick included) before the copy is called safe to pull out.
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}

// dropCache asks the kernel to forget the (already synced) pages of f, so the
// verify pass reads what the stick really holds, not the page cache. A fake
// "64 GB" stick that silently drops writes past its real size is caught this way.
func dropCache(f *os.File) {
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}

// openVerify opens a written file for the verify pass, from the device.
func openVerify(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	dropCache(f)
	return f, nil
}

func newBuffer() []byte { return make([]byte, bufSize) }
