package backup

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/wavclip"
)

// TestBackupCarriesVoiceClips: the TV's recorded clips (voice_clips, issue 17)
// are uploads under pb_data/storage like scans: a backup lists and copies each
// one, and a restore gives back the record and the very same sound.
func TestBackupCarriesVoiceClips(t *testing.T) {
	app := newTestApp(t)
	col, err := app.FindCollectionByNameOrId(base.ColVoiceClips)
	if err != nil {
		t.Fatal(err)
	}
	sound := wavclip.Encode(wavclip.Tone(440, 0.4, 700*time.Millisecond, 16000), 16000)
	f, err := filesystem.NewFileFromBytes(sound, "km.invite.wav")
	if err != nil {
		t.Fatal(err)
	}
	rec := core.NewRecord(col)
	rec.Load(map[string]any{"key": "km.invite", "language": "km", "duration_ms": 700})
	rec.Set("audio", f)
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	clipPath := "storage/" + col.Id + "/" + rec.Id + "/" + rec.GetString("audio")
	if _, err := os.Stat(filepath.Join(app.DataDir(), filepath.FromSlash(clipPath))); err != nil {
		t.Fatalf("the clip is not under pb_data/storage: %v", err)
	}

	res, err := Backup(app, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, mf := range res.Manifest.Files {
		listed = listed || (mf.Path == clipPath && mf.Size == int64(len(sound)))
	}
	if !listed || res.Manifest.Counts[base.ColVoiceClips] != 1 {
		t.Errorf("manifest: clip listed %v, voice_clips counted %d", listed, res.Manifest.Counts[base.ColVoiceClips])
	}
	other := filepath.Join(t.TempDir(), "pb_data")
	if _, err := restoreBackup(other, res.Dir, RestoreOptions{Progress: io.Discard}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(other, filepath.FromSlash(clipPath)))
	if err != nil || !bytes.Equal(b, sound) {
		t.Errorf("restored clip: %v (%d bytes)", err, len(b))
	}
	db := testkit.OpenData(t, other)
	var key, file string
	if err := db.NewQuery("SELECT key, audio FROM voice_clips").Row(&key, &file); err != nil || key != "km.invite" || file != rec.GetString("audio") {
		t.Errorf("restored record: %q %q %v", key, file, err)
	}
}
