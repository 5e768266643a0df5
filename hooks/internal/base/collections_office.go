package base

// Collections of the office PC's self-reliance (issue 19): the clock marks a
// leader or the IT person leaves when the clock guard asks, and the emergency
// receipt pads with their sheets.
const (
	ColClockMarks      = "clock_marks"
	ColEmergencyPads   = "emergency_pads"
	ColEmergencySheets = "emergency_sheets"
)
