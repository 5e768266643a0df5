package catalog

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Field sizes of the collections these records are seeded into
// (pb_migrations/…_init_collections.go), counted in characters.
const (
	maxProcNameVI   = 400
	maxProcNameKM   = 600
	maxFieldVI      = 100
	maxFieldKM      = 200
	maxFeeNoteVI    = 300
	maxFeeNoteKM    = 500
	maxHolidayName  = 200
	maxHolidayKM    = 300
	maxOfficeNameVI = 200
	maxOfficeNameKM = 300
	maxAddress      = 300
	maxPhone        = 40
	maxPapersJSON   = 20000
	maxHours        = 8 * 250
)

var codeRE = regexp.MustCompile(`^\d\.\d{6}$`)

func mustProcedures(t *testing.T) []Procedure {
	t.Helper()
	ps, err := Procedures()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 20 {
		t.Fatalf("Procedures: %d procedures, want at least 20", len(ps))
	}
	return ps
}

func mustHolidays(t *testing.T) []Holiday {
	t.Helper()
	hs, err := Holidays()
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) == 0 {
		t.Fatal("Holidays: empty")
	}
	return hs
}

func TestDecodeStrictRefusesWhatTheFilesMustNotHave(t *testing.T) {
	cases := []struct{ name, in string }{
		{"unknown field", `{"letter": "A", "name_vi": "x", "name_km": "ក", "fields_vi": [], "colour": "red"}`},
		{"misspelt field", `{"leter": "A"}`},
		{"trailing value", `{"letter": "A"} {"letter": "B"}`},
		{"trailing garbage", `{"letter": "A"} ]`},
		{"wrong type", `{"letter": 1}`},
	}
	for _, c := range cases {
		var g ServiceGroup
		if err := decodeStrict([]byte(c.in), &g); err == nil {
			t.Errorf("%s: decodeStrict(%s) = nil error, want one", c.name, c.in)
		}
	}
	var g ServiceGroup
	if err := decodeStrict([]byte(`{"letter": "A", "name_vi": "x", "name_km": "ក", "fields_vi": ["Hộ tịch"]}`), &g); err != nil {
		t.Fatalf("decodeStrict on a valid group: %v", err)
	}
	if g.Letter != "A" || len(g.FieldsVI) != 1 {
		t.Errorf("decodeStrict decoded %+v", g)
	}
}

func TestEveryFileLoads(t *testing.T) {
	if _, err := Procedures(); err != nil {
		t.Error(err)
	}
	if _, err := Holidays(); err != nil {
		t.Error(err)
	}
	if _, err := DefaultOffice(); err != nil {
		t.Error(err)
	}
	if _, err := DemoOffice(); err != nil {
		t.Error(err)
	}
	if gs, err := ServiceGroups(); err != nil {
		t.Error(err)
	} else if len(gs) == 0 {
		t.Error("ServiceGroups: empty")
	}
}

