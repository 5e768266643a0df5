package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// roleOf is the workflow role of an authenticated caller; a superuser acts as a
// leader.
func roleOf(auth *core.Record) string {
	if auth == nil {
		return ""
	}
	if auth.IsSuperuser() {
		return roleLeader
	}
	return auth.GetString("role")
}
