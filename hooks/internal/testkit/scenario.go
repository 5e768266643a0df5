package testkit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Callers are the tokens of everyone who may knock: "guest" (no token), one
// staff account per role ("reception", "processor", "leader", "field") and
// "superuser".
type Callers map[string]string

// MakeCallers makes one staff account per role (usernames prefix.role) and a
// superuser, for role × action tables.
func MakeCallers(t testing.TB, app core.App, prefix string) Callers {
	t.Helper()
	c := Callers{"guest": "", "superuser": SuperuserToken(t, app)}
	for _, r := range []string{base.RoleReception, base.RoleProcessor, base.RoleLeader, base.RoleField} {
		c[r] = MakeStaff(t, app, r, prefix+"."+r).Token
	}
	return c
}

// Expect is what one caller must get: the status and, for a refusal, the
// message key (refusals always carry one).
type Expect struct {
	Status int
	Key    string
}

// Scenario is one action tried by every caller: the request, what each
// caller must get, and optional checks of the answer (After runs for every
// caller, with the recorded answer).
type Scenario struct {
	Method, URL, Body string
	Want              map[string]Expect
	After             func(t *testing.T, caller string, res *httptest.ResponseRecorder)
}

// Run tries s once per caller of Want, each as a subtest named like
// "POST /api/motcua/... (reception)", and checks the status, that a refusal
// carries its key (in Vietnamese and Khmer, as every keyed error does) and
// whatever After checks.
func (s Scenario) Run(t *testing.T, mux http.Handler, callers Callers) {
	t.Helper()
	names := make([]string, 0, len(s.Want))
	for c := range s.Want {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, caller := range names {
		w := s.Want[caller]
		token, ok := callers[caller]
		if !ok {
			t.Fatalf("scenario %s %s: no caller %q", s.Method, s.URL, caller)
		}
		t.Run(s.Method+" "+s.URL+" ("+caller+")", func(t *testing.T) {
			res := Do(mux, s.Method, s.URL, token, s.Body)
			if res.Code != w.Status {
				t.Fatalf("status %d, want %d: %s", res.Code, w.Status, res.Body.String())
			}
			if w.Status >= 400 {
				var e struct {
					Data map[string]any `json:"data"`
				}
				_ = json.Unmarshal(res.Body.Bytes(), &e)
				key, _ := e.Data["key"].(string)
				if key == "" || (w.Key != "" && key != w.Key) {
					t.Errorf("refusal key %q, want %q: %s", key, w.Key, res.Body.String())
				}
				if vi, _ := e.Data["vi"].(string); strings.TrimSpace(vi) == "" {
					t.Errorf("refusal without Vietnamese text: %s", res.Body.String())
				}
				if km, _ := e.Data["km"].(string); strings.TrimSpace(km) == "" {
					t.Errorf("refusal without Khmer text: %s", res.Body.String())
				}
			}
			if s.After != nil {
				s.After(t, caller, res)
			}
		})
	}
}
