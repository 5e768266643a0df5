package search

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register binds staff search and the background indexer of new dossiers.
func Register(app core.App) {
	base.BindServe(app, "motcua.search",
		base.ServeStep{Name: "search", Bind: bindSearchRoutes},
		base.ServeStep{Name: "search index", Bind: bindSearchIndexer},
	)
}
