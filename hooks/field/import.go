package field

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// The centre's side of the return of dossiers: a bundle pushed by a laptop
// (POST /api/motcua/field/sync) or uploaded by a leader from a USB stick
// (POST /api/motcua/field/import, "motcua field import").
//
// Memory is bounded whatever arrives (issue 15, finding 3). The kit is judged
// from the bundle's first line and kit line, at most fieldbundle.MaxHeaderBytes
// read: an unknown or retired kit is answered there, and nothing else of the
// body is read. The body of a known kit streams into a temporary file under
// the data folder (ciphertext only, for an encrypted bundle) under a byte cap
// while its HMAC is computed; only an authentic bundle is then decrypted and
// read, one dossier at a time, and committed in batches of importBatchSize
// dossiers or importBatchBytes of scans. One import decodes at a time
// (importSlot), so two big bundles never add up in memory.

// importBatchBytes bounds the scans a batch holds in memory before it is
// committed.
const importBatchBytes = 64 << 20

// bundleContentType is the media type of a bundle on the wire. The sync route
// takes nothing else (and application/octet-stream, what laptops of the
// previous release send): neither is one a web page may send to another
// origin without asking first, so a page open on a staff PC cannot post a
// bundle by the browser's own rules, whatever the CORS answer.
const bundleContentType = "application/vnd.motcua.field-bundle"

// importSlotOf is the app's import slot: one bundle is decoded and written
// at a time.
func importSlotOf(app core.App) chan struct{} {
	slot, _ := app.Store().GetOrSet("motcua.field.importSlot", func() any { return make(chan struct{}, 1) }).(chan struct{})
	return slot
}

// incomingDir is where bundles wait while their signature is checked: under
// the data folder, never the system's temporary folder (it may be another
// disk, or shared).
func incomingDir(app core.App) (string, error) {
	dir := filepath.Join(app.DataDir(), "field_incoming")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("field import: %w", err)
	}
	return dir, nil
}

