package public

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/domain"
)

// pendingPaper answers the status page for the QR of an emergency receipt
// (hooks/emergency) that has not been keyed in yet: the citizen scanned a
// genuine paper, so the page says plainly to come back later, and it is no
// failed guess (the limiter does not count it). A voided sheet says to ask at
// the counter. Anything else is not answered here: the ordinary not-found.
func pendingPaper(e *core.RequestEvent, code, key string) (bool, error) {
	if !codePattern.MatchString(code) || key == "" || len(key) > 64 {
		return false, nil
	}
	switch domain.EmergencyPaperState(e.App, code, key) {
	case domain.SheetUnused:
		return true, renderLookupMessage(e, http.StatusOK, "lookup.pad_pending_title", "lookup.pad_pending")
	case domain.SheetVoided:
		return true, renderLookupMessage(e, http.StatusOK, "lookup.pad_voided_title", "lookup.pad_voided")
	}
	return false, nil
}
