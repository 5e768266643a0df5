package assets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
	"github.com/tdewolff/parse/v2/html"
	"github.com/tdewolff/parse/v2/js"
)

// input hands bytes to a tdewolff lexer or parser. They work in their input
// (the HTML lexer lower-cases tag names in place, parse.Input may write a NUL
// after the end), so they get a copy: the bytes we serve, and the buffer a
// slice of a page came from, stay as they were.
func input(b []byte) *parse.Input { return parse.NewInputBytes(bytes.Clone(b)) }

// Check parses every CSS and JS file of a public folder, and the inline styles
// and scripts of its HTML pages, and gives every problem found (nil when there
// is none). Build runs the same check and refuses a folder that fails it.
func Check(fsys fs.FS) error {
	src, err := readAll(fsys)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(src))
	for name := range src {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	for _, name := range names {
		if err := checkType(name, contentType(name), src[name]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkType checks one file by its type; files that are neither CSS, JS nor
// HTML pass.
func checkType(name, ctype string, data []byte) error {
	switch kindOf(ctype) {
	case kindCSS:
		return CheckCSS(name, data)
	case kindJS:
		return CheckJS(name, data)
	case kindHTML:
		return checkInline(name, data)
	}
	return nil
}

// CheckCSS parses a stylesheet with tdewolff/parse's CSS parser and fails on a
// parse error, a closing brace without its opening one, or the end of the file
// inside a block. The last needs counting of our own: CSS error recovery closes
// every open block at the end of the file, so an unclosed "@media print {"
// parses cleanly and silently puts every later rule in print only.
func CheckCSS(name string, data []byte) error {
	if err := cssBraces(name, data); err != nil {
		return err
	}
	p := css.NewParser(input(data), false)
	for {
		gt, _, _ := p.Next()
		if gt == css.ErrorGrammar {
			if p.HasParseError() {
				return fmt.Errorf("%s: CSS: %w", name, p.Err())
			}
			if errors.Is(p.Err(), io.EOF) {
				return nil
			}
			if err := p.Err(); err != nil {
				return fmt.Errorf("%s: CSS: %w", name, err)
			}
		}
	}
}

// cssBraces counts { and } in the CSS tokens (the lexer skips braces inside
// strings, comments and url()) and tells where the unclosed block opened.
func cssBraces(name string, data []byte) error {
	l := css.NewLexer(input(data))
	var open []int // offsets of the unclosed '{'
	offset := 0
	for {
		tt, tok := l.Next()
		if tt == css.ErrorToken {
			break
		}
		switch tt {
		case css.CommentToken:
			if !bytes.HasSuffix(tok, []byte("*/")) || len(tok) < 4 {
				line, col := lineCol(data, offset)
				return fmt.Errorf("%s:%d:%d: CSS: comment never closed: the rest of the file is inside it", name, line, col)
			}
		case css.BadStringToken, css.BadURLToken:
			line, col := lineCol(data, offset)
			return fmt.Errorf("%s:%d:%d: CSS: unterminated %s %.30q", name, line, col, tt, tok)
		case css.LeftBraceToken:
			open = append(open, offset)
		case css.RightBraceToken:
			if len(open) == 0 {
				line, col := lineCol(data, offset)
				return fmt.Errorf("%s:%d:%d: CSS: '}' closes no block", name, line, col)
			}
			open = open[:len(open)-1]
		}
		offset += len(tok)
	}
	if err := l.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: CSS: %w", name, err)
	}
	if len(open) > 0 {
		at := open[len(open)-1]
		line, col := lineCol(data, at)
		return fmt.Errorf("%s:%d:%d: CSS: block %q is never closed (%d unclosed at the end of the file)",
			name, line, col, blockHead(data, at), len(open))
	}
	return nil
}

// blockHead is the text before a '{' on its line, to name the block in a message.
func blockHead(data []byte, at int) string {
	start := bytes.LastIndexByte(data[:at], '\n') + 1
	s := strings.TrimSpace(string(data[start:at])) + " {"
	if len(s) > 60 {
		s = "…" + s[len(s)-59:]
	}
	return s
}

func lineCol(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	line = bytes.Count(data[:offset], []byte{'\n'}) + 1
	col = offset - (bytes.LastIndexByte(data[:offset], '\n') + 1) + 1
	return line, col
}

// CheckJS parses a script with tdewolff/parse's JS parser, which fails on any
// syntax error, an unbalanced brace among them.
func CheckJS(name string, data []byte) error {
	if _, err := js.Parse(input(data), js.Options{}); err != nil {
		return fmt.Errorf("%s: JS: %w", name, err)
	}
	return nil
}

// checkInline checks the <style> elements, style attributes and JavaScript
// <script> elements of an HTML page.
func checkInline(name string, data []byte) error {
	l := html.NewLexer(input(data))
	var tag, rawText string
	scriptIsJS := true
	n := 0
	for {
		tt, tok := l.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken:
			tag = strings.ToLower(string(l.Text()))
			scriptIsJS = true
		case html.AttributeToken:
			key := strings.ToLower(string(l.AttrKey()))
			if tag == "script" && key == "type" {
				scriptIsJS = isJSType(attrValue(l.AttrVal()))
			}
			if key == "style" {
				if err := checkDeclarations(name, attrValue(l.AttrVal())); err != nil {
					return err
				}
			}
		case html.StartTagCloseToken:
			if tag == "style" || tag == "script" {
				rawText = tag
			}
		case html.StartTagVoidToken, html.EndTagToken:
			rawText = ""
		case html.TextToken:
			switch {
			case rawText == "style":
				n++
				if err := CheckCSS(fmt.Sprintf("%s <style> #%d", name, n), tok); err != nil {
					return err
				}
			case rawText == "script" && scriptIsJS:
				n++
				if err := CheckJS(fmt.Sprintf("%s <script> #%d", name, n), tok); err != nil {
					return err
				}
			}
		}
	}
	if err := l.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: HTML: %w", name, err)
	}
	return nil
}

// checkDeclarations checks a style attribute: declarations only, no braces.
func checkDeclarations(name, decls string) error {
	if strings.ContainsAny(decls, "{}") {
		return fmt.Errorf("%s: style attribute %.40q has a brace", name, decls)
	}
	p := css.NewParser(parse.NewInputString(decls), true)
	for {
		gt, _, _ := p.Next()
		if gt == css.ErrorGrammar {
			if p.HasParseError() {
				return fmt.Errorf("%s: style attribute: %w", name, p.Err())
			}
			return nil
		}
	}
}
