package assets

import (
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/svg"
)

// minifier wraps tdewolff/minify with the settings our pages need.
type minifier struct{ m *minify.M }

// mimeOf is the media type the minifier is registered under, per kind.
var mimeOf = map[kind]string{
	kindCSS:  "text/css",
	kindJS:   "text/javascript",
	kindHTML: "text/html",
	kindSVG:  "image/svg+xml",
}

func newMinifier() *minifier {
	m := minify.New()
	m.Add("text/css", &css.Minifier{})
	// Top-level names of a classic script are globals that other scripts use
	// (motcuaFold, motcua); the minifier renames only names inside functions.
	m.Add("text/javascript", &js.Minifier{})
	m.Add("application/javascript", &js.Minifier{}) // what the HTML minifier asks for inline scripts
	// Pages keep their document tags, end tags, quotes and default attribute
	// values: a few bytes after compression, and the staff scripts and the
	// browser tests read the page as it is written.
	m.Add("text/html", &html.Minifier{
		KeepDocumentTags:    true,
		KeepEndTags:         true,
		KeepQuotes:          true,
		KeepDefaultAttrVals: true,
	})
	m.Add("image/svg+xml", &svg.Minifier{})
	return &minifier{m: m}
}

// minify gives the minified bytes, or ok=false to serve the file as it is: a
// failure to minify never breaks a page, and a result that is not smaller is
// not worth the change.
func (m *minifier) minify(k kind, data []byte) (out []byte, ok bool) {
	mt, known := mimeOf[k]
	if !known {
		return nil, false
	}
	out, err := m.m.Bytes(mt, data)
	if err != nil || len(out) >= len(data) {
		return nil, false
	}
	return out, true
}
