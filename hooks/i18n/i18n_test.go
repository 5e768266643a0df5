package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func TestCataloguesLoadAndAgree(t *testing.T) {
	cs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	vi := cs[Default]
	if len(vi) < 20 {
		t.Fatalf("vi catalogue has %d keys, suspiciously few", len(vi))
	}
	keyRe := regexp.MustCompile(`^[a-z][a-z0-9_]*\.[a-z0-9_.]+$`)
	for _, lang := range Languages {
		c := cs[lang]
		for k, v := range c {
			if !keyRe.MatchString(k) {
				t.Errorf("%s: key %q is not area.snake_case", lang, k)
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
			if _, ok := vi[k]; !ok {
				t.Errorf("%s: %s is not in the vi catalogue", lang, k)
			}
		}
		for k, v := range vi {
			other, ok := c[k]
			if !ok {
				t.Errorf("%s: missing %s", lang, k)
				continue
			}
			if !reflect.DeepEqual(Placeholders(v), Placeholders(other)) {
				t.Errorf("%s: %s placeholders %v, vi has %v", lang, k, Placeholders(other), Placeholders(v))
			}
		}
	}
	// Khmer text must be Khmer script, not a copy of the Vietnamese.
	khmer := regexp.MustCompile(`[\x{1780}-\x{17FF}]`)
	for k, v := range cs["km"] {
		if !khmer.MatchString(v) {
			t.Errorf("km: %s = %q has no Khmer letters", k, v)
		}
	}
}

func TestT(t *testing.T) {
	if got := T("km", "catalogue.count", "n", 21); got != "នីតិវិធី 21" {
		t.Errorf("T km count = %q", got)
	}
	if got := T("vi", "catalogue.count", "n", 3); got != "3 thủ tục" {
		t.Errorf("T vi count = %q", got)
	}
	if got := T("xx", "shell.sign_in"); got != "Đăng nhập" {
		t.Errorf("unknown language should fall back to vi, got %q", got)
	}
	if got := T("km", "no.such_key"); got != "no.such_key" {
		t.Errorf("missing key should show itself, got %q", got)
	}
	if Normalize(" KM ") != "km" || Normalize("fr") != "vi" {
		t.Error("Normalize")
	}
}

var fileExt = map[string]bool{"html": true, "js": true, "css": true, "json": true, "png": true, "ttf": true}

// TestEveryUsedKeyExists scans the Go code, the page templates and pb_public for
// quoted keys of a catalogue area and checks each exists; keys built at run time
// from a prefix are checked against the values they can take.
func TestEveryUsedKeyExists(t *testing.T) {
	cs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	vi := cs[Default]
	areas := map[string]bool{}
	for k := range vi {
		areas[k[:strings.Index(k, ".")]] = true
	}
	var alt []string
	for a := range areas {
		alt = append(alt, regexp.QuoteMeta(a))
	}
	sort.Strings(alt)
	used := regexp.MustCompile(`["'](` + strings.Join(alt, "|") + `)\.([a-z0-9_]+)["']`)
	root := filepath.Join("..", "..")
	found := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "pb_data" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		ext := filepath.Ext(path)
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || (ext != ".go" && ext != ".html" && ext != ".js") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if fileExt[m[2]] {
				continue // a file name such as "catalogue.html", not a key
			}
			key := m[1] + "." + m[2]
			found++
			if _, ok := vi[key]; !ok {
				t.Errorf("%s uses %q, which no catalogue has", path, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Errorf("found only %d key uses: is the scan looking in the right place?", found)
	}
	dynamic := map[string][]string{
		"weekday.": {"0", "1", "2", "3", "4", "5", "6"},
		"role.":    {"reception", "processor", "leader", "field"},
		"paper.":   {"original", "copy"},
		"face.":    {"1", "2", "3", "4", "5"},
		"reason.": {"good_service", "quick", "clear_guidance", "kind_staff", "waited_long", "unclear_guidance",
			"staff_attitude", "extra_papers", "came_back_many_times"},
		"track_status.": {"new", "received", "refused", "processing", "supplement_requested",
			"awaiting_fees", "withdrawn", "stopped", "done", "returned"},
		"track_next.": {"new", "received", "refused", "processing", "supplement_requested",
			"awaiting_fees", "withdrawn", "stopped", "done", "returned"},
		"ticket_status.": {"waiting", "called", "serving", "done", "no_show", "transferred"},
		"priority.":      {"elderly", "disability", "pregnant", "small_children"},
		"status.": {"new", "received", "refused", "processing", "supplement_requested", "awaiting_fees",
			"withdrawn", "stopped", "done", "returned"},
		"action.": {"receive", "assign", "start", "request_supplement", "supplement_received", "refuse",
			"complete", "return", "withdraw", "extend", "stop"},
		"timeliness.": {"early", "on_time", "late"},
		"worklist.":   {"ready", "due", "mine", "overdue", "approval"},
		"form.title_": {"02", "03", "04", "05", "06", "07"},
	}
	for prefix, vals := range dynamic {
		for _, v := range vals {
			if _, ok := vi[prefix+v]; !ok {
				t.Errorf("dynamic key %s%s missing", prefix, v)
			}
		}
	}
}
