package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// dayKeys are the JSON names of the weekdays, indexed by time.Weekday.
var dayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// jsonOrder lists the weekdays the way an office reads its timetable.
var jsonOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// ParseWeek reads a timetable such as
//
//	{"mon": [["07:00", "11:30"], ["13:00", "17:00"]], "tue": ..., "sat": [], "sun": []}
//
// A day that is missing, null or [] is closed. It refuses, with an error
// wrapping ErrBadSessions that names the day, an unknown or repeated day
// key, a time that is not HH:MM (also wrapping ErrBadClock), a session that
// does not end after it starts, and sessions that overlap or are out of
// order.
func ParseWeek(b []byte) (Week, error) {
	var w Week
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return Week{}, fmt.Errorf("calendar: %w: want a JSON object of days: %w", ErrBadSessions, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return Week{}, fmt.Errorf("calendar: %w: want a JSON object of days, not %v", ErrBadSessions, tok)
	}
	var seen [7]bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Week{}, fmt.Errorf("calendar: %w: %w", ErrBadSessions, err)
		}
		key, _ := tok.(string)
		day, ok := dayIndex(key)
		if !ok {
			return Week{}, fmt.Errorf("calendar: %w: unknown day %q: want mon, tue, wed, thu, fri, sat or sun", ErrBadSessions, key)
		}
		if seen[day] {
			return Week{}, fmt.Errorf("calendar: %w: %s: given twice", ErrBadSessions, key)
		}
		seen[day] = true
		var pairs [][]string
		if err := dec.Decode(&pairs); err != nil {
			return Week{}, fmt.Errorf("calendar: %w: %s: want [[\"HH:MM\", \"HH:MM\"], ...]: %w", ErrBadSessions, key, err)
		}
		if len(pairs) == 0 {
			continue
		}
		ss := make([]Session, len(pairs))
		for i, p := range pairs {
			if len(p) != 2 {
				return Week{}, fmt.Errorf("calendar: %w: %s: session %d has %d times, want [\"HH:MM\", \"HH:MM\"]", ErrBadSessions, key, i+1, len(p))
			}
			if ss[i].Start, err = ParseClock(p[0]); err == nil {
				ss[i].End, err = ParseClock(p[1])
			}
			if err != nil {
				return Week{}, fmt.Errorf("calendar: %w: %s: session %d: %w", ErrBadSessions, key, i+1, err)
			}
		}
		if err := validateSessions(key, ss); err != nil {
			return Week{}, err
		}
		w[day] = ss
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return Week{}, fmt.Errorf("calendar: %w: %w", ErrBadSessions, err)
	}
	if tok, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Week{}, fmt.Errorf("calendar: %w: unexpected %v after the object (%v)", ErrBadSessions, tok, err)
	}
	return w, nil
}

func dayIndex(key string) (time.Weekday, bool) {
	for d, k := range dayKeys {
		if k == key {
			return time.Weekday(d), true
		}
	}
	return 0, false
}

// MarshalJSON writes w in the format ParseWeek reads, every day present,
// Monday first. It refuses an invalid week (see Week.Validate), so what is
// written can always be read back.
func (w Week) MarshalJSON() ([]byte, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 256)
	b = append(b, '{')
	for i, d := range jsonOrder {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, dayKeys[d]...)
		b = append(b, `":[`...)
		for j, s := range w[d] {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `["`...)
			b = append(b, s.Start.String()...)
			b = append(b, `","`...)
			b = append(b, s.End.String()...)
			b = append(b, `"]`...)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads w with ParseWeek.
func (w *Week) UnmarshalJSON(b []byte) error {
	v, err := ParseWeek(b)
	if err != nil {
		return err
	}
	*w = v
	return nil
}
