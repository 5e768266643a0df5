package hooks

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	_ "motcua/pb_migrations"
)

// newTestApp is a real PocketBase app on a temp dir, built from our migrations
// (schema and seeded catalogue) with every motcua hook registered.
func newTestApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DataDir:       t.TempDir(),
		EncryptionEnv: "pb_test_env",
		DBConnect:     DBConnect,
	})
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	RegisterWith(app, Options{Quiet: true})
	return app
}

// testStaff is a staff account made for a test, with a valid auth token.
type testStaff struct {
	Record *core.Record
	Token  string
}

// makeStaff creates a staff account with the given role.
func makeStaff(t testing.TB, app core.App, role, username string) testStaff {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(colStaff)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("username", username)
	r.SetEmail(username + "@test.motcua.vn")
	r.SetPassword("correct horse 1")
	r.SetVerified(true)
	r.Set("name", "Cán bộ "+username)
	r.Set("role", role)
	r.Set("language", "vi")
	if err := app.Save(r); err != nil {
		t.Fatalf("save staff %s: %v", username, err)
	}
	token, err := r.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return testStaff{Record: r, Token: token}
}

// superuserToken creates a superuser and returns its token.
func superuserToken(t testing.TB, app core.App) string {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.SetEmail("it@test.motcua.vn")
	r.SetPassword("correct horse 1")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	token, err := r.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// startServer serves app over real HTTP on a loopback port, as "motcua serve"
// would (every route and hook bound through OnServe), for browser tests.
func startServer(t testing.TB, app core.App) string {
	t.Helper()
	srv := httptest.NewServer(newMux(t, app))
	t.Cleanup(srv.Close)
	return srv.URL
}

// newMux builds the app's HTTP handler with every route bound through OnServe.
func newMux(t testing.TB, app core.App) http.Handler {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := new(core.ServeEvent)
	se.App = app
	se.Router = r
	se.Server = &http.Server{}
	var mux http.Handler
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		var err error
		mux, err = e.Router.BuildMux()
		return err
	})
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	return mux
}

// do sends one request to mux with an optional token and JSON body and returns
// the recorded response.
func do(mux http.Handler, method, url, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// doForm posts an HTML form (application/x-www-form-urlencoded) to mux.
func doForm(mux http.Handler, url, form string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, url, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// httptestRequest builds a request for serve.
func httptestRequest(method, url string) *http.Request {
	return httptest.NewRequest(method, url, nil)
}

// serve runs one request through mux.
func serve(mux http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}
