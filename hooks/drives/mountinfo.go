package drives

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// mount is one line of /proc/self/mountinfo (proc(5)).
type mount struct {
	MajMin       string // "8:17"
	Root         string // the folder of the file system mounted here ("/" for a whole one)
	Point        string // the mount point, unescaped
	Options      string // per-mount options ("rw,nosuid")
	FSType       string // "vfat"
	Source       string // "/dev/sdb1"
	SuperOptions string
}

// Bounds on what parseMountInfo reads: a PC has tens of mounts, a container
// host a few thousand.
const (
	maxMountLine  = 16 << 10
	maxMountLines = 20000
)

var errMountInfo = errors.New("mountinfo: malformed line")

// parseMountInfo reads the mountinfo format:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//
// with the optional fields (up to the "-") skipped and the octal escapes of
// paths (\040 for a space) decoded. A malformed line is an error naming it:
// the kernel writes this file, so anything else means the wrong file was read.
func parseMountInfo(r io.Reader) ([]mount, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxMountLine)
	var out []mount
	for n := 1; sc.Scan(); n++ {
		if n > maxMountLines {
			return nil, fmt.Errorf("mountinfo: more than %d lines", maxMountLines)
		}
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		m, err := parseMountLine(line)
		if err != nil {
			return nil, fmt.Errorf("%w %d: %v", errMountInfo, n, err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	return out, nil
}

func parseMountLine(line string) (mount, error) {
	f := strings.Fields(line)
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if sep < 0 || len(f) < sep+3 {
		return mount{}, errors.New("no separator or too few fields")
	}
	if !isMajMin(f[2]) {
		return mount{}, fmt.Errorf("device %q is not major:minor", f[2])
	}
	root, err := unescapeMount(f[3])
	if err != nil {
		return mount{}, err
	}
	point, err := unescapeMount(f[4])
	if err != nil {
		return mount{}, err
	}
	if !strings.HasPrefix(point, "/") {
		return mount{}, fmt.Errorf("mount point %q is not absolute", point)
	}
	source, err := unescapeMount(f[sep+2])
	if err != nil {
		return mount{}, err
	}
	m := mount{MajMin: f[2], Root: root, Point: point, Options: f[5], FSType: f[sep+1], Source: source}
	if len(f) > sep+3 {
		m.SuperOptions = f[sep+3]
	}
	return m, nil
}

func isMajMin(s string) bool {
	maj, min, ok := strings.Cut(s, ":")
	return ok && isDigits(maj) && isDigits(min) && len(maj) <= 10 && len(min) <= 10
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// unescapeMount decodes the kernel's \ooo escapes (space, tab, newline,
// backslash) in a mountinfo path.
func unescapeMount(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+4 > len(s) {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		v := 0
		for _, d := range s[i+1 : i+4] {
			if d < '0' || d > '7' {
				return "", fmt.Errorf("bad escape in %q", s)
			}
			v = v*8 + int(d-'0')
		}
		if v > 0xff {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		b.WriteByte(byte(v))
		i += 3
	}
	return b.String(), nil
}

// hasOption reports whether a comma-separated option list has opt.
func hasOption(list, opt string) bool {
	for _, o := range strings.Split(list, ",") {
		if o == opt {
			return true
		}
	}
	return false
}
