package domain

import (
	"testing"
	"time"

	"motcua/hooks/internal/base"
)

// TestPublicURLReachable: only an http(s) address another device can open
// passes; this PC's own names and unusable values do not.
func TestPublicURLReachable(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]bool{
		"http://192.168.1.10:8090": true, "https://motcua.myhuong.gov.vn/": true, "http://motcua-pc:8090": true,
		"http://[fe80::1]:8090": true,
		"":                      false, "   ": false, "localhost:8090": false, "ftp://192.168.1.10": false, "http://": false,
		"http://localhost:8090": false, "http://LOCALHOST.:8090": false, "http://app.localhost": false,
		"http://127.0.0.1:8090": false, "http://127.8.9.1": false, "http://[::1]:8090": false, "http://0.0.0.0:8090": false,
	} {
		if got := PublicURLReachable(u); got != want {
			t.Errorf("PublicURLReachable(%q) = %v, want %v", u, got, want)
		}
	}
}

// TestTimeTextDayFirst: papers write times date first, on the office's clock.
func TestTimeTextDayFirst(t *testing.T) {
	t.Parallel()
	at := time.Date(2027, time.February, 4, 9, 30, 0, 0, time.UTC) // 16:30 in Vietnam
	if got := TimeText(at); got != "04/02/2027 16:30" {
		t.Errorf("TimeText = %q, want 04/02/2027 16:30", got)
	}
	if TimeText(time.Time{}) != "" {
		t.Error("a zero time is not empty")
	}
	vi := PlaceDateText(OfficeView{PlaceVI: "Mỹ Hương", PlaceKM: "មីហឿង"}, "vi", "form.date", at.In(base.Zone))
	km := PlaceDateText(OfficeView{PlaceVI: "Mỹ Hương", PlaceKM: "មីហឿង"}, "km", "form.date", at)
	none := PlaceDateText(OfficeView{}, "vi", "form.date", at)
	if vi != "Mỹ Hương, ngày 04 tháng 02 năm 2027" || km != "មីហឿង ថ្ងៃទី 04 ខែ 02 ឆ្នាំ 2027" || none != "Ngày 04 tháng 02 năm 2027" {
		t.Errorf("place and date lines: %q / %q / %q", vi, km, none)
	}
}
