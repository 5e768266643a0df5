package hooks

// Collection names: contracts that printed QR codes and other programs depend on.
const (
	colStaff           = "staff"
	colOffice          = "office"
	colProcedures      = "procedures"
	colHolidays        = "holidays"
	colDossiers        = "dossiers"
	colDossierEvents   = "dossier_events"
	colDossierSequence = "dossier_sequences"
	colRatings         = "ratings"
	colDevices         = "devices"
	colServiceGroups   = "service_groups"
	colCounters        = "counters"
	colTickets         = "tickets"
	colFieldKits       = "field_kits"
)
