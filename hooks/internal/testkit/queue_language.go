package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// SetServesLanguages sets the languages a staff account serves citizens in
// (staff.serves_languages); none clears them. The account's token stays valid.
func SetServesLanguages(t testing.TB, app core.App, s Staff, langs ...string) {
	t.Helper()
	s.Record.Set("serves_languages", langs)
	if err := app.Save(s.Record); err != nil {
		t.Fatalf("save serves_languages: %v", err)
	}
}

// IssueTicketIn issues a ticket of group in language (vi, km or "" for none).
func IssueTicketIn(t testing.TB, mux http.Handler, token, group, language string, priority bool) Issued {
	t.Helper()
	body := fmt.Sprintf(`{"group":%q,"language":%q}`, group, language)
	if priority {
		body = fmt.Sprintf(`{"group":%q,"language":%q,"priority":true,"priority_reason":"elderly"}`, group, language)
	}
	res := Do(mux, http.MethodPost, "/api/motcua/queue/tickets", token, body)
	if res.Code != http.StatusOK {
		t.Fatalf("issue ticket %s in %q: %d %s", group, language, res.Code, res.Body.String())
	}
	var out Issued
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}
