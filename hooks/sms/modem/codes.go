package modem

import (
	"strconv"
	"strings"

	"motcua/hooks/sms/transport"
)

// cmsReason maps the n of "+CMS ERROR: n" (3GPP TS 27.005 §3.2.5) to a
// Reason. Values 0–127 are the RP causes of TS 24.011 §8.2.5.4 (the
// network's answer to the submit), 128–255 the TP-Failure-Cause of TS 23.040
// §9.2.3.22, 300–511 the modem's own errors.
//
// Operators do not say "no credit" in so many words: a prepaid SIM without
// credit, or a barred one, gets "operator determined barring" (8), "call
// barred" (10), "short message transfer rejected" (21), "facility rejected"
// (29) or "requested facility not subscribed" (50), depending on the network.
// They all need the office to top up or call the operator, so they share
// ReasonNoCredit.
var cmsReason = map[int]transport.Reason{
	1:   transport.ReasonBadNumber,     // unassigned (unallocated) number
	8:   transport.ReasonNoCredit,      // operator determined barring
	10:  transport.ReasonNoCredit,      // call barred
	21:  transport.ReasonNoCredit,      // short message transfer rejected
	29:  transport.ReasonNoCredit,      // facility rejected
	50:  transport.ReasonNoCredit,      // requested facility not subscribed
	27:  transport.ReasonNetwork,       // destination out of order
	38:  transport.ReasonNetwork,       // network out of order
	41:  transport.ReasonNetwork,       // temporary failure
	42:  transport.ReasonNetwork,       // congestion
	47:  transport.ReasonNetwork,       // resources unavailable, unspecified
	127: transport.ReasonNetwork,       // interworking, unspecified
	310: transport.ReasonNoSIM,         // SIM not inserted
	311: transport.ReasonSIMPIN,        // SIM PIN required
	312: transport.ReasonSIMPIN,        // PH-SIM PIN required
	313: transport.ReasonNoSIM,         // SIM failure
	315: transport.ReasonNoSIM,         // SIM wrong
	316: transport.ReasonSIMPUK,        // SIM PUK required
	330: transport.ReasonNoSMSC,        // SMSC address unknown
	331: transport.ReasonNotRegistered, // no network service
	332: transport.ReasonNetwork,       // network timeout
	// 300–305 (ME failure, service reserved, operation not allowed or not
	// supported, invalid PDU or text parameter), 314 (SIM busy) and 500
	// (unknown error) stay ReasonModemError; after a failed send the driver
	// asks the network state to tell no signal from no registration.
}

// cmeReason maps the n of "+CME ERROR: n" (3GPP TS 27.007 §9.2.1).
var cmeReason = map[int]transport.Reason{
	5:  transport.ReasonSIMPIN,        // PH-SIM PIN required
	10: transport.ReasonNoSIM,         // SIM not inserted
	11: transport.ReasonSIMPIN,        // SIM PIN required
	12: transport.ReasonSIMPUK,        // SIM PUK required
	13: transport.ReasonNoSIM,         // SIM failure
	15: transport.ReasonNoSIM,         // SIM wrong
	16: transport.ReasonWrongPIN,      // incorrect password
	17: transport.ReasonSIMPIN,        // SIM PIN2 required
	18: transport.ReasonSIMPUK,        // SIM PUK2 required
	30: transport.ReasonNotRegistered, // no network service
	31: transport.ReasonNetwork,       // network timeout
	32: transport.ReasonNotRegistered, // network not allowed, emergency calls only
	// 14 (SIM busy) is waited out by the SIM check; 0–4, 20–27 and 100
	// (phone failure, not allowed, not supported, memory, text, unknown)
	// stay ReasonModemError.
}

// cmeText maps the verbose forms (AT+CMEE=2, and what some modems say before
// AT+CMEE=1 takes effect) to the same reasons, matched on lower case.
var cmeText = []struct {
	text   string
	reason transport.Reason
}{
	{"sim not inserted", transport.ReasonNoSIM},
	{"sim failure", transport.ReasonNoSIM},
	{"sim wrong", transport.ReasonNoSIM},
	{"sim pin required", transport.ReasonSIMPIN},
	{"sim puk required", transport.ReasonSIMPUK},
	{"incorrect password", transport.ReasonWrongPIN},
	{"no network service", transport.ReasonNotRegistered},
	{"network timeout", transport.ReasonNetwork},
	{"smsc address unknown", transport.ReasonNoSMSC},
}

// finalResult classifies a line that ends a command (27.007 §4.1, 27.005
// §3.2.5): "OK", "ERROR", "+CME ERROR: …", "+CMS ERROR: …". It returns
// final=false for any other line. For an error it returns the Reason and
// the numeric code (0 when the modem gave text).
func finalResult(line string) (final, ok bool, reason transport.Reason, code int) {
	switch {
	case line == "OK":
		return true, true, "", 0
	case line == "ERROR", line == "COMMAND NOT SUPPORT": // the latter is Huawei's
		return true, false, transport.ReasonModemError, 0
	}
	var table map[int]transport.Reason
	var rest string
	switch {
	case strings.HasPrefix(line, "+CMS ERROR:"):
		table, rest = cmsReason, line[len("+CMS ERROR:"):]
	case strings.HasPrefix(line, "+CME ERROR:"):
		table, rest = cmeReason, line[len("+CME ERROR:"):]
	default:
		return false, false, "", 0
	}
	rest = strings.TrimSpace(rest)
	if n, err := strconv.Atoi(rest); err == nil {
		if r, ok := table[n]; ok {
			return true, false, r, n
		}
		return true, false, transport.ReasonModemError, n
	}
	lower := strings.ToLower(rest)
	for _, t := range cmeText {
		if strings.Contains(lower, t.text) {
			return true, false, t.reason, 0
		}
	}
	return true, false, transport.ReasonModemError, 0
}
