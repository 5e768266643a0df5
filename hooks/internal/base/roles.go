package base

import (
	"github.com/pocketbase/pocketbase/core"
)

// RoleOf is the workflow role of an authenticated caller; a superuser acts as a
// leader.
func RoleOf(auth *core.Record) string {
	if auth == nil {
		return ""
	}
	if auth.IsSuperuser() {
		return RoleLeader
	}
	return auth.GetString("role")
}
