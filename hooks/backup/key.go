package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupkey"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// The office's backup key. The server stores public keys only (age
// recipients); the secret exists on the printed recovery sheet and nowhere
// else. A key goes through two states:
//
//   - pending: a leader (or the IT person) made a key and printed its sheet;
//     nothing is encrypted to it yet, so a sheet that never left the printer
//     costs nothing;
//   - active: a leader scanned (or typed) the printed sheet back and the server
//     checked that it opens this key; from then on every backup is encrypted
//     to it, and a fresh backup is made at once.
//
// Until a key is active, backups are plain ("motcua-backup/1") and the
// dashboard says so. Making a new key while one is active is the re-key ("the
// sheet is lost but the old PC still works"): the old key stays in use until
// the new sheet is confirmed, and its sheet keeps opening the backups made
// with it (backup_key_history lists them).

// keyState is the office's backup key as stored on the office record.
type keyState struct {
	Recipient          string // the active key ("": none yet)
	Fingerprint        string
	ConfirmedAt        time.Time
	ConfirmedBy        string
	Pending            string // a key whose sheet is not confirmed yet
	PendingFingerprint string
	PendingAt          time.Time
	History            []keyHistory
}

// keyHistory is an earlier key: its sheet opens the backups made until Until.
type keyHistory struct {
	Fingerprint string `json:"fingerprint"`
	Recipient   string `json:"recipient"`
	From        string `json:"from"`
	Until       string `json:"until"`
}

// keyStatus is the backup key as the status route shows it (no secret: the
// fingerprints and dates only).
type keyStatus struct {
	Active             bool         `json:"active"`
	Fingerprint        string       `json:"fingerprint"`
	ConfirmedAt        string       `json:"confirmed_at"`
	ConfirmedBy        string       `json:"confirmed_by"`
	Pending            bool         `json:"pending"`
	PendingFingerprint string       `json:"pending_fingerprint"`
	PendingAt          string       `json:"pending_at"`
	Earlier            []keyHistory `json:"earlier"`
}

func fingerprintOf(recipient string) string {
	if recipient == "" {
		return ""
	}
	r, err := backupkey.ParseRecipient(recipient)
	if err != nil {
		return "????-????"
	}
	return backupkey.Fingerprint(r)
}

// loadKeyState reads the office's backup key.
func loadKeyState(app core.App) (*keyState, error) {
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, err
	}
	k := &keyState{
		Recipient:   office.GetString("backup_recipient"),
		ConfirmedAt: office.GetDateTime("backup_key_confirmed_at").Time(),
		ConfirmedBy: office.GetString("backup_key_confirmed_by"),
		Pending:     office.GetString("backup_recipient_pending"),
		PendingAt:   office.GetDateTime("backup_key_pending_at").Time(),
	}
	k.Fingerprint = fingerprintOf(k.Recipient)
	k.PendingFingerprint = fingerprintOf(k.Pending)
	if raw := office.GetString("backup_key_history"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &k.History); err != nil {
			return nil, fmt.Errorf("backup key history: %w", err)
		}
	}
	return k, nil
}

func (k *keyState) status() keyStatus {
	s := keyStatus{Active: k.Recipient != "", Fingerprint: k.Fingerprint, ConfirmedBy: k.ConfirmedBy,
		Pending: k.Pending != "", PendingFingerprint: k.PendingFingerprint, Earlier: k.History}
	if s.Earlier == nil {
		s.Earlier = []keyHistory{}
	}
	if !k.ConfirmedAt.IsZero() && s.Active {
		s.ConfirmedAt = k.ConfirmedAt.UTC().Format(time.RFC3339)
	}
	if !k.PendingAt.IsZero() && s.Pending {
		s.PendingAt = k.PendingAt.UTC().Format(time.RFC3339)
	}
	return s
}

// newPendingKey makes the code of the office's next backup key and stores its
// recipient as pending. The code is returned once, for the sheet, and never
// stored.
func newPendingKey(app core.App, now time.Time) (backupkey.Code, *keyState, error) {
	office, err := domain.FindOffice(app)
	if err != nil {
		return backupkey.Code{}, nil, err
	}
	code, err := backupkey.Rekey(office.GetString("backup_recipient"))
	if err != nil {
		return backupkey.Code{}, nil, fmt.Errorf("new backup key: %w", err)
	}
	r, err := code.Recipient()
	if err != nil {
		return backupkey.Code{}, nil, err
	}
	office.Set("backup_recipient_pending", r.String())
	office.Set("backup_key_pending_at", base.DateTime(now))
	if err := app.Save(office.Record); err != nil {
		return backupkey.Code{}, nil, fmt.Errorf("store the new backup key: %w", err)
	}
	k, err := loadKeyState(app)
	return code, k, err
}

// errKeyInUse is a confirmation with the sheet of the key already in use.
var errKeyInUse = errors.New("this sheet belongs to the key in use")

