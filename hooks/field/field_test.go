package field

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// fieldSite is a team laptop in a test: a field app set up from a kit, its
// HTTP handler and a member's token.
type fieldSite struct {
	app    *tests.TestApp
	mux    http.Handler
	kit    *fieldbundle.Kit
	token  string
	member *core.Record
}

// newFieldSite issues a kit at the centre for the given members and sets a
// fresh field app up from the kit file, as "motcua field new" and "motcua
// field init" do, then sets the school site of the day through the route.
func newFieldSite(t testing.TB, centre core.App, team string, members []string, site string) *fieldSite {
	t.Helper()
	kit, err := createKit(centre, team, members, nil)
	if err != nil {
		t.Fatalf("create kit: %v", err)
	}
	data, code, err := buildKitFile(centre, kit)
	if err != nil {
		t.Fatalf("kit file: %v", err)
	}
	k := openKitFile(t, data, code)
	app := newTestApp(t)
	t.Cleanup(app.Cleanup)
	if err := initFieldData(app, k); err != nil {
		t.Fatalf("field init: %v", err)
	}
	fs := &fieldSite{app: app, mux: testkit.NewMux(t, app), kit: k}
	var ids []string
	_ = kit.UnmarshalJSONField("members", &ids)
	fs.member, err = app.FindRecordById(base.ColStaff, ids[0])
	if err != nil {
		t.Fatalf("member on the laptop: %v", err)
	}
	fs.token, err = fs.member.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	if site != "" {
		res := testkit.Do(fs.mux, http.MethodPost, "/api/motcua/field/location", fs.token, `{"location":"`+site+`"}`)
		if res.Code != http.StatusOK {
			t.Fatalf("set location: %d %s", res.Code, res.Body.String())
		}
	}
	return fs
}

// takeIn takes n dossiers in on the laptop through the real intake route.
func (fs *fieldSite) takeIn(t testing.TB, n int) []string {
	t.Helper()
	proc := testkit.ProcByCode(t, fs.app, "1.001193")
	var ids []string
	for i := 0; i < n; i++ {
		res := testkit.Do(fs.mux, http.MethodPost, testkit.DossiersURL, fs.token, testkit.IntakeBody(proc.Id, map[string]any{"applicant_name": fmt.Sprintf("Thạch Thị Sa Ry %d", i)}))
		if res.Code != http.StatusOK {
			t.Fatalf("field intake %d: %d %s", i, res.Code, res.Body.String())
		}
		var rec struct{ ID string }
		_ = json.Unmarshal(res.Body.Bytes(), &rec)
		ids = append(ids, rec.ID)
	}
	return ids
}

