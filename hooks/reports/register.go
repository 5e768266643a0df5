package reports

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register binds the leaders' periodic report (JSON, xlsx, csv) and dashboard.
func Register(app core.App) {
	base.BindServe(app, "motcua.reports",
		base.ServeStep{Name: "reports", Bind: bindReportRoutes},
		base.ServeStep{Name: "dashboard", Bind: bindDashboardRoutes},
	)
}
