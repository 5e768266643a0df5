package field

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register binds the mobile teams' routes: field-mode status and the school
// site of the day, kits at the centre, and the return of dossiers.
func Register(app core.App) {
	base.BindServe(app, "motcua.field", base.ServeStep{Name: "field", Bind: bindFieldRoutes})
	bindCentreKeyHooks(app)
}
