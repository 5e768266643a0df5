package field

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/textnorm"
)

// Code ranges of mobile teams. The centre keeps 0001–4999 of each day's
// sequence (centreRange); kits get blocks of kitRangeSize from 5000 up, so at
// most five kits are in service at a time. When all blocks are held, making a
// kit stops with error.field_ranges_exhausted: a leader retires a kit whose
// team is back and synced, which frees its block for kits made from the next
// day on (a block retired today is not handed out again today, so two teams
// can never print the same code for the same day).
const (
	kitRangeFirst = 5000
	kitRangeLast  = 9999
	kitRangeSize  = 1000
)

// kitMember is a staff account as a kit carries it: the fields the laptop
// needs to sign the officer in and name them on receipts. The password travels
// as its bcrypt hash only; the laptop makes a fresh token key, so no token
// made on one side is ever good on the other.
var kitStaffFields = []string{"username", "email", "emailVisibility", "verified", "name", "role", "counter", "language", "disabled"}

// allocateKitRange picks the lowest block no kit in service holds (nor a kit
// retired today). It runs in the transaction that saves the kit; a unique
// index on range_from among kits in service backs it up.
func allocateKitRange(tx core.App, now time.Time) (domain.CodeRange, error) {
	kits, err := tx.FindRecordsByFilter(base.ColFieldKits, "local = false", "", 0, 0)
	if err != nil {
		return domain.CodeRange{}, fmt.Errorf("allocate kit range: %w", err)
	}
	taken := map[int]bool{}
	today := now.In(base.Zone).Format(time.DateOnly)
	for _, k := range kits {
		retiredDay := k.GetDateTime("retired_at").Time().In(base.Zone).Format(time.DateOnly)
		if !k.GetBool("retired") || retiredDay >= today {
			taken[k.GetInt("range_from")] = true
		}
	}
	for from := kitRangeFirst; from+kitRangeSize-1 <= kitRangeLast; from += kitRangeSize {
		if !taken[from] {
			return domain.CodeRange{From: from, To: from + kitRangeSize - 1}, nil
		}
	}
	return domain.CodeRange{}, base.KeyedError(http.StatusConflict, "error.field_ranges_exhausted")
}

