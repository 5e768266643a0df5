//go:build !windows

// Package fakemodem is a GSM modem made of software, for tests and for
// trying the appliance without a SIM: it opens a real pseudo-terminal and
// answers AT commands on the master side the way a USB modem does (echo
// until ATE0, OK and ERROR, +CPIN, +CSQ, +CREG, +COPS, the "> " prompt of
// AT+CMGS in PDU mode, +CMGS: <mr>), and records every PDU it is given,
// decoded with package pdu, so a test can compare what was sent with the
// text meant.
//
// The driver opens Path, the pty's slave (/dev/pts/N), or a symbolic link to
// it (Options.Link) that, like a /dev/serial/by-id/ name, survives Unplug and
// Replug. Faults come on demand: no SIM, a PIN to enter, a locked SIM, no
// signal, no registration, a CMS error on the next or on every send, a modem
// that stops answering, one that is unplugged, and URCs and garbage between
// the answers.
//
// It needs a Unix pseudo-terminal, so it is not built on Windows.
package fakemodem

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"motcua/hooks/sms/pdu"
)

// maxInput bounds a command line or a PDU the fake collects; a longer one is
// refused, as a real modem's buffer would.
const maxInput = 1024

// SIM is the state of the fake's SIM card.
type SIM int

// The SIM states a test can set.
const (
	SIMReady  SIM = iota // inserted, no PIN or PIN entered
	SIMAbsent            // no SIM: +CME ERROR: 10
	SIMLocked            // PUK needed after three wrong PINs: "+CPIN: SIM PUK"
)

// Options configure a fake modem.
type Options struct {
	// Link, when set, is made a symbolic link to the pty's slave, and Path
	// returns it. Unplug removes it and Replug points it at the new pty.
	Link string
	// PIN, when set, is the SIM's PIN: the SIM asks for it ("+CPIN: SIM
	// PIN") until it is entered, after every Replug, and three wrong
	// entries lock it.
	PIN string
	// Operator is the network name +COPS gives ("Viettel" by default).
	Operator string
	// Logf, when set, receives every command and answer (t.Logf).
	Logf func(format string, args ...any)
}

// Part is one PDU the fake accepted.
type Part struct {
	// Len is the length announced with AT+CMGS=<len>.
	Len int
	// PDU is the hex as received.
	PDU string
	// Submit is the PDU decoded.
	Submit *pdu.Submit
	// MR is the message reference the fake answered (+CMGS: <mr>).
	MR int
}

// Message is a whole message: one part, or the concatenated parts of one
// reference, joined.
type Message struct {
	// To is the destination as the PDU says it ("+84912345678").
	To string
	// Encoding is the alphabet of the parts.
	Encoding pdu.Encoding
	// Text is the joined text.
	Text string
	// Parts is the number of parts; Ref their concatenation reference (0
	// for a single part).
	Parts int
	Ref   uint16
}

// Modem is a running fake modem.
type Modem struct {
	opts Options

	mu        sync.Mutex
	master    *os.File
	slave     *os.File // held open so the pty lives while the driver reopens it
	slavePath string
	served    chan struct{} // closed when the serving goroutine ends

	// Modem state.
	echo      bool
	pduMode   bool
	sim       SIM
	pinNeeded bool
	pinTries  int
	rssi      int
	creg      int
	mr        int
	// Input state.
	line     []byte
	inPDU    bool
	pduLen   int
	overlong bool
	// Faults.
	failNext   int
	failSkip   int // parts to let through before failNext applies
	failAlways int
	mute       bool // take PDUs and never answer them
	busy       int  // AT+CPIN? answers "SIM busy" this many more times
	hang       bool
	noise      bool
	spew       int
	// Records.
	parts    []Part
	commands []string
}

// New starts a fake modem: a ready SIM (unless Options.PIN), good signal
// (CSQ 20), registered at home.
func New(opts Options) (*Modem, error) {
	if opts.Operator == "" {
		opts.Operator = "Viettel"
	}
	m := &Modem{opts: opts, rssi: 20, creg: 1}
	if err := m.plug(); err != nil {
		return nil, err
	}
	return m, nil
}