func TestProcedures(t *testing.T) {
	ps := mustProcedures(t)
	seen := map[string]bool{}
	fieldKM := map[string]string{}
	for _, p := range ps {
		where := "procedure " + p.Code
		if !codeRE.MatchString(p.Code) {
			t.Errorf("%s: code does not match %s", where, codeRE)
		}
		if seen[p.Code] {
			t.Errorf("%s: code given twice", where)
		}
		seen[p.Code] = true
		for _, s := range []struct {
			name, v string
			max     int
		}{
			{"name_vi", p.NameVI, maxProcNameVI}, {"name_km", p.NameKM, maxProcNameKM},
			{"field_vi", p.FieldVI, maxFieldVI}, {"field_km", p.FieldKM, maxFieldKM},
			{"fee_note_vi", p.FeeNoteVI, maxFeeNoteVI}, {"fee_note_km", p.FeeNoteKM, maxFeeNoteKM},
		} {
			if n := utf8.RuneCountInString(s.v); n > s.max {
				t.Errorf("%s: %s has %d characters, the collection takes %d", where, s.name, n, s.max)
			}
		}
		if p.NameVI == "" || p.NameKM == "" || p.FieldVI == "" || p.FieldKM == "" {
			t.Errorf("%s: a name or field is empty", where)
		}
		if prev, ok := fieldKM[p.FieldVI]; ok && prev != p.FieldKM {
			t.Errorf("%s: field %q is %q in Khmer here and %q elsewhere", where, p.FieldVI, p.FieldKM, prev)
		}
		fieldKM[p.FieldVI] = p.FieldKM
		if p.ProcessingHours < 0 || p.ProcessingHours%4 != 0 || p.ProcessingHours > maxHours {
			t.Errorf("%s: processing_hours %d, want 0..%d in steps of 4 (half days)", where, p.ProcessingHours, maxHours)
		}
		if p.Fee < 0 {
			t.Errorf("%s: fee %d is negative", where, p.Fee)
		}
		if (p.FeeNoteVI == "") != (p.FeeNoteKM == "") {
			t.Errorf("%s: fee note in one language only", where)
		}
		if (p.NoteVI == "") != (p.NoteKM == "") {
			t.Errorf("%s: note in one language only", where)
		}
		if !p.Active {
			t.Errorf("%s: seeded inactive", where)
		}
		if slices.Contains(p.Unconfirmed, UnconfirmedFee) && p.FeeNoteVI == "" {
			t.Errorf("%s: fee unconfirmed but no fee note tells the citizen where the amount comes from", where)
		}
		seenU := map[string]bool{}
		for _, u := range p.Unconfirmed {
			switch u {
			case UnconfirmedCode, UnconfirmedName, UnconfirmedFee, UnconfirmedHours, UnconfirmedPapers:
			default:
				t.Errorf("%s: unknown unconfirmed item %q", where, u)
			}
			if seenU[u] {
				t.Errorf("%s: unconfirmed item %q given twice", where, u)
			}
			seenU[u] = true
		}

		required := 0
		for i, pp := range p.Papers {
			pw := fmt.Sprintf("%s paper %d", where, i+1)
			if pp.NameVI == "" || pp.NameKM == "" {
				t.Errorf("%s: name empty", pw)
			}
			if pp.Kind != PaperOriginal && pp.Kind != PaperCopy {
				t.Errorf("%s: kind %q, want %q or %q", pw, pp.Kind, PaperOriginal, PaperCopy)
			}
			if pp.Count < 1 {
				t.Errorf("%s: count %d, want at least 1", pw, pp.Count)
			}
			if pp.Required {
				required++
			}
		}
		if required == 0 {
			t.Errorf("%s: no required paper", where)
		}
		b, err := json.Marshal(p.Papers)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > maxPapersJSON {
			t.Errorf("%s: papers JSON is %d bytes, the collection takes %d", where, len(b), maxPapersJSON)
		}
	}
}

// TestProcedureFacts pins the legal facts the receipts depend on most, so an
// edit that breaks one is seen.
func TestProcedureFacts(t *testing.T) {
	byCode := map[string]Procedure{}
	for _, p := range mustProcedures(t) {
		byCode[p.Code] = p
	}
	cases := []struct {
		code  string
		hours int
		fee   int64
	}{
		{"1.001193", 0, 0},     // birth registration: same day, free on time
		{"1.000656", 0, 0},     // death registration: same day, free on time
		{"1.000894", 0, 0},     // marriage: same day, free
		{"1.004873", 24, 0},    // marital status: 3 working days
		{"1.004884", 40, 0},    // birth re-registration: 5 working days
		{"2.000815", 0, 2000},  // certified copy: same day, 2 000 per page
		{"2.000884", 0, 10000}, // signature: same day, 10 000 per case
		{"2.001035", 16, 50000},
		{"1.013225", 120, 0}, // building permit for a house: 15 days
	}
	for _, c := range cases {
		p, ok := byCode[c.code]
		if !ok {
			t.Errorf("procedure %s missing", c.code)
			continue
		}
		if p.ProcessingHours != c.hours || p.Fee != c.fee {
			t.Errorf("procedure %s: %d hours, fee %d; want %d hours, fee %d", c.code, p.ProcessingHours, p.Fee, c.hours, c.fee)
		}
	}
}

