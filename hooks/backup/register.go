package backup

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Register binds the backup status route, the automatic backups while the
// server runs and the dashboard's backup panel.
func Register(app core.App) {
	base.BindServe(app, "motcua.backup",
		base.ServeStep{Name: "backup", Bind: bindBackupRoutes},
		base.ServeStep{Name: "backup schedule", Bind: bindBackupSchedule},
	)
	domain.AddPanel(app, domain.Panel{Name: "backup", Build: backupPanel})
}
