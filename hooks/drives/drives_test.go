package drives

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListOverride: folders named in MOTCUA_REMOVABLE_DIRS are listed as
// drives with their free and total space; one that does not exist (a stick not
// plugged in) is left out, and a name given twice is listed once.
func TestListOverride(t *testing.T) {
	a := filepath.Join(t.TempDir(), "USB A")
	b := t.TempDir()
	if err := os.Mkdir(a, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "not-plugged")
	t.Setenv(OverrideEnv, strings.Join([]string{a, missing, "", b, a}, string(os.PathListSeparator)))
	drives, err := List()
	if err != nil {
		t.Logf("platform listing: %v", err) // the override folders come anyway
	}
	var got []Drive
	for _, d := range drives {
		if d.Override {
			got = append(got, d)
		}
	}
	if len(got) != 2 {
		t.Fatalf("override drives %+v, want %s and %s", got, a, b)
	}
	for _, d := range got {
		if d.Path != a && d.Path != b {
			t.Errorf("unexpected drive %+v", d)
		}
		if d.Free <= 0 || d.Total < d.Free {
			t.Errorf("%s: free %d total %d", d.Path, d.Free, d.Total)
		}
		if d.Path == a && d.Label != "USB A" {
			t.Errorf("label %q, want the folder name", d.Label)
		}
	}
	found, err := Find(a)
	if err != nil || found.Path != a {
		t.Errorf("Find(%s) = %+v, %v", a, found, err)
	}
	if _, err := Find(missing); err == nil {
		t.Errorf("Find(%s) found a drive that is not there", missing)
	}
}

// TestFreeSpace: the free space of a folder is positive and below the total;
// on a 1 MiB tmpfs the total is 1 MiB; a missing folder is an error.
func TestFreeSpace(t *testing.T) {
	free, total, err := FreeSpace(t.TempDir())
	if err != nil || free <= 0 || total < free {
		t.Errorf("FreeSpace(temp) = %d, %d, %v", free, total, err)
	}
	if _, _, err := FreeSpace(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("FreeSpace of a missing folder gave no error")
	}
	t.Run("tmpfs", func(t *testing.T) {
		dir := mountTmpfs(t, "size=1m")
		free, total, err := FreeSpace(dir)
		if err != nil || total != 1<<20 || free != 1<<20 {
			t.Errorf("FreeSpace(1 MiB tmpfs) = %d, %d, %v", free, total, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "x"), make([]byte, 300_000), 0o644); err != nil {
			t.Fatal(err)
		}
		after, _, _ := FreeSpace(dir)
		if after > free-300_000 {
			t.Errorf("free %d after writing 300 KB, was %d", after, free)
		}
	})
}

func TestParseMountInfo(t *testing.T) {
	cases := []struct {
		name, line string
		want       mount
		bad        bool
	}{
		{"plain", "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
			mount{MajMin: "98:0", Root: "/mnt1", Point: "/mnt2", Options: "rw,noatime", FSType: "ext3", Source: "/dev/root", SuperOptions: "rw,errors=continue"}, false},
		{"no optional fields", "42 27 8:17 / /media/it/KINGSTON rw,nosuid,nodev - vfat /dev/sdb1 rw,uid=1000",
			mount{MajMin: "8:17", Root: "/", Point: "/media/it/KINGSTON", Options: "rw,nosuid,nodev", FSType: "vfat", Source: "/dev/sdb1", SuperOptions: "rw,uid=1000"}, false},
		{"space escaped", `50 27 8:33 / /media/it/USB\040DISK rw - exfat /dev/sdc1 rw`,
			mount{MajMin: "8:33", Root: "/", Point: "/media/it/USB DISK", Options: "rw", FSType: "exfat", Source: "/dev/sdc1", SuperOptions: "rw"}, false},
		{"two optional fields", "51 27 8:49 / /mnt/x ro shared:5 master:2 - vfat /dev/sdd1 ro",
			mount{MajMin: "8:49", Root: "/", Point: "/mnt/x", Options: "ro", FSType: "vfat", Source: "/dev/sdd1", SuperOptions: "ro"}, false},
		{"no super options", "52 27 0:40 / /run/user tmpfs - tmpfs tmpfs",
			mount{MajMin: "0:40", Root: "/", Point: "/run/user", Options: "tmpfs", FSType: "tmpfs", Source: "tmpfs"}, false},
		{"no separator", "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw", mount{}, true},
		{"bad device", "36 35 sda /mnt1 /mnt2 rw - ext3 /dev/root rw", mount{}, true},
		{"relative point", "36 35 8:1 / mnt rw - ext3 /dev/root rw", mount{}, true},
		{"bad escape", `36 35 8:1 / /mnt/a\04 rw - ext3 /dev/root rw`, mount{}, true},
		{"escape over a byte", `36 35 8:1 / /mnt/a\777 rw - ext3 /dev/root rw`, mount{}, true},
		{"too short", "36 35 8:1", mount{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms, err := parseMountInfo(strings.NewReader(c.line + "\n"))
			if c.bad {
				if err == nil {
					t.Fatalf("accepted %q as %+v", c.line, ms)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 1 || ms[0] != c.want {
				t.Errorf("got %+v\nwant %+v", ms, c.want)
			}
		})
	}
}

// FuzzParseMountInfo: whatever the bytes, the parser does not panic, and what
// it accepts has an absolute mount point and a major:minor device.
func FuzzParseMountInfo(f *testing.F) {
	f.Add([]byte("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"))
	f.Add([]byte(`50 27 8:33 / /media/it/USB\040DISK rw - exfat /dev/sdc1 rw` + "\n\n"))
	f.Add([]byte("1 2 3:4 / / - - - -\n"))
	f.Add([]byte(`1 2 3:4 \ /\ - x y`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := parseMountInfo(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		for _, m := range ms {
			if !strings.HasPrefix(m.Point, "/") || !isMajMin(m.MajMin) || m.FSType == "" {
				t.Fatalf("accepted %+v", m)
			}
		}
	})
}