// text is one string of the data, with where it comes from and its language.
type text struct {
	where, lang, s string
}

func allTexts(t *testing.T) []text {
	t.Helper()
	var ts []text
	add := func(where, lang, s string) {
		if s != "" {
			ts = append(ts, text{where, lang, s})
		}
	}
	for _, p := range mustProcedures(t) {
		w := "procedure " + p.Code
		add(w+" name_vi", "vi", p.NameVI)
		add(w+" name_km", "km", p.NameKM)
		add(w+" field_vi", "vi", p.FieldVI)
		add(w+" field_km", "km", p.FieldKM)
		add(w+" fee_note_vi", "vi", p.FeeNoteVI)
		add(w+" fee_note_km", "km", p.FeeNoteKM)
		add(w+" note_vi", "vi", p.NoteVI)
		add(w+" note_km", "km", p.NoteKM)
		for i, pp := range p.Papers {
			add(fmt.Sprintf("%s paper %d name_vi", w, i+1), "vi", pp.NameVI)
			add(fmt.Sprintf("%s paper %d name_km", w, i+1), "km", pp.NameKM)
		}
	}
	for _, h := range mustHolidays(t) {
		add("holiday "+h.Date+" name_vi", "vi", h.NameVI)
		add("holiday "+h.Date+" name_km", "km", h.NameKM)
		add("holiday "+h.Date+" note", "vi", h.Note)
	}
	for name, load := range map[string]func() (Office, error){"office": DefaultOffice, "demo office": DemoOffice} {
		o, err := load()
		if err != nil {
			t.Fatal(err)
		}
		add(name+" name_vi", "vi", o.NameVI)
		add(name+" name_km", "km", o.NameKM)
		add(name+" address", "vi", o.Address)
		add(name+" place_vi", "vi", o.PlaceVI)
		add(name+" place_km", "km", o.PlaceKM)
	}
	gs, err := ServiceGroups()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		add("group "+g.Letter+" name_vi", "vi", g.NameVI)
		add("group "+g.Letter+" name_km", "km", g.NameKM)
	}
	return ts
}

func isKhmer(r rune) bool { return r >= 0x1780 && r <= 0x17FF }

// isKhmerMark reports whether r is a Khmer dependent vowel or sign, which
// must follow a Khmer letter.
func isKhmerMark(r rune) bool { return (r >= 0x17B6 && r <= 0x17D1) || r == 0x17D3 || r == 0x17DD }

// isKhmerBase reports whether r can carry a Khmer mark: a consonant, an
// independent vowel, or a mark already on one.
func isKhmerBase(r rune) bool { return (r >= 0x1780 && r <= 0x17B5) || isKhmerMark(r) || r == 0x17D2 }

func isKhmerConsonant(r rune) bool { return r >= 0x1780 && r <= 0x17A2 }

// newStyleTone finds Vietnamese tone marks placed the "new" way at the end of
// a syllable (hoà, tuỳ) where the official documents and the rest of the data
// write hòa, tùy; the q excludes "quý".
var newStyleTone = regexp.MustCompile(`(?i)(?:^|[^q])(?:oà|oá|oả|oã|oạ|oè|oé|oẻ|oẽ|oẹ|uỳ|uý|uỷ|uỹ|uỵ)(?:$|[^\p{L}])`)

