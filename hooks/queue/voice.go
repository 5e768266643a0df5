package queue

import (
	"bytes"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"motcua/hooks/internal/base"
	"motcua/hooks/wavclip"
)

// Voice calls from recorded clips. Leaders (and the IT person) record each
// word on /voice.html with the office PC's microphone; the page writes a
// 16-bit PCM WAV and posts it here, where the sound itself is checked
// (wavclip) before anything is saved. Clips are records of voice_clips with
// the file under pb_data/storage, so backups carry them. The TV reads the
// list and the clips with its device token and plays a call word by word.
//
// A Vietnamese starter set, spoken by espeak-ng (tools/voice/make-starter.sh),
// is embedded in the binary and offered as the default of each Vietnamese word
// nobody has recorded: a new office hears calls on day one, and a recording
// replaces a starter word (deleting the recording brings it back). It is never
// copied into the database. No starter exists for Khmer: no offline Khmer
// voice exists, so the office records Khmer itself.

//go:embed voicestarter/*.wav
var voiceStarter embed.FS

// starterClip is the embedded starter WAV of key, or nil.
func starterClip(key string) []byte {
	b, err := fs.ReadFile(voiceStarter, "voicestarter/"+key+".wav")
	if err != nil {
		return nil
	}
	return b
}

// maxClipUpload bounds a whole clip upload (the WAV and the form around it).
const maxClipUpload = wavclip.MaxClipBytes + 64<<10

// bindVoiceRoutes serves the clip list, the clips, their upload and removal.
// The recording page is pb_public/voice.html.
func bindVoiceRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/motcua/queue/voice")
	read := requireQueueClient(kindsThatHear...)
	g.GET("", handleVoiceList).BindFunc(read)
	g.GET("/clips/{key}", handleVoiceClip).BindFunc(read)
	g.GET("/starter/{key}", handleVoiceStarter).BindFunc(read)
	record := base.RequireStaff(base.RoleLeader)
	g.POST("/clips", handleVoiceSave).BindFunc(record)
	g.DELETE("/clips/{key}", handleVoiceDelete).BindFunc(record)
	return nil
}

// kindsThatHear are the devices that may fetch clips: the TV plays them, the
// kiosk may one day.
var kindsThatHear = []string{"display", "kiosk"}

// voiceClipView is one clip of GET /api/motcua/queue/voice.
type voiceClipView struct {
	voiceClipSpec
	Source     string `json:"source"` // recorded, starter or missing
	URL        string `json:"url,omitempty"`
	DurationMS int    `json:"duration_ms,omitempty"`
	Updated    string `json:"updated,omitempty"`
	RecordedBy string `json:"recorded_by,omitempty"`
}

// voiceList is the answer of GET /api/motcua/queue/voice.
type voiceList struct {
	Clips   []voiceClipView `json:"clips"`
	Missing map[string]int  `json:"missing"` // per language, clips with no sound at all
	Starter map[string]int  `json:"starter"` // per language, words still in the machine voice
	Version string          `json:"version"` // changes whenever a clip does
}

func handleVoiceList(e *core.RequestEvent) error {
	l, err := loadVoiceList(e.App)
	if err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, l)
}

