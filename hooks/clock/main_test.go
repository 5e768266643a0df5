package clock

import (
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/intake"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/reports"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newTestApp registers the clock with intake (which the guard stops) and the
// reports (whose dashboard shows the clock panel), both driven over HTTP.
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, Register, intake.Register, reports.Register)
}
