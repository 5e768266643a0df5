package base

import "motcua/hooks/i18n"

// OpError is a failed backup or restore step with a message key, so the CLI,
// the backup_runs record and the leader's start page say the same thing in the
// reader's language, and the cause is kept for the IT person.
type OpError struct {
	Key  string
	Args []any // placeholder name/value pairs for the key's text
	Err  error
}

// Error is the message in English with its cause, for logs.
func (e *OpError) Error() string {
	msg := i18n.T("en", e.Key, e.Args...)
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap gives the cause.
func (e *OpError) Unwrap() error { return e.Err }

// Text is the message in lang, without the technical cause.
func (e *OpError) Text(lang string) string { return i18n.T(lang, e.Key, e.Args...) }
