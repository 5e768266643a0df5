package devseed

import (
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/internal/testkit"
	"motcua/hooks/queue"
	"motcua/hooks/reports"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newTestApp is a real app on a clone of the migrated template; the generator
// writes with SQL, so no capability needs registering.
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, queue.Register, reports.Register)
}
