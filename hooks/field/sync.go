package field

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// The return of a team's dossiers to the centre, by network (push) or on a USB
// stick (export, then import at the centre). Both carry the same signed
// bundles and get the same answer, a signed acknowledgement with one result
// per dossier; the laptop marks a dossier confirmed only from that answer.
// This file is the laptop's side; import.go and check.go the centre's.
//
// A laptop whose kit carries the centre's recipient (every kit made since
// field files are encrypted) writes version-2 bundles, encrypted to the
// centre: once written, not even the laptop can read one, and a lost stick
// gives nothing away. A laptop set up from an older kit writes version 1
// (signed, readable), which the centre still takes, with a notice.
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

// pushBatchBytes bounds the scans of one pushed batch, so a batch stays small
// in the laptop's memory and the centre's.
var pushBatchBytes int64 = 32 << 20

// maxAckBytes bounds an acknowledgement taken in on the laptop: a result per
// dossier, some 200 bytes each.
const maxAckBytes = 32 << 20

// Fields a dossier does not carry in a bundle: the laptop's sync bookkeeping,
// the centre's, the search key (rebuilt) and the scans (carried as files).
var dossierLocalFields = []string{"sync_state", "field_kit", "field_hash", "field_id", "search", "scans"}

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

// kitRecipient is the centre's recipient the local kit carries, or nil for a
// kit made before bundles were encrypted.
func kitRecipient(kit *domain.FieldKit) (*age.X25519Recipient, error) {
	s := kit.GetString("centre_recipient")
	if s == "" {
		return nil, nil
	}
	r, err := fieldbundle.ParseCentreRecipient(s)
	if err != nil {
		return nil, fmt.Errorf("kit's centre recipient: %w", err)
	}
	return r, nil
}

// bundleMeta is the bundle's own fields for the local kit.
func bundleMeta(kit *domain.FieldKit) fieldbundle.Bundle {
	return fieldbundle.Bundle{Format: fieldbundle.Version, KitID: kit.Id, CentreID: kit.GetString("centre_id"), CreatedAt: time.Now().UTC()}
}

// sealBatch seals one pushed batch of travelling dossiers for the local kit:
// encrypted to the centre (version 2) when the kit carries its recipient,
// signed only (version 1) otherwise.
func sealBatch(kit *domain.FieldKit, ds []fieldbundle.Dossier) ([]byte, error) {
	secret, err := kit.Secret()
	if err != nil {
		return nil, err
	}
	to, err := kitRecipient(kit)
	if err != nil {
		return nil, err
	}
	b := bundleMeta(kit)
	b.Dossiers = ds
	if to == nil {
		return fieldbundle.SealJSON(fieldbundle.KindBundle, kit.Id, secret, b)
	}
	return fieldbundle.SealBundle(secret, to, b)
}

// writeBundle writes a bundle of recs to w. Version 2 streams: each dossier is
// read, encrypted and let go of in turn, so a laptop with a gigabyte of scans
// never holds them all. Version 1 (an old kit) has its length and signature in
// front, so it is built in memory as before.
func writeBundle(app core.App, kit *domain.FieldKit, w io.Writer, recs []*core.Record) error {
	secret, err := kit.Secret()
	if err != nil {
		return err
	}
	to, err := kitRecipient(kit)
	if err != nil {
		return err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return fmt.Errorf("bundle: storage: %w", err)
	}
	defer fsys.Close()
	if to == nil {
		b := bundleMeta(kit)
		for _, r := range recs {
			d, err := exportDossier(app, fsys, r)
			if err != nil {
				return err
			}
			b.Dossiers = append(b.Dossiers, d)
		}
		data, err := fieldbundle.SealJSON(fieldbundle.KindBundle, kit.Id, secret, b)
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		return nil
	}
	bw, err := fieldbundle.NewBundleWriter(w, secret, to, bundleMeta(kit))
	if err != nil {
		return err
	}
	for _, r := range recs {
		d, err := exportDossier(app, fsys, r)
		if err != nil {
			return err
		}
		if err := bw.Add(d); err != nil {
			return err
		}
	}
	return bw.Close()
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
	// Notices are message keys about the whole bundle: fieldbundle.KeyUnsealed
	// when it was not encrypted (made by a laptop with an old kit).
	Notices []string `json:"notices,omitempty"`
	File    string   `json:"file,omitempty"`
	Ack     string   `json:"ack,omitempty"` // the signed acknowledgement, base64 (import)
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
// to the centre at the centre URL in sealed batches (pushBatchSize dossiers or
// pushBatchBytes of scans), and marks each batch from the centre's signed
// answer. A cut connection stops the run with error.field_centre_unreachable;
// what was confirmed stays confirmed and the next run sends the rest again
// (re-sends are no-ops at the centre). A refusal of the centre (a retired kit)
// stops it with the centre's message key.
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
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, fmt.Errorf("push: storage: %w", err)
	}
	defer fsys.Close()
	url := strings.TrimRight(centre, "/") + "/api/motcua/field/sync"
	rep := &syncReport{}
	rep.add()
	var batch []fieldbundle.Dossier
	var batchBytes int64
	sent := 0
	send := func() error {
		ids := make([]string, len(batch))
		asked := make(map[string]bool, len(batch))
		for i, d := range batch {
			ids[i] = d.ID
			asked[d.ID] = true
		}
		body, err := sealBatch(kit, batch)
		if err != nil {
			return err
		}
		// "sent" before the request: if the answer is lost, the officer sees that
		// these may already be at the centre, and the next run asks again.
		if err := setSyncState(app, ids, domain.SyncSent, domain.SyncPending); err != nil {
			return err
		}
		ack, err := postBatch(ctx, client, url, kit.Id, secret, body)
		if err != nil {
			return err
		}
		if err := applyAck(app, ack, asked); err != nil {
			return err
		}
		for _, r := range ack.Results {
			if asked[r.ID] {
				rep.add(r)
			}
		}
		sent += len(batch)
		batch, batchBytes = batch[:0], 0
		if progress != nil {
			progress(sent, len(recs))
		}
		return nil
	}
	for _, r := range recs {
		d, err := exportDossier(app, fsys, r)
		if err != nil {
			return rep, err
		}
		batch = append(batch, d)
		batchBytes += d.DataSize()
		if len(batch) >= pushBatchSize || batchBytes >= pushBatchBytes {
			if err := send(); err != nil {
				return rep, err
			}
		}
	}
	if len(batch) > 0 {
		if err := send(); err != nil {
			return rep, err
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
	req.Header.Set("Content-Type", bundleContentType)
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
// bundle file in dir (written under a temporary name, synced to disk, then
// renamed, so a pulled USB stick never holds half a bundle under the real
// name) and marks pending dossiers sent.
func exportBundleFile(app core.App, dir string, progress progressFunc) (*syncReport, error) {
	kit, err := domain.FindLocalKit(app)
	if err != nil {
		return nil, err
	}
	if kit == nil {
		return nil, base.KeyedError(http.StatusConflict, "error.field_mode_only")
	}
	recs, err := outgoingDossiers(app, nil)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, bundleFileName(kit))
	err = writeSynced(path, func(w io.Writer) error { return writeBundle(app, kit, w, recs) })
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(len(recs), len(recs))
	}
	if err := setSyncState(app, recordIDs(recs), domain.SyncSent, domain.SyncPending); err != nil {
		return nil, err
	}
	rep := &syncReport{File: path}
	rep.add()
	return rep, nil
}

