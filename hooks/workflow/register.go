package workflow

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register binds the dossier workflow: actions along the transition table,
// forms 02–06, the work lists and the tracking ledger (form 07).
func Register(app core.App) {
	base.BindServe(app, "motcua.workflow",
		base.ServeStep{Name: "workflow", Bind: bindWorkflowRoutes},
		base.ServeStep{Name: "forms", Bind: bindFormRoutes},
		base.ServeStep{Name: "worklists", Bind: bindWorklistRoutes},
		base.ServeStep{Name: "ledger", Bind: bindLedgerRoutes},
	)
}
