package hooks

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/fieldbundle"
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

// Dossier sync states on the laptop (dossiers.sync_state). At the centre the
// field is empty.
const (
	syncPending   = "pending"   // taken in, never sent
	syncSent      = "sent"      // sent (pushed or exported), not yet confirmed
	syncConfirmed = "confirmed" // the centre holds it (new or already there)
	syncConflict  = "conflict"  // the centre holds another dossier under its id or code
	syncFailed    = "failed"    // the centre could not write it; send it again
)

// FieldKit is the typed view of a field_kits record.
type FieldKit struct{ *core.Record }

// Team is the team's name, used as the station of its dossiers.
func (k *FieldKit) Team() string { return k.GetString("name") }

// Range is the kit's reserved share of each day's code sequence.
func (k *FieldKit) Range() codeRange {
	return codeRange{From: k.GetInt("range_from"), To: k.GetInt("range_to")}
}

// Secret is the kit's 256-bit signing key.
func (k *FieldKit) Secret() ([]byte, error) {
	return fieldbundle.DecodeSecret(k.GetString("secret"))
}

// Location is the school site of the day (laptop only).
func (k *FieldKit) Location() string { return k.GetString("location") }

// FindLocalKit returns the laptop's own kit, or nil without error at the centre.
func FindLocalKit(app core.App) (*FieldKit, error) {
	recs, err := app.FindRecordsByFilter(colFieldKits, "local = true", "created", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("find local kit: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return &FieldKit{recs[0]}, nil
}

// FindIssuedKit returns a kit this centre issued.
func FindIssuedKit(app core.App, id string) (*FieldKit, error) {
	r, err := app.FindFirstRecordByFilter(colFieldKits, "id = {:id} && local = false", dbx.Params{"id": id})
	if err != nil {
		return nil, fmt.Errorf("find kit %s: %w", id, err)
	}
	return &FieldKit{r}, nil
}

// issuer says who takes a dossier in: the centre counter, or a team in the field.
type issuer struct {
	codeRange
	Station  string
	Location string
	KitID    string
	Field    bool
}

// intakeIssuer is the issuer of a dossier taken in now on this app: the centre
// (range 0001–4999, station "centre") or, in field mode, the kit's team with its
// reserved range and the school site of the day, which must have been set.
func intakeIssuer(app core.App) (issuer, error) {
	kit, err := FindLocalKit(app)
	if err != nil {
		return issuer{}, err
	}
	if kit == nil {
		return issuer{codeRange: centreRange, Station: stationCentre}, nil
	}
	if kit.Location() == "" {
		return issuer{}, keyedError(http.StatusConflict, "error.field_location_missing")
	}
	return issuer{codeRange: kit.Range(), Station: kit.Team(), Location: kit.Location(), KitID: kit.Id, Field: true}, nil
}

// apply writes the issuer's server fields on a dossier being taken in, over
// whatever the client sent for them.
func (iss issuer) apply(r *core.Record, auth *core.Record) {
	r.Set("station", iss.Station)
	r.Set("location", iss.Location)
	r.Set("mobile", iss.Field || auth.GetString("role") == roleField)
	r.Set("field_kit", iss.KitID)
	r.Set("field_hash", "")
	if iss.Field {
		r.Set("sync_state", syncPending)
	} else {
		r.Set("sync_state", "")
	}
}

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
	kit, err := FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit == nil {
		return e.JSON(http.StatusOK, fieldStatus{Mode: "centre"})
	}
	st := fieldStatus{Mode: "field", KitID: kit.Id, Team: kit.Team(), Location: kit.Location(),
		RangeFrom: kit.Range().From, RangeTo: kit.Range().To}
	if e.Auth != nil && (e.Auth.IsSuperuser() || e.Auth.Collection().Name == colStaff) {
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
	err := app.DB().NewQuery("SELECT [[sync_state]], COUNT(*) AS [[n]] FROM {{" + colDossiers + "}} GROUP BY [[sync_state]]").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("sync counts: %w", err)
	}
	out := map[string]int{syncPending: 0, syncSent: 0, syncConfirmed: 0, syncConflict: 0, syncFailed: 0}
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
		return keyedError(http.StatusBadRequest, "error.form_invalid")
	}
	loc := strings.Join(strings.Fields(textnorm.NFC(body.Location)), " ")
	if loc == "" || len(loc) > 200 {
		return fieldErrors(map[string]string{"location": "error.field_location_required"})
	}
	kit, err := FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit == nil {
		return keyedError(http.StatusConflict, "error.field_mode_only")
	}
	kit.Set("location", loc)
	if err := e.App.Save(kit); err != nil {
		return fmt.Errorf("save location: %w", err)
	}
	return handleFieldStatus(e)
}

// requireCentre refuses a centre-only action on a team laptop.
func requireCentre(e *core.RequestEvent) error {
	kit, err := FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit != nil {
		return keyedError(http.StatusConflict, "error.field_centre_only")
	}
	return e.Next()
}

// requireFieldMode refuses a laptop-only action at the centre.
func requireFieldMode(e *core.RequestEvent) error {
	kit, err := FindLocalKit(e.App)
	if err != nil {
		return err
	}
	if kit == nil {
		return keyedError(http.StatusConflict, "error.field_mode_only")
	}
	return e.Next()
}

// fieldKeyedError turns a refusal of the bundle reader into a keyed API error.
func fieldKeyedError(err error) error {
	key := fieldbundle.KeyOf(err)
	if key == "" {
		return err
	}
	status := http.StatusBadRequest
	if key == fieldbundle.KeySignature {
		status = http.StatusForbidden
	}
	return keyedError(status, key)
}

// bindFieldRoutes serves the field-mode status, the school site of the day,
// the kits (field_kit.go) and the return of dossiers (field_sync.go).
func bindFieldRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/field/status", handleFieldStatus)
	se.Router.POST("/api/motcua/field/location", handleFieldLocation).BindFunc(requireStaff())
	bindFieldKitRoutes(se)
	bindFieldSyncRoutes(se)
	return nil
}
