package base

import (
	"errors"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/i18n"
)

// KeyedError is an API error that carries a message key and its text in
// Vietnamese and Khmer (and English), so every client can show it in the
// reader's language without a lookup of its own.
func KeyedError(status int, key string, args ...any) *router.ApiError {
	return &router.ApiError{
		Status:  status,
		Message: i18n.T("vi", key, args...),
		Data: map[string]any{
			"key": key,
			"vi":  i18n.T("vi", key, args...),
			"km":  i18n.T("km", key, args...),
			"en":  i18n.T("en", key, args...),
		},
	}
}

// FieldError is the translated error of one form field, in the shape PocketBase
// uses for its own validation errors ({code, message}) plus the Khmer text.
type FieldError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageKM string `json:"message_km"`
	// Params are the values of the key's placeholders ({name}: the file),
	// for a client that shows the key in another language.
	Params map[string]string `json:"params,omitempty"`
}

// FieldErrors is a 400 answer with one keyed error per bad field.
func FieldErrors(fields map[string]string) *router.ApiError {
	keyed := make(map[string]FieldKey, len(fields))
	for f, key := range fields {
		keyed[f] = FieldKey{Key: key}
	}
	return FieldErrorsWith(keyed)
}

// FieldKey is a field's message key with the values of its placeholders.
type FieldKey struct {
	Key    string
	Params map[string]string
}

// FieldErrorsWith is FieldErrors for keys with placeholders, such as
// error.scan_type's {name}.
func FieldErrorsWith(fields map[string]FieldKey) *router.ApiError {
	data := make(map[string]any, len(fields))
	for f, k := range fields {
		args := make([]any, 0, 2*len(k.Params))
		for p, v := range k.Params {
			args = append(args, p, v)
		}
		data[f] = FieldError{Code: k.Key, Message: i18n.T("vi", k.Key, args...), MessageKM: i18n.T("km", k.Key, args...), Params: k.Params}
	}
	err := KeyedError(http.StatusBadRequest, "error.form_invalid")
	err.Data = data
	return err
}

// validationKeys maps PocketBase's field validation codes to our message keys.
var validationKeys = map[string]string{
	"validation_required":            "error.field_required",
	"validation_max_text_constraint": "error.value_too_long",
	"validation_length_too_long":     "error.value_too_long",
	"validation_missing_rel_records": "error.value_not_found",
}

// KeyedValidation turns PocketBase's own field validation errors (a name over
// its length, a relation to a record that does not exist, a scan of the wrong
// type or size) into keyed errors in Vietnamese and Khmer, the shape every
// other field error has; anything else is returned as it is. Given the record
// that failed, a file error names the file as the officer chose it (PocketBase
// names it by its stored name).
func KeyedValidation(err error, record ...*core.Record) error {
	var verrs validation.Errors
	var apiErr *router.ApiError
	switch {
	case errors.As(err, &verrs):
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
		// PocketBase's record create wraps them in its "Failed to create record".
		raw, _ := apiErr.RawData().(error)
		if !errors.As(raw, &verrs) {
			return err
		}
	default:
		return err
	}
	fields := make(map[string]FieldKey, len(verrs))
	for name, fe := range verrs {
		key := FieldKey{Key: "error.value_invalid"}
		var ve validation.Error
		switch {
		case !errors.As(fe, &ve):
		case fileKeys[ve.Code()] != "":
			key = fileError(ve, name, record)
		case validationKeys[ve.Code()] != "":
			key.Key = validationKeys[ve.Code()]
		}
		fields[name] = key
	}
	return FieldErrorsWith(fields)
}

// Staff roles (the staff.role values).
const (
	RoleReception = "reception"
	RoleProcessor = "processor"
	RoleLeader    = "leader"
	RoleField     = "field"
)

// RequireStaff lets through a signed-in staff account with one of roles (any role
// when none are given) and superusers; guests get 401 and other roles 403, both
// with a message key.
func RequireStaff(roles ...string) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if e.Auth == nil {
			return KeyedError(http.StatusUnauthorized, "error.sign_in_required")
		}
		if e.Auth.IsSuperuser() {
			return e.Next()
		}
		if e.Auth.Collection().Name != ColStaff {
			return KeyedError(http.StatusForbidden, "error.role_forbidden")
		}
		if len(roles) == 0 {
			return e.Next()
		}
		role := e.Auth.GetString("role")
		for _, r := range roles {
			if r == role {
				return e.Next()
			}
		}
		return KeyedError(http.StatusForbidden, "error.role_forbidden")
	}
}
