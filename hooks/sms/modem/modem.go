// Package modem sends SMS through a USB GSM modem on a serial port (COM3 on
// Windows, /dev/ttyUSB0 on Linux), with the AT commands of 3GPP TS 27.007
// and, in PDU mode, TS 27.005; the PDUs come from package pdu. Any modem
// that speaks standard AT+CMGS in PDU mode will do.
//
// A Modem is a transport.Sender. It opens the port on first use and runs the
// start-up sequence (AT, ATE0, AT+CMEE=1, AT+CPIN? and the PIN when the SIM
// asks, AT+CMGF=0). Every wait is bounded by a timeout and by the caller's
// context, so a hung modem cannot hang the outbox. When the port fails (the
// modem was unplugged, a wait timed out and the modem's state is unknown) it
// is closed, and the next call opens it again: a replugged modem comes back
// by itself, and until then each call says why it cannot (Reason
// "unplugged", "timeout" …).
//
// Lines the modem sends on its own (+CMTI, RING, ^RSSI …) are skipped
// wherever they arrive, and a device that sends bytes without line ends
// cannot grow memory: a line is at most 512 bytes.
//
// The AT layer is written here rather than taken from a library: no
// maintained Go modem library is reachable from the build machine, and an
// SMS sender needs a dozen commands. The serial port itself is
// go.bug.st/serial, which works on Windows and Linux without cgo.
package modem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.bug.st/serial/enumerator"

	"motcua/hooks/sms/pdu"
	"motcua/hooks/sms/transport"
)

// Defaults of Config.
const (
	// DefaultBaud is the line speed USB modems are usually left at.
	DefaultBaud = 115200
	// DefaultCommandTimeout bounds the answer to an ordinary command.
	DefaultCommandTimeout = 5 * time.Second
	// DefaultSendTimeout bounds the network's answer to one part.
	DefaultSendTimeout = 60 * time.Second
	// DefaultSIMReadyTimeout bounds how long a SIM may stay busy.
	DefaultSIMReadyTimeout = 20 * time.Second
	// DefaultSettle is the quiet wanted after opening the port.
	DefaultSettle = 250 * time.Millisecond
)

