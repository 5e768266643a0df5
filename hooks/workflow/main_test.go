package workflow

import (
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/intake"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/public"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newTestApp is a real app on a clone of the migrated template with workflow
// registered and what its tests drive over HTTP.
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, Register, intake.Register, public.Register)
}
