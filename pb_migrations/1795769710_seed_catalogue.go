package pb_migrations

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"motcua/hooks/catalog"
	"motcua/hooks/textnorm"
)

// The first start of an empty database loads the office record to be completed,
// the procedure catalogue and the holidays of the current and next year.
func init() {
	m.Register(upSeedCatalogue, downSeedCatalogue)
}

func upSeedCatalogue(app core.App) error {
	office, err := catalog.DefaultOffice()
	if err != nil {
		return err
	}
	if err := insertRecord(app, "office", office, nil); err != nil {
		return err
	}
	procs, err := catalog.Procedures()
	if err != nil {
		return err
	}
	for _, p := range procs {
		search := textnorm.Fold(p.Code + " " + p.NameVI + " " + p.FieldVI + " " + p.NameKM)
		if err := insertRecord(app, "procedures", p, map[string]any{"search": search}); err != nil {
			return fmt.Errorf("procedure %s: %w", p.Code, err)
		}
	}
	hols, err := catalog.Holidays()
	if err != nil {
		return err
	}
	for _, h := range hols {
		if err := insertRecord(app, "holidays", h, nil); err != nil {
			return fmt.Errorf("holiday %s: %w", h.Date, err)
		}
	}
	return nil
}

func downSeedCatalogue(app core.App) error {
	for _, name := range []string{"holidays", "procedures", "office"} {
		if _, err := app.DB().NewQuery("DELETE FROM " + name).Execute(); err != nil {
			return fmt.Errorf("empty %s: %w", name, err)
		}
	}
	return nil
}

// insertRecord saves v (a catalog value whose JSON names match the collection's
// fields) as a new record, with extra fields set on top.
func insertRecord(app core.App, collection string, v any, extra map[string]any) error {
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var data map[string]any
	if err := json.Unmarshal(b, &data); err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Load(data)
	for k, x := range extra {
		r.Set(k, x)
	}
	if err := app.Save(r); err != nil {
		return fmt.Errorf("seed %s: %w", collection, err)
	}
	return nil
}
