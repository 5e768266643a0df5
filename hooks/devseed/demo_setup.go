package devseed

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/catalog"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// seedDemoOffice fills each office field that still holds the first start's
// value (office.json) or nothing with the demo office's, and leaves every
// other field as the IT person set it. The record is saved only when a field
// changed, so a second run does not even touch its updated time.
func seedDemoOffice(tx core.App, def, demo catalog.Office, out io.Writer) error {
	office, err := domain.FindOffice(tx)
	if err != nil {
		return err
	}
	defaults, err := officeFields(def)
	if err != nil {
		return err
	}
	wanted, err := officeFields(demo)
	if err != nil {
		return err
	}
	var filled, kept []string
	for _, name := range demoOfficeFields {
		want, ok := wanted[name]
		if !ok {
			continue
		}
		if sameValue(office.Get(name), want) {
			continue // the demo's already (a second run)
		}
		if !atDefault(office.Get(name), defaults[name]) {
			kept = append(kept, name)
			continue
		}
		office.Set(name, want)
		filled = append(filled, name)
	}
	if len(filled) > 0 {
		// The record itself, so its hooks run (validation, the caches dropped).
		if err := tx.Save(office.Record); err != nil {
			return fmt.Errorf("save demo office: %w", err)
		}
		fmt.Fprintf(out, "office: %s (%s); filled: %s\n", office.GetString("name_vi"), office.AgencyCode(), strings.Join(filled, ", "))
	} else {
		fmt.Fprintf(out, "office: %s (%s), unchanged\n", office.GetString("name_vi"), office.AgencyCode())
	}
	if len(kept) > 0 {
		fmt.Fprintf(out, "office: kept as set up in /_/: %s\n", strings.Join(kept, ", "))
	}
	return nil
}

// demoOfficeFields are the office fields the demo may fill, in the order printed.
var demoOfficeFields = []string{"name_vi", "name_km", "agency_code", "address", "phone", "public_url",
	"place_vi", "place_km", "sessions", "same_day_cutoff"}

// officeFields is o as record values (the JSON names of catalog.Office).
func officeFields(o catalog.Office) (map[string]any, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("demo office: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("demo office: %w", err)
	}
	return m, nil
}

// atDefault reports whether a stored value is still what a new installation
// has there: the default, or nothing at all.
func atDefault(stored, def any) bool {
	c := canon(stored)
	return c == `""` || c == "null" || c == canon(def)
}

// sameValue compares a stored value with a catalogue one.
func sameValue(stored, want any) bool { return canon(stored) == canon(want) }

// canon is a value as JSON with its keys in order, so the sessions stored as
// raw JSON (however spaced) compare with the catalogue's decoded ones.
func canon(v any) string {
	if raw, ok := v.(types.JSONRaw); ok {
		var x any
		if json.Unmarshal(raw, &x) != nil {
			return string(raw)
		}
		v = x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// seedDemoCounters makes counters 1 and 2, each calling every active service
// group, when the office has no counter at all, so the counter page can call
// the kiosk's tickets at once. An office that has counters keeps them.
func seedDemoCounters(tx core.App, out io.Writer) error {
	n, err := tx.CountRecords(base.ColCounters)
	if err != nil {
		return fmt.Errorf("demo counters: %w", err)
	}
	if n > 0 {
		fmt.Fprintf(out, "counters: %d (exist, unchanged)\n", n)
		return nil
	}
	groups, err := tx.FindRecordsByFilter(base.ColServiceGroups, "active = true", "letter", 0, 0)
	if err != nil {
		return fmt.Errorf("demo counters: %w", err)
	}
	if len(groups) == 0 {
		fmt.Fprintln(out, "counters: none made (no active service group)")
		return nil
	}
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.Id
	}
	col, err := tx.FindCollectionByNameOrId(base.ColCounters)
	if err != nil {
		return fmt.Errorf("demo counters: %w", err)
	}
	for number := 1; number <= 2; number++ {
		r := core.NewRecord(col)
		r.Load(map[string]any{"number": number, "name": fmt.Sprintf("Quầy %d (demo)", number), "groups": ids, "active": true})
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("save demo counter %d: %w", number, err)
		}
	}
	fmt.Fprintf(out, "counters: 1 and 2 made, each calling groups %s\n", letters(groups))
	return nil
}

func letters(groups []*core.Record) string {
	var l []string
	for _, g := range groups {
		l = append(l, g.GetString("letter"))
	}
	return strings.Join(l, ", ")
}

// demoDevices are the lobby accounts the demo makes: the kiosk that issues
// tickets and the TV that shows the calls.
var demoDevices = []struct{ username, name, kind, page string }{
	{"demo.kiosk", "Kiosk sảnh (demo)", domain.DeviceKiosk, "/kiosk"},
	{"demo.tv", "Màn hình sảnh (demo)", domain.DeviceDisplay, "/display"},
}

// seedDemoDevices makes the kiosk and TV accounts, printing each new one's
// password once and the page it signs in on.
func seedDemoDevices(tx core.App, out io.Writer) error {
	col, err := tx.FindCollectionByNameOrId(base.ColDevices)
	if err != nil {
		return fmt.Errorf("demo devices: %w", err)
	}
	for _, d := range demoDevices {
		if _, err := tx.FindFirstRecordByData(col, "username", d.username); err == nil {
			fmt.Fprintf(out, "%-10s %-16s (exists, password unchanged)\n", d.kind, d.username)
			continue
		}
		password, err := randomPassword(12)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("username", d.username)
		r.Set("name", d.name)
		r.Set("kind", d.kind)
		r.SetPassword(password)
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("save demo device %s: %w", d.username, err)
		}
		fmt.Fprintf(out, "%-10s %-16s password: %s  (sign in on %s)\n", d.kind, d.username, password, d.page)
	}
	return nil
}
