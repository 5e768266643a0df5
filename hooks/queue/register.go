package queue

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Register binds the queue: the kiosk and lobby TV pages, ticket issue, the
// counters' calls, the board and its heartbeat, the dashboard's queue panel,
// and the TV's voice clips with their recording page and checks.
func Register(app core.App) {
	base.BindServe(app, "motcua.queue",
		base.ServeStep{Name: "queue", Bind: bindQueueRoutes},
		base.ServeStep{Name: "voice", Bind: bindVoiceRoutes})
	domain.AddPanel(app, domain.Panel{Name: "queue", Build: queuePanel})
	domain.AddPanel(app, domain.Panel{Name: "queue_languages", Build: queueLanguagePanel})
	domain.AddReportAnnex(app, domain.Annex{Name: "queue_languages", Build: queueLanguageAnnex})
	app.OnRecordValidate(base.ColVoiceClips).BindFunc(checkVoiceClipRecord)
}
