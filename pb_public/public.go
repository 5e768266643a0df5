// Package pb_public embeds everything a browser loads (pages, scripts, the
// stylesheet and whole font files) into the binary: no CDN, no network at run time.
package pb_public

import "embed"

// FS is the embedded public folder: index.html, the other pages, favicon.ico
// (browsers ask for it at the root) and static/.
//
//go:embed *.html favicon.ico static
var FS embed.FS
