package field

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/domain"
)

// Kits in these tests are sealed at a low scrypt cost: at the real one each
// kit costs a second and 256 MiB, which a test of the field routes does not
// need (fieldbundle's own tests hold the real cost to its reasoning).
func init() { fieldbundle.SetKitWorkFactor(10) }

// exportBundleBytes seals every unconfirmed dossier of the laptop in one
// bundle, as exportBundleFile writes it, and returns it with the dossiers' ids.
func exportBundleBytes(app core.App, kit *domain.FieldKit) ([]byte, []string, error) {
	recs, err := outgoingDossiers(app, nil)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := writeBundle(app, kit, &buf, recs); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), recordIDs(recs), nil
}

// importBytes imports a bundle held in memory, as "motcua field import" does
// from a file.
func importBytes(app core.App, data []byte) (*syncReport, []byte, error) {
	return importBundle(context.Background(), app, bytes.NewReader(data), nil)
}

// sealRecords seals the given laptop dossiers as one pushed batch.
func sealRecords(t testing.TB, app core.App, kit *domain.FieldKit, recs []*core.Record) []byte {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	var ds []fieldbundle.Dossier
	for _, r := range recs {
		d, err := exportDossier(app, fsys, r)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	body, err := sealBatch(kit, ds)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// openKitFile opens a kit file as "motcua field init --code" does.
func openKitFile(t testing.TB, data []byte, code string) *fieldbundle.Kit {
	t.Helper()
	k, version, err := fieldbundle.OpenKit(data, code)
	if err != nil {
		t.Fatalf("open kit: %v", err)
	}
	if version != fieldbundle.Version2 {
		t.Fatalf("kit file version %d, want the sealed version 2", version)
	}
	return k
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// doBundle posts a body with the given content type to mux.
func doBundle(mux http.Handler, url, token, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}
