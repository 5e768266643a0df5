package public

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/domain"
)

// closingReason is the reason the status page shows a citizen whose dossier
// was refused or stopped: the one the officer gave with that action (it is in
// the event's data, and on the letter the citizen may not have received yet).
// Other statuses have none.
func closingReason(app core.App, id, status string) string {
	switch status {
	case domain.StatusRefused:
		return domain.LastReason(app, id, domain.ActionRefuse)
	case domain.StatusStopped:
		return domain.LastReason(app, id, domain.ActionStop)
	}
	return ""
}
