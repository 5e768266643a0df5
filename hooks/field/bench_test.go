package field

import (
	"context"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
)

// Budgets of the return (issue 6): importing 1,000 dossiers under 5 s, pushing
// them over loopback under 5 s. Run:
//
//	go test ./hooks/ -run '^$' -bench 'Field|StockSave' -benchtime 3x
//
// The field dossiers are taken in once through the real intake route; each
// round empties the centre (and resets the laptop's sync states) untimed.

const fieldBenchDossiers = 1000

type fieldBench struct {
	centre core.App
	cmux   http.Handler
	fs     *fieldSite
	bundle []byte
}

func newFieldBench(b *testing.B) *fieldBench {
	b.Helper()
	centre, _ := newCentre(b)
	fs := newFieldSite(b, centre, "Tổ đo tốc độ", nil, "Điểm trường Tân Hòa")
	fs.takeIn(b, fieldBenchDossiers)
	data, _, err := exportBundleBytes(fs.app, mustLocalKit(b, fs.app))
	if err != nil {
		b.Fatal(err)
	}
	return &fieldBench{centre: centre, cmux: testkit.NewMux(b, centre), fs: fs, bundle: data}
}

// emptyCentre removes every dossier and event from the centre.
func (fb *fieldBench) emptyCentre(b *testing.B) {
	for _, col := range []string{base.ColDossierEvents, base.ColDossiers} {
		if _, err := fb.centre.DB().NewQuery("DELETE FROM {{" + col + "}}").Execute(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFieldImport1000 imports a bundle of 1,000 dossiers (with their
// events) into an empty centre, verifying the signature first.
func BenchmarkFieldImport1000(b *testing.B) {
	fb := newFieldBench(b)
	b.SetBytes(int64(len(fb.bundle)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fb.emptyCentre(b)
		b.StartTimer()
		rep, _, err := importBytes(fb.centre, fb.bundle)
		if err != nil || rep.Counts["new"] != fieldBenchDossiers {
			b.Fatalf("import: %v %v", rep.Counts, err)
		}
	}
}

// BenchmarkFieldPush1000 pushes 1,000 dossiers from the laptop to the centre
// over loopback HTTP in batches of 100, each answered with a signed
// acknowledgement and marked on the laptop.
func BenchmarkFieldPush1000(b *testing.B) {
	fb := newFieldBench(b)
	srv := serveMux(b, fb.cmux)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fb.emptyCentre(b)
		if _, err := fb.fs.app.DB().NewQuery("UPDATE {{dossiers}} SET [[sync_state]] = 'pending'").Execute(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := pushToCentre(context.Background(), fb.fs.app, http.DefaultClient, srv, nil, nil)
		if err != nil || rep.Counts["new"] != fieldBenchDossiers {
			b.Fatalf("push: %v %v", rep, err)
		}
	}
}

// BenchmarkStockSave1000 is PocketBase's own floor on the same data: saving
// the same 1,000 dossiers (no events) with app.Save, one transaction each, as
// the record API does per request.
func BenchmarkStockSave1000(b *testing.B) {
	fb := newFieldBench(b)
	recs, err := fb.fs.app.FindAllRecords(base.ColDossiers)
	if err != nil {
		b.Fatal(err)
	}
	col, _ := fb.centre.FindCollectionByNameOrId(base.ColDossiers)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fb.emptyCentre(b)
		b.StartTimer()
		for _, r := range recs {
			c := core.NewRecord(col)
			data, _ := recordData(r, dossierLocalFields...)
			delete(data, "id")
			c.Load(data)
			c.Id = r.Id
			if err := fb.centre.Save(c); err != nil {
				b.Fatal(err)
			}
		}
	}
}