func TestTextsAreCleanVietnameseAndKhmer(t *testing.T) {
	ts := allTexts(t)
	if len(ts) < 100 {
		t.Fatalf("only %d texts collected", len(ts))
	}
	for _, x := range ts {
		if !utf8.ValidString(x.s) || strings.ContainsRune(x.s, utf8.RuneError) {
			t.Errorf("%s: invalid UTF-8", x.where)
		}
		if !norm.NFC.IsNormalString(x.s) {
			t.Errorf("%s: not NFC: %q", x.where, x.s)
		}
		if strings.TrimSpace(x.s) != x.s || strings.Contains(x.s, "  ") {
			t.Errorf("%s: stray spaces: %q", x.where, x.s)
		}
		switch x.lang {
		case "vi":
			if strings.ContainsFunc(x.s, isKhmer) {
				t.Errorf("%s: Khmer script in a Vietnamese text: %q", x.where, x.s)
			}
			if m := newStyleTone.FindString(x.s); m != "" {
				t.Errorf("%s: tone mark placed new-style in %q (%q): write hòa, tùy as the official texts do", x.where, x.s, m)
			}
		case "km":
			if !strings.ContainsFunc(x.s, isKhmer) {
				t.Errorf("%s: no Khmer script: %q", x.where, x.s)
			}
			if strings.ContainsFunc(x.s, func(r rune) bool { return r >= 0x17E0 && r <= 0x17E9 }) {
				t.Errorf("%s: Khmer digits; amounts and counts stay in ASCII digits: %q", x.where, x.s)
			}
			checkKhmerClusters(t, x)
		}
	}
}

// checkKhmerClusters catches the typing slips a Khmer reader sees at once: a
// vowel sign with no consonant under it, and a coeng (subscript marker) that
// is not followed by a consonant.
func checkKhmerClusters(t *testing.T, x text) {
	t.Helper()
	rs := []rune(x.s)
	for i, r := range rs {
		if isKhmerMark(r) && (i == 0 || !isKhmerBase(rs[i-1])) {
			t.Errorf("%s: Khmer sign %U with no letter before it at rune %d: %q", x.where, r, i, x.s)
		}
		if r == 0x17D2 && (i+1 == len(rs) || !isKhmerConsonant(rs[i+1])) {
			t.Errorf("%s: coeng not followed by a consonant at rune %d: %q", x.where, i, x.s)
		}
	}
}

