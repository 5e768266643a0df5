//go:build windows

package drives

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// osErrKind maps a Windows error from a file operation to a copy failure kind,
// or nil.
func osErrKind(err error) error {
	is := func(codes ...syscall.Errno) bool {
		for _, c := range codes {
			if errors.Is(err, c) {
				return true
			}
		}
		return false
	}
	switch {
	case is(windows.ERROR_DISK_FULL, windows.ERROR_HANDLE_DISK_FULL, syscall.ENOSPC):
		return ErrNoSpace
	case is(windows.ERROR_WRITE_PROTECT, windows.ERROR_ACCESS_DENIED, syscall.EROFS):
		return ErrReadOnly
	case is(windows.ERROR_FILE_TOO_LARGE):
		return ErrTooLarge
	case is(windows.ERROR_NOT_READY, windows.ERROR_DEV_NOT_EXIST, windows.ERROR_DEVICE_NOT_CONNECTED,
		windows.ERROR_GEN_FAILURE, windows.ERROR_NO_SUCH_DEVICE, windows.ERROR_FILE_INVALID):
		return ErrRemoved
	}
	return nil
}
