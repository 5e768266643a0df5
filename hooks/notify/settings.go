package notify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/sms/gateway"
)

// Sender kinds (sms_settings.sender).
const (
	senderModem   = "modem"
	senderGateway = "gateway"
)

// settings is the sms_settings record, read.
type settings struct {
	Enabled bool
	Sender  string

	ModemPort, ModemPIN string

	Gateway gateway.Config

	DailyCap int
	// From and Until bound the hours in which notices go out (office time);
	// outside them notices wait for the morning.
	From, Until calendar.Clock

	Kinds         []string
	LinkReachable bool
	ShortNameVI   string
	ShortNameKM   string
	PickupPlace   string
	// Texts are the office's own texts: kind → language → text.
	Texts map[string]map[string]string
}

// kindOn reports whether notices of kind are switched on.
func (s *settings) kindOn(kind string) bool { return slices.Contains(s.Kinds, kind) }

// findSettingsRecord returns the one sms_settings record.
func findSettingsRecord(app core.App) (*core.Record, error) {
	recs, err := app.FindRecordsByFilter(base.ColSMSSettings, "", "created", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("find sms settings: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("find sms settings: no record")
	}
	return recs[0], nil
}

// loadSettings reads the settings. A record that does not parse (edited in
// /_/ past the checks) reads as SMS off, with the error.
func loadSettings(app core.App) (*settings, error) {
	r, err := findSettingsRecord(app)
	if err != nil {
		return &settings{}, err
	}
	s, bad := parseSettings(r)
	if len(bad) > 0 {
		return &settings{}, fmt.Errorf("sms settings: bad %v", bad)
	}
	return s, nil
}

// parseSettings reads r and returns one message key per bad field.
func parseSettings(r *core.Record) (*settings, map[string]string) {
	bad := map[string]string{}
	s := &settings{
		Enabled:       r.GetBool("enabled"),
		Sender:        r.GetString("sender"),
		ModemPort:     strings.TrimSpace(r.GetString("modem_port")),
		ModemPIN:      strings.TrimSpace(r.GetString("modem_pin")),
		DailyCap:      r.GetInt("daily_cap"),
		Kinds:         r.GetStringSlice("kinds"),
		LinkReachable: r.GetBool("link_reachable"),
		ShortNameVI:   strings.TrimSpace(r.GetString("short_name_vi")),
		ShortNameKM:   strings.TrimSpace(r.GetString("short_name_km")),
		PickupPlace:   strings.TrimSpace(r.GetString("pickup_place")),
		Texts:         map[string]map[string]string{},
	}
	if s.Sender == "" {
		s.Sender = senderModem
	}
	var err error
	if s.From, err = calendar.ParseClock(orDefault(r.GetString("send_from"), "07:00")); err != nil {
		bad["send_from"] = "error.sms_hours_invalid"
	}
	if s.Until, err = calendar.ParseClock(orDefault(r.GetString("send_until"), "20:00")); err != nil {
		bad["send_until"] = "error.sms_hours_invalid"
	}
	if bad["send_from"] == "" && bad["send_until"] == "" && s.Until <= s.From {
		bad["send_until"] = "error.sms_hours_invalid"
	}
	if raw := r.GetString("texts"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &s.Texts); err != nil {
			bad["texts"] = "error.sms_texts_invalid"
		}
	}
	for kind, byLang := range s.Texts {
		if !slices.Contains(domain.NoticeKinds, kind) {
			bad["texts"] = "error.sms_kind_invalid"
			continue
		}
		for lang, text := range byLang {
			if !slices.Contains(noticeLanguages, lang) {
				bad["texts"] = "error.sms_language_invalid"
				continue
			}
			if strings.TrimSpace(text) == "" {
				continue
			}
			if key := checkText(kind, lang, text); key != "" {
				bad["texts"] = key
			}
		}
	}
	s.Gateway = gateway.Config{
		URL:         strings.TrimSpace(r.GetString("gateway_url")),
		Method:      r.GetString("gateway_method"),
		ContentType: strings.TrimSpace(r.GetString("gateway_content_type")),
		Body:        r.GetString("gateway_body"),
		Success:     r.GetString("gateway_success"),
		MaxParts:    maxParts,
	}
	if raw := r.GetString("gateway_headers"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &s.Gateway.Headers); err != nil {
			bad["gateway_headers"] = "error.sms_gateway_headers_invalid"
		}
	}
	if s.Enabled && s.Sender == senderGateway && bad["gateway_headers"] == "" {
		if _, err := gateway.New(s.Gateway); err != nil {
			bad["gateway_url"] = "error.sms_gateway_invalid"
		}
	}
	return s, bad
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

// validateSettings refuses settings the worker could not use, whoever saves
// them (a leader through the API, the superuser in /_/), with one message key
// per bad field; and wakes the worker after a change.
func validateSettings(e *core.RecordEvent) error {
	if _, bad := parseSettings(e.Record); len(bad) > 0 {
		return base.FieldErrors(bad)
	}
	return e.Next()
}

// window is the sending window of the day of now: [start, end) on the
// office's wall clock.
func (s *settings) window(now time.Time) (start, end time.Time) {
	local := now.In(base.Zone)
	y, m, d := local.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, base.Zone)
	return day.Add(time.Duration(s.From) * time.Minute), day.Add(time.Duration(s.Until) * time.Minute)
}

// nextOpen is now when now is within the sending hours, else the next start
// of them (this evening is over: tomorrow morning).
func (s *settings) nextOpen(now time.Time) time.Time {
	start, end := s.window(now)
	switch {
	case now.Before(start):
		return start
	case now.Before(end):
		return now
	}
	start, _ = s.window(now.In(base.Zone).AddDate(0, 0, 1))
	return start
}

// dayStart is midnight of now's office day: the daily cap counts from it.
func dayStart(now time.Time) time.Time {
	y, m, d := now.In(base.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, base.Zone)
}
