package queue

import (
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newTestApp is a real app on a clone of the migrated template with queue
// registered.
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, Register)
}
