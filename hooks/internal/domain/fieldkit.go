package domain

import (
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
)

// Dossier sync states on the laptop (dossiers.sync_state). At the centre the
// field is empty.
const (
	SyncPending   = "pending"   // taken in, never sent
	SyncSent      = "sent"      // sent (pushed or exported), not yet confirmed
	SyncConfirmed = "confirmed" // the centre holds it (new or already there)
	SyncConflict  = "conflict"  // the centre holds another dossier under its id or code
	SyncFailed    = "failed"    // the centre could not write it; send it again
)

// FieldKit is the typed view of a field_kits record.
type FieldKit struct{ *core.Record }

// Team is the team's name, used as the station of its dossiers.
func (k *FieldKit) Team() string { return k.GetString("name") }

// Range is the kit's reserved share of each day's code sequence.
func (k *FieldKit) Range() CodeRange {
	return CodeRange{From: k.GetInt("range_from"), To: k.GetInt("range_to")}
}

// Secret is the kit's 256-bit signing key.
func (k *FieldKit) Secret() ([]byte, error) {
	return fieldbundle.DecodeSecret(k.GetString("secret"))
}

// Location is the school site of the day (laptop only).
func (k *FieldKit) Location() string { return k.GetString("location") }

// FindLocalKit returns the laptop's own kit, or nil without error at the centre.
func FindLocalKit(app core.App) (*FieldKit, error) {
	recs, err := app.FindRecordsByFilter(base.ColFieldKits, "local = true", "created", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("find local kit: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return &FieldKit{recs[0]}, nil
}

// FindIssuedKit returns a kit this centre issued that is still in service.
// A retired kit is not found: its laptop is cut off the moment a leader
// retires it (a lost or stolen laptop), so bundles, pushes and
// acknowledgements of it are refused from then on.
func FindIssuedKit(app core.App, id string) (*FieldKit, error) {
	r, err := app.FindFirstRecordByFilter(base.ColFieldKits, "id = {:id} && local = false && retired = false", dbx.Params{"id": id})
	if err != nil {
		return nil, fmt.Errorf("find kit %s in service: %w", id, err)
	}
	return &FieldKit{r}, nil
}

// FindKit returns a kit this centre issued, in service or retired (the kits
// page, retiring twice).
func FindKit(app core.App, id string) (*FieldKit, error) {
	r, err := app.FindFirstRecordByFilter(base.ColFieldKits, "id = {:id} && local = false", dbx.Params{"id": id})
	if err != nil {
		return nil, fmt.Errorf("find kit %s: %w", id, err)
	}
	return &FieldKit{r}, nil
}

// Retired reports whether a leader took the kit out of service.
func (k *FieldKit) Retired() bool { return k.GetBool("retired") }

// Members are the ids of the staff accounts the kit carries.
func (k *FieldKit) Members() []string {
	var ids []string
	_ = k.UnmarshalJSONField("members", &ids)
	return ids
}

// Issuer says who takes a dossier in: the centre counter, or a team in the field.
type Issuer struct {
	CodeRange
	Station  string
	Location string
	KitID    string
	Field    bool
}

// intakeIssuer is the issuer of a dossier taken in now on this app: the centre
// (range 0001–4999, station "centre") or, in field mode, the kit's team with its
// reserved range and the school site of the day, which must have been set.
func intakeIssuer(app core.App) (Issuer, error) {
	kit, err := FindLocalKit(app)
	if err != nil {
		return Issuer{}, err
	}
	if kit == nil {
		return Issuer{CodeRange: CentreRange, Station: stationCentre}, nil
	}
	if kit.Location() == "" {
		return Issuer{}, base.KeyedError(http.StatusConflict, "error.field_location_missing")
	}
	return Issuer{CodeRange: kit.Range(), Station: kit.Team(), Location: kit.Location(), KitID: kit.Id, Field: true}, nil
}

// Apply writes the issuer's server fields on a dossier being taken in, over
// whatever the client sent for them.
func (iss Issuer) Apply(r *core.Record, auth *core.Record) {
	r.Set("station", iss.Station)
	r.Set("location", iss.Location)
	r.Set("mobile", iss.Field || auth.GetString("role") == base.RoleField)
	r.Set("field_kit", iss.KitID)
	r.Set("field_hash", "")
	if iss.Field {
		r.Set("sync_state", SyncPending)
	} else {
		r.Set("sync_state", "")
	}
}