// Config says which modem to drive and how patiently. Only Port is needed.
type Config struct {
	// Port is the serial port's name: "COM3" on Windows, "/dev/ttyUSB0" (or
	// a /dev/serial/by-id/… link, which survives replugging) on Linux.
	Port string
	// Baud is the line speed; USB modems ignore it, serial ones need the
	// right one. 0 means DefaultBaud (115200).
	Baud int
	// PIN is entered when the SIM asks for it, and only then. A PIN the SIM
	// refused is never entered again by this Modem (three wrong PINs lock
	// the SIM): SetPIN is how a person gives a new one.
	PIN string
	// CountryCode, NationalFormat, Validity and MaxParts go to the PDU
	// encoder (pdu.Options): numbers written 0912345678 are sent as
	// +84912345678 unless NationalFormat; Validity 0 leaves the SMSC's
	// default; MaxParts 0 allows up to 255 parts.
	CountryCode    string
	NationalFormat bool
	Validity       time.Duration
	MaxParts       int
	// CommandTimeout bounds the answer to each ordinary command and the wait
	// for the "> " prompt (default 5 s).
	CommandTimeout time.Duration
	// SendTimeout bounds the wait for the network's answer to one part
	// (default 60 s; networks usually answer within seconds).
	SendTimeout time.Duration
	// SIMReadyTimeout bounds how long the SIM may stay busy after its PIN
	// (default 20 s).
	SIMReadyTimeout time.Duration
	// Settle is how long the modem must stay quiet after the port opens
	// before the first command (default 250 ms).
	Settle time.Duration
	// Logger receives the driver's log lines (nil: none). Phone numbers,
	// texts and the PIN are never logged.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Baud <= 0 {
		c.Baud = DefaultBaud
	}
	if c.CommandTimeout <= 0 {
		c.CommandTimeout = DefaultCommandTimeout
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = DefaultSendTimeout
	}
	if c.SIMReadyTimeout <= 0 {
		c.SIMReadyTimeout = DefaultSIMReadyTimeout
	}
	if c.Settle <= 0 {
		c.Settle = DefaultSettle
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// Modem drives one GSM modem. It is safe for concurrent use; calls take
// turns on the port (a call waiting for its turn gives up when its context
// ends).
type Modem struct {
	cfg Config
	log *slog.Logger
	sem chan struct{} // the turn on the port

	mu          sync.Mutex // guards the fields below
	conn        *conn
	closed      bool
	pin         string
	pinRejected bool // the SIM refused pin: do not enter it again
	last        transport.Status

	// Per conn, under sem:
	pduMode bool
	// Under sem:
	ref   uint8 // the last concatenation reference used
	model string
}

// New returns a Modem for cfg. It does not touch the port: the first Send
// or Status opens it.
func New(cfg Config) *Modem {
	cfg = cfg.withDefaults()
	m := &Modem{
		cfg: cfg,
		log: cfg.Logger,
		sem: make(chan struct{}, 1),
		pin: cfg.PIN,
		// Start concatenation references at a varying place, so that a
		// restart does not reuse the reference of the last message sent
		// before it, which a phone could join with the new one.
		ref: uint8(time.Now().UnixNano() >> 20),
		last: transport.Status{Kind: "modem", Device: cfg.Port, SIM: transport.SIMUnknown,
			Registration: transport.RegUnknown},
	}
	return m
}

var _ transport.Sender = (*Modem)(nil)

// SetPIN sets the PIN to enter when the SIM asks, and allows entering it
// even if the SIM refused a PIN before: a person has given it.
func (m *Modem) SetPIN(pin string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pin, m.pinRejected = pin, false
}

// LastStatus returns the status found by the last Status or Send, without
// touching the port: for a dashboard that must not wait for a send.
func (m *Modem) LastStatus() transport.Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

// Close closes the port, interrupting a call in progress (it fails with
// "unplugged"). The Modem cannot be used afterwards.
func (m *Modem) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	if m.conn != nil {
		m.conn.close()
		m.conn = nil
	}
	return nil
}

// acquire waits for the turn on the port.
func (m *Modem) acquire(ctx context.Context, op string) error {
	select {
	case m.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &transport.Error{Reason: transport.ReasonTimeout, Op: op, Raw: "waited for the port", Err: context.Cause(ctx)}
	}
}

func (m *Modem) release() { <-m.sem }

// Send sends text to the number to, in as many parts as it needs, and
// returns the network's message reference of each. See transport.Sender.
func (m *Modem) Send(ctx context.Context, to, text string) (transport.Result, error) {
	if err := m.acquire(ctx, "send"); err != nil {
		return transport.Result{}, err
	}
	defer m.release()

	m.ref++
	opts := pdu.Options{CountryCode: m.cfg.CountryCode, Validity: m.cfg.Validity, Ref: m.ref, MaxParts: m.cfg.MaxParts}
	if m.cfg.NationalFormat {
		opts.Format = pdu.NationalFormat
	}
	parts, err := pdu.Encode(to, text, opts)
	if err != nil {
		reason := transport.ReasonTooLong
		if errors.Is(err, pdu.ErrBadNumber) {
			reason = transport.ReasonBadNumber
		}
		return transport.Result{}, &transport.Error{Reason: reason, Op: "send", Err: err}
	}

	c, err := m.ready(ctx)
	if err != nil {
		return transport.Result{}, m.failed(err)
	}
	res := transport.Result{Parts: len(parts), Encoding: parts[0].Encoding.String()}
	for i, p := range parts {
		mr, err := c.submit(ctx, p.PDU, p.TPDULen, m.cfg.CommandTimeout, m.cfg.SendTimeout)
		if err != nil {
			e := asError(err, "send")
			e.SentParts = i
			if i < len(parts)-1 {
				e.MaybeSent = false // a later part still to go: not all of it left
			}
			m.refine(ctx, c, e)
			m.log.Warn("sms modem: send failed", "reason", e.Reason, "code", e.Code, "part", i+1, "of", len(parts))
			return transport.Result{}, m.failed(e)
		}
		res.Refs = append(res.Refs, mr)
	}
	m.log.Info("sms modem: sent", "parts", len(parts), "encoding", res.Encoding)
	m.mu.Lock()
	m.last.Ready, m.last.Reason, m.last.Detail, m.last.Checked = true, "", "", time.Now().UTC()
	m.mu.Unlock()
	return res, nil
}

