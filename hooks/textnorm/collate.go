package textnorm

import (
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Collator returns a collator for the language tag lang ("vi", "km", "en",
// "vi-VN" …) for sorting names and lists in the order people expect, which
// SQLite's byte order does not give.
//
// For "vi" the letters sort a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u
// ư v x y, with tone marks deciding only between otherwise equal words; the
// root order would treat đ as a d with an accent. For "km" the independent
// vowels such as ឫ and ឥ sort with the consonant they are spelled from. An
// unknown or empty tag gets the Unicode root order.
//
// A Collator keeps internal buffers and is not safe for concurrent use: call
// Collator once per goroutine or request.
func Collator(lang string) *collate.Collator {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.Und
	}
	return collate.New(tag)
}

// SortStrings sorts ss in place in the order of language lang; see Collator.
func SortStrings(lang string, ss []string) {
	Collator(lang).SortStrings(ss)
}
