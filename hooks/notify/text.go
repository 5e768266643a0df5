package notify

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/sms/pdu"
)

// maxParts is the most SMS one notice may take: multi-part messages are less
// reliable than single ones, and three is what the office pays for at most.
const maxParts = 3

// Languages of notices: Vietnamese goes without diacritics in the GSM
// alphabet (160 characters a part, 153 when concatenated), Khmer in UCS-2 (70,
// or 67).
var noticeLanguages = []string{"vi", "km"}

// trimOrder is the order in which variable parts give way when a notice would
// need more than maxParts SMS: the longest of them is cut first, each time.
// The code, the dates, the link and the office's phone are never cut.
var trimmable = map[string]bool{
	"procedure": true, "office": true, "papers": true, "reason": true, "place": true, "site": true, "hours": true,
}

// ellipsis ends a value that was cut. Three dots, not "…": "…" is not in the
// GSM alphabet and would turn a Vietnamese notice into UCS-2.
const ellipsis = "..."

// textKey is the catalogue key of a kind's text.
func textKey(kind string) string { return "sms." + "text_" + kind }

// template is the text of kind in lang: the office's own version when it has
// one, else the catalogue's.
func template(s *settings, kind, lang string) string {
	if t := s.Texts[kind][lang]; strings.TrimSpace(t) != "" {
		return t
	}
	return i18n.T(lang, textKey(kind))
}

// rendered is a notice's final text and what it costs.
type rendered struct {
	Text     string
	Parts    int
	Encoding string // "gsm7" or "ucs2"
}

// render fills tmpl with values, writes Vietnamese without diacritics and
// shortens the variable parts until the text fits in maxParts SMS. It fails
// only when even with every variable part gone the text is too long (an
// office text far too long, refused when saved) or is not valid text.
func render(tmpl, lang string, values map[string]string) (rendered, error) {
	vals := make(map[string]string, len(values))
	for k, v := range values {
		v = tidy(v)
		if lang == "vi" {
			v = gsmSafe(v)
		}
		vals[k] = v
	}
	if lang == "vi" {
		tmpl = gsmSafe(tmpl)
	}
	for round := 0; ; round++ {
		text := fill(tmpl, vals)
		size, err := pdu.SizeOf(text, pdu.Auto)
		if err != nil {
			return rendered{}, fmt.Errorf("sms text: %w", err)
		}
		if size.Parts <= maxParts {
			return rendered{Text: text, Parts: size.Parts, Encoding: size.Encoding.String()}, nil
		}
		name := longestTrimmable(vals)
		if name == "" && vals["link"] != "" {
			// The status link is a convenience: the code is in the text.
			name = "link"
		}
		if name == "" || round > 200 {
			return rendered{}, fmt.Errorf("sms text: %d parts with every variable part cut, at most %d", size.Parts, maxParts)
		}
		if name == "link" {
			vals[name] = ""
		} else {
			vals[name] = shorten(vals[name])
		}
	}
}

// placeholderRe finds the {name}s of a text.
var placeholderRe = regexp.MustCompile(`\{[a-z_]+\}`)

// fill replaces {name} placeholders (one without a value by nothing) and
// tidies the spaces a missing value leaves ("… {link}" without a link).
func fill(tmpl string, vals map[string]string) string {
	return tidy(placeholderRe.ReplaceAllStringFunc(tmpl, func(p string) string {
		return vals[p[1:len(p)-1]]
	}))
}

