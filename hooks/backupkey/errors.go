package backupkey

import (
	"errors"
	"fmt"
)

// Message keys of refusals about backup keys, translated where they are shown
// (hooks/i18n). Args carry the placeholders named in each text.
const (
	// KeyCodeInvalid: the input holds something other than digits and
	// separators, or is the QR code of something else.
	KeyCodeInvalid = "error.backup_code_invalid"
	// KeyCodeLength: not 48 digits in all; Args "count".
	KeyCodeLength = "error.backup_code_length"
	// KeyCodeGroup: one group fails its check (a typo); Args "group" (1–8).
	KeyCodeGroup = "error.backup_code_group"
	// KeyWrongKey: the code is a good code, but of another backup key than the
	// one the backup was made with (the wrong sheet); Args "want", "got"
	// (fingerprints).
	KeyWrongKey = "error.backup_wrong_key"
	// KeyNeeded: an encrypted backup was given without a code; Args "want".
	KeyNeeded = "error.backup_key_needed"
	// KeyNotEncrypted is a notice, not a refusal: the backup was written by an
	// older motcua without encryption.
	KeyNotEncrypted = "error.backup_not_encrypted"
)

// Error is a refusal with a message key and its placeholders, so the command
// line and the pages can say it in Vietnamese, Khmer or English.
type Error struct {
	Key    string
	Args   []any // placeholder name/value pairs, as i18n.T takes them
	Detail string
}

// Error gives the key and the technical detail, for logs.
func (e *Error) Error() string {
	if e.Detail == "" {
		return "backup key: " + e.Key
	}
	return "backup key: " + e.Key + ": " + e.Detail
}

func refuse(key, detail string, args ...any) *Error {
	return &Error{Key: key, Args: args, Detail: detail}
}

// KeyOf returns the message key and placeholders of a refusal, or "" for any
// other error.
func KeyOf(err error) (string, []any) {
	var e *Error
	if errors.As(err, &e) {
		return e.Key, e.Args
	}
	return "", nil
}

// WrongKey is the refusal for a code (or identity) whose fingerprint got is
// not the fingerprint want a backup was made with.
func WrongKey(want, got string) error {
	return refuse(KeyWrongKey, fmt.Sprintf("backup made with key %s, code is for key %s", want, got), "want", want, "got", got)
}

// Needed is the refusal for an encrypted backup opened without a code.
func Needed(want string) error {
	return refuse(KeyNeeded, "backup made with key "+want, "want", want)
}
