//go:build linux

package drives

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestUnescapeUdev(t *testing.T) {
	for in, want := range map[string]string{
		`KINGSTON`:          "KINGSTON",
		`USB\x20DISK`:       "USB DISK",
		`SAO\x20L\xc6\xafU`: "SAO LƯU",
		`bad\x2`:            `bad\x2`,
		`bad\xzz`:           `bad\xzz`,
	} {
		if got := unescapeUdev(in); got != want {
			t.Errorf("unescapeUdev(%q) = %q, want %q", in, got, want)
		}
	}
}

// fakeSystem builds /proc/self/mountinfo, /sys and /dev/disk/by-label for a PC
// with a USB stick, an SD card, a USB hard disk, an internal second disk and
// a stick mounted outside the automount folders.
func fakeSystem(t *testing.T) linuxPaths {
	t.Helper()
	root := t.TempDir()
	sys := filepath.Join(root, "sys")
	dev := filepath.Join(root, "dev")
	mkdev := func(majmin, devpath, removable string) {
		full := filepath.Join(sys, "devices", devpath)
		if err := os.MkdirAll(full, 0o755); err != nil {
			t.Fatal(err)
		}
		if removable != "" {
			// The attribute is on the disk, one folder up from the partition.
			if err := os.WriteFile(filepath.Join(filepath.Dir(full), "removable"), []byte(removable+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		link := filepath.Join(sys, "dev", "block", majmin)
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Dir(link), full)
		if err := os.Symlink(rel, link); err != nil {
			t.Fatal(err)
		}
	}
	mkdev("8:17", "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdb/sdb1", "1")
	mkdev("179:1", "platform/mmc0/mmc_host/mmc0/mmc0:0001/block/mmcblk0/mmcblk0p1", "1")
	mkdev("8:33", "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host7/target7:0:0/7:0:0:0/block/sdc/sdc1", "0")
	mkdev("8:1", "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1", "0")
	mkdev("8:49", "pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/host8/target8:0:0/8:0:0:0/block/sdd/sdd1", "1")

	labels := filepath.Join(dev, "disk", "by-label")
	if err := os.MkdirAll(labels, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{`KINGSTON`: "../../sdb1", `SAO\x20LUU`: "../../sdc1"} {
		if err := os.Symlink(target, filepath.Join(labels, name)); err != nil {
			t.Fatal(err)
		}
	}
	mi := strings.Join([]string{
		"27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw",
		"42 27 8:17 / /media/it/KINGSTON rw,nosuid,nodev,relatime - vfat /dev/sdb1 rw,uid=1000",
		"43 27 179:1 / /run/media/it/SD\\040CARD ro,nosuid - vfat /dev/mmcblk0p1 ro",
		"44 27 8:33 / /mnt/backup rw - exfat /dev/sdc1 rw",
		"45 27 8:1 /home /mnt/home rw - ext4 /dev/sda1 rw",
		"46 27 8:49 / /srv/usb rw - vfat /dev/sdd1 rw",
		"47 27 8:17 / /media/it/KINGSTON-again rw - vfat /dev/sdb1 rw",
		"48 27 0:50 / /media/tmp rw - tmpfs tmpfs rw",
	}, "\n") + "\n"
	info := filepath.Join(root, "mountinfo")
	if err := os.WriteFile(info, []byte(mi), 0o644); err != nil {
		t.Fatal(err)
	}
	return linuxPaths{mountInfo: info, sys: sys, dev: dev, roots: linuxRoots}
}

// TestListLinux: the USB stick, the SD card and the USB hard disk are listed
// with their labels and read-only state; the internal disk, a stick mounted
// outside /media, /run/media and /mnt, a second mount of the same stick and a
// tmpfs are not.
func TestListLinux(t *testing.T) {
	got, err := listLinux(fakeSystem(t))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Path, Label, Device, FS string
		ReadOnly                bool
	}
	var rows []row
	for _, d := range got {
		rows = append(rows, row{d.Path, d.Label, d.Device, d.FS, d.ReadOnly})
	}
	want := []row{
		{"/media/it/KINGSTON", "KINGSTON", "/dev/sdb1", "vfat", false},
		{"/run/media/it/SD CARD", "SD CARD", "/dev/mmcblk0p1", "vfat", true},
		{"/mnt/backup", "SAO LUU", "/dev/sdc1", "exfat", false},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("listed\n%+v\nwant\n%+v", rows, want)
	}
}
