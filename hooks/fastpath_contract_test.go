package hooks

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// fastPathHandlers is how many handlers each hook the intake fast path skips
// has in an app wired as "motcua serve" wires it: PocketBase's own (its record
// hooks ride on the model hooks) and motcua's. motcua's, and why the fast path
// may skip them:
//   - OnModelCreate: log redaction (request logs only, never a dossier);
//   - OnRecordCreate: closed_at (a new dossier is received, never closed; the
//     fast path sets received and nothing else), the procedures' search key
//     (procedures only);
//   - OnRecordValidate: the office's validation (office only), the SMS
//     settings' checks (sms_settings only), the voice clips' content check
//     (voice_clips only);
//   - OnRecordCreateRequest: onIntake (the fast path is its twin: both call
//     prepareIntake).
var fastPathHandlers = map[string]int{
	"OnModelCreate":         3,
	"OnModelCreateExecute":  2,
	"OnModelValidate":       2,
	"OnRecordCreate":        3,
	"OnRecordCreateExecute": 2,
	"OnRecordValidate":      9,
	"OnRecordCreateRequest": 1,
}

// TestFastPathHandlersPinned is the guard on the intake fast path's contract:
// the number of handlers on each hook it skips. Binding a new one (for any
// collection) fails here: if it applies to dossiers or dossier events, the
// fast path (hooks/intake/fast.go) must do the same work, or step aside, before
// the count is updated.
func TestFastPathHandlersPinned(t *testing.T) {
	t.Parallel()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	RegisterWith(app, Options{Quiet: true})
	got := map[string]int{
		"OnModelCreate":         app.OnModelCreate().Length(),
		"OnModelCreateExecute":  app.OnModelCreateExecute().Length(),
		"OnModelValidate":       app.OnModelValidate().Length(),
		"OnRecordCreate":        app.OnRecordCreate().Length(),
		"OnRecordCreateExecute": app.OnRecordCreateExecute().Length(),
		"OnRecordValidate":      app.OnRecordValidate().Length(),
		"OnRecordCreateRequest": app.OnRecordCreateRequest().Length(),
	}
	var names []string
	for h := range fastPathHandlers {
		names = append(names, h)
	}
	for h, want := range fastPathHandlers {
		if got[h] != want {
			t.Errorf("%s has %d handlers, pinned %d: a handler the intake fast path skips was added or removed (skipped: %s)",
				h, got[h], want, strings.Join(names, ", "))
		}
	}
}