// Status asks the modem for its SIM, registration, signal and operator. See
// transport.Sender: the error is nil when the modem answered, even if it is
// not ready.
func (m *Modem) Status(ctx context.Context) (transport.Status, error) {
	if err := m.acquire(ctx, "status"); err != nil {
		return m.LastStatus(), err
	}
	defer m.release()

	st := transport.Status{Kind: "modem", Device: m.cfg.Port, SIM: transport.SIMUnknown,
		Registration: transport.RegUnknown, Checked: time.Now().UTC()}
	c, err := m.open(ctx)
	if err != nil {
		return m.statusFailed(st, err)
	}
	st.Model = m.model
	if sim, err := m.simReady(ctx, c); err != nil {
		e := asError(err, "status")
		if fatal(e) {
			return m.statusFailed(st, e)
		}
		st.Reason, st.Detail = e.Reason, e.Raw
		st.SIM = simStateOf(e.Reason)
	} else {
		st.SIM = sim
		if err := m.pduModeOn(ctx, c); err != nil {
			e := asError(err, "status")
			if fatal(e) {
				return m.statusFailed(st, e)
			}
			st.Reason, st.Detail = e.Reason, e.Raw
		}
	}
	sig, reg, err := m.network(ctx, c)
	if err != nil {
		return m.statusFailed(st, err)
	}
	st.Signal, st.Registration = sig, reg
	if reg.Registered() {
		lines, err := c.command(ctx, "AT+COPS?", "+COPS:", m.cfg.CommandTimeout)
		if err != nil && fatal(asError(err, "status")) {
			return m.statusFailed(st, err)
		}
		if len(lines) > 0 {
			st.Operator = parseCOPS(lines[0])
		}
	} else if st.Reason == "" {
		st.Reason = noNetworkReason(sig)
	}
	st.Ready = st.Reason == ""
	m.mu.Lock()
	m.last = st
	m.mu.Unlock()
	return st, nil
}

// statusFailed records a status check that could not be made.
func (m *Modem) statusFailed(st transport.Status, err error) (transport.Status, error) {
	e := asError(err, "status")
	st.Reason, st.Detail = e.Reason, e.Raw
	m.mu.Lock()
	m.last = st
	m.mu.Unlock()
	if fatal(e) {
		m.drop()
	}
	return st, e
}

// failed records a failed send and closes the port when its state is no
// longer known.
func (m *Modem) failed(err error) error {
	e := asError(err, "send")
	m.mu.Lock()
	m.last.Ready, m.last.Reason, m.last.Detail, m.last.Checked = false, e.Reason, e.Raw, time.Now().UTC()
	if s := simStateOf(e.Reason); s != transport.SIMUnknown {
		m.last.SIM = s
	}
	m.mu.Unlock()
	if fatal(e) {
		m.drop()
	}
	return e
}

// fatal reports whether an error leaves the port in an unknown state: the
// modem stopped answering or went away.
func fatal(e *transport.Error) bool {
	return e.Reason == transport.ReasonTimeout || e.Reason == transport.ReasonUnplugged ||
		e.Reason == transport.ReasonPortBusy
}

// drop closes the current opening of the port; the next call opens anew.
func (m *Modem) drop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn != nil {
		m.conn.close()
		m.conn = nil
		m.log.Warn("sms modem: port closed after a failure; it is opened again on the next call", "port", m.cfg.Port)
	}
}

