//go:build !linux && !windows

package drives

import (
	"io"
	"os"
)

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

func syncFS(dir string) error { return nil }

func dropCache(f *os.File) {}

func openVerify(path string) (io.ReadCloser, error) { return os.Open(path) }

func newBuffer() []byte { return make([]byte, bufSize) }
