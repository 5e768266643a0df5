package intake

import "regexp"

// codeFormat is the shape of a dossier code: agency code, yymmdd, NNNN.
var codeFormat = regexp.MustCompile(`^[0-9A-Za-z]+(\.[0-9A-Za-z]+)+-[0-9]{6}-[0-9]{4}$`)
