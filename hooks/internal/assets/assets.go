// Package assets serves what browsers load from a public folder (pb_public):
// built once at start from an fs.FS into an immutable Set.
//
// Files under static/ are served under content-hashed names
// (/static/app.3f2a9c1e.css) with a year-long immutable cache, so an upgrade
// takes effect at once and a repeat visit costs nothing; every reference to them
// in the folder's CSS (url(), @import), HTML pages (src, href, inline style and
// script) and JS string literals is rewritten to the hashed name, and templates
// get the hashed name from Set.URL. JS and SVG are minified (CSS and HTML gain
// too little after compression: see minify.go); text is stored gzip-compressed
// next to the plain bytes, sent to clients whose Accept-Encoding asks for it.
//
// What keeps working after an upgrade: the unhashed name (/static/app.css)
// answers with the current bytes and a short cache, for bookmarks and other
// programs; an old hashed name (same file, other hash) redirects to the current
// one, so a page still open from before the upgrade keeps its styles and fonts.
//
// Every CSS and JS file (and inline style and script of the pages) must parse
// with tdewolff/parse, with balanced braces (Check); Build refuses a folder
// that does not, so a broken stylesheet fails the tests instead of reaching a
// screen.
//
// The package is pure: net/http, io/fs, minify and compression, no PocketBase.
package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"sort"
	"strings"
)

// StaticDir is the folder of fsys whose files get hashed names and a long cache;
// it is served under the URL path /static/.
const StaticDir = "static"

// maxFileSize bounds one file read into memory. The folder is ours (embedded or
// a developer's checkout), but a stray video dropped into a development folder
// should fail the build with a reason, not fill the memory of a 4 GB PC.
const maxFileSize = 16 << 20

// hashLen is the number of hex digits of the content hash in a URL: 32 bits,
// enough to tell one version of a file from the next.
const hashLen = 8

// Options tunes Build. The zero value is what the product serves.
type Options struct {
	// KeepSource serves JS and SVG as written instead of minified, for
	// reading in a browser's developer tools while developing. Hashing,
	// compression and the parse check stay on.
	KeepSource bool
}

// Set is the built, read-only set of files of a public folder, safe for
// concurrent use. Build makes one; ServeHTTP serves it.
type Set struct {
	byURL   map[string]*file // served URL path → file: hashed names and root files
	byName  map[string]*file // unhashed URL path (/static/app.css, /index.html) → file
	ordered []*file          // by name, for Files
}

// file is one file as served.
type file struct {
	name     string // path in fsys: "static/app.css", "index.html"
	url      string // URL path it is served under: "/static/app.3f2a9c1e.css", "/index.html"
	hashed   bool   // under static/: long immutable cache under url
	ctype    string
	etag     string // quoted, of the plain bytes
	plain    []byte
	gzip     []byte // nil when it does not pay
	source   int    // size before minification
	minified bool
}

// FileInfo describes one served file, for tests, benchmarks and a status page.
type FileInfo struct {
	Name       string // path in the folder: "static/app.css"
	URL        string // URL path it is served under: "/static/app.3f2a9c1e.css"
	Hashed     bool   // served under a content-hashed name with a long cache
	Type       string // Content-Type
	SourceSize int    // bytes in the folder
	Size       int    // bytes served plain (after rewriting and minification)
	GzipSize   int    // bytes served gzip-compressed; 0 when not offered
}

// Build reads every file of fsys (the public folder: pages at its root, static
// files under static/) and prepares it for serving: references rewritten to
// hashed names, minified, compressed. It fails on a CSS or JS file that does
// not parse, on a reference to a static file that does not exist, and on
// references that go round in a circle (a hash cannot include itself). Go
// source files (a development folder holds public.go) and hidden files are
// left out.
func Build(fsys fs.FS, opts Options) (*Set, error) {
	if fsys == nil {
		return nil, errors.New("assets: build: no file system")
	}
	src, err := readAll(fsys)
	if err != nil {
		return nil, err
	}
	b := &builder{opts: opts, src: src, done: map[string]*file{}, failed: map[string]bool{}, busy: map[string]bool{}, min: newMinifier()}
	names := make([]string, 0, len(src))
	for name := range src {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		if _, err := b.build(name); err != nil && !errors.Is(err, errReported) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("assets: build: %w", err)
	}
	s := &Set{byURL: map[string]*file{}, byName: map[string]*file{}}
	for _, name := range names {
		f := b.done[name]
		s.byURL[f.url] = f
		s.byName["/"+f.name] = f
		s.ordered = append(s.ordered, f)
	}
	return s, nil
}

