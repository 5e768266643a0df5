package idcard

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// now is a fixed "today" for the tests: 18 August 2026, 01:00 in Vietnam,
// which is still 17 August in UTC.
var now = time.Date(2026, 8, 18, 1, 0, 0, 0, vietnam)

const (
	example = "079203001234|352123456|Nguyễn Thị Sa Ly|15081990|Nữ|Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng|20042021"
	addr    = "Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// qr builds a payload from fields.
func qr(fields ...string) string { return strings.Join(fields, "|") }

var exampleCard = Card{
	ID:        "079203001234",
	OldID:     "352123456",
	Name:      "Nguyễn Thị Sa Ly",
	BirthDate: date(1990, 8, 15),
	Gender:    GenderFemale,
	Address:   addr,
	IssueDate: date(2021, 4, 20),
}

func TestParseValid(t *testing.T) {
	with := func(f func(*Card)) Card {
		c := exampleCard
		f(&c)
		return c
	}
	tests := []struct {
		name string
		in   string
		want Card
	}{
		{"seven fields", example, exampleCard},
		{"six fields, no issue date", qr("079203001234", "352123456", "Nguyễn Thị Sa Ly", "15081990", "Nữ", addr),
			with(func(c *Card) { c.IssueDate = time.Time{} })},
		{"empty issue date", qr("079203001234", "352123456", "Nguyễn Thị Sa Ly", "15081990", "Nữ", addr, ""),
			with(func(c *Card) { c.IssueDate = time.Time{} })},
		{"extra trailing fields ignored", example + "|X|20042031|", exampleCard},
		{"empty old ID", qr("079203001234", "", "Nguyễn Thị Sa Ly", "15081990", "Nữ", addr, "20042021"),
			with(func(c *Card) { c.OldID = "" })},
		{"9-digit main ID", qr("352123456", "", "Nguyễn Thị Sa Ly", "15081990", "Nữ", addr, "20042021"),
			with(func(c *Card) { c.ID, c.OldID = "352123456", "" })},
		{"NFD input becomes NFC", norm.NFD.String(example), exampleCard},
		{"CRLF at end", example + "\r\n", exampleCard},
		{"LF at end", example + "\n", exampleCard},
		{"spaces and BOM around", "\uFEFF " + example + "  \r\n", exampleCard},
		{"white space inside fields tidied", qr(" 079203001234 ", "352123456", " Nguyễn  Thị\u00a0Sa Ly ", "15081990", " Nữ ", addr+" ", "20042021"), exampleCard},
		{"male", qr("079203001234", "", "Lâm Văn Sóc", "01011985", "Nam", "Số 12, Ấp 3, Xã Mỹ Hương, Huyện Mỹ Tú, Tỉnh Sóc Trăng", "01072021"),
			Card{ID: "079203001234", Name: "Lâm Văn Sóc", BirthDate: date(1985, 1, 1), Gender: GenderMale,
				Address: "Số 12, Ấp 3, Xã Mỹ Hương, Huyện Mỹ Tú, Tỉnh Sóc Trăng", IssueDate: date(2021, 7, 1)}},
		{"NFD gender", qr("079203001234", "352123456", "Nguyễn Thị Sa Ly", "15081990", norm.NFD.String("Nữ"), addr, "20042021"), exampleCard},
		{"upper-case name kept as is", qr("079203001234", "352123456", "NGUYỄN THỊ SA LY", "15081990", "Nữ", addr, "20042021"),
			with(func(c *Card) { c.Name = "NGUYỄN THỊ SA LY" })},
		{"born today in Vietnam (still yesterday in UTC)", qr("079203001234", "", "Thạch Thị Sà Rết", "18082026", "Nữ", addr),
			Card{ID: "079203001234", Name: "Thạch Thị Sà Rết", BirthDate: date(2026, 8, 18), Gender: GenderFemale, Address: addr}},
		{"issued today", qr("079203001234", "", "Sơn Thị Mỹ", "29022000", "Nữ", addr, "18082026"),
			Card{ID: "079203001234", Name: "Sơn Thị Mỹ", BirthDate: date(2000, 2, 29), Gender: GenderFemale, Address: addr, IssueDate: date(2026, 8, 18)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAt(tt.in, now)
			if err != nil {
				t.Fatalf("ParseAt(%+q) error %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseAt(%+q)\n got  %+v\n want %+v", tt.in, got, tt.want)
			}
			for _, f := range []string{got.Name, got.Address, got.ID, got.OldID} {
				if !norm.NFC.IsNormalString(f) {
					t.Errorf("field %+q is not NFC", f)
				}
			}
		})
	}
}

func TestParseKhmerVietnameseNames(t *testing.T) {
	// People of Mỹ Hương commune: Khmer names written in Vietnamese.
	names := []string{
		"Thạch Thị Sà Rết", "Lâm Văn Sóc", "Sơn Thị Mỹ", "Lý Thị Sa Ry", "Thạch Sô Phia",
		"Kim Thị Mỹ Hạnh", "Danh Thị Sa Ri", "Châu Thị Ca Na", "Sơn Chanh Đa Ra", "Lâm Thị Sóc Khơ",
		"Triệu Thị Kim Sa Vết", "Thạch Ngọc Sên", "Kim Sa Ly", "Lý Văn Ka", "Ka Điều", "K'Brăng",
	}
	for _, n := range names {
		for _, in := range []string{n, norm.NFD.String(n), strings.ToUpper(n)} {
			c, err := ParseAt(qr("094190012345", "", in, "02091975", "Nam", addr, "15052022"), now)
			if err != nil {
				t.Errorf("name %+q: %v", in, err)
				continue
			}
			if c.Name != norm.NFC.String(in) {
				t.Errorf("name %+q parsed as %+q", in, c.Name)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	const (
		id   = "079203001234"
		name = "Nguyễn Thị Sa Ly"
	)
	tests := []struct {
		name       string
		in         string
		key, field string
	}{
		{"empty", "", KeyFormat, ""},
		{"blank", " \r\n", KeyFormat, ""},
		{"five fields", qr(id, "", name, "15081990", "Nữ"), KeyFormat, ""},
		{"semicolons", strings.ReplaceAll(example, "|", ";"), KeyFormat, ""},
		{"backslashes (US layout read as another)", strings.ReplaceAll(example, "|", "\\"), KeyFormat, ""},
		{"broken bar", strings.ReplaceAll(example, "|", "¦"), KeyFormat, ""},
		{"full-width bar", strings.ReplaceAll(example, "|", "｜"), KeyFormat, ""},
		{"tabs", strings.ReplaceAll(example, "|", "\t"), KeyGarbled, ""},
		{"a URL QR", "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html", KeyFormat, ""},

		{"ID 11 digits", qr("07920300123", "", name, "15081990", "Nữ", addr), KeyIDInvalid, FieldID},
		{"ID 13 digits", qr("0792030012345", "", name, "15081990", "Nữ", addr), KeyIDInvalid, FieldID},
		{"ID with letters", qr("07920300123A", "", name, "15081990", "Nữ", addr), KeyIDInvalid, FieldID},
		{"ID with spaces inside", qr("079 203 001 234", "", name, "15081990", "Nữ", addr), KeyIDInvalid, FieldID},
		{"ID in Khmer digits", qr("០៧៩២០៣០០១២៣៤", "", name, "15081990", "Nữ", addr), KeyIDInvalid, FieldID},
		{"ID empty", qr("", "352123456", name, "15081990", "Nữ", addr), KeyIDInvalid, FieldID},
		{"fields shifted, never guessed", qr(id, name, "15081990", "Nữ", addr, "20042021"), KeyIDInvalid, FieldOldID},
		{"old ID 8 digits", qr(id, "35212345", name, "15081990", "Nữ", addr), KeyIDInvalid, FieldOldID},

		{"name missing", qr(id, "", "", "15081990", "Nữ", addr), KeyNameMissing, FieldName},
		{"name blank", qr(id, "", "  ", "15081990", "Nữ", addr), KeyNameMissing, FieldName},

		{"31 February", qr(id, "", name, "31022000", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"29 February not leap", qr(id, "", name, "29022001", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"month 13", qr(id, "", name, "15131990", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"day 00", qr(id, "", name, "00081990", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"seven digits", qr(id, "", name, "1508199", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"slashes", qr(id, "", name, "15/08/1990", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"yyyymmdd", qr(id, "", name, "19900815", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"empty birth date", qr(id, "", name, "", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"before 1900", qr(id, "", name, "31121899", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"future birth date", qr(id, "", name, "19082026", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},
		{"far future birth date", qr(id, "", name, "15082090", "Nữ", addr), KeyBirthDateInvalid, FieldBirthDate},

		{"gender in English", qr(id, "", name, "15081990", "Male", addr), KeyGenderInvalid, FieldGender},
		{"gender lower case", qr(id, "", name, "15081990", "nữ", addr), KeyGenderInvalid, FieldGender},
		{"gender without accent", qr(id, "", name, "15081990", "Nu", addr), KeyGenderInvalid, FieldGender},
		{"gender empty", qr(id, "", name, "15081990", "", addr), KeyGenderInvalid, FieldGender},
		{"gender Telex residue", qr(id, "", name, "15081990", "Nuwx", addr), KeyGarbled, FieldGender},

		{"address missing", qr(id, "", name, "15081990", "Nữ", ""), KeyAddressMissing, FieldAddress},

		{"issue date 31 February", qr(id, "", name, "15081990", "Nữ", addr, "31022021"), KeyIssueDateInvalid, FieldIssueDate},
		{"issue date before birth", qr(id, "", name, "15081990", "Nữ", addr, "14081990"), KeyIssueDateInvalid, FieldIssueDate},
		{"issue date in the future", qr(id, "", name, "15081990", "Nữ", addr, "19082026"), KeyIssueDateInvalid, FieldIssueDate},
		{"issue date garbage", qr(id, "", name, "15081990", "Nữ", addr, "abc"), KeyIssueDateInvalid, FieldIssueDate},

		{"mojibake name (Windows-1252)", qr(id, "", "Nguyá»…n Thá»‹ Sa Ly", "15081990", "Nữ", addr), KeyGarbled, ""},
		{"mojibake everywhere", windows1252Mojibake(example), KeyGarbled, ""},
		{"mojibake gender only", qr(id, "", name, "15081990", windows1252Mojibake("Nữ"), addr), KeyGarbled, ""},
		{"replacement character", qr(id, "", "Nguy\uFFFDn Thị Sa Ly", "15081990", "Nữ", addr), KeyGarbled, ""},
		{"invalid UTF-8", qr(id, "", "Nguy\xe1\xbbn Thị Sa Ly", "15081990", "Nữ", addr), KeyGarbled, ""},
		{"control character", qr(id, "", "Nguy\x1bn Thị Sa Ly", "15081990", "Nữ", addr), KeyGarbled, ""},
		{"CR inside", qr(id, "", name, "15081990", "Nữ", "Ấp Mỹ Hòa,\r\nXã Mỹ Hương"), KeyGarbled, ""},
		{"question mark for a letter", qr(id, "", "Nguy?n Th? Sa Ly", "15081990", "Nữ", addr), KeyGarbled, FieldName},
		{"Telex residue name", qr(id, "", "Nguyeenx Thij Sa Ly", "15081990", "Nữ", addr), KeyGarbled, FieldName},
		{"Telex residue in one word of a name", qr(id, "", "Nguyễn Thij Sa Ly", "15081990", "Nữ", addr), KeyGarbled, FieldName},
		{"VIQR residue name", qr(id, "", "Nguye^~n Thi. Sa Ly", "15081990", "Nữ", addr), KeyGarbled, FieldName},
		{"VNI residue name", qr(id, "", "Nguye6n Thi5 Sa Ly", "15081990", "Nữ", addr), KeyGarbled, FieldName},
		{"digit in a name", qr(id, "", "Nguyễn Thị Sa Ly 2", "15081990", "Nữ", addr), KeyGarbled, FieldName},
		{"name with no letters", qr(id, "", "----", "15081990", "Nữ", addr), KeyGarbled, FieldName},
		{"address with no letters", qr(id, "", name, "15081990", "Nữ", "12/3, 45"), KeyGarbled, FieldAddress},
		{"address question marks", qr(id, "", name, "15081990", "Nữ", "?p M? H?a, X? M? H??ng"), KeyGarbled, FieldAddress},
		{"address Telex residue", qr(id, "", name, "15081990", "Nữ", "AAps Myx Hoaf, Xax Myx Huwowng, Tirnh Sosc Trawng"), KeyGarbled, FieldAddress},
		{"address VNI residue", qr(id, "", name, "15081990", "Nữ", "A61p My4 Ho2a, Xa4 My4 Hu7o7ng"), KeyGarbled, FieldAddress},
		{"garbling reported before a bad date", qr(id, "", "Nguy?n", "31022000", "Nữ", addr), KeyGarbled, FieldName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAt(tt.in, now)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseAt(%+q) = %+v, %v; want *Error %s (%s)", tt.in, got, err, tt.key, tt.field)
			}
			if e.Key != tt.key || e.Field != tt.field {
				t.Errorf("ParseAt(%+q) error = %s (%s), want %s (%s)", tt.in, e.Key, e.Field, tt.key, tt.field)
			}
			if got != (Card{}) {
				t.Errorf("ParseAt(%+q) returned a card with an error: %+v", tt.in, got)
			}
		})
	}
}

func TestParseUsesNow(t *testing.T) {
	// Parse judges against the real clock: a birth date one year ahead fails,
	// the example passes.
	next := time.Now().AddDate(1, 0, 0).Format("02012006")
	if _, err := Parse(qr("079203001234", "", "Nguyễn Thị Sa Ly", next, "Nữ", addr)); !errors.Is(err, &Error{Key: KeyBirthDateInvalid}) {
		t.Errorf("Parse with next year's birth date: %v, want %s", err, KeyBirthDateInvalid)
	}
	if c, err := Parse(example); err != nil || c != exampleCard {
		t.Errorf("Parse(example) = %+v, %v", c, err)
	}
}

func TestError(t *testing.T) {
	_, err := ParseAt(qr("1", "", "A", "15081990", "Nam", addr), now)
	if got, want := err.Error(), "idcard: error.idcard_id_invalid (id)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, &Error{Key: KeyIDInvalid}) || !errors.Is(err, &Error{Key: KeyIDInvalid, Field: FieldID}) {
		t.Error("errors.Is does not match by key and field")
	}
	if errors.Is(err, &Error{Key: KeyIDInvalid, Field: FieldOldID}) || errors.Is(err, &Error{Key: KeyFormat}) {
		t.Error("errors.Is matches a different field or key")
	}
	if got := (&Error{Key: KeyFormat}).Error(); got != "idcard: error.idcard_format" {
		t.Errorf("Error() without field = %q", got)
	}
	for _, k := range []string{KeyFormat, KeyGarbled, KeyIDInvalid, KeyNameMissing, KeyBirthDateInvalid,
		KeyGenderInvalid, KeyAddressMissing, KeyIssueDateInvalid} {
		if !strings.HasPrefix(k, "error.idcard_") {
			t.Errorf("key %q is not in the error.idcard_ namespace", k)
		}
	}
}

func TestCardJSON(t *testing.T) {
	b, err := json.Marshal(exampleCard)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"079203001234","old_id":"352123456","name":"Nguyễn Thị Sa Ly","birth_date":"1990-08-15",` +
		`"gender":"female","address":"Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng","issue_date":"2021-04-20"}`
	if string(b) != want {
		t.Errorf("json\n got  %s\n want %s", b, want)
	}
	var back Card
	if err := json.Unmarshal(b, &back); err != nil || back != exampleCard {
		t.Errorf("round trip = %+v, %v", back, err)
	}

	noIssue := exampleCard
	noIssue.IssueDate = time.Time{}
	b, err = json.Marshal(&noIssue)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"issue_date":null`) {
		t.Errorf("zero issue date marshalled as %s", b)
	}
	back = Card{}
	if err := json.Unmarshal(b, &back); err != nil || back != noIssue {
		t.Errorf("round trip without issue date = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"birth_date":"15081990"}`), &back); err == nil {
		t.Error("Unmarshal accepted a ddmmyyyy date")
	}
}
