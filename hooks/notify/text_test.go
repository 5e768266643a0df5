package notify

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"motcua/hooks/catalog"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/domain"
	"motcua/hooks/sms/pdu"
)

// longestValues are the longest realistic values of every placeholder in
// lang: the longest procedure names of the seed catalogue, a field team's
// code, a long reason and a long list of papers, the link of a long public
// URL, the office's long name.
func longestValues(t testing.TB, lang string) map[string]string {
	t.Helper()
	procs, err := catalog.Procedures()
	if err != nil {
		t.Fatal(err)
	}
	longest, papers := "", []string{}
	for _, p := range procs {
		name := p.NameVI
		if lang == "km" {
			name = p.NameKM
		}
		if utf8.RuneCountInString(name) > utf8.RuneCountInString(longest) {
			longest = name
		}
		if len(p.Papers) > len(papers) {
			papers = papers[:0]
			for _, pp := range p.Papers {
				if lang == "km" {
					papers = append(papers, pp.NameKM)
				} else {
					papers = append(papers, pp.NameVI)
				}
			}
		}
	}
	office := "Trung tâm Phục vụ hành chính công xã Mỹ Hương"
	reason := "Người yêu cầu không thuộc trường hợp được đăng ký theo quy định tại Điều 12 Nghị định 123/2015/NĐ-CP, đề nghị liên hệ UBND cấp huyện để được hướng dẫn thêm về thủ tục"
	if lang == "km" {
		office = "មជ្ឈមណ្ឌលបម្រើសេវារដ្ឋបាលសាធារណៈឃុំមីហឿង"
		reason = "អ្នកស្នើសុំមិនស្ថិតក្នុងករណីដែលអាចចុះបញ្ជីបានតាមបទប្បញ្ញត្តិ សូមទាក់ទងគណៈកម្មាធិការប្រជាជនស្រុក ដើម្បីទទួលបានការណែនាំបន្ថែមអំពីនីតិវិធី"
	}
	return map[string]string{
		"office":    office,
		"code":      "000.00.07.H60-261231-5999",
		"procedure": longest,
		"due":       "17:00 31/12/2026",
		"at":        "16:59 31/12/2026",
		"date":      "31/12/2026",
		"papers":    strings.Join(papers, "; "),
		"reason":    reason,
		"place":     "Bộ phận tiếp nhận và trả kết quả, Ủy ban nhân dân xã Mỹ Hương, ấp Mỹ Hòa",
		"hours":     "T2-T6 06:30-11:30, 13:00-17:30; T7 07:00-11:30",
		"site":      "Điểm trường tiểu học Mỹ Hương B, ấp Tà Liêm (cạnh chùa Khmer)",
		"phone":     "0299 3 853 123",
		"link":      "https://motcua.myhuong.soctrang.cantho.gov.vn/tra-cuu/000.00.07.H60-261231-5999?k=23456789abcd",
	}
}

var diacritic = regexp.MustCompile(`[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]`)

// TestEveryNoticeFitsThreeParts renders every kind in both languages with
// the longest values: at most three SMS, the code and the link whole,
// Vietnamese in the GSM alphabet without diacritics, Khmer in UCS-2.
func TestEveryNoticeFitsThreeParts(t *testing.T) {
	for _, kind := range domain.NoticeKinds {
		for _, lang := range noticeLanguages {
			for _, withLink := range []bool{false, true} {
				vals := longestValues(t, lang)
				if !withLink {
					delete(vals, "link")
				}
				got, err := render(i18n.T(lang, textKey(kind)), lang, vals)
				if err != nil {
					t.Fatalf("%s/%s: %v", kind, lang, err)
				}
				n, _ := pdu.Parts(got.Text)
				if n > maxParts || got.Parts != n {
					t.Errorf("%s/%s: %d parts (said %d): %q", kind, lang, n, got.Parts, got.Text)
				}
				for _, p := range domain.NoticePlaceholders[kind] {
					if strings.Contains(got.Text, "{"+p+"}") {
						t.Errorf("%s/%s: placeholder {%s} left in %q", kind, lang, p, got.Text)
					}
					if !trimmable[p] && p != "link" && vals[p] != "" && !strings.Contains(got.Text, vals[p]) && !strings.Contains(got.Text, gsmSafe(vals[p])) {
						t.Errorf("%s/%s: {%s} %q was cut: %q", kind, lang, p, vals[p], got.Text)
					}
				}
				if withLink && strings.Contains(got.Text, "http") && !strings.Contains(got.Text, vals["link"]) {
					t.Errorf("%s/%s: link cut: %q", kind, lang, got.Text)
				}
				if withLink && strings.Contains(i18n.T(lang, textKey(kind)), "{link}") && !strings.Contains(got.Text, vals["link"]) {
					t.Logf("%s/%s: the link did not fit and was left out", kind, lang)
				}
				switch lang {
				case "vi":
					if got.Encoding != "gsm7" || diacritic.MatchString(strings.ToLower(got.Text)) {
						t.Errorf("%s/vi: %s %q", kind, got.Encoding, got.Text)
					}
				case "km":
					if got.Encoding != "ucs2" || !regexp.MustCompile(`[\x{1780}-\x{17FF}]`).MatchString(got.Text) {
						t.Errorf("%s/km: %s %q", kind, got.Encoding, got.Text)
					}
				}
			}
		}
	}
}

