package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Leaders and reception read ratings; nobody writes them through the record API:
// the counter's rating screen and the public status page go through motcua's
// own routes, which check the dossier was returned and rated only once.
const ruleRatingRead = `@request.auth.collectionName = "staff" && ` +
	`(@request.auth.role = "leader" || @request.auth.role = "reception")`

// RatingReasons are the fixed reason chips of the rating screen (ratings.reasons).
var RatingReasons = []string{
	"good_service", "quick", "clear_guidance", "kind_staff",
	"waited_long", "unclear_guidance", "staff_attitude", "extra_papers", "came_back_many_times",
}

// The FTS5 index behind staff search. It keeps its own copy of dossiers.search
// with the dossier id as an indexed column (not the rowid, which VACUUM may
// renumber on a table without an INTEGER PRIMARY KEY), kept in step by SQL
// triggers, so dossiers written by any path (API, hooks, the bulk generator)
// are found. Prefix indexes for 1–4 characters keep as-you-type queries such
// as "094" (the start of every ID number in a province) from expanding to a
// million terms. The scope column holds "a<assignee id> r<received_by id>" so a
// processor's or mobile team's search is narrowed inside the index, not by
// walking every match. The folded text uses letters, digits and marks (Khmer vowel signs
// are marks) as token characters.
// SearchInsertTriggerSQL is the trigger that indexes a new dossier. The bulk
// generator drops it inside each batch's transaction and indexes the batch with
// one INSERT … SELECT, then puts it back before committing.
const SearchInsertTriggerSQL = `CREATE TRIGGER motcua_dossier_search_ai AFTER INSERT ON dossiers BEGIN
		INSERT INTO motcua_dossier_search(dossier, search, scope) VALUES (new.id, new.search, 'a' || new.assignee || ' r' || new.received_by);
	END`

var searchIndexSQL = []string{
	`CREATE VIRTUAL TABLE motcua_dossier_search USING fts5(dossier, search, scope,
		tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'", prefix = '1 2 3 4')`,
	SearchInsertTriggerSQL,
	`CREATE TRIGGER motcua_dossier_search_ad AFTER DELETE ON dossiers BEGIN
		DELETE FROM motcua_dossier_search WHERE rowid IN
			(SELECT rowid FROM motcua_dossier_search WHERE motcua_dossier_search MATCH 'dossier:"' || old.id || '"');
	END`,
	`CREATE TRIGGER motcua_dossier_search_au AFTER UPDATE OF search, assignee, received_by ON dossiers
	WHEN new.search IS NOT old.search OR new.assignee IS NOT old.assignee OR new.received_by IS NOT old.received_by BEGIN
		DELETE FROM motcua_dossier_search WHERE rowid IN
			(SELECT rowid FROM motcua_dossier_search WHERE motcua_dossier_search MATCH 'dossier:"' || old.id || '"');
		INSERT INTO motcua_dossier_search(dossier, search, scope) VALUES (new.id, new.search, 'a' || new.assignee || ' r' || new.received_by);
	END`,
	// Oldest first, so the index's rowid order is the order dossiers were received.
	`INSERT INTO motcua_dossier_search(dossier, search, scope)
		SELECT id, search, 'a' || assignee || ' r' || received_by FROM dossiers ORDER BY received_at, created`,
}

var searchIndexDownSQL = []string{
	`DROP TRIGGER IF EXISTS motcua_dossier_search_ai`,
	`DROP TRIGGER IF EXISTS motcua_dossier_search_ad`,
	`DROP TRIGGER IF EXISTS motcua_dossier_search_au`,
	`DROP TABLE IF EXISTS motcua_dossier_search`,
}

func init() {
	m.Register(upRatingsReportsSearch, downRatingsReportsSearch)
}

func upRatingsReportsSearch(app core.App) error {
	dossiers, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("find dossiers: %w", err)
	}
	// closed_at is when a dossier reached a final status (done, returned, refused,
	// withdrawn, stopped): the periodic report needs it to know which dossiers were
	// still open at the start of a period. A hook stamps it.
	dossiers.Fields.Add(&core.DateField{Name: "closed_at"})
	// Covering index of the periodic report and the on-time series: led by
	// closed_at (open ones, and those closed since a period's start), it holds
	// every column they count, so a report reads no table rows.
	dossiers.AddIndex("idx_dossiers_report", false,
		"closed_at, received_at, status, procedure, channel, mobile, due_at, finished_at, scans", "")
	dossiers.AddIndex("idx_dossiers_returned_at", false, "returned_at", "")
	dossiers.AddIndex("idx_dossiers_received_by", false, "received_by", "")
	if err := app.Save(dossiers); err != nil {
		return fmt.Errorf("add closed_at to dossiers: %w", err)
	}

	c := core.NewBaseCollection("ratings", "motcua_ratings")
	c.ListRule = types.Pointer(ruleRatingRead)
	c.ViewRule = types.Pointer(ruleRatingRead)
	c.Fields.Add(
		&core.RelationField{Name: "dossier", MaxSelect: 1, CollectionId: "motcua_dossiers"},
		// The queue ticket's record id, as text so ratings do not depend on the
		// queue's collection existing.
		text("ticket_id", false, 30),
		&core.NumberField{Name: "score", Required: true, OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(5.0)},
		// 3 or 5: how many faces the citizen was shown (3 faces give 1, 3 or 5).
		&core.NumberField{Name: "scale", OnlyInt: true, Min: types.Pointer(3.0), Max: types.Pointer(5.0)},
		&core.SelectField{Name: "reasons", MaxSelect: len(RatingReasons), Values: RatingReasons},
		&core.RelationField{Name: "procedure", MaxSelect: 1, CollectionId: "motcua_procedures"},
		text("counter", false, 20),
		&core.RelationField{Name: "officer", MaxSelect: 1, CollectionId: "motcua_staff"},
		&core.SelectField{Name: "channel", Required: true, MaxSelect: 1, Values: []string{"counter", "status_page"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_ratings_dossier", true, "dossier", "dossier != ''")
	c.AddIndex("idx_ratings_ticket", true, "ticket_id", "ticket_id != ''")
	c.AddIndex("idx_ratings_created", false, "created", "")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("create ratings: %w", err)
	}

	for _, q := range searchIndexSQL {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("create search index: %w", err)
		}
	}
	return nil
}

func downRatingsReportsSearch(app core.App) error {
	for _, q := range searchIndexDownSQL {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("drop search index: %w", err)
		}
	}
	if c, err := app.FindCollectionByNameOrId("ratings"); err == nil {
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("delete ratings: %w", err)
		}
	}
	dossiers, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("find dossiers: %w", err)
	}
	dossiers.RemoveIndex("idx_dossiers_report")
	dossiers.RemoveIndex("idx_dossiers_returned_at")
	dossiers.RemoveIndex("idx_dossiers_received_by")
	dossiers.Fields.RemoveByName("closed_at")
	if err := app.Save(dossiers); err != nil {
		return fmt.Errorf("remove closed_at from dossiers: %w", err)
	}
	return nil
}
