package field

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/textnorm"
)

// Mobile teams (Tổ hành chính công di động). The same binary runs at the
// centre and on a team's laptop; the laptop is in field mode when its
// field_kits collection holds its own kit (local = true), written by
// "motcua field init". In field mode intake draws codes from the kit's reserved
// range, records the team as the station and the school site of the day as the
// location, and keeps every dossier with a sync state until the centre has
// confirmed it. This file holds the mode itself; field_kit.go makes kits at the
// centre and sets a laptop up from one; field_sync.go brings dossiers back.

// fieldStatus is GET /api/motcua/field/status: what the banner of every staff
// page shows. Team and site are not personal data, so guests get them too (the
// banner shows on the sign-in page); the counts go to staff only.
type fieldStatus struct {
	Mode      string         `json:"mode"` // "centre" or "field"
	KitID     string         `json:"kit_id,omitempty"`
	Team      string         `json:"team,omitempty"`
	Location  string         `json:"location,omitempty"`
	RangeFrom int            `json:"range_from,omitempty"`
	RangeTo   int            `json:"range_to,omitempty"`
	Counts    map[string]int `json:"counts,omitempty"`
}

func handleFieldStatus(e *core.RequestEvent) error {
	kit, err := domain.FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit == nil {
		return e.JSON(http.StatusOK, fieldStatus{Mode: "centre"})
	}
	st := fieldStatus{Mode: "field", KitID: kit.Id, Team: kit.Team(), Location: kit.Location(),
		RangeFrom: kit.Range().From, RangeTo: kit.Range().To}
	if e.Auth != nil && (e.Auth.IsSuperuser() || e.Auth.Collection().Name == base.ColStaff) {
		st.Counts, err = syncCounts(e.App)
		if err != nil {
			return err
		}
	}
	return e.JSON(http.StatusOK, st)
}

// syncCounts counts the laptop's dossiers per sync state.
func syncCounts(app core.App) (map[string]int, error) {
	var rows []struct {
		State string `db:"sync_state"`
		N     int    `db:"n"`
	}
	err := app.DB().NewQuery("SELECT [[sync_state]], COUNT(*) AS [[n]] FROM {{" + base.ColDossiers + "}} GROUP BY [[sync_state]]").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("sync counts: %w", err)
	}
	out := map[string]int{domain.SyncPending: 0, domain.SyncSent: 0, domain.SyncConfirmed: 0, domain.SyncConflict: 0, domain.SyncFailed: 0}
	for _, r := range rows {
		if r.State != "" {
			out[r.State] = r.N
		}
	}
	return out, nil
}

// handleFieldLocation is POST /api/motcua/field/location {"location": "…"}: the
// officer sets the school site of the day on the laptop.
func handleFieldLocation(e *core.RequestEvent) error {
	var body struct {
		Location string `json:"location"`
	}
	if err := e.BindBody(&body); err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	loc := strings.Join(strings.Fields(textnorm.NFC(body.Location)), " ")
	if loc == "" || len(loc) > 200 {
		return base.FieldErrors(map[string]string{"location": "error.field_location_required"})
	}
	kit, err := domain.FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit == nil {
		return base.KeyedError(http.StatusConflict, "error.field_mode_only")
	}
	kit.Set("location", loc)
	if err := e.App.Save(kit.Record); err != nil {
		return fmt.Errorf("save location: %w", err)
	}
	return handleFieldStatus(e)
}

// requireCentre refuses a centre-only action on a team laptop.
func requireCentre(e *core.RequestEvent) error {
	kit, err := domain.FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit != nil {
		return base.KeyedError(http.StatusConflict, "error.field_centre_only")
	}
	return e.Next()
}

// requireFieldMode refuses a laptop-only action at the centre.
func requireFieldMode(e *core.RequestEvent) error {
	kit, err := domain.FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit == nil {
		return base.KeyedError(http.StatusConflict, "error.field_mode_only")
	}
	return e.Next()
}

// Body caps of the field routes (issue 15, finding 3): a JSON order (a site,
// a kit, a push) fits in smallBody; formSlack is room for a multipart form
// around an uploaded file.
const (
	smallBody = 64 << 10
	formSlack = 1 << 20
)

// fieldKeyedError turns a refusal of the bundle reader into a keyed API error:
// a forged or foreign file 403, one over the size limit 413, any other 400.
func fieldKeyedError(err error) error {
	key := fieldbundle.KeyOf(err)
	if key == "" {
		return err
	}
	status := http.StatusBadRequest
	switch key {
	case fieldbundle.KeySignature, fieldbundle.KeyRecipient:
		status = http.StatusForbidden
	case fieldbundle.KeyTooLarge:
		status = http.StatusRequestEntityTooLarge
	}
	return base.KeyedError(status, key)
}

// bindFieldRoutes serves the field-mode status, the school site of the day,
// the kits (field_kit.go) and the return of dossiers (field_sync.go).
func bindFieldRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/field/status", handleFieldStatus)
	se.Router.POST("/api/motcua/field/location", handleFieldLocation).BindFunc(base.RequireStaff()).Bind(apis.BodyLimit(smallBody))
	bindFieldKitRoutes(se)
	bindFieldSyncRoutes(se)
	return nil
}
