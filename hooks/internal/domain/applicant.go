package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/catalog"
	"motcua/hooks/idcard"
	"motcua/hooks/internal/base"
	"motcua/hooks/textnorm"
)

// What an officer types about the applicant and the papers, checked the same
// way wherever a dossier comes from: the counter's intake and the dossiers a
// mobile team brings back (hooks/field). Pure checks on a record and the
// values sent; nothing is read from or written to the database here.

// RawString reads a submitted value as text ("" when absent).
func RawString(body map[string]any, name string) string {
	switch v := body[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// NormalizeApplicant checks and normalises the applicant fields in place and
// returns one message key per bad field. It is the one check of what an
// officer typed: the counter's intake runs it on the request body, the field
// import on each dossier a team brings back (body is then the dossier's
// fields as they travelled). Text is NFC with tidy white space;
// garbled text (a scanner in the wrong keyboard mode) is refused, never saved.
func NormalizeApplicant(r *core.Record, body map[string]any, now time.Time) map[string]string {
	bad := map[string]string{}
	for _, f := range []string{"applicant_name", "applicant_address", "notes"} {
		v := textnorm.NFC(RawString(body, f))
		r.Set(f, v)
		if f != "notes" && idcard.Garbled(v) {
			bad[f] = "error.text_garbled"
		}
	}
	if r.GetString("applicant_name") == "" {
		bad["applicant_name"] = "error.name_required"
	}
	if id := textnorm.NFC(RawString(body, "applicant_id_number")); id != "" && !textnorm.ValidIDNumber(id) {
		bad["applicant_id_number"] = "error.id_number_invalid"
	} else {
		r.Set("applicant_id_number", id)
	}
	if old := textnorm.NFC(RawString(body, "applicant_old_id")); old != "" && (len(old) != 9 || !textnorm.ValidIDNumber(old)) {
		bad["applicant_old_id"] = "error.old_id_invalid"
	} else {
		r.Set("applicant_old_id", old)
	}
	if phone, err := textnorm.NormalizePhone(RawString(body, "applicant_phone")); err != nil {
		bad["applicant_phone"] = textnorm.KeyPhoneInvalid
	} else {
		r.Set("applicant_phone", phone)
	}
	switch g := RawString(body, "applicant_gender"); g {
	case "", idcard.GenderMale, idcard.GenderFemale:
		r.Set("applicant_gender", g)
	default:
		bad["applicant_gender"] = "error.gender_invalid"
	}
	// PocketBase has already turned the submitted date into a DateTime (a string
	// it cannot read becomes empty, like an absent date), so what is checked here
	// is the date itself: a real day from 1900 up to today in Vietnam.
	if s := strings.TrimSpace(RawString(body, "applicant_birth_date")); s != "" {
		dt, err := types.ParseDateTime(s)
		y, m, d := now.In(base.Zone).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		switch {
		case err != nil || dt.IsZero() || dt.Time().Year() < 1900:
			bad["applicant_birth_date"] = "error.birth_date_invalid"
		case dt.Time().After(today):
			bad["applicant_birth_date"] = "error.birth_date_future"
		default:
			r.Set("applicant_birth_date", dt)
		}
	} else {
		r.Set("applicant_birth_date", "")
	}
	normalizeSMS(r, body, bad)
	switch c := RawString(body, "channel"); c {
	case "", "in_person", "online", "postal":
		r.Set("channel", c)
	default:
		bad["channel"] = "error.channel_invalid"
	}
	return bad
}

// ReceivedPaper is one paper the officer ticked, as the client sends it: the
// checklist position (index, from 0) or the paper's Vietnamese name, original
// or copy, and how many.
type ReceivedPaper struct {
	Index *int   `json:"index"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// StoredPaper is a received paper as the dossier keeps it: the names are
// copied from the checklist so that a reprinted receipt is the same receipt
// even after the catalogue is edited.
type StoredPaper struct {
	Index  int    `json:"index"`
	NameVI string `json:"name_vi"`
	NameKM string `json:"name_km"`
	Kind   string `json:"kind"`
	Count  int    `json:"count"`
}

// CheckPapers checks the ticked papers against the procedure's checklist and
// rewrites the papers field in the stored form. Every paper must be on the
// checklist (once), be an original or a copy, count 1–99, and every required
// paper must be there: an incomplete dossier is not taken in (the officer prints
// the request to supplement or the refusal instead).
func CheckPapers(r *core.Record, proc *core.Record) string {
	var checklist []catalog.Paper
	_ = proc.UnmarshalJSONField("papers", &checklist)
	var got []ReceivedPaper
	if err := r.UnmarshalJSONField("papers", &got); err != nil {
		return "error.papers_invalid"
	}
	seen := map[int]bool{}
	out := make([]StoredPaper, 0, len(got))
	for _, g := range got {
		idx := -1
		if g.Index != nil {
			idx = *g.Index
		} else if name := textnorm.NFC(g.Name); name != "" {
			for i, p := range checklist {
				if textnorm.NFC(p.NameVI) == name {
					idx = i
					break
				}
			}
		}
		if idx < 0 || idx >= len(checklist) || seen[idx] {
			return "error.papers_unknown"
		}
		if (g.Kind != catalog.PaperOriginal && g.Kind != catalog.PaperCopy) || g.Count < 1 || g.Count > 99 {
			return "error.papers_invalid"
		}
		seen[idx] = true
		p := checklist[idx]
		out = append(out, StoredPaper{Index: idx, NameVI: p.NameVI, NameKM: p.NameKM, Kind: g.Kind, Count: g.Count})
	}
	for i, p := range checklist {
		if p.Required && !seen[i] {
			return "error.papers_missing"
		}
	}
	r.Set("papers", out)
	return ""
}

// SMS at intake: the officer asks whether the citizen wants SMS about the
// dossier and in which language (Vietnamese or Khmer). No SMS goes out
// without that consent (hooks/notify reads dossiers.sms_consent), and consent
// without a mobile number is refused here, with the phone field named, so the
// officer asks for one or unticks the box.

// normalizeSMS checks sms_consent and sms_language as sent (body) and sets
// them on r, adding one message key per bad field to bad. It runs after the
// phone was normalised.
func normalizeSMS(r *core.Record, body map[string]any, bad map[string]string) {
	consent, ok := parseConsent(body["sms_consent"])
	if !ok {
		bad["sms_consent"] = "error.sms_consent_invalid"
	}
	lang := strings.ToLower(strings.TrimSpace(RawString(body, "sms_language")))
	switch lang {
	case "", "vi", "km":
	default:
		bad["sms_language"] = "error.sms_language_invalid"
	}
	if !consent {
		lang = "" // the language of messages that will never be sent means nothing
	} else if lang == "" {
		lang = "vi"
	}
	if consent && r.GetString("applicant_phone") == "" && bad["applicant_phone"] == "" {
		bad["applicant_phone"] = "error.sms_phone_required"
	}
	r.Set("sms_consent", consent)
	r.Set("sms_language", lang)
}

// parseConsent reads a checkbox as JSON (true/false) or a form sends it
// ("true", "on", "1", "false", "0", or nothing).
func parseConsent(v any) (consent, ok bool) {
	switch x := v.(type) {
	case nil:
		return false, true
	case bool:
		return x, true
	case float64:
		return x == 1, x == 0 || x == 1
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "on", "1", "yes":
			return true, true
		case "", "false", "off", "0", "no":
			return false, true
		}
	}
	return false, false
}
