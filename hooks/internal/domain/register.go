package domain

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
)

// Register binds the rules that hold for records whoever writes them: the
// office's validation and the caches dropped when office, holidays, kits or
// procedures change, the procedures' search key, closed_at on dossiers that
// reach a final status, the lookup key hidden from callers who may not read
// it, the clock guard kept up with every record written; office answers say
// whether the public URL reaches phones.
func Register(app core.App) {
	bindOfficeHooks(app)
	bindProcedureHooks(app)
	bindLifecycleHooks(app)
	bindIntakeCacheHooks(app)
	bindClockHooks(app)
	app.OnRecordEnrich(base.ColDossiers).BindFunc(hideLookupKey)
	app.OnRecordEnrich(base.ColOffice).BindFunc(enrichOffice)
}
