package queue

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
	"motcua/hooks/wavclip"
)

// staffSignIn signs a staff page in through the start page, then opens path.
func staffSignIn(url, username, path string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(url + "/"),
		chromedp.WaitVisible("#sign-in", chromedp.ByQuery),
		chromedp.SendKeys("#identity", username, chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse 1", chromedp.ByQuery),
		chromedp.Click("#sign-in-button", chromedp.ByQuery),
		chromedp.WaitVisible("#start", chromedp.ByQuery),
		chromedp.Navigate(url + path),
	}
}

// fakeMic writes the sound Chromium's fake microphone plays, looped: 0.4 s of
// silence, 0.9 s of a 440 Hz tone, 0.5 s of silence.
func fakeMic(t *testing.T, tone bool) string {
	t.Helper()
	s := make([]int16, 0, 48000*2)
	s = append(s, make([]int16, 48000*4/10)...)
	if tone {
		s = append(s, wavclip.Tone(440, 0.5, 900*time.Millisecond, 48000)...)
	} else {
		s = append(s, make([]int16, 48000*9/10)...)
	}
	s = append(s, make([]int16, 48000/2)...)
	p := filepath.Join(t.TempDir(), "mic.wav")
	if err := os.WriteFile(p, wavclip.Encode(s, 48000), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// micBrowser is a Chromium whose microphone plays the file (or that has none),
// with sound allowed without a touch, as the lobby TV is started.
// Without grant the permission prompt is not answered for the page (it is
// then refused by the test).
func micBrowser(t *testing.T, file string, grant bool) context.Context {
	opts := []chromedp.ExecAllocatorOption{chromedp.Flag("autoplay-policy", "no-user-gesture-required")}
	if file != "" {
		opts = append(opts,
			chromedp.Flag("use-fake-device-for-media-stream", true),
			chromedp.Flag("use-file-for-fake-audio-capture", file))
	}
	if grant {
		opts = append(opts, chromedp.Flag("use-fake-ui-for-media-stream", true))
	}
	return testkit.NewBrowser(t, opts...)
}

// recordOnPage presses record on the word's row, lets the microphone run for
// d, presses stop and waits for the page's verdict (the message key).
func recordOnPage(ctx context.Context, key string, d time.Duration) (string, error) {
	row := "#clip-" + strings.Replace(key, ".", "-", 1)
	var verdict string
	err := chromedp.Run(ctx,
		chromedp.WaitVisible(row+` [data-action="record"]`, chromedp.ByQuery),
		chromedp.Click(row+` [data-action="record"]`, chromedp.ByQuery),
		chromedp.Poll(`["voice.recording","voice.mic_denied","voice.mic_missing","voice.mic_failed","voice.mic_busy"].includes(document.getElementById("msg").getAttribute("data-key"))`, nil, every),
		chromedp.Evaluate(`document.getElementById("msg").getAttribute("data-key")`, &verdict),
	)
	if err != nil || verdict != "voice.recording" {
		return verdict, err
	}
	time.Sleep(d)
	// Press stop unless the page stopped by itself (5 s at most).
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.getElementById("msg").getAttribute("data-key") === "voice.recording" && (document.querySelector("`+row+` [data-action=record]").click(), true)`, nil),
		chromedp.Poll(`!["voice.recording","voice.saving"].includes(document.getElementById("msg").getAttribute("data-key"))`, nil, every),
		chromedp.Evaluate(`document.getElementById("msg").getAttribute("data-key")`, &verdict),
	)
	return verdict, err
}

// TestBrowserRecordClipThenTVCalls is the issue's browser test. A leader records
// "km.invite" on the recording page with Chromium's fake microphone playing a
// known tone: the server keeps a 16 kHz WAV holding that tone. The other Khmer
// words of "A012 → quầy 3" are recorded through the API; the Vietnamese ones
// come from the starter set. A counter then calls the Khmer ticket A012 at
// counter 3, and the TV plays, after the chime: the Khmer sentence, the
// Vietnamese one, and both again, clip by clip, from those exact URLs.
func TestBrowserRecordClipThenTVCalls(t *testing.T) {
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	counter := testkit.MakeCounter(t, app, 3, "A")
	testkit.MakeDevice(t, app, domain.DeviceDisplay, "tv.voice")
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "voice.rec")
	officer := testkit.MakeStaff(t, app, base.RoleReception, "voice.officer")
	testkit.SetServesLanguages(t, app, officer, "vi", "km")
	mux := testkit.NewMux(t, app)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL
	for i, key := range []string{"km.letter_a", "km.ten", "km.digit_2", "km.to_counter", "km.digit_3"} {
		clip := wavclip.Encode(wavclip.Tone(300+100*float64(i), 0.4, 400*time.Millisecond, 16000), 16000)
		if res := postClip(mux, leader.Token, key, "c.wav", clip); res.Code != http.StatusOK {
			t.Fatalf("record %s: %d %s", key, res.Code, res.Body.String())
		}
	}

	ctx := micBrowser(t, fakeMic(t, true), true)
	var khmerNote, missing string
	err := chromedp.Run(ctx,
		staffSignIn(url, "voice.rec", "/voice.html"),
		chromedp.WaitVisible("#clip-km-invite", chromedp.ByQuery),
		chromedp.Text(".voice-note", &khmerNote, chromedp.ByQuery),
		chromedp.Text("#summary-km", &missing, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(khmerNote, "Tiếng Khmer phải do văn phòng tự ghi âm") {
		t.Errorf("the page does not say Khmer must be recorded: %q", khmerNote)
	}
	if !strings.HasPrefix(missing, "23") || !strings.Contains(missing, "សូមអញ្ជើញលេខ") {
		t.Errorf("missing Khmer words before recording: %q, want 23 with the invitation", missing)
	}
	verdict, err := recordOnPage(ctx, "km.invite", 2500*time.Millisecond)
	if err != nil || verdict != "voice.saved" {
		t.Fatalf("recording km.invite: %q %v", verdict, err)
	}
	var state string
	if err := chromedp.Run(ctx, chromedp.Poll(`document.querySelector("#clip-km-invite .clip-state").className.includes("recorded")`, nil, every),
		chromedp.Text("#summary-km", &missing, chromedp.ByQuery), chromedp.Text("#clip-km-invite .clip-state", &state, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(missing, "22") || !strings.Contains(state, leader.Record.GetString("name")) {
		t.Errorf("after recording: summary %q, state %q", missing, state)
	}
	rec, err := app.FindFirstRecordByFilter(base.ColVoiceClips, "key = 'km.invite'")
	if err != nil {
		t.Fatal(err)
	}
	info, samples := storedClip(t, app, rec)
	if info.SampleRate != 16000 || info.Duration < 800*time.Millisecond || info.Duration > 2600*time.Millisecond {
		t.Errorf("stored clip %+v", info)
	}
	if at440, at1k := wavclip.ToneLevel(samples, 16000, 440), wavclip.ToneLevel(samples, 16000, 1000); at440 < 0.1 || at1k > at440/10 {
		t.Errorf("the stored clip is not the microphone's tone: 440 Hz %.3f, 1 kHz %.3f", at440, at1k)
	}
	t.Logf("recorded km.invite: %v, loudness %.2f", info.Duration, info.Loudness)

	// The TV, in a second tab of the same browser (sound allowed without a touch).
	tv, cancel := chromedp.NewContext(ctx)
	defer cancel()
	err = chromedp.Run(tv,
		chromedp.Navigate(url+"/display"),
		deviceSignIn("tv.voice"),
		chromedp.WaitVisible("#board", chromedp.ByQuery),
		chromedp.Poll(`document.body.getAttribute("data-live") === "1" && motcuaVoice.buffers["km.invite"] && motcuaVoice.buffers["vi.digit_3"] && motcuaVoice.running()`, nil, every),
	)
	if err != nil {
		t.Fatal(err)
	}
	for range 11 {
		testkit.IssueTicketIn(t, mux, officer.Token, "A", "vi", false)
	}
	if _, err := app.DB().NewQuery("UPDATE tickets SET status = 'done'").Execute(); err != nil {
		t.Fatal(err)
	}
	a12 := testkit.IssueTicketIn(t, mux, officer.Token, "A", "km", false)
	if a12.Code != "A012" {
		t.Fatalf("ticket %s, want A012", a12.Code)
	}
	if code, out := callAs(mux, officer.Token, counter.Id); code != http.StatusOK || out["code"] != "A012" {
		t.Fatalf("call A012: %d %v", code, out)
	}
	var log []map[string]any
	err = chromedp.Run(tv,
		chromedp.Poll(`motcuaVoice.log.some(e => e.call === "A012" && e.kind === "end")`, nil, chromedp.WithPollingInterval(100*time.Millisecond)),
		chromedp.Evaluate(`motcuaVoice.log.filter(e => e.call === "A012")`, &log),
	)
	if err != nil {
		t.Fatalf("the TV never finished calling A012: %v", err)
	}
	var kinds, keys []string
	for _, e := range log {
		kinds = append(kinds, e["kind"].(string))
		if e["kind"] == "clip" {
			key := e["key"].(string)
			keys = append(keys, key)
			wantURL := "/api/motcua/queue/voice/starter/" + key
			if strings.HasPrefix(key, "km.") {
				wantURL = "/api/motcua/queue/voice/clips/" + key + "?v="
			}
			if u, _ := e["url"].(string); !strings.HasPrefix(u, wantURL) {
				t.Errorf("clip %s played from %q, want %s…", key, u, wantURL)
			}
		}
	}
	km := []string{"km.invite", "km.letter_a", "km.ten", "km.digit_2", "km.to_counter", "km.digit_3"}
	vi := []string{"vi.invite", "vi.letter_a", "vi.ten", "vi.digit_2", "vi.to_counter", "vi.digit_3"}
	want := slices.Concat(km, vi, km, vi)
	if !slices.Equal(keys, want) {
		t.Errorf("the TV played\n  %v\nwant\n  %v", keys, want)
	}
	if len(kinds) < 2 || kinds[0] != "start" || kinds[1] != "chime" || log[1]["audio"] != true {
		t.Errorf("the call did not start with the chime: %v %v", kinds, log[:min(2, len(log))])
	}
	// The played log holds the same URL the list gives for the recorded clip.
	l := voiceListOf(t, mux, leader.Token)
	if got := log[2]["url"]; got != clipOf(l, "km.invite").URL {
		t.Errorf("km.invite played from %v, the list says %s", got, clipOf(l, "km.invite").URL)
	}
	// A re-recording reaches the running TV by itself (realtime on voice_clips).
	again := wavclip.Encode(wavclip.Tone(520, 0.4, 600*time.Millisecond, 16000), 16000)
	if res := postClip(mux, leader.Token, "km.invite", "c.wav", again); res.Code != http.StatusOK {
		t.Fatal(res.Body.String())
	}
	newURL := clipOf(voiceListOf(t, mux, leader.Token), "km.invite").URL
	var seconds float64
	err = chromedp.Run(tv,
		chromedp.Poll(`motcuaVoice.urls["km.invite"] === "`+newURL+`"`, nil, every),
		chromedp.Evaluate(`motcuaVoice.buffers["km.invite"].duration`, &seconds),
	)
	if err != nil || seconds < 0.55 || seconds > 0.65 {
		t.Errorf("the TV did not take the new km.invite (%v, %.2f s)", err, seconds)
	}
}

// storedClip reads a voice clip's saved file.
func storedClip(t *testing.T, app core.App, rec *core.Record) (wavclip.Info, []int16) {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	rd, err := fsys.GetReader(rec.BaseFilesPath() + "/" + rec.GetString("audio"))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	b := make([]byte, rd.Size())
	if _, err := rd.Read(b); err != nil && rd.Size() > 0 {
		t.Fatal(err)
	}
	info, samples, err := wavclip.Parse(b)
	if err != nil {
		t.Fatalf("stored clip: %v", err)
	}
	return info, samples
}

// TestBrowserRecordingFaults: a microphone that hears nothing, a browser with
// no microphone, a refused permission and a recording that runs too long each
// give their message in Vietnamese and Khmer, and save nothing.
func TestBrowserRecordingFaults(t *testing.T) {
	app := newTestApp(t)
	testkit.MakeStaff(t, app, base.RoleLeader, "voice.faults")
	url := testkit.StartServer(t, app)
	cases := []struct {
		name, mic, want string
		deny            bool
		record          time.Duration
	}{
		{"silent microphone", "silent", "voice.clip_silent", false, 1500 * time.Millisecond},
		{"no microphone", "", "voice.mic_missing", false, 0},
		{"permission refused", "tone", "voice.mic_denied", true, 0},
		// The page stops by itself at 5 s; the tones in it span more than 4 s.
		{"too long", "tone", "voice.clip_too_long", false, 5500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := ""
			if tc.mic != "" {
				file = fakeMic(t, tc.mic == "tone")
			}
			ctx := micBrowser(t, file, !tc.deny)
			if tc.deny {
				err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
					return browser.SetPermission(&browser.PermissionDescriptor{Name: "microphone"}, browser.PermissionSettingDenied).
						WithOrigin(url).Do(ctx)
				}))
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := chromedp.Run(ctx, staffSignIn(url, "voice.faults", "/voice.html")); err != nil {
				t.Fatal(err)
			}
			verdict, err := recordOnPage(ctx, "km.digit_1", tc.record)
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			if err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#msg span")).map(s => s.lang + ":" + s.textContent)`, &texts)); err != nil {
				t.Fatal(err)
			}
			if verdict != tc.want || len(texts) != 2 || !strings.HasPrefix(texts[0], "vi:") || !strings.HasPrefix(texts[1], "km:") ||
				strings.Contains(texts[1], "voice.") {
				t.Errorf("verdict %q with %q, want %s in vi and km", verdict, texts, tc.want)
			}
			if n, _ := app.CountRecords(base.ColVoiceClips, dbx.HashExp{"key": "km.digit_1"}); n != 0 {
				t.Errorf("%d clips saved after %s", n, tc.name)
			}
			t.Logf("%s: %s", tc.name, fmt.Sprint(texts))
		})
	}
}