// TestShortenKeepsKhmerClusters: a cut never leaves a vowel sign or a
// subscript without its consonant.
func TestShortenKeepsKhmerClusters(t *testing.T) {
	s := "សំណុំឯកសារស្នើសុំចុះបញ្ជីកំណើតសម្រាប់កុមារ"
	for i := 0; i < 12 && s != ""; i++ {
		s = shorten(s)
		body := []rune(strings.TrimSuffix(s, ellipsis))
		if len(body) == 0 {
			break
		}
		last := body[len(body)-1]
		if last == '\u17D2' {
			t.Fatalf("cut after a coeng: %q", s)
		}
		if len(body) > 0 && joinsPrevious(body[0]) {
			t.Fatalf("starts with a mark: %q", s)
		}
	}
}

func TestGSMSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Hồ sơ “đã” tiếp nhận – xong…": `Ho so "da" tiep nhan - xong...`,
		"Giấy tờ 😀 kèm":                "Giay to ? kem",
		"Đường Trần Hưng Đạo":          "Duong Tran Hung Dao",
	} {
		if got := gsmSafe(in); got != want || !pdu.IsGSM7(got) {
			t.Errorf("gsmSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckText: what the office may write.
func TestCheckText(t *testing.T) {
	tests := []struct{ kind, lang, text, want string }{
		{"received", "vi", "Ho so {code} da nhan, hen {due}.", ""},
		{"received", "vi", "Ho so {code} cua {name}.", "error.sms_text_placeholder"},
		{"received", "vi", "Ho so da nhan.", "error.sms_text_needs_code"},
		{"visit", "km", "ថ្ងៃស្អែក {date} នៅ {site}។", ""},
		{"refused", "vi", "{code} " + strings.Repeat("Rat tiec. ", 60), "error.sms_text_too_long"},
		{"refused", "km", "{code} " + strings.Repeat("សូមអភ័យទោស។ ", 30), "error.sms_text_too_long"},
	}
	for _, tc := range tests {
		if got := checkText(tc.kind, tc.lang, tc.text); got != tc.want {
			t.Errorf("checkText(%s, %s, %.30q) = %q, want %q", tc.kind, tc.lang, tc.text, got, tc.want)
		}
	}
}

// TestReasonKeys: every reason a sender or the outbox gives has its words in
// every language, and the Khmer ones are Khmer.
func TestReasonKeys(t *testing.T) {
	cs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	khmer := regexp.MustCompile(`[\x{1780}-\x{17FF}]`)
	for _, r := range allReasons() {
		for _, lang := range i18n.Languages {
			v := cs[lang][reasonKey(r)]
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: no %s", lang, reasonKey(r))
			}
			if lang == "km" && !khmer.MatchString(v) {
				t.Errorf("km %s = %q is not Khmer", reasonKey(r), v)
			}
		}
	}
	for _, k := range append(append([]string{}, domain.NoticeKinds...), outboxStatuses...) {
		for _, key := range []string{"sms." + "kind_" + k, "sms." + "status_" + k} {
			if strings.HasPrefix(key, "sms.kind_") && !contains(domain.NoticeKinds, k) || strings.HasPrefix(key, "sms.status_") && !contains(outboxStatuses, k) {
				continue
			}
			for _, lang := range i18n.Languages {
				if cs[lang][key] == "" {
					t.Errorf("%s: no %s", lang, key)
				}
			}
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestBackoff(t *testing.T) {
	want := []string{"30s", "1m0s", "2m0s", "4m0s", "8m0s", "16m0s", "30m0s", "30m0s"}
	for i, w := range want {
		if got := backoff(i + 1).String(); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("received", "vi", "Đăng ký khai sinh", "lý do")
	f.Add("refused", "km", "ចុះបញ្ជីកំណើត", strings.Repeat("មូលហេតុ ", 40))
	f.Fuzz(func(t *testing.T, kind, lang, procedure, reason string) {
		if !contains(domain.NoticeKinds, kind) || !contains(noticeLanguages, lang) {
			return
		}
		vals := map[string]string{"code": "000.00.07.H60-261231-5999", "procedure": procedure, "reason": reason, "papers": reason, "office": procedure}
		got, err := render(i18n.T(lang, textKey(kind)), lang, vals)
		if err != nil {
			if utf8.ValidString(procedure) && utf8.ValidString(reason) {
				t.Fatalf("render: %v", err)
			}
			return
		}
		if n, _ := pdu.Parts(got.Text); n > maxParts {
			t.Fatalf("%d parts", n)
		}
		if strings.Contains(i18n.T(lang, textKey(kind)), "{code}") && !strings.Contains(got.Text, vals["code"]) {
			t.Fatalf("code cut: %q", got.Text)
		}
	})
}

// BenchmarkRenderLongestKhmer is the worst notice to lay out: the longest
// Khmer values, cut until they fit.
func BenchmarkRenderLongestKhmer(b *testing.B) {
	vals := longestValues(b, "km")
	tmpl := i18n.T("km", textKey(domain.NoticeSupplement))
	for i := 0; i < b.N; i++ {
		if _, err := render(tmpl, "km", vals); err != nil {
			b.Fatal(err)
		}
	}
}
