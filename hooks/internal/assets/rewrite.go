package assets

import (
	"bytes"
	"errors"
	"fmt"
	stdhtml "html"
	"io"
	"strconv"
	"strings"

	"github.com/tdewolff/parse/v2/css"
	"github.com/tdewolff/parse/v2/html"
	"github.com/tdewolff/parse/v2/js"
)

// resolver maps a reference found in file `from` to the URL path to write
// instead; ok=false leaves the reference as written.
type resolver func(from, ref string) (url string, ok bool, err error)

// rewrite replaces the references to static files in one file. The lexers give
// back every byte of the input as tokens, so a file is rebuilt token by token
// and only the references change: comments, spacing and everything else stay
// as written (minification comes after).
func rewrite(k kind, name string, data []byte, resolve resolver) ([]byte, error) {
	switch k {
	case kindCSS:
		return rewriteCSS(name, data, resolve)
	case kindHTML, kindSVG:
		return rewriteMarkup(name, data, resolve)
	case kindJS:
		return rewriteJS(name, data, resolve)
	}
	return data, nil
}

// rewriteCSS rewrites url(...) (quoted or not) and @import "...".
func rewriteCSS(name string, data []byte, resolve resolver) ([]byte, error) {
	l := css.NewLexer(input(data))
	var out bytes.Buffer
	out.Grow(len(data))
	afterImport := false // the last token that was not white space was @import
	urlFunc := false     // inside url( whose argument is a quoted string
	off := 0
	for {
		tt, lexed := l.Next()
		if tt == css.ErrorToken {
			break
		}
		if off+len(lexed) > len(data) {
			return nil, fmt.Errorf("%s: lex CSS: token past the end", name)
		}
		tok := data[off : off+len(lexed)] // as written: the lexer's copy may differ
		off += len(lexed)
		switch {
		case tt == css.URLToken:
			ref, quoted := cssURLValue(tok)
			url, ok, err := resolve(name, ref)
			if err != nil {
				return nil, err
			}
			if ok {
				if quoted {
					tok = []byte("url(" + strconv.Quote(url) + ")")
				} else {
					tok = []byte("url(" + url + ")")
				}
			}
		case tt == css.StringToken && (afterImport || urlFunc):
			ref, err := cssString(tok)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			url, ok, err := resolve(name, ref)
			if err != nil {
				return nil, err
			}
			if ok {
				tok = []byte(strconv.Quote(url))
			}
		}
		switch tt {
		case css.WhitespaceToken, css.CommentToken:
		case css.AtKeywordToken:
			afterImport = strings.EqualFold(string(tok), "@import")
			urlFunc = false
		case css.FunctionToken:
			urlFunc = strings.EqualFold(string(tok), "url(")
			afterImport = false
		default:
			afterImport = false
			if tt != css.StringToken {
				urlFunc = false
			}
		}
		out.Write(tok)
	}
	if err := l.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: lex CSS: %w", name, err)
	}
	if off < len(data) {
		out.Write(data[off:]) // what the lexer dropped at the end (an unfinished token)
	}
	return out.Bytes(), nil
}

// cssURLValue takes the reference out of a url(...) token.
func cssURLValue(tok []byte) (ref string, quoted bool) {
	s := string(tok)
	if len(s) >= 5 && strings.EqualFold(s[:4], "url(") {
		s = s[4:]
	}
	s = strings.TrimSuffix(s, ")")
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return s, false
}

// cssString unquotes a CSS string token. Escapes are left as they are: a
// reference to one of our files never needs them, and one that has them
// simply does not match a file name.
func cssString(tok []byte) (string, error) {
	s := string(tok)
	if len(s) < 2 || (s[0] != '"' && s[0] != '\'') || s[len(s)-1] != s[0] {
		return "", fmt.Errorf("unterminated string %.40q", s)
	}
	return s[1 : len(s)-1], nil
}

// refAttrs are the attributes whose value is a URL that loads something.
var refAttrs = map[string]bool{"src": true, "href": true, "poster": true, "xlink:href": true}

