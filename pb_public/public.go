// Package pb_public embeds everything a browser loads (pages, scripts, the
// stylesheet and whole font files) into the binary: no CDN, no network at run time.
package pb_public

import "embed"

// FS is the embedded public folder: index.html, the other pages and static/.
//
//go:embed *.html static
var FS embed.FS