// tidy folds runs of white space (a typed reason's line breaks included)
// into one space and trims the ends.
func tidy(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// longestTrimmable names the longest variable part that can still be cut.
func longestTrimmable(vals map[string]string) string {
	best, n := "", 0
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same values always shorten the same way
	for _, k := range keys {
		if !trimmable[k] {
			continue
		}
		l := utf8.RuneCountInString(strings.TrimSuffix(vals[k], ellipsis))
		if l > n {
			best, n = k, l
		}
	}
	return best
}

// shorten cuts a quarter (at least four characters) off v, at a boundary
// that keeps a Khmer consonant with its vowel signs and subscripts, and at a
// word's end when there is one near, then marks the cut with an ellipsis.
func shorten(v string) string {
	rs := []rune(strings.TrimSuffix(v, ellipsis))
	keep := len(rs) - max(4, len(rs)/4)
	if keep <= 2 {
		return ""
	}
	// Do not end on a consonant that the next rune modifies (a Khmer vowel
	// sign, a coeng, a combining mark), nor on a coeng.
	for keep > 0 && (joinsPrevious(rs[keep]) || rs[keep-1] == '\u17D2') {
		keep--
	}
	// Prefer a word boundary within the last few characters.
	for i := keep; i > keep-6 && i > 0; i-- {
		if rs[i-1] == ' ' {
			keep = i - 1
			break
		}
	}
	out := strings.TrimRight(string(rs[:keep]), " ,;:.-")
	if out == "" {
		return ""
	}
	return out + ellipsis
}

// joinsPrevious reports whether r belongs to the character before it: Khmer
// dependent vowels and signs, the coeng and the subscript it makes, and
// combining marks.
func joinsPrevious(r rune) bool {
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || (r >= '\u17B6' && r <= '\u17D3') || r == '\u17DD'
}

// gsmReplacements turn typographic characters that staff paste in (curly
// quotes, dashes, the ellipsis) into their GSM look-alikes.
var gsmReplacements = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201C", `"`, "\u201D", `"`, "\u2013", "-", "\u2014", "-",
	"\u2026", "...", "\u00A0", " ", "\u2022", "-", "\u00B7", "-", "\t", " ",
)

// gsmSafe writes s without diacritics, in the GSM alphabet: what is left
// outside it (an emoji, a Khmer word in a Vietnamese notice) becomes "?", so
// that a Vietnamese notice is never sent as UCS-2 at 70 characters a part.
func gsmSafe(s string) string {
	s = gsmReplacements.Replace(pdu.StripDiacritics(s))
	if pdu.IsGSM7(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if pdu.IsGSM7(string(r)) {
			b.WriteRune(r)
		} else if !joinsPrevious(r) {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// sampleValues are the longest realistic values of each placeholder, used to
// check an office's own text when it is saved: with these, it must still fit
// in maxParts SMS once the variable parts are cut.
var sampleValues = map[string]string{
	"code":      "000.00.07.H60-260818-5001",
	"due":       "17:00 31/12/2026",
	"at":        "16:45 31/12/2026",
	"date":      "31/12/2026",
	"link":      "https://motcua.myhuong.cantho.gov.vn/tra-cuu/000.00.07.H60-260818-5001?k=abcdefghjkmn",
	"phone":     "0292 3 123 456",
	"office":    "UBND xa My Huong",
	"procedure": "Đăng ký kết hôn",
	"papers":    "Tờ khai",
	"reason":    "Không đủ điều kiện",
	"place":     "Bộ phận một cửa",
	"hours":     "T2-T6 07:00-11:30, 13:00-17:00",
	"site":      "Điểm trường ấp Tà Liêm",
}

// checkText checks an office's own text of kind in lang: only the kind's
// placeholders, the dossier code in every dossier notice, and a length that
// fits in maxParts SMS with the longest values. It returns a message key, or
// "" when the text is good.
func checkText(kind, lang, text string) string {
	allowed := domain.NoticePlaceholders[kind]
	ps := i18n.Placeholders(text)
	for _, p := range ps {
		if !slices.Contains(allowed, strings.Trim(p, "{}")) {
			return "error.sms_text_placeholder"
		}
	}
	if slices.Contains(allowed, "code") && !slices.Contains(ps, "{code}") {
		return "error.sms_text_needs_code"
	}
	if _, err := render(text, lang, sampleValues); err != nil {
		return "error.sms_text_too_long"
	}
	return ""
}

// errKind is the keyed refusal of an unknown notice kind.
func errKind() error { return base.KeyedError(http.StatusBadRequest, "error.sms_kind_invalid") }
