package drives

import (
	"errors"
	"fmt"
	"strings"

	"motcua/hooks/i18n"
)

// What went wrong with a copy; match with errors.Is on the error CopyVerified
// returns (a *CopyError).
var (
	// ErrNoSpace: the drive has less free space than the copy needs.
	ErrNoSpace = errors.New("not enough space on the drive")
	// ErrReadOnly: the drive is write-protected or mounted read-only.
	ErrReadOnly = errors.New("the drive is read-only")
	// ErrRemoved: the drive went away during the copy (stick pulled).
	ErrRemoved = errors.New("the drive was removed during the copy")
	// ErrNotFound: the drive's folder does not exist (not plugged in).
	ErrNotFound = errors.New("the drive is not there")
	// ErrVerify: what was read back from the drive differs from the backup.
	ErrVerify = errors.New("the copy on the drive does not match the backup")
	// ErrSource: the backup folder is incomplete, damaged or changed meanwhile.
	ErrSource = errors.New("the backup folder is damaged or changed during the copy")
	// ErrTooLarge: a file is over the drive's file size limit (4 GiB on FAT32).
	ErrTooLarge = errors.New("a file is too large for the drive's file system")
	// ErrCanceled: the context was canceled.
	ErrCanceled = errors.New("the copy was canceled")
	// ErrFailed: anything else.
	ErrFailed = errors.New("the copy failed")
)

// CopyError is a failed copy: its Kind (one of the Err… values), the i18n key
// of the message shown to staff, the file or folder concerned, and the cause.
type CopyError struct {
	Kind  error
	Key   string // "drives.no_space" …
	Drive string // the drive folder copied to
	Path  string // the file concerned, relative to the backup ("" for the whole copy)
	// Need and Free are set for ErrNoSpace: bytes the copy needs, bytes free.
	Need, Free int64
	// Leftover is a half-written folder on the drive that could not be removed
	// (the stick was pulled); the next copy to that drive removes it.
	Leftover string
	Err      error
}

var kindKeys = map[error]string{
	ErrNoSpace:  "drives.no_space",
	ErrReadOnly: "drives.read_only",
	ErrRemoved:  "drives.removed",
	ErrNotFound: "drives.not_found",
	ErrVerify:   "drives.verify_failed",
	ErrSource:   "drives.source_damaged",
	ErrTooLarge: "drives.too_large",
	ErrCanceled: "drives.canceled",
	ErrFailed:   "drives.failed",
}

func newCopyError(kind error, drive, path string, err error) *CopyError {
	return &CopyError{Kind: kind, Key: kindKeys[kind], Drive: drive, Path: path, Err: err}
}

// Error is the English message with the cause, for logs and the console.
func (e *CopyError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Kind == ErrNoSpace {
		fmt.Fprintf(&b, " (needs %s, %s free)", ByteSize(e.Need), ByteSize(e.Free))
	}
	if e.Path != "" {
		b.WriteString(": " + e.Path)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Leftover != "" {
		b.WriteString("; the partial copy " + e.Leftover + " could not be removed")
	}
	return b.String()
}

// Unwrap lets errors.Is match both the kind and the OS error.
func (e *CopyError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Args are the placeholder name/value pairs of Key.
func (e *CopyError) Args() []any {
	return []any{"drive", e.Drive, "file", e.Path, "need", ByteSize(e.Need), "free", ByteSize(e.Free)}
}

// Text is the message for staff in lang (vi, km, en), without the cause, and
// with a line about a leftover folder when there is one.
func (e *CopyError) Text(lang string) string {
	s := i18n.T(lang, e.Key, e.Args()...)
	if e.Leftover != "" {
		s += " " + i18n.T(lang, "drives.leftover", "dir", e.Leftover)
	}
	return s
}

// classify turns an error from a file operation on the drive into a CopyError.
// drive is the drive folder: if it is gone, the stick was pulled, whatever
// error the OS gave.
func classify(err error, drive, path string) *CopyError {
	var ce *CopyError
	if errors.As(err, &ce) {
		return ce
	}
	kind := osErrKind(err)
	if kind == nil && !driveThere(drive) {
		kind = ErrRemoved
	}
	if kind == nil {
		kind = ErrFailed
	}
	return newCopyError(kind, drive, path, err)
}

// ByteSize writes n for people: "1.5 GB", "320 KB".
func ByteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
