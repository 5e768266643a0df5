package calendar_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"motcua/hooks/calendar"
)

const defaultWeekJSON = `{"mon":[["07:00","11:30"],["13:00","17:00"]],"tue":[["07:00","11:30"],["13:00","17:00"]],"wed":[["07:00","11:30"],["13:00","17:00"]],"thu":[["07:00","11:30"],["13:00","17:00"]],"fri":[["07:00","11:30"],["13:00","17:00"]],"sat":[],"sun":[]}`

func TestParseWeekErrors(t *testing.T) {
	tests := []struct {
		name, in string
		day      string // the day the message must name, if any
		clock    bool   // the error must also wrap ErrBadClock
	}{
		{"overlap", `{"mon":[["07:00","11:30"],["11:00","17:00"]]}`, "mon", false},
		{"out of order", `{"tue":[["13:00","17:00"],["07:00","11:30"]]}`, "tue", false},
		{"end before start", `{"wed":[["11:30","07:00"]]}`, "wed", false},
		{"end at start", `{"thu":[["07:00","07:00"]]}`, "thu", false},
		{"not a time", `{"fri":[["7h","11:30"]]}`, "fri", true},
		{"hour 25", `{"sat":[["25:00","26:00"]]}`, "sat", true},
		{"past midnight", `{"sun":[["07:00","24:30"]]}`, "sun", true},
		{"minute 60", `{"mon":[["07:60","11:30"]]}`, "mon", true},
		{"three times", `{"mon":[["07:00","11:30","13:00"]]}`, "mon", false},
		{"one time", `{"tue":[["07:00"]]}`, "tue", false},
		{"null session", `{"tue":[null]}`, "tue", false},
		{"numbers", `{"wed":[[7,11]]}`, "wed", false},
		{"a string", `{"thu":"07:00-11:30"}`, "thu", false},
		{"unknown day", `{"monday":[]}`, "monday", false},
		{"capitalised day", `{"Mon":[]}`, "Mon", false},
		{"day twice", `{"fri":[],"fri":[["07:00","11:30"]]}`, "fri", false},
		{"later day bad", `{"mon":[["07:00","11:30"]],"sat":[["08:00","07:00"]]}`, "sat", false},
		{"empty input", ``, "", false},
		{"null", `null`, "", false},
		{"array", `[]`, "", false},
		{"trailing data", `{"mon":[]} x`, "", false},
		{"two objects", `{"mon":[]}{}`, "", false},
		{"unclosed", `{"mon":[]`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := calendar.ParseWeek([]byte(tt.in))
			if !errors.Is(err, calendar.ErrBadSessions) {
				t.Fatalf("ParseWeek(%s) = %v, %v; want ErrBadSessions", tt.in, w, err)
			}
			if tt.clock && !errors.Is(err, calendar.ErrBadClock) {
				t.Errorf("ParseWeek(%s) error = %v, want it to wrap ErrBadClock", tt.in, err)
			}
			if tt.day != "" && !strings.Contains(err.Error(), tt.day) {
				t.Errorf("ParseWeek(%s) error = %q, want it to name %q", tt.in, err, tt.day)
			}
			if !reflect.DeepEqual(w, calendar.Week{}) {
				t.Errorf("ParseWeek(%s) returned a partial week %v", tt.in, w)
			}
		})
	}
}

func TestWeekRoundTrip(t *testing.T) {
	b, err := json.Marshal(calendar.DefaultWeek())
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != defaultWeekJSON {
		t.Errorf("json.Marshal(DefaultWeek()) =\n%s\nwant\n%s", b, defaultWeekJSON)
	}
	w, err := calendar.ParseWeek([]byte(defaultWeekJSON))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w, calendar.DefaultWeek()) {
		t.Errorf("ParseWeek(default) = %v", w)
	}

	// Missing days are closed; abutting sessions and 24:00 are allowed;
	// whitespace and key order do not matter.
	in := `{
		"sat": [["07:30", "11:30"]],
		"mon": [["06:30", "11:30"], ["13:00", "17:30"]],
		"wed": null,
		"fri": [["00:00", "06:00"], ["06:00", "24:00"]]
	}`
	w, err = calendar.ParseWeek([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var want calendar.Week
	want[time.Monday] = []calendar.Session{{Start: 390, End: 690}, {Start: 780, End: 1050}}
	want[time.Friday] = []calendar.Session{{Start: 0, End: 360}, {Start: 360, End: 1440}}
	want[time.Saturday] = []calendar.Session{{Start: 450, End: 690}}
	if !reflect.DeepEqual(w, want) {
		t.Errorf("ParseWeek = %v, want %v", w, want)
	}
	b, err = w.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"mon":[["06:30","11:30"],["13:00","17:30"]],"tue":[],"wed":[],"thu":[],"fri":[["00:00","06:00"],["06:00","24:00"]],"sat":[["07:30","11:30"]],"sun":[]}`
	if string(b) != wantJSON {
		t.Errorf("MarshalJSON =\n%s\nwant\n%s", b, wantJSON)
	}
	again, err := calendar.ParseWeek(b)
	if err != nil || !reflect.DeepEqual(again, w) {
		t.Errorf("round trip = %v, %v; want %v", again, err, w)
	}

	// A Week inside a larger document goes through the same parser.
	var doc struct {
		Sessions calendar.Week `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(`{"sessions":`+wantJSON+`}`), &doc); err != nil || !reflect.DeepEqual(doc.Sessions, w) {
		t.Errorf("json.Unmarshal into a struct = %v, %v", doc.Sessions, err)
	}
	if err := json.Unmarshal([]byte(`{"sessions":{"mon":[["11:00","07:00"]]}}`), &doc); !errors.Is(err, calendar.ErrBadSessions) {
		t.Errorf("json.Unmarshal of a bad week: error = %v, want ErrBadSessions", err)
	}
}

func TestMarshalRefusesBadWeek(t *testing.T) {
	var w calendar.Week
	w[time.Tuesday] = []calendar.Session{{Start: 13 * 60, End: 17 * 60}, {Start: 7 * 60, End: 11 * 60}}
	if _, err := json.Marshal(w); !errors.Is(err, calendar.ErrBadSessions) || !strings.Contains(err.Error(), "tue") {
		t.Errorf("json.Marshal(unsorted week) error = %v, want ErrBadSessions naming tue", err)
	}
	w[time.Tuesday] = []calendar.Session{{Start: -10, End: 60}}
	if _, err := w.MarshalJSON(); !errors.Is(err, calendar.ErrBadSessions) {
		t.Errorf("MarshalJSON(negative clock) error = %v, want ErrBadSessions", err)
	}
}
