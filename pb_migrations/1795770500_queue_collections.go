package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/catalog"
)

// ruleQueueRead lets staff and the lobby devices (kiosk, TV) read the queue
// collections. Tickets carry no personal data, so a lobby screen may see them;
// devices match no other collection's rules, so they read nothing else.
const ruleQueueRead = `@request.auth.collectionName = "staff" || @request.auth.collectionName = "devices"`

// ruleDeviceSelf matches a device's own record only.
const ruleDeviceSelf = `@request.auth.collectionName = "devices" && id = @request.auth.id`

// The queue: service groups (seeded), counters, tickets, the lobby device
// accounts, and the link from a dossier to the ticket its intake started from.
func init() {
	m.Register(upQueueCollections, downQueueCollections)
}

func upQueueCollections(app core.App) error {
	for _, b := range []func() *core.Collection{devicesCollection, serviceGroupsCollection, countersCollection, ticketsCollection} {
		c := b()
		if err := app.Save(c); err != nil {
			return fmt.Errorf("create collection %s: %w", c.Name, err)
		}
	}
	// The self-relation needs the collection to exist first.
	tickets, err := app.FindCollectionByNameOrId("tickets")
	if err != nil {
		return err
	}
	tickets.Fields.Add(&core.RelationField{Name: "transferred_from", MaxSelect: 1, CollectionId: "motcua_tickets"})
	tickets.AddIndex("idx_tickets_number", true, "day, `group`, number", "transferred_from = ''")
	if err := app.Save(tickets); err != nil {
		return fmt.Errorf("tickets transferred_from: %w", err)
	}
	dossiers, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return err
	}
	dossiers.Fields.Add(&core.RelationField{Name: "ticket", MaxSelect: 1, CollectionId: "motcua_tickets"})
	if err := app.Save(dossiers); err != nil {
		return fmt.Errorf("dossiers ticket: %w", err)
	}
	groups, err := catalog.ServiceGroups()
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := insertRecord(app, "service_groups", g, map[string]any{"active": true}); err != nil {
			return fmt.Errorf("service group %s: %w", g.Letter, err)
		}
	}
	return nil
}

func downQueueCollections(app core.App) error {
	dossiers, err := app.FindCollectionByNameOrId("dossiers")
	if err == nil {
		dossiers.Fields.RemoveByName("ticket")
		if err := app.Save(dossiers); err != nil {
			return fmt.Errorf("dossiers drop ticket: %w", err)
		}
	}
	for _, name := range []string{"tickets", "counters", "service_groups", "devices"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("delete collection %s: %w", name, err)
		}
	}
	return nil
}

// devicesCollection holds the lobby's kiosk and TV accounts. Only the superuser
// manages them; a device signs in once (username and password) and its token
// lasts 30 days, renewed by the page while it runs.
func devicesCollection() *core.Collection {
	c := core.NewAuthCollection("devices", "motcua_devices")
	c.AuthRule = types.Pointer("")
	// A device sees only itself, so any other device record answers 404.
	c.ListRule = types.Pointer(ruleDeviceSelf)
	c.ViewRule = types.Pointer(ruleDeviceSelf)
	c.Fields.Add(
		&core.TextField{Name: "username", Required: true, Min: 3, Max: 50, Pattern: `^[a-z0-9._-]+$`},
		text("name", true, 100),
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"kiosk", "display"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	if f, ok := c.Fields.GetByName("email").(*core.EmailField); ok {
		f.Required = false
	}
	c.AddIndex("idx_devices_username", true, "username", "")
	c.PasswordAuth.IdentityFields = []string{"username"}
	c.AuthToken.Duration = 30 * 24 * 3600
	return c
}

func serviceGroupsCollection() *core.Collection {
	c := core.NewBaseCollection("service_groups", "motcua_service_groups")
	c.ListRule = types.Pointer(ruleQueueRead)
	c.ViewRule = types.Pointer(ruleQueueRead)
	c.Fields.Add(
		&core.TextField{Name: "letter", Required: true, Pattern: `^[A-Z]$`},
		text("name_vi", true, 200),
		text("name_km", true, 300),
		&core.JSONField{Name: "fields_vi", MaxSize: 4000},
		&core.BoolField{Name: "active"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_service_groups_letter", true, "letter", "")
	return c
}

func countersCollection() *core.Collection {
	c := core.NewBaseCollection("counters", "motcua_counters")
	c.ListRule = types.Pointer(ruleQueueRead)
	c.ViewRule = types.Pointer(ruleQueueRead)
	c.Fields.Add(
		&core.NumberField{Name: "number", Required: true, OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(99.0)},
		text("name", false, 100),
		&core.RelationField{Name: "groups", Required: true, MaxSelect: 20, CollectionId: "motcua_service_groups"},
		&core.BoolField{Name: "active"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_counters_number", true, "number", "")
	return c
}

// ticketsCollection is the queue itself. Nobody writes it through the record
// API: the /api/motcua/queue routes do, each change in one transaction.
func ticketsCollection() *core.Collection {
	c := core.NewBaseCollection("tickets", "motcua_tickets")
	c.ListRule = types.Pointer(ruleQueueRead)
	c.ViewRule = types.Pointer(ruleQueueRead)
	c.Fields.Add(
		&core.RelationField{Name: "group", Required: true, MaxSelect: 1, CollectionId: "motcua_service_groups"},
		&core.TextField{Name: "letter", Required: true, Pattern: `^[A-Z]$`},
		&core.NumberField{Name: "number", Required: true, OnlyInt: true, Min: types.Pointer(1.0)},
		&core.TextField{Name: "code", Required: true, Max: 10},
		&core.BoolField{Name: "priority"},
		&core.SelectField{Name: "priority_reason", MaxSelect: 1, Values: []string{"elderly", "disability", "pregnant", "small_children"}},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"waiting", "called", "serving", "done", "no_show", "transferred"}},
		&core.TextField{Name: "day", Required: true, Pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`},
		&core.DateField{Name: "issued_at", Required: true},
		&core.DateField{Name: "called_at"},
		&core.DateField{Name: "served_at"},
		&core.DateField{Name: "finished_at"},
		&core.RelationField{Name: "counter", MaxSelect: 1, CollectionId: "motcua_counters"},
		&core.RelationField{Name: "called_by", MaxSelect: 1, CollectionId: "motcua_staff"},
		&core.NumberField{Name: "recalls", OnlyInt: true, Min: types.Pointer(0.0)},
		// Figures kept for the reports: seconds from issue to call, and from call to finish.
		&core.NumberField{Name: "wait_seconds", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "service_seconds", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_tickets_waiting", false, "status, day, `group`, priority, issued_at", "")
	c.AddIndex("idx_tickets_counter", false, "counter, status", "")
	c.AddIndex("idx_tickets_issued_at", false, "issued_at", "")
	return c
}
