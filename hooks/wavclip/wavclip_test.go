package wavclip

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	speech := Encode(Tone(440, 0.3, time.Second, 16000), 16000)
	withList := func() []byte { // a LIST chunk before data, as many recorders write
		b := Encode(Tone(440, 0.3, time.Second, 16000), 16000)
		list := append([]byte("LIST"), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(list[4:], 5)
		list = append(list, 'I', 'N', 'F', 'O', 'x', 0) // odd size, one pad byte
		out := append(append(append([]byte{}, b[:36]...), list...), b[36:]...)
		binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
		return out
	}
	stereo := Encode(Tone(440, 0.3, time.Second, 16000), 16000)
	binary.LittleEndian.PutUint16(stereo[22:], 2)
	eightBit := Encode(Tone(440, 0.3, time.Second, 16000), 16000)
	binary.LittleEndian.PutUint16(eightBit[34:], 8)
	floatFmt := Encode(Tone(440, 0.3, time.Second, 16000), 16000)
	binary.LittleEndian.PutUint16(floatFmt[20:], 3)
	cut := speech[:len(speech)-100]
	lying := append([]byte{}, speech...)
	binary.LittleEndian.PutUint32(lying[40:], 1<<30)
	for _, tc := range []struct {
		name string
		b    []byte
		lim  Limits
		want error
		dur  time.Duration
	}{
		{"one second of tone", speech, Limits{}, nil, time.Second},
		{"LIST chunk and padding", withList(), Limits{}, nil, time.Second},
		{"48 kHz", Encode(Tone(300, 0.5, 2*time.Second, 48000), 48000), Limits{}, nil, 2 * time.Second},
		{"silence", Encode(make([]int16, 16000), 16000), Limits{}, ErrSilent, 0},
		{"room noise at -50 dBFS", Encode(Tone(100, 0.003, time.Second, 16000), 16000), Limits{}, ErrSilent, 0},
		{"one click", Encode(append(make([]int16, 8000), 30000), 16000), Limits{}, ErrSilent, 0},
		{"too short", Encode(Tone(440, 0.3, 100*time.Millisecond, 16000), 16000), Limits{}, ErrTooShort, 0},
		{"too long", Encode(Tone(440, 0.3, 5*time.Second, 16000), 16000), Limits{}, ErrTooLong, 0},
		{"too large", speech, Limits{MaxBytes: 1000}, ErrTooLarge, 0},
		{"stereo", stereo, Limits{}, ErrNotWAV, 0},
		{"8-bit", eightBit, Limits{}, ErrNotWAV, 0},
		{"float", floatFmt, Limits{}, ErrNotWAV, 0},
		{"cut short", cut, Limits{}, ErrNotWAV, 0},
		{"data size past the end", lying, Limits{}, ErrNotWAV, 0},
		{"a PNG named .wav", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Limits{}, ErrNotWAV, 0},
		{"an MP3", append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0xff, 0xfb}, 500)...), Limits{}, ErrNotWAV, 0},
		{"RIFF of another kind", append([]byte("RIFF\x04\x00\x00\x00AVI "), make([]byte, 100)...), Limits{}, ErrNotWAV, 0},
		{"empty", nil, Limits{}, ErrNotWAV, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Check(tc.b, tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
			if tc.want == nil && (info.Duration != tc.dur || info.Loudness < 0.1 || info.Peak < 0.29) {
				t.Errorf("info %+v, want %v of a loud tone", info, tc.dur)
			}
			if err != nil && !IsRefusal(err) {
				t.Errorf("%v is not a refusal", err)
			}
		})
	}
}

func TestToneLevel(t *testing.T) {
	s := Tone(440, 0.5, time.Second, 16000)
	if l := ToneLevel(s, 16000, 440); math.Abs(l-0.5) > 0.02 {
		t.Errorf("440 Hz level %.3f, want 0.5", l)
	}
	if l := ToneLevel(s, 16000, 1000); l > 0.02 {
		t.Errorf("1000 Hz level %.3f in a 440 Hz tone", l)
	}
}

// TestEspeakOutput reads what espeak-ng writes (22050 Hz mono 16-bit with its
// own header), the tool behind the Vietnamese starter set.
func TestEspeakOutput(t *testing.T) {
	espeak, err := exec.LookPath("espeak-ng")
	if err != nil {
		t.Skip("espeak-ng not installed")
	}
	out := filepath.Join(t.TempDir(), "moi.wav")
	if b, err := exec.Command(espeak, "-v", "vi-vn-x-south", "-w", out, "Mời số").CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	info, err := Check(b, Limits{})
	if err != nil || info.SampleRate != 22050 {
		t.Fatalf("espeak-ng clip: %+v %v", info, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Encode(Tone(440, 0.3, 50*time.Millisecond, 8000), 8000))
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00"))
	f.Add([]byte("RIFF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, samples, err := Parse(b)
		if err != nil {
			if !IsRefusal(err) {
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		if len(samples)*2 > len(b) || info.Frames != len(samples) || info.SampleRate < 8000 || info.Peak > 1 || info.Loudness > info.Peak+1e-9 {
			t.Fatalf("parsed %+v from %d bytes", info, len(b))
		}
		// What parses writes back to something that parses the same.
		info2, s2, err := Parse(Encode(samples, info.SampleRate))
		if err != nil || info2 != info || len(s2) != len(samples) {
			t.Fatalf("round trip: %+v %v", info2, err)
		}
	})
}
