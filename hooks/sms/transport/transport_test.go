package transport

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"
)

func TestReasons(t *testing.T) {
	seen := map[Reason]bool{}
	word := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	for _, r := range Reasons() {
		if seen[r] {
			t.Errorf("%q listed twice", r)
		}
		seen[r] = true
		// Reasons become i18n keys ("sms.reason_<reason>"): snake case.
		if !word.MatchString(string(r)) {
			t.Errorf("%q is not a snake_case word", r)
		}
	}
	if len(seen) != 17 {
		t.Errorf("%d reasons", len(seen))
	}
	for _, r := range Reasons() {
		if got := r == ReasonBadNumber || r == ReasonTooLong; r.Permanent() != got {
			t.Errorf("%s.Permanent() = %v", r, r.Permanent())
		}
	}
}

func TestError(t *testing.T) {
	under := errors.New("read /dev/ttyUSB0: input/output error")
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Reason: ReasonNoCredit, Op: "send", Code: 21, Raw: "+CMS ERROR: 21"}, "sms send: no_credit: +CMS ERROR: 21"},
		{&Error{Reason: ReasonUnplugged, Op: "AT+CSQ", Err: under}, "sms AT+CSQ: unplugged: " + under.Error()},
		{&Error{Reason: ReasonNetwork, Op: "send", Raw: "+CMS ERROR: 42", SentParts: 1}, "sms send: network: +CMS ERROR: 42 (after 1 parts sent)"},
		{&Error{Reason: ReasonTimeout, MaybeSent: true}, "sms: timeout (may have been sent)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	wrapped := fmt.Errorf("outbox: %w", &Error{Reason: ReasonNoSIM, Err: under})
	if ReasonOf(wrapped) != ReasonNoSIM || !errors.Is(wrapped, under) {
		t.Errorf("wrapped: %s, unwraps %v", ReasonOf(wrapped), errors.Is(wrapped, under))
	}
	for err, want := range map[error]Reason{
		nil:                                   "",
		context.DeadlineExceeded:              ReasonTimeout,
		fmt.Errorf("x: %w", context.Canceled): ReasonTimeout,
		errors.New("other"):                   ReasonModemError,
	} {
		if got := ReasonOf(err); got != want {
			t.Errorf("ReasonOf(%v) = %q, want %q", err, got, want)
		}
	}
	if !RegHome.Registered() || !RegRoaming.Registered() || RegSearching.Registered() || RegUnknown.Registered() {
		t.Error("Registered")
	}
}
