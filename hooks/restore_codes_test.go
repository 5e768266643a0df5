package hooks

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"motcua/hooks/backup"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/testkit"
)

// codeNumber is the daily number at the end of a dossier code.
func codeNumber(t *testing.T, code string) int {
	t.Helper()
	n, err := strconv.Atoi(code[strings.LastIndexByte(code, '-')+1:])
	if err != nil {
		t.Fatalf("code %q: %v", code, err)
	}
	return n
}

// TestRestoredOfficeNeverReissuesPrintedCodes: the counter takes dossiers in,
// a backup is made, more receipts are printed, then the disk dies and the
// older backup is restored on a new PC. The next intake there gets a code
// above every code printed before the restore: within the margin restore skips
// by itself, and beyond it when the IT person gives the last printed code.
func TestRestoredOfficeNeverReissuesPrintedCodes(t *testing.T) {
	for _, c := range []struct {
		name     string
		issued   int  // codes printed after the backup
		lastCode bool // the IT person reads the newest receipt's code
	}{
		{"a few receipts after the backup", 5, false},
		{"more receipts than the margin, last code given", 80, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t)
			testkit.OpenAllDay(t, app)
			mux := testkit.NewMux(t, app)
			rec := testkit.MakeStaff(t, app, base.RoleReception, "le.tan")
			var printed []string
			for i := 0; i < 3; i++ {
				printed = append(printed, testkit.IntakeOne(t, app, mux, rec.Token).Code())
			}
			res, err := backup.Backup(app, t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.issued > 5 {
				// A busy morning: the numbers up to issued-1 went out on
				// receipts (their dossiers need not be here for the test).
				if _, err := app.DB().NewQuery("UPDATE dossier_sequences SET last = last + {:n}").
					Bind(map[string]any{"n": c.issued - 1}).Execute(); err != nil {
					t.Fatal(err)
				}
				printed = append(printed, testkit.IntakeOne(t, app, mux, rec.Token).Code())
			} else {
				for i := 0; i < c.issued; i++ {
					printed = append(printed, testkit.IntakeOne(t, app, mux, rec.Token).Code())
				}
			}
			highest := 0
			for _, code := range printed {
				if n := codeNumber(t, code); n > highest {
					highest = n
				}
			}

			// The new PC.
			newPC := filepath.Join(t.TempDir(), "pb_data")
			opts := backup.RestoreOptions{}
			if c.lastCode {
				opts.LastCode = printed[len(printed)-1]
			}
			rr, err := backup.Restore(newPC, res.Dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(rr.Sequences.Lines("vi")) == 0 {
				t.Error("restore did not say what it did to the numbers")
			}
			restored, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: newPC, EncryptionEnv: "pb_test_env", DBConnect: sqlitex.DBConnect})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(restored.Cleanup)
			testkit.RegisterBase(restored)
			RegisterWith(restored, Options{Quiet: true})
			mux2 := testkit.NewMux(t, restored)
			rec2 := testkit.MakeStaff(t, restored, base.RoleReception, "le.tan.2")
			for i := 0; i < 3; i++ {
				code := testkit.IntakeOne(t, restored, mux2, rec2.Token).Code()
				if n := codeNumber(t, code); n <= highest {
					t.Errorf("after the restore %s was issued; %04d was already printed", code, highest)
				}
				for _, p := range printed {
					if p == code {
						t.Errorf("code %s issued twice", code)
					}
				}
			}
		})
	}
}
