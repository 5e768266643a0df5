//go:build linux

package drives

import (
	"os"
	"path/filepath"
	"strings"
)

// linuxRoots are where desktop automounters (udisks) and IT people mount sticks.
var linuxRoots = []string{"/media", "/run/media", "/mnt"}

// sysfs and devfs roots; tests point them at a fake tree.
type linuxPaths struct {
	mountInfo string // /proc/self/mountinfo
	sys       string // /sys
	dev       string // /dev
	roots     []string
}

var hostPaths = linuxPaths{mountInfo: "/proc/self/mountinfo", sys: "/sys", dev: "/dev", roots: linuxRoots}

func listPlatform() ([]Drive, error) { return listLinux(hostPaths) }

// listLinux joins the mounts under the automount roots with sysfs: a mount is a
// removable drive when its block device (or the disk it is a partition of) says
// removable=1 or sits on the USB bus (USB hard disks say removable=0).
func listLinux(p linuxPaths) ([]Drive, error) {
	f, err := os.Open(p.mountInfo)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mounts, err := parseMountInfo(f)
	if err != nil {
		return nil, err
	}
	labels := readLabels(filepath.Join(p.dev, "disk", "by-label"))
	var out []Drive
	seenDev := map[string]bool{}
	for _, m := range mounts {
		if !underRoots(m.Point, p.roots) || seenDev[m.MajMin] {
			continue
		}
		dev, ok := removableBlock(p.sys, m.MajMin)
		if !ok {
			continue
		}
		seenDev[m.MajMin] = true
		d := Drive{
			Path:     m.Point,
			Device:   m.Source,
			FS:       m.FSType,
			ReadOnly: hasOption(m.Options, "ro") || hasOption(m.SuperOptions, "ro"),
		}
		d.Label = labels[dev]
		if d.Label == "" {
			d.Label = filepath.Base(m.Point)
		}
		d.Free, d.Total, _ = freeSpace(m.Point)
		out = append(out, d)
	}
	return out, nil
}

// underRoots reports whether point is strictly inside one of roots.
func underRoots(point string, roots []string) bool {
	for _, r := range roots {
		if strings.HasPrefix(point, r+"/") {
			return true
		}
	}
	return false
}

// removableBlock looks up /sys/dev/block/<maj:min> and reports the kernel name
// of the device ("sdb1") and whether it is removable or on the USB bus.
func removableBlock(sys, majmin string) (string, bool) {
	real, err := filepath.EvalSymlinks(filepath.Join(sys, "dev", "block", majmin))
	if err != nil {
		return "", false
	}
	name := filepath.Base(real)
	if strings.Contains(filepath.ToSlash(real), "/usb") {
		return name, true
	}
	for _, dir := range []string{real, filepath.Dir(real)} { // the partition, then its disk
		b, err := os.ReadFile(filepath.Join(dir, "removable"))
		if err == nil {
			return name, strings.TrimSpace(string(b)) == "1"
		}
	}
	return name, false
}

// readLabels maps kernel device names ("sdb1") to volume labels from udev's
// /dev/disk/by-label links, whose names escape spaces and odd bytes as \x20.
func readLabels(dir string) map[string]string {
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		out[filepath.Base(target)] = unescapeUdev(e.Name())
	}
	return out
}

// unescapeUdev decodes udev's \xHH escapes; a malformed escape is kept as is.
func unescapeUdev(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, ok := hexByte(s[i+2], s[i+3]); ok {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexDigit(hi)
	l, ok2 := hexDigit(lo)
	return h<<4 | l, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
