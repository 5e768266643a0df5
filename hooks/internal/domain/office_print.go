package domain

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// What the office's papers and first-run checks read from the office record:
// the place name of the place and date line, the receipt paper, and whether
// the public URL printed in every QR code can be opened by a citizen's phone.

// Receipt papers (office.receipt_paper, and the roll of a mobile team).
const (
	PaperA4   = "a4"
	PaperA5   = "a5"
	PaperRoll = "roll"
)

// PlaceVI is the office's place name in Vietnamese ("Mỹ Hương"), "" until set.
func (o *Office) PlaceVI() string { return strings.TrimSpace(o.GetString("place_vi")) }

// PlaceKM is the place name in Khmer, falling back to the Vietnamese one.
func (o *Office) PlaceKM() string {
	if s := strings.TrimSpace(o.GetString("place_km")); s != "" {
		return s
	}
	return o.PlaceVI()
}

// ReceiptPaper is the paper the counter prints receipts on: a5 when the office
// chose it, else a4.
func (o *Office) ReceiptPaper() string {
	if o.GetString("receipt_paper") == PaperA5 {
		return PaperA5
	}
	return PaperA4
}

// PublicURLReachable reports whether the office's public URL can be opened by
// a phone on the office network; see PublicURLReachable.
func (o *Office) PublicURLReachable() bool { return PublicURLReachable(o.PublicURL()) }

// PublicURLReachable reports whether u could be opened by a citizen's phone:
// false when it is unset, not an http(s) URL with a host, or names this PC
// only (localhost, a loopback or unspecified address). Every printed QR code
// points there, so an office that leaves it at http://localhost:8090 prints
// receipts whose QR opens nothing.
func PublicURLReachable(u string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(p.Hostname(), "."))
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return false
	}
	return true
}

// enrichOffice adds public_url_reachable to every office record the API
// answers, so the staff start page can warn without judging URLs itself.
func enrichOffice(e *core.RecordEnrichEvent) error {
	e.Record.WithCustomData(true)
	e.Record.Set("public_url_reachable", PublicURLReachable(e.Record.GetString("public_url")))
	return e.Next()
}

// PlaceDate is the values of the print.place_date line in one language: the
// place (a dotted space to fill in by hand while the office has none) and the
// day, month and year of t in the office's zone.
func PlaceDate(place string, t time.Time) []any {
	if place == "" {
		place = "……………"
	}
	t = t.In(base.Zone)
	return []any{"place", place, "d", t.Format("02"), "m", t.Format("01"), "y", t.Format("2006")}
}

// PlaceDateText is a paper's place and date line in lang ("vi" or "km"):
// "Mỹ Hương, ngày 04 tháng 02 năm 2026" once the office has a place name, and
// before that the date alone as dateKey writes it (receipt.date, form.date).
func PlaceDateText(o OfficeView, lang, dateKey string, t time.Time) string {
	place := o.PlaceVI
	if lang == "km" {
		place = o.PlaceKM
	}
	if place == "" {
		return i18n.T(lang, dateKey, PlaceDate("", t)[2:]...)
	}
	return i18n.T(lang, "print.place_date", PlaceDate(place, t)...)
}

// IsWorkingDay reports whether the office holds reception on the civil day of
// t (in the office's zone): not a weekend without sessions, not a holiday; a
// compensatory working Saturday is one.
func IsWorkingDay(app core.App, t time.Time) (bool, error) {
	cal, err := LoadCalendar(app)
	if err != nil {
		return false, fmt.Errorf("working day: %w", err)
	}
	return cal.IsWorkingDay(calendar.DateOf(t, base.Zone)), nil
}
