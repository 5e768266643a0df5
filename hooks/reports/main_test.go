package reports

import (
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/backup"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/public"
	"motcua/hooks/queue"
	"motcua/hooks/search"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newTestApp is a real app on a clone of the migrated template with reports
// registered and what its tests drive over HTTP.
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, Register, queue.Register, backup.Register, public.Register, search.Register)
}
