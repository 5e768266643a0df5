package backup

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// backupPanel is the last good backup's age and whether the leader should act.
func backupPanel(app core.App, now time.Time) (any, error) {
	st, err := readBackupStatus(app, now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"last_ok_at": st.LastOKAt, "age_hours": st.AgeHours, "warn": st.Warn,
		"reason": st.Reason, "failing": st.Failing}, nil
}
