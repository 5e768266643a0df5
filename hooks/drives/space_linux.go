//go:build linux

package drives

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

func freeSpace(dir string) (free, total int64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, 0, err
	}
	bs := uint64(st.Bsize)
	return clamp(st.Bavail * bs), clamp(st.Blocks * bs), nil
}

// clusterSize is the allocation unit of the file system holding dir (for FAT
// and exFAT, statfs reports the cluster), or 4096 when unknown.
func clusterSize(dir string) int64 {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil || st.Bsize <= 0 {
		return 4096
	}
	return int64(st.Bsize)
}

// fsName is the file system type of the mount that holds dir, from mountinfo
// (the longest mount point that is a prefix of dir), or "" when unknown.
func fsName(dir string) string {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return ""
	}
	f, err := os.Open(hostPaths.mountInfo)
	if err != nil {
		return ""
	}
	defer f.Close()
	mounts, err := parseMountInfo(f)
	if err != nil {
		return ""
	}
	best, fs := -1, ""
	for _, m := range mounts {
		if (real == m.Point || m.Point == "/" || strings.HasPrefix(real, m.Point+"/")) && len(m.Point) >= best { // ">=": a later mount over the same point hides the earlier
			best, fs = len(m.Point), m.FSType
		}
	}
	return fs
}
