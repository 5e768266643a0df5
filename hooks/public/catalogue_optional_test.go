package public

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/testkit"
)

// TestCatalogueOptionalOnce: an optional paper is marked once, in both
// languages, whether or not its name already says "(nếu có)" / "(បើមាន)".
func TestCatalogueOptionalOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	twice := regexp.MustCompile(`\((nếu có|បើមាន|ប្រសិនបើមាន)\)\s*\((nếu có|បើមាន|ប្រសិនបើមាន)\)`)
	for _, lang := range []string{"vi", "km"} {
		res := testkit.Do(mux, http.MethodGet, "/thu-tuc?lang="+lang, "", "")
		body := res.Body.String()
		if res.Code != http.StatusOK {
			t.Fatalf("/thu-tuc: %d", res.Code)
		}
		if m := twice.FindString(body); m != "" {
			t.Errorf("catalogue (%s) marks an optional paper twice: %q", lang, m)
		}
		// Papers whose names do not say it still get the mark.
		if !strings.Contains(body, "("+i18n.T(lang, "catalogue.optional")+")") {
			t.Errorf("catalogue (%s) marks no optional paper at all", lang)
		}
	}
}