// states counts the laptop's dossiers per sync state.
func (fs *fieldSite) states(t testing.TB) map[string]int {
	t.Helper()
	c, err := syncCounts(fs.app)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dossierIDs lists the ids of every dossier of app, sorted.
func dossierIDs(t testing.TB, app core.App) []string {
	t.Helper()
	var ids []string
	if err := app.DB().Select("id").From(base.ColDossiers).OrderBy("id").Column(&ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

func countOf(t testing.TB, app core.App, col string) int {
	t.Helper()
	n, err := app.CountRecords(col)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// newCentre is a centre app with a leader and two mobile-team accounts.
func newCentre(t testing.TB) (*tests.TestApp, testkit.Staff) {
	t.Helper()
	app := newTestApp(t)
	t.Cleanup(app.Cleanup)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "centre.leader")
	testkit.MakeStaff(t, app, base.RoleField, "son.my")
	testkit.MakeStaff(t, app, base.RoleField, "lam.soc")
	return app, leader
}

func keyOf(err error) string {
	var ae *router.ApiError
	if errors.As(err, &ae) && ae.Data != nil {
		k, _ := ae.Data["key"].(string)
		return k
	}
	return fieldbundle.KeyOf(err)
}

// TestFieldRoundTrip runs a centre and a team laptop on two temp folders in one
// process: kit, init, offline intake, export, a changed byte and a cut file
// (refused, nothing written), import, re-import (no change), the centre's
// acknowledgement taken back, a conflict kept apart, and scans carried.
func TestFieldRoundTrip(t *testing.T) {
	t.Parallel()
	centre, _ := newCentre(t)
	fs := newFieldSite(t, centre, "Tổ 1 Mỹ Hương", nil, "Điểm trường Tân Hòa")
	if len(fs.kit.Staff) != 2 || fs.kit.RangeFrom != 5000 || fs.kit.RangeTo != 5999 {
		t.Fatalf("kit: %d members, range %d–%d", len(fs.kit.Staff), fs.kit.RangeFrom, fs.kit.RangeTo)
	}
	// The member signs in on the laptop with the password set at the centre.
	res := testkit.Do(fs.mux, http.MethodPost, "/api/collections/staff/auth-with-password", "",
		`{"identity":"`+fs.member.GetString("username")+`","password":"correct horse 1"}`)
	if res.Code != http.StatusOK {
		t.Fatalf("sign-in on the laptop: %d %s", res.Code, res.Body.String())
	}
	// A token of the centre is no good on the laptop.
	centreMember, _ := centre.FindRecordById(base.ColStaff, fs.member.Id)
	centreToken, _ := centreMember.NewAuthToken()
	if res := testkit.Do(fs.mux, http.MethodPost, testkit.DossiersURL, centreToken, "{}"); res.Code != http.StatusUnauthorized {
		t.Errorf("centre token on the laptop: %d, want 401", res.Code)
	}

	ids := fs.takeIn(t, 40)
	office, _ := domain.FindOffice(fs.app)
	centreOffice, _ := domain.FindOffice(centre)
	if office.Id != centreOffice.Id || office.PublicURL() != centreOffice.PublicURL() {
		t.Errorf("laptop office %s %s, centre %s %s", office.Id, office.PublicURL(), centreOffice.Id, centreOffice.PublicURL())
	}
	for i, id := range ids {
		d, err := domain.FindDossier(fs.app, id)
		if err != nil {
			t.Fatal(err)
		}
		want := domain.FormatCode(office.AgencyCode(), domain.CodeDay(d.ReceivedAt()), 5000+i)
		if d.Code() != want || d.GetString("station") != "Tổ 1 Mỹ Hương" || d.GetString("location") != "Điểm trường Tân Hòa" ||
			!d.GetBool("mobile") || d.GetString("sync_state") != domain.SyncPending || d.GetString("field_kit") != fs.kit.KitID {
			t.Fatalf("field dossier %d: code %s (want %s) station %q location %q mobile %v sync %q",
				i, d.Code(), want, d.GetString("station"), d.GetString("location"), d.GetBool("mobile"), d.GetString("sync_state"))
		}
	}
	// A scan travels with its dossier.
	scanned, _ := fs.app.FindRecordById(base.ColDossiers, ids[3])
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	f, _ := filesystem.NewFileFromBytes(pdf, "giay-khai-sinh.pdf")
	scanned.Set("scans", []any{f})
	if err := fs.app.Save(scanned); err != nil {
		t.Fatalf("scan: %v", err)
	}

	dir := t.TempDir()
	rep, err := exportBundleFile(fs.app, dir, nil)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if s := fs.states(t); s[domain.SyncSent] != 40 || s[domain.SyncPending] != 0 {
		t.Errorf("after export: %v", s)
	}
	bundle, err := os.ReadFile(rep.File)
	if err != nil {
		t.Fatal(err)
	}

	// One byte changed, a cut file, and a bundle from another kit of another
	// centre are refused whole: nothing is written.
	changed := bytes.Clone(bundle)
	changed[len(changed)/2] ^= 0x20
	_, _, err = importBytes(centre, changed)
	if k := keyOf(err); k != fieldbundle.KeySignature && k != fieldbundle.KeyDamaged {
		t.Errorf("changed byte: %v", err)
	}
	if _, _, err := importBytes(centre, bundle[:len(bundle)-7]); keyOf(err) != fieldbundle.KeyDamaged {
		t.Errorf("cut file: %v", err)
	}
	if n := countOf(t, centre, base.ColDossiers) + countOf(t, centre, base.ColDossierEvents); n != 0 {
		t.Fatalf("refused bundles wrote %d records", n)
	}

	// Import: every dossier is new, with the laptop's ids, codes, keys, field
	// times and officers.
	var progress []int
	rep, ack, err := importBundle(context.Background(), centre, bytes.NewReader(bundle), func(done, total int) { progress = append(progress, done) })
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if rep.Counts["new"] != 40 || len(rep.Results) != 40 || len(progress) != 1 || progress[0] != 40 {
		t.Fatalf("import: %v, progress %v", rep.Counts, len(progress))
	}
	if got, want := dossierIDs(t, centre), dossierIDs(t, fs.app); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("centre holds %d dossiers, laptop %d", len(got), len(want))
	}
	for _, id := range ids {
		fd, _ := domain.FindDossier(fs.app, id)
		cd, err := domain.FindDossier(centre, id)
		if err != nil {
			t.Fatal(err)
		}
		if cd.Code() != fd.Code() || cd.LookupKey() != fd.LookupKey() || !cd.ReceivedAt().Equal(fd.ReceivedAt()) ||
			cd.GetString("received_by") != fs.member.Id || cd.GetString("location") != "Điểm trường Tân Hòa" ||
			cd.GetString("field_kit") != fs.kit.KitID || cd.GetString("sync_state") != "" || cd.GetString("search") == "" {
			t.Fatalf("centre copy of %s differs: %v", id, cd.PublicExport())
		}
		fe, _ := domain.FindDossierEvents(fs.app, id)
		ce, _ := domain.FindDossierEvents(centre, id)
		if len(fe) != 1 || len(ce) != 1 || ce[0].Id != fe[0].Id || !ce[0].GetDateTime("at").Time().Equal(fe[0].GetDateTime("at").Time()) ||
			ce[0].GetString("actor") != fs.member.Id {
			t.Fatalf("events of %s: laptop %d, centre %d", id, len(fe), len(ce))
		}
	}
	cs, _ := centre.FindRecordById(base.ColDossiers, ids[3])
	if names := cs.GetStringSlice("scans"); len(names) != 1 {
		t.Errorf("scan at the centre: %v", names)
	} else {
		cfs, _ := centre.NewFilesystem()
		rd, err := cfs.GetReader(cs.BaseFilesPath() + "/" + names[0])
		if err != nil {
			t.Fatalf("scan file at the centre: %v", err)
		}
		got, _ := io.ReadAll(rd)
		rd.Close()
		cfs.Close()
		if !bytes.Equal(got, pdf) {
			t.Errorf("scan bytes differ")
		}
	}
	kit, _ := domain.FindIssuedKit(centre, fs.kit.KitID)
	if kit.GetInt("synced") != 40 || kit.GetDateTime("last_sync_at").IsZero() {
		t.Errorf("kit after import: synced %d", kit.GetInt("synced"))
	}

	// Re-import: nothing changes.
	var updated string
	_ = centre.DB().Select("MAX(updated)").From(base.ColDossiers).Row(&updated)
	rep, _, err = importBytes(centre, bundle)
	if err != nil || rep.Counts["exists"] != 40 || rep.Counts["new"] != 0 {
		t.Fatalf("re-import: %v %v", rep.Counts, err)
	}
	var updated2 string
	_ = centre.DB().Select("MAX(updated)").From(base.ColDossiers).Row(&updated2)
	if n := countOf(t, centre, base.ColDossiers); n != 40 || updated2 != updated || countOf(t, centre, base.ColDossierEvents) != 40 {
		t.Errorf("re-import changed the centre: %d dossiers, updated %s→%s", n, updated, updated2)
	}

	// The acknowledgement, carried back, confirms every dossier on the laptop.
	if _, err := confirmFromAck(fs.app, ack); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if s := fs.states(t); s[domain.SyncConfirmed] != 40 {
		t.Errorf("after confirm: %v", s)
	}
	// A changed acknowledgement is refused and changes nothing.
	badAck := bytes.Clone(ack)
	badAck[len(badAck)-3] ^= 1
	if _, err := confirmFromAck(fs.app, badAck); err == nil {
		t.Errorf("changed acknowledgement accepted")
	}

	// The centre's workflow moves a dossier on; the same dossier sent again is
	// still "already there", not a conflict.
	moved, _ := centre.FindRecordById(base.ColDossiers, ids[0])
	moved.Set("status", domain.StatusProcessing)
	if err := centre.Save(moved); err != nil {
		t.Fatal(err)
	}
	// A dossier edited on the laptop after it was sent is a conflict, and the
	// centre's copy is kept.
	edited, _ := fs.app.FindRecordById(base.ColDossiers, ids[1])
	edited.Set("applicant_name", "Tên đã sửa")
	if err := fs.app.Save(edited); err != nil {
		t.Fatal(err)
	}
	srv := testkit.StartServer(t, centre)
	rep, err = pushToCentre(context.Background(), fs.app, http.DefaultClient, srv, []string{ids[0], ids[1]}, nil)
	if err != nil {
		t.Fatalf("push only: %v", err)
	}
	outcome := map[string]string{}
	for _, r := range rep.Results {
		outcome[r.ID] = r.Outcome
	}
	if outcome[ids[0]] != "exists" || outcome[ids[1]] != "conflict" {
		t.Errorf("retry of two: %v", outcome)
	}
	if cd, _ := domain.FindDossier(centre, ids[1]); cd.GetString("applicant_name") == "Tên đã sửa" {
		t.Errorf("a conflict overwrote the centre's copy")
	}
	if d, _ := domain.FindDossier(fs.app, ids[1]); d.GetString("sync_state") != domain.SyncConflict {
		t.Errorf("laptop state of the conflict: %q", d.GetString("sync_state"))
	}
	if d, _ := domain.FindDossier(centre, ids[0]); d.Status() != domain.StatusProcessing {
		t.Errorf("re-send changed the centre's status to %q", d.Status())
	}
}

// cutTransport lets `ok` requests through, then fails: before sending
// (dropAfterSend false) or after the centre has answered (the answer is lost).
type cutTransport struct {
	ok            int32
	n             atomic.Int32
	dropAfterSend bool
}

func (c *cutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if c.n.Add(1) > c.ok {
		if c.dropAfterSend {
			res, err := http.DefaultTransport.RoundTrip(req)
			if err == nil {
				res.Body.Close()
			}
		}
		return nil, errors.New("cable pulled")
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestFieldPushResumes: a push cut after two batches, then one whose answer is
// lost after the centre wrote the batch, then a full run: the centre ends with
// exactly the laptop's dossiers, each once, and the laptop has them all
// confirmed. A tampered push is refused with nothing written.
func TestFieldPushResumes(t *testing.T) {
	old := pushBatchSize
	pushBatchSize = 7
	defer func() { pushBatchSize = old }()
	centre, _ := newCentre(t)
	fs := newFieldSite(t, centre, "Tổ 2", []string{"lam.soc"}, "Điểm trường Mỹ Thuận")
	if len(fs.kit.Staff) != 1 {
		t.Fatalf("--members: %d accounts in the kit", len(fs.kit.Staff))
	}
	fs.takeIn(t, 40)
	cmux := testkit.NewMux(t, centre)
	srv := serveMux(t, cmux)

	rep, err := pushToCentre(context.Background(), fs.app, &http.Client{Transport: &cutTransport{ok: 2}}, srv, nil, nil)
	if keyOf(err) != "error.field_centre_unreachable" || rep.Counts["new"] != 14 {
		t.Fatalf("cut push: %v, %v", err, rep.Counts)
	}
	if n := countOf(t, centre, base.ColDossiers); n != 14 {
		t.Fatalf("centre after the cut: %d", n)
	}
	s := fs.states(t)
	if s[domain.SyncConfirmed] != 14 || s[domain.SyncSent] != 7 || s[domain.SyncPending] != 19 {
		t.Errorf("laptop after the cut: %v", s)
	}
	// The next batch reaches the centre but its answer is lost.
	_, err = pushToCentre(context.Background(), fs.app, &http.Client{Transport: &cutTransport{ok: 0, dropAfterSend: true}}, srv, nil, nil)
	if keyOf(err) != "error.field_centre_unreachable" {
		t.Fatalf("lost answer: %v", err)
	}
	if n := countOf(t, centre, base.ColDossiers); n != 21 {
		t.Fatalf("centre after the lost answer: %d", n)
	}
	var progress []string
	rep, err = pushToCentre(context.Background(), fs.app, http.DefaultClient, srv, nil, func(done, total int) {
		progress = append(progress, fmt.Sprintf("%d/%d", done, total))
	})
	if err != nil {
		t.Fatalf("resumed push: %v", err)
	}
	if rep.Counts["new"] != 19 || rep.Counts["exists"] != 7 || progress[len(progress)-1] != "26/26" {
		t.Errorf("resumed push: %v %v", rep.Counts, progress)
	}
	if got, want := dossierIDs(t, centre), dossierIDs(t, fs.app); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("centre %d dossiers, laptop %d", len(got), len(want))
	}
	if countOf(t, centre, base.ColDossierEvents) != 40 {
		t.Errorf("centre events: %d", countOf(t, centre, base.ColDossierEvents))
	}
	if s := fs.states(t); s[domain.SyncConfirmed] != 40 {
		t.Errorf("laptop at the end: %v", s)
	}
	// Nothing left to send: a further push is empty.
	if rep, err := pushToCentre(context.Background(), fs.app, http.DefaultClient, srv, nil, nil); err != nil || len(rep.Results) != 0 {
		t.Errorf("push with nothing left: %v %v", rep, err)
	}

	// The sync route needs no token but a valid signature: a tampered batch is
	// refused whole and nothing is written.
	more := fs.takeIn(t, 2)
	kit, _ := domain.FindLocalKit(fs.app)
	recs, _ := outgoingDossiers(fs.app, more)
	body := sealRecords(t, fs.app, kit, recs)
	body[len(body)-10] ^= 1
	res := doBundle(cmux, "/api/motcua/field/sync", "", bundleContentType, body)
	if res.Code != http.StatusForbidden && res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "error.field_file") {
		t.Errorf("tampered push: %d %s", res.Code, res.Body.String())
	}
	if n := countOf(t, centre, base.ColDossiers); n != 40 {
		t.Errorf("tampered push wrote: %d dossiers", n)
	}
}

// TestFieldForeignAndRanges: a bundle from a kit of another centre is refused
// whole; two kits' codes never collide with each other or the centre's; kits
// run out of ranges with a keyed message; a laptop whose range is used up
// stops intake without reusing a code.
func TestFieldForeignAndRanges(t *testing.T) {
	t.Parallel()
	centre, leader := newCentre(t)
	other, _ := newCentre(t)
	stranger := newFieldSite(t, other, "Tổ xã khác", nil, "Điểm trường X")
	stranger.takeIn(t, 2)
	data, _, err := exportBundleBytes(stranger.app, mustLocalKit(t, stranger.app))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := importBytes(centre, data); keyOf(err) != "error.field_kit_unknown" {
		t.Errorf("foreign bundle: %v", err)
	}
	if n := countOf(t, centre, base.ColDossiers); n != 0 {
		t.Fatalf("foreign bundle wrote %d dossiers", n)
	}

	a := newFieldSite(t, centre, "Tổ A", []string{"son.my"}, "Điểm trường A")
	b := newFieldSite(t, centre, "Tổ B", []string{"lam.soc"}, "Điểm trường B")
	if a.kit.RangeTo >= b.kit.RangeFrom || a.kit.RangeFrom <= domain.CentreRange.To {
		t.Fatalf("ranges overlap: A %d–%d, B %d–%d", a.kit.RangeFrom, a.kit.RangeTo, b.kit.RangeFrom, b.kit.RangeTo)
	}
	a.takeIn(t, 5)
	b.takeIn(t, 5)
	reception := testkit.MakeStaff(t, centre, base.RoleReception, "centre.reception")
	cmux := testkit.NewMux(t, centre)
	proc := testkit.ProcByCode(t, centre, "1.001193")
	for i := 0; i < 5; i++ {
		if res := testkit.Do(cmux, http.MethodPost, testkit.DossiersURL, reception.Token, testkit.IntakeBody(proc.Id, nil)); res.Code != http.StatusOK {
			t.Fatalf("centre intake: %d %s", res.Code, res.Body.String())
		}
	}
	for _, fs := range []*fieldSite{a, b} {
		data, _, err := exportBundleBytes(fs.app, mustLocalKit(t, fs.app))
		if err != nil {
			t.Fatal(err)
		}
		rep, _, err := importBytes(centre, data)
		if err != nil || rep.Counts["new"] != 5 {
			t.Fatalf("import %s: %v %v", fs.kit.Name, rep, err)
		}
	}
	var codes []string
	_ = centre.DB().Select("code").From(base.ColDossiers).Column(&codes)
	sort.Strings(codes)
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] {
			t.Errorf("code %s twice", c)
		}
		seen[c] = true
	}
	if len(codes) != 15 {
		t.Errorf("centre holds %d codes, want 15", len(codes))
	}

	// Kits from the leader's page: three more fill every block, the next is refused.
	mux := cmux
	for i := 0; i < 3; i++ {
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/field/kits", leader.Token, fmt.Sprintf(`{"name":"Tổ %d"}`, i+3))
		if res.Code != http.StatusOK {
			t.Fatalf("kit %d: %d %s", i+3, res.Code, res.Body.String())
		}
		if strings.Contains(res.Body.String(), "secret") {
			t.Errorf("kit view shows the secret")
		}
	}
	res := testkit.Do(mux, http.MethodPost, "/api/motcua/field/kits", leader.Token, `{"name":"Tổ 6"}`)
	if res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "error.field_ranges_exhausted") {
		t.Fatalf("sixth kit: %d %s", res.Code, res.Body.String())
	}
	// Retiring frees a block, but not for today.
	aKit, _ := domain.FindIssuedKit(centre, a.kit.KitID)
	if res := testkit.Do(mux, http.MethodPost, "/api/motcua/field/kits/"+aKit.Id+"/retire", leader.Token, ""); res.Code != http.StatusOK {
		t.Fatalf("retire: %d %s", res.Code, res.Body.String())
	}
	if _, err := createKit(centre, "Tổ 6", nil, nil); keyOf(err) != "error.field_ranges_exhausted" {
		t.Errorf("block retired today handed out again today: %v", err)
	}
	aKit, _ = domain.FindKit(centre, a.kit.KitID)
	aKit.Set("retired_at", time.Now().Add(-48*time.Hour))
	if err := centre.Save(aKit.Record); err != nil {
		t.Fatal(err)
	}
	k6, err := createKit(centre, "Tổ 6", nil, nil)
	if err != nil || k6.Range().From != a.kit.RangeFrom {
		t.Errorf("after retirement: %v %v", k6, err)
	}
	// A retired kit is cut off: its bundle is refused whole, nothing written.
	a.takeIn(t, 1)
	data, _, _ = exportBundleBytes(a.app, mustLocalKit(t, a.app))
	before := countOf(t, centre, base.ColDossiers)
	if _, _, err := importBytes(centre, data); keyOf(err) != "error.field_kit_cut_off" {
		t.Errorf("bundle of a retired kit: %v", err)
	}
	if countOf(t, centre, base.ColDossiers) != before {
		t.Errorf("a retired kit's bundle wrote dossiers")
	}

	// The laptop's range used up: intake stops with a keyed message.
	today := domain.CodeDay(time.Now())
	if _, err := b.app.DB().Update(base.ColDossierSequence, dbx.Params{"last": b.kit.RangeTo},
		dbx.HashExp{"day": today, "range_from": b.kit.RangeFrom}).Execute(); err != nil {
		t.Fatal(err)
	}
	before = countOf(t, b.app, base.ColDossiers)
	res = testkit.Do(b.mux, http.MethodPost, testkit.DossiersURL, b.token, testkit.IntakeBody(testkit.ProcByCode(t, b.app, "1.001193").Id, nil))
	if res.Code != http.StatusConflict || testkit.DecodeErr(t, res).Data["key"] != "error.code_range_exhausted" {
		t.Errorf("exhausted range: %d %s", res.Code, res.Body.String())
	}
	if countOf(t, b.app, base.ColDossiers) != before {
		t.Errorf("a dossier was saved past the range")
	}
}