// kitMembers finds the accounts a kit carries: the active accounts with the
// given usernames, or, when none are given, every active mobile-team account.
func kitMembers(app core.App, usernames []string) ([]*core.Record, error) {
	if len(usernames) == 0 {
		recs, err := app.FindRecordsByFilter(base.ColStaff, "role = {:r} && disabled = false", "username", 0, 0, dbx.Params{"r": base.RoleField})
		if err != nil {
			return nil, fmt.Errorf("kit members: %w", err)
		}
		if len(recs) == 0 {
			return nil, base.KeyedError(http.StatusBadRequest, "error.field_no_members")
		}
		return recs, nil
	}
	var out []*core.Record
	seen := map[string]bool{}
	for _, u := range usernames {
		u = strings.TrimSpace(u)
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		r, err := app.FindFirstRecordByFilter(base.ColStaff, "username = {:u} && disabled = false", dbx.Params{"u": u})
		if err != nil {
			return nil, base.KeyedError(http.StatusBadRequest, "error.field_member_unknown", "name", u)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, base.KeyedError(http.StatusBadRequest, "error.field_no_members")
	}
	return out, nil
}

// createKit issues a kit to a team at the centre: a reserved code range, a
// fresh 256-bit secret and its members, saved in one transaction.
func createKit(app core.App, name string, usernames []string, by *core.Record) (*domain.FieldKit, error) {
	name = strings.Join(strings.Fields(textnorm.NFC(name)), " ")
	if name == "" {
		return nil, base.FieldErrors(map[string]string{"name": "error.field_name_required"})
	}
	if kit, err := domain.FindLocalKit(app); err != nil {
		return nil, err
	} else if kit != nil {
		return nil, base.KeyedError(http.StatusConflict, "error.field_centre_only")
	}
	secret := make([]byte, fieldbundle.SecretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("kit secret: %w", err)
	}
	recipient, err := ensureCentreKey(app)
	if err != nil {
		return nil, err
	}
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, err
	}
	var kit *domain.FieldKit
	err = app.RunInTransaction(func(tx core.App) error {
		members, err := kitMembers(tx, usernames)
		if err != nil {
			return err
		}
		ids := make([]string, len(members))
		for i, m := range members {
			ids[i] = m.Id
		}
		rng, err := allocateKitRange(tx, time.Now())
		if err != nil {
			return err
		}
		col, err := tx.FindCollectionByNameOrId(base.ColFieldKits)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("name", name)
		r.Set("range_from", rng.From)
		r.Set("range_to", rng.To)
		r.Set("secret", hex.EncodeToString(secret))
		r.Set("members", ids)
		r.Set("centre_id", office.Id)
		r.Set("centre_recipient", recipient)
		if by != nil && by.Collection().Name == base.ColStaff {
			r.Set("created_by", by.Id)
		}
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("save kit: %w", err)
		}
		kit = &domain.FieldKit{Record: r}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return kit, nil
}

// recordData is a record's stored fields as plain JSON values (dates as
// PocketBase writes them), with its id, without the autodate fields, the
// hidden ones (the centre's bundle key in the office record, search keys,
// hashes: nothing hidden ever leaves on a USB stick) and the names in skip.
// It is how records travel in kits and bundles.
func recordData(r *core.Record, skip ...string) (map[string]any, error) {
	out := map[string]any{"id": r.Id}
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if name == "id" || f.GetHidden() || f.Type() == core.FieldTypeAutodate || f.Type() == core.FieldTypePassword ||
			name == core.FieldNameTokenKey || slices.Contains(skip, name) {
			continue
		}
		out[name] = r.Get(name)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", r.Id, err)
	}
	var plain map[string]any
	if err := json.Unmarshal(b, &plain); err != nil {
		return nil, fmt.Errorf("record %s: %w", r.Id, err)
	}
	return plain, nil
}

// buildKitFile writes a kit's file: the centre's office, catalogue,
// holidays and sessions, the members (password hashes only), the range, the
// secret and the centre's recipient for bundles, sealed with a fresh one-time
// code (returned, to be shown to the leader and typed on the laptop; it is
// stored nowhere). A kit issued before kits were sealed gets the centre's
// recipient now, so its laptop, set up again from this file, encrypts its
// bundles.
func buildKitFile(app core.App, kit *domain.FieldKit) (data []byte, code string, err error) {
	recipient := kit.GetString("centre_recipient")
	if recipient == "" {
		if recipient, err = ensureCentreKey(app); err != nil {
			return nil, "", err
		}
		kit.Set("centre_recipient", recipient)
		if err := app.Save(kit.Record); err != nil {
			return nil, "", fmt.Errorf("kit recipient: %w", err)
		}
	}
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, "", err
	}
	k := fieldbundle.Kit{
		Format: fieldbundle.Version, KitID: kit.Id, Name: kit.Team(), CentreID: office.Id,
		CentreCode: office.AgencyCode(), CreatedAt: kit.GetDateTime("created").Time().UTC(),
		RangeFrom: kit.Range().From, RangeTo: kit.Range().To, Secret: kit.GetString("secret"),
		CentreRecipient: recipient,
	}
	if k.Office, err = recordData(office.Record); err != nil {
		return nil, "", err
	}
	for _, col := range []string{base.ColProcedures, base.ColHolidays} {
		recs, err := app.FindRecordsByFilter(col, "", "created", 0, 0)
		if err != nil {
			return nil, "", fmt.Errorf("kit %s: %w", col, err)
		}
		for _, r := range recs {
			d, err := recordData(r)
			if err != nil {
				return nil, "", err
			}
			if col == base.ColProcedures {
				k.Procedures = append(k.Procedures, d)
			} else {
				k.Holidays = append(k.Holidays, d)
			}
		}
	}
	for _, id := range kit.Members() {
		s, err := app.FindRecordById(base.ColStaff, id)
		if err != nil {
			continue // an account deleted since the kit was made stays behind
		}
		m := map[string]any{"id": s.Id, "password": s.GetString(core.FieldNamePassword + ":hash")}
		for _, f := range kitStaffFields {
			m[f] = s.Get(f)
		}
		k.Staff = append(k.Staff, m)
	}
	if code, err = fieldbundle.NewKitCode(); err != nil {
		return nil, "", err
	}
	if data, err = fieldbundle.SealKit(&k, code); err != nil {
		return nil, "", err
	}
	return data, code, nil
}

