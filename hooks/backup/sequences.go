package backup

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/digitcode"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// After a restore, the daily code sequences are those of the moment the
// backup was made. Receipts printed after that moment carry codes the
// restored database never saw; the next intake would hand the same code to
// another citizen. So restore moves each day's sequence, from the backup's
// day to today and for every range (the centre's, each mobile team's), past
// anything that could have been issued since:
//
//   - by a margin: one and a half times the busiest day this office has had
//     in that range (a day after the backup cannot plausibly give out more
//     numbers than the office ever did, with room for growth; the busiest day
//     counts the day's dossiers and the day's sequence, which also holds the
//     numbers of emergency receipt pads), and never fewer than sequenceFloor
//     (an office with little history yet);
//   - and past the last code printed today, when a person at the restore can
//     read it off the newest receipt (motcua restore --last-code).
//
// Skipped numbers are gaps, never duplicates: a gap costs nothing (4,999
// numbers a day at the centre, 1,000 per team), a duplicate code is a citizen
// with a receipt that opens someone else's dossier. A range the margin would
// overrun is left used up for that day (intake answers
// error.code_range_exhausted until tomorrow) rather than risk a reuse.

// sequenceFloor is the smallest skip: a normal day at a small commune counter.
const sequenceFloor = 50

// maxSequenceDays bounds how many past days are moved (a very old backup).
const maxSequenceDays = 366

// askedCode is the last code printed today, as a person gave it.
type askedCode struct {
	Text   string
	Day    string // yymmdd
	Number int
}

// parseLastCode reads "000.00.07.H60-260818-0123" (a whole dossier code) or
// "123" (the number of today's last code).
func parseLastCode(s string, now time.Time) (*askedCode, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	bad := opErr("restore.last_code_invalid", nil, "code", s)
	day := domain.CodeDay(now)
	num := s
	if parts := strings.Split(s, "-"); len(parts) >= 3 {
		day, num = parts[len(parts)-2], parts[len(parts)-1]
		if _, err := time.Parse("060102", day); err != nil || len(day) != 6 {
			return nil, bad
		}
	}
	runs, err := digitcode.Runs(num)
	if err != nil || len(runs) != 1 || len(runs[0]) > 4 {
		return nil, bad
	}
	n, err := strconv.Atoi(runs[0])
	if err != nil || n < 1 || n > 9999 {
		return nil, bad
	}
	return &askedCode{Text: s, Day: day, Number: n}, nil
}

// SequenceMove is one day's sequence of one range as restore left it.
type SequenceMove struct {
	Day       string `json:"day"` // yymmdd
	From      int    `json:"from"`
	To        int    `json:"to"`
	Was       int    `json:"was"`  // the last number in the backup (From-1: none)
	Last      int    `json:"last"` // the last number now; the next code is Last+1
	Margin    int    `json:"margin"`
	Exhausted bool   `json:"exhausted"`
}

// SequenceReport says how restore moved the code sequences, and why.
type SequenceReport struct {
	FirstDay, Today string
	Floor           int
	Asked           *askedCode
	Moves           []SequenceMove
	// Busiest is the busiest day's count per range (by From).
	Busiest map[int]int
}

// Lines is the report in lang: why, then where each range continues today.
func (r *SequenceReport) Lines(lang string) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, m := range r.Moves {
		if m.Day != r.Today {
			continue
		}
		rng := fmt.Sprintf("%04d–%04d", m.From, m.To)
		if m.Exhausted {
			out = append(out, i18n.T(lang, "restore.sequence_exhausted", "day", dayText(m.Day), "range", rng))
			continue
		}
		was := i18n.T(lang, "restore.sequence_none")
		if m.Was >= m.From {
			was = fmt.Sprintf("%04d", m.Was)
		}
		out = append(out, i18n.T(lang, "restore.sequence_moved", "day", dayText(m.Day), "range", rng, "was", was,
			"next", fmt.Sprintf("%04d", m.Last+1), "margin", m.Margin, "busiest", r.Busiest[m.From], "floor", r.Floor))
	}
	if r.FirstDay != r.Today {
		out = append(out, i18n.T(lang, "restore.sequence_days", "from", dayText(r.FirstDay), "to", dayText(r.Today)))
	}
	if r.Asked != nil {
		out = append(out, i18n.T(lang, "restore.sequence_asked", "code", r.Asked.Text))
	}
	return out
}