// TestBrowserVoiceNumbersAndFallbacks: the TV's player reads numbers as
// people say them in each language; two calls made together are said one
// after the other, never over each other; a Khmer sentence with a word nobody
// recorded falls back (headless Chromium has no voice: to the text) while its
// Vietnamese sentence still plays from clips; and a TV whose sound is blocked
// keeps showing every call.
func TestBrowserVoiceNumbersAndFallbacks(t *testing.T) {
	app := newTestApp(t)
	testkit.OpenAllDay(t, app)
	c1 := testkit.MakeCounter(t, app, 1, "A")
	c2 := testkit.MakeCounter(t, app, 2, "A")
	testkit.MakeDevice(t, app, domain.DeviceDisplay, "tv.fallback")
	officer := testkit.MakeStaff(t, app, base.RoleReception, "fb.officer")
	mux := testkit.NewMux(t, app)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tv := micBrowser(t, "", false)
	err := chromedp.Run(tv,
		chromedp.Navigate(srv.URL+"/display"),
		deviceSignIn("tv.fallback"),
		chromedp.Poll(`document.body.getAttribute("data-live") === "1" && motcuaVoice.buffers["vi.digit_1"] && motcuaVoice.running()`, nil, every),
	)
	if err != nil {
		t.Fatal(err)
	}
	var words map[string]string
	err = chromedp.Run(tv, chromedp.Evaluate(`(() => {
		const out = {};
		for (const n of [0, 5, 10, 12, 15, 20, 21, 24, 25, 30, 99, 100, 105, 110, 115, 1000, 1005, 1024, 2000])
			for (const l of ["vi", "km"]) out[l + n] = motcuaVoice.number(l, n).join(" ");
		out.call = motcuaVoice.words("km", "B107", 12).join(" ");
		return out;
	})()`, &words))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"vi0": "digit_0", "vi5": "digit_5", "vi10": "ten", "vi12": "ten digit_2", "vi15": "ten five_after_ten",
		"vi20": "digit_2 tens", "vi21": "digit_2 tens one_after_tens", "vi24": "digit_2 tens digit_4",
		"vi25": "digit_2 tens five_after_ten", "vi99": "digit_9 tens digit_9", "vi100": "digit_1 hundred",
		"vi105": "digit_1 hundred zero_ten digit_5", "vi110": "digit_1 hundred ten", "vi115": "digit_1 hundred ten five_after_ten",
		"vi1000": "digit_1 thousand", "vi1005": "digit_1 thousand digit_0 hundred zero_ten digit_5",
		"vi1024": "digit_1 thousand digit_0 hundred digit_2 tens digit_4", "vi2000": "digit_2 thousand",
		"km0": "digit_0", "km5": "digit_5", "km10": "ten", "km12": "ten digit_2", "km15": "ten digit_5", "km20": "tens_2",
		"km21": "tens_2 digit_1", "km30": "tens_3", "km99": "tens_9 digit_9", "km100": "digit_1 hundred",
		"km105": "digit_1 hundred digit_5", "km110": "digit_1 hundred ten", "km1024": "digit_1 thousand tens_2 digit_4",
		"call": "km.invite km.letter_b km.digit_1 km.hundred km.digit_7 km.to_counter km.ten km.digit_2",
	} {
		if words[k] != want {
			t.Errorf("%s reads %q, want %q", k, words[k], want)
		}
	}
	// Every word the player can ask for is one the server lists.
	for _, k := range []string{"vi.tens", "vi.one_after_tens", "vi.five_after_ten", "vi.zero_ten", "km.tens_9", "km.hundred", "km.thousand"} {
		if !voiceKeyKnown(k) {
			t.Errorf("the player asks for %s, which the server does not know", k)
		}
	}

	// Two calls at once: a Khmer ticket (no Khmer clip recorded) and a Vietnamese one.
	k1 := testkit.IssueTicketIn(t, mux, officer.Token, "A", "km", false)
	v2 := testkit.IssueTicketIn(t, mux, officer.Token, "A", "vi", false)
	if code, _ := callAs(mux, officer.Token, c1.Id); code != http.StatusOK {
		t.Fatal("call 1")
	}
	if code, _ := callAs(mux, officer.Token, c2.Id); code != http.StatusOK {
		t.Fatal("call 2")
	}
	var log []map[string]any
	var shown []string
	err = chromedp.Run(tv,
		chromedp.Poll(`motcuaVoice.log.filter(e => e.kind === "end").length === 2`, nil, chromedp.WithPollingInterval(100*time.Millisecond)),
		chromedp.Evaluate(`motcuaVoice.log`, &log),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#last-calls .code")).map(e => e.textContent)`, &shown),
	)
	if err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, e := range log {
		s := e["call"].(string) + ":" + e["kind"].(string)
		if l, ok := e["lang"].(string); ok {
			s += ":" + l
		}
		seq = append(seq, s)
	}
	a, b := k1.Code, v2.Code
	// "A001 → quầy 1" is five words: invite, letter, one, to the counter, one.
	want := []string{a + ":start", a + ":chime", a + ":text:km"}
	for range 5 {
		want = append(want, a+":clip:vi")
	}
	want = append(want, a+":text:km")
	for range 5 {
		want = append(want, a+":clip:vi")
	}
	want = append(want, a+":end", b+":start", b+":chime")
	for range 10 {
		want = append(want, b+":clip:vi")
	}
	want = append(want, b+":end")
	if !slices.Equal(seq, want) {
		t.Errorf("the TV said\n  %v\nwant\n  %v", seq, want)
	}
	if missing, _ := log[2]["missing"].([]any); len(missing) != 5 {
		t.Errorf("the Khmer fallback names %v as missing, want all 5 words", log[2]["missing"])
	}
	if !slices.Equal(shown, []string{b, a}) {
		t.Errorf("last calls show %v", shown)
	}

	// Sound stopped: the calls still show, and the log says why it was silent.
	quiet := testkit.NewBrowser(t)
	err = chromedp.Run(quiet,
		chromedp.Navigate(srv.URL+"/display"),
		deviceSignIn("tv.fallback"),
		chromedp.WaitVisible("#board", chromedp.ByQuery),
		chromedp.Poll(`document.body.getAttribute("data-live") === "1"`, nil, every),
		// The audio device stops (as when a TV's sound output is lost or was never allowed).
		chromedp.Evaluate(`motcuaVoice.context().suspend().then(() => motcuaVoice.ctx.state)`, nil, testkit.AwaitPromise),
	)
	if err != nil {
		t.Fatal(err)
	}
	finishTicket(t, mux, officer.Token, map[string]any{"id": k1.ID, "code": a})
	k3 := testkit.IssueTicketIn(t, mux, officer.Token, "A", "km", false)
	if code, _ := callAs(mux, officer.Token, c1.Id); code != http.StatusOK {
		t.Fatal("call 3")
	}
	var quietLog []map[string]any
	var cell string
	pollCtx, cancel := context.WithTimeout(quiet, 15*time.Second)
	defer cancel()
	if err := chromedp.Run(pollCtx, chromedp.Poll(`motcuaVoice.log.some(e => e.kind === "end")`, nil, every)); err != nil {
		var dump any
		_ = chromedp.Run(quiet, chromedp.Evaluate(`({log: motcuaVoice.log, state: motcuaVoice.ctx && motcuaVoice.ctx.state, last: document.getElementById("last-calls").textContent})`, &dump))
		t.Fatalf("the silent TV never finished the call: %v %v", err, dump)
	}
	err = chromedp.Run(quiet,
		chromedp.Evaluate(`motcuaVoice.log`, &quietLog),
		chromedp.Text("#counter-"+c1.Id+" .code", &cell, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if cell != k3.Code {
		t.Errorf("the silent TV shows %q at counter 1, want %s", cell, k3.Code)
	}
	for _, e := range quietLog {
		if e["kind"] == "clip" || (e["kind"] == "text" && e["audio"] != false) {
			t.Errorf("with sound blocked the TV logged %v", e)
		}
	}
}
