package hooks

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/internal/testkit"
)

// newTestApp is the whole appliance on a clone of the migrated template: every
// capability registered, as "motcua serve" runs it.
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, func(app core.App) { RegisterWith(app, Options{Quiet: true}) })
}
