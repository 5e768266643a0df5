package devseed

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Languages in the generated queue (issue 17). About 56 % of tickets are in
// Khmer (more than half of Mỹ Hương's citizens are Khmer). Receptionists who
// declared no language are given one: every other one serves Vietnamese and
// Khmer, the rest Vietnamese; with no Khmer speaker among them a generated,
// disabled "gen.reception.km" joins them. The call follows the routing of
// hooks/queue: a Khmer ticket goes to a counter whose officer of the day
// speaks Khmer while its wait is under the office's language wait, to any
// counter of its group after it (or when no counter of the group has a Khmer
// speaker that day). Khmer tickets wait a little longer (×1.3), as they do
// where few officers speak Khmer: the figures by language then have a
// difference to show. Each ticket keeps its officer's languages in
// called_languages, as the queue does at the call.
const (
	seedKhmerPct       = 56
	seedKhmerWaitTimes = 1.3
)

// languageWaitFactor is how much longer a ticket of lang waits on average.
func languageWaitFactor(lang string) float64 {
	if lang == domain.LangKM {
		return seedKhmerWaitTimes
	}
	return 1
}

func (g *bulkGen) drawLanguage() string {
	if g.r.IntN(100) < seedKhmerPct {
		return domain.LangKM
	}
	return domain.LangVI
}

// ensureReceptionLanguages gives the receptionists without declared languages
// theirs and makes sure one serves Khmer; it returns the receptionists' ids
// (with any it made) and each one's languages.
func ensureReceptionLanguages(app core.App, col *core.Collection) ([]string, map[string][]string, error) {
	recs, err := app.FindRecordsByFilter(base.ColStaff, "role = {:r}", "created", 0, 0, dbx.Params{"r": base.RoleReception})
	if err != nil {
		return nil, nil, fmt.Errorf("find reception staff: %w", err)
	}
	langs := map[string][]string{}
	var ids []string
	khmer := false
	for i, r := range recs {
		l := r.GetStringSlice("serves_languages")
		if len(l) == 0 {
			l = []string{domain.LangVI}
			if i%2 == 0 && r.GetString("username") != "gen.reception" {
				l = []string{domain.LangVI, domain.LangKM}
			}
			r.Set("serves_languages", l)
			if err := app.Save(r); err != nil {
				return nil, nil, fmt.Errorf("save languages of %s: %w", r.GetString("username"), err)
			}
		}
		khmer = khmer || slices.Contains(l, domain.LangKM)
		langs[r.Id] = l
		ids = append(ids, r.Id)
	}
	if !khmer {
		pw, err := randomPassword(20)
		if err != nil {
			return nil, nil, err
		}
		r := core.NewRecord(col)
		r.Set("username", "gen.reception.km")
		r.SetEmail("gen.reception.km@generated.motcua.vn")
		r.SetPassword(pw)
		r.Set("name", "Cán bộ sinh dữ liệu (reception, Khmer)")
		r.Set("role", base.RoleReception)
		r.Set("serves_languages", []string{domain.LangVI, domain.LangKM})
		r.Set("disabled", true)
		if err := app.Save(r); err != nil {
			return nil, nil, fmt.Errorf("save generated Khmer receptionist: %w", err)
		}
		langs[r.Id] = []string{domain.LangVI, domain.LangKM}
		ids = append(ids, r.Id)
	}
	return ids, langs, nil
}

// counterStaff is the receptionist at a counter on the day being generated.
func (g *bulkGen) counterStaff(counter int) string {
	return g.staff.reception[(counter+g.dayIndex)%len(g.staff.reception)]
}

// calledLanguages is the JSON of staff.serves_languages of an officer.
func (g *bulkGen) calledLanguages(staff string) string {
	b, _ := json.Marshal(g.staff.langs[staff])
	if g.staff.langs[staff] == nil {
		return "[]"
	}
	return string(b)
}

// languageWaitSeconds is the office's wait before any counter calls a ticket.
const languageWaitSeconds = int(domain.DefaultLanguageWait / 1e9)

// pickCounter draws the counter of group that calls a ticket of lang after
// wait seconds: one whose officer of the day serves lang while the wait is
// under the language wait, any of the group's after it.
func (g *bulkGen) pickCounter(group int, lang string, wait int) int {
	cs := g.queue.groups[group].counters
	if wait < languageWaitSeconds {
		g.speakers = g.speakers[:0]
		for _, c := range cs {
			if slices.Contains(g.staff.langs[g.counterStaff(c)], lang) {
				g.speakers = append(g.speakers, c)
			}
		}
		if len(g.speakers) > 0 {
			return g.speakers[g.r.IntN(len(g.speakers))]
		}
	}
	return cs[g.r.IntN(len(cs))]
}
