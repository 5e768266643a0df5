// Package drives finds the removable drives (USB sticks, SD cards) plugged into
// the office PC and copies a backup onto one so that it is safe to pull out:
// every file is written under a temporary name, flushed to the stick, read back
// and checked against the backup's manifest (sizes and SHA-256) before the copy
// gets its real name. It also reports the free space of any folder, for the
// "disk nearly full" warning. It needs no database and no PocketBase app.
//
// Listing is per platform: on Windows the drive letters whose type is
// DRIVE_REMOVABLE; on Linux the mounts under /media, /run/media and /mnt whose
// block device is removable or sits on the USB bus. Folders named in the
// MOTCUA_REMOVABLE_DIRS environment variable (or passed to ListWith) are listed
// too, for tests and for PCs whose card reader or USB disk the OS calls fixed.
package drives

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// OverrideEnv is the environment variable that names extra folders to treat as
// removable drives, separated by the OS's list separator (";" on Windows, ":"
// elsewhere). A folder that does not exist (a stick not plugged in) is left out.
const OverrideEnv = "MOTCUA_REMOVABLE_DIRS"

// Drive is one removable drive, or a folder treated as one.
type Drive struct {
	// Path is where files go: the mount point on Linux, the drive root ("E:\")
	// on Windows, or the override folder.
	Path string `json:"path"`
	// Label is the volume label, or the folder's name when the drive has none.
	Label string `json:"label"`
	// Device is the block device on Linux ("/dev/sdb1"); empty elsewhere.
	Device string `json:"device,omitempty"`
	// FS is the file system ("vfat", "exfat", "FAT32", "NTFS"), when known.
	FS string `json:"fs,omitempty"`
	// Free and Total are in bytes; Free is what this process may use.
	Free  int64 `json:"free"`
	Total int64 `json:"total"`
	// ReadOnly is set for a write-protected stick or a read-only mount.
	ReadOnly bool `json:"read_only"`
	// Override is set for a folder listed through OverrideEnv or ListWith.
	Override bool `json:"override,omitempty"`
}

// List returns the removable drives plugged in now, then the folders named in
// OverrideEnv, sorted by path.
func List() ([]Drive, error) {
	return ListWith(filepath.SplitList(os.Getenv(OverrideEnv)))
}

// ListWith is List with extra folders to treat as removable drives (in place
// of the environment variable). A platform listing that fails still returns
// the extra folders, with the error.
func ListWith(extra []string) ([]Drive, error) {
	found, err := listPlatform()
	if err != nil {
		err = fmt.Errorf("list removable drives: %w", err)
	}
	seen := map[string]bool{}
	for _, d := range found {
		seen[filepath.Clean(d.Path)] = true
	}
	for _, dir := range extra {
		dir = strings.TrimSpace(dir)
		if dir == "" {
			continue
		}
		d, ok := overrideDrive(dir)
		if !ok || seen[d.Path] {
			continue
		}
		seen[d.Path] = true
		found = append(found, d)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Path < found[j].Path })
	return found, err
}

// overrideDrive describes an existing folder as a drive.
func overrideDrive(dir string) (Drive, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Drive{}, false
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return Drive{}, false
	}
	d := Drive{Path: abs, Label: filepath.Base(abs), Override: true}
	d.Free, d.Total, _ = FreeSpace(abs)
	d.FS = fsName(abs)
	return d, true
}

// FreeSpace returns the bytes free for this process and the total size of the
// file system that holds dir.
func FreeSpace(dir string) (free, total int64, err error) {
	free, total, err = freeSpace(dir)
	if err != nil {
		return 0, 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	return free, total, nil
}

// ErrNoDrive is returned by Find for a path that is not a listed drive.
var ErrNoDrive = errors.New("not a removable drive")

// Find returns the listed drive (List) whose Path is path, so a request naming
// a drive can be checked against what is really plugged in.
func Find(path string) (Drive, error) {
	drives, err := List()
	want := filepath.Clean(path)
	for _, d := range drives {
		if filepath.Clean(d.Path) == want {
			return d, nil
		}
	}
	if err != nil {
		return Drive{}, err
	}
	return Drive{}, fmt.Errorf("%w: %s", ErrNoDrive, path)
}

// clamp turns an unsigned byte count from the OS into an int64.
func clamp(n uint64) int64 {
	if n > 1<<62 {
		return 1 << 62
	}
	return int64(n)
}