// asError makes any error a *transport.Error.
func asError(err error, op string) *transport.Error {
	var e *transport.Error
	if errors.As(err, &e) {
		return e
	}
	return &transport.Error{Reason: transport.ReasonOf(err), Op: op, Err: err}
}

// simStateOf tells what a SIM error says of the SIM.
func simStateOf(r transport.Reason) transport.SIMState {
	switch r {
	case transport.ReasonNoSIM:
		return transport.SIMAbsent
	case transport.ReasonSIMPIN, transport.ReasonWrongPIN:
		return transport.SIMPIN
	case transport.ReasonSIMPUK:
		return transport.SIMPUK
	}
	return transport.SIMUnknown
}

// noNetworkReason tells why a modem is not registered: no signal at all, or
// signal but no registration.
func noNetworkReason(sig transport.Signal) transport.Reason {
	if !sig.Known || sig.RSSI < 2 {
		return transport.ReasonNoSignal
	}
	return transport.ReasonNotRegistered
}

// ready opens the port if needed and makes sure the SIM is ready and the
// modem in PDU mode.
func (m *Modem) ready(ctx context.Context) (*conn, error) {
	c, err := m.open(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := m.simReady(ctx, c); err != nil {
		return nil, err
	}
	if err := m.pduModeOn(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// open returns the current opening of the port, or opens it and brings the
// modem to a known state: escape (ends a "> " prompt left from before),
// quiet, AT, echo off, numeric error codes.
func (m *Modem) open(ctx context.Context) (*conn, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, &transport.Error{Reason: transport.ReasonConfig, Op: "open", Raw: "modem closed"}
	}
	if m.conn != nil && m.conn.inited && !m.conn.dead() {
		c := m.conn
		m.mu.Unlock()
		return c, nil
	}
	if m.conn != nil {
		m.conn.close()
		m.conn = nil
		m.log.Warn("sms modem: opening the port again", "port", m.cfg.Port)
	}
	m.mu.Unlock()

	if strings.TrimSpace(m.cfg.Port) == "" {
		return nil, &transport.Error{Reason: transport.ReasonConfig, Op: "open", Raw: "no serial port set"}
	}
	c, err := openConn(m.cfg.Port, m.cfg.Baud, m.log)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		c.close()
		return nil, &transport.Error{Reason: transport.ReasonConfig, Op: "open", Raw: "modem closed"}
	}
	m.conn = c
	m.pduMode = false
	m.mu.Unlock()

	if err := c.write(ctx, "\x1b"); err != nil {
		return nil, err
	}
	c.settle(ctx, m.cfg.Settle, 4*m.cfg.Settle)
	// Two tries: a modem that just woke may miss the first AT.
	var lastErr error
	for range 2 {
		if _, lastErr = c.command(ctx, "AT", "", m.cfg.CommandTimeout/2); lastErr == nil || c.dead() || ctx.Err() != nil {
			break
		}
		// A late answer to the first AT must not meet the second.
		c.settle(ctx, m.cfg.Settle, 4*m.cfg.Settle)
	}
	if lastErr != nil {
		return nil, asError(lastErr, "open")
	}
	if _, err := c.command(ctx, "ATE0", "", m.cfg.CommandTimeout); err != nil && fatal(asError(err, "open")) {
		return nil, err
	}
	// Numeric error codes; a modem that refuses still reports errors.
	if _, err := c.command(ctx, "AT+CMEE=1", "", m.cfg.CommandTimeout); err != nil && fatal(asError(err, "open")) {
		return nil, err
	}
	if m.model == "" {
		m.model = m.identify(ctx, c)
	}
	c.inited = true
	m.log.Info("sms modem: port open", "port", m.cfg.Port, "model", m.model)
	return c, nil
}

// identify asks the maker and model (AT+CGMI, AT+CGMM), for the dashboard
// and the list of modems known to work. Failures leave it empty.
func (m *Modem) identify(ctx context.Context, c *conn) string {
	var words []string
	for _, cmd := range []string{"AT+CGMI", "AT+CGMM"} {
		lines, err := c.command(ctx, cmd, "*", m.cfg.CommandTimeout)
		if err == nil && len(lines) > 0 {
			words = append(words, printable(lines[0], 40))
		}
	}
	return strings.Join(words, " ")
}

// simReady checks the SIM (AT+CPIN?) and enters the PIN when it asks and
// one is set, never a PIN it refused before. It returns SIMReady, or
// SIMUnknown for a modem whose answer it does not understand: such a modem
// is given the chance to send, since the network will refuse if the SIM
// cannot.
func (m *Modem) simReady(ctx context.Context, c *conn) (transport.SIMState, error) {
	state, err := m.simState(ctx, c)
	if err != nil {
		return state, err
	}
	switch state {
	case transport.SIMReady:
		return state, nil
	case transport.SIMUnknown:
		m.log.Warn("sms modem: SIM state not understood; trying anyway")
		return state, nil
	case transport.SIMAbsent:
		return state, &transport.Error{Reason: transport.ReasonNoSIM, Op: "sim"}
	case transport.SIMPUK:
		return state, &transport.Error{Reason: transport.ReasonSIMPUK, Op: "sim", Raw: "+CPIN: SIM PUK"}
	}
	m.mu.Lock()
	pin, rejected := m.pin, m.pinRejected
	m.mu.Unlock()
	switch {
	case pin == "":
		return state, &transport.Error{Reason: transport.ReasonSIMPIN, Op: "sim", Raw: "+CPIN: SIM PIN"}
	case rejected:
		return state, &transport.Error{Reason: transport.ReasonWrongPIN, Op: "sim",
			Raw: "the SIM refused this PIN before; it is not tried again until a new one is set"}
	case !validPIN(pin):
		return state, &transport.Error{Reason: transport.ReasonWrongPIN, Op: "sim", Raw: "a PIN has 4 to 8 digits; not entered"}
	}
	_, err = c.command(ctx, `AT+CPIN="`+pin+`"`, "", m.cfg.CommandTimeout)
	if err != nil {
		e := asError(err, "sim")
		e.Op = "sim" // never the command: it holds the PIN
		if e.Reason == transport.ReasonWrongPIN || e.Reason == transport.ReasonSIMPUK {
			m.mu.Lock()
			m.pinRejected = true
			m.mu.Unlock()
			m.log.Error("sms modem: the SIM refused the PIN; it will not be entered again until a new one is set")
		}
		return state, e
	}
	m.log.Info("sms modem: PIN entered")
	// The SIM takes a moment to be ready after its PIN.
	deadline := time.Now().Add(m.cfg.SIMReadyTimeout)
	for {
		state, err := m.simState(ctx, c)
		if err != nil {
			return state, err
		}
		if state == transport.SIMReady {
			return state, nil
		}
		if !time.Now().Before(deadline) {
			return state, &transport.Error{Reason: transport.ReasonSIMPIN, Op: "sim", Raw: "SIM not ready after its PIN"}
		}
		if err := sleep(ctx, min(500*time.Millisecond, m.cfg.SIMReadyTimeout/10)); err != nil {
			return state, &transport.Error{Reason: transport.ReasonTimeout, Op: "sim", Err: err}
		}
	}
}

// simState asks AT+CPIN?, waiting out "SIM busy" (CME 14) for a while.
func (m *Modem) simState(ctx context.Context, c *conn) (transport.SIMState, error) {
	deadline := time.Now().Add(m.cfg.SIMReadyTimeout)
	for {
		lines, err := c.command(ctx, "AT+CPIN?", "+CPIN:", m.cfg.CommandTimeout)
		if err == nil {
			if len(lines) == 0 {
				return transport.SIMUnknown, nil
			}
			s, _ := parseCPIN(lines[len(lines)-1])
			return s, nil
		}
		e := asError(err, "sim")
		switch {
		case e.Code == 14 && strings.HasPrefix(e.Raw, "+CME") && time.Now().Before(deadline):
			// SIM busy: it is starting up.
		case e.Reason == transport.ReasonNoSIM:
			return transport.SIMAbsent, nil
		case e.Reason == transport.ReasonSIMPIN:
			return transport.SIMPIN, nil
		case e.Reason == transport.ReasonSIMPUK:
			return transport.SIMPUK, nil
		default:
			return transport.SIMUnknown, e
		}
		if err := sleep(ctx, min(500*time.Millisecond, m.cfg.SIMReadyTimeout/10)); err != nil {
			return transport.SIMUnknown, &transport.Error{Reason: transport.ReasonTimeout, Op: "sim", Err: err}
		}
	}
}

// validPIN: a SIM PIN is 4 to 8 digits (TS 31.101 §9.5); anything else
// would only waste one of the three tries.
func validPIN(pin string) bool {
	if len(pin) < 4 || len(pin) > 8 {
		return false
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return false
		}
	}
	return true
}

