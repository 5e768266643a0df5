package assets

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
)

// Text is stored gzip-compressed (level 9) next to the plain bytes. Brotli was
// measured and left out (bench/RESULTS.md): over the whole folder it saved
// 13.6 KB more than gzip, 0.3 KB of it on a citizen's first visit (the rest is
// the camera page's QR decoder, on the office LAN), for half a megabyte more
// binary and a second pass at start.

// A compressed form is kept only when it saves at least this share and this
// many bytes: below that, the header costs more than it saves.
const (
	minSavingPercent = 5
	minSavingBytes   = 64
)

// compress gives the gzip form of data, or nil when it does not pay.
func compress(data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level: no error
	_, _ = zw.Write(data)                                  // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	if !pays(len(data), b.Len()) {
		return nil
	}
	return bytes.Clone(b.Bytes())
}

func pays(plain, packed int) bool {
	return plain-packed >= minSavingBytes && packed*100 <= plain*(100-minSavingPercent)
}

// maxAcceptEncoding bounds the header we read: a real browser sends a few
// dozen bytes.
const maxAcceptEncoding = 1024

// acceptsGzip reads an Accept-Encoding header (RFC 9110 §12.5.3) and says
// whether the client takes gzip: named (or as x-gzip) with a q above 0, or
// covered by "*" with one. Hand-written because net/http has no content
// negotiation and the rule is a dozen lines; an unreadable header counts as
// asking for nothing, which gets the plain bytes.
func acceptsGzip(header string) bool {
	if header == "" || len(header) > maxAcceptEncoding {
		return false
	}
	gz, star := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.ToLower(strings.TrimSpace(k)) != "q" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			q = f
		}
		switch coding {
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if gz < 0 {
		gz = star
	}
	return gz > 0
}

// choose gives the representation the client accepts: gzip, or the plain bytes.
func (f *file) choose(acceptEncoding string) (gzipped bool, body []byte) {
	if f.gzip != nil && acceptsGzip(acceptEncoding) {
		return true, f.gzip
	}
	return false, f.plain
}
