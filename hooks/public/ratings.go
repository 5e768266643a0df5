package public

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/web"
	"motcua/pb_migrations"
)

// Satisfaction ratings: one per dossier (or queue ticket), given by the citizen
// on the counter's second screen (pb_public/rate.html, signed in as the officer)
// or once from the public status page after the result was returned. Both paths
// go through here, not the record API, so the checks live in one place.

// Rating scales: how many faces the citizen saw. Three faces give 1, 3 or 5, so
// both scales count the same in the satisfaction rate (4 or more).
var ratingScales = map[int][]int{3: {1, 3, 5}, 5: {1, 2, 3, 4, 5}}

// ratingInput is what a citizen chose.
type ratingInput struct {
	Dossier  string   `json:"dossier"`
	TicketID string   `json:"ticket_id"`
	Score    int      `json:"score"`
	Scale    int      `json:"scale"`
	Reasons  []string `json:"reasons"`
}

// validate checks the score against the scale and the reasons against the fixed
// list, with one message key per bad field.
func (in *ratingInput) validate() error {
	bad := map[string]string{}
	if in.Scale == 0 {
		in.Scale = 5
	}
	scores, ok := ratingScales[in.Scale]
	if !ok {
		bad["scale"] = "error.rating_scale_invalid"
	} else if !slices.Contains(scores, in.Score) {
		bad["score"] = "error.rating_score_invalid"
	}
	for _, r := range in.Reasons {
		if !slices.Contains(pb_migrations.RatingReasons, r) {
			bad["reasons"] = "error.rating_reason_invalid"
		}
	}
	if (in.Dossier == "") == (in.TicketID == "") {
		bad["dossier"] = "error.rating_target_required"
	}
	if len(bad) > 0 {
		return base.FieldErrors(bad)
	}
	return nil
}

func bindRatingRoutes(se *core.ServeEvent) error {
	se.Router.POST("/api/motcua/ratings", handleCounterRating).BindFunc(base.RequireStaff(base.RoleReception, base.RoleField, base.RoleLeader))
	se.Router.POST("/tra-cuu/{code}/danh-gia", handlePublicRating)
	return nil
}

// errAlreadyRated is returned when the dossier or ticket has its rating.
var errAlreadyRated = errors.New("already rated")

// saveRating stores one rating for a returned dossier (or a ticket), filling the
// procedure, counter and officer from the dossier and its return, in one
// transaction with the one-per-dossier check (the unique index backs it up).
func saveRating(app core.App, in ratingInput, channel string, officer *core.Record) (*core.Record, error) {
	var saved *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId(base.ColRatings)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("score", in.Score)
		r.Set("scale", in.Scale)
		r.Set("reasons", in.Reasons)
		r.Set("channel", channel)
		if in.Dossier != "" {
			d, err := domain.FindDossier(tx, in.Dossier)
			if err != nil {
				return base.KeyedError(http.StatusNotFound, "error.dossier_not_found")
			}
			if d.Status() != domain.StatusReturned {
				return base.FieldErrors(map[string]string{"dossier": "error.rating_not_returned"})
			}
			n, err := tx.CountRecords(base.ColRatings, ratingOf(d.Id))
			if err != nil {
				return err
			}
			if n > 0 {
				return errAlreadyRated
			}
			r.Set("dossier", d.Id)
			r.Set("procedure", d.GetString("procedure"))
			if officer == nil {
				// From the status page: the officer who handed the result back.
				if ev, err := tx.FindFirstRecordByFilter(base.ColDossierEvents, "dossier = {:d} && to_status = 'returned'",
					dbx.Params{"d": d.Id}); err == nil && ev.GetString("actor") != "" {
					if o, err := tx.FindRecordById(base.ColStaff, ev.GetString("actor")); err == nil {
						officer = o
					}
				}
			}
		} else {
			n, err := tx.CountRecords(base.ColRatings, dbx.HashExp{"ticket_id": in.TicketID})
			if err != nil {
				return err
			}
			if n > 0 {
				return errAlreadyRated
			}
			r.Set("ticket_id", in.TicketID)
		}
		if officer != nil && officer.Collection().Name == base.ColStaff {
			r.Set("officer", officer.Id)
			r.Set("counter", officer.GetString("counter"))
		}
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("save rating: %w", err)
		}
		saved = r
		return nil
	})
	return saved, err
}

