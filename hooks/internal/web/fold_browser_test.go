package web_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/unicode/norm"

	"motcua/hooks/internal/testkit"
	"motcua/hooks/textnorm"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// foldCorpus is what people type, paste and scan: Vietnamese in NFC and NFD,
// every Vietnamese letter in both cases, the đ look-alikes, Khmer with coeng
// and zero-width marks, and every kind of white space either side treats
// differently, plus random strings drawn from those characters.
func foldCorpus() []string {
	names := []string{
		"Nguyễn Văn An", "THẠCH THỊ SA RY", "Lâm Văn Sóc", "Đặng Thị Ðào", "ðoàn văn đức",
		"Ấp Mỹ Hòa, xã Mỹ Hương", "  nhiều   khoảng\ttrắng\n ", "ស្ត្រី ក្នុង\u200bព្រះរាជាណាចក្រកម្ពុជា",
		"Ý Ỳ Ỷ Ỹ Ỵ ý ỳ ỷ ỹ ỵ", "ƯỨỪỬỮỰ ưứừửữự ƠỚỜỞỠỢ ơớờởỡợ", "ĂẮẰẲẴẶ ăắằẳẵặ ÂẤẦẨẪẬ âấầẩẫậ",
		"ÊẾỀỂỄỆ êếềểễệ ÔỐỒỔỖỘ ôốồổỗộ", "a\u0085b\ufeffc\u00a0d\u3000e\u2028f", "079123456789", "0912 345 678",
		"Σίσυφος", "ǅ ǈ ǋ", "😀 emoji", "",
	}
	var out []string
	for _, s := range names {
		out = append(out, s, norm.NFD.String(s))
	}
	pool := []rune("aAđĐðÐeEêÊơƠưƯ\u0300\u0301\u0303\u0309\u0323 \t\n\u00a0\u0085\ufeffកខ្ស\u17d2\u17b6\u200b\u200c\u200dİıΣσ1-.")
	r := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 400; i++ {
		b := make([]rune, r.IntN(12))
		for j := range b {
			b[j] = pool[r.IntN(len(pool))]
		}
		out = append(out, string(b))
	}
	return out
}

// TestBrowserFoldMatchesServer: the browser's accent folding (fold.js, as
// served) gives exactly the server's search key (textnorm.Fold) for every
// string of the corpus, so what the catalogue and intake pages filter as you
// type is what the server would find.
func TestBrowserFoldMatchesServer(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	url := testkit.StartServer(t, app)
	ctx := testkit.NewBrowser(t)
	corpus := foldCorpus()
	in, _ := json.Marshal(corpus)
	var got []string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/"),
		chromedp.Evaluate(`new Promise((ok, fail) => {
			const s = document.createElement("script");
			s.src = "/static/js/fold.js"; s.onload = ok; s.onerror = fail;
			document.head.appendChild(s);
		})`, nil, testkit.AwaitPromise),
		chromedp.Evaluate(`(`+string(in)+`).map(motcuaFold)`, &got),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(corpus) {
		t.Fatalf("browser folded %d strings, want %d", len(got), len(corpus))
	}
	bad := 0
	for i, s := range corpus {
		if want := textnorm.Fold(s); got[i] != want {
			bad++
			if bad <= 10 {
				t.Errorf("fold %q: browser %q, server %q", s, got[i], want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d strings fold differently", bad, len(corpus))
	}
}
