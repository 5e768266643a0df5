package public

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register binds what citizens reach without an account: the status page
// (/tra-cuu), the procedure catalogue (/thu-tuc) and ratings (at the counter's
// second screen and from the status page).
func Register(app core.App) {
	base.BindServe(app, "motcua.public",
		base.ServeStep{Name: "lookup", Bind: bindLookupRoutes},
		base.ServeStep{Name: "catalogue", Bind: bindPageRoutes},
		base.ServeStep{Name: "ratings", Bind: bindRatingRoutes},
	)
}