// readAll reads the served files of fsys into memory.
func readAll(fsys fs.FS) (map[string][]byte, error) {
	src := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", p, err)
		}
		base := path.Base(p)
		if p != "." && strings.HasPrefix(base, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || strings.HasSuffix(p, ".go") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("stat %s: %w", p, err)
		}
		if info.Size() > maxFileSize {
			return fmt.Errorf("%s is %d bytes, more than the %d a served file may have", p, info.Size(), maxFileSize)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		src[p] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assets: read folder: %w", err)
	}
	return src, nil
}

// builder turns source files into served files, each after the files it
// references (a reference needs the other file's hash).
type builder struct {
	opts   Options
	src    map[string][]byte
	done   map[string]*file
	failed map[string]bool // built with an error, already reported
	busy   map[string]bool // being built: seeing one again is a cycle
	min    *minifier
}

// errReported stands for a file whose own error is reported once, by itself:
// the pages that reference a broken stylesheet do not repeat it.
var errReported = errors.New("reported with the file")

func (b *builder) build(name string) (*file, error) {
	if f, ok := b.done[name]; ok {
		return f, nil
	}
	if b.failed[name] {
		return nil, errReported
	}
	if b.busy[name] {
		return nil, fmt.Errorf("%s references itself through other files: a hashed name cannot include its own hash", name)
	}
	b.busy[name] = true
	defer delete(b.busy, name)
	f, err := b.make(name)
	if err != nil {
		b.failed[name] = true
		return nil, err
	}
	b.done[name] = f
	return f, nil
}

// make does the work of build for one file whose references are built.
func (b *builder) make(name string) (*file, error) {

	data := b.src[name]
	ctype := contentType(name)
	if err := checkType(name, ctype, data); err != nil {
		return nil, err
	}
	kind := kindOf(ctype)
	if kind != kindOther {
		var err error
		data, err = rewrite(kind, name, data, b.resolve)
		if err != nil {
			return nil, err
		}
	}
	f := &file{name: name, ctype: ctype, source: len(b.src[name]), hashed: isStatic(name)}
	if kind != kindOther && !b.opts.KeepSource {
		if out, ok := b.min.minify(kind, data); ok {
			data, f.minified = out, true
		}
	}
	f.plain = data
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	f.etag = `"` + digest[:16] + `"`
	f.url = "/" + name
	if f.hashed {
		f.url = "/" + hashedName(name, digest[:hashLen])
	}
	if compressible(ctype) {
		f.gzip = compress(data)
	}
	return f, nil
}

// resolve gives the URL path a reference from file `from` should use: the
// hashed URL of the static file it names, or ok=false to leave it as written
// (another page, an API route, another site, a data: URL).
func (b *builder) resolve(from, ref string) (string, bool, error) {
	target, suffix, ok := refTarget(from, ref)
	if !ok {
		return "", false, nil
	}
	if _, exists := b.src[target]; !exists {
		return "", false, &missingError{from: from, ref: ref}
	}
	f, err := b.build(target)
	if err != nil {
		return "", false, err
	}
	return f.url + suffix, true, nil
}

// missingError is a reference to a static file the folder does not have.
type missingError struct{ from, ref string }

func (e *missingError) Error() string {
	return fmt.Sprintf("%s references %s, which is not in the folder", e.from, e.ref)
}

// refTarget says which static file a reference names (its path in the folder)
// and the ?query or #fragment to keep after the hashed URL; ok is false for
// anything that is not a file under static/. Relative references are taken from
// the folder of the file that makes them, as a browser does.
func refTarget(from, ref string) (target, suffix string, ok bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "//") || strings.HasPrefix(ref, "#") {
		return "", "", false
	}
	if i := strings.IndexAny(ref, ":/?#"); i >= 0 && ref[i] == ':' {
		return "", "", false // has a scheme: data:, https:, …
	}
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref, suffix = ref[:i], ref[i:]
	}
	var p string
	if strings.HasPrefix(ref, "/") {
		p = path.Clean(ref[1:])
	} else {
		p = path.Join(path.Dir(from), ref)
	}
	if !isStatic(p) || strings.HasPrefix(p, "../") {
		return "", "", false
	}
	return p, suffix, true
}

func isStatic(name string) bool { return strings.HasPrefix(name, StaticDir+"/") }

