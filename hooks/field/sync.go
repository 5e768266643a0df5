package field

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// The return of a team's dossiers to the centre, by network (push) or on a USB
// stick (export, then import at the centre). Both carry the same signed
// bundles and get the same answer, a signed acknowledgement with one result
// per dossier; the laptop marks a dossier confirmed only from that answer.
//
// Guarantees, and what gives each:
//   - Idempotent: a dossier keeps the record id made on the laptop. The centre
//     stores the content hash it arrived with; the same id with the same hash is
//     "exists" (nothing written), with another hash "conflict" (nothing written).
//   - Resumable: the centre commits whole dossiers (with their events and scans)
//     in transactions of up to 100 and the laptop re-sends whatever is not
//     confirmed, so a run cut anywhere and run again ends with exactly the right
//     set.
//   - Authentic: the whole bundle's HMAC is verified with the kit's secret before
//     anything is decoded or written; an unknown kit, a changed byte or a cut
//     file is refused whole.
//   - Nothing lost: the laptop never deletes a dossier; its sync_state says
//     where it stands, and one dossier can be sent again on its own.

// pushBatchSize is how many dossiers go in one pushed batch: small enough that
// a cut costs little, big enough that 1,000 dossiers take ten requests.
var pushBatchSize = 100

// maxBundleBytes bounds an uploaded or pushed bundle (scans included).
const maxBundleBytes = 1 << 30

// Fields a dossier does not carry in a bundle: the laptop's sync bookkeeping,
// the centre's, the search key (rebuilt) and the scans (carried as files).
var dossierLocalFields = []string{"sync_state", "field_kit", "field_hash", "search", "scans"}

// exportDossier turns a laptop dossier into its travelling form.
func exportDossier(app core.App, fsys *filesystem.System, r *core.Record) (fieldbundle.Dossier, error) {
	fields, err := recordData(r, dossierLocalFields...)
	if err != nil {
		return fieldbundle.Dossier{}, err
	}
	delete(fields, "id")
	d := fieldbundle.Dossier{ID: r.Id, Fields: fields}
	events, err := domain.FindDossierEvents(app, r.Id)
	if err != nil {
		return d, err
	}
	for _, ev := range events {
		m, err := recordData(ev)
		if err != nil {
			return d, err
		}
		d.Events = append(d.Events, m)
	}
	for _, name := range r.GetStringSlice("scans") {
		rd, err := fsys.GetReader(r.BaseFilesPath() + "/" + name)
		if err != nil {
			return d, fmt.Errorf("scan %s of %s: %w", name, r.Id, err)
		}
		data, err := io.ReadAll(rd)
		rd.Close()
		if err != nil {
			return d, fmt.Errorf("scan %s of %s: %w", name, r.Id, err)
		}
		d.Files = append(d.Files, fieldbundle.File{Name: name, Data: data})
	}
	return d, nil
}

// outgoingDossiers lists the laptop's dossiers to send: every one the centre has
// not confirmed nor refused as a conflict, oldest first, or exactly the ids in
// only (a retry of one dossier, whatever its state).
func outgoingDossiers(app core.App, only []string) ([]*core.Record, error) {
	if len(only) > 0 {
		var out []*core.Record
		for _, id := range only {
			r, err := app.FindRecordById(base.ColDossiers, id)
			if err != nil {
				return nil, base.KeyedError(http.StatusNotFound, "error.not_found")
			}
			out = append(out, r)
		}
		return out, nil
	}
	recs, err := app.FindRecordsByFilter(base.ColDossiers,
		"sync_state = 'pending' || sync_state = 'sent' || sync_state = 'failed'", "received_at,id", 0, 0)
	if err != nil {
		return nil, fmt.Errorf("outgoing dossiers: %w", err)
	}
	return recs, nil
}

// sealBatch builds and signs one bundle of the given dossiers for the local kit.
func sealBatch(app core.App, kit *domain.FieldKit, recs []*core.Record) ([]byte, error) {
	secret, err := kit.Secret()
	if err != nil {
		return nil, err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, fmt.Errorf("bundle: storage: %w", err)
	}
	defer fsys.Close()
	b := fieldbundle.Bundle{Format: fieldbundle.Version, KitID: kit.Id, CentreID: kit.GetString("centre_id"), CreatedAt: time.Now().UTC()}
	for _, r := range recs {
		d, err := exportDossier(app, fsys, r)
		if err != nil {
			return nil, err
		}
		b.Dossiers = append(b.Dossiers, d)
	}
	return fieldbundle.SealJSON(fieldbundle.KindBundle, kit.Id, secret, b)
}