func TestHolidays(t *testing.T) {
	hs := mustHolidays(t)
	seen := map[string]bool{}
	byDate := map[string]Holiday{}
	weekdaysOff := map[int]int{}
	var prev string
	for _, h := range hs {
		where := "holiday " + h.Date
		d, err := time.Parse(time.DateOnly, h.Date)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		if y := d.Year(); y < 2026 || y > 2027 {
			t.Errorf("%s: year %d, want 2026 or 2027", where, y)
		}
		if seen[h.Date] {
			t.Errorf("%s: date given twice", where)
		}
		seen[h.Date] = true
		if h.Date < prev {
			t.Errorf("%s: out of date order after %s", where, prev)
		}
		prev = h.Date
		byDate[h.Date] = h
		if h.NameVI == "" || h.NameKM == "" {
			t.Errorf("%s: name empty", where)
		}
		if utf8.RuneCountInString(h.NameVI) > maxHolidayName || utf8.RuneCountInString(h.NameKM) > maxHolidayKM {
			t.Errorf("%s: name longer than the collection takes", where)
		}
		switch h.Kind {
		case KindHoliday:
		case KindWorkingDay:
			if d.Weekday() != time.Saturday {
				t.Errorf("%s: a compensatory working day on %s, want a Saturday", where, d.Weekday())
			}
		default:
			t.Errorf("%s: kind %q", where, h.Kind)
		}
		switch h.Category {
		case CategoryNational:
			if !h.Enabled {
				t.Errorf("%s: national holiday seeded disabled", where)
			}
		case CategoryKhmer:
			if h.Enabled {
				t.Errorf("%s: Khmer festival seeded enabled; an office switches it on itself", where)
			}
			if h.Note == "" {
				t.Errorf("%s: Khmer festival without a note saying it is a local option", where)
			}
		default:
			t.Errorf("%s: category %q", where, h.Category)
		}
		if h.Enabled && h.Kind == KindHoliday && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			weekdaysOff[d.Year()]++
		}
	}

	// The labour code gives 11 paid holidays a year; a holiday on a weekend
	// is made up on a weekday, so each year has 11 weekdays off.
	for _, y := range []int{2026, 2027} {
		if weekdaysOff[y] != 11 {
			t.Errorf("%d: %d weekdays off, want 11", y, weekdaysOff[y])
		}
	}

	// A national holiday listed on a weekend must have its compensatory
	// weekday listed within the next three days.
	for _, h := range hs {
		d, _ := time.Parse(time.DateOnly, h.Date)
		if h.Category != CategoryNational || (d.Weekday() != time.Saturday && d.Weekday() != time.Sunday) {
			continue
		}
		found := false
		for i := 1; i <= 3; i++ {
			n := d.AddDate(0, 0, i)
			if c, ok := byDate[n.Format(time.DateOnly)]; ok && c.Enabled && n.Weekday() != time.Saturday && n.Weekday() != time.Sunday {
				found = true
			}
		}
		if !found {
			t.Errorf("holiday %s falls on a %s and has no compensatory day listed", h.Date, d.Weekday())
		}
	}

	for _, want := range []struct {
		date     string
		category string
	}{
		{"2026-01-01", CategoryNational}, {"2026-02-16", CategoryNational}, {"2026-02-20", CategoryNational},
		{"2026-04-27", CategoryNational}, {"2026-04-30", CategoryNational}, {"2026-05-01", CategoryNational},
		{"2026-09-02", CategoryNational}, {"2027-01-01", CategoryNational}, {"2027-04-16", CategoryNational},
		{"2027-04-30", CategoryNational}, {"2027-05-03", CategoryNational}, {"2027-09-02", CategoryNational},
		{"2026-04-14", CategoryKhmer}, {"2026-10-11", CategoryKhmer}, {"2026-11-24", CategoryKhmer},
		{"2027-11-13", CategoryKhmer},
	} {
		h, ok := byDate[want.date]
		if !ok {
			t.Errorf("holiday %s missing", want.date)
		} else if h.Category != want.category {
			t.Errorf("holiday %s: category %q, want %q", want.date, h.Category, want.category)
		}
	}
	// The 2026 Tết block ran Saturday 14 to Sunday 22 February: no weekday
	// inside it may be a working day.
	for d := time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC); d.Day() <= 22; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		if h, ok := byDate[d.Format(time.DateOnly)]; !ok || !h.Enabled {
			t.Errorf("Tết 2026: %s is not a day off", d.Format(time.DateOnly))
		}
	}
}

// week is a parsed timetable: minutes since midnight, per day key.
type week map[string][][2]int

