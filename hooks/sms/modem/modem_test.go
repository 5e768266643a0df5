//go:build !windows

package modem

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/hooks/sms/fakemodem"
	"motcua/hooks/sms/pdu"
	"motcua/hooks/sms/transport"
)

// The notices the tests send: a Vietnamese receipt without diacritics (one
// GSM part) and the same in Khmer (three UCS-2 parts).
var (
	viNotice = pdu.StripDiacritics("UBND xã Mỹ Hương: hồ sơ 000.00.07.H60-260818-0001 đã được tiếp nhận. " +
		"Hẹn trả kết quả 25/08/2026 tại Bộ phận Một cửa.")
	kmNotice = "មជ្ឈមណ្ឌលសេវាសាធារណៈឃុំ៖ ឯកសាររបស់អ្នក លេខកូដ 000.00.07.H60-260818-0001 " +
		"ត្រូវបានទទួលហើយ។ សូមមកយកលទ្ធផលនៅថ្ងៃ 25/08/2026 ម៉ោង 07:00-11:30 ។ សូមអរគុណ។"
)

const phone = "0912345678"

// patient timeouts: answers over a pty take microseconds, but the build
// machine is shared and slow at times. Tests that wait for a timeout set
// their own, short ones.
func testConfig(port string) Config {
	return Config{
		Port:            port,
		CommandTimeout:  3 * time.Second,
		SendTimeout:     5 * time.Second,
		SIMReadyTimeout: 2 * time.Second,
		Settle:          20 * time.Millisecond,
	}
}

// pair starts a fake modem and a driver on it; edit changes the driver's
// config before it is made.
func pair(t *testing.T, opts fakemodem.Options, edit func(*Config)) (*fakemodem.Modem, *Modem) {
	t.Helper()
	opts.Logf = t.Logf
	fm, err := fakemodem.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fm.Close() })
	cfg := testConfig(fm.Path())
	if edit != nil {
		edit(&cfg)
	}
	m := New(cfg)
	t.Cleanup(func() { m.Close() })
	return fm, m
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// reasonOf checks err is a *transport.Error and gives its reason.
func reasonOf(t *testing.T, err error) *transport.Error {
	t.Helper()
	var e *transport.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *transport.Error", err, err)
	}
	return e
}

// messages returns what the fake received, joined.
func messages(t *testing.T, fm *fakemodem.Modem) []fakemodem.Message {
	t.Helper()
	msgs, err := fm.Messages()
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestSendVietnameseSinglePart(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, nil)
	res, err := m.Send(ctx(t), phone, viNotice)
	if err != nil {
		t.Fatal(err)
	}
	if res.Parts != 1 || res.Encoding != "gsm7" || len(res.Refs) != 1 || res.Refs[0] != 1 {
		t.Errorf("result %+v", res)
	}
	msgs := messages(t, fm)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	want := fakemodem.Message{To: "+84912345678", Encoding: pdu.GSM7, Text: viNotice, Parts: 1}
	if msgs[0] != want {
		t.Errorf("received %+v\nwant     %+v", msgs[0], want)
	}
	if strings.ContainsFunc(viNotice, func(r rune) bool { return r > 0x7F }) {
		t.Errorf("notice still has diacritics: %q", viNotice)
	}
	// The start-up sequence, in order, before the send.
	cmds := fm.Commands()
	want2 := []string{"AT", "ATE0", "AT+CMEE=1", "AT+CGMI", "AT+CGMM", "AT+CPIN?", "AT+CMGF=0"}
	if len(cmds) < len(want2)+1 || !slices.Equal(cmds[:len(want2)], want2) || !strings.HasPrefix(cmds[len(want2)], "AT+CMGS=") {
		t.Errorf("commands %q", cmds)
	}
	// A second send reuses the port: no second start-up.
	if _, err := m.Send(ctx(t), "+84987654321", "Ket qua da co"); err != nil {
		t.Fatal(err)
	}
	if n := count(fm.Commands(), "ATE0"); n != 1 {
		t.Errorf("ATE0 sent %d times", n)
	}
	if msgs := messages(t, fm); len(msgs) != 2 || msgs[1].To != "+84987654321" || msgs[1].Text != "Ket qua da co" {
		t.Errorf("second message %+v", msgs)
	}
}