// setSyncState moves the given dossiers to state, but only those whose state
// is one of from (none given: any). A direct update: no hook must see the
// bookkeeping of sync as a change of the dossier.
func setSyncState(app core.App, ids []string, to string, from ...string) error {
	if len(ids) == 0 {
		return nil
	}
	cond := dbx.In("id", toAny(ids)...)
	if len(from) > 0 {
		cond = dbx.And(cond, dbx.In("sync_state", toAny(from)...))
	}
	if _, err := app.DB().Update(base.ColDossiers, dbx.Params{"sync_state": to}, cond).Execute(); err != nil {
		return fmt.Errorf("sync state %s: %w", to, err)
	}
	return nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// applyAck records the centre's answer on the laptop: new and exists become
// confirmed, conflict and failed are kept as such for the officer to see and
// retry. Results for dossiers not asked about are ignored.
func applyAck(app core.App, ack *fieldbundle.Ack, asked map[string]bool) error {
	by := map[string][]string{}
	for _, r := range ack.Results {
		if asked != nil && !asked[r.ID] {
			continue
		}
		switch r.Outcome {
		case fieldbundle.OutcomeNew, fieldbundle.OutcomeExists:
			by[domain.SyncConfirmed] = append(by[domain.SyncConfirmed], r.ID)
		case fieldbundle.OutcomeConflict:
			by[domain.SyncConflict] = append(by[domain.SyncConflict], r.ID)
		default:
			by[domain.SyncFailed] = append(by[domain.SyncFailed], r.ID)
		}
	}
	return app.RunInTransaction(func(tx core.App) error {
		for state, ids := range by {
			if err := setSyncState(tx, ids, state); err != nil {
				return err
			}
		}
		return nil
	})
}

// syncReport is the outcome of a push, an export or an import.
type syncReport struct {
	Results []fieldbundle.Result `json:"results"`
	Counts  map[string]int       `json:"counts"`
	File    string               `json:"file,omitempty"`
	Ack     string               `json:"ack,omitempty"` // the signed acknowledgement, base64 (import)
}

func (r *syncReport) add(res ...fieldbundle.Result) {
	if r.Counts == nil {
		r.Counts = map[string]int{fieldbundle.OutcomeNew: 0, fieldbundle.OutcomeExists: 0, fieldbundle.OutcomeConflict: 0, fieldbundle.OutcomeFailed: 0}
	}
	for _, x := range res {
		r.Results = append(r.Results, x)
		r.Counts[x.Outcome]++
	}
}

// progressFunc reports done of total dossiers.
type progressFunc func(done, total int)

// pushToCentre sends the laptop's unconfirmed dossiers (or only the ids given)
// to the centre at the centre URL in signed batches, and marks each batch from the
// centre's signed answer. A cut connection stops the run with
// error.field_centre_unreachable; what was confirmed stays confirmed and the
// next run sends the rest again (re-sends are no-ops at the centre).
func pushToCentre(ctx context.Context, app core.App, client *http.Client, centre string, only []string, progress progressFunc) (*syncReport, error) {
	kit, err := domain.FindLocalKit(app)
	if err != nil {
		return nil, err
	}
	if kit == nil {
		return nil, base.KeyedError(http.StatusConflict, "error.field_mode_only")
	}
	secret, err := kit.Secret()
	if err != nil {
		return nil, err
	}
	recs, err := outgoingDossiers(app, only)
	if err != nil {
		return nil, err
	}
	url := strings.TrimRight(centre, "/") + "/api/motcua/field/sync"
	rep := &syncReport{}
	rep.add()
	for start := 0; start < len(recs); start += pushBatchSize {
		batch := recs[start:min(start+pushBatchSize, len(recs))]
		ids := make([]string, len(batch))
		asked := make(map[string]bool, len(batch))
		for i, r := range batch {
			ids[i] = r.Id
			asked[r.Id] = true
		}
		body, err := sealBatch(app, kit, batch)
		if err != nil {
			return rep, err
		}
		// "sent" before the request: if the answer is lost, the officer sees that
		// these may already be at the centre, and the next run asks again.
		if err := setSyncState(app, ids, domain.SyncSent, domain.SyncPending); err != nil {
			return rep, err
		}
		ack, err := postBatch(ctx, client, url, kit.Id, secret, body)
		if err != nil {
			return rep, err
		}
		if err := applyAck(app, ack, asked); err != nil {
			return rep, err
		}
		for _, r := range ack.Results {
			if asked[r.ID] {
				rep.add(r)
			}
		}
		if progress != nil {
			progress(start+len(batch), len(recs))
		}
	}
	return rep, nil
}

// postBatch sends one signed bundle and reads the centre's signed answer.
func postBatch(ctx context.Context, client *http.Client, url, kitID string, secret, body []byte) (*fieldbundle.Ack, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := client.Do(req)
	if err != nil {
		return nil, base.KeyedError(http.StatusBadGateway, "error.field_centre_unreachable")
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, base.KeyedError(http.StatusBadGateway, "error.field_centre_unreachable")
	}
	if res.StatusCode != http.StatusOK {
		var apiErr struct {
			Data struct {
				Key string `json:"key"`
			} `json:"data"`
		}
		if json.Unmarshal(data, &apiErr) == nil && apiErr.Data.Key != "" {
			return nil, base.KeyedError(res.StatusCode, apiErr.Data.Key)
		}
		return nil, base.KeyedError(http.StatusBadGateway, "error.field_centre_unreachable")
	}
	ack, err := fieldbundle.ReadAck(data, kitID, secret)
	if err != nil {
		return nil, fieldKeyedError(err)
	}
	return ack, nil
}

// exportBundleFile writes every unconfirmed dossier of the laptop into one
// signed bundle file in dir (written under a temporary name, synced to disk,
// then renamed, so a pulled USB stick never holds half a bundle under the real
// name) and marks pending dossiers sent.
func exportBundleFile(app core.App, dir string, progress progressFunc) (*syncReport, error) {
	kit, err := domain.FindLocalKit(app)
	if err != nil {
		return nil, err
	}
	if kit == nil {
		return nil, base.KeyedError(http.StatusConflict, "error.field_mode_only")
	}
	data, ids, err := exportBundleBytes(app, kit, progress)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("motcua-%s-%s.mcbundle", asciiSlug(kit.Team()), time.Now().In(base.Zone).Format("20060102-150405"))
	path := filepath.Join(dir, name)
	if err := writeFileSynced(path, data); err != nil {
		return nil, err
	}
	if err := setSyncState(app, ids, domain.SyncSent, domain.SyncPending); err != nil {
		return nil, err
	}
	rep := &syncReport{File: path}
	rep.add()
	return rep, nil
}

// exportBundleBytes seals every unconfirmed dossier of the laptop in one bundle.
func exportBundleBytes(app core.App, kit *domain.FieldKit, progress progressFunc) ([]byte, []string, error) {
	recs, err := outgoingDossiers(app, nil)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	data, err := sealBatch(app, kit, recs)
	if err != nil {
		return nil, nil, err
	}
	if progress != nil {
		progress(len(recs), len(recs))
	}
	return data, ids, nil
}

// writeFileSynced writes data to path through a temporary file, fsync and rename.
func writeFileSynced(path string, data []byte) error {
	tmp := path + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// importBundle takes a team's bundle in at the centre. The whole file is
// verified (kit known to this centre, signature, centre identity) before
// anything is written; then the dossiers are committed in batches (a batch
// with a dossier that cannot be written is redone one dossier at a time).
// It returns the signed acknowledgement and the report.
func importBundle(app core.App, data []byte, progress progressFunc) (*syncReport, []byte, error) {
	if kit, err := domain.FindLocalKit(app); err != nil {
		return nil, nil, err
	} else if kit != nil {
		return nil, nil, base.KeyedError(http.StatusConflict, "error.field_centre_only")
	}
	var kit *domain.FieldKit
	b, err := fieldbundle.ReadBundle(data, func(kitID string) ([]byte, error) {
		k, err := domain.FindIssuedKit(app, kitID)
		if err != nil {
			return nil, base.KeyedError(http.StatusForbidden, "error.field_kit_unknown")
		}
		kit = k
		return k.Secret()
	})
	if err != nil {
		return nil, nil, fieldKeyedError(err)
	}
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, nil, err
	}
	if b.CentreID != office.Id || kit.GetString("centre_id") != office.Id {
		return nil, nil, base.KeyedError(http.StatusForbidden, "error.field_kit_foreign")
	}
	rep := &syncReport{}
	rep.add()
	for start := 0; start < len(b.Dossiers); start += importBatchSize {
		end := min(start+importBatchSize, len(b.Dossiers))
		rep.add(importDossiers(app, kit.Id, b.Dossiers[start:end])...)
		if progress != nil {
			progress(end, len(b.Dossiers))
		}
	}
	if err := noteKitSync(app, kit); err != nil {
		app.Logger().Error("field import: kit sync note", "kit", kit.Id, "error", err)
	}
	secret, err := kit.Secret()
	if err != nil {
		return nil, nil, err
	}
	ack, err := fieldbundle.SealJSON(fieldbundle.KindAck, kit.Id, secret,
		fieldbundle.Ack{Format: fieldbundle.Version, KitID: kit.Id, At: time.Now().UTC(), Results: rep.Results})
	if err != nil {
		return nil, nil, err
	}
	return rep, ack, nil
}

// noteKitSync records when a kit last brought dossiers back and how many it has.
func noteKitSync(app core.App, kit *domain.FieldKit) error {
	var n int
	err := app.DB().Select("COUNT(*)").From(base.ColDossiers).Where(dbx.HashExp{"field_kit": kit.Id}).Row(&n)
	if err != nil {
		return err
	}
	kit.Set("last_sync_at", time.Now())
	kit.Set("synced", n)
	return app.Save(kit)
}

// importBatchSize is how many dossiers the centre commits in one
// transaction. With synchronous=FULL every commit waits for the disk, so one
// commit per dossier would cost about 5 ms each; a batch of 100 costs one.
const importBatchSize = 100

// errBatchFailed rolls a batch back so that its dossiers are taken one by one.
var errBatchFailed = errors.New("field import: a dossier of the batch could not be written")

// importDossiers writes a slice of travelling dossiers at the centre: all in
// one transaction, or, when one of them cannot be written, each in its own
// transaction so that the others are still taken and the bad one is reported.
func importDossiers(app core.App, kitID string, ds []fieldbundle.Dossier) []fieldbundle.Result {
	results := make([]fieldbundle.Result, len(ds))
	err := app.RunInTransaction(func(tx core.App) error {
		for i, d := range ds {
			res, err := importDossierTx(tx, kitID, d)
			if err != nil {
				return errBatchFailed
			}
			results[i] = res
		}
		return nil
	})
	if err == nil {
		return results
	}
	for i, d := range ds {
		results[i] = importDossier(app, kitID, d)
	}
	return results
}

// importDossier writes one travelling dossier in its own transaction; a
// dossier that cannot be written is reported failed, with the reason logged.
func importDossier(app core.App, kitID string, d fieldbundle.Dossier) fieldbundle.Result {
	var res fieldbundle.Result
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		res, err = importDossierTx(tx, kitID, d)
		return err
	})
	if err != nil {
		app.Logger().Error("field import: dossier not written", "dossier", d.ID, "error", err)
		code, _ := d.Fields["code"].(string)
		res = fieldbundle.Result{ID: d.ID, Code: code, Outcome: fieldbundle.OutcomeFailed, Key: "error.field_dossier_invalid"}
	}
	return res
}