var dayKeys = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("clock %q is not HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

func parseWeek(raw json.RawMessage) (week, error) {
	var m map[string][][]string
	if err := decodeStrict(raw, &m); err != nil {
		return nil, err
	}
	w := week{}
	for k, ss := range m {
		if !slices.Contains(dayKeys, k) {
			return nil, fmt.Errorf("unknown day %q", k)
		}
		last := -1
		for _, s := range ss {
			if len(s) != 2 {
				return nil, fmt.Errorf("%s: session %v is not [start, end]", k, s)
			}
			a, err := parseClock(s[0])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			b, err := parseClock(s[1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if b <= a || a <= last {
				return nil, fmt.Errorf("%s: sessions out of order or empty: %v", k, ss)
			}
			last = b
			w[k] = append(w[k], [2]int{a, b})
		}
	}
	if len(m) != len(dayKeys) {
		return nil, fmt.Errorf("%d days given, want all 7", len(m))
	}
	return w, nil
}

func checkOffice(t *testing.T, name string, o Office) week {
	t.Helper()
	if o.NameVI == "" || o.NameKM == "" || o.AgencyCode == "" {
		t.Errorf("%s: name or agency code empty", name)
	}
	if utf8.RuneCountInString(o.NameVI) > maxOfficeNameVI || utf8.RuneCountInString(o.NameKM) > maxOfficeNameKM ||
		utf8.RuneCountInString(o.Address) > maxAddress || utf8.RuneCountInString(o.Phone) > maxPhone {
		t.Errorf("%s: a text is longer than the collection takes", name)
	}
	if !regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`).MatchString(o.AgencyCode) {
		t.Errorf("%s: agency code %q is not like 000.00.07.H60", name, o.AgencyCode)
	}
	if u, err := url.Parse(o.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		t.Errorf("%s: public_url %q is not an http(s) URL", name, o.PublicURL)
	}
	w, err := parseWeek(o.Sessions)
	if err != nil {
		t.Fatalf("%s: sessions: %v", name, err)
	}
	for _, d := range dayKeys {
		open := len(w[d]) > 0
		if weekend := d == "sat" || d == "sun"; open == weekend {
			t.Errorf("%s: %s open = %v", name, d, open)
		}
	}
	cut, err := parseClock(o.SameDayCutoff)
	if err != nil {
		t.Fatalf("%s: same_day_cutoff: %v", name, err)
	}
	inside := false
	for _, s := range w["mon"] {
		inside = inside || (cut > s[0] && cut < s[1])
	}
	if !inside {
		t.Errorf("%s: same-day cut-off %s is outside Monday's sessions", name, o.SameDayCutoff)
	}
	return w
}

func TestOffices(t *testing.T) {
	def, err := DefaultOffice()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := DemoOffice()
	if err != nil {
		t.Fatal(err)
	}
	dw := checkOffice(t, "office", def)
	mw := checkOffice(t, "demo office", demo)
	if def.AgencyCode != "000.00.00.H00" {
		t.Errorf("office: agency code %q, want the placeholder 000.00.00.H00", def.AgencyCode)
	}
	if def.SameDayCutoff != "15:00" {
		t.Errorf("office: cut-off %q, want 15:00", def.SameDayCutoff)
	}
	if demo.AgencyCode == def.AgencyCode || !strings.Contains(demo.NameVI, "(demo)") {
		t.Errorf("demo office is not told apart from the placeholder: %q %q", demo.NameVI, demo.AgencyCode)
	}
	want := [][2]int{{7 * 60, 11*60 + 30}, {13 * 60, 17 * 60}}
	for _, d := range dayKeys[:5] {
		if !slices.Equal(dw[d], want) {
			t.Errorf("office: %s sessions %v, want 07:00–11:30 and 13:00–17:00", d, dw[d])
		}
		// Mỹ Hương opens 30 minutes earlier in the morning and closes 30
		// minutes later in the afternoon.
		if len(mw[d]) != 2 || mw[d][0][0] != dw[d][0][0]-30 || mw[d][1][1] != dw[d][1][1]+30 ||
			mw[d][0][1] != dw[d][0][1] || mw[d][1][0] != dw[d][1][0] {
			t.Errorf("demo office: %s sessions %v, want the default extended by 30 minutes each end", d, mw[d])
		}
	}
}

func TestServiceGroups(t *testing.T) {
	gs, err := ServiceGroups()
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, p := range mustProcedures(t) {
		fields[p.FieldVI] = true
	}
	owner := map[string]string{}
	prev := ""
	for _, g := range gs {
		if len(g.Letter) != 1 || g.Letter[0] < 'A' || g.Letter[0] > 'Z' {
			t.Errorf("group %q: letter is not one capital letter", g.Letter)
		}
		if g.Letter <= prev {
			t.Errorf("group %q: letters not unique and in order (after %q)", g.Letter, prev)
		}
		prev = g.Letter
		if g.NameVI == "" || g.NameKM == "" || !strings.ContainsFunc(g.NameKM, isKhmer) {
			t.Errorf("group %s: names missing", g.Letter)
		}
		for _, f := range g.FieldsVI {
			if !fields[f] {
				t.Errorf("group %s: field %q has no procedure", g.Letter, f)
			}
			if o, ok := owner[f]; ok {
				t.Errorf("field %q is in groups %s and %s", f, o, g.Letter)
			}
			owner[f] = g.Letter
		}
	}
	for f := range fields {
		if _, ok := owner[f]; !ok {
			t.Errorf("field %q is in no service group", f)
		}
	}
}
