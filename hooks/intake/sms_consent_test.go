package intake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// TestIntakeSMSConsent: the consent to SMS and its language, on both intake
// paths (JSON fast path, multipart through PocketBase): stored as asked,
// refused with a keyed message when they cannot be used.
func TestIntakeSMSConsent(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	mux := testkit.NewMux(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "sms-rec")
	proc := testkit.ProcByCode(t, app, "1.001193")
	paths := map[string]func(body string) *httptest.ResponseRecorder{
		"json": func(b string) *httptest.ResponseRecorder {
			return testkit.Do(mux, http.MethodPost, testkit.DossiersURL, rec.Token, b)
		},
		"multipart": func(b string) *httptest.ResponseRecorder { return doIntakeMultipart(mux, rec.Token, b) },
	}
	good := []struct {
		name      string
		over      map[string]any
		consent   bool
		lang      string
		phoneWant string
	}{
		{"khmer", map[string]any{"sms_consent": true, "sms_language": "km"}, true, "km", "0912345678"},
		{"default vi", map[string]any{"sms_consent": "true"}, true, "vi", "0912345678"},
		{"no consent keeps no language", map[string]any{"sms_consent": false, "sms_language": "km"}, false, "", "0912345678"},
		{"nothing said", nil, false, "", "0912345678"},
		{"no phone, no SMS", map[string]any{"applicant_phone": "", "sms_consent": "false"}, false, "", ""},
	}
	bad := []struct {
		name, field, key string
		over             map[string]any
	}{
		{"consent without phone", "applicant_phone", "error.sms_phone_required", map[string]any{"applicant_phone": "", "sms_consent": true}},
		{"landline", "applicant_phone", "error.phone_invalid", map[string]any{"applicant_phone": "0299 3853 123", "sms_consent": true}},
		{"foreign number", "applicant_phone", "error.phone_invalid", map[string]any{"applicant_phone": "+855 12 345 678", "sms_consent": true}},
		{"language", "sms_language", "error.sms_language_invalid", map[string]any{"sms_consent": true, "sms_language": "fr"}},
	}
	for path, do := range paths {
		for _, tc := range good {
			res := do(testkit.IntakeBody(proc.Id, tc.over))
			if res.Code != http.StatusOK {
				t.Errorf("%s %s: %d %s", path, tc.name, res.Code, res.Body.String())
				continue
			}
			var out struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(res.Body.Bytes(), &out)
			d, err := domain.FindDossier(app, out.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.GetBool("sms_consent") != tc.consent || d.GetString("sms_language") != tc.lang || d.GetString("applicant_phone") != tc.phoneWant {
				t.Errorf("%s %s: consent %v lang %q phone %q", path, tc.name, d.GetBool("sms_consent"), d.GetString("sms_language"), d.GetString("applicant_phone"))
			}
		}
		cases := bad[:len(bad):len(bad)]
		if path == "json" {
			// PocketBase's path reads booleans itself before intake sees
			// them (a string that is not "true" is false); the fast path
			// refuses what is neither.
			cases = append(cases, struct {
				name, field, key string
				over             map[string]any
			}{"consent", "sms_consent", "error.sms_consent_invalid", map[string]any{"sms_consent": "maybe"}})
		}
		for _, tc := range cases {
			res := do(testkit.IntakeBody(proc.Id, tc.over))
			var e struct {
				Data map[string]struct {
					Code      string `json:"code"`
					MessageKM string `json:"message_km"`
				} `json:"data"`
			}
			_ = json.Unmarshal(res.Body.Bytes(), &e)
			if res.Code != http.StatusBadRequest || e.Data[tc.field].Code != tc.key || e.Data[tc.field].MessageKM == "" {
				t.Errorf("%s %s: %d %s, want %s on %s", path, tc.name, res.Code, res.Body.String(), tc.key, tc.field)
			}
		}
	}
}
