package intake

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

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
	lang := strings.ToLower(strings.TrimSpace(rawString(body, "sms_language")))
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
