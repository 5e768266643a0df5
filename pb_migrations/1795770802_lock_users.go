package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// PocketBase creates a "users" auth collection that anyone may sign up to.
// motcua does not use it (staff are in "staff"), so it is closed: superuser only,
// no public sign-up and no sign-in, instead of leaving an open door.
func init() {
	m.Register(upLockUsers, downLockUsers)
}

func upLockUsers(app core.App) error {
	c, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return nil // already gone
	}
	c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil, nil, nil
	c.AuthRule = nil // nobody signs in to it
	c.PasswordAuth.Enabled = false
	if err := app.Save(c); err != nil {
		return fmt.Errorf("close users collection: %w", err)
	}
	return nil
}

func downLockUsers(app core.App) error {
	c, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return nil
	}
	// PocketBase's defaults for the users collection.
	own := "id = @request.auth.id"
	c.ListRule, c.ViewRule, c.UpdateRule, c.DeleteRule = &own, &own, &own, &own
	c.CreateRule = types.Pointer("")
	c.AuthRule = types.Pointer("")
	c.PasswordAuth.Enabled = true
	return app.Save(c)
}
