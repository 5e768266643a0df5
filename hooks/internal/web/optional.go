package web

import (
	"regexp"

	"motcua/hooks/i18n"
)

// optionalMark matches a paper name that already says it is optional, as the
// catalogue writes many: "… (nếu có)", "… (បើមាន)", "… (ប្រសិនបើមាន)".
// The same rule is in intake.js, for the intake page's labels.
var optionalMark = regexp.MustCompile(`\((nếu có|Nếu có|បើមាន|ប្រសិនបើមាន|if any)\)\s*$`)

// OptionalLabel is what follows an optional paper's name in lang: " (nếu
// có)", or nothing when the name already says so (else it would read
// "(nếu có) (nếu có)"). A required paper gets nothing.
func OptionalLabel(lang, name string, required bool) string {
	if required || optionalMark.MatchString(name) {
		return ""
	}
	return " (" + i18n.T(lang, "catalogue.optional") + ")"
}
