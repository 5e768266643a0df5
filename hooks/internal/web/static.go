package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/internal/assets"
	"motcua/pb_public"
)

// publicAssets builds the embedded pb_public once per process, in the
// background from the first serve on (hooks/internal/assets): the health check
// answers at once and the first page waits the few tens of milliseconds of
// minifying and compressing instead. Every app of a test run shares it.
var publicAssets = sync.OnceValue(func() *assets.Async { return assets.BuildAsync(pb_public.FS, assets.Options{}) })

// staticAssets is the set the running server serves, for the "asset" template
// function; nil (unhashed names) before the first serve.
var staticAssets atomic.Pointer[assets.Async]

// assetsOf is the asset set app serves: the embedded one, or the folder named
// by Config.PublicDir, built at once so that a broken stylesheet stops the
// start.
func assetsOf(app core.App) (*assets.Async, error) {
	dir, ok := app.Store().Get(publicDirStoreKey).(string)
	if !ok {
		return publicAssets(), nil
	}
	set, _ := app.Store().GetOrSet(publicSetStoreKey, func() any {
		return assets.BuildAsync(PublicFS(app), assets.Options{})
	}).(*assets.Async)
	if _, err := set.Wait(); err != nil {
		return nil, fmt.Errorf("build %s: %w", dir, err)
	}
	return set, nil
}

// bindStatic serves pb_public for every path no other route took: static
// files under content-hashed names with a year's cache, pages revalidated every
// time, compressed for clients that ask.
func bindStatic(se *core.ServeEvent) error {
	set, err := assetsOf(se.App)
	if err != nil {
		return err
	}
	staticAssets.Store(set)
	se.Router.GET("/{path...}", func(e *core.RequestEvent) error {
		s, err := set.Wait()
		if err != nil {
			return e.InternalServerError("", fmt.Errorf("build pb_public: %w", err))
		}
		if s.Serve(e.Response, e.Request) {
			return nil
		}
		return router.ErrFileNotFound
	}).Bind(apis.SkipSuccessActivityLog())
	bindCompression(se)
	return nil
}

// StaticPage serves one page of pb_public at a short path of its own (the
// kiosk at /kiosk, the lobby TV at /display), through the asset set: hashed
// script and style names, revalidated on every load, so a device that reloads
// picks up a new version at once.
func StaticPage(app core.App, file string) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		set, err := assetsOf(e.App)
		if err != nil {
			return e.InternalServerError("", err)
		}
		s, err := set.Wait()
		if err != nil {
			return e.InternalServerError("", fmt.Errorf("build pb_public: %w", err))
		}
		if s.ServeFile(e.Response, e.Request, file) {
			return nil
		}
		return router.ErrFileNotFound
	}
}

// bindCompression gzips what the server writes as it answers (pages from
// templates, JSON, CSV, SVG charts) for clients that
// ask. Static files and pages of pb_public (the kiosk and TV pages included)
// come precompressed from the asset set and PocketBase's admin UI has its own
// gzip; files compressed already (QR codes, xlsx, field bundles, uploads,
// backups) and the realtime stream are left alone.
func bindCompression(se *core.ServeEvent) {
	gz := apis.GzipWithConfig(apis.GzipConfig{MinLength: 1024})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id: "motcuaGzip",
		Func: func(e *core.RequestEvent) error {
			if !compressDynamic(e.Request.URL.Path) {
				return e.Next()
			}
			return gz.Func(e)
		},
	})
}

// compressDynamic says whether the answer at p is worth gzipping on the fly.
func compressDynamic(p string) bool {
	switch {
	case p == "/tra-cuu" || strings.HasPrefix(p, "/tra-cuu/") || p == "/thu-tuc":
		return true
	case !strings.HasPrefix(p, "/api/"),
		strings.HasPrefix(p, "/api/realtime"), strings.HasPrefix(p, "/api/files/"),
		strings.HasPrefix(p, "/api/backups"), strings.HasPrefix(p, "/api/motcua/field/"):
		return false
	}
	switch path.Ext(p) {
	case ".png", ".jpg", ".xlsx", ".zip", ".pdf", ".age":
		return false
	}
	return true
}

// RenderRevalidated is Render for a public page that changes rarely (the
// catalogue): the browser keeps it and asks again every time, and an unchanged
// page is a 304 of a few hundred bytes instead of the whole list again. The tag
// is of the rendered bytes, so a new language, procedure or upgrade (new asset
// hashes) changes it.
func RenderRevalidated(e *core.RequestEvent, name string, data any) error {
	var buf bytes.Buffer
	if err := Templates.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	// Weak: the same page reaches one client gzipped and another plain.
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	h := e.Response.Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", etag)
	if strings.Contains(e.Request.Header.Get("If-None-Match"), etag) {
		e.Response.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	e.Response.WriteHeader(http.StatusOK)
	_, err := e.Response.Write(buf.Bytes())
	return err
}