// handleCounterRating is the counter's second screen: POST /api/motcua/ratings
// {dossier | ticket_id, score, scale, reasons}.
func handleCounterRating(e *core.RequestEvent) error {
	var in ratingInput
	if err := e.BindBody(&in); err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	if err := in.validate(); err != nil {
		return err
	}
	var officer *core.Record
	if !e.Auth.IsSuperuser() {
		officer = e.Auth
	}
	r, err := saveRating(e.App, in, "counter", officer)
	if errors.Is(err, errAlreadyRated) {
		return base.KeyedError(http.StatusConflict, "error.already_rated")
	}
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"id": r.Id, "score": r.GetInt("score")})
}

// RatingForm is what the status page's rating_form fragment needs. Lookup
// pages include it with {{template "rating_form" .Rating}} when RatingFormFor
// gives one.
type RatingForm struct {
	Lang, Code, Key string
	Faces           []RatingFace
	Reasons         []string
	Error           string // message key
}

// RatingFace is one face of the five-face scale; the template draws it as
// SVG (an office PC may have no emoji font).
type RatingFace struct {
	Score int
	Key   string
}

// ratingFaces are the five faces, worst first (the order citizens read them).
var ratingFaces = []RatingFace{
	{1, "face.1"}, {2, "face.2"}, {3, "face.3"}, {4, "face.4"}, {5, "face.5"},
}

// RatingFormFor returns the public rating form for a dossier whose result was
// returned and which has no rating yet, or nil (nothing to show).
func RatingFormFor(app core.App, d *domain.Dossier, lang string) *RatingForm {
	if d == nil {
		return nil
	}
	return ratingFormOf(app, d.Id, d.Code(), d.LookupKey(), d.Status(), lang)
}

// ratingFormOf is RatingFormFor from the few facts the status page already
// read, so showing the form costs one count and no second read of the dossier.
func ratingFormOf(app core.App, id, code, key, status, lang string) *RatingForm {
	if status != domain.StatusReturned {
		return nil
	}
	if n, err := app.CountRecords(base.ColRatings, ratingOf(id)); err != nil || n > 0 {
		return nil
	}
	return &RatingForm{Lang: lang, Code: code, Key: key, Faces: ratingFaces, Reasons: pb_migrations.RatingReasons}
}

// ratingThanksPage is the server-rendered answer of the public rating.
type ratingThanksPage struct {
	web.Page
	Code    string
	Message string // message key
	Form    *RatingForm
}

// handlePublicRating takes the status page's form: POST /tra-cuu/{code}/danh-gia
// with k (the lookup key), score and reasons. A wrong code or key gets the same
// "not found" as the status page, so codes cannot be probed.
func handlePublicRating(e *core.RequestEvent) error {
	p := ratingThanksPage{Page: web.NewPage(e, "rating.title"), Code: e.Request.PathValue("code")}
	p.BodyClass = "public"
	if err := e.Request.ParseForm(); err != nil {
		p.Message = "error.form_invalid"
		return web.Render(e, http.StatusBadRequest, "rating_done.html", p)
	}
	f := e.Request.PostForm
	row, answered, err := guardedLookup(e, p.Code, f.Get("k"))
	if answered {
		return err
	}
	d, err := domain.FindDossier(e.App, row.ID)
	if err != nil {
		return err
	}
	score, _ := strconv.Atoi(f.Get("score"))
	scale, _ := strconv.Atoi(f.Get("scale"))
	in := ratingInput{Dossier: d.Id, Score: score, Scale: scale, Reasons: f["reasons"]}
	if err := in.validate(); err != nil {
		p.Form = RatingFormFor(e.App, d, p.Lang)
		if p.Form != nil {
			p.Form.Error = "error.rating_score_invalid"
			if f.Get("score") != "" {
				p.Form.Error = "error.form_invalid"
			}
		}
		p.Message = "error.rating_score_invalid"
		return web.Render(e, http.StatusBadRequest, "rating_done.html", p)
	}
	if d.Status() != domain.StatusReturned {
		p.Message = "error.rating_not_returned"
		return web.Render(e, http.StatusBadRequest, "rating_done.html", p)
	}
	_, err = saveRating(e.App, in, "status_page", nil)
	switch {
	case errors.Is(err, errAlreadyRated):
		p.Message = "rating.already"
		return web.Render(e, http.StatusConflict, "rating_done.html", p)
	case err != nil:
		return err
	}
	p.Message = "rating.thanks"
	return web.Render(e, http.StatusOK, "rating_done.html", p)
}

// ratingOf matches the rating of one dossier in a way SQLite can answer from
// the partial unique index on ratings.dossier (WHERE dossier != ”): an
// equality alone does not imply the index's condition, so the status page of
// every returned dossier walked the whole ratings table.
func ratingOf(dossierID string) dbx.Expression {
	return dbx.NewExp("[[dossier]] = {:dossier} AND [[dossier]] != ''", dbx.Params{"dossier": dossierID})
}
