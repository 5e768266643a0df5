package search

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/textnorm"
)

// Staff search: one box that finds a dossier by code, name (accents optional),
// ID number or phone, in the rows the caller's role may read.
//
// Names, ID numbers and phones go through the FTS5 table motcua_dossier_search
// (see the migration 1795770700), which holds each dossier's folded `search`
// text; its rowids grow as dossiers are recorded, so "newest first" is the FTS
// index's own rowid order and a page stops after 50 hits instead of sorting
// every match. Codes go through the unique code index as a prefix range.

const searchPageSize = 50

// searchNameSortCap bounds how many of the newest matches sort=name orders:
// collating a hundred thousand "Nguyễn" would not answer in time, and a clerk
// who gets that many hits adds a word.
const searchNameSortCap = 1000

// ReCode is what a typed dossier code (or its start) looks like: the agency
// code's dotted groups, then "-yymmdd…".
var reCode = regexp.MustCompile(`^[0-9A-Za-z]+(\.[0-9A-Za-z]+)+-[0-9-]*$`)

// SearchHit is one dossier in the search answer: what the list shows, and
// never more than the caller's role may see (lookup_key only to reception and
// mobile teams, who reprint receipts).
type SearchHit struct {
	ID            string `db:"id" json:"id"`
	Code          string `db:"code" json:"code"`
	Procedure     string `db:"procedure" json:"procedure"`
	ProcedureVI   string `db:"procedure_vi" json:"procedure_name_vi"`
	ProcedureKM   string `db:"procedure_km" json:"procedure_name_km"`
	ApplicantName string `db:"applicant_name" json:"applicant_name"`
	IDNumber      string `db:"applicant_id_number" json:"applicant_id_number"`
	Phone         string `db:"applicant_phone" json:"applicant_phone"`
	Status        string `db:"status" json:"status"`
	Channel       string `db:"channel" json:"channel"`
	Mobile        bool   `db:"mobile" json:"mobile"`
	ReceivedAt    string `db:"received_at" json:"received_at"`
	DueAt         string `db:"due_at" json:"due_at"`
	LookupKey     string `db:"lookup_key" json:"lookup_key,omitempty"`
	Search        string `db:"search" json:"-"` // only read for queued dossiers (searchIndexAndQueue)
}

// SearchResult is the answer of GET /api/motcua/search.
type SearchResult struct {
	Query   string      `json:"q"`
	Sort    string      `json:"sort"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
	HasMore bool        `json:"has_more"`
	Capped  bool        `json:"capped,omitempty"` // sort=name ordered only the newest searchNameSortCap matches
	Items   []SearchHit `json:"items"`
}

func bindSearchRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/search", handleSearch).BindFunc(base.RequireStaff())
	return nil
}

// searchTokens splits folded text the way the FTS table's tokenizer does:
// runs of letters, digits and marks.
func searchTokens(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r))
	})
}

// searchTerms are the words a query asks for, as the index holds them: every
// one must appear, the last one as a prefix (the clerk may still be typing).
// A phone or ID number typed with spaces or dots becomes one term.
func searchTerms(q string) []string {
	if p, err := textnorm.NormalizePhone(q); err == nil && p != "" {
		return []string{p}
	}
	toks := searchTokens(textnorm.Fold(q))
	if digitsOnly(toks) {
		toks = []string{strings.Join(toks, "")}
	}
	return toks
}

// ftsQuery builds the MATCH expression of searchTerms. Terms are letters and
// digits only, and each is quoted, so nothing typed can change the
// expression's shape.
func ftsQuery(q string) string {
	terms := searchTerms(q)
	if len(terms) == 0 {
		return ""
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"`
		if i == len(terms)-1 {
			parts[i] += "*"
		}
	}
	return "search : (" + strings.Join(parts, " AND ") + ")"
}

