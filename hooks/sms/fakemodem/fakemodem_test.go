//go:build !windows

package fakemodem

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"

	"motcua/hooks/sms/pdu"
)

// line talks to the fake through its device, as a terminal program would,
// and returns what it answered once the answer ends with want.
type line struct {
	t    *testing.T
	port serial.Port
}

func open(t *testing.T, path string) *line {
	t.Helper()
	p, err := serial.Open(path, &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if err := p.SetReadTimeout(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return &line{t: t, port: p}
}

// say writes s and reads until the answer ends with end (or 5 s pass).
func (l *line) say(s, end string) string {
	l.t.Helper()
	if _, err := l.port.Write([]byte(s)); err != nil {
		l.t.Fatal(err)
	}
	var got bytes.Buffer
	buf := make([]byte, 512)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		n, err := l.port.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			l.t.Fatal(err)
		}
		if strings.HasSuffix(got.String(), end) {
			return got.String()
		}
	}
	l.t.Fatalf("after %q: %q, never ending with %q", s, got.String(), end)
	return ""
}

func TestDialogue(t *testing.T) {
	m, err := New(Options{PIN: "1357"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	l := open(t, m.Path())
	tests := []struct{ say, want string }{
		{"AT\r", "AT\r\r\nOK\r\n"}, // echo until ATE0
		{"ATE0\r", "ATE0\r\r\nOK\r\n"},
		{"AT\r", "\r\nOK\r\n"},
		{"AT+CPIN?\r", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n"},
		{"AT+CMGF=0\r", "\r\nOK\r\n"},
		{"AT+CMGS=20\r", "\r\n+CMS ERROR: 311\r\n"}, // no send before the PIN
		{"AT+CPIN=\"0000\"\r", "\r\n+CME ERROR: 16\r\n"},
		{"AT+CPIN=\"1357\"\r", "\r\nOK\r\n\r\n+CPIN: READY\r\n"},
		{"AT+CPIN?\r", "\r\n+CPIN: READY\r\n\r\nOK\r\n"},
		{"AT+CSQ\r", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"},
		{"AT+CREG?\r", "\r\n+CREG: 0,1\r\n\r\nOK\r\n"},
		{"AT+COPS?\r", "\r\n+COPS: 0,0,\"Viettel\",7\r\n\r\nOK\r\n"},
		{"AT+NOPE\r", "\r\nERROR\r\n"},
		{"AT+CMGS=3\r", "\r\n+CMS ERROR: 304\r\n"},
		// The hellohello PDU, announced with the wrong length, then the right one.
		{"AT+CMGS=22\r", "\r\n> "},
		{"0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a", "\r\n+CMS ERROR: 304\r\n"},
		{"AT+CMGS=23\r", "\r\n> "},
		{"0011000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a", "\r\n+CMGS: 1\r\n\r\nOK\r\n"},
		// Escape abandons a message at the prompt.
		{"AT+CMGS=23\r", "\r\n> "},
		{"0011\x1b", "\r\nOK\r\n"},
		{strings.Repeat("A", maxInput+10) + "\r", "\r\nERROR\r\n"}, // an overlong line
		{"AT\r", "\r\nOK\r\n"},
	}
	for _, tt := range tests {
		if got := l.say(tt.say, tt.want); got != tt.want {
			t.Errorf("%.30q: got %q, want %q", tt.say, got, tt.want)
		}
	}
	parts := m.Parts()
	if len(parts) != 1 || parts[0].Submit.Text != "hellohello" || parts[0].MR != 1 || parts[0].Len != 23 {
		t.Fatalf("parts %+v", parts)
	}
	msgs, err := m.Messages()
	if err != nil || len(msgs) != 1 || msgs[0] != (Message{To: "+46708251358", Encoding: pdu.GSM7, Text: "hellohello", Parts: 1}) {
		t.Errorf("messages %+v, %v", msgs, err)
	}
}

func TestThreeWrongPINsLock(t *testing.T) {
	m, err := New(Options{PIN: "1357"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	l := open(t, m.Path())
	l.say("ATE0\r", "OK\r\n")
	for range 3 {
		l.say("AT+CPIN=\"9999\"\r", "+CME ERROR: 16\r\n")
	}
	if got := l.say("AT+CPIN?\r", "OK\r\n"); !strings.Contains(got, "+CPIN: SIM PUK") {
		t.Errorf("after three wrong PINs: %q", got)
	}
	l.say("AT+CPIN=\"1357\"\r", "+CME ERROR: 12\r\n")
}

func TestUnplugReplugKeepsLink(t *testing.T) {
	link := filepath.Join(t.TempDir(), "ttyUSB0")
	m, err := New(Options{Link: link})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Path() != link {
		t.Fatalf("path %s", m.Path())
	}
	l := open(t, link)
	l.say("AT\r", "OK\r\n")
	m.Unplug()
	if _, err := serial.Open(link, &serial.Mode{}); err == nil {
		t.Fatal("opened an unplugged modem")
	}
	buf := make([]byte, 16)
	if _, err := l.port.Read(buf); err == nil {
		t.Error("read from an unplugged modem did not fail")
	}
	if err := m.Replug(); err != nil {
		t.Fatal(err)
	}
	l2 := open(t, link)
	if got := l2.say("AT\r", "OK\r\n"); got != "AT\r\r\nOK\r\n" {
		t.Errorf("after replug (echo on again): %q", got)
	}
}
