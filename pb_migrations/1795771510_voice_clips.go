package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// voice_clips holds the words the lobby TV calls tickets with, recorded by the
// office on the recording page (/voice.html): one record per word and language
// ("km.invite", "vi.digit_3", "km.letter_a" …), a 16-bit PCM WAV file each.
// Files live under pb_data/storage like every upload, so backups carry them.
// Staff and the lobby devices may read them (the TV plays them); nobody writes
// them through the record API but the superuser: leaders record through
// /api/motcua/queue/voice/clips, which checks the sound itself, and a record
// hook checks every file that reaches the collection by any path.
func init() {
	m.Register(upVoiceClips, downVoiceClips)
}

func upVoiceClips(app core.App) error {
	c := core.NewBaseCollection("voice_clips", "motcua_voice_clips")
	c.ListRule = types.Pointer(ruleQueueRead)
	c.ViewRule = types.Pointer(ruleQueueRead)
	c.Fields.Add(
		&core.TextField{Name: "key", Required: true, Max: 40, Pattern: `^(vi|km)\.[a-z0-9_]+$`},
		&core.SelectField{Name: "language", Required: true, MaxSelect: 1, Values: []string{"vi", "km"}},
		&core.FileField{Name: "audio", Required: true, MaxSelect: 1, MaxSize: 1 << 20,
			MimeTypes: []string{"audio/wav"}},
		&core.NumberField{Name: "duration_ms", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.RelationField{Name: "recorded_by", MaxSelect: 1, CollectionId: "motcua_staff"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	c.AddIndex("idx_voice_clips_key", true, "key", "")
	if err := app.Save(c); err != nil {
		return fmt.Errorf("create voice_clips: %w", err)
	}
	return nil
}

func downVoiceClips(app core.App) error {
	c, err := app.FindCollectionByNameOrId("voice_clips")
	if err != nil {
		return nil
	}
	if err := app.Delete(c); err != nil {
		return fmt.Errorf("delete voice_clips: %w", err)
	}
	return nil
}