// pduModeOn puts the modem in PDU mode (AT+CMGF=0), once per opening.
func (m *Modem) pduModeOn(ctx context.Context, c *conn) error {
	if m.pduMode {
		return nil
	}
	if _, err := c.command(ctx, "AT+CMGF=0", "", m.cfg.CommandTimeout); err != nil {
		e := asError(err, "init")
		if !fatal(e) {
			e.Raw = strings.TrimSpace("PDU mode refused " + e.Raw)
		}
		return e
	}
	m.pduMode = true
	return nil
}

// network asks the signal (AT+CSQ) and the registration (AT+CREG?, and
// AT+CEREG? for a modem registered on LTE only).
func (m *Modem) network(ctx context.Context, c *conn) (transport.Signal, transport.Registration, error) {
	sig := transport.Signal{RSSI: 99}
	lines, err := c.command(ctx, "AT+CSQ", "+CSQ:", m.cfg.CommandTimeout)
	if err != nil && fatal(asError(err, "status")) {
		return sig, transport.RegUnknown, err
	}
	for _, l := range lines {
		if s, ok := parseCSQ(l); ok {
			sig = s
		}
	}
	reg := transport.RegUnknown
	for _, cmd := range []string{"AT+CREG?", "AT+CEREG?"} {
		prefix := strings.TrimSuffix(strings.TrimPrefix(cmd, "AT"), "?") + ":"
		lines, err := c.command(ctx, cmd, prefix, m.cfg.CommandTimeout)
		if err != nil && fatal(asError(err, "status")) {
			return sig, reg, err
		}
		for _, l := range lines {
			if r, solicited, ok := parseCREG(l, prefix); ok && solicited && (reg == transport.RegUnknown || r.Registered()) {
				reg = r
			}
		}
		if reg.Registered() {
			break
		}
	}
	return sig, reg, nil
}