// clearIncoming removes what a crash left in incomingDir (a bundle being
// received when the power went).
func clearIncoming(app core.App) {
	dir := filepath.Join(app.DataDir(), "field_incoming")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// importBundle takes a team's bundle in at the centre from r. The kit must be
// one this centre issued and has not retired; the whole bundle is verified
// before any of it is decoded; then each dossier is checked (check.go) and
// the good ones committed in batches (a batch with a dossier that cannot be
// written is redone one dossier at a time). It returns the report and the
// signed acknowledgement. A bundle that fails after some batches were
// committed (it cannot, once signed, unless the laptop wrote a broken one)
// returns the error with the report of what was taken.
func importBundle(ctx context.Context, app core.App, r io.Reader, progress progressFunc) (*syncReport, []byte, error) {
	if kit, err := domain.FindLocalKit(app); err != nil {
		return nil, nil, err
	} else if kit != nil {
		return nil, nil, base.KeyedError(http.StatusConflict, "error.field_centre_only")
	}
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, nil, err
	}
	dir, err := incomingDir(app)
	if err != nil {
		return nil, nil, err
	}
	var kit *domain.FieldKit
	bf, err := fieldbundle.ReceiveBundle(r, fieldbundle.ReceiveOptions{
		Secret: func(kitID string) ([]byte, error) {
			k, err := domain.FindKit(app, kitID)
			switch {
			case err != nil:
				return nil, base.KeyedError(http.StatusForbidden, "error.field_kit_unknown")
			case k.Retired():
				return nil, base.KeyedError(http.StatusForbidden, "error.field_kit_cut_off")
			case k.GetString("centre_id") != office.Id:
				return nil, base.KeyedError(http.StatusForbidden, "error.field_kit_foreign")
			}
			kit = k
			return k.Secret()
		},
		Centre:   centreIdentity(office),
		TempDir:  dir,
		MaxBytes: maxBundleBytes,
	})
	if err != nil {
		return nil, nil, fieldKeyedError(err)
	}
	defer bf.Close()
	if bf.CentreID != office.Id {
		return nil, nil, base.KeyedError(http.StatusForbidden, "error.field_kit_foreign")
	}

	slot := importSlotOf(app)
	select {
	case slot <- struct{}{}:
		defer func() { <-slot }()
	case <-ctx.Done():
		return nil, nil, base.KeyedError(http.StatusServiceUnavailable, "error.field_centre_busy")
	}
	// The kit may have been retired while the bundle was arriving.
	if kit, err = domain.FindIssuedKit(app, kit.Id); err != nil {
		return nil, nil, base.KeyedError(http.StatusForbidden, "error.field_kit_cut_off")
	}
	chk, err := newChecker(app, kit, office)
	if err != nil {
		return nil, nil, err
	}
	rep := &syncReport{}
	rep.add()
	if bf.Version == fieldbundle.Version {
		rep.Notices = append(rep.Notices, fieldbundle.KeyUnsealed)
	}
	// pending keeps the bundle's order in the report: refused dossiers wait
	// with the batch around them.
	type entry struct {
		fd  *fieldDossier
		res fieldbundle.Result
	}
	var pending []entry
	var batch []*fieldDossier
	var batchBytes int64
	done := 0
	flush := func() {
		if len(pending) == 0 {
			return
		}
		written := commitDossiers(app, batch)
		for _, p := range pending {
			if p.fd != nil {
				p.res, written = written[0], written[1:]
			}
			rep.add(p.res)
		}
		done += len(pending)
		pending, batch, batchBytes = pending[:0], batch[:0], 0
		if progress != nil {
			progress(done, done)
		}
	}
	for {
		d, err := bf.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			flush()
			return rep, nil, withReport(fieldKeyedError(err), rep)
		}
		fd, res := prepareDossier(chk, d)
		pending = append(pending, entry{fd: fd, res: res})
		if fd != nil {
			batch = append(batch, fd)
			batchBytes += d.DataSize()
		}
		if len(pending) >= importBatchSize || batchBytes >= importBatchBytes {
			flush()
		}
	}
	flush()
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

// withReport attaches what was taken before an error to the error's data.
func withReport(err error, rep *syncReport) error {
	var ae *router.ApiError
	if errors.As(err, &ae) {
		if ae.Data == nil {
			ae.Data = map[string]any{}
		}
		ae.Data["done"] = rep
		return ae
	}
	return err
}

// prepareDossier answers a dossier the centre already holds ("exists" or
// "conflict", before any check: a re-send of a dossier taken in earlier is
// never refused for a rule added since) and checks any other. It returns the
// dossier ready to write, or the result of one that is not to be written.
func prepareDossier(chk *checker, d *fieldbundle.Dossier) (*fieldDossier, fieldbundle.Result) {
	code, _ := d.Fields["code"].(string)
	res := fieldbundle.Result{ID: d.ID, Code: code}
	hash, err := fieldbundle.ContentHash(*d)
	if err != nil {
		res.Outcome, res.Key = fieldbundle.OutcomeFailed, "error.field_dossier_invalid"
		return nil, res
	}
	res.Hash = hash
	if existing := findFieldDossier(chk.app, chk.kit.Id, d.ID); existing != nil {
		sameAs(existing, hash, &res)
		return nil, res
	}
	fd, rf := chk.check(d, hash)
	if rf != nil {
		res.Outcome, res.Key, res.Field = fieldbundle.OutcomeFailed, rf.key, rf.field
		chk.app.Logger().Warn("field import: dossier refused", "kit", chk.kit.Id, "dossier", d.ID, "key", rf.key, "field", rf.field)
		return nil, res
	}
	return fd, fd.res
}