// plug opens a new pty pair and serves it: what a modem does when it is
// plugged in (echo on, text mode, PIN asked again).
func (m *Modem) plug() error {
	master, slave, err := pty.Open()
	if err != nil {
		return fmt.Errorf("fake modem: open pty: %w", err)
	}
	// pty.Open leaves the master in blocking mode, where Close does not end
	// a Read in progress; a non-blocking duplicate goes through Go's poller,
	// so Unplug can stop the serving goroutine.
	fd, err := unix.Dup(int(master.Fd()))
	master.Close()
	if err != nil {
		slave.Close()
		return fmt.Errorf("fake modem: dup pty: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		slave.Close()
		return fmt.Errorf("fake modem: pty non-blocking: %w", err)
	}
	m.mu.Lock()
	m.master = os.NewFile(uintptr(fd), "ptmx")
	m.slave = slave
	m.slavePath = slave.Name()
	m.served = make(chan struct{})
	m.echo, m.pduMode, m.inPDU, m.overlong, m.line = true, false, false, false, nil
	m.pinNeeded = m.opts.PIN != "" && m.sim == SIMReady
	master, served := m.master, m.served
	m.mu.Unlock()
	if m.opts.Link != "" {
		_ = os.Remove(m.opts.Link)
		if err := os.Symlink(m.slavePath, m.opts.Link); err != nil {
			m.unplug()
			return fmt.Errorf("fake modem: link %s: %w", m.opts.Link, err)
		}
	}
	go m.serve(master, served)
	return nil
}

// Path is what the driver opens: Options.Link, or the pty's slave.
func (m *Modem) Path() string {
	if m.opts.Link != "" {
		return m.opts.Link
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.slavePath
}

// Unplug closes the pty, as pulling the USB stick does: the driver's reads
// fail and the device is gone (the link too) until Replug.
func (m *Modem) Unplug() { m.unplug() }

func (m *Modem) unplug() {
	m.mu.Lock()
	master, slave, served := m.master, m.slave, m.served
	m.master, m.slave = nil, nil
	m.mu.Unlock()
	if master == nil {
		return
	}
	if m.opts.Link != "" {
		_ = os.Remove(m.opts.Link)
	}
	master.Close()
	slave.Close()
	<-served
}

// Replug plugs the modem in again on a new pty (Path stays the same when
// there is a Link). The SIM, signal and faults are kept; echo, text mode
// and the PIN come back as after a power cycle.
func (m *Modem) Replug() error {
	m.unplug()
	return m.plug()
}

// Close unplugs the modem for good.
func (m *Modem) Close() error {
	m.unplug()
	return nil
}

// SetSIM puts a SIM in, takes it out or locks it.
func (m *Modem) SetSIM(s SIM) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s == SIMReady && m.sim != SIMReady {
		// A SIM put in asks for its PIN, if it has one.
		m.pinNeeded, m.pinTries = m.opts.PIN != "", 0
	}
	m.sim = s
}

// RequirePIN makes the SIM ask for pin now, as after a restart.
func (m *Modem) RequirePIN(pin string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.PIN, m.pinNeeded, m.pinTries = pin, pin != "", 0
}

// BusySIM makes the next n AT+CPIN? answer "+CME ERROR: 14" (SIM busy), as
// a SIM does for a few seconds after power-up or its PIN.
func (m *Modem) BusySIM(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.busy = n
}

// SetSignal sets the CSQ rssi (0–31, 99 unknown).
func (m *Modem) SetSignal(rssi int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rssi = rssi
}

// SetRegistration sets the CREG stat: 1 home, 5 roaming, 0 none, 2
// searching, 3 denied. Sends fail with CMS 331 unless 1 or 5.
func (m *Modem) SetRegistration(stat int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.creg = stat
}

// FailNextSend makes the next AT+CMGS end with "+CMS ERROR: code".
func (m *Modem) FailNextSend(code int) { m.FailAfter(0, code) }

// FailAfter lets n more parts through, then ends the next AT+CMGS with
// "+CMS ERROR: code": a message cut off in the middle.
func (m *Modem) FailAfter(n, code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failSkip, m.failNext = n, code
}

// MuteSends makes the modem take each PDU and never answer it (on), as when
// the network does not answer: the message may or may not have gone.
func (m *Modem) MuteSends(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mute = on
}

// FailSends makes every AT+CMGS end with "+CMS ERROR: code" (0 stops): a SIM
// without credit.
func (m *Modem) FailSends(code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failAlways = code
}

// Hang makes the modem stop answering (on) or answer again (off).
func (m *Modem) Hang(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hang = on
	m.line, m.inPDU, m.overlong = nil, false, false
}

// Noise makes the modem send unsolicited result codes (+CMTI, RING, ^RSSI,
// +CREG), a line of binary garbage and an overlong line around its answers,
// and one right after the "> " prompt.
func (m *Modem) Noise(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.noise = on
}

// Spew makes the modem send n bytes without a line end before its next
// answer.
func (m *Modem) Spew(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.spew = n
}

// Parts returns the PDUs accepted so far.
func (m *Modem) Parts() []Part {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Part(nil), m.parts...)
}

// Commands returns every command line received, PDUs excepted.
func (m *Modem) Commands() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.commands...)
}

