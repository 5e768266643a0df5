package queue

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/wavclip"
)

// postClip uploads a clip as the recording page does (multipart: key, audio).
func postClip(mux http.Handler, token, key, name string, audio []byte) *httptest.ResponseRecorder {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("key", key)
	if audio != nil {
		f, _ := w.CreateFormFile("audio", name)
		_, _ = f.Write(audio)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/motcua/queue/voice/clips", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	return testkit.Serve(mux, req)
}

// voiceListOf reads GET /api/motcua/queue/voice as token.
func voiceListOf(t *testing.T, mux http.Handler, token string) voiceList {
	t.Helper()
	res := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/voice", token, "")
	if res.Code != http.StatusOK {
		t.Fatalf("voice list: %d %s", res.Code, res.Body.String())
	}
	var l voiceList
	if err := json.Unmarshal(res.Body.Bytes(), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func clipOf(l voiceList, key string) voiceClipView {
	for _, c := range l.Clips {
		if c.Key == key {
			return c
		}
	}
	return voiceClipView{}
}

// TestStarterSetCoversVietnamese: every Vietnamese word and letter has an
// embedded starter clip that the server's own checks accept; Khmer has none.
func TestStarterSetCoversVietnamese(t *testing.T) {
	t.Parallel()
	n := 0
	for _, w := range voiceWords {
		if _, ok := w.Say["vi"]; ok {
			n++
			if b := starterClip("vi." + w.Word); b == nil {
				t.Errorf("no starter clip for vi.%s", w.Word)
			} else if _, err := wavclip.Check(b, wavclip.Limits{}); err != nil {
				t.Errorf("starter vi.%s refused: %v", w.Word, err)
			}
		}
		if starterClip("km."+w.Word) != nil {
			t.Errorf("a starter clip for km.%s: Khmer must be recorded by the office", w.Word)
		}
	}
	for l := range letterNames {
		if b := starterClip("vi." + letterWord(l)); b == nil {
			t.Errorf("no starter clip for letter %s", l)
		} else if _, err := wavclip.Check(b, wavclip.Limits{}); err != nil {
			t.Errorf("starter letter %s refused: %v", l, err)
		}
	}
	if n != 19 { // invite, to_counter, 10 digits, 7 number words
		t.Errorf("%d Vietnamese words, want 19", n)
	}
}

// TestVoiceClipsRecordAndRefuse: the TV lists what to play (Vietnamese from
// the starter set, Khmer missing until recorded); a leader records a clip and
// the TV gets exactly those bytes; bad clips are refused by their content with
// a keyed message and leave the previous recording in place; only leaders (and
// the superuser) record, and the record API checks uploads too.
func TestVoiceClipsRecordAndRefuse(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "voice.leader")
	reception := testkit.MakeStaff(t, app, base.RoleReception, "voice.reception")
	tv := testkit.MakeDevice(t, app, domain.DeviceDisplay, "voice.tv")
	su := testkit.SuperuserToken(t, app)
	mux := testkit.NewMux(t, app)

	l := voiceListOf(t, mux, tv.Token)
	// 5 group letters; 19 Vietnamese words, 23 Khmer (the tens are words of their own).
	if l.Missing["vi"] != 0 || l.Missing["km"] != 28 || l.Starter["vi"] != 24 || l.Starter["km"] != 0 {
		t.Errorf("fresh office: missing %v, starter %v", l.Missing, l.Starter)
	}
	if c := clipOf(l, "vi.letter_a"); c.Source != "starter" || c.Say != "a" {
		t.Errorf("vi.letter_a: %+v", c)
	}
	if c := clipOf(l, "km.invite"); c.Source != "missing" || c.Say != "សូមអញ្ជើញលេខ" {
		t.Errorf("km.invite: %+v", c)
	}
	if c := clipOf(l, "vi.letter_z"); c.Key != "" {
		t.Error("the list offers a letter no active group uses")
	}
	starter := testkit.Do(mux, http.MethodGet, clipOf(l, "vi.invite").URL, tv.Token, "")
	if starter.Code != http.StatusOK || !bytes.Equal(starter.Body.Bytes(), starterClip("vi.invite")) {
		t.Errorf("starter clip: %d, %d bytes", starter.Code, starter.Body.Len())
	}

	first := wavclip.Encode(wavclip.Tone(440, 0.4, 800*time.Millisecond, 16000), 16000)
	if res := postClip(mux, leader.Token, "km.invite", "anything.bin", first); res.Code != http.StatusOK {
		t.Fatalf("record km.invite: %d %s", res.Code, res.Body.String())
	}
	missingBefore := l.Missing["km"]
	l = voiceListOf(t, mux, tv.Token)
	c := clipOf(l, "km.invite")
	if c.Source != "recorded" || c.DurationMS != 800 || c.RecordedBy != leader.Record.GetString("name") || l.Missing["km"] != missingBefore-1 {
		t.Errorf("after recording: %+v, missing %d (was %d)", c, l.Missing["km"], missingBefore)
	}
	got := testkit.Do(mux, http.MethodGet, c.URL, tv.Token, "")
	if got.Code != http.StatusOK || !bytes.Equal(got.Body.Bytes(), first) || got.Header().Get("Content-Type") != "audio/wav" {
		t.Fatalf("TV fetches the clip: %d %q, %d bytes", got.Code, got.Header().Get("Content-Type"), got.Body.Len())
	}

	big := wavclip.Encode(wavclip.Tone(440, 0.4, 3*time.Second, 48000), 48000)
	big = append(big, make([]byte, 1<<20)...)
	for _, tc := range []struct {
		name, key, file string
		audio           []byte
		status          int
		want            string
	}{
		{"a PNG named .wav", "km.invite", "clip.wav", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), 400, "voice.clip_not_wav"},
		{"an MP3", "km.invite", "clip.mp3", append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0xff, 0xfb, 0x90}, 400)...), 400, "voice.clip_not_wav"},
		{"silence", "km.invite", "clip.wav", wavclip.Encode(make([]int16, 16000), 16000), 400, "voice.clip_silent"},
		{"too long", "km.invite", "clip.wav", wavclip.Encode(wavclip.Tone(440, 0.4, 6*time.Second, 16000), 16000), 400, "voice.clip_too_long"},
		{"too short", "km.invite", "clip.wav", wavclip.Encode(wavclip.Tone(440, 0.4, 50*time.Millisecond, 16000), 16000), 400, "voice.clip_too_short"},
		{"too large", "km.invite", "clip.wav", big, 413, "voice.clip_too_large"},
		{"no file", "km.invite", "", nil, 400, "voice.clip_missing"},
		{"unknown word", "km.hello", "clip.wav", first, 400, "voice.key_unknown"},
		{"a path as key", "../../data", "clip.wav", first, 400, "voice.key_unknown"},
	} {
		res := postClip(mux, leader.Token, tc.key, tc.file, tc.audio)
		if res.Code != tc.status || !strings.Contains(res.Body.String(), tc.want) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, res.Code, res.Body.String(), tc.status, tc.want)
		}
		if tc.status == 400 && tc.want != "voice.key_unknown" && tc.want != "voice.clip_missing" && !strings.Contains(res.Body.String(), "message_km") {
			t.Errorf("%s: refusal without the Khmer text: %s", tc.name, res.Body.String())
		}
	}
	if n, _ := app.CountRecords(base.ColVoiceClips); n != 1 {
		t.Errorf("%d clips saved, want 1", n)
	}
	if again := testkit.Do(mux, http.MethodGet, c.URL, tv.Token, ""); !bytes.Equal(again.Body.Bytes(), first) {
		t.Error("a refused re-recording changed the saved clip")
	}
	for who, token := range map[string]string{"reception": reception.Token, "tv": tv.Token, "guest": ""} {
		if res := postClip(mux, token, "km.digit_1", "c.wav", first); res.Code != http.StatusForbidden && res.Code != http.StatusUnauthorized {
			t.Errorf("%s records: %d", who, res.Code)
		}
	}
	if res := testkit.Do(mux, http.MethodGet, "/api/motcua/queue/voice", "", ""); res.Code != http.StatusUnauthorized {
		t.Errorf("guest reads the clip list: %d", res.Code)
	}

	// Re-record: the new sound replaces the old under the same key.
	second := wavclip.Encode(wavclip.Tone(600, 0.4, time.Second, 16000), 16000)
	if res := postClip(mux, su, "km.invite", "x", second); res.Code != http.StatusOK {
		t.Fatalf("superuser re-records: %d %s", res.Code, res.Body.String())
	}
	c2 := clipOf(voiceListOf(t, mux, tv.Token), "km.invite")
	if c2.URL == c.URL || c2.DurationMS != 1000 {
		t.Errorf("re-recorded clip %+v (was %+v)", c2, c)
	}
	if got := testkit.Do(mux, http.MethodGet, c2.URL, tv.Token, ""); !bytes.Equal(got.Body.Bytes(), second) {
		t.Error("the TV gets the old sound after a re-recording")
	}

	// The record API (the superuser in /_/) is held to the same checks.
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("key", "km.digit_2")
	_ = w.WriteField("language", "km")
	f, _ := w.CreateFormFile("audio", "two.wav")
	_, _ = f.Write(append([]byte("RIFF\x10\x00\x00\x00WAVE"), make([]byte, 4000)...))
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/api/collections/voice_clips/records", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", su)
	if res := testkit.Serve(mux, req); res.Code != http.StatusBadRequest {
		t.Errorf("superuser uploads a broken WAV through the record API: %d %s", res.Code, res.Body.String())
	}

	// Deleting the Vietnamese recording brings the starter back.
	if res := postClip(mux, leader.Token, "vi.invite", "v.wav", first); res.Code != http.StatusOK {
		t.Fatal(res.Body.String())
	}
	if c := clipOf(voiceListOf(t, mux, tv.Token), "vi.invite"); c.Source != "recorded" {
		t.Errorf("vi.invite after recording: %+v", c)
	}
	if res := testkit.Do(mux, http.MethodDelete, "/api/motcua/queue/voice/clips/vi.invite", reception.Token, ""); res.Code != http.StatusForbidden {
		t.Errorf("reception deletes a clip: %d", res.Code)
	}
	if res := testkit.Do(mux, http.MethodDelete, "/api/motcua/queue/voice/clips/vi.invite", leader.Token, ""); res.Code != http.StatusNoContent {
		t.Errorf("delete: %d %s", res.Code, res.Body.String())
	}
	if c := clipOf(voiceListOf(t, mux, tv.Token), "vi.invite"); c.Source != "starter" {
		t.Errorf("vi.invite after delete: %+v", c)
	}
}
