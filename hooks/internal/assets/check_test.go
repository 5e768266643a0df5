package assets

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCheckCSS(t *testing.T) {
	for _, tc := range []struct {
		name, css, wants string // wants "" = passes
	}{
		{"empty", "", ""},
		{"rules", "a { color: red } @media print { a { color: #000 } }", ""},
		{"braces in strings, comments and url()", `a::before { content: "}{" } /* { */ b { background: url(x}.png) }`, ""},
		{"font-face and page", `@font-face { font-family: "T"; src: url(t.woff2) } @page a5 { size: A5 }`, ""},
		{"unclosed @media print", "a { color: red }\n@media print {\n  .x { display: none }\n/* lobby */\n.y { color: blue }\n", `x.css:2:14: CSS: block "@media print {" is never closed`},
		{"unclosed rule", "a { color: red", `x.css:1:3: CSS: block "a {" is never closed`},
		{"two unclosed", "@media screen { @supports (display: grid) { a { b: c }", "(2 unclosed"},
		{"stray closing brace", "a { color: red } }\nb { }", "x.css:1:18: CSS: '}' closes no block"},
		{"parse error", "a { color: red } @media print { ) }", "CSS"},
		{"unclosed comment", "a { color: red }\n/* lobby screens\n.y { color: blue }\n", "x.css:2:1: CSS: comment never closed"},
		{"unterminated string", "a::before { content: \"x\n}", "unterminated"},
	} {
		err := CheckCSS("x.css", []byte(tc.css))
		switch {
		case tc.wants == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wants != "" && (err == nil || !strings.Contains(err.Error(), tc.wants)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.wants)
		}
	}
}

func TestCheckJS(t *testing.T) {
	for _, tc := range []struct {
		name, js string
		ok       bool
	}{
		{"script", `(function () { var re = /}/g; var s = "{"; return s.replace(re, ""); })();`, true},
		{"template literal", "var a = `${1 + 2} }`;", true},
		{"unclosed function", "function a() { if (x) { return 1; }", false},
		{"stray brace", "var a = 1; }", false},
		{"syntax", "var = 3;", false},
	} {
		if err := CheckJS("x.js", []byte(tc.js)); (err == nil) != tc.ok {
			t.Errorf("%s: CheckJS = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// TestCheckFolder: Check names every broken file of a folder, inline code of
// pages included, and passes a sound one.
func TestCheckFolder(t *testing.T) {
	if err := Check(folder()); err != nil {
		t.Fatalf("sound folder: %v", err)
	}
	f := folder()
	f["static/print.css"] = &fstest.MapFile{Data: []byte("@media print {")}
	f["static/js/b.js"] = &fstest.MapFile{Data: []byte("function (")}
	f["about.html"] = &fstest.MapFile{Data: []byte(`<style>a { color: red</style><p style="color: red; }">x</p>`)}
	err := Check(f)
	if err == nil {
		t.Fatal("broken folder passes")
	}
	for _, want := range []string{"static/print.css", "static/js/b.js", "about.html <style> #1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check does not name %s: %v", want, err)
		}
	}
}

// FuzzCheckCSS: no input panics the check, and a stylesheet that passes fails
// once a block is opened at its end and never closed.
func FuzzCheckCSS(f *testing.F) {
	for _, s := range []string{"a{b:c}", "@media print{a{}}", `a{content:"}"}`, "/* { */", "url({)", "@font-face{src:url(x)}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckCSS("f.css", []byte(s)) != nil {
			return
		}
		if err := CheckCSS("f.css", []byte(s+"\n.x {")); err == nil {
			t.Fatalf("%q passes and so does it with an unclosed block after it", s)
		}
	})
}
