package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/testkit"
	"motcua/hooks/internal/web"
)

// TestStaticPageCompressedOnce: a page of pb_public served at a short path of
// its own (the kiosk's /kiosk) answers gzip once for a client that asks (the
// asset set's precompressed bytes, never gzipped again on the way out) and
// plain for one that does not, both with hashed references.
func TestStaticPageCompressedOnce(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t, func(app core.App) {
		app.OnServe().BindFunc(func(se *core.ServeEvent) error {
			se.Router.GET("/kiosk-test", web.StaticPage(se.App, "kiosk.html"))
			return se.Next()
		})
	})
	url := testkit.StartServer(t, app)
	get := func(enc string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, url+"/kiosk-test", nil)
		req.Header.Set("Accept-Encoding", enc)
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	plainRes, plain := get("identity")
	if plainRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" || !bytes.Contains(plain, []byte("<html")) {
		t.Fatalf("plain: %d %q %.80q", plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"), plain)
	}
	gzRes, gz := get("gzip")
	if gzRes.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip asked, got %q", gzRes.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	once, _ := io.ReadAll(zr)
	if !bytes.Equal(once, plain) {
		t.Fatalf("gzip decoded once is not the page (compressed twice?): %.80q", once)
	}
	if !strings.Contains(string(plain), ".js\"") || strings.Contains(string(plain), `src="/static/js/kiosk.js"`) {
		t.Errorf("kiosk page does not name hashed scripts")
	}
}