func mustLocalKit(t testing.TB, app core.App) *domain.FieldKit {
	t.Helper()
	k, err := domain.FindLocalKit(app)
	if err != nil || k == nil {
		t.Fatalf("local kit: %v", err)
	}
	return k
}

// TestFieldModeGuards: the school site must be set before intake; centre-only
// and laptop-only actions are refused on the wrong side; the status route
// tells the banner the mode.
func TestFieldModeGuards(t *testing.T) {
	t.Parallel()
	centre, leader := newCentre(t)
	fs := newFieldSite(t, centre, "Tổ 1", nil, "")
	res := testkit.Do(fs.mux, http.MethodPost, testkit.DossiersURL, fs.token, testkit.IntakeBody(testkit.ProcByCode(t, fs.app, "1.001193").Id, nil))
	if res.Code != http.StatusConflict || testkit.DecodeErr(t, res).Data["key"] != "error.field_location_missing" {
		t.Errorf("intake without a site: %d %s", res.Code, res.Body.String())
	}
	if res := testkit.Do(fs.mux, http.MethodPost, "/api/motcua/field/location", fs.token, `{"location":"  "}`); res.Code != http.StatusBadRequest {
		t.Errorf("blank site: %d", res.Code)
	}
	res = testkit.Do(fs.mux, http.MethodGet, "/api/motcua/field/status", "", "")
	var st fieldStatus
	_ = json.Unmarshal(res.Body.Bytes(), &st)
	if st.Mode != "field" || st.Team != "Tổ 1" || st.Counts != nil {
		t.Errorf("laptop status (guest): %+v", st)
	}
	cmux := testkit.NewMux(t, centre)
	res = testkit.Do(cmux, http.MethodGet, "/api/motcua/field/status", leader.Token, "")
	_ = json.Unmarshal(res.Body.Bytes(), &st)
	if st.Mode != "centre" {
		t.Errorf("centre status: %+v", st)
	}
	if err := initFieldData(fs.app, fs.kit); keyOf(err) != "error.field_already_initialised" {
		t.Errorf("second init: %v", err)
	}
	if _, err := createKit(fs.app, "X", nil, nil); keyOf(err) != "error.field_centre_only" {
		t.Errorf("kit made on a laptop: %v", err)
	}
	if res := testkit.Do(cmux, http.MethodPost, "/api/motcua/field/push", leader.Token, `{"to":"http://127.0.0.1:1"}`); res.Code != http.StatusConflict {
		t.Errorf("push at the centre: %d", res.Code)
	}
	reception := testkit.MakeStaff(t, centre, base.RoleReception, "kit.reception")
	if res := testkit.Do(cmux, http.MethodPost, "/api/motcua/field/kits", reception.Token, `{"name":"X"}`); res.Code != http.StatusForbidden {
		t.Errorf("kit by reception: %d", res.Code)
	}
	if res := testkit.Do(cmux, http.MethodPost, "/api/motcua/field/import", reception.Token, "x"); res.Code != http.StatusForbidden {
		t.Errorf("import by reception: %d", res.Code)
	}
	// A kit file for a leader only, with the secret and hashes but no token key.
	kits, _ := centre.FindRecordsByFilter(base.ColFieldKits, "", "", 1, 0)
	res = testkit.Do(cmux, http.MethodGet, "/api/motcua/field/kits/"+kits[0].Id+"/file", leader.Token, "")
	if res.Code != http.StatusOK {
		t.Fatalf("kit file: %d", res.Code)
	}
	// Sealed: the file shows neither the secret nor a hash; the code in the
	// answer's header opens it, and the kit inside carries the centre's
	// recipient, never its private key.
	code := res.Header().Get(kitCodeHeader)
	if _, err := fieldbundle.ParseKitCode(code); err != nil {
		t.Fatalf("kit code header %q: %v", code, err)
	}
	if body := res.Body.String(); strings.Contains(body, kits[0].GetString("secret")) || strings.Contains(body, "$2a$") {
		t.Errorf("the kit file shows the secret or a password hash")
	}
	k := openKitFile(t, res.Body.Bytes(), code)
	office, _ := domain.FindOffice(centre)
	if k.Secret != kits[0].GetString("secret") || k.CentreRecipient == "" || k.CentreRecipient != office.GetString("field_recipient") {
		t.Errorf("kit: secret ok %v, recipient %q", k.Secret == kits[0].GetString("secret"), k.CentreRecipient)
	}
	if raw, _ := json.Marshal(k); strings.Contains(string(raw), "AGE-SECRET-KEY") || strings.Contains(string(raw), "tokenKey") ||
		strings.Contains(string(raw), "field_identity") {
		t.Errorf("the kit carries the centre's private key or a token key")
	}
	// A second download has a code of its own, and the first code does not open it.
	res2 := testkit.Do(cmux, http.MethodGet, "/api/motcua/field/kits/"+kits[0].Id+"/file", leader.Token, "")
	if code2 := res2.Header().Get(kitCodeHeader); code2 == code {
		t.Errorf("two downloads share the code %s", code)
	}
	if _, _, err := fieldbundle.OpenKit(res2.Body.Bytes(), code); fieldbundle.KeyOf(err) != fieldbundle.KeyCode {
		t.Errorf("the first code opened the second file: %v", err)
	}
	res = testkit.Do(cmux, http.MethodGet, "/api/collections/field_kits/records", leader.Token, "")
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), kits[0].Id) || strings.Contains(res.Body.String(), kits[0].GetString("secret")) {
		t.Errorf("leader's list of kits must show the kit without its secret: %d", res.Code)
	}
	if hash, _ := k.Staff[0]["password"].(string); !strings.HasPrefix(hash, "$2") {
		t.Errorf("kit carries %q, want a bcrypt hash", hash)
	}
	if res := testkit.Do(cmux, http.MethodGet, "/api/motcua/field/kits/"+kits[0].Id+"/file", reception.Token, ""); res.Code != http.StatusForbidden {
		t.Errorf("kit file for reception: %d", res.Code)
	}
}

