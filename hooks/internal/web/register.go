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

// Store keys of the web layer: the public folder on disk (development), its
// file system and the asset set built from it.
const (
	publicDirStoreKey = "motcua.public_dir"
	publicFSStoreKey  = "motcua.public_fs"
	publicSetStoreKey = "motcua.public_assets"
)

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
		app.Store().Set(publicDirStoreKey, cfg.PublicDir)
		app.Store().Set(publicFSStoreKey, os.DirFS(cfg.PublicDir))
	}
	base.BindServe(app, "motcua.web",
		base.ServeStep{Name: "i18n", Bind: bindI18nRoutes},
		base.ServeStep{Name: "static", Bind: bindStatic},
	)
}
