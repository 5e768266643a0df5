package intake

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register binds intake at the counter (and in the field): the due-date
// preview, the ID-card parser, the dossier create hook and its fast path, the
// dossier QR code, the receipt (form 01) and the supplement/refusal notices.
func Register(app core.App) {
	base.BindServe(app, "motcua.intake",
		base.ServeStep{Name: "due date", Bind: bindDueDateRoutes},
		base.ServeStep{Name: "intake", Bind: bindIntakeRoutes},
		base.ServeStep{Name: "qr", Bind: bindQRRoutes},
		base.ServeStep{Name: "receipt", Bind: bindReceiptRoutes},
		base.ServeStep{Name: "emergency key-in", Bind: bindEmergencyRoutes},
	)
	bindIntakeHooks(app)
}
