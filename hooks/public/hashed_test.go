package public

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

var (
	staticRef = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)
	hashedRef = regexp.MustCompile(`^/static/[A-Za-z0-9_./-]+\.[0-9a-f]{8}(\.[a-z0-9]+)?$`)
)

// TestCitizenPagesNameHashedFiles: the pages citizens open (catalogue, lookup
// form, status page), as the server renders them, reference only
// content-hashed static files, each answering 200 with a year-long immutable
// cache, so a phone on a weak link fetches them once and an upgrade takes
// effect at once.
func TestCitizenPagesNameHashedFiles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "hashed.reception")
	d := testkit.IntakeOne(t, app, mux, rec.Token)
	for _, page := range []string{"/thu-tuc", "/thu-tuc?lang=km", "/tra-cuu", "/tra-cuu/" + d.Code() + "?k=" + d.LookupKey()} {
		res := testkit.Do(mux, http.MethodGet, page, "", "")
		if res.Code != http.StatusOK {
			t.Fatalf("%s: %d", page, res.Code)
		}
		refs := staticRef.FindAllStringSubmatch(res.Body.String(), -1)
		if len(refs) == 0 {
			t.Errorf("%s references no static file", page)
		}
		for _, m := range refs {
			ref := m[1]
			if !hashedRef.MatchString(ref) {
				t.Errorf("%s references %s: not a hashed name", page, ref)
				continue
			}
			r := testkit.Do(mux, http.MethodGet, ref, "", "")
			if r.Code != http.StatusOK || !strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
				t.Errorf("%s → %s: %d, Cache-Control %q", page, ref, r.Code, r.Header().Get("Cache-Control"))
			}
		}
	}
}