// findFieldDossier finds the centre's copy of a kit's dossier by the id it had
// on the laptop: field_id, or, for dossiers imported before field_id
// existed, the record id itself.
func findFieldDossier(app core.App, kitID, fieldID string) *core.Record {
	r := &core.Record{}
	err := app.RecordQuery(base.ColDossiers).
		AndWhere(dbx.NewExp("[[field_kit]] = {:kit} AND [[field_id]] = {:id} AND [[field_id]] != ''", dbx.Params{"kit": kitID, "id": fieldID})).
		Limit(1).One(r)
	if err == nil {
		return r
	}
	if byID, err := app.FindRecordById(base.ColDossiers, fieldID); err == nil && byID.GetString("field_kit") == kitID {
		return byID
	}
	return nil
}

// sameAs sets the outcome for a dossier the centre already holds: the same
// content ("exists", nothing written) or other content ("conflict", the
// centre's copy kept).
func sameAs(existing *core.Record, hash string, res *fieldbundle.Result) {
	if existing.GetString("field_hash") == hash {
		res.Outcome = fieldbundle.OutcomeExists
	} else {
		res.Outcome, res.Key = fieldbundle.OutcomeConflict, "error.field_content_differs"
	}
	if existing.Id != res.ID {
		res.NewID = existing.Id
	}
}