func loadVoiceList(app core.App) (*voiceList, error) {
	specs, err := voiceCatalogue(app)
	if err != nil {
		return nil, err
	}
	var recs []struct {
		Key      string `db:"key"`
		Duration int    `db:"duration_ms"`
		Updated  string `db:"updated"`
		By       string `db:"by"`
	}
	err = app.DB().NewQuery("SELECT v.key AS key, v.duration_ms AS duration_ms, v.updated AS updated, COALESCE(s.name, '') AS by" +
		" FROM voice_clips v LEFT JOIN staff s ON s.id = v.recorded_by").All(&recs)
	if err != nil {
		return nil, fmt.Errorf("voice clips: %w", err)
	}
	recorded := map[string]int{}
	for i, r := range recs {
		recorded[r.Key] = i
	}
	l := &voiceList{Clips: []voiceClipView{}, Missing: map[string]int{"vi": 0, "km": 0}, Starter: map[string]int{"vi": 0, "km": 0}}
	version := fmt.Sprintf("%d", len(recs))
	for _, s := range specs {
		v := voiceClipView{voiceClipSpec: s, Source: "missing"}
		if i, ok := recorded[s.Key]; ok {
			r := recs[i]
			v.Source, v.DurationMS, v.Updated, v.RecordedBy = "recorded", r.Duration, r.Updated, r.By
			v.URL = "/api/motcua/queue/voice/clips/" + s.Key + "?v=" + strconv.FormatInt(updatedStamp(r.Updated), 36)
			version += "|" + s.Key + "@" + r.Updated
		} else if b := starterClip(s.Key); b != nil {
			v.Source, v.URL = "starter", "/api/motcua/queue/voice/starter/"+s.Key
			if info, _, err := wavclip.Parse(b); err == nil {
				v.DurationMS = int(info.Duration / time.Millisecond)
			}
			l.Starter[s.Language]++
		} else {
			l.Missing[s.Language]++
		}
		l.Clips = append(l.Clips, v)
	}
	l.Version = strconv.FormatUint(fnv64(version), 36)
	return l, nil
}

// updatedStamp turns a stored time into a number for cache-busting URLs.
func updatedStamp(s string) int64 {
	t, err := time.Parse("2006-01-02 15:04:05.000Z", s)
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// findVoiceClip is the record of key, or nil.
func findVoiceClip(app core.App, key string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter(base.ColVoiceClips, "key = {:k}", dbx.Params{"k": key})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("find voice clip %s: %w", key, err)
	}
	return r, nil
}

// handleVoiceClip streams a recorded clip. Clips change only by a new upload,
// which changes the URL's ?v=, so the answer may be cached.
func handleVoiceClip(e *core.RequestEvent) error {
	key := e.Request.PathValue("key")
	if !voiceKeyKnown(key) {
		return base.KeyedError(http.StatusNotFound, "voice.clip_not_found")
	}
	r, err := findVoiceClip(e.App, key)
	if err != nil {
		return err
	}
	if r == nil {
		return base.KeyedError(http.StatusNotFound, "voice.clip_not_found")
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return fmt.Errorf("voice clip storage: %w", err)
	}
	defer fsys.Close()
	rd, err := fsys.GetReader(r.BaseFilesPath() + "/" + r.GetString("audio"))
	if err != nil {
		return base.KeyedError(http.StatusNotFound, "voice.clip_not_found")
	}
	defer rd.Close()
	e.Response.Header().Set("Cache-Control", "private, max-age=86400")
	return e.Stream(http.StatusOK, "audio/wav", rd)
}

// handleVoiceStarter serves an embedded starter clip.
func handleVoiceStarter(e *core.RequestEvent) error {
	b := starterClip(e.Request.PathValue("key"))
	if b == nil || !voiceKeyKnown(e.Request.PathValue("key")) {
		return base.KeyedError(http.StatusNotFound, "voice.clip_not_found")
	}
	e.Response.Header().Set("Cache-Control", "private, max-age=3600")
	return e.Blob(http.StatusOK, "audio/wav", b)
}