func count(cmds []string, prefix string) int {
	n := 0
	for _, c := range cmds {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func TestSendKhmerThreeParts(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, func(c *Config) { c.MaxParts = 3 })
	for range 2 {
		res, err := m.Send(ctx(t), phone, kmNotice)
		if err != nil {
			t.Fatal(err)
		}
		if res.Parts != 3 || res.Encoding != "ucs2" || len(res.Refs) != 3 {
			t.Errorf("result %+v", res)
		}
	}
	msgs := messages(t, fm)
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	for _, msg := range msgs {
		if msg.Text != kmNotice || msg.Parts != 3 || msg.Encoding != pdu.UCS2 || msg.To != "+84912345678" {
			t.Errorf("received %+v", msg)
		}
	}
	// Two messages to one phone need different references, or the phone
	// could join their parts.
	if msgs[0].Ref == msgs[1].Ref {
		t.Errorf("both messages have reference %d", msgs[0].Ref)
	}
	for _, p := range fm.Parts() {
		if p.Submit.DCS != 0x08 || p.Len != p.Submit.TPDULen {
			t.Errorf("part: DCS 0x%02X, AT+CMGS=%d for %d octets", p.Submit.DCS, p.Len, p.Submit.TPDULen)
		}
	}
	// Four parts are refused before the modem is asked anything.
	before := len(fm.Commands())
	_, err := m.Send(ctx(t), phone, kmNotice+kmNotice)
	if e := reasonOf(t, err); e.Reason != transport.ReasonTooLong || !e.Reason.Permanent() {
		t.Errorf("six parts: %v", err)
	}
	if len(fm.Commands()) != before {
		t.Errorf("the modem was asked about a message too long")
	}
}

func TestSendThroughNoise(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, nil)
	fm.Noise(true)
	fm.Spew(100_000) // a device spewing bytes without a line end
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Send(ctx(t), phone, kmNotice); err != nil {
		t.Fatal(err)
	}
	st, err := m.Status(ctx(t))
	if err != nil || !st.Ready || st.Registration != transport.RegHome || st.Signal.RSSI != 20 {
		t.Errorf("status through noise %+v, %v", st, err)
	}
	msgs := messages(t, fm)
	if len(msgs) != 2 || msgs[0].Text != viNotice || msgs[1].Text != kmNotice {
		t.Errorf("received %+v", msgs)
	}
}

