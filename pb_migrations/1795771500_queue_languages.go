package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The queue speaks Khmer (issue 17):
//   - tickets.language: the citizen's language, asked first at the kiosk (empty
//     on tickets issued before, or by a client that does not ask: any counter
//     calls those);
//   - tickets.called_languages: the languages of the officer who called the
//     ticket, as they stood at the call, so "Khmer tickets served by a
//     Khmer-speaking officer" does not change when an account is edited later;
//   - staff.serves_languages: the languages an officer serves citizens in,
//     set by the IT person in /_/ (an officer cannot change their own: it
//     steers the routing and the figures). Empty means not declared: such an
//     officer's counter calls every language, as before this migration;
//   - office.queue_language_wait_minutes: after this wait any counter of its
//     group calls a ticket, whatever its language (0 or empty: 10 minutes).
func init() {
	m.Register(upQueueLanguages, downQueueLanguages)
}

// ruleStaffSelfLanguages is the staff update rule: one's own record, without
// the fields the office sets (role, counter, disabled, username, languages served).
const ruleStaffSelfLanguages = ruleStaffSelf + ` && @request.body.serves_languages:isset = false`

func upQueueLanguages(app core.App) error {
	langs := []string{"vi", "km"}
	tickets, err := app.FindCollectionByNameOrId("tickets")
	if err != nil {
		return fmt.Errorf("queue languages: %w", err)
	}
	tickets.Fields.Add(
		&core.SelectField{Name: "language", MaxSelect: 1, Values: langs},
		&core.SelectField{Name: "called_languages", MaxSelect: 2, Values: langs},
	)
	if err := app.Save(tickets); err != nil {
		return fmt.Errorf("tickets language: %w", err)
	}
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return fmt.Errorf("queue languages: %w", err)
	}
	staff.Fields.Add(&core.SelectField{Name: "serves_languages", MaxSelect: 2, Values: langs})
	staff.UpdateRule = types.Pointer(ruleStaffSelfLanguages)
	if err := app.Save(staff); err != nil {
		return fmt.Errorf("staff serves_languages: %w", err)
	}
	office, err := app.FindCollectionByNameOrId("office")
	if err != nil {
		return fmt.Errorf("queue languages: %w", err)
	}
	office.Fields.Add(&core.NumberField{Name: "queue_language_wait_minutes", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(240.0)})
	if err := app.Save(office); err != nil {
		return fmt.Errorf("office queue_language_wait_minutes: %w", err)
	}
	if _, err := app.DB().NewQuery("UPDATE office SET queue_language_wait_minutes = 10").Execute(); err != nil {
		return fmt.Errorf("office default language wait: %w", err)
	}
	return nil
}

func downQueueLanguages(app core.App) error {
	for col, fields := range map[string][]string{
		"tickets": {"language", "called_languages"},
		"staff":   {"serves_languages"},
		"office":  {"queue_language_wait_minutes"},
	} {
		c, err := app.FindCollectionByNameOrId(col)
		if err != nil {
			continue
		}
		for _, f := range fields {
			c.Fields.RemoveByName(f)
		}
		if col == "staff" {
			c.UpdateRule = types.Pointer(ruleStaffSelf)
		}
		if err := app.Save(c); err != nil {
			return fmt.Errorf("drop queue languages from %s: %w", col, err)
		}
	}
	return nil
}
