// Package transport is the contract between the SMS outbox and whatever
// carries a message out: the GSM modem (package modem) or an SMS brandname
// gateway over HTTP (package gateway). It holds the Sender interface, what a
// send and a status check return, and the error type with a stable Reason
// the outbox stores and the dashboard translates.
//
// It is a leaf of its own, not part of either sender, so the outbox can
// depend on the contract without pulling in a serial-port library, and the
// two senders report faults in the same words.
package transport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sender sends one SMS notice and tells whether it could. The outbox holds
// one Sender at a time (the one the settings name) and calls it from a
// single worker; implementations are nevertheless safe for concurrent use,
// calls simply wait their turn.
//
// Send takes the destination as typed (a Vietnamese mobile number, normally
// the "0xxxxxxxxx" form that textnorm.NormalizePhone gives) and the final
// text: the caller has already written Vietnamese without diacritics and
// checked the number of parts (pdu.Parts). Send returns once every part is
// accepted by the network (modem) or the gateway, or with an *Error saying
// why not. A Send that fails after handing the whole message over may have
// sent it anyway: Error.MaybeSent tells, so the outbox can avoid sending a
// notice twice.
//
// Status checks the device or the gateway's configuration. Its error is nil
// when the check could be made, even if it found the sender not ready (see
// Status.Ready and Status.Reason); it is an *Error when the device could not
// be asked at all (unplugged, busy port, hung).
//
// Close releases the device; a closed Sender must not be used again.
type Sender interface {
	Send(ctx context.Context, to, text string) (Result, error)
	Status(ctx context.Context) (Status, error)
	Close() error
}

// Result describes a message that went out.
type Result struct {
	// Parts is the number of SMS the message took.
	Parts int
	// Encoding is "gsm7" or "ucs2" for the modem, "" for a gateway.
	Encoding string
	// Refs are the message references the network gave each part
	// (+CMGS: <mr>), in order; empty for a gateway.
	Refs []int
	// MessageID is the id the message was given: the one put in the gateway's
	// body template, or "" for the modem.
	MessageID string
}

// Reason says in a stable word why a message could not go out or why the
// sender is not ready. The outbox stores it; the dashboard shows it in
// Vietnamese and Khmer through the i18n catalogues (one key per Reason).
type Reason string

// The reasons. Those about the SIM, the port and the configuration need a
// person; no_signal, not_registered, network, timeout, unplugged and
// modem_error may clear by themselves; bad_number and too_long are faults of
// the message itself, which no retry will cure (Permanent).
const (
	// ReasonNoSIM: no SIM card, or the SIM failed (CME 10/13/15, CMS 310/313/315).
	ReasonNoSIM Reason = "no_sim"
	// ReasonSIMPIN: the SIM asks for a PIN and none is set.
	ReasonSIMPIN Reason = "sim_pin"
	// ReasonWrongPIN: the SIM refused the PIN set (CME 16). It is never
	// tried again by itself: three wrong PINs lock the SIM.
	ReasonWrongPIN Reason = "wrong_pin"
	// ReasonSIMPUK: the SIM is locked and asks for its PUK (CME 12, CMS 316),
	// which only a person with the SIM's papers can enter, in a phone.
	ReasonSIMPUK Reason = "sim_puk"
	// ReasonNoSignal: the modem hears no network (AT+CSQ 99 or 0).
	ReasonNoSignal Reason = "no_signal"
	// ReasonNotRegistered: there is signal but the SIM is not registered on
	// a network (searching, denied), CMS 331, CME 30.
	ReasonNotRegistered Reason = "not_registered"
	// ReasonNoCredit: the network refused the message in the way it refuses
	// an account without credit or barred (RP causes 8, 10, 21, 29, 50).
	ReasonNoCredit Reason = "no_credit"
	// ReasonNetwork: a passing network fault (congestion, network out of
	// order, network timeout); a gateway that cannot be reached.
	ReasonNetwork Reason = "network"
	// ReasonTimeout: the modem or the gateway did not answer in time.
	ReasonTimeout Reason = "timeout"
	// ReasonUnplugged: the serial port is gone (modem unplugged, wrong port
	// name).
	ReasonUnplugged Reason = "unplugged"
	// ReasonPortBusy: the port exists but cannot be opened: another program
	// (or on Linux ModemManager) holds it, or access is denied.
	ReasonPortBusy Reason = "port_busy"
	// ReasonNoSMSC: the SIM has no SMS centre number (CMS 330).
	ReasonNoSMSC Reason = "no_smsc"
	// ReasonBadNumber: the destination is not a number the network knows
	// (the PDU encoder refused it, or RP cause 1 "unassigned number").
	ReasonBadNumber Reason = "bad_number"
	// ReasonTooLong: the text needs more parts than allowed, or is not
	// valid text.
	ReasonTooLong Reason = "too_long"
	// ReasonRejected: the gateway answered, but not with success (an HTTP
	// status outside 2xx, or a body without the success marker).
	ReasonRejected Reason = "rejected"
	// ReasonConfig: the sender is not configured (no port, no URL, a body
	// template that does not run).
	ReasonConfig Reason = "config"
	// ReasonModemError: the modem refused for another reason; Error.Code and
	// Error.Raw say what it said.
	ReasonModemError Reason = "modem_error"
)