// initFieldData sets a fresh data folder up as a team laptop from a kit:
// the centre's office, catalogue, holidays and the members' accounts, with the
// same record ids as at the centre, and the kit itself as the local kit.
func initFieldData(app core.App, k *fieldbundle.Kit) error {
	if kit, err := domain.FindLocalKit(app); err != nil {
		return err
	} else if kit != nil {
		return base.KeyedError(http.StatusConflict, "error.field_already_initialised")
	}
	if n, err := app.CountRecords(base.ColDossiers); err != nil || n > 0 {
		return base.KeyedError(http.StatusConflict, "error.field_already_initialised")
	}
	err := app.RunInTransaction(func(tx core.App) error {
		for _, col := range []string{base.ColHolidays, base.ColProcedures, base.ColOffice} {
			if _, err := tx.DB().NewQuery("DELETE FROM {{" + col + "}}").Execute(); err != nil {
				return fmt.Errorf("clear %s: %w", col, err)
			}
		}
		put := func(col string, data map[string]any) (*core.Record, error) {
			c, err := tx.FindCollectionByNameOrId(col)
			if err != nil {
				return nil, err
			}
			r := core.NewRecord(c)
			id, _ := data["id"].(string)
			fields := make(map[string]any, len(data))
			for k, v := range data {
				if k != "id" && k != "password" {
					fields[k] = v
				}
			}
			r.Load(fields)
			r.Id = id
			return r, nil
		}
		save := func(col string, list []map[string]any) error {
			for _, data := range list {
				r, err := put(col, data)
				if err != nil {
					return err
				}
				if err := tx.Save(r); err != nil {
					return fmt.Errorf("kit %s %v: %w", col, data["id"], err)
				}
			}
			return nil
		}
		if err := save(base.ColOffice, []map[string]any{k.Office}); err != nil {
			return err
		}
		if err := save(base.ColProcedures, k.Procedures); err != nil {
			return err
		}
		if err := save(base.ColHolidays, k.Holidays); err != nil {
			return err
		}
		for _, s := range k.Staff {
			r, err := put(base.ColStaff, s)
			if err != nil {
				return err
			}
			hash, _ := s["password"].(string)
			r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: hash})
			r.RefreshTokenKey()
			if err := tx.Save(r); err != nil {
				return fmt.Errorf("kit staff %v: %w", s["username"], err)
			}
		}
		col, err := tx.FindCollectionByNameOrId(base.ColFieldKits)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Id = k.KitID
		r.Set("name", k.Name)
		r.Set("range_from", k.RangeFrom)
		r.Set("range_to", k.RangeTo)
		r.Set("secret", k.Secret)
		r.Set("centre_id", k.CentreID)
		r.Set("centre_recipient", k.CentreRecipient)
		r.Set("local", true)
		ids := make([]string, 0, len(k.Staff))
		for _, s := range k.Staff {
			ids = append(ids, fmt.Sprint(s["id"]))
		}
		r.Set("members", ids)
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("save local kit: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	app.Store().Remove(domain.CalendarStoreKey)
	return nil
}

// retireKit takes a kit out of service, freeing its range from tomorrow on.
// From that moment its laptop is cut off: the centre refuses its bundles and
// pushes (a lost or stolen laptop, or a team back for good whose dossiers
// are all in). Dossiers it brought back before stay.
func retireKit(app core.App, id string) (*domain.FieldKit, error) {
	kit, err := domain.FindKit(app, id)
	if err != nil {
		return nil, base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	if kit.GetBool("retired") {
		return kit, nil
	}
	kit.Set("retired", true)
	kit.Set("retired_at", time.Now())
	if err := app.Save(kit.Record); err != nil {
		return nil, fmt.Errorf("retire kit: %w", err)
	}
	return kit, nil
}

// kitView is a kit as leaders see it (never the secret).
type kitView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	RangeFrom  int      `json:"range_from"`
	RangeTo    int      `json:"range_to"`
	Members    []string `json:"members"`
	Retired    bool     `json:"retired"`
	Created    string   `json:"created"`
	LastSyncAt string   `json:"last_sync_at"`
	Synced     int      `json:"synced"`
}

func viewKit(k *domain.FieldKit) kitView {
	v := kitView{ID: k.Id, Name: k.Team(), RangeFrom: k.Range().From, RangeTo: k.Range().To,
		Retired: k.GetBool("retired"), Created: k.GetString("created"), LastSyncAt: k.GetString("last_sync_at"), Synced: k.GetInt("synced")}
	_ = k.UnmarshalJSONField("members", &v.Members)
	return v
}

// handleKitCreate is POST /api/motcua/field/kits {"name": "…", "members": ["username", …]}.
func handleKitCreate(e *core.RequestEvent) error {
	var body struct {
		Name    string   `json:"name"`
		Members []string `json:"members"`
	}
	if err := e.BindBody(&body); err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	kit, err := createKit(e.App, body.Name, body.Members, e.Auth)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, viewKit(kit))
}

