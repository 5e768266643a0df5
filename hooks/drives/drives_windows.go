//go:build windows

package drives

import (
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// listPlatform lists the drive letters Windows calls DRIVE_REMOVABLE (USB
// sticks, SD cards) that have a medium in them. USB hard disks are usually
// DRIVE_FIXED and are left out: name them in OverrideEnv.
func listPlatform() ([]Drive, error) {
	// An empty card reader must not pop up "There is no disk in the drive"
	// on the server's desktop.
	old := windows.SetErrorMode(windows.SEM_FAILCRITICALERRORS | windows.SEM_NOOPENFILEERRORBOX)
	defer windows.SetErrorMode(old)

	buf := make([]uint16, 256)
	n, err := windows.GetLogicalDriveStrings(uint32(len(buf)), &buf[0])
	if err != nil {
		return nil, err
	}
	if int(n) > len(buf) {
		buf = make([]uint16, n)
		if n, err = windows.GetLogicalDriveStrings(uint32(len(buf)), &buf[0]); err != nil {
			return nil, err
		}
	}
	var out []Drive
	for _, root := range splitMultiSz(buf[:n]) {
		p, err := windows.UTF16PtrFromString(root)
		if err != nil {
			continue
		}
		if windows.GetDriveType(p) != windows.DRIVE_REMOVABLE {
			continue
		}
		label, fs, flags, err := volumeInfo(root)
		if err != nil {
			continue // no medium in the reader
		}
		d := Drive{Path: root, Label: label, FS: fs, ReadOnly: flags&windows.FILE_READ_ONLY_VOLUME != 0}
		if d.Label == "" {
			d.Label = strings.TrimSuffix(root, `\`)
		}
		d.Free, d.Total, _ = freeSpace(root)
		out = append(out, d)
	}
	return out, nil
}

// splitMultiSz splits "C:\<NUL>E:\<NUL><NUL>" into its strings.
func splitMultiSz(b []uint16) []string {
	var out []string
	start := 0
	for i, c := range b {
		if c == 0 {
			if i > start {
				out = append(out, windows.UTF16ToString(b[start:i]))
			}
			start = i + 1
		}
	}
	return out
}

func volumeInfo(root string) (label, fs string, flags uint32, err error) {
	p, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return "", "", 0, err
	}
	var name, fsName [windows.MAX_PATH + 1]uint16
	var serial, maxLen uint32
	if err := windows.GetVolumeInformation(p, &name[0], uint32(len(name)), &serial, &maxLen, &flags, &fsName[0], uint32(len(fsName))); err != nil {
		return "", "", 0, err
	}
	return windows.UTF16ToString(name[:]), windows.UTF16ToString(fsName[:]), flags, nil
}

// volumeRoot is the root ("E:\") of the volume that holds dir.
func volumeRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	p, err := windows.UTF16PtrFromString(abs)
	if err != nil {
		return "", err
	}
	var buf [windows.MAX_PATH + 1]uint16
	if err := windows.GetVolumePathName(p, &buf[0], uint32(len(buf))); err != nil {
		return "", err
	}
	return windows.UTF16ToString(buf[:]), nil
}

func freeSpace(dir string) (free, total int64, err error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, 0, err
	}
	var avail, tot, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &tot, &totalFree); err != nil {
		return 0, 0, err
	}
	return clamp(avail), clamp(tot), nil
}

var procGetDiskFreeSpaceW = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetDiskFreeSpaceW")

// clusterSize is the allocation unit of the volume holding dir (x/sys/windows
// wraps only GetDiskFreeSpaceExW, which does not tell it), or 4096.
func clusterSize(dir string) int64 {
	root, err := volumeRoot(dir)
	if err != nil {
		return 4096
	}
	p, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return 4096
	}
	var spc, bps, freeC, totalC uint32
	r, _, _ := procGetDiskFreeSpaceW.Call(uintptr(unsafe.Pointer(p)),
		uintptr(unsafe.Pointer(&spc)), uintptr(unsafe.Pointer(&bps)),
		uintptr(unsafe.Pointer(&freeC)), uintptr(unsafe.Pointer(&totalC)))
	if r == 0 || spc == 0 || bps == 0 {
		return 4096
	}
	return int64(spc) * int64(bps)
}

func fsName(dir string) string {
	root, err := volumeRoot(dir)
	if err != nil {
		return ""
	}
	_, fs, _, err := volumeInfo(root)
	if err != nil {
		return ""
	}
	return fs
}
