package backup

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/internal/testkit"
)

// TestMain runs the tests and removes the test appliance built for the
// upgrade tests.
func TestMain(m *testing.M) {
	testkit.Main(m, func() {
		if appBin != "" {
			os.RemoveAll(filepath.Dir(appBin))
		}
	})
}

// newTestApp is a real app on a clone of the migrated template with backup
// registered.
func newTestApp(t testing.TB) *tests.TestApp {
	return testkit.NewApp(t, Register)
}