// matchesTerms is ftsQuery's MATCH applied in Go to one dossier's search text,
// for the dossiers still queued for the index.
func matchesTerms(search string, terms []string) bool {
	toks := searchTokens(strings.ToLower(search))
	for i, t := range terms {
		t = strings.ToLower(t)
		found := false
		for _, tok := range toks {
			if tok == t || (i == len(terms)-1 && strings.HasPrefix(tok, t)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return len(terms) > 0
}

func digitsOnly(toks []string) bool {
	if len(toks) < 2 {
		return false
	}
	for _, t := range toks {
		for _, r := range t {
			if r < '0' || r > '9' {
				return false
			}
		}
	}
	return true
}

// reRecordID is a PocketBase record id, safe to quote inside a MATCH expression.
var reRecordID = regexp.MustCompile(`^[a-z0-9]+$`)

// searchScope is the role filter of the dossiers read rule: as SQL on d, and as
// a term on the index's scope column, so a processor's search walks only their
// own dossiers' entries.
func searchScope(auth *core.Record) (sql string, params dbx.Params, match string) {
	if auth.IsSuperuser() {
		return "", nil, ""
	}
	mine := func(col, prefix string) (string, dbx.Params, string) {
		m := ""
		if reRecordID.MatchString(auth.Id) {
			m = ` AND scope : "` + prefix + auth.Id + `"`
		}
		return " AND d." + col + " = {:me}", dbx.Params{"me": auth.Id}, m
	}
	switch auth.GetString("role") {
	case base.RoleProcessor:
		return mine("assignee", "a")
	case base.RoleField:
		return mine("received_by", "r")
	case base.RoleReception, base.RoleLeader:
		return "", nil, ""
	}
	return " AND 0", nil, ""
}

const searchColumns = `d.id, d.code, d.procedure, COALESCE(p.name_vi, '') AS procedure_vi, COALESCE(p.name_km, '') AS procedure_km,
	d.applicant_name, d.applicant_id_number, d.applicant_phone, d.status, d.channel, d.mobile,
	d.received_at, d.due_at, d.lookup_key`

// SearchDossiers runs one search for auth. limit/offset page the newest-first
// order; the caller trims lookup keys.
func SearchDossiers(app core.App, auth *core.Record, q string, limit, offset int) ([]SearchHit, error) {
	scope, params, scopeMatch := searchScope(auth)
	if params == nil {
		params = dbx.Params{}
	}
	params["limit"], params["offset"] = limit, offset
	code := strings.ToUpper(strings.TrimSpace(q))
	if !reCode.MatchString(code) {
		m := ftsQuery(q)
		if m == "" {
			return nil, nil
		}
		params["match"] = m + scopeMatch
		return searchIndexAndQueue(app, searchTerms(q), scope, params, limit, offset)
	}
	// A code or its start: a range on the unique code index (a partial index,
	// so the query repeats its "code != ''" for SQLite to use it).
	params["lo"], params["hi"] = code, code+"\uffff"
	var hits []SearchHit
	err := app.DB().NewQuery(`SELECT ` + searchColumns + ` FROM dossiers d LEFT JOIN procedures p ON p.id = d.procedure
		WHERE d.code != '' AND d.code >= {:lo} AND d.code < {:hi}` + scope + ` ORDER BY d.code DESC LIMIT {:limit} OFFSET {:offset}`).
		Bind(params).All(&hits)
	if err != nil {
		return nil, fmt.Errorf("search dossiers: %w", err)
	}
	return hits, nil
}

// searchIndexAndQueue finds dossiers by words: first the ones still queued for
// the index (always newer than every indexed one), matched here, then the
// index. Both are read in one read transaction, so a dossier the indexer moves
// in between is seen once, neither twice nor never.
func searchIndexAndQueue(app core.App, terms []string, scope string, params dbx.Params, limit, offset int) ([]SearchHit, error) {
	var hits []SearchHit
	read := func(db dbx.Builder) error {
		var queued []SearchHit
		if err := db.NewQuery(`SELECT ` + searchColumns + `, d.search FROM motcua_search_pending s
			CROSS JOIN dossiers d ON d.id = s.dossier
			LEFT JOIN procedures p ON p.id = d.procedure
			WHERE 1 = 1` + scope + ` ORDER BY s.seq DESC`).Bind(params).All(&queued); err != nil {
			return fmt.Errorf("search queued dossiers: %w", err)
		}
		matched := 0
		for _, h := range queued {
			if !matchesTerms(h.Search, terms) {
				continue
			}
			if matched >= offset && len(hits) < limit {
				hits = append(hits, h)
			}
			matched++
		}
		if len(hits) >= limit {
			return nil
		}
		params["offset"], params["limit"] = max(0, offset-matched), limit-len(hits)
		// CROSS JOIN keeps the FTS table outermost, so rows come in its rowid
		// order and LIMIT stops the walk early.
		var indexed []SearchHit
		if err := db.NewQuery(`SELECT ` + searchColumns + ` FROM motcua_dossier_search s
			CROSS JOIN dossiers d ON d.id = s.dossier
			LEFT JOIN procedures p ON p.id = d.procedure
			WHERE motcua_dossier_search MATCH {:match}` + scope + `
			ORDER BY s.rowid DESC LIMIT {:limit} OFFSET {:offset}`).Bind(params).All(&indexed); err != nil {
			return fmt.Errorf("search dossiers: %w", err)
		}
		hits = append(hits, indexed...)
		return nil
	}
	var err error
	if db, ok := app.ConcurrentDB().(*dbx.DB); ok {
		var tx *dbx.Tx
		if tx, err = db.Begin(); err != nil {
			return nil, fmt.Errorf("search: begin read: %w", err)
		}
		defer func() { _ = tx.Rollback() }()
		err = read(tx)
	} else { // already inside a transaction
		err = read(app.ConcurrentDB())
	}
	if err != nil {
		return nil, err
	}
	return hits, nil
}

func handleSearch(e *core.RequestEvent) error {
	qs := e.Request.URL.Query()
	res := SearchResult{Query: textnorm.NFC(qs.Get("q")), Sort: "newest", Page: 1, PerPage: searchPageSize, Items: []SearchHit{}}
	if p, err := strconv.Atoi(qs.Get("page")); err == nil && p > 1 && p <= 1000 {
		res.Page = p
	}
	if res.Query == "" {
		return e.JSON(http.StatusOK, res)
	}
	var hits []SearchHit
	var err error
	if qs.Get("sort") == "name" {
		res.Sort = "name"
		hits, err = SearchDossiers(e.App, e.Auth, res.Query, searchNameSortCap+1, 0)
		if err != nil {
			return err
		}
		if len(hits) > searchNameSortCap {
			res.Capped, hits = true, hits[:searchNameSortCap]
		}
		coll := textnorm.Collator("vi")
		sort.SliceStable(hits, func(i, j int) bool {
			return coll.CompareString(hits[i].ApplicantName, hits[j].ApplicantName) < 0
		})
		from := (res.Page - 1) * searchPageSize
		if from > len(hits) {
			from = len(hits)
		}
		to := min(from+searchPageSize, len(hits))
		res.HasMore = to < len(hits)
		hits = hits[from:to]
	} else {
		hits, err = SearchDossiers(e.App, e.Auth, res.Query, searchPageSize+1, (res.Page-1)*searchPageSize)
		if err != nil {
			return err
		}
		if len(hits) > searchPageSize {
			res.HasMore, hits = true, hits[:searchPageSize]
		}
	}
	seesKey := e.Auth.IsSuperuser() || e.Auth.GetString("role") == base.RoleReception || e.Auth.GetString("role") == base.RoleField
	for i := range hits {
		if !seesKey {
			hits[i].LookupKey = ""
		}
	}
	if hits != nil {
		res.Items = hits
	}
	return e.JSON(http.StatusOK, res)
}
