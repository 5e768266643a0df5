// Package wavclip reads and checks the short voice clips the lobby TV calls
// tickets with: RIFF/WAVE files of 16-bit PCM, mono, 8–48 kHz, as the
// recording page writes them and as the Vietnamese starter set ships.
//
// Only this one encoding is accepted, on purpose: the server can then read the
// sound itself, not trust a name or a declared type, and refuse a clip that is
// not a recording, too long, too short or silent before anything is saved.
// The format is small and fixed, so the reader is written here rather than
// taken from an audio library (which would decode many formats we refuse and
// hold the samples in wider buffers); it never allocates more than the input's
// own size and is fuzzed.
package wavclip

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// Error is a refusal with a message key from the i18n catalogues.
type Error struct{ Key string }

func (e *Error) Error() string { return "wavclip: " + e.Key }

// Refusals.
var (
	ErrNotWAV   = &Error{"voice.clip_not_wav"}
	ErrTooLarge = &Error{"voice.clip_too_large"}
	ErrTooShort = &Error{"voice.clip_too_short"}
	ErrTooLong  = &Error{"voice.clip_too_long"}
	ErrSilent   = &Error{"voice.clip_silent"}
)

// Limits a clip must keep to. Zero fields take the defaults of DefaultLimits.
type Limits struct {
	MaxBytes    int           // whole file
	MinDuration time.Duration // shorter is a slip of the button
	MaxDuration time.Duration // longer is not one word
	// MinLoudness is the RMS, 0–1 of full scale, that 20 ms stretches of the
	// clip must reach for MinVoiced in all: below it nothing but room noise
	// (or a click of the button) was recorded.
	MinLoudness float64
	MinVoiced   time.Duration
}

// DefaultLimits are the limits of a TV clip: up to 4 seconds (a word or two,
// "đến quầy" said slowly), at least 0.15 s, of which 0.1 s at -40 dBFS or
// louder, 1 MiB at most (4 s of 48 kHz is 384 KB).
var DefaultLimits = Limits{
	MaxBytes:    MaxClipBytes,
	MinDuration: 150 * time.Millisecond,
	MaxDuration: 4 * time.Second,
	MinLoudness: 0.01,
	MinVoiced:   100 * time.Millisecond,
}

// MaxClipBytes is the largest clip file DefaultLimits accept.
const MaxClipBytes = 1 << 20

// Info describes a clip.
type Info struct {
	SampleRate int
	Frames     int // samples (mono)
	Duration   time.Duration
	Peak       float64 // loudest sample, 0–1 of full scale
	Loudness   float64 // RMS of the loudest 20 ms stretch, 0–1
	// Voiced is how long the 20 ms stretches at DefaultLimits.MinLoudness or
	// louder last in all.
	Voiced time.Duration
}