// importDossierTx writes one travelling dossier at the centre, with its events
// and scans, inside tx, unless the centre already has it (exists), has other
// content under its id or code (conflict), or it has no code (failed). An
// error means something was half written: the caller rolls tx back.
func importDossierTx(tx core.App, kitID string, d fieldbundle.Dossier) (fieldbundle.Result, error) {
	code, _ := d.Fields["code"].(string)
	res := fieldbundle.Result{ID: d.ID, Code: code}
	hash, err := fieldbundle.ContentHash(d)
	if err != nil {
		res.Outcome, res.Key = fieldbundle.OutcomeFailed, "error.field_dossier_invalid"
		return res, nil
	}
	res.Hash = hash
	if existing, err := tx.FindRecordById(base.ColDossiers, d.ID); err == nil {
		if existing.GetString("field_hash") == hash {
			res.Outcome = fieldbundle.OutcomeExists
		} else {
			res.Outcome, res.Key = fieldbundle.OutcomeConflict, "error.field_content_differs"
		}
		return res, nil
	}
	if code == "" {
		res.Outcome, res.Key = fieldbundle.OutcomeFailed, "error.field_dossier_invalid"
		return res, nil
	}
	if _, err := domain.FindDossierByCode(tx, code); err == nil {
		res.Outcome, res.Key = fieldbundle.OutcomeConflict, "error.field_code_taken"
		return res, nil
	}
	col, err := tx.FindCachedCollectionByNameOrId(base.ColDossiers)
	if err != nil {
		return res, err
	}
	r := core.NewRecord(col)
	fields := make(map[string]any, len(d.Fields))
	for k, v := range d.Fields {
		if !slices.Contains(dossierLocalFields, k) && k != "id" {
			fields[k] = v
		}
	}
	r.Load(fields)
	r.Id = d.ID
	for _, rel := range []string{"received_by", "assignee"} {
		clearMissingStaff(tx, r, rel)
	}
	r.Set("field_kit", kitID)
	r.Set("field_hash", hash)
	r.Set("sync_state", "")
	r.Set("search", domain.DossierSearchKey(r))
	if len(d.Files) > 0 {
		files := make([]any, 0, len(d.Files))
		for _, f := range d.Files {
			ff, err := filesystem.NewFileFromBytes(f.Data, f.Name)
			if err != nil {
				return res, fmt.Errorf("scan %s: %w", f.Name, err)
			}
			ff.Name = f.Name // keep the laptop's stored name
			files = append(files, ff)
		}
		r.Set("scans", files)
	}
	if err := tx.Save(r); err != nil {
		return res, fmt.Errorf("dossier %s: %w", d.ID, err)
	}
	evCol, err := tx.FindCachedCollectionByNameOrId(base.ColDossierEvents)
	if err != nil {
		return res, err
	}
	for _, ev := range d.Events {
		er := core.NewRecord(evCol)
		id, _ := ev["id"].(string)
		fields := make(map[string]any, len(ev))
		for k, v := range ev {
			if k != "id" {
				fields[k] = v
			}
		}
		er.Load(fields)
		er.Id = id
		er.Set("dossier", d.ID)
		for _, rel := range []string{"actor", "assignee"} {
			clearMissingStaff(tx, er, rel)
		}
		if err := tx.Save(er); err != nil {
			return res, fmt.Errorf("event %s of %s: %w", id, d.ID, err)
		}
	}
	res.Outcome = fieldbundle.OutcomeNew
	return res, nil
}

