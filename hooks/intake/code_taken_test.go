package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/hooks/internal/testkit"
)

// TestIntakeSkipsTakenCodes reproduces issue 15's first finding from the
// centre's side: a dossier holding the centre's next code (here saved
// straight into the table, as a bundle imported before bundles were checked
// left it) used to make every later intake of the day fail with an
// untranslated UNIQUE error, since the sequence rolled back each time. Now the
// taken number, and a run of taken numbers further on, are skipped: 20
// intakes over real HTTP, through the fast path and PocketBase's multipart
// path, all succeed with distinct codes, none of them a taken one.
func TestIntakeSkipsTakenCodes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	srv := testkit.StartServer(t, app)
	rec := testkit.MakeStaff(t, app, base.RoleReception, "skip.reception")
	proc := testkit.ProcByCode(t, app, "1.001193")
	office, err := domain.FindOffice(app)
	if err != nil {
		t.Fatal(err)
	}
	day := domain.CodeDay(time.Now())
	taken := map[string]bool{}
	for _, n := range []int{1, 4, 5, 6, 7} {
		code := domain.FormatCode(office.AgencyCode(), day, n)
		testkit.MkDossier(t, app, map[string]any{"code": code, "procedure": proc.Id, "status": domain.StatusReceived})
		taken[code] = true
	}
	before, _ := app.CountRecords(base.ColDossiers)

	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		var res *http.Response
		if i%4 == 3 {
			res = postMultipartIntake(t, srv, rec.Token, testkit.IntakeBody(proc.Id, nil))
		} else {
			res = postJSON(t, srv+testkit.DossiersURL, rec.Token, testkit.IntakeBody(proc.Id, nil))
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("intake %d after a taken code: %d %s", i, res.StatusCode, body)
		}
		var d struct{ Code string }
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatal(err)
		}
		if taken[d.Code] || seen[d.Code] {
			t.Fatalf("intake %d got code %s: taken before or given twice", i, d.Code)
		}
		seen[d.Code] = true
	}
	after, _ := app.CountRecords(base.ColDossiers)
	if after-before != 20 {
		t.Errorf("%d dossiers saved, want 20", after-before)
	}
	// The sequence ends past every number handed out or skipped: 20 new
	// codes and 5 taken numbers among 1–25.
	var last int
	if err := app.DB().Select("last").From(base.ColDossierSequence).
		Where(dbx.HashExp{"day": day, "range_from": domain.CentreRange.From}).Row(&last); err != nil || last != 25 {
		t.Errorf("sequence at %d (%v), want 25", last, err)
	}
	for n := 1; n <= 25; n++ {
		code := domain.FormatCode(office.AgencyCode(), day, n)
		if !taken[code] && !seen[code] {
			t.Errorf("number %d neither taken nor handed out", n)
		}
	}
}

// TestAllocateCodeSkipsToExhaustion: when every remaining number of a range is
// taken, allocation ends with the keyed "range used up", not a loop or a
// UNIQUE error, and nothing is saved.
func TestAllocateCodeSkipsToExhaustion(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	proc := testkit.ProcByCode(t, app, "1.001193")
	day := time.Now()
	for n := 9990; n <= 9999; n++ {
		testkit.MkDossier(t, app, map[string]any{"code": domain.FormatCode("000.00.07.H60", domain.CodeDay(day), n), "procedure": proc.Id})
	}
	var code string
	var err error
	_ = app.RunInTransaction(func(tx core.App) error {
		code, err = domain.AllocateCodeTx(tx, "000.00.07.H60", day, 9990, 9999)
		return nil
	})
	if err == nil || apiKey(err) != "error.code_range_exhausted" {
		t.Errorf("all taken: %q %v, want error.code_range_exhausted", code, err)
	}
}

func postJSON(t *testing.T, url, token, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// postMultipartIntake sends an intake the way the page sends one with scans:
// multipart, which PocketBase's record create takes (onIntake).
func postMultipartIntake(t *testing.T, srv, token, jsonBody string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("@jsonPayload", jsonBody); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv+testkit.DossiersURL, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(fmt.Errorf("multipart intake: %w", err))
	}
	return res
}

// apiKey is the message key of a keyed API error ("" for any other error).
func apiKey(err error) string {
	var ae *router.ApiError
	if errors.As(err, &ae) && ae.Data != nil {
		k, _ := ae.Data["key"].(string)
		return k
	}
	return ""
}

// BenchmarkCodeStatement compares the code allocation's statement as it was
// (a bare UPSERT … RETURNING) with today's (the same UPSERT that also probes
// the code index, and the loop around it), both prepared as the intake fast
// path runs them, on the same app, inside one write transaction, with 20,000
// dossiers in the table, so that only the statement differs:
//
//	go test ./hooks/intake -run X -bench CodeStatement -count 5
func BenchmarkCodeStatement(b *testing.B) {
	app := newTestApp(b)
	proc := testkit.ProcByCode(b, app, "1.001193")
	day := time.Now()
	err := app.RunInTransaction(func(tx core.App) error {
		for n := 0; n < 20000; n++ {
			_, err := tx.DB().Insert(base.ColDossiers, dbx.Params{"id": fmt.Sprintf("bench%010d", n), "procedure": proc.Id,
				"code": domain.FormatCode("000.00.07.H60", domain.CodeDay(day.AddDate(0, 0, -n%30)), 5000+n/30), "applicant_name": "x"}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	old, err := sqlitex.PrepareWrite(app, `INSERT INTO "dossier_sequences" ("id", "day", "range_from", "last") VALUES (?, ?, ?, ?)
	ON CONFLICT ("day", "range_from") DO UPDATE SET "last" = "last" + 1 RETURNING "last"`)
	if err != nil {
		b.Fatal(err)
	}
	now, err := domain.PrepareCodeUpsert(app)
	if err != nil {
		b.Fatal(err)
	}
	errRollBack := errors.New("roll back")
	run := func(b *testing.B, next func(w sqlitex.Writer) error) {
		err := sqlitex.InGroupCommit(context.Background(), app, func(w sqlitex.Writer) error {
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := next(w); err != nil {
					return err
				}
			}
			b.StopTimer()
			return errRollBack
		})
		if !errors.Is(err, errRollBack) {
			b.Fatal(err)
		}
	}
	for round := 0; round < 3; round++ {
		b.Run("before", func(b *testing.B) {
			run(b, func(w sqlitex.Writer) error {
				var last int
				return w.QueryRow(old, core.GenerateDefaultRandomId(), domain.CodeDay(day), 1, 1).Scan(&last)
			})
		})
		b.Run("after", func(b *testing.B) {
			run(b, func(w sqlitex.Writer) error {
				_, err := domain.AllocateCode(w, now, "000.00.07.H60", day, 1, 9999)
				return err
			})
		})
	}
}