// kitCodeHeader carries a kit file's one-time code to the leader's page,
// which shows it beside the download.
const kitCodeHeader = "X-Motcua-Kit-Code"

// handleKitFile is GET /api/motcua/field/kits/{id}/file: the sealed kit file
// to copy onto the team's laptop, and (in kitCodeHeader) the one-time code
// that opens it, which the page shows to the leader. Each download has its
// own code. It holds the secret and password hashes: leaders only, never
// cached.
func handleKitFile(e *core.RequestEvent) error {
	kit, err := domain.FindKit(e.App, e.Request.PathValue("id"))
	if err != nil {
		return base.KeyedError(http.StatusNotFound, "error.not_found")
	}
	if kit.Retired() {
		return base.KeyedError(http.StatusConflict, "error.field_kit_retired")
	}
	data, code, err := buildKitFile(e.App, kit)
	if err != nil {
		return err
	}
	e.Response.Header().Set(kitCodeHeader, code)
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.Header().Set("Content-Disposition", `attachment; filename="`+kitFileName(kit)+`"`)
	return e.Blob(http.StatusOK, "application/octet-stream", data)
}

// kitFileName is an ASCII file name for a kit (team names carry diacritics).
func kitFileName(kit *domain.FieldKit) string {
	return "motcua-kit-" + asciiSlug(kit.Team()) + "-" + kit.Id + ".mckit"
}

func asciiSlug(s string) string {
	var b strings.Builder
	for _, c := range textnorm.Fold(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

func handleKitRetire(e *core.RequestEvent) error {
	kit, err := retireKit(e.App, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, viewKit(kit))
}

func bindFieldKitRoutes(se *core.ServeEvent) {
	g := se.Router.Group("/api/motcua/field/kits")
	g.BindFunc(base.RequireStaff(base.RoleLeader))
	g.BindFunc(requireCentre)
	g.POST("", handleKitCreate).Bind(apis.BodyLimit(smallBody))
	g.GET("/{id}/file", handleKitFile)
	g.POST("/{id}/retire", handleKitRetire).Bind(apis.BodyLimit(smallBody))
}