// bundleFileName is an ASCII name for a bundle of the kit, made now.
func bundleFileName(kit *domain.FieldKit) string {
	return fmt.Sprintf("motcua-%s-%s.mcbundle", asciiSlug(kit.Team()), time.Now().In(base.Zone).Format("20060102-150405"))
}

func recordIDs(recs []*core.Record) []string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	return ids
}

// writeFileSynced writes data to path through a temporary file, fsync and rename.
func writeFileSynced(path string, data []byte) error {
	return writeSynced(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeSynced writes a file at path with write, through a temporary file
// (0600: a kit or bundle is nobody else's to read), fsync and rename.
func writeSynced(path string, write func(io.Writer) error) error {
	tmp := path + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
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
		return withReport(err, rep)
	}
	return e.JSON(http.StatusOK, rep)
}

// handleFieldExport is GET /api/motcua/field/export on the laptop: the bundle
// of every unconfirmed dossier, downloaded to be carried on a USB stick. It
// streams; a failure half-way cuts the download, which the centre refuses
// (a version-2 bundle ends with its signature), and marks nothing sent.
func handleFieldExport(e *core.RequestEvent) error {
	kit, err := domain.FindLocalKit(e.App)
	if err != nil {
		return err
	}
	recs, err := outgoingDossiers(e.App, nil)
	if err != nil {
		return err
	}
	h := e.Response.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="`+bundleFileName(kit)+`"`)
	h.Set("Content-Type", bundleContentType)
	e.Response.WriteHeader(http.StatusOK)
	if err := writeBundle(e.App, kit, e.Response, recs); err != nil {
		e.App.Logger().Error("field export: cut", "error", err)
		return nil // the status line is gone; the cut file is refused at the centre
	}
	return setSyncState(e.App, recordIDs(recs), domain.SyncSent, domain.SyncPending)
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
	body, err := uploadedFile(e)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(body, maxAckBytes+1))
	if err != nil || len(data) == 0 {
		return base.KeyedError(http.StatusBadRequest, "error.field_bundle_missing")
	}
	if len(data) > maxAckBytes {
		return base.KeyedError(http.StatusRequestEntityTooLarge, fieldbundle.KeyTooLarge)
	}
	ack, err := confirmFromAck(e.App, data)
	if err != nil {
		return err
	}
	rep := &syncReport{}
	rep.add(ack.Results...)
	return e.JSON(http.StatusOK, rep)
}

// bindFieldSyncRoutes serves the return of dossiers. Every body is capped to
// what its work needs (a bundle: maxBundleBytes, checked by the bundle reader
// as it streams; an acknowledgement: maxAckBytes; the push order: smallBody),
// and nothing is read before the caller is known: a leader's or officer's
// token, or, for sync, the kit named in the bundle's first bytes. The bundle
// routes read their body themselves (base.LargeBody, and not through
// PocketBase's body limit, which would keep a copy of it).
func bindFieldSyncRoutes(se *core.ServeEvent) {
	se.Router.POST("/api/motcua/field/sync", handleFieldSync).
		Bind(base.LargeBody()).Unbind(apis.DefaultBodyLimitMiddlewareId)
	se.Router.POST("/api/motcua/field/import", handleFieldImport).
		Bind(base.LargeBody()).Unbind(apis.DefaultBodyLimitMiddlewareId).BindFunc(base.RequireStaff(base.RoleLeader))
	laptop := se.Router.Group("/api/motcua/field")
	laptop.BindFunc(base.RequireStaff())
	laptop.BindFunc(requireFieldMode)
	laptop.POST("/push", handleFieldPush).Bind(apis.BodyLimit(smallBody))
	laptop.GET("/export", handleFieldExport)
	laptop.POST("/confirm", handleFieldConfirm).Bind(base.LargeBody(), apis.BodyLimit(maxAckBytes+formSlack))
	clearIncoming(se.App)
}