// Reasons lists every Reason, so a test can check that each has its message
// in every catalogue.
func Reasons() []Reason {
	return []Reason{
		ReasonNoSIM, ReasonSIMPIN, ReasonWrongPIN, ReasonSIMPUK, ReasonNoSignal,
		ReasonNotRegistered, ReasonNoCredit, ReasonNetwork, ReasonTimeout, ReasonUnplugged,
		ReasonPortBusy, ReasonNoSMSC, ReasonBadNumber, ReasonTooLong, ReasonRejected,
		ReasonConfig, ReasonModemError,
	}
}

// Permanent reports whether the message itself is at fault, so that retrying
// it can never succeed and the outbox should give it up.
func (r Reason) Permanent() bool {
	return r == ReasonBadNumber || r == ReasonTooLong
}

// Error is what a Sender returns when it fails.
type Error struct {
	// Reason is the stable word for the fault.
	Reason Reason
	// Op is what was being done: "open", "init", "status", "send".
	Op string
	// Code is the number the device gave: the n of "+CMS ERROR: n" or
	// "+CME ERROR: n", or the HTTP status; 0 when there is none.
	Code int
	// Raw is what the device or gateway said, as said ("+CMS ERROR: 21",
	// "HTTP 503: …"), cut to a few hundred bytes; for the IT person.
	Raw string
	// SentParts is how many parts of the message the network had accepted
	// before the failure (they reached the phone; a retry sends them again).
	SentParts int
	// MaybeSent is set when the failure came after the whole message was
	// handed over without an answer (a timeout after the last part, a
	// gateway that timed out after receiving the request): the message may
	// have gone out.
	MaybeSent bool
	// Err is the underlying error, if any.
	Err error
}

// Error gives "sms send: no_credit: +CMS ERROR: 21".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sms")
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(": " + string(e.Reason))
	if e.Raw != "" {
		b.WriteString(": " + e.Raw)
	}
	if e.Err != nil && (e.Raw == "" || !strings.Contains(e.Raw, e.Err.Error())) {
		b.WriteString(": " + e.Err.Error())
	}
	if e.SentParts > 0 {
		fmt.Fprintf(&b, " (after %d parts sent)", e.SentParts)
	}
	if e.MaybeSent {
		b.WriteString(" (may have been sent)")
	}
	return b.String()
}

// Unwrap gives the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ReasonOf gives the Reason of err: "" for nil, the Reason of an *Error in
// its chain, ReasonTimeout for a context deadline, else ReasonModemError.
func ReasonOf(err error) Reason {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Reason
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return ReasonTimeout
	}
	return ReasonModemError
}

// SIMState is what the SIM says of itself (AT+CPIN?).
type SIMState string

// The SIM states.
const (
	SIMReady   SIMState = "ready"   // usable
	SIMPIN     SIMState = "pin"     // asks for its PIN
	SIMPUK     SIMState = "puk"     // locked, asks for its PUK
	SIMAbsent  SIMState = "absent"  // no SIM, or a failed one
	SIMUnknown SIMState = "unknown" // not asked, or no answer
)

// Registration is the network registration state (AT+CREG?, 27.007 §7.2).
type Registration string

// The registration states.
const (
	RegHome      Registration = "home"      // registered on the home network
	RegRoaming   Registration = "roaming"   // registered, roaming
	RegSearching Registration = "searching" // not registered, searching
	RegDenied    Registration = "denied"    // registration denied
	RegNone      Registration = "none"      // not registered, not searching
	RegUnknown   Registration = "unknown"   // unknown, or not asked
)

// Registered reports whether messages can go out on this registration.
func (r Registration) Registered() bool { return r == RegHome || r == RegRoaming }

// Signal is the received signal strength (AT+CSQ, 27.007 §8.5).
type Signal struct {
	// Known is false when the modem does not know it (CSQ 99); then the
	// dashboard says "unknown".
	Known bool
	// RSSI is the raw CSQ value 0–31 (99 when unknown).
	RSSI int
	// DBm is the strength in dBm, −113 (or less) to −51 (or more).
	DBm int
	// Bars is 0–4, as a phone would draw it.
	Bars int
}

// Status is a sender's state, for the dashboard and for the outbox to know
// whether to try.
type Status struct {
	// Ready is true when a message could go out now.
	Ready bool
	// Reason says why not, when not Ready.
	Reason Reason
	// Detail is a raw word from the device for the IT person, e.g. the CME
	// error of the SIM check.
	Detail string
	// Kind is "modem" or "gateway"; Device names it: the port ("COM3",
	// "/dev/ttyUSB0") or the gateway's host.
	Kind, Device string
	// Model is the modem's maker and model (AT+CGMI, AT+CGMM), when known.
	Model string
	// SIM, Registration, Signal and Operator describe a modem's network;
	// a gateway leaves them at their zero values.
	SIM          SIMState
	Registration Registration
	Signal       Signal
	Operator     string
	// Checked is when this status was taken (UTC).
	Checked time.Time
}
