package assets

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// brotliQuality trades size for the time Build takes at start. Measured on the
// product's folder (bench/RESULTS.md): quality 5 compresses all of it in about
// 40 ms and comes within ~15 % of quality 11, which takes over a second, most
// of it on the camera page's QR decoder.
const brotliQuality = 5

// compressed variants are kept only when they save at least this share and
// this many bytes: below that, the header costs more than it saves.
const (
	minSavingPercent = 5
	minSavingBytes   = 64
)

// compress gives the gzip and brotli forms of data, each nil when it does not
// pay.
func compress(data []byte) (gz, br []byte) {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level: no error
	_, _ = zw.Write(data)                                  // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	if pays(len(data), b.Len()) {
		gz = bytes.Clone(b.Bytes())
	}
	b.Reset()
	bw := brotli.NewWriterLevel(&b, brotliQuality)
	_, _ = bw.Write(data)
	_ = bw.Close()
	if pays(len(data), b.Len()) {
		br = bytes.Clone(b.Bytes())
	}
	return gz, br
}

func pays(plain, packed int) bool {
	return plain-packed >= minSavingBytes && packed*100 <= plain*(100-minSavingPercent)
}

// encoding is a content coding we can send.
type encoding int

const (
	identity encoding = iota
	encGzip
	encBrotli
)

// maxAcceptEncoding bounds the header we read: a real browser sends a few
// dozen bytes.
const maxAcceptEncoding = 1024

// accepts reads an Accept-Encoding header (RFC 9110 §12.5.3) and says which of
// gzip and brotli the client takes. A coding with q=0 is refused; "*" stands
// for every coding not named. Hand-written because net/http has no content
// negotiation and the rule is a dozen lines; an unreadable header counts as
// asking for nothing, which gets the plain bytes.
func accepts(header string) (gzipOK, brOK bool) {
	if header == "" || len(header) > maxAcceptEncoding {
		return false, false
	}
	gz, br, star := -1.0, -1.0, -1.0
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
		case "br":
			br = q
		case "*":
			star = q
		}
	}
	if gz < 0 {
		gz = star
	}
	if br < 0 {
		br = star
	}
	return gz > 0, br > 0
}

// choose picks the smallest representation the client accepts.
func (f *file) choose(acceptEncoding string) (encoding, []byte) {
	if f.gzip == nil && f.br == nil {
		return identity, f.plain
	}
	gzipOK, brOK := accepts(acceptEncoding)
	switch {
	case brOK && f.br != nil && (f.gzip == nil || !gzipOK || len(f.br) <= len(f.gzip)):
		return encBrotli, f.br
	case gzipOK && f.gzip != nil:
		return encGzip, f.gzip
	}
	return identity, f.plain
}
