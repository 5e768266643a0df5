package modem

import (
	"strconv"
	"strings"

	"motcua/hooks/sms/transport"
)

// fields splits the parameters of an information response ("+CSQ: 20,99")
// after its prefix, unquoting quoted ones. quoted tells which were quoted.
func fields(line, prefix string) (vals []string, quoted []bool, ok bool) {
	if !strings.HasPrefix(line, prefix) {
		return nil, nil, false
	}
	rest := strings.TrimSpace(line[len(prefix):])
	if rest == "" {
		return nil, nil, true
	}
	for _, f := range strings.Split(rest, ",") {
		f = strings.TrimSpace(f)
		q := len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"'
		if q {
			f = f[1 : len(f)-1]
		}
		vals = append(vals, f)
		quoted = append(quoted, q)
	}
	return vals, quoted, true
}

// parseCSQ reads "+CSQ: <rssi>,<ber>" (27.007 §8.5): rssi 0 is −113 dBm or
// less, 31 is −51 dBm or more, 99 is unknown.
func parseCSQ(line string) (transport.Signal, bool) {
	vals, _, ok := fields(line, "+CSQ:")
	if !ok || len(vals) < 1 {
		return transport.Signal{}, false
	}
	rssi, err := strconv.Atoi(vals[0])
	if err != nil || rssi < 0 || rssi > 31 && rssi != 99 {
		return transport.Signal{}, false
	}
	return signalOf(rssi), true
}

// signalOf turns a CSQ rssi into dBm and bars. The bars follow the usual
// reading of CSQ: below 2 is no usable signal, 2–9 marginal, 10–14 fair,
// 15–19 good, 20 and more excellent.
func signalOf(rssi int) transport.Signal {
	if rssi == 99 {
		return transport.Signal{RSSI: 99}
	}
	s := transport.Signal{Known: true, RSSI: rssi, DBm: -113 + 2*rssi}
	switch {
	case rssi >= 20:
		s.Bars = 4
	case rssi >= 15:
		s.Bars = 3
	case rssi >= 10:
		s.Bars = 2
	case rssi >= 2:
		s.Bars = 1
	}
	return s
}

// parseCREG reads the answer to AT+CREG? or AT+CEREG? ("+CREG: <n>,<stat>
// [,<lac>,<ci>[,<AcT>]]", 27.007 §7.2 and §10.1.22), and also the
// unsolicited form ("+CREG: <stat>[,<lac>,<ci>]") that a modem left with
// AT+CREG=1 or 2 sends at any time: a single number, or a number followed by
// a quoted area code, is the unsolicited form.
func parseCREG(line, prefix string) (reg transport.Registration, solicited, ok bool) {
	vals, quoted, ok := fields(line, prefix)
	if !ok || len(vals) == 0 {
		return transport.RegUnknown, false, false
	}
	stat := vals[0]
	solicited = len(vals) >= 2 && !quoted[1]
	if solicited {
		stat = vals[1]
	}
	n, err := strconv.Atoi(stat)
	if err != nil {
		return transport.RegUnknown, false, false
	}
	switch n {
	case 0:
		reg = transport.RegNone
	case 1, 6, 9: // home; "SMS only" home; CSFB not preferred, home
		reg = transport.RegHome
	case 2:
		reg = transport.RegSearching
	case 3:
		reg = transport.RegDenied
	case 5, 7, 10: // the same, roaming
		reg = transport.RegRoaming
	default: // 4 unknown, 8 emergency only
		reg = transport.RegUnknown
	}
	return reg, solicited, true
}

// parseCPIN reads "+CPIN: <code>" (27.007 §8.3).
func parseCPIN(line string) (transport.SIMState, bool) {
	vals, _, ok := fields(line, "+CPIN:")
	if !ok || len(vals) == 0 {
		return transport.SIMUnknown, false
	}
	switch strings.ToUpper(vals[0]) {
	case "READY", "SIM PIN2", "SIM PUK2":
		// PIN2/PUK2 guard only the fixed dialling numbers; SMS works.
		return transport.SIMReady, true
	case "SIM PIN", "PH-SIM PIN", "PH-FSIM PIN", "PH-NET PIN":
		return transport.SIMPIN, true
	case "SIM PUK", "PH-FSIM PUK", "PH-NET PUK":
		return transport.SIMPUK, true
	}
	return transport.SIMUnknown, true
}

// parseCMGS reads "+CMGS: <mr>[,<scts>]" (27.005 §3.5.1), the message
// reference the network gave a part.
func parseCMGS(line string) (int, bool) {
	vals, _, ok := fields(line, "+CMGS:")
	if !ok || len(vals) == 0 {
		return 0, false
	}
	mr, err := strconv.Atoi(vals[0])
	if err != nil || mr < 0 || mr > 255 {
		return 0, false
	}
	return mr, true
}

// parseCOPS reads the operator name from "+COPS: <mode>[,<format>,<oper>
// [,<AcT>]]" (27.007 §7.3); "" when not registered.
func parseCOPS(line string) string {
	vals, _, ok := fields(line, "+COPS:")
	if !ok || len(vals) < 3 {
		return ""
	}
	return printable(vals[2], 32)
}

// printable keeps what a modem said fit for a log or the dashboard: ASCII
// graphic characters and spaces, cut to n bytes.
func printable(s string, n int) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < n; i++ {
		if c := s[i]; c >= 0x20 && c < 0x7F {
			b.WriteByte(c)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// unsolicitedPrefixes start the lines a modem sends on its own (27.005
// §3.4.1, 27.007, and the Huawei "^" codes). They are skipped wherever they
// arrive; for commands whose answer has no prefix (AT+CGMI) they must not be
// taken for the answer.
var unsolicitedPrefixes = []string{"+", "^", "RING", "NO CARRIER", "SMS READY", "CALL READY", "RDY"}

func unsolicited(line string) bool {
	for _, p := range unsolicitedPrefixes {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}
