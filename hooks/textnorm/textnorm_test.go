package textnorm

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nfd returns the decomposed form, as some keyboards and the ID-card QR send it.
func nfd(s string) string { return norm.NFD.String(s) }

func TestNFC(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"blank", " \t\r\n ", ""},
		{"already NFC", "Nguyễn Văn An", "Nguyễn Văn An"},
		{"NFD composes", nfd("Nguyễn Văn Ấn"), "Nguyễn Văn Ấn"},
		{"trim and collapse", "  Nguyễn \t Văn\n\nAn  ", "Nguyễn Văn An"},
		{"no-break space is space", "Xã\u00a0Mỹ Hương", "Xã Mỹ Hương"},
		{"ideographic space", "A\u3000B", "A B"},
		{"zero-width space kept", "ភូមិ\u200bស្រែ", "ភូមិ\u200bស្រែ"},
		{"zero-width space at edge kept", "\u200bក ", "\u200bក"},
		{"ZWJ and ZWNJ kept", "ក\u200dខ\u200cគ", "ក\u200dខ\u200cគ"},
		{"Khmer unchanged", "សុខ សំណាង", "សុខ សំណាង"},
		{"invalid UTF-8 replaced", "Nguy\xe1n", "Nguy\uFFFDn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NFC(tt.in); got != tt.want {
				t.Errorf("NFC(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
	if nfd("Nguyễn") == "Nguyễn" {
		t.Fatal("test data: NFD form equals NFC form, the NFD cases prove nothing")
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"name", "Nguyễn Văn Ấ", "nguyen van a"},
		{"NFD name", nfd("Nguyễn Văn Ấ"), "nguyen van a"},
		{"d with stroke", "Đặng", "dang"},
		{"NFD d with stroke", nfd("Đặng Đào đức"), "dang dao duc"},
		{"every vowel", "ĂÂÊÔƠƯ ằẩẵặấ ớờởỡợ ứừửữự ýỳỷỹỵ", "aaeoou aaaaa ooooo uuuuu yyyyy"},
		{"already folded", "nguyen van a", "nguyen van a"},
		{"upper case", "NGUYỄN VĂN AN", "nguyen van an"},
		{"eth from legacy code pages", "Ðinh", "dinh"},
		{"white space tidied", "  Lâm \t Văn  Sóc ", "lam van soc"},
		{"digits and punctuation kept", "Số 12, Ấp 3", "so 12, ap 3"},
		{"Khmer passes through", "ភូមិ\u200bស្រែ", "ភូមិ\u200bស្រែ"},
		{"Khmer NFC only", "សុខា", "សុខា"},
		{"mixed", "Thạch Sô Phia សុខា", "thach so phia សុខា"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldMatchesQueries(t *testing.T) {
	// The point of Fold: the stored key and the folded query are equal.
	pairs := [][2]string{
		{"Nguyễn", "nguyen"},
		{nfd("Nguyễn"), "NGUYEN"},
		{"Nguyễn", nfd("nguyễn")},
		{"Trần Thị Sà Rết", "tran thi sa ret"},
		{"Đào", "dao"},
	}
	for _, p := range pairs {
		if Fold(p[0]) != Fold(p[1]) {
			t.Errorf("Fold(%+q) = %+q, Fold(%+q) = %+q, want equal", p[0], Fold(p[0]), p[1], Fold(p[1]))
		}
	}
	if Fold("Nguyễn") == "Nguyễn" {
		t.Error(`Fold("Nguyễn") kept the accents`)
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"empty is allowed", "", "", false},
		{"blank is allowed", "   ", "", false},
		{"plain", "0912345678", "0912345678", false},
		{"international with spaces", "+84 912 345 678", "0912345678", false},
		{"international no spaces", "+84912345678", "0912345678", false},
		{"84 without plus", "84912345678", "0912345678", false},
		{"international with trunk zero", "+84 (0) 912 345 678", "0912345678", false},
		{"84 with trunk zero", "840912345678", "0912345678", false},
		{"dots", "0912.345.678", "0912345678", false},
		{"dashes", "0912-345-678", "0912345678", false},
		{"surrounding space", " 0912 345 678 \n", "0912345678", false},
		{"prefix 03", "0321234567", "0321234567", false},
		{"prefix 05", "0561234567", "0561234567", false},
		{"prefix 07", "0701234567", "0701234567", false},
		{"prefix 08", "0812345678", "0812345678", false},
		{"number starting 084 is not an international prefix", "0842345678", "0842345678", false},
		{"landline prefix 02", "0212345678", "", true},
		{"landline international", "+84 212 345 678", "", true},
		{"prefix 01 retired", "0123456789", "", true},
		{"prefix 04", "0412345678", "", true},
		{"prefix 06", "0612345678", "", true},
		{"11 digits", "09123456789", "", true},
		{"old 11-digit mobile", "01234567890", "", true},
		{"9 digits", "091234567", "", true},
		{"9 digits without trunk zero is not guessed", "912345678", "", true},
		{"foreign country", "+855 12 345 678", "", true},
		{"plus not at start", "0912+345678", "", true},
		{"letters", "0912abc678", "", true},
		{"Khmer digits", "០៩១២៣៤៥៦៧៨", "", true},
		{"full-width digits", "０９１２３４５６７８", "", true},
		{"separators only", "--", "", true},
		{"plus only", "+", "", true},
		{"84 short", "+84 91234567", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrPhoneInvalid) {
					t.Errorf("NormalizePhone(%q) = %q, %v; want ErrPhoneInvalid", tt.in, got, err)
				}
				if got != "" {
					t.Errorf("NormalizePhone(%q) returned %q with an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			}
		})
	}
	if ErrPhoneInvalid.Error() != KeyPhoneInvalid {
		t.Errorf("ErrPhoneInvalid message = %q, want the key %q", ErrPhoneInvalid, KeyPhoneInvalid)
	}
}

func TestValidIDNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"079203001234", true},
		{"352123456", true},
		{"000000000000", true},
		{"", false},
		{"07920300123", false},   // 11
		{"0792030012345", false}, // 13
		{"35212345", false},      // 8
		{"3521234567", false},    // 10
		{"07920300123A", false},
		{"079 203 001 234", false},
		{" 352123456", false},
		{"-35212345", false},
		{"០៧៩២០៣០០១២៣៤", false}, // Khmer digits
		{"３５２１２３４５６", false},    // full-width digits
	}
	for _, tt := range tests {
		if got := ValidIDNumber(tt.in); got != tt.want {
			t.Errorf("ValidIDNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"Vietnamese", "Nguyễn Văn An", "N***** V** A*"},
		{"NFD counts letters, not code points", nfd("Nguyễn Văn An"), "N***** V** A*"},
		{"accented first letter kept", "Ấn Đặng", "Ấ* Đ***"},
		{"NFD accented first letter kept whole", nfd("Ấn"), "Ấ*"},
		{"one-letter word", "Nguyễn Văn A", "N***** V** A"},
		{"white space tidied", "  Lý   Thị\tSa Ry ", "L* T** S* R*"},
		{"Khmer-Vietnamese name", "Thạch Thị Sà Rết", "T**** T** S* R**"},
		{"Khmer name has a fixed mask", "សុខសំណាង", "ស***"},
		{"short Khmer name same mask", "សុខ", "ស***"},
		{"Khmer with zero-width space is one word", "សុខ\u200bសំណាង", "ស***"},
		{"Khmer words", "កែវ សុខា", "ក*** ស***"},
		{"no combining mark after a star", "a\u0301\u0301b\u0301", "á\u0301*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Mask(tt.in)
			if got != tt.want {
				t.Errorf("Mask(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
	// The Khmer mask must not depend on the name's length.
	if a, b := Mask("ក"), Mask("សុខសំណាងរតនា"); utf8.RuneCountInString(a) != utf8.RuneCountInString(b) {
		t.Errorf("Khmer masks leak the length: %q vs %q", a, b)
	}
}

func TestSortStringsVietnamese(t *testing.T) {
	// Vietnamese alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y.
	// Each of these is its own letter, so "Ăn" and "Ân" come after every word
	// starting with a plain "a", and "Đào" after every word starting with "d".
	want := []string{
		"An", "Anh", "Az", "Ăn", "Ân", "Âu",
		"Bình", "Cường",
		"Du", "Dương", "Dz", "Đa", "Đào",
		"Em", "Ez", "Ê",
		"Giang", "Hà",
		"Oanh", "Oz", "Ôm", "Ơn",
		"Uy", "Ưng",
		"Yến",
	}
	letters := strings.Fields("a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y")
	wantLetters := slices.Clone(letters)

	for _, in := range [][]string{reversed(want), shuffled(want)} {
		got := slices.Clone(in)
		SortStrings("vi", got)
		if !slices.Equal(got, want) {
			t.Errorf("SortStrings(vi)\n got  %q\n want %q", got, want)
		}
	}

	got := reversed(letters)
	SortStrings("vi", got)
	if !slices.Equal(got, wantLetters) {
		t.Errorf("SortStrings(vi) letters\n got  %q\n want %q", got, wantLetters)
	}

	// NFD input sorts like NFC input.
	nfdWant := make([]string, len(want))
	for i, s := range want {
		nfdWant[i] = nfd(s)
	}
	got = reversed(nfdWant)
	SortStrings("vi", got)
	if !slices.Equal(got, nfdWant) {
		t.Errorf("SortStrings(vi) NFD\n got  %q\n want %q", got, nfdWant)
	}

	c := Collator("vi")
	for _, p := range [][2]string{{"Dương", "Đào"}, {"An", "Ân"}, {"Az", "Ân"}, {"Uy", "Ưng"}, {"Oz", "Ôm"}, {"Ôm", "Ơn"}} {
		if c.CompareString(p[0], p[1]) >= 0 {
			t.Errorf("vi: %q should sort before %q", p[0], p[1])
		}
	}
}

func TestSortStringsRootDiffers(t *testing.T) {
	// The Unicode root order treats đ as d with an accent ("Đào" before
	// "Dương") and ă, â as accented a: this is why the language matters.
	root := []string{"Dương", "Đào", "Az", "Ân"}
	SortStrings("und", root)
	vi := slices.Clone(root)
	SortStrings("vi", vi)
	if want := []string{"Az", "Ân", "Dương", "Đào"}; !slices.Equal(vi, want) {
		t.Errorf("vi order = %q, want %q", vi, want)
	}
	if slices.Equal(root, vi) {
		t.Errorf("root order %q equals vi order; the Vietnamese tests do not show the tailoring", root)
	}
}

func TestSortStringsKhmer(t *testing.T) {
	// In Khmer order the independent vowels ឫ (ru) and ឥ (e) sort with the
	// consonant they are spelled from (រ and អ); the Unicode root order puts
	// them after all consonants. Khmer sorts after Latin.
	want := []string{"Sơn", "ក", "កា", "ខ", "រ", "ឫ", "អ", "ឥ"}
	got := reversed(want)
	SortStrings("km", got)
	if !slices.Equal(got, want) {
		t.Errorf("SortStrings(km)\n got  %q\n want %q", got, want)
	}
	root := reversed(want)
	SortStrings("und", root)
	if slices.Equal(root, want) {
		t.Error("root order equals Khmer order for the test words; the test does not show the tailoring")
	}
}

func TestCollatorUnknownLanguage(t *testing.T) {
	got := []string{"b", "A", "a"}
	SortStrings("not a tag!", got)
	if want := []string{"a", "A", "b"}; !slices.Equal(got, want) {
		t.Errorf("SortStrings(bad tag) = %q, want %q", got, want)
	}
}

func reversed(ss []string) []string {
	out := slices.Clone(ss)
	slices.Reverse(out)
	return out
}

// shuffled returns a fixed permutation, so failures are reproducible.
func shuffled(ss []string) []string {
	out := make([]string, 0, len(ss))
	for i := 0; i < len(ss); i += 2 {
		out = append(out, ss[i])
	}
	for i := len(ss) - 1; i >= 0; i-- {
		if i%2 == 1 {
			out = append(out, ss[i])
		}
	}
	return out
}

func FuzzNFC(f *testing.F) {
	for _, s := range []string{"", "  a  b ", nfd("Nguyễn  Văn"), "ភូមិ\u200bស្រែ", "\u00a0x\t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NFC(s)
		if NFC(got) != got {
			t.Errorf("NFC not idempotent for %+q", s)
		}
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Errorf("NFC(%+q) = %+q is not NFC", s, got)
		}
		if strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Errorf("NFC(%+q) = %+q has untidy spaces", s, got)
		}
		if strings.Count(got, "\u200b") != strings.Count(norm.NFC.String(s), "\u200b") {
			t.Errorf("NFC(%+q) = %+q changed zero-width spaces", s, got)
		}
		folded := Fold(s)
		if Fold(folded) != folded {
			t.Errorf("Fold not idempotent for %+q", s)
		}
	})
}
