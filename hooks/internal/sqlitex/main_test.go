package sqlitex

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	_ "motcua/pb_migrations"
)

// newTestApp is a real app on a temp dir built from our migrations with the
// write path registered. (The test kit sits above this package, so its
// tests build their own app.)
func newTestApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env", DBConnect: DBConnect})
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	t.Cleanup(app.Cleanup)
	Register(app)
	return app
}

// serveSteps runs the app's serve steps as "motcua serve" would, without
// listening.
func serveSteps(t testing.TB, app core.App) {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	if err := app.OnServe().Trigger(se, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatalf("serve: %v", err)
	}
}
