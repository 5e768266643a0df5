//go:build windows

package drives

import (
	"errors"
	"io"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// syncDir is a no-op: Windows cannot open a folder to flush it; the volume
// flush in syncFS covers the folder entries.
func syncDir(dir string) error { return nil }

// syncFS flushes the whole volume holding dir (\\.\E:), which needs
// administrator rights: the service runs as LocalSystem and has them. Without
// them it is skipped; removable drives use Windows' "quick removal" policy by
// default (no write cache), and every file was already flushed.
func syncFS(dir string) error {
	root, err := volumeRoot(dir)
	if err != nil {
		return nil
	}
	letter := strings.TrimSuffix(root, `\`)
	if len(letter) != 2 || letter[1] != ':' {
		return nil // a mounted folder or UNC path: no volume handle to flush
	}
	p, err := windows.UTF16PtrFromString(`\\.\` + letter)
	if err != nil {
		return nil
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil // not an administrator
	}
	defer windows.CloseHandle(h)
	if err := windows.FlushFileBuffers(h); err != nil && !errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return err
	}
	return nil
}

func dropCache(f *os.File) {}

// alignment of the verify buffer: FILE_FLAG_NO_BUFFERING reads need a buffer
// and a length that are multiples of the sector size (512 or 4096).
const alignment = 4096

// newBuffer is a bufSize buffer aligned for unbuffered reads.
func newBuffer() []byte {
	b := make([]byte, bufSize+alignment)
	off := alignment - int(uintptr(unsafe.Pointer(&b[0]))%alignment)
	if off == alignment {
		off = 0
	}
	return b[off : off+bufSize]
}

// openVerify opens a written file so that reads bypass the file cache and come
// from the stick. A file system that refuses unbuffered reads falls back to an
// ordinary open.
func openVerify(path string) (io.ReadCloser, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, windows.FILE_SHARE_READ, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_NO_BUFFERING|windows.FILE_FLAG_SEQUENTIAL_SCAN, 0)
	if err != nil {
		return os.Open(path)
	}
	return &uncached{f: os.NewFile(uintptr(h), path), path: path}, nil
}

// uncached reads through FILE_FLAG_NO_BUFFERING; on ERROR_INVALID_PARAMETER at
// the first read (a buffer or size the volume will not take) it reopens the
// file cached.
type uncached struct {
	f    *os.File
	path string
	read bool
}

func (u *uncached) Read(p []byte) (int, error) {
	n, err := u.f.Read(p)
	if err != nil && !u.read && errors.Is(err, windows.ERROR_INVALID_PARAMETER) {
		u.f.Close()
		f, oerr := os.Open(u.path)
		if oerr != nil {
			return 0, oerr
		}
		u.f = f
		n, err = u.f.Read(p)
	}
	u.read = true
	return n, err
}

func (u *uncached) Close() error { return u.f.Close() }
