package domain

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Citizens' languages at the queue: a ticket's language (tickets.language), the
// languages an officer serves in (staff.serves_languages) and the waits by
// language that the queue figures, the dashboard and the periodic report show.
const (
	LangVI = "vi"
	LangKM = "km"
)

// TicketLanguages are the languages a ticket may carry, Vietnamese first.
var TicketLanguages = []string{LangVI, LangKM}

// ValidTicketLanguage tells whether s is a ticket language.
func ValidTicketLanguage(s string) bool { return slices.Contains(TicketLanguages, s) }

// DefaultLanguageWait is how long a ticket waits for a counter that serves its
// language before any counter of its group calls it, unless the office sets
// office.queue_language_wait_minutes.
const DefaultLanguageWait = 10 * time.Minute

// LanguageWait is the office's wait before a ticket goes to any counter.
func LanguageWait(app core.App) time.Duration {
	o, err := FindOffice(app)
	if err != nil {
		return DefaultLanguageWait
	}
	if m := o.GetInt("queue_language_wait_minutes"); m > 0 {
		return time.Duration(m) * time.Minute
	}
	return DefaultLanguageWait
}

// ServesLanguages is what an officer declared in staff.serves_languages, in
// the order of TicketLanguages; empty for an undeclared officer, a superuser or
// no one.
func ServesLanguages(auth *core.Record) []string {
	if auth == nil || auth.Collection().Name != base.ColStaff {
		return []string{}
	}
	declared := auth.GetStringSlice("serves_languages")
	out := []string{}
	for _, l := range TicketLanguages {
		if slices.Contains(declared, l) {
			out = append(out, l)
		}
	}
	return out
}

// LanguageStats are one language's tickets of a period: how many were issued,
// called and served (done), the waiting time (called − issued, over called
// tickets) and the service time (finished − called, over done and transferred
// tickets, as QueueFigures counts them) in seconds, mean and 90th percentile
// (nearest rank: the smallest value that at least 90 % of them do not exceed).
// Nil figures mean no ticket to measure.
type LanguageStats struct {
	Tickets     int      `json:"tickets"`
	Called      int      `json:"called"`
	Served      int      `json:"served"`
	WaitMean    *float64 `json:"wait_mean_seconds"`
	WaitP90     *int     `json:"wait_p90_seconds"`
	ServiceMean *float64 `json:"service_mean_seconds"`
	ServiceP90  *int     `json:"service_p90_seconds"`
	waits       []int32
	services    []int32
}

// LanguageFigure is one period's queue by language: Vietnamese and Khmer
// tickets side by side (and those issued with no language, Unknown), and the
// share of Khmer tickets served by an officer who, when calling, listed Khmer
// among the languages they serve.
type LanguageFigure struct {
	Period           string        `json:"period"` // "2026-08-18", "2026-08" or "total"
	VI               LanguageStats `json:"vi"`
	KM               LanguageStats `json:"km"`
	Unknown          LanguageStats `json:"unknown"`
	KMServed         int           `json:"km_served"`
	KMServedByKM     int           `json:"km_served_by_km_speaker"`
	KMServedByKMRate *float64      `json:"km_served_by_km_speaker_rate"`
}

func (f *LanguageFigure) stats(lang string) *LanguageStats {
	switch lang {
	case LangVI:
		return &f.VI
	case LangKM:
		return &f.KM
	}
	return &f.Unknown
}

// Periods of QueueLanguageFigures.
const (
	ByDay   = "day"
	ByMonth = "month"
)

// MaxLanguageFigureDays bounds the range QueueLanguageFigures reads: the wait
// and service times of every ticket in it are held to find the percentiles
// (two int32 per ticket: about 2 MB for a year of 800 tickets a day).
const MaxLanguageFigureDays = 400

// QueueLanguageFigures sums the tickets issued in [from, to) per office day
// (by = ByDay) or month (ByMonth), oldest first, and over the whole range.
func QueueLanguageFigures(app core.App, from, to time.Time, by string) ([]LanguageFigure, LanguageFigure, error) {
	total := LanguageFigure{Period: "total"}
	if to.Sub(from) > MaxLanguageFigureDays*24*time.Hour {
		return nil, total, fmt.Errorf("queue figures by language: range of %v is longer than %d days", to.Sub(from), MaxLanguageFigureDays)
	}
	cut := 10
	if by == ByMonth {
		cut = 7
	}
	rows, err := app.DB().NewQuery(`SELECT day, language, status, called_at != '' AS called, wait_seconds, service_seconds,
		called_languages LIKE '%"km"%' AS by_km
		FROM tickets WHERE issued_at >= {:from} AND issued_at < {:to} ORDER BY issued_at`).
		Bind(dbx.Params{"from": base.DBTime(from), "to": base.DBTime(to)}).Rows()
	if err != nil {
		return nil, total, fmt.Errorf("queue figures by language: %w", err)
	}
	defer rows.Close()
	var out []LanguageFigure
	var row struct {
		Day, Lang, Status string
		Called, ByKM      bool
		Wait, Service     int
	}
	for rows.Next() {
		// Plain Scan: ScanStruct's reflection was most of the time (a year of
		// tickets at a million dossiers is some 190,000 rows).
		if err := rows.Scan(&row.Day, &row.Lang, &row.Status, &row.Called, &row.Wait, &row.Service, &row.ByKM); err != nil {
			return nil, total, fmt.Errorf("queue figures by language: %w", err)
		}
		period := row.Day
		if len(period) >= cut {
			period = period[:cut]
		}
		if len(out) == 0 || out[len(out)-1].Period != period {
			out = append(out, LanguageFigure{Period: period})
		}
		for _, f := range []*LanguageFigure{&out[len(out)-1], &total} {
			s := f.stats(row.Lang)
			s.Tickets++
			if row.Called {
				s.Called++
				s.waits = append(s.waits, int32(row.Wait))
			}
			if row.Status == TicketDone || row.Status == TicketTransferred {
				s.services = append(s.services, int32(row.Service))
			}
			if row.Status == TicketDone {
				s.Served++
				if row.Lang == LangKM {
					f.KMServed++
					if row.ByKM {
						f.KMServedByKM++
					}
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, total, fmt.Errorf("queue figures by language: %w", err)
	}
	for i := range out {
		out[i].finish()
	}
	total.finish()
	if out == nil {
		out = []LanguageFigure{}
	}
	return out, total, nil
}

func (f *LanguageFigure) finish() {
	for _, s := range []*LanguageStats{&f.VI, &f.KM, &f.Unknown} {
		s.WaitMean, s.WaitP90 = meanP90(s.waits)
		s.ServiceMean, s.ServiceP90 = meanP90(s.services)
		s.waits, s.services = nil, nil
	}
	if f.KMServed > 0 {
		v := math.Round(float64(f.KMServedByKM)*1000/float64(f.KMServed)) / 10
		f.KMServedByKMRate = &v
	}
}

// meanP90 is the mean (to 0.1 s) and the nearest-rank 90th percentile of vs,
// which it sorts; nil for none.
func meanP90(vs []int32) (*float64, *int) {
	if len(vs) == 0 {
		return nil, nil
	}
	slices.Sort(vs)
	var sum int64
	for _, v := range vs {
		sum += int64(v)
	}
	mean := math.Round(float64(sum)*10/float64(len(vs))) / 10
	p := int(vs[int(math.Ceil(0.9*float64(len(vs))))-1])
	return &mean, &p
}
