package digitcode

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestRuns(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"123456-234567", []string{"123456", "234567"}},
		{"  123456 234567 ", []string{"123456", "234567"}},
		{"123456\u200b234567", []string{"123456", "234567"}}, // Khmer keyboard's zero-width space
		{"១២៣៤៥៦–២៣៤៥៦៧", []string{"123456", "234567"}},      // Khmer digits, en dash
		{"１２３４５６\u00a0２３４５６７", []string{"123456", "234567"}}, // full-width digits, no-break space
		{"1234 5678 9012", []string{"1234", "5678", "9012"}},
		{"123.456/789_0,1\t2\n3", []string{"123", "456", "789", "0", "1", "2", "3"}},
		{"", nil},
		{" - ", nil},
	}
	for _, c := range cases {
		got, err := Runs(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Runs(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestRunsRefuses(t *testing.T) {
	cases := map[string]struct {
		in  string
		pos int
	}{
		"letter":       {"123a45", 3},
		"vni tone":     {"12á3", 2},
		"thai digit":   {"12\u0e513", 2},
		"invalid utf8": {"12\xff", 2},
		"colon":        {"MOTCUA:1", 0},
	}
	for name, c := range cases {
		_, err := Runs(c.in)
		var ce *CharError
		if !errors.As(err, &ce) || ce.Pos != c.pos {
			t.Errorf("%s: Runs(%q) = %v, want a CharError at %d", name, c.in, err, c.pos)
		}
	}
	if _, err := Runs(strings.Repeat("1", MaxInput+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("long input: %v", err)
	}
}

// FuzzRuns: whatever is typed, Runs never panics, and what it accepts comes
// back as ASCII digits only, no more of them than runes in the input.
func FuzzRuns(f *testing.F) {
	f.Add("123456-234567")
	f.Add("១២៣ ៤៥៦")
	f.Add("\u200b\u00a0--")
	f.Fuzz(func(t *testing.T, s string) {
		runs, err := Runs(s)
		if err != nil {
			return
		}
		n := 0
		for _, r := range runs {
			if r == "" {
				t.Fatalf("empty run from %q", s)
			}
			for i := 0; i < len(r); i++ {
				if r[i] < '0' || r[i] > '9' {
					t.Fatalf("non-digit %q in %q", r[i], r)
				}
			}
			n += len(r)
		}
		if n > len([]rune(s)) {
			t.Fatalf("%d digits from %d runes", n, len([]rune(s)))
		}
	})
}