// clearMissingStaff empties a staff relation whose account the centre does not
// have (deleted since the kit was made), so the dossier is not lost over it;
// the officer's name stays in actor_name.
func clearMissingStaff(tx core.App, r *core.Record, field string) {
	id := r.GetString(field)
	if id == "" {
		return
	}
	if _, err := tx.FindRecordById(base.ColStaff, id); err != nil {
		r.Set(field, "")
	}
}

// handleFieldSync is POST /api/motcua/field/sync at the centre: one signed
// batch from a team laptop. The kit id and the HMAC of the body with the kit's
// secret authenticate it; no staff token is needed. The answer is the signed
// acknowledgement.
func handleFieldSync(e *core.RequestEvent) error {
	data, err := io.ReadAll(e.Request.Body)
	if err != nil {
		return base.KeyedError(http.StatusBadRequest, fieldbundle.KeyDamaged)
	}
	_, ack, err := importBundle(e.App, data, nil)
	if err != nil {
		return err
	}
	return e.Blob(http.StatusOK, "application/octet-stream", ack)
}

// handleFieldImport is POST /api/motcua/field/import at the centre: a leader
// uploads a bundle file (multipart field "bundle", or the raw body). The answer
// is the report with the signed acknowledgement, which the laptop can take in
// with "motcua field confirm".
func handleFieldImport(e *core.RequestEvent) error {
	data, err := uploadedBundle(e)
	if err != nil {
		return err
	}
	rep, ack, err := importBundle(e.App, data, nil)
	if err != nil {
		return err
	}
	rep.Ack = base64.StdEncoding.EncodeToString(ack)
	return e.JSON(http.StatusOK, rep)
}

