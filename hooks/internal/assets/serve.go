package assets

import (
	"bytes"
	"net/http"
	"strings"
	"time"
)

// Cache-Control of each kind of answer.
const (
	// CacheHashed is for a hashed name: its bytes never change.
	CacheHashed = "public, max-age=31536000, immutable"
	// CacheShort is for an unhashed static name (/static/app.css) and other
	// files at the root (favicon.ico): old bookmarks and other programs keep
	// working and see an upgrade within five minutes.
	CacheShort = "public, max-age=300"
	// CachePage is for the HTML pages: kept, but asked again every time (an
	// ETag makes that a 304 of a few hundred bytes), so a page picks up the
	// new hashed names the moment the appliance is upgraded.
	CachePage = "no-cache"
	// cacheRedirect is for the redirect from an old hashed name: where it leads
	// changes with the next upgrade.
	cacheRedirect = "no-store"
)

// ServeHTTP serves the set: the pages at their paths ("/" is index.html), static
// files under their hashed and unhashed names, and a redirect from an old hashed
// name to the current one. Anything else is 404.
func (s *Set) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.Serve(w, r) {
		http.NotFound(w, r)
	}
}

// Serve answers r when the set holds what it asks for, and reports whether it
// did; when it returns false nothing has been written, so the web layer can
// answer 404 its own way.
func (s *Set) Serve(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	var f *file
	var cache string
	switch {
	case p == "/":
		f = s.byName["/index.html"]
	case p == "/index.html" && s.byName[p] != nil:
		// one address for the start page, as PocketBase's static handler did
		redirect(w, r, "/", http.StatusMovedPermanently, "")
		return true
	default:
		f = s.byURL[p]
	}
	if f == nil {
		f = s.byName[p]
		if f == nil {
			return s.redirectOld(w, r)
		}
		cache = CacheShort
	}
	if cache == "" {
		switch {
		case f.hashed:
			cache = CacheHashed
		case f.kindIsPage():
			cache = CachePage
		default:
			cache = CacheShort
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return true
	}
	f.write(w, r, cache)
	return true
}

// redirectOld answers a hashed name of another version of a file the set
// holds with a redirect to the current hashed name.
func (s *Set) redirectOld(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/"+StaticDir+"/") {
		return false
	}
	name, ok := unhashedName(p)
	if !ok {
		return false
	}
	f := s.byName[name]
	if f == nil || !f.hashed {
		return false
	}
	redirect(w, r, f.url, http.StatusFound, cacheRedirect)
	return true
}

func redirect(w http.ResponseWriter, r *http.Request, to string, code int, cache string) {
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	if cache != "" {
		w.Header().Set("Cache-Control", cache)
	}
	http.Redirect(w, r, to, code)
}

func (f *file) kindIsPage() bool { return kindOf(f.ctype) == kindHTML }

// write sends the representation the client accepts. http.ServeContent does
// the conditional request (If-None-Match → 304), HEAD, ranges and
// Content-Length.
func (f *file) write(w http.ResponseWriter, r *http.Request, cache string) {
	gzipped, body := f.choose(r.Header.Get("Accept-Encoding"))
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", cache)
	h.Set("X-Content-Type-Options", "nosniff")
	if f.gzip != nil {
		h.Add("Vary", "Accept-Encoding")
	}
	// Each representation has its own entity tag: a cache holding the gzip
	// bytes must not be told they are the plain ones.
	etag := f.etag
	if gzipped {
		h.Set("Content-Encoding", "gzip")
		etag = strings.TrimSuffix(etag, `"`) + `-gz"`
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// ServeFile answers r with one file of the set, by its name in the folder
// ("kiosk.html"), whatever the request's path: for routes of their own such as
// /kiosk and /display. It reports false, writing nothing, when the set has no
// such file.
func (s *Set) ServeFile(w http.ResponseWriter, r *http.Request, name string) bool {
	f := s.byName["/"+strings.TrimPrefix(name, "/")]
	if f == nil {
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return true
	}
	cache := CacheShort // not under its hashed name: it may change
	if f.kindIsPage() {
		cache = CachePage
	}
	f.write(w, r, cache)
	return true
}