// serveMux serves an already built handler over real loopback HTTP.
func serveMux(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFieldImportOneBad: a dossier the centre cannot write (its procedure is
// unknown there) is reported failed, the rest of its batch is still taken,
// and sending it again after the cause is fixed takes it in.
func TestFieldImportOneBad(t *testing.T) {
	t.Parallel()
	centre, _ := newCentre(t)
	fs := newFieldSite(t, centre, "Tổ 1", nil, "Điểm trường A")
	ids := fs.takeIn(t, 5)
	kit := mustLocalKit(t, fs.app)
	secret, _ := kit.Secret()
	fsys, _ := fs.app.NewFilesystem()
	defer fsys.Close()
	b := fieldbundle.Bundle{Format: fieldbundle.Version, KitID: kit.Id, CentreID: kit.GetString("centre_id")}
	for _, id := range ids {
		r, _ := fs.app.FindRecordById(base.ColDossiers, id)
		d, err := exportDossier(fs.app, fsys, r)
		if err != nil {
			t.Fatal(err)
		}
		b.Dossiers = append(b.Dossiers, d)
	}
	b.Dossiers[2].Fields["procedure"] = "nosuchprocedur"
	data, _ := fieldbundle.SealJSON(fieldbundle.KindBundle, kit.Id, secret, b)
	rep, _, err := importBytes(centre, data)
	if err != nil || rep.Counts["new"] != 4 || rep.Counts["failed"] != 1 || rep.Results[2].Outcome != "failed" ||
		rep.Results[2].Key != "error.procedure_not_found" || rep.Results[2].Field != "procedure" {
		t.Fatalf("one bad dossier: %+v %v", rep, err)
	}
	if _, err := centre.FindRecordById(base.ColDossiers, ids[2]); err == nil {
		t.Errorf("the bad dossier was written")
	}
	if n := countOf(t, centre, base.ColDossierEvents); n != 4 {
		t.Errorf("events: %d, want 4", n)
	}
	// Sent again as it is on the laptop, it goes in.
	srv := serveMux(t, testkit.NewMux(t, centre))
	rep, err = pushToCentre(context.Background(), fs.app, http.DefaultClient, srv, []string{ids[2]}, nil)
	if err != nil || rep.Counts["new"] != 1 {
		t.Errorf("retry of the failed one: %v %v", rep, err)
	}
}

// TestFieldSiteChangeReachesIntake: the school site of the day, changed on the
// laptop in the middle of the day, is the location of the next dossier (the
// change goes through the record hooks, which drop intake's cached issuer).
func TestFieldSiteChangeReachesIntake(t *testing.T) {
	t.Parallel()
	centre, _ := newCentre(t)
	fs := newFieldSite(t, centre, "Tổ 2 Mỹ Hương", nil, "Điểm trường Tân Hòa")
	locationOf := func(id string) string {
		d, err := domain.FindDossier(fs.app, id)
		if err != nil {
			t.Fatal(err)
		}
		return d.GetString("location")
	}
	first := fs.takeIn(t, 1)
	if res := testkit.Do(fs.mux, http.MethodPost, "/api/motcua/field/location", fs.token, `{"location":"Điểm trường Phú Lợi"}`); res.Code != http.StatusOK {
		t.Fatalf("change site: %d %s", res.Code, res.Body)
	}
	second := fs.takeIn(t, 1)
	if a, b := locationOf(first[0]), locationOf(second[0]); a != "Điểm trường Tân Hòa" || b != "Điểm trường Phú Lợi" {
		t.Errorf("locations %q then %q, want the site of the day at each intake", a, b)
	}
}
