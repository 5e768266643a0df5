package intake

import (
	"testing"
	"time"

	"motcua/hooks/internal/base"
)

// FuzzParseReceivedAt: whatever a page or a script sends as the time written
// on an emergency receipt, the parser never panics, and what it accepts is an
// instant that reads back the same on the office's clock (a datetime-local
// value) or in RFC 3339.
func FuzzParseReceivedAt(f *testing.F) {
	for _, s := range []string{"2026-12-01T09:30", "2026-12-01T09:30:00+07:00", "2026-12-01T02:30:00Z", "", "2026-13-01T09:30", "01/12/2026 09:30", " 2026-12-01T09:30 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, ok := parseReceivedAt(s)
		if !ok {
			return
		}
		if at.IsZero() {
			t.Fatalf("%q accepted as the zero time", s)
		}
		if at.Second() != 0 || at.Nanosecond() != 0 {
			return // the page's field has whole minutes; a script may send seconds
		}
		local := at.In(base.Zone).Format(localTimeLayout)
		if back, ok := parseReceivedAt(local); !ok || !back.Equal(at) {
			t.Fatalf("%q → %v does not read back from %q (%v)", s, at, local, back)
		}
	})
}

// TestParseReceivedAt: the page's value is the office's wall clock whatever
// the PC's zone; RFC 3339 keeps its offset; anything else is refused.
func TestParseReceivedAt(t *testing.T) {
	want := time.Date(2026, 12, 1, 9, 30, 0, 0, base.Zone)
	for s, ok := range map[string]bool{
		"2026-12-01T09:30": true, "2026-12-01T09:30:00+07:00": true, "2026-12-01T02:30:00Z": true, "  2026-12-01T09:30\n": true,
		"2026-12-01 09:30": false, "01/12/2026 09:30": false, "2026-12-01": false, "": false, "2026-02-30T09:30": false,
	} {
		got, accepted := parseReceivedAt(s)
		if accepted != ok || ok && !got.Equal(want) {
			t.Errorf("parseReceivedAt(%q) = %v, %v; want ok=%v %v", s, got, accepted, ok, want)
		}
	}
}
