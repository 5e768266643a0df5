package intake

import (
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/domain"
)

// defaultPaper is the paper a receipt prints on by default (the page's buttons
// and ?paper= still change it): a mobile team's 80 mm roll for a dossier taken
// in by a team or on a team laptop, else the office's choice, A4 (both copies
// on one sheet) unless it chose A5.
func defaultPaper(app core.App, office *domain.Office, d *domain.Dossier) string {
	if d.GetBool("mobile") {
		return domain.PaperRoll
	}
	if kit, err := domain.FindLocalKit(app); err == nil && kit != nil {
		return domain.PaperRoll
	}
	return office.ReceiptPaper()
}