// dayText writes a code's yymmdd as the date people read, dd/mm/yyyy.
func dayText(day string) string {
	t, err := time.Parse("060102", day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}

// moveSequences moves the code sequences of the restored database at dbPath
// past every code that may have been issued between backupAt and now (see the
// comment at the top of this file), in one transaction.
func moveSequences(dbPath string, backupAt, now time.Time, asked *askedCode) (*SequenceReport, error) {
	db, err := dbx.Open("sqlite", dbPath)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	defer db.Close()
	ranges, err := codeRanges(db)
	if err != nil {
		return nil, err
	}
	today := time.Date(now.In(base.Zone).Year(), now.In(base.Zone).Month(), now.In(base.Zone).Day(), 12, 0, 0, 0, base.Zone)
	first := today
	if !backupAt.IsZero() {
		b := backupAt.In(base.Zone)
		first = time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, base.Zone)
	}
	if first.After(today) {
		first = today // a backup "from the future": the PC's clock was wrong then or now
	}
	if today.Sub(first) > maxSequenceDays*24*time.Hour {
		first = today.AddDate(0, 0, -maxSequenceDays)
	}
	rep := &SequenceReport{FirstDay: domain.CodeDay(first), Today: domain.CodeDay(today), Floor: sequenceFloor,
		Asked: asked, Busiest: map[int]int{}}
	margins := map[int]int{}
	for _, r := range ranges {
		busiest, err := busiestDay(db, r)
		if err != nil {
			return nil, err
		}
		rep.Busiest[r.From] = busiest
		m := (busiest*3 + 1) / 2
		if m < sequenceFloor {
			m = sequenceFloor
		}
		margins[r.From] = m
	}
	err = db.Transactional(func(tx *dbx.Tx) error {
		for d := first; !d.After(today); d = d.AddDate(0, 0, 1) {
			day := domain.CodeDay(d)
			for _, r := range ranges {
				was := r.From - 1
				var rows []struct {
					Last int `db:"last"`
				}
				if err := tx.NewQuery("SELECT last FROM dossier_sequences WHERE day = {:day} AND range_from = {:from}").
					Bind(dbx.Params{"day": day, "from": r.From}).All(&rows); err != nil {
					return fmt.Errorf("read sequence %s/%d: %w", day, r.From, err)
				}
				if len(rows) > 0 {
					was = rows[0].Last
				}
				start := was
				if asked != nil && asked.Day == day && asked.Number >= r.From && asked.Number <= r.To && asked.Number > start {
					start = asked.Number
				}
				last := start + margins[r.From]
				mv := SequenceMove{Day: day, From: r.From, To: r.To, Was: was, Margin: margins[r.From]}
				if last >= r.To {
					last, mv.Exhausted = r.To, true
				}
				mv.Last = last
				if _, err := tx.NewQuery(`INSERT INTO dossier_sequences (id, day, range_from, last) VALUES ({:id}, {:day}, {:from}, {:last})
					ON CONFLICT (day, range_from) DO UPDATE SET last = MAX(last, excluded.last)`).
					Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "day": day, "from": r.From, "last": last}).Execute(); err != nil {
					return fmt.Errorf("move sequence %s/%d: %w", day, r.From, err)
				}
				rep.Moves = append(rep.Moves, mv)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// codeRanges are the ranges codes are drawn from in this database: the
// centre's and those of the mobile teams' kits (issued at a centre, or the
// laptop's own), without repeats.
func codeRanges(db dbx.Builder) ([]domain.CodeRange, error) {
	out := []domain.CodeRange{domain.CentreRange}
	seen := map[int]bool{domain.CentreRange.From: true}
	var exists int
	if err := db.NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = {:t}").
		Bind(dbx.Params{"t": base.ColFieldKits}).Row(&exists); err != nil {
		return nil, fmt.Errorf("find kits: %w", err)
	}
	if exists == 0 {
		return out, nil
	}
	var kits []struct {
		From int `db:"range_from"`
		To   int `db:"range_to"`
	}
	if err := db.NewQuery(`SELECT range_from, range_to FROM "` + base.ColFieldKits + `" ORDER BY range_from`).All(&kits); err != nil {
		return nil, fmt.Errorf("read kit ranges: %w", err)
	}
	for _, k := range kits {
		if k.From < 1 || k.To > 9999 || k.From > k.To || seen[k.From] {
			continue
		}
		seen[k.From] = true
		out = append(out, domain.CodeRange{From: k.From, To: k.To})
	}
	return out, nil
}

// busiestDay is the most codes this office gave out on one day within r: the
// dossiers of that day, or the day's sequence, whichever says more (numbers
// also go out on emergency receipt pads printed in advance, which have no
// dossier until they are keyed in, and to intakes that were refused after
// their number was drawn).
func busiestDay(db dbx.Builder, r domain.CodeRange) (int, error) {
	var byDossiers, bySequence int
	err := db.NewQuery(`SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM "` + base.ColDossiers + `"
		WHERE length(code) >= 13 AND CAST(substr(code, -4) AS INTEGER) BETWEEN {:from} AND {:to}
		GROUP BY substr(code, -11, 6))`).Bind(dbx.Params{"from": r.From, "to": r.To}).Row(&byDossiers)
	if err != nil {
		return 0, fmt.Errorf("busiest day of %d–%d: %w", r.From, r.To, err)
	}
	err = db.NewQuery(`SELECT COALESCE(MAX(last - {:from} + 1), 0) FROM "` + base.ColDossierSequence + `"
		WHERE range_from = {:from} AND last <= {:to}`).Bind(dbx.Params{"from": r.From, "to": r.To}).Row(&bySequence)
	if err != nil {
		return 0, fmt.Errorf("busiest sequence of %d–%d: %w", r.From, r.To, err)
	}
	return max(byDossiers, bySequence), nil
}
