package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// SMS notices (hooks/notify). Dossiers gain the citizen's consent to SMS and
// the language of the messages. sms_outbox holds every notice, one row each,
// from the moment it is queued until it is sent or given up: the worker's
// whole state is there, so a restart or a power cut loses nothing. It keeps
// the destination phone and the final text, never an ID number or an
// address. sms_settings is the one record of the office's SMS settings: the
// sender (GSM modem or HTTP gateway) with its secrets hidden from every API
// but the superuser's, the daily cap, the hours in which to send, which
// notices are on, and the texts the office has rewritten.
func init() {
	m.Register(upSMSNotices, downSMSNotices)
}

// Notice kinds and outbox statuses, as hooks/notify and hooks/internal/domain
// name them.
var (
	smsKinds    = []string{"received", "supplement", "ready", "extended", "refused", "returned", "visit"}
	smsStatuses = []string{"pending", "sending", "sent", "failed", "maybe_sent", "given_up"}
)

func upSMSNotices(app core.App) error {
	d, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return fmt.Errorf("sms fields: %w", err)
	}
	d.Fields.Add(
		&core.BoolField{Name: "sms_consent"},
		&core.SelectField{Name: "sms_language", MaxSelect: 1, Values: []string{"vi", "km"}},
	)
	if err := app.Save(d); err != nil {
		return fmt.Errorf("add sms fields to dossiers: %w", err)
	}

	out := core.NewBaseCollection("sms_outbox", "motcua_sms_outbox")
	// No API rules: superuser only. Leaders read it through /api/motcua/sms/….
	out.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: smsKinds},
		&core.RelationField{Name: "dossier", MaxSelect: 1, CollectionId: "motcua_dossiers"},
		text("code", false, 60),
		text("phone", true, 20),
		&core.SelectField{Name: "language", Required: true, MaxSelect: 1, Values: []string{"vi", "km"}},
		text("text", true, 1000),
		text("pending_text", false, 1000),
		&core.NumberField{Name: "parts", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(255.0)},
		&core.NumberField{Name: "parts_sent", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.SelectField{Name: "encoding", MaxSelect: 1, Values: []string{"gsm7", "ucs2"}},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: smsStatuses},
		&core.NumberField{Name: "attempts", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.DateField{Name: "next_try"},
		&core.DateField{Name: "last_try"},
		&core.DateField{Name: "sent_at"},
		&core.DateField{Name: "expires_at"},
		text("reason", false, 40),
		text("error", false, 500),
		text("sender", false, 20),
		&core.JSONField{Name: "refs", MaxSize: 2000},
		text("message_id", false, 100),
		text("key", false, 200),
		text("resent_by", false, 200),
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	// The worker's question: the oldest notice still to send.
	out.AddIndex("idx_sms_outbox_queue", false, "status, created", "")
	// The daily cap counts what went out since midnight.
	out.AddIndex("idx_sms_outbox_last_try", false, "last_try", "")
	// One notice per event (or per key a capability gives): a hook fired
	// twice, or the catch-up after a power cut, queues nothing twice.
	out.AddIndex("idx_sms_outbox_key", true, "key", "key != ''")
	if err := app.Save(out); err != nil {
		return fmt.Errorf("create sms_outbox: %w", err)
	}

	s := core.NewBaseCollection("sms_settings", "motcua_sms_settings")
	s.ListRule = types.Pointer(ruleLeader)
	s.ViewRule = types.Pointer(ruleLeader)
	s.UpdateRule = types.Pointer(ruleLeader)
	s.Fields.Add(
		&core.BoolField{Name: "enabled"},
		&core.SelectField{Name: "sender", MaxSelect: 1, Values: []string{"modem", "gateway"}},
		text("modem_port", false, 200),
		&core.TextField{Name: "modem_pin", Hidden: true, Pattern: `^([0-9]{4,8})?$`},
		&core.TextField{Name: "gateway_url", Hidden: true, Max: 2000},
		&core.SelectField{Name: "gateway_method", MaxSelect: 1, Values: []string{"POST", "PUT", "GET"}},
		&core.JSONField{Name: "gateway_headers", Hidden: true, MaxSize: 8000},
		text("gateway_content_type", false, 100),
		&core.TextField{Name: "gateway_body", Hidden: true, Max: 4000},
		text("gateway_success", false, 200),
		&core.NumberField{Name: "daily_cap", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(100000.0)},
		text("send_from", false, 5),
		text("send_until", false, 5),
		&core.SelectField{Name: "kinds", MaxSelect: len(smsKinds), Values: smsKinds},
		&core.BoolField{Name: "link_reachable"},
		text("short_name_vi", false, 60),
		text("short_name_km", false, 60),
		text("pickup_place", false, 200),
		&core.JSONField{Name: "texts", MaxSize: 20000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	if err := app.Save(s); err != nil {
		return fmt.Errorf("create sms_settings: %w", err)
	}
	rec := core.NewRecord(s)
	rec.Set("enabled", false) // off until the office sets a modem or a gateway up
	rec.Set("sender", "modem")
	rec.Set("gateway_method", "POST")
	rec.Set("daily_cap", 200)
	rec.Set("send_from", "07:00")
	rec.Set("send_until", "20:00")
	rec.Set("kinds", smsKinds)
	if err := app.SaveNoValidate(rec); err != nil {
		return fmt.Errorf("seed sms_settings: %w", err)
	}
	return nil
}

func downSMSNotices(app core.App) error {
	for _, name := range []string{"sms_settings", "sms_outbox"} {
		if c, err := app.FindCollectionByNameOrId(name); err == nil {
			if err := app.Delete(c); err != nil {
				return fmt.Errorf("delete %s: %w", name, err)
			}
		}
	}
	d, err := app.FindCollectionByNameOrId("dossiers")
	if err != nil {
		return err
	}
	d.Fields.RemoveByName("sms_consent")
	d.Fields.RemoveByName("sms_language")
	return app.Save(d)
}
