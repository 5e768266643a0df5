//go:build !windows

package drives

import (
	"errors"
	"syscall"
)

// osErrKind maps an errno from a file operation to a copy failure kind, or nil.
func osErrKind(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return ErrNoSpace
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return ErrReadOnly
	case errors.Is(err, syscall.EFBIG):
		return ErrTooLarge
	// A FUSE stick whose daemon died answers ENOTCONN; a USB device pulled
	// from under the kernel answers EIO, ENODEV or ENXIO.
	case errors.Is(err, syscall.ENOTCONN), errors.Is(err, syscall.EIO),
		errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return ErrRemoved
	}
	return nil
}
