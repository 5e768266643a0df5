package base

// Collection names: contracts that printed QR codes and other programs depend on.
const (
	ColStaff           = "staff"
	ColOffice          = "office"
	ColProcedures      = "procedures"
	ColHolidays        = "holidays"
	ColDossiers        = "dossiers"
	ColDossierEvents   = "dossier_events"
	ColDossierSequence = "dossier_sequences"
	ColRatings         = "ratings"
	ColDevices         = "devices"
	ColServiceGroups   = "service_groups"
	ColCounters        = "counters"
	ColTickets         = "tickets"
	ColFieldKits       = "field_kits"
	ColVoiceClips      = "voice_clips"
	ColSMSOutbox       = "sms_outbox"
	ColSMSSettings     = "sms_settings"
)
