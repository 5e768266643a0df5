package notify

import (
	"encoding/json"
	"errors"
	"log/slog"
	"sync"

	"motcua/hooks/sms/gateway"
	"motcua/hooks/sms/modem"
	"motcua/hooks/sms/transport"
)

// modems holds one modem.Modem per serial port for the life of the process.
// A SIM that refused a PIN must never be given it again by itself (three
// wrong PINs lock it), and only the Modem that saw the refusal remembers it:
// a new Modem per settings save would try the wrong PIN once more each
// time. So a port keeps its Modem, and a new PIN reaches it with SetPIN.
// When the office moves to another port the old Modem is closed (it would
// hold the port open) and the PIN it saw refused is remembered here, so a
// Modem made later for that port is not handed it again.
var modems = struct {
	sync.Mutex
	byPort   map[string]*portModem
	rejected map[string]string // port → a PIN its SIM refused
}{byPort: map[string]*portModem{}, rejected: map[string]string{}}

type portModem struct {
	m   *modem.Modem
	pin string // the PIN last given to m
}

// modemConfig is the driver configuration of a port. Tests shorten the
// waits (a fake modem answers at once).
var modemConfig = func(port, pin string, log *slog.Logger) modem.Config {
	return modem.Config{Port: port, PIN: pin, CountryCode: "84", MaxParts: maxParts, Logger: log}
}

// modemFor returns the process's Modem for port, with pin set.
func modemFor(port, pin string, log *slog.Logger) *modem.Modem {
	modems.Lock()
	defer modems.Unlock()
	if pm, ok := modems.byPort[port]; ok {
		if pm.pin != pin {
			pm.m.SetPIN(pin)
			pm.pin = pin
			delete(modems.rejected, port)
		}
		return pm.m
	}
	give := pin
	if modems.rejected[port] == pin {
		give = "" // the SIM refused it: wait for a person to give another
	}
	m := modem.New(modemConfig(port, give, log))
	modems.byPort[port] = &portModem{m: m, pin: pin}
	return m
}

// releasePort closes the Modem of a port the office no longer uses.
func releasePort(port string) {
	modems.Lock()
	defer modems.Unlock()
	pm, ok := modems.byPort[port]
	if !ok {
		return
	}
	if st := pm.m.LastStatus(); st.Reason == transport.ReasonWrongPIN {
		modems.rejected[port] = pm.pin
	}
	_ = pm.m.Close()
	delete(modems.byPort, port)
}

// senderState is the sender the worker uses now and what it was made from.
type senderState struct {
	mu     sync.Mutex
	key    string // what the sender was made from (settings that matter)
	port   string // the modem port in use, if any
	sender transport.Sender
	gw     *gateway.Gateway
}

// senderKey says which settings a sender depends on: a change of any of them
// makes a new gateway or picks another port's modem.
func senderKey(s *settings) string {
	b, _ := json.Marshal([]any{s.Sender, s.ModemPort, s.ModemPIN, s.Gateway.URL, s.Gateway.Method, s.Gateway.Headers,
		s.Gateway.ContentType, s.Gateway.Body, s.Gateway.Success})
	return string(b)
}

// errNotConfigured is the sender error of settings without a port or a URL.
var errNotConfigured = errors.New("sms: no sender configured")

// senderFor returns the sender the settings name, making it if they
// changed.
func (st *senderState) senderFor(s *settings, log *slog.Logger) (transport.Sender, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	key := senderKey(s)
	if st.sender != nil && st.key == key {
		return st.sender, nil
	}
	switch s.Sender {
	case senderGateway:
		if st.port != "" {
			releasePort(st.port)
			st.port = ""
		}
		g, err := gateway.New(s.Gateway)
		if err != nil {
			st.sender, st.key = nil, ""
			return nil, err
		}
		st.sender, st.gw, st.key = g, g, key
	default:
		if s.ModemPort == "" {
			return nil, &transport.Error{Reason: transport.ReasonConfig, Op: "open", Raw: "no port set", Err: errNotConfigured}
		}
		if st.port != "" && st.port != s.ModemPort {
			releasePort(st.port)
		}
		st.port = s.ModemPort
		st.sender, st.gw, st.key = modemFor(s.ModemPort, s.ModemPIN, log), nil, key
	}
	return st.sender, nil
}

// current is the sender in use, or nil.
func (st *senderState) current() transport.Sender {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sender
}

// lastStatus is the sender's last known state without touching the device.
func lastStatus(snd transport.Sender) (transport.Status, bool) {
	if m, ok := snd.(*modem.Modem); ok {
		return m.LastStatus(), true
	}
	return transport.Status{}, false
}