// Messages joins the accepted parts into messages, in the order they were
// sent. It fails when the parts do not make whole messages.
func (m *Modem) Messages() ([]Message, error) {
	var (
		out     []Message
		pending []*pdu.Submit
	)
	for _, p := range m.Parts() {
		s := p.Submit
		if s.Concat == nil {
			if len(pending) > 0 {
				return out, errors.New("fake modem: a single part in the middle of a concatenated message")
			}
			out = append(out, Message{To: s.To.String(), Encoding: s.Encoding, Text: s.Text, Parts: 1})
			continue
		}
		pending = append(pending, s)
		if len(pending) < s.Concat.Total {
			continue
		}
		text, err := pdu.Join(pending)
		if err != nil {
			return out, fmt.Errorf("fake modem: %w", err)
		}
		out = append(out, Message{To: s.To.String(), Encoding: s.Encoding, Text: text,
			Parts: len(pending), Ref: s.Concat.Ref})
		pending = nil
	}
	if len(pending) > 0 {
		return out, fmt.Errorf("fake modem: %d parts of an unfinished message", len(pending))
	}
	return out, nil
}

func (m *Modem) logf(format string, args ...any) {
	if m.opts.Logf != nil {
		m.opts.Logf(format, args...)
	}
}

// serve reads what the driver writes and answers, until the pty closes.
func (m *Modem) serve(master *os.File, served chan struct{}) {
	defer close(served)
	buf := make([]byte, 4096)
	for {
		n, err := master.Read(buf)
		if n > 0 {
			out := m.input(buf[:n])
			if len(out) > 0 {
				if _, err := master.Write(out); err != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// input consumes bytes from the driver and returns what the modem says back.
func (m *Modem) input(in []byte) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out bytes.Buffer
	if m.hang {
		return nil
	}
	for _, c := range in {
		if m.inPDU {
			switch c {
			case 0x1A: // Ctrl-Z: send
				m.inPDU = false
				m.submit(&out, string(m.line))
				m.line = m.line[:0]
			case 0x1B: // escape: abandon
				m.inPDU = false
				m.line = m.line[:0]
				m.answer(&out, "OK")
			default:
				if len(m.line) < maxInput {
					m.line = append(m.line, c)
				}
			}
			continue
		}
		if m.echo {
			out.WriteByte(c)
		}
		switch c {
		case '\r':
			line := string(m.line)
			m.line = m.line[:0]
			if m.overlong {
				m.overlong = false
				m.answer(&out, "ERROR")
				continue
			}
			if line = strings.TrimSpace(line); line != "" {
				m.command(&out, line)
			}
		case '\n', 0x1B:
		default:
			if len(m.line) >= maxInput {
				m.overlong = true
				m.line = m.line[:0]
			} else if !m.overlong {
				m.line = append(m.line, c)
			}
		}
	}
	return out.Bytes()
}

// answer writes final or information lines framed as a modem frames them.
func (m *Modem) answer(out *bytes.Buffer, lines ...string) {
	if m.spew > 0 {
		out.Write(bytes.Repeat([]byte("A"), m.spew))
		m.spew = 0
	}
	if m.noise {
		out.WriteString("\r\n+CMTI: \"SM\",3\r\n\r\nRING\r\n\r\n\x00\x7f\xfe garbage \xff\r\n")
		out.WriteString("\r\n" + strings.Repeat("#", 700) + "\r\n")
	}
	for i, l := range lines {
		out.WriteString("\r\n" + l + "\r\n")
		if m.noise && i == 0 && len(lines) > 1 {
			out.WriteString("\r\n^RSSI: 17\r\n\r\n+CREG: 1\r\n")
		}
	}
	m.logf("fake modem: %q", lines)
}

func (m *Modem) cme(out *bytes.Buffer, code int) {
	m.answer(out, "+CME ERROR: "+strconv.Itoa(code))
}

func (m *Modem) cms(out *bytes.Buffer, code int) {
	m.answer(out, "+CMS ERROR: "+strconv.Itoa(code))
}

func (m *Modem) registered() bool { return m.creg == 1 || m.creg == 5 }

// command answers one command line.
func (m *Modem) command(out *bytes.Buffer, cmd string) {
	m.commands = append(m.commands, cmd)
	m.logf("fake modem: <- %q", cmd)
	upper := strings.ToUpper(cmd)
	switch {
	case upper == "AT":
		m.answer(out, "OK")
	case upper == "ATE0":
		m.echo = false
		m.answer(out, "OK")
	case upper == "ATE1" || upper == "ATE":
		m.echo = true
		m.answer(out, "OK")
	case strings.HasPrefix(upper, "AT+CMEE="):
		m.answer(out, "OK")
	case upper == "AT+CGMI":
		m.answer(out, "FAKE", "OK")
	case upper == "AT+CGMM":
		m.answer(out, "fakemodem", "OK")
	case upper == "AT+CPIN?":
		switch {
		case m.busy > 0:
			m.busy--
			m.cme(out, 14)
		case m.sim == SIMAbsent:
			m.cme(out, 10)
		case m.sim == SIMLocked:
			m.answer(out, "+CPIN: SIM PUK", "OK")
		case m.pinNeeded:
			m.answer(out, "+CPIN: SIM PIN", "OK")
		default:
			m.answer(out, "+CPIN: READY", "OK")
		}
	case strings.HasPrefix(upper, "AT+CPIN="):
		m.enterPIN(out, strings.Trim(cmd[len("AT+CPIN="):], `"`))
	case upper == "AT+CMGF=0":
		m.pduMode = true
		m.answer(out, "OK")
	case upper == "AT+CMGF=1":
		m.pduMode = false
		m.answer(out, "OK")
	case upper == "AT+CSQ":
		m.answer(out, fmt.Sprintf("+CSQ: %d,99", m.rssi), "OK")
	case upper == "AT+CREG?":
		m.answer(out, fmt.Sprintf("+CREG: 0,%d", m.creg), "OK")
	case upper == "AT+CEREG?":
		m.answer(out, fmt.Sprintf("+CEREG: 0,%d", m.creg), "OK")
	case upper == "AT+COPS?":
		if m.registered() {
			m.answer(out, fmt.Sprintf("+COPS: 0,0,%q,7", m.opts.Operator), "OK")
		} else {
			m.answer(out, "+COPS: 0", "OK")
		}
	case strings.HasPrefix(upper, "AT+CMGS="):
		m.startSubmit(out, cmd[len("AT+CMGS="):])
	default:
		m.answer(out, "ERROR")
	}
}

// enterPIN checks a PIN: three wrong ones lock the SIM, as a real one does.
func (m *Modem) enterPIN(out *bytes.Buffer, pin string) {
	switch {
	case m.sim == SIMAbsent:
		m.cme(out, 10)
	case m.sim == SIMLocked:
		m.cme(out, 12)
	case !m.pinNeeded:
		m.cme(out, 3) // operation not allowed
	case pin == m.opts.PIN:
		m.pinNeeded, m.pinTries = false, 0
		m.answer(out, "OK")
		out.WriteString("\r\n+CPIN: READY\r\n")
	default:
		m.pinTries++
		if m.pinTries >= 3 {
			m.sim = SIMLocked
		}
		m.cme(out, 16)
	}
}

// startSubmit answers AT+CMGS=<len> with the prompt, or an error.
func (m *Modem) startSubmit(out *bytes.Buffer, arg string) {
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	switch {
	case !m.pduMode:
		m.answer(out, "ERROR") // text mode wants a number, not a length
	case m.sim == SIMAbsent:
		m.cms(out, 310)
	case m.sim == SIMLocked:
		m.cms(out, 316)
	case m.pinNeeded:
		m.cms(out, 311)
	case err != nil || n < 7 || n > 164:
		m.cms(out, 304) // invalid PDU mode parameter
	default:
		m.inPDU, m.pduLen = true, n
		m.line = m.line[:0]
		out.WriteString("\r\n> ")
		if m.noise {
			out.WriteString("\r\n^RSSI: 16\r\n")
		}
	}
}

// submit takes a PDU after the prompt: checks it, records it, answers the
// message reference, or the error a fault asks for.
func (m *Modem) submit(out *bytes.Buffer, hexPDU string) {
	s, err := pdu.Decode(hexPDU)
	switch {
	case err != nil:
		m.logf("fake modem: bad PDU: %v", err)
		m.cms(out, 304)
	case s.TPDULen != m.pduLen:
		m.logf("fake modem: AT+CMGS=%d but the TPDU has %d octets", m.pduLen, s.TPDULen)
		m.cms(out, 304)
	case m.failNext != 0 && m.failSkip == 0:
		code := m.failNext
		m.failNext = 0
		m.cms(out, code)
	case m.failAlways != 0:
		m.cms(out, m.failAlways)
	case !m.registered():
		m.cms(out, 331) // no network service
	case m.mute:
		m.logf("fake modem: PDU taken, no answer")
	default:
		if m.failSkip > 0 {
			m.failSkip--
		}
		m.mr = (m.mr + 1) % 256
		m.parts = append(m.parts, Part{Len: m.pduLen, PDU: hexPDU, Submit: s, MR: m.mr})
		m.answer(out, "+CMGS: "+strconv.Itoa(m.mr), "OK")
	}
}
