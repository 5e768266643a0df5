package web

import (
	"io/fs"
	"os"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/pb_public"
)

// Config tunes the web layer.
type Config struct {
	// PublicDir, when set, serves pb_public from disk instead of the copy built
	// into the binary (development).
	PublicDir string
}

const publicFSStoreKey = "motcua.public_fs"

// PublicFS is what browsers load: the embedded pb_public, or the folder named
// by Config.PublicDir.
func PublicFS(app core.App) fs.FS {
	if f, ok := app.Store().Get(publicFSStoreKey).(fs.FS); ok {
		return f
	}
	return pb_public.FS
}

// Register binds the i18n catalogues for browser code and the static files of
// pb_public (every path no other route took).
func Register(app core.App, cfg Config) {
	if cfg.PublicDir != "" {
		app.Store().Set(publicFSStoreKey, os.DirFS(cfg.PublicDir))
	}
	base.BindServe(app, "motcua.web",
		base.ServeStep{Name: "i18n", Bind: bindI18nRoutes},
		base.ServeStep{Name: "static", Bind: bindStatic},
	)
}
