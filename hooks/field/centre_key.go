package field

import (
	"fmt"

	"filippo.io/age"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// The centre's key for bundles. Bundles are encrypted to the centre's X25519
// public key (the recipient, written into every kit), so a laptop can write
// them and nobody who finds the USB stick can read them, not even the laptop
// that wrote them. The private half (the identity) is made once, the first
// time a kit is issued, and kept in the office record (office.field_identity):
// in the database, so a restored backup still opens the bundles of kits
// already out in the field, and hidden from every API, superusers included
// (hideCentreIdentity); only the import reads it. A kit file never carries
// it: recordData leaves hidden fields out.

const (
	fieldIdentity  = "field_identity"
	fieldRecipient = "field_recipient"
)

// ensureCentreKey returns the centre's recipient, making the key pair first
// if the office has none yet. It runs in its own transaction, so two leaders
// issuing kits at once end with one key.
func ensureCentreKey(app core.App) (string, error) {
	var recipient string
	err := app.RunInTransaction(func(tx core.App) error {
		office, err := domain.FindOffice(tx)
		if err != nil {
			return err
		}
		if id, err := fieldbundle.ParseCentreIdentity(office.GetString(fieldIdentity)); err == nil {
			recipient = id.Recipient().String()
			if office.GetString(fieldRecipient) != recipient {
				office.Set(fieldRecipient, recipient)
				return tx.Save(office.Record)
			}
			return nil
		}
		identity, rcpt, err := fieldbundle.NewCentreIdentity()
		if err != nil {
			return err
		}
		office.Set(fieldIdentity, identity)
		office.Set(fieldRecipient, rcpt)
		if err := tx.Save(office.Record); err != nil {
			return fmt.Errorf("save centre key: %w", err)
		}
		recipient = rcpt
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("centre key: %w", err)
	}
	return recipient, nil
}

// centreIdentity is the centre's identity for opening bundles, or nil when
// no kit was ever issued with one (version-2 bundles are then refused with
// fieldbundle.KeyRecipient).
func centreIdentity(office *domain.Office) age.Identity {
	id, err := fieldbundle.ParseCentreIdentity(office.GetString(fieldIdentity))
	if err != nil {
		return nil
	}
	return id
}

// hideCentreIdentity keeps the centre's private key out of every answer of
// the record API and realtime, for superusers too: PocketBase shows hidden
// fields to superusers, and this one is never anyone's to read. It runs after
// the rest of the enrich chain (which unhides for superusers).
func hideCentreIdentity(e *core.RecordEnrichEvent) error {
	err := e.Next()
	e.Record.Hide(fieldIdentity)
	return err
}

func bindCentreKeyHooks(app core.App) {
	app.OnRecordEnrich(base.ColOffice).BindFunc(hideCentreIdentity)
}
