package assets

import (
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/svg"
)

// minifier wraps tdewolff/minify for the kinds where it pays.
//
// Measured on pb_public (bench/RESULTS.md): after compression, minifying the
// scripts saves 25-45 % (the camera page's QR decoder goes from 257 KB to
// 137 KB before compression); the stylesheet and the pages save a few hundred
// bytes in all, and the CSS minifier rewrites font-family names in lower case
// (valid CSS, but what the browser tests, the gallery and a person in the
// developer tools read), the HTML one collapses white space between inline
// elements. So CSS and HTML are served as written, compressed; JS and SVG are
// minified.
type minifier struct{ m *minify.M }

func newMinifier() *minifier {
	m := minify.New()
	// Top-level names of a classic script are globals other scripts use
	// (motcuaFold, motcua): the minifier renames only names inside functions.
	m.Add("text/javascript", &js.Minifier{})
	m.Add("image/svg+xml", &svg.Minifier{})
	return &minifier{m: m}
}

// minify gives the minified bytes, or ok=false to serve the file as it is: a
// kind not minified, a failure to minify (never a broken page), or a result
// that is not smaller.
func (m *minifier) minify(k kind, data []byte) (out []byte, ok bool) {
	var mt string
	switch k {
	case kindJS:
		mt = "text/javascript"
	case kindSVG:
		mt = "image/svg+xml"
	default:
		return nil, false
	}
	out, err := m.m.Bytes(mt, data)
	if err != nil || len(out) >= len(data) {
		return nil, false
	}
	return out, true
}
