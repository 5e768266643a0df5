package sqlitex

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register starts the background WAL checkpointer while app serves.
func Register(app core.App) {
	base.BindServe(app, "motcua.sqlitex", base.ServeStep{Name: "wal checkpoints", Bind: bindCheckpointer})
}
