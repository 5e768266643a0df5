package queue

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Register binds the queue: the kiosk and lobby TV pages, ticket issue, the
// counters' calls, the board and its heartbeat, and the dashboard's queue panel.
func Register(app core.App) {
	base.BindServe(app, "motcua.queue", base.ServeStep{Name: "queue", Bind: bindQueueRoutes})
	domain.AddPanel(app, domain.Panel{Name: "queue", Build: queuePanel})
}