// Parse reads b as a 16-bit PCM mono WAV and measures it. It reads the fmt
// and data chunks, skips others (LIST and the like), and refuses anything
// else: compressed formats, stereo, other bit depths, sizes that run past the
// end of b.
func Parse(b []byte) (Info, []int16, error) {
	var info Info
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return info, nil, ErrNotWAV
	}
	var haveFmt bool
	var data []byte
	for off := 12; off+8 <= len(b); {
		id := string(b[off : off+4])
		size := int(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := off + 8
		if size < 0 || size > len(b)-body {
			return info, nil, ErrNotWAV
		}
		switch id {
		case "fmt ":
			if size < 16 {
				return info, nil, ErrNotWAV
			}
			f := b[body : body+size]
			format := binary.LittleEndian.Uint16(f[0:2])
			channels := binary.LittleEndian.Uint16(f[2:4])
			rate := binary.LittleEndian.Uint32(f[4:8])
			align := binary.LittleEndian.Uint16(f[12:14])
			bits := binary.LittleEndian.Uint16(f[14:16])
			// 1 is PCM; 0xFFFE (extensible) may carry PCM too, but our writers never make it.
			if format != 1 || channels != 1 || bits != 16 || align != 2 || rate < 8000 || rate > 48000 {
				return info, nil, ErrNotWAV
			}
			info.SampleRate = int(rate)
			haveFmt = true
		case "data":
			if !haveFmt {
				return info, nil, ErrNotWAV
			}
			data = b[body : body+size]
		}
		if data != nil {
			break
		}
		off = body + size + size%2 // chunks are padded to even sizes
	}
	if !haveFmt || data == nil || len(data)%2 != 0 {
		return info, nil, ErrNotWAV
	}
	samples := make([]int16, len(data)/2)
	for i := range samples {
		samples[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	info.Frames = len(samples)
	info.Duration = time.Duration(int64(len(samples)) * int64(time.Second) / int64(info.SampleRate))
	info.Peak, info.Loudness, info.Voiced = measure(samples, info.SampleRate)
	return info, samples, nil
}

// measure finds the peak, and the RMS of each 20 ms stretch: the loudest, and
// how long those at DefaultLimits.MinLoudness or louder last.
func measure(s []int16, rate int) (peak, loudest float64, voiced time.Duration) {
	win := max(1, rate/50)
	for start := 0; start < len(s); start += win {
		block := s[start:min(start+win, len(s))]
		var sum float64
		for _, v := range block {
			x := float64(v) / 32768
			peak = math.Max(peak, math.Abs(x))
			sum += x * x
		}
		rms := math.Sqrt(sum / float64(len(block)))
		loudest = math.Max(loudest, rms)
		if rms >= DefaultLimits.MinLoudness {
			voiced += time.Duration(int64(len(block)) * int64(time.Second) / int64(rate))
		}
	}
	return peak, loudest, voiced
}

// Check parses b and holds it to lim: the refusal's key tells the recorder
// what to do (record again louder, shorter …).
func Check(b []byte, lim Limits) (Info, error) {
	lim = lim.withDefaults()
	if len(b) > lim.MaxBytes {
		return Info{}, ErrTooLarge
	}
	info, _, err := Parse(b)
	if err != nil {
		return info, err
	}
	switch {
	case info.Duration < lim.MinDuration:
		return info, ErrTooShort
	case info.Duration > lim.MaxDuration:
		return info, ErrTooLong
	case info.Loudness < lim.MinLoudness || info.Voiced < lim.MinVoiced:
		return info, ErrSilent
	}
	return info, nil
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MinDuration > 0 {
		d.MinDuration = l.MinDuration
	}
	if l.MaxDuration > 0 {
		d.MaxDuration = l.MaxDuration
	}
	if l.MinLoudness > 0 {
		d.MinLoudness = l.MinLoudness
	}
	if l.MinVoiced > 0 {
		d.MinVoiced = l.MinVoiced
	}
	return d
}

// Encode writes samples as a 16-bit PCM mono WAV at rate: the layout the
// recording page writes.
func Encode(samples []int16, rate int) []byte {
	n := len(samples) * 2
	b := make([]byte, 44+n)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(rate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}

// Tone is d of a sine at freq Hz and amplitude amp (0–1) at rate: test sounds
// and a stand-in when a real recording is not to hand.
func Tone(freq float64, amp float64, d time.Duration, rate int) []int16 {
	n := int(d.Seconds() * float64(rate))
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return s
}

// IsRefusal tells whether err is one of the package's refusals (as opposed to
// a fault of the caller).
func IsRefusal(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// ToneLevel is the amplitude (0–1) of the freq Hz component of s (Goertzel),
// for telling a recorded tone from another sound.
func ToneLevel(s []int16, rate int, freq float64) float64 {
	if len(s) == 0 {
		return 0
	}
	w := 2 * math.Pi * freq / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range s {
		s0 := float64(v)/32768 + c*s1 - s2
		s2, s1 = s1, s0
	}
	power := s1*s1 + s2*s2 - c*s1*s2
	return 2 * math.Sqrt(math.Max(power, 0)) / float64(len(s))
}