// refine makes a vague send failure precise: when the modem said only
// "error" or "no network service", the signal and registration tell
// whether there is no signal or no registration.
func (m *Modem) refine(ctx context.Context, c *conn, e *transport.Error) {
	switch e.Reason {
	case transport.ReasonModemError, transport.ReasonNotRegistered, transport.ReasonNetwork:
	default:
		return
	}
	if c.dead() {
		return
	}
	sig, reg, err := m.network(ctx, c)
	if err != nil || reg.Registered() {
		return
	}
	if reg == transport.RegUnknown && sig.Known && sig.RSSI >= 2 {
		return
	}
	e.Reason = noNetworkReason(sig)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// PortInfo describes a serial port the settings page can offer.
type PortInfo struct {
	// Name is what Config.Port takes.
	Name string
	// USB is true for a USB device; VID, PID and Product then say which
	// ("12D1", "1001", "HUAWEI Mobile").
	USB               bool
	VID, PID, Product string
}

// Ports lists the serial ports of this computer, for the settings page to
// offer. A USB modem often shows several ports: only one answers AT
// commands, and Status tells which.
func Ports() ([]PortInfo, error) {
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	out := make([]PortInfo, 0, len(list))
	for _, p := range list {
		out = append(out, PortInfo{Name: p.Name, USB: p.IsUSB, VID: p.VID, PID: p.PID, Product: p.Product})
	}
	return out, nil
}
