package public

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/catalog"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/web"
	"motcua/hooks/textnorm"
)

func bindPageRoutes(se *core.ServeEvent) error {
	se.Router.GET("/thu-tuc", handleCatalogue)
	return nil
}

// catalogueItem is one procedure as the public catalogue shows it.
type catalogueItem struct {
	Code, NameVI, NameKM, FieldVI, FieldKM string
	Processing, Fee, Search                string
	Note                                   string
	Papers                                 []catalog.Paper
}

type cataloguePage struct {
	web.Page
	Query      string
	Procedures []catalogueItem
}

// handleCatalogue renders the public catalogue at /thu-tuc: active procedures with
// field, processing time, fee and papers, filtered server-side by ?q= (accents
// optional) for phones without script, and as-you-type in the browser.
func handleCatalogue(e *core.RequestEvent) error {
	p := cataloguePage{Page: web.NewPage(e, "catalogue.title"), Query: e.Request.URL.Query().Get("q")}
	recs, err := e.App.FindRecordsByFilter(base.ColProcedures, "active = true", "field_vi,name_vi", 0, 0)
	if err != nil {
		return fmt.Errorf("list procedures: %w", err)
	}
	terms := strings.Fields(textnorm.Fold(p.Query))
	for _, r := range recs {
		search := r.GetString("search")
		if !containsAll(search, terms) {
			continue
		}
		item := catalogueItem{
			Code: r.GetString("code"), NameVI: r.GetString("name_vi"), NameKM: r.GetString("name_km"),
			FieldVI: r.GetString("field_vi"), FieldKM: r.GetString("field_km"), Search: search,
			Processing: web.ProcessingText(p.Lang, r.GetInt("processing_hours")),
			Fee:        web.FeeText(p.Lang, r.GetInt("fee"), r.GetString("fee_note_vi"), r.GetString("fee_note_km")),
		}
		item.Note = r.GetString("note_vi")
		if p.Lang == "km" && r.GetString("note_km") != "" {
			item.Note = r.GetString("note_km")
		}
		_ = r.UnmarshalJSONField("papers", &item.Papers)
		p.Procedures = append(p.Procedures, item)
	}
	return web.RenderRevalidated(e, "catalogue.html", p)
}

func containsAll(s string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(s, t) {
			return false
		}
	}
	return true
}
