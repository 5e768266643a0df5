// Package i18n holds the one translation catalogue per language (vi, km, en) that
// both the Go-rendered pages and the browser code read. Keys are flat,
// "area.snake_case", with {name} placeholders; a key missing in a language falls
// back to Vietnamese, and a key missing everywhere shows as itself so it is noticed.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Default is the language shown when none is chosen and the fallback for missing keys.
const Default = "vi"

// Languages lists the supported languages, the default first.
var Languages = []string{"vi", "km", "en"}

//go:embed locales/*.json
var files embed.FS

// Catalog maps a key to its text in one language.
type Catalog map[string]string

var (
	loadOnce sync.Once
	catalogs map[string]Catalog
	loadErr  error
	jsonOut  map[string][]byte
)

// Load reads and returns every embedded catalogue, keyed by language.
func Load() (map[string]Catalog, error) {
	loadOnce.Do(func() {
		catalogs, loadErr = readAll()
		if loadErr == nil {
			jsonOut, loadErr = marshalAll(catalogs)
		}
	})
	return catalogs, loadErr
}

func readAll() (map[string]Catalog, error) {
	out := make(map[string]Catalog, len(Languages))
	for _, lang := range Languages {
		b, err := files.ReadFile("locales/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("read %s catalogue: %w", lang, err)
		}
		var c Catalog
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("parse %s catalogue: %w", lang, err)
		}
		out[lang] = c
	}
	return out, nil
}

// marshalAll prepares, once, what browsers receive: each language's catalogue with
// the Vietnamese text filled in where a key is missing.
func marshalAll(cs map[string]Catalog) (map[string][]byte, error) {
	out := make(map[string][]byte, len(cs))
	for lang, c := range cs {
		merged := make(Catalog, len(cs[Default]))
		for k, v := range cs[Default] {
			merged[k] = v
		}
		for k, v := range c {
			if v != "" {
				merged[k] = v
			}
		}
		b, err := json.Marshal(merged)
		if err != nil {
			return nil, fmt.Errorf("marshal %s catalogue: %w", lang, err)
		}
		out[lang] = b
	}
	return out, nil
}

// Normalize returns lang if it is supported, else the default language.
func Normalize(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	for _, l := range Languages {
		if lang == l {
			return l
		}
	}
	return Default
}

// T translates key into lang, replacing {name} placeholders from args given as
// name, value pairs.
func T(lang, key string, args ...any) string {
	cs, err := Load()
	if err != nil {
		return key
	}
	s, ok := cs[Normalize(lang)][key]
	if !ok || s == "" {
		s, ok = cs[Default][key]
		if !ok || s == "" {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// JSON returns lang's catalogue (with Vietnamese fallbacks) as JSON for browsers.
func JSON(lang string) []byte {
	if _, err := Load(); err != nil {
		return []byte("{}")
	}
	return jsonOut[Normalize(lang)]
}

var placeholderRe = regexp.MustCompile(`\{[a-z_]+\}`)

// Placeholders lists the {name} placeholders of s, sorted, for catalogue checks.
func Placeholders(s string) []string {
	ps := placeholderRe.FindAllString(s, -1)
	sort.Strings(ps)
	return ps
}
