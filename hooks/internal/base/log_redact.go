package base

import (
	"regexp"

	"github.com/pocketbase/pocketbase/core"
)

// secretParamRe finds query parameters that carry a secret in a URL: the lookup
// key of the public status page (/tra-cuu/<code>?k=<key>) and file tokens.
var secretParamRe = regexp.MustCompile(`([?&](?:k|key|lookup_key|token)=)[^&#\s"']*`)

// RedactedValue replaces a secret in a log line.
const RedactedValue = "[redacted]"

// RedactSecrets removes lookup keys and tokens from a URL or log message.
func RedactSecrets(s string) string {
	return secretParamRe.ReplaceAllString(s, "${1}"+RedactedValue)
}

// bindLogRedaction keeps lookup keys out of the request log: PocketBase logs
// every request's URL (and referer, which for a page opened from a receipt QR
// code holds the key too). Whoever reads the logs (the dashboard, a log export,
// a screenshot sent for help) must not be able to open a citizen's dossier.
func bindLogRedaction(app core.App) {
	app.OnModelCreate(core.LogsTableName).BindFunc(redactLog)
}

func redactLog(e *core.ModelEvent) error {
	if l, ok := e.Model.(*core.Log); ok {
		l.Message = RedactSecrets(l.Message)
		for k, v := range l.Data {
			if s, ok := v.(string); ok {
				l.Data[k] = RedactSecrets(s)
			}
		}
	}
	return e.Next()
}
