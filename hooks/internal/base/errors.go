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
}

// FieldErrors is a 400 answer with one keyed error per bad field.
func FieldErrors(fields map[string]string) *router.ApiError {
	data := make(map[string]any, len(fields))
	for f, key := range fields {
		data[f] = FieldError{Code: key, Message: i18n.T("vi", key), MessageKM: i18n.T("km", key)}
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
// its length, a relation to a record that does not exist) into keyed errors in
// Vietnamese and Khmer, the shape every other field error has; anything else is
// returned as it is.
func KeyedValidation(err error) error {
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
	fields := make(map[string]string, len(verrs))
	for name, fe := range verrs {
		key := "error.value_invalid"
		var ve validation.Error
		if errors.As(fe, &ve) && validationKeys[ve.Code()] != "" {
			key = validationKeys[ve.Code()]
		}
		fields[name] = key
	}
	return FieldErrors(fields)
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
