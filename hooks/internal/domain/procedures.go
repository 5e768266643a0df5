package domain

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/catalog"
	"motcua/hooks/internal/base"
	"motcua/hooks/textnorm"
)

// procedureSearchKey is the accent-folded text the public catalogue and the
// intake form search, so "khai sinh" finds "Đăng ký khai sinh".
func procedureSearchKey(r *core.Record) string {
	return textnorm.Fold(r.GetString("code") + " " + r.GetString("name_vi") + " " +
		r.GetString("field_vi") + " " + r.GetString("name_km") + " " + r.GetString("field_km"))
}

// prepareProcedure keeps the search key in step with the names and checks the
// papers list, whoever edits the catalogue (the superuser in /_/ or a migration).
func prepareProcedure(e *core.RecordEvent) error {
	var papers []catalog.Paper
	raw := e.Record.GetString("papers")
	if raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &papers); err != nil {
			return base.FieldErrors(map[string]string{"papers": "error.papers_invalid"})
		}
		for _, p := range papers {
			if p.NameVI == "" || p.Count < 1 || (p.Kind != "original" && p.Kind != "copy") {
				return base.FieldErrors(map[string]string{"papers": "error.papers_invalid"})
			}
		}
	}
	e.Record.Set("search", procedureSearchKey(e.Record))
	return e.Next()
}

func bindProcedureHooks(app core.App) {
	app.OnRecordCreate(base.ColProcedures).BindFunc(prepareProcedure)
	app.OnRecordUpdate(base.ColProcedures).BindFunc(prepareProcedure)
}