// handleVoiceSave takes one clip (multipart: key, audio) and saves it in place
// of the key's previous recording. The upload is bounded, the file must be a
// WAV that wavclip accepts (read by content, whatever its name or declared
// type); any refusal leaves the previous clip as it was.
func handleVoiceSave(e *core.RequestEvent) error {
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, maxClipUpload)
	if err := e.Request.ParseMultipartForm(maxClipUpload); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return clipRefusal(wavclip.ErrTooLarge)
		}
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	defer e.Request.MultipartForm.RemoveAll()
	key := e.Request.FormValue("key")
	if !voiceKeyKnown(key) {
		return base.FieldErrors(map[string]string{"key": "voice.key_unknown"})
	}
	f, _, err := e.Request.FormFile("audio")
	if err != nil {
		return base.FieldErrors(map[string]string{"audio": "voice.clip_missing"})
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(wavclip.DefaultLimits.MaxBytes)+1))
	if err != nil {
		return base.KeyedError(http.StatusBadRequest, "error.form_invalid")
	}
	info, err := wavclip.Check(data, wavclip.Limits{})
	if err != nil {
		return clipRefusal(err)
	}
	var saved *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		r, err := findVoiceClip(tx, key)
		if err != nil {
			return err
		}
		if r == nil {
			col, err := tx.FindCachedCollectionByNameOrId(base.ColVoiceClips)
			if err != nil {
				return fmt.Errorf("voice clips: %w", err)
			}
			r = core.NewRecord(col)
			r.Set("key", key)
		}
		file, err := filesystem.NewFileFromBytes(data, key+".wav")
		if err != nil {
			return fmt.Errorf("voice clip file: %w", err)
		}
		r.Set("audio", file)
		r.Set("duration_ms", int(info.Duration/time.Millisecond))
		r.Set("recorded_by", staffID(e.Auth))
		if err := tx.Save(r); err != nil {
			return err
		}
		saved = r
		return nil
	})
	if err != nil {
		return base.KeyedValidation(err)
	}
	return e.JSON(http.StatusOK, map[string]any{"key": key, "duration_ms": saved.GetInt("duration_ms"), "updated": saved.GetString("updated")})
}

// clipRefusal is the keyed 400 (413 for size) of a refused clip.
func clipRefusal(err error) error {
	var ce *wavclip.Error
	if !errors.As(err, &ce) {
		return err
	}
	apiErr := base.FieldErrors(map[string]string{"audio": ce.Key})
	if ce == wavclip.ErrTooLarge {
		apiErr.Status = http.StatusRequestEntityTooLarge
	}
	apiErr.Data["key"] = ce.Key
	return apiErr
}

// handleVoiceDelete removes a recording: the word falls back to the starter
// voice (Vietnamese) or to the browser's voice and the text.
func handleVoiceDelete(e *core.RequestEvent) error {
	key := e.Request.PathValue("key")
	r, err := findVoiceClip(e.App, key)
	if err != nil {
		return err
	}
	if r == nil {
		return base.KeyedError(http.StatusNotFound, "voice.clip_not_found")
	}
	if err := e.App.Delete(r); err != nil {
		return fmt.Errorf("delete voice clip %s: %w", key, err)
	}
	return e.NoContent(http.StatusNoContent)
}

// checkVoiceClipRecord holds every new clip file to the same checks, whoever
// saves it (the superuser in /_/ too), and keeps language in step with the key.
func checkVoiceClipRecord(e *core.RecordEvent) error {
	key := e.Record.GetString("key")
	if !voiceKeyKnown(key) {
		return base.FieldErrors(map[string]string{"key": "voice.key_unknown"})
	}
	e.Record.Set("language", key[:2])
	for _, f := range e.Record.GetUnsavedFiles("audio") {
		data, err := readUpload(f)
		if err != nil {
			return err
		}
		info, err := wavclip.Check(data, wavclip.Limits{})
		if err != nil {
			return clipRefusal(err)
		}
		e.Record.Set("duration_ms", int(info.Duration/time.Millisecond))
	}
	return e.Next()
}

// readUpload reads a pending upload, no more than a clip may hold (plus one
// byte, to tell "too large").
func readUpload(f *filesystem.File) ([]byte, error) {
	rc, err := f.Reader.Open()
	if err != nil {
		return nil, fmt.Errorf("open clip upload: %w", err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(rc, int64(wavclip.DefaultLimits.MaxBytes)+1)); err != nil {
		return nil, fmt.Errorf("read clip upload: %w", err)
	}
	return buf.Bytes(), nil
}