func TestStatusReady(t *testing.T) {
	_, m := pair(t, fakemodem.Options{Operator: "Vinaphone"}, nil)
	if st := m.LastStatus(); st.Ready || st.SIM != transport.SIMUnknown {
		t.Errorf("before any call: %+v", st)
	}
	st, err := m.Status(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := transport.Status{
		Ready: true, Kind: "modem", Device: st.Device, Model: "FAKE fakemodem",
		SIM: transport.SIMReady, Registration: transport.RegHome,
		Signal:   transport.Signal{Known: true, RSSI: 20, DBm: -73, Bars: 4},
		Operator: "Vinaphone", Checked: st.Checked,
	}
	if st != want {
		t.Errorf("status\n got %+v\nwant %+v", st, want)
	}
	if st.Checked.IsZero() || st.Device == "" {
		t.Errorf("checked %v, device %q", st.Checked, st.Device)
	}
	if m.LastStatus() != st {
		t.Errorf("LastStatus %+v", m.LastStatus())
	}
}

// Each fault of the modem, the SIM or the network gives its Reason, both to
// Send and to Status.
func TestFaults(t *testing.T) {
	tests := []struct {
		name   string
		opts   fakemodem.Options
		pin    string
		fault  func(*fakemodem.Modem)
		reason transport.Reason
		code   int
		// status is the Reason Status gives ("" when it is ready).
		status transport.Reason
		sim    transport.SIMState
	}{
		{"no SIM", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.SetSIM(fakemodem.SIMAbsent) },
			transport.ReasonNoSIM, 0, transport.ReasonNoSIM, transport.SIMAbsent},
		{"PIN asked, none set", fakemodem.Options{PIN: "2468"}, "", nil,
			transport.ReasonSIMPIN, 0, transport.ReasonSIMPIN, transport.SIMPIN},
		{"SIM locked", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.SetSIM(fakemodem.SIMLocked) },
			transport.ReasonSIMPUK, 0, transport.ReasonSIMPUK, transport.SIMPUK},
		{"no signal", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.SetSignal(99); f.SetRegistration(2) },
			transport.ReasonNoSignal, 331, transport.ReasonNoSignal, transport.SIMReady},
		{"not registered", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.SetSignal(18); f.SetRegistration(3) },
			transport.ReasonNotRegistered, 331, transport.ReasonNotRegistered, transport.SIMReady},
		{"no credit", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.FailSends(21) },
			transport.ReasonNoCredit, 21, "", transport.SIMReady},
		{"barred", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.FailSends(8) },
			transport.ReasonNoCredit, 8, "", transport.SIMReady},
		{"congestion", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.FailSends(42) },
			transport.ReasonNetwork, 42, "", transport.SIMReady},
		{"no SMSC", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.FailSends(330) },
			transport.ReasonNoSMSC, 330, "", transport.SIMReady},
		{"unknown error, network fine", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.FailSends(500) },
			transport.ReasonModemError, 500, "", transport.SIMReady},
		{"unassigned number", fakemodem.Options{}, "", func(f *fakemodem.Modem) { f.FailSends(1) },
			transport.ReasonBadNumber, 1, "", transport.SIMReady},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, m := pair(t, tt.opts, func(c *Config) { c.PIN = tt.pin })
			if tt.fault != nil {
				tt.fault(fm)
			}
			for try := range 2 { // the same answer again: nothing left half done
				_, err := m.Send(ctx(t), phone, viNotice)
				e := reasonOf(t, err)
				if e.Reason != tt.reason || e.Code != tt.code || e.MaybeSent || e.SentParts != 0 {
					t.Errorf("send %d: %+v, want %s code %d", try+1, e, tt.reason, tt.code)
				}
				if m.LastStatus().Reason != tt.reason || m.LastStatus().Ready {
					t.Errorf("LastStatus after a failed send: %+v", m.LastStatus())
				}
			}
			st, err := m.Status(ctx(t))
			if err != nil {
				t.Fatalf("status: %v", err)
			}
			if st.Reason != tt.status || st.Ready != (tt.status == "") || st.SIM != tt.sim {
				t.Errorf("status %+v, want reason %q, SIM %s", st, tt.status, tt.sim)
			}
			if len(fm.Parts()) != 0 {
				t.Errorf("%d parts recorded as sent", len(fm.Parts()))
			}
		})
	}
}

func TestStatusNoSignal(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, nil)
	fm.SetSignal(99)
	fm.SetRegistration(0)
	st, err := m.Status(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if st.Ready || st.Reason != transport.ReasonNoSignal || st.Signal.Known || st.Registration != transport.RegNone || st.Operator != "" {
		t.Errorf("status %+v", st)
	}
	// The signal comes back: ready, and the notice goes.
	fm.SetSignal(12)
	fm.SetRegistration(5)
	st, err = m.Status(ctx(t))
	if err != nil || !st.Ready || st.Registration != transport.RegRoaming || st.Signal.Bars != 2 {
		t.Errorf("status %+v, %v", st, err)
	}
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
}

func TestPIN(t *testing.T) {
	t.Run("right PIN entered once", func(t *testing.T) {
		fm, m := pair(t, fakemodem.Options{PIN: "2468"}, func(c *Config) { c.PIN = "2468" })
		for range 2 {
			if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(fm.Commands(), "AT+CPIN="); n != 1 {
			t.Errorf("PIN entered %d times", n)
		}
		if len(messages(t, fm)) != 2 {
			t.Error("messages missing")
		}
	})
	t.Run("wrong PIN never entered twice", func(t *testing.T) {
		fm, m := pair(t, fakemodem.Options{PIN: "2468"}, func(c *Config) { c.PIN = "1111" })
		for range 3 {
			_, err := m.Send(ctx(t), phone, viNotice)
			if e := reasonOf(t, err); e.Reason != transport.ReasonWrongPIN {
				t.Errorf("send: %v", err)
			}
			if strings.Contains(err.Error(), "1111") {
				t.Errorf("the PIN is in the error: %v", err)
			}
			st, err := m.Status(ctx(t))
			if err != nil || st.Reason != transport.ReasonWrongPIN || st.SIM != transport.SIMPIN {
				t.Errorf("status %+v, %v", st, err)
			}
		}
		if n := count(fm.Commands(), "AT+CPIN="); n != 1 {
			t.Fatalf("a wrong PIN was entered %d times", n)
		}
		// A person sets the right one: it is entered, and the notice goes.
		m.SetPIN("2468")
		if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
			t.Fatal(err)
		}
		if n := count(fm.Commands(), "AT+CPIN="); n != 2 {
			t.Errorf("PIN entered %d times in all", n)
		}
	})
	t.Run("malformed PIN not entered", func(t *testing.T) {
		fm, m := pair(t, fakemodem.Options{PIN: "2468"}, func(c *Config) { c.PIN = "24 68" })
		_, err := m.Send(ctx(t), phone, viNotice)
		if e := reasonOf(t, err); e.Reason != transport.ReasonWrongPIN {
			t.Errorf("send: %v", err)
		}
		if n := count(fm.Commands(), "AT+CPIN="); n != 0 {
			t.Errorf("a malformed PIN was entered")
		}
	})
}

