package testkit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/web"
	_ "motcua/pb_migrations"
)

// template is the data folder every test app is cloned from: migrated once
// per test binary (schema and seeded catalogue), so a test app costs a copy of
// a few files instead of running every migration.
var template struct {
	once sync.Once
	dir  string
	err  error
}

func templateDir() (string, error) {
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "motcua-testkit-")
		if err != nil {
			template.err = err
			return
		}
		template.dir = dir
		app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: sqlitex.DBConnect})
		if err := app.Bootstrap(); err != nil {
			template.err = fmt.Errorf("bootstrap template: %w", err)
			return
		}
		if err := app.RunAllMigrations(); err != nil {
			template.err = fmt.Errorf("migrate template: %w", err)
		}
		if err := app.ResetBootstrapState(); err != nil && template.err == nil {
			template.err = fmt.Errorf("close template: %w", err)
		}
	})
	return template.dir, template.err
}

// Main runs a package's tests and removes what the kit made for the whole
// binary (the template data folder, the shared Chromium). Use it as
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
//
// cleanups run after the tests, before the kit's own.
func Main(m *testing.M, cleanups ...func()) {
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	stopSharedBrowser()
	if template.dir != "" {
		_ = os.RemoveAll(template.dir)
	}
	os.Exit(code)
}

// NewApp is a real PocketBase app on a clone of the migrated template, with
// the shared ground registered (data lock, checkpoints, the domain rules, pages
// and static files) and then each of regs (a capability's Register, or
// hooks.Register for the whole appliance). Its cleanup is registered here,
// first, so it runs after every cleanup a test adds later (servers, browsers):
// nothing outlives the database.
func NewApp(t testing.TB, regs ...func(core.App)) *tests.TestApp {
	t.Helper()
	dir, err := templateDir()
	if err != nil {
		t.Fatalf("test data template: %v", err)
	}
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DataDir:       dir,
		EncryptionEnv: "pb_test_env",
		DBConnect:     sqlitex.DBConnect,
	})
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	t.Cleanup(app.Cleanup)
	RegisterBase(app)
	for _, reg := range regs {
		reg(app)
	}
	return app
}

// RegisterBase registers the shared ground below the capabilities.
func RegisterBase(app core.App) {
	base.Register(app)
	sqlitex.Register(app)
	domain.Register(app)
	web.Register(app, web.Config{})
}

// Staff is a staff account made for a test, with a valid auth token.
type Staff struct {
	Record *core.Record
	Token  string
}

// MakeStaff creates a staff account with the given role.
func MakeStaff(t testing.TB, app core.App, role, username string) Staff {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(base.ColStaff)
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
	return Staff{Record: r, Token: token}
}

// SuperuserToken creates a superuser and returns its token.
func SuperuserToken(t testing.TB, app core.App) string {
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

// StartServer serves app over real HTTP on a loopback port, as "motcua serve"
// would (every route and hook bound through OnServe), for browser tests.
func StartServer(t testing.TB, app core.App) string {
	t.Helper()
	srv := httptest.NewServer(NewMux(t, app))
	t.Cleanup(srv.Close)
	return srv.URL
}

// NewMux builds the app's HTTP handler with every route bound through OnServe.
func NewMux(t testing.TB, app core.App) http.Handler {
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

// Do sends one request to mux with an optional token and JSON body and returns
// the recorded response.
func Do(mux http.Handler, method, url, token, body string) *httptest.ResponseRecorder {
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

// DoForm posts an HTML form (application/x-www-form-urlencoded) to mux.
func DoForm(mux http.Handler, url, form string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, url, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// httptestRequest builds a request for serve.
func HTTPRequest(method, url string) *http.Request {
	return httptest.NewRequest(method, url, nil)
}

// Serve runs one request through mux.
func Serve(mux http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}