func uploadedBundle(e *core.RequestEvent) ([]byte, error) {
	if strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/form-data") {
		f, _, err := e.Request.FormFile("bundle")
		if err != nil {
			return nil, base.KeyedError(http.StatusBadRequest, "error.field_bundle_missing")
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	data, err := io.ReadAll(e.Request.Body)
	if err != nil || len(data) == 0 {
		return nil, base.KeyedError(http.StatusBadRequest, "error.field_bundle_missing")
	}
	return data, nil
}

// handleFieldPush is POST /api/motcua/field/push on the laptop {"to": "http://centre:8090",
// "only": ["id"]}: the laptop's server pushes to the centre for the officer.
func handleFieldPush(e *core.RequestEvent) error {
	var body struct {
		To   string   `json:"to"`
		Only []string `json:"only"`
	}
	if err := e.BindBody(&body); err != nil || !(strings.HasPrefix(body.To, "http://") || strings.HasPrefix(body.To, "https://")) {
		return base.FieldErrors(map[string]string{"to": "error.field_centre_unreachable"})
	}
	rep, err := pushToCentre(e.Request.Context(), e.App, &http.Client{Timeout: 2 * time.Minute}, body.To, body.Only, nil)
	if err != nil {
		var ae *router.ApiError
		if errors.As(err, &ae) {
			ae.Data["done"] = rep
			return ae
		}
		return err
	}
	return e.JSON(http.StatusOK, rep)
}

// handleFieldExport is GET /api/motcua/field/export on the laptop: the bundle
// of every unconfirmed dossier, downloaded to be carried on a USB stick.
func handleFieldExport(e *core.RequestEvent) error {
	kit, err := domain.FindLocalKit(e.App)
	if err != nil {
		return err
	}
	data, ids, err := exportBundleBytes(e.App, kit, nil)
	if err != nil {
		return err
	}
	if err := setSyncState(e.App, ids, domain.SyncSent, domain.SyncPending); err != nil {
		return err
	}
	name := fmt.Sprintf("motcua-%s-%s.mcbundle", asciiSlug(kit.Team()), time.Now().In(base.Zone).Format("20060102-150405"))
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return e.Blob(http.StatusOK, "application/octet-stream", data)
}

// confirmFromAck takes the centre's signed acknowledgement in on the laptop
// (after an import from a USB stick).
func confirmFromAck(app core.App, data []byte) (*fieldbundle.Ack, error) {
	kit, err := domain.FindLocalKit(app)
	if err != nil {
		return nil, err
	}
	if kit == nil {
		return nil, base.KeyedError(http.StatusConflict, "error.field_mode_only")
	}
	secret, err := kit.Secret()
	if err != nil {
		return nil, err
	}
	ack, err := fieldbundle.ReadAck(data, kit.Id, secret)
	if err != nil {
		return nil, fieldKeyedError(err)
	}
	return ack, applyAck(app, ack, nil)
}

// handleFieldConfirm is POST /api/motcua/field/confirm on the laptop: upload
// the acknowledgement file the centre gave for an imported bundle.
func handleFieldConfirm(e *core.RequestEvent) error {
	data, err := uploadedBundle(e)
	if err != nil {
		return err
	}
	ack, err := confirmFromAck(e.App, data)
	if err != nil {
		return err
	}
	rep := &syncReport{}
	rep.add(ack.Results...)
	return e.JSON(http.StatusOK, rep)
}

func bindFieldSyncRoutes(se *core.ServeEvent) {
	limit := apis.BodyLimit(maxBundleBytes)
	se.Router.POST("/api/motcua/field/sync", handleFieldSync).Bind(limit)
	se.Router.POST("/api/motcua/field/import", handleFieldImport).Bind(limit).BindFunc(base.RequireStaff(base.RoleLeader))
	laptop := se.Router.Group("/api/motcua/field")
	laptop.BindFunc(base.RequireStaff())
	laptop.BindFunc(requireFieldMode)
	laptop.POST("/push", handleFieldPush)
	laptop.GET("/export", handleFieldExport)
	laptop.POST("/confirm", handleFieldConfirm).Bind(limit)
}