func TestSIMBusy(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, func(c *Config) { c.SIMReadyTimeout = 500 * time.Millisecond })
	fm.BusySIM(3) // busy for a while after power-up: waited out
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
	if n := count(fm.Commands(), "AT+CPIN?"); n != 4 {
		t.Errorf("AT+CPIN? asked %d times", n)
	}
	// Busy for longer than SIMReadyTimeout: given up, as a modem error.
	fm.BusySIM(1000)
	_, err := m.Send(ctx(t), phone, viNotice)
	if e := reasonOf(t, err); e.Reason != transport.ReasonModemError || e.Code != 14 {
		t.Errorf("SIM busy for ever: %+v", e)
	}
}

func TestCutOffMidMessage(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, nil)
	fm.FailAfter(1, 42)
	_, err := m.Send(ctx(t), phone, kmNotice)
	e := reasonOf(t, err)
	if e.Reason != transport.ReasonNetwork || e.SentParts != 1 || e.MaybeSent {
		t.Errorf("error %+v", e)
	}
	// The fault was once: the whole message goes on the retry.
	if _, err := m.Send(ctx(t), phone, kmNotice); err != nil {
		t.Fatal(err)
	}
	parts := fm.Parts()
	if len(parts) != 4 {
		t.Fatalf("%d parts", len(parts))
	}
	// The retry is a new message (new reference), complete.
	if parts[0].Submit.Concat.Ref == parts[1].Submit.Concat.Ref {
		t.Error("the retry reused the reference of the message cut off")
	}
	s := []*pdu.Submit{parts[1].Submit, parts[2].Submit, parts[3].Submit}
	if text, err := pdu.Join(s); err != nil || text != kmNotice {
		t.Errorf("retry joined %q, %v", text, err)
	}
}

func TestHang(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, func(c *Config) { c.CommandTimeout = 300 * time.Millisecond })
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
	fm.Hang(true)
	_, err := m.Send(ctx(t), phone, viNotice)
	if e := reasonOf(t, err); e.Reason != transport.ReasonTimeout || e.MaybeSent {
		t.Errorf("send to a hung modem: %+v", e)
	}
	st, err := m.Status(ctx(t))
	if e := reasonOf(t, err); e.Reason != transport.ReasonTimeout || st.Reason != transport.ReasonTimeout || st.Ready {
		t.Errorf("status of a hung modem: %+v, %v", st, err)
	}
	// The caller's context ends the wait even when the timeouts are long.
	m.cfg.CommandTimeout = time.Hour
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = m.Send(short, phone, viNotice)
	if e := reasonOf(t, err); e.Reason != transport.ReasonTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("send with a short context: %+v", e)
	}
	m.cfg.CommandTimeout = 3 * time.Second
	// The modem wakes up: the next call opens the port again and sends.
	fm.Hang(false)
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
	if n := len(messages(t, fm)); n != 2 {
		t.Errorf("%d messages", n)
	}
}

func TestNoAnswerAfterPDU(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, func(c *Config) { c.SendTimeout = 300 * time.Millisecond })
	fm.MuteSends(true)
	_, err := m.Send(ctx(t), phone, viNotice)
	if e := reasonOf(t, err); e.Reason != transport.ReasonTimeout || !e.MaybeSent || e.SentParts != 0 {
		t.Errorf("error %+v", e)
	}
	fm.MuteSends(false)
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
}

