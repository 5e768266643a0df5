package idcard

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/hooks/textnorm"
)

var knownKeys = map[string]bool{
	KeyFormat: true, KeyGarbled: true, KeyIDInvalid: true, KeyNameMissing: true,
	KeyBirthDateInvalid: true, KeyGenderInvalid: true, KeyAddressMissing: true, KeyIssueDateInvalid: true,
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		example,
		example + "\r\n",
		example + "|extra|fields",
		norm.NFD.String(example),
		qr("079203001234", "", "Thạch Thị Sà Rết", "01011990", "Nam", "Số 12, Ấp 3, Xã Mỹ Hương"),
		qr("352123456", "", "Lâm Văn Sóc", "29022000", "Nam", addr, ""),
		qr("079203001234", "352123456", "Nguyá»…n Thá»‹", "15081990", "Nữ", addr, "20042021"),
		qr("079203001234", "", "Nguyeenx Thij", "15081990", "Nữ", addr),
		qr("079203001234", "", "Nguy?n", "31022000", "Nu", "", "99999999"),
		strings.ReplaceAll(example, "|", ";"),
		"||||||",
		"\uFEFF|\r\n",
		"",
		"ភូមិ\u200bស្រែ|||",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseAt(s, now)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !knownKeys[e.Key] {
				t.Fatalf("ParseAt(%+q) error %v is not an *Error with a known key", s, err)
			}
			if c != (Card{}) {
				t.Fatalf("ParseAt(%+q) returned %+v with error %v", s, c, err)
			}
			return
		}
		if !textnorm.ValidIDNumber(c.ID) {
			t.Errorf("invalid ID %q from %+q", c.ID, s)
		}
		if c.OldID != "" && !textnorm.ValidIDNumber(c.OldID) {
			t.Errorf("invalid old ID %q from %+q", c.OldID, s)
		}
		for _, v := range []string{c.ID, c.OldID, c.Name, c.Gender, c.Address} {
			if !norm.NFC.IsNormalString(v) || strings.Contains(v, "|") || textnorm.NFC(v) != v {
				t.Errorf("field %+q from %+q is not tidy NFC or holds a '|'", v, s)
			}
		}
		if c.Name == "" || c.Address == "" || garbledName(c.Name) || Garbled(c.Address) {
			t.Errorf("accepted missing or garbled text %+q / %+q from %+q", c.Name, c.Address, s)
		}
		if c.Gender != GenderMale && c.Gender != GenderFemale {
			t.Errorf("gender %q from %+q", c.Gender, s)
		}
		today := time.Date(2026, 8, 18, 0, 0, 0, 0, time.UTC)
		if c.BirthDate.IsZero() || c.BirthDate.After(today) || c.BirthDate.Location() != time.UTC || c.BirthDate.Hour() != 0 {
			t.Errorf("birth date %v from %+q", c.BirthDate, s)
		}
		if !c.IssueDate.IsZero() && (c.IssueDate.Before(c.BirthDate) || c.IssueDate.After(today)) {
			t.Errorf("issue date %v from %+q", c.IssueDate, s)
		}
	})
}