// rewriteMarkup rewrites src/href attributes, style attributes, and the text of
// <style> and <script> elements of an HTML page or SVG image.
func rewriteMarkup(name string, data []byte, resolve resolver) ([]byte, error) {
	l := html.NewLexer(input(data))
	var out bytes.Buffer
	out.Grow(len(data))
	var tag string     // the element whose start tag is being read
	var rawText string // "style" or "script" while inside one
	scriptIsJS := true // the current <script>'s type is JavaScript
	off := 0
	for {
		tt, lexed := l.Next()
		if tt == html.ErrorToken {
			break
		}
		// As written: the lexer lower-cases tag names in its copy, and SVG's
		// viewBox or linearGradient must stay as they are.
		if off+len(lexed) > len(data) {
			return nil, fmt.Errorf("%s: lex HTML: token past the end", name)
		}
		tok := data[off : off+len(lexed)]
		off += len(lexed)
		switch tt {
		case html.StartTagToken:
			tag = strings.ToLower(string(l.Text()))
			scriptIsJS = true
		case html.AttributeToken:
			key := strings.ToLower(string(l.AttrKey()))
			if tag == "script" && key == "type" {
				scriptIsJS = isJSType(attrValue(l.AttrVal()))
			}
			repl, err := rewriteAttr(name, key, l.AttrVal(), resolve)
			if err != nil {
				return nil, err
			}
			if repl != nil {
				// keep what comes before the value (white space, the key, '=')
				tok = append(append([]byte{}, tok[:len(tok)-len(l.AttrVal())]...), repl...)
			}
		case html.StartTagCloseToken:
			if tag == "style" || tag == "script" {
				rawText = tag
			}
		case html.StartTagVoidToken, html.EndTagToken:
			rawText = ""
		case html.TextToken:
			var err error
			switch {
			case rawText == "style":
				tok, err = rewriteCSS(name, tok, resolve)
			case rawText == "script" && scriptIsJS:
				tok, err = rewriteJS(name, tok, resolve)
			}
			if err != nil {
				return nil, err
			}
		}
		out.Write(tok)
	}
	if err := l.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: lex HTML: %w", name, err)
	}
	if off < len(data) {
		out.Write(data[off:]) // what the lexer dropped at the end (an unfinished tag)
	}
	return out.Bytes(), nil
}

// rewriteAttr gives the new quoted value of one attribute, or nil to keep it.
func rewriteAttr(name, key string, raw []byte, resolve resolver) ([]byte, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	val := attrValue(raw)
	switch {
	case refAttrs[key]:
		url, ok, err := resolve(name, val)
		if err != nil || !ok {
			return nil, err
		}
		return []byte(`"` + stdhtml.EscapeString(url) + `"`), nil
	case key == "style":
		out, err := rewriteCSS(name, []byte(val), resolve)
		if err != nil || string(out) == val {
			return nil, err
		}
		return []byte(`"` + stdhtml.EscapeString(string(out)) + `"`), nil
	}
	return nil, nil
}

// attrValue unquotes and unescapes an attribute value as the lexer gives it.
func attrValue(raw []byte) string {
	s := string(raw)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	return stdhtml.UnescapeString(s)
}

// isJSType says whether a <script type> holds JavaScript (not JSON, a template
// or an import map).
func isJSType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "", "module", "text/javascript", "application/javascript", "text/ecmascript", "application/ecmascript":
		return true
	}
	return false
}

// rewriteJS rewrites string literals that name a static file exactly
// ("/static/js/x.js"): the parser finds them (a lexer alone cannot tell a
// regular expression from a division), then each is replaced where it is
// written. A name built at run time ("/static/js/" + name) cannot be hashed:
// write the whole name as one literal.
func rewriteJS(name string, data []byte, resolve resolver) ([]byte, error) {
	if !bytes.Contains(data, []byte(StaticDir+"/")) {
		return data, nil
	}
	ast, err := js.Parse(input(data), js.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: parse JS: %w", name, err)
	}
	v := &literalFinder{seen: map[string]bool{}}
	js.Walk(v, ast)
	out := data
	for _, lit := range v.lits {
		ref, err := jsString(lit)
		if err != nil {
			continue
		}
		url, ok, err := resolve(name, ref)
		var missing *missingError
		if errors.As(err, &missing) {
			continue // any string may mention the folder; only whole file names are ours
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		q := lit[0]
		out = bytes.ReplaceAll(out, []byte(lit), []byte(string(q)+url+string(q)))
	}
	return out, nil
}

// literalFinder collects the distinct string literals of a script that mention
// the static folder.
type literalFinder struct {
	lits []string
	seen map[string]bool
}

// Enter notes a string literal and walks on.
func (v *literalFinder) Enter(n js.INode) js.IVisitor {
	if lit, ok := n.(*js.LiteralExpr); ok && lit.TokenType == js.StringToken {
		s := string(lit.Data)
		if strings.Contains(s, StaticDir+"/") && !v.seen[s] {
			v.seen[s] = true
			v.lits = append(v.lits, s)
		}
	}
	return v
}

// Exit is part of js.IVisitor.
func (v *literalFinder) Exit(js.INode) {}

// jsString unquotes a JS string literal that has no escapes; one with escapes
// is not a plain file name and is left alone.
func jsString(lit string) (string, error) {
	if len(lit) < 2 || (lit[0] != '"' && lit[0] != '\'') || lit[len(lit)-1] != lit[0] {
		return "", fmt.Errorf("not a string literal: %.40q", lit)
	}
	s := lit[1 : len(lit)-1]
	if strings.ContainsAny(s, "\\\n") {
		return "", fmt.Errorf("string literal with escapes: %.40q", lit)
	}
	return s, nil
}
