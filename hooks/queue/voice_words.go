package queue

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// The words the lobby TV builds a call from, in each language: "Mời số" (invite),
// the group letter, the ticket's number read as a number, "đến quầy"
// (to_counter) and the counter's number. Numbers are read the way people say
// them ("A012" is "A mười hai", "A ដប់ពីរ"), so besides the digits each
// language has its own number words: Vietnamese mười, mươi, trăm, nghìn and
// the sounds that change after a ten (linh, mốt, lăm); Khmer the tens (ដប់,
// ម្ភៃ, សាមសិប … កៅសិប), រយ and ពាន់. pb_public/static/js/voice.js composes the
// sequence from these keys; a clip is stored under "<language>.<word>".

// voiceWord is one clip the TV may need: its key without the language, the
// section of the recording page it is listed in, and what to say, per language.
type voiceWord struct {
	Word string
	Kind string // invite, letter, digit, number, counter
	Say  map[string]string
}

// voiceWords are the words besides the group letters, in the order the
// recording page lists them.
var voiceWords = func() []voiceWord {
	ws := []voiceWord{
		{"invite", "invite", map[string]string{"vi": "Mời số", "km": "សូមអញ្ជើញលេខ"}},
		{"to_counter", "counter", map[string]string{"vi": "đến quầy", "km": "ទៅបញ្ជរលេខ"}},
	}
	vi := []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}
	km := []string{"សូន្យ", "មួយ", "ពីរ", "បី", "បួន", "ប្រាំ", "ប្រាំមួយ", "ប្រាំពីរ", "ប្រាំបី", "ប្រាំបួន"}
	for d := range 10 {
		ws = append(ws, voiceWord{fmt.Sprintf("digit_%d", d), "digit", map[string]string{"vi": vi[d], "km": km[d]}})
	}
	for _, w := range []struct{ word, say string }{
		{"ten", "mười"}, {"tens", "mươi"}, {"hundred", "trăm"}, {"thousand", "nghìn (ngàn)"},
		{"zero_ten", "linh (lẻ)"}, {"one_after_tens", "mốt"}, {"five_after_ten", "lăm"},
	} {
		ws = append(ws, voiceWord{w.word, "number", map[string]string{"vi": w.say}})
	}
	kmTens := []string{"ដប់", "ម្ភៃ", "សាមសិប", "សែសិប", "ហាសិប", "ហុកសិប", "ចិតសិប", "ប៉ែតសិប", "កៅសិប"}
	ws = append(ws, voiceWord{"ten", "number", map[string]string{"km": kmTens[0]}})
	for t := 2; t <= 9; t++ {
		ws = append(ws, voiceWord{fmt.Sprintf("tens_%d", t), "number", map[string]string{"km": kmTens[t-1]}})
	}
	ws = append(ws,
		voiceWord{"hundred", "number", map[string]string{"km": "រយ"}},
		voiceWord{"thousand", "number", map[string]string{"km": "ពាន់"}})
	return ws
}()

// letterNames are the names of the Latin letters as said in each language.
var letterNames = map[string][2]string{
	"A": {"a", "អេ"}, "B": {"bê", "ប៊ី"}, "C": {"xê", "ស៊ី"}, "D": {"đê", "ឌី"}, "E": {"e", "អ៊ី"},
	"F": {"ép", "អេហ្វ"}, "G": {"giê", "ជី"}, "H": {"hát", "អេច"}, "I": {"i", "អាយ"}, "J": {"gi", "ជេ"},
	"K": {"ca", "ខេ"}, "L": {"e-lờ", "អែល"}, "M": {"em-mờ", "អិម"}, "N": {"en-nờ", "អិន"}, "O": {"o", "អូ"},
	"P": {"pê", "ភី"}, "Q": {"quy", "ឃ្យូ"}, "R": {"e-rờ", "អា"}, "S": {"ét-xì", "អេស"}, "T": {"tê", "ធី"},
	"U": {"u", "យូ"}, "V": {"vê", "វី"}, "W": {"vê kép", "ដាប់ប៊លយូ"}, "X": {"ích-xì", "អិច"}, "Y": {"i dài", "វ៉ាយ"},
	"Z": {"dét", "ហ្សេត"},
}

// letterWord is the clip word of a group letter ("letter_a").
func letterWord(letter string) string { return "letter_" + strings.ToLower(letter) }

// voiceClipSpec is one clip of the catalogue in one language.
type voiceClipSpec struct {
	Key      string `json:"key"` // "km.digit_3"
	Language string `json:"language"`
	Word     string `json:"word"`
	Kind     string `json:"kind"`
	Say      string `json:"say"`
}

// voiceCatalogue lists the clips the TV may need now, per language: the words
// and the letters of the active service groups.
func voiceCatalogue(app core.App) ([]voiceClipSpec, error) {
	groups, err := app.FindRecordsByFilter(base.ColServiceGroups, "active = true", "letter", 0, 0)
	if err != nil {
		return nil, fmt.Errorf("voice catalogue: %w", err)
	}
	var out []voiceClipSpec
	for i, lang := range []string{"vi", "km"} {
		add := func(w voiceWord) {
			if say, ok := w.Say[lang]; ok {
				out = append(out, voiceClipSpec{Key: lang + "." + w.Word, Language: lang, Word: w.Word, Kind: w.Kind, Say: say})
			}
		}
		add(voiceWords[0])
		for _, g := range groups {
			l := g.GetString("letter")
			name, ok := letterNames[l]
			if !ok {
				continue
			}
			add(voiceWord{letterWord(l), "letter", map[string]string{lang: name[i]}})
		}
		for _, w := range voiceWords[1:] {
			add(w)
		}
	}
	return out, nil
}

// voiceKeyKnown tells whether key names a clip any office could need: one of
// the words or a letter, in vi or km.
func voiceKeyKnown(key string) bool {
	lang, word, ok := strings.Cut(key, ".")
	if !ok || (lang != "vi" && lang != "km") {
		return false
	}
	if l, found := strings.CutPrefix(word, "letter_"); found {
		_, ok := letterNames[strings.ToUpper(l)]
		return ok && l == strings.ToLower(l)
	}
	return slices.ContainsFunc(voiceWords, func(w voiceWord) bool { _, has := w.Say[lang]; return has && w.Word == word })
}
