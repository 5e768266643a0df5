// Package notify sends SMS notices to citizens: when their dossier is
// received, when papers are missing, when the result is ready, when the due
// date moves (with form 04's apology), when it is refused and when the result
// is handed back, and, for the mobile teams, the day before a team visits
// their hamlet (domain.EnqueueSMS). It sends through a USB GSM modem (package
// sms/modem, no internet needed) or an SMS brandname gateway over HTTP
// (sms/gateway), from one outbox in the database that survives restarts and
// power cuts, within the office's hours and daily cap. No SMS goes to a
// citizen who did not agree at intake; none names an ID number or an address.
//
// The texts are the catalogues' (sms.text_<kind>, Vietnamese sent without
// diacritics, Khmer in UCS-2), unless the office wrote its own in the
// settings (sms_settings.texts), checked when saved; each notice keeps to
// three SMS, shortening the procedure's name, the reason or the papers, never
// the dossier code.
package notify

import (
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Register binds the outbox: the dossier events that queue notices, the
// settings' checks, the worker while the server runs, the leaders' routes
// and the dashboard's "sms" panel, and domain.EnqueueSMS for the other
// capabilities.
func Register(app core.App) {
	n := notifierOf(app)
	domain.SetSMSOutbox(app, domain.SMSOutbox{Enqueue: enqueue, Cancel: cancel})
	app.OnRecordAfterCreateSuccess(base.ColDossierEvents).BindFunc(onEventCreated)
	app.OnRecordValidate(base.ColSMSSettings).BindFunc(validateSettings)
	app.OnRecordAfterUpdateSuccess(base.ColSMSSettings).BindFunc(func(e *core.RecordEvent) error {
		notifierOf(e.App).forgetStatus()
		return e.Next()
	})
	base.BindServe(app, "motcua.notify",
		base.ServeStep{Name: "sms routes", Bind: bindRoutes},
		base.ServeStep{Name: "sms worker", Bind: func(se *core.ServeEvent) error {
			if manual, _ := se.App.Store().Get(manualStoreKey).(bool); !manual {
				go n.run(base.UntilTerminate(se.App))
			}
			return nil
		}},
	)
	domain.AddPanel(app, domain.Panel{Name: "sms", Build: panel})
}

// manualStoreKey, set to true in an app's store before it serves, keeps the
// worker from starting: tests drive it one step at a time.
const manualStoreKey = "motcua.notify.manual"

// gatewayHost names a gateway by its host, for the dashboard (never the
// whole URL: it may hold a key).
func gatewayHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
