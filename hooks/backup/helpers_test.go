package backup

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupkey"
)

// giveKey makes a backup key for app and confirms its sheet, as a leader
// does, and returns the code printed on the sheet.
func giveKey(t testing.TB, app core.App) backupkey.Code {
	t.Helper()
	code, _, err := newPendingKey(app, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := confirmKey(app, code.QR(), "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	return code
}

// otherCode is a valid recovery code of another key: the wrong sheet.
func otherCode(t testing.TB) backupkey.Code {
	t.Helper()
	c, err := backupkey.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