// commitDossiers writes checked dossiers at the centre: all in one
// transaction, or, when one of them cannot be written, each in its own
// transaction so that the others are still taken and the bad one is reported.
func commitDossiers(app core.App, ds []*fieldDossier) []fieldbundle.Result {
	if len(ds) == 0 {
		return nil
	}
	results := make([]fieldbundle.Result, len(ds))
	err := app.RunInTransaction(func(tx core.App) error {
		for i, d := range ds {
			res, err := writeDossierTx(tx, d)
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
		err := app.RunInTransaction(func(tx core.App) error {
			var err error
			results[i], err = writeDossierTx(tx, d)
			return err
		})
		if err != nil {
			app.Logger().Error("field import: dossier not written", "dossier", d.src.ID, "error", err)
			results[i] = fieldbundle.Result{ID: d.src.ID, Code: d.rec.GetString("code"), Hash: d.res.Hash,
				Outcome: fieldbundle.OutcomeFailed, Key: "error.field_dossier_invalid"}
		}
	}
	return results
}

// writeDossierTx writes one checked dossier and its receive event inside tx,
// unless, by now, the centre holds it (exists or conflict) or its code. A
// dossier whose id the centre already gives to another dossier (an intake
// whose client chose that id, issue 15 finding 8) is written under a fresh
// id, keeping the code and the lookup key the citizen holds; the result says
// so. An error means something was half written: the caller rolls tx back.
func writeDossierTx(tx core.App, d *fieldDossier) (fieldbundle.Result, error) {
	res := d.res
	r, ev := d.rec, d.event
	// A batch that was rolled back is written again one dossier at a time:
	// start each attempt from the dossier as checked.
	r.Id, ev.Id = d.src.ID, d.eventID
	r.MarkAsNew()
	ev.MarkAsNew()
	if existing := findFieldDossier(tx, r.GetString("field_kit"), d.src.ID); existing != nil {
		res.Notice = ""
		sameAs(existing, res.Hash, &res)
		return res, nil
	}
	if _, err := domain.FindDossierByCode(tx, r.GetString("code")); err == nil {
		res.Outcome, res.Key, res.Notice = fieldbundle.OutcomeConflict, "error.field_code_taken", ""
		return res, nil
	}
	if _, err := tx.FindRecordById(base.ColDossiers, r.Id); err == nil {
		r.Id = core.GenerateDefaultRandomId()
		res.NewID, res.Notice = r.Id, noticeIDReassigned
	}
	if err := tx.Save(r); err != nil {
		return res, fmt.Errorf("dossier %s: %w", d.src.ID, err)
	}
	if ev.Id == "" {
		ev.Id = core.GenerateDefaultRandomId()
	} else if _, err := tx.FindRecordById(base.ColDossierEvents, ev.Id); err == nil {
		ev.Id = core.GenerateDefaultRandomId()
	}
	ev.Set("dossier", r.Id)
	if err := tx.Save(ev); err != nil {
		return res, fmt.Errorf("event of %s: %w", d.src.ID, err)
	}
	res.Outcome = fieldbundle.OutcomeNew
	return res, nil
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
	return app.Save(kit.Record)
}

// importBatchSize is how many dossiers the centre commits in one
// transaction. With synchronous=FULL every commit waits for the disk, so one
// commit per dossier would cost about 5 ms each; a batch of 100 costs one.
const importBatchSize = 100

// errBatchFailed rolls a batch back so that its dossiers are taken one by one.
var errBatchFailed = errors.New("field import: a dossier of the batch could not be written")

// requireBundleType refuses a body that is not a bundle by its media type
// (415): text/plain, a form, or none. With form, a multipart upload (the
// leader's page) is taken too.
func requireBundleType(e *core.RequestEvent, form bool) error {
	mt, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type"))
	switch {
	case mt == bundleContentType, mt == "application/octet-stream":
		return nil
	case form && mt == "multipart/form-data":
		return nil
	}
	return base.KeyedError(http.StatusUnsupportedMediaType, "error.field_content_type")
}

// rawBody is the request body as the client sends it. PocketBase's router
// keeps a copy of every body it reads so that a second reader can read it
// again (32 MiB in memory, the rest in a temporary file); a bundle is read
// once, streamed to a file of its own, so the copy would only write it to
// disk twice.
func rawBody(e *core.RequestEvent) io.Reader {
	if rr, ok := e.Request.Body.(*router.RereadableReadCloser); ok {
		return rr.ReadCloser
	}
	return e.Request.Body
}

// uploadedFile is the body of a field file upload: the multipart part named
// "bundle" (the leader's page), read as it arrives (never buffered whole, as
// FormFile would), or the raw body.
func uploadedFile(e *core.RequestEvent) (io.Reader, error) {
	if err := requireBundleType(e, true); err != nil {
		return nil, err
	}
	mt, params, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return rawBody(e), nil
	}
	if params["boundary"] == "" {
		return nil, base.KeyedError(http.StatusBadRequest, "error.field_bundle_missing")
	}
	mr := multipart.NewReader(rawBody(e), params["boundary"])
	// Parts before the file are skipped; each is read through at most a
	// small budget, so a forged form cannot make the server hold one.
	for i := 0; i < 8; i++ {
		p, err := mr.NextPart()
		if err != nil {
			return nil, base.KeyedError(http.StatusBadRequest, "error.field_bundle_missing")
		}
		if p.FormName() == "bundle" {
			return p, nil
		}
		if _, err := io.Copy(io.Discard, io.LimitReader(p, 64<<10)); err != nil {
			return nil, base.KeyedError(http.StatusBadRequest, "error.field_bundle_missing")
		}
	}
	return nil, base.KeyedError(http.StatusBadRequest, "error.field_bundle_missing")
}

// handleFieldSync is POST /api/motcua/field/sync at the centre: one signed
// batch from a team laptop. The kit id and the HMAC of the body with the kit's
// secret authenticate it; no staff token is needed. The answer is the signed
// acknowledgement.
func handleFieldSync(e *core.RequestEvent) error {
	if err := requireBundleType(e, false); err != nil {
		return err
	}
	_, ack, err := importBundle(e.Request.Context(), e.App, rawBody(e), nil)
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
	body, err := uploadedFile(e)
	if err != nil {
		return err
	}
	rep, ack, err := importBundle(e.Request.Context(), e.App, body, nil)
	if err != nil {
		return err
	}
	rep.Ack = base64.StdEncoding.EncodeToString(ack)
	return e.JSON(http.StatusOK, rep)
}