func TestUnplugAndRecover(t *testing.T) {
	link := filepath.Join(t.TempDir(), "ttyUSB0")
	fm, m := pair(t, fakemodem.Options{Link: link, PIN: "2468"}, func(c *Config) { c.PIN = "2468" })
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
	fm.Unplug()
	for range 2 {
		_, err := m.Send(ctx(t), phone, viNotice)
		if e := reasonOf(t, err); e.Reason != transport.ReasonUnplugged {
			t.Errorf("send to an unplugged modem: %+v", e)
		}
		st, err := m.Status(ctx(t))
		if e := reasonOf(t, err); e.Reason != transport.ReasonUnplugged || st.Reason != transport.ReasonUnplugged {
			t.Errorf("status of an unplugged modem: %+v, %v", st, err)
		}
	}
	// Plugged in again (a new pty behind the same name, PIN asked again).
	if err := fm.Replug(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Send(ctx(t), phone, kmNotice); err != nil {
		t.Fatal(err)
	}
	msgs := messages(t, fm)
	if len(msgs) != 2 || msgs[1].Text != kmNotice {
		t.Errorf("received %+v", msgs)
	}
	if n := count(fm.Commands(), "AT+CPIN="); n != 2 {
		t.Errorf("PIN entered %d times (once per power-up)", n)
	}
}

func TestPortProblems(t *testing.T) {
	for name, tt := range map[string]struct {
		port   string
		reason transport.Reason
	}{
		"no such port": {filepath.Join(t.TempDir(), "ttyUSB9"), transport.ReasonUnplugged},
		"no port set":  {"", transport.ReasonConfig},
		"not a tty":    {"/dev/null", transport.ReasonModemError},
	} {
		m := New(testConfig(tt.port))
		_, err := m.Send(ctx(t), phone, viNotice)
		if e := reasonOf(t, err); e.Reason != tt.reason {
			t.Errorf("%s: send %+v", name, e)
		}
		if _, err := m.Status(ctx(t)); reasonOf(t, err).Reason != tt.reason {
			t.Errorf("%s: status %v", name, err)
		}
		m.Close()
	}
}

func TestBadNumber(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, nil)
	_, err := m.Send(ctx(t), "12", viNotice)
	if e := reasonOf(t, err); e.Reason != transport.ReasonBadNumber || !e.Reason.Permanent() || !errors.Is(err, pdu.ErrBadNumber) {
		t.Errorf("error %+v", e)
	}
	if len(fm.Commands()) != 0 {
		t.Errorf("the modem was used for a bad number: %q", fm.Commands())
	}
}

func TestNationalFormat(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, func(c *Config) { c.NationalFormat = true; c.Validity = 24 * time.Hour })
	if _, err := m.Send(ctx(t), phone, viNotice); err != nil {
		t.Fatal(err)
	}
	p := fm.Parts()[0].Submit
	if p.To.String() != phone || p.To.TOA != pdu.TOAUnknown || p.Validity != 24*time.Hour {
		t.Errorf("sent to %s (0x%02X), validity %v", p.To, p.To.TOA, p.Validity)
	}
}

func TestConcurrentSends(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := kmNotice
			if i%2 == 0 {
				text = viNotice
			}
			_, err := m.Send(ctx(t), phone, text)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// Parts of different messages never interleave.
	if msgs := messages(t, fm); len(msgs) != 4 {
		t.Errorf("%d messages", len(msgs))
	}
}

func TestCloseInterruptsSend(t *testing.T) {
	fm, m := pair(t, fakemodem.Options{}, func(c *Config) { c.SendTimeout = time.Hour })
	if _, err := m.Status(ctx(t)); err != nil {
		t.Fatal(err)
	}
	fm.MuteSends(true)
	done := make(chan error, 1)
	go func() {
		_, err := m.Send(ctx(t), phone, viNotice)
		done <- err
	}()
	// Wait until the PDU is out, then close.
	for !slices.ContainsFunc(fm.Commands(), func(c string) bool { return strings.HasPrefix(c, "AT+CMGS=") }) {
		time.Sleep(5 * time.Millisecond)
	}
	m.Close()
	err := <-done
	if e := reasonOf(t, err); e.Reason != transport.ReasonUnplugged && e.Reason != transport.ReasonTimeout {
		t.Errorf("send interrupted by Close: %+v", e)
	}
	if _, err := m.Send(ctx(t), phone, viNotice); reasonOf(t, err).Reason != transport.ReasonConfig {
		t.Errorf("send after Close: %v", err)
	}
}
