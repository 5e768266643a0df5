package backup

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// backupPanel is the backups as the leaders' dashboard shows them: the last
// good backup's age, whether it was encrypted, the backup key (the dashboard
// keeps asking for the recovery sheet until a leader confirms it), a backup
// running now and the last USB copy, and every warning in each language.
// The dashboard's backup card (pb_public/static/js/backup_panel.js) reads the
// full status route for its live figures; this is the summary the dashboard
// loads with its other panels.
func backupPanel(app core.App, now time.Time) (any, error) {
	st, err := readBackupStatus(app, now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"last_ok_at": st.LastOKAt, "age_hours": st.AgeHours, "warn": st.Warn,
		"reason": st.Reason, "failing": st.Failing, "encrypted": st.LastEncrypted, "key": st.Key,
		"running": st.Running, "usb": st.USB, "warnings": st.Warnings}, nil
}