// hashedName puts the hash before the last extension: static/app.css →
// static/app.3f2a9c1e.css; a name without one gets it at the end.
func hashedName(name, hash string) string {
	dir, base := path.Split(name)
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		return dir + base[:i] + "." + hash + base[i:]
	}
	return dir + base + "." + hash
}

// unhashedName undoes hashedName on a URL path whose hash may be of another
// version: /static/app.0123abcd.css → /static/app.css. ok is false when the
// path carries no hash.
func unhashedName(p string) (string, bool) {
	dir, base := path.Split(p)
	parts := strings.Split(base, ".")
	// name.hash.ext or name.hash
	for i := len(parts) - 1; i >= 1 && i >= len(parts)-2; i-- {
		if isHash(parts[i]) {
			return dir + strings.Join(append(parts[:i:i], parts[i+1:]...), "."), true
		}
	}
	return "", false
}

func isHash(s string) bool {
	if len(s) != hashLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// URL is the URL path to use for a static file in a page: its hashed name. name
// may be given as "app.css", "static/app.css" or "/static/app.css". A name the
// set does not hold comes back as /static/<name>, unhashed, so the page shows a
// 404 in the browser's console and the page tests catch it, rather than the
// template failing. A nil set gives the unhashed name too (pages rendered
// before the set is built, tests without one).
func (s *Set) URL(name string) string {
	p := "/" + strings.TrimPrefix(strings.TrimPrefix(name, "/"), StaticDir+"/")
	p = "/" + StaticDir + p
	if s == nil {
		return p
	}
	if f, ok := s.byName[p]; ok {
		return f.url
	}
	return p
}

// Files lists every served file, by name.
func (s *Set) Files() []FileInfo {
	out := make([]FileInfo, 0, len(s.ordered))
	for _, f := range s.ordered {
		out = append(out, FileInfo{
			Name: f.name, URL: f.url, Hashed: f.hashed, Type: f.ctype,
			SourceSize: f.source, Size: len(f.plain), GzipSize: len(f.gzip),
		})
	}
	return out
}

// types is our own table for the files a public folder holds. mime's table is
// the fallback only: on Windows it is read from the registry, where .js has
// been seen as text/plain, which browsers refuse to run under nosniff.
var types = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".ttf":   "font/ttf",
	".otf":   "font/otf",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".webm":  "video/webm",
	".mp3":   "audio/mpeg",
	".ogg":   "audio/ogg",
	".opus":  "audio/ogg",
	".wav":   "audio/wav",
	".pdf":   "application/pdf",
	".wasm":  "application/wasm",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// compressible is text, which gzip shrinks; fonts in WOFF2, images
// and audio are compressed already.
func compressible(ctype string) bool {
	switch {
	case strings.HasPrefix(ctype, "text/"),
		strings.HasPrefix(ctype, "application/json"),
		strings.HasPrefix(ctype, "image/svg+xml"),
		strings.HasPrefix(ctype, "image/x-icon"),
		strings.HasPrefix(ctype, "font/ttf"),
		strings.HasPrefix(ctype, "font/otf"),
		strings.HasPrefix(ctype, "application/wasm"):
		return true
	}
	return false
}

// kind is how a file's references are found and how it is minified.
type kind int

const (
	kindOther kind = iota
	kindCSS
	kindJS
	kindHTML
	kindSVG
)

func kindOf(ctype string) kind {
	switch {
	case strings.HasPrefix(ctype, "text/css"):
		return kindCSS
	case strings.HasPrefix(ctype, "text/javascript"):
		return kindJS
	case strings.HasPrefix(ctype, "text/html"):
		return kindHTML
	case strings.HasPrefix(ctype, "image/svg+xml"):
		return kindSVG
	}
	return kindOther
}

// RewriteHTML gives an HTML document (one not in the folder: a page written
// elsewhere) with its references to the set's static files changed to their
// hashed URLs, the same way Build rewrites the folder's pages; references to
// anything the set does not hold are left as written.
func (s *Set) RewriteHTML(doc []byte) ([]byte, error) {
	return rewriteMarkup("document", doc, func(from, ref string) (string, bool, error) {
		target, suffix, ok := refTarget("index.html", ref) // a page at the root
		if !ok {
			return "", false, nil
		}
		f := s.byName["/"+target]
		if f == nil {
			return "", false, nil
		}
		return f.url + suffix, true, nil
	})
}