// confirmKey checks a code scanned or typed from the printed sheet against the
// pending key and, when it opens it, makes it the office's backup key. The
// sheet of the key already in use answers errKeyInUse (nothing to do); any
// other sheet is refused with both fingerprints.
func confirmKey(app core.App, typed, by string, now time.Time) (*keyState, error) {
	code, err := backupkey.ParseCode(typed)
	if err != nil {
		return nil, err
	}
	r, err := code.Recipient()
	if err != nil {
		return nil, err
	}
	office, err := domain.FindOffice(app)
	if err != nil {
		return nil, err
	}
	got := backupkey.Fingerprint(r)
	active, pending := office.GetString("backup_recipient"), office.GetString("backup_recipient_pending")
	switch {
	case pending != "" && r.String() == pending:
	case active != "" && r.String() == active:
		return nil, errKeyInUse
	case pending != "":
		return nil, backupkey.WrongKey(fingerprintOf(pending), got)
	case active != "":
		return nil, backupkey.WrongKey(fingerprintOf(active), got)
	default:
		return nil, opErr("backup.key_nothing_pending", nil)
	}
	k, err := loadKeyState(app)
	if err != nil {
		return nil, err
	}
	if active != "" {
		from := ""
		if !k.ConfirmedAt.IsZero() {
			from = k.ConfirmedAt.UTC().Format(time.RFC3339)
		}
		k.History = append(k.History, keyHistory{Fingerprint: fingerprintOf(active), Recipient: active,
			From: from, Until: now.UTC().Format(time.RFC3339)})
		hist, err := json.Marshal(k.History)
		if err != nil {
			return nil, err
		}
		office.Set("backup_key_history", string(hist))
	}
	office.Set("backup_recipient", pending)
	office.Set("backup_key_confirmed_at", base.DateTime(now))
	office.Set("backup_key_confirmed_by", by)
	office.Set("backup_recipient_pending", "")
	office.Set("backup_key_pending_at", "")
	if err := app.Save(office.Record); err != nil {
		return nil, fmt.Errorf("store the confirmed backup key: %w", err)
	}
	return loadKeyState(app)
}

// keyError answers a refused key action with its message key: a code that is
// no code or of another key is the caller's to fix (400), the sheet of the key
// in use or no key to confirm a conflict (409).
func keyError(err error) error {
	if k, args := backupkey.KeyOf(err); k != "" {
		return base.KeyedError(http.StatusBadRequest, k, args...)
	}
	if errors.Is(err, errKeyInUse) {
		return base.KeyedError(http.StatusConflict, "backup.key_in_use")
	}
	var oe *base.OpError
	if errors.As(err, &oe) {
		return base.KeyedError(http.StatusConflict, oe.Key, oe.Args...)
	}
	return err
}

// actorName names who confirmed a key: the staff member's name, or the
// superuser's email.
func actorName(auth *core.Record) string {
	if auth == nil {
		return ""
	}
	if auth.IsSuperuser() {
		return auth.Email()
	}
	if n := auth.GetString("name"); n != "" {
		return n
	}
	return auth.GetString("username")
}

// keyAnswer is the answer of POST /api/motcua/backup/key: the sheet, once.
type keyAnswer struct {
	Fingerprint string    `json:"fingerprint"`
	Groups      [8]string `json:"groups"`
	QR          string    `json:"qr"`         // data: URL of the QR code PNG
	SheetHTML   string    `json:"sheet_html"` // the printable page (A4)
	Replaces    string    `json:"replaces"`   // fingerprint of the key in use, if any
	MadeAt      string    `json:"made_at"`
}

// handleKeyNew makes a pending key and answers its sheet. The code is in this
// answer and nowhere else: no-store, and nothing logs it.
func handleKeyNew(e *core.RequestEvent) error {
	now := base.Now(e.App)
	code, k, err := newPendingKey(e.App, now)
	if err != nil {
		return err
	}
	sheet, err := renderSheet(e.App, code, k, now)
	if err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, keyAnswer{Fingerprint: sheet.Fingerprint, Groups: sheet.Groups, QR: string(sheet.QR),
		SheetHTML: sheet.HTML, Replaces: k.Fingerprint, MadeAt: now.UTC().Format(time.RFC3339)})
}

// handleKeyConfirm takes {"code": "<scanned or typed>"} and, when it opens the
// pending key, makes it the office's backup key and starts a fresh backup.
func handleKeyConfirm(e *core.RequestEvent) error {
	var body struct {
		Code string `json:"code"`
	}
	if err := e.BindBody(&body); err != nil || len(body.Code) > 1000 {
		return base.KeyedError(http.StatusBadRequest, backupkey.KeyCodeInvalid)
	}
	k, err := confirmKey(e.App, body.Code, actorName(e.Auth), base.Now(e.App))
	if err != nil {
		return keyError(err)
	}
	startBackup(e.App, "key")
	return e.JSON(http.StatusOK, k.status())
}
