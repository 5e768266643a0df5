package emergency

import (
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/intake"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/public"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// newTestApp is a real app on a clone of the migrated template with the pads
// registered, and intake and the status page, which their tests drive over
// HTTP (the key-in is an intake; a pad's QR opens the status page).
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, Register, intake.Register, public.Register)
}
