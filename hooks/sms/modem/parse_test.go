package modem

import (
	"strings"
	"testing"

	"motcua/hooks/sms/transport"
)

func TestFinalResult(t *testing.T) {
	tests := []struct {
		line   string
		final  bool
		ok     bool
		reason transport.Reason
		code   int
	}{
		{"OK", true, true, "", 0},
		{"ERROR", true, false, transport.ReasonModemError, 0},
		{"COMMAND NOT SUPPORT", true, false, transport.ReasonModemError, 0},
		{"+CMS ERROR: 21", true, false, transport.ReasonNoCredit, 21},
		{"+CMS ERROR: 8", true, false, transport.ReasonNoCredit, 8},
		{"+CMS ERROR: 38", true, false, transport.ReasonNetwork, 38},
		{"+CMS ERROR: 42", true, false, transport.ReasonNetwork, 42},
		{"+CMS ERROR: 1", true, false, transport.ReasonBadNumber, 1},
		{"+CMS ERROR: 310", true, false, transport.ReasonNoSIM, 310},
		{"+CMS ERROR: 311", true, false, transport.ReasonSIMPIN, 311},
		{"+CMS ERROR: 316", true, false, transport.ReasonSIMPUK, 316},
		{"+CMS ERROR: 330", true, false, transport.ReasonNoSMSC, 330},
		{"+CMS ERROR: 331", true, false, transport.ReasonNotRegistered, 331},
		{"+CMS ERROR: 332", true, false, transport.ReasonNetwork, 332},
		{"+CMS ERROR: 500", true, false, transport.ReasonModemError, 500},
		{"+CMS ERROR: 304", true, false, transport.ReasonModemError, 304},
		{"+CME ERROR: 10", true, false, transport.ReasonNoSIM, 10},
		{"+CME ERROR: 11", true, false, transport.ReasonSIMPIN, 11},
		{"+CME ERROR: 12", true, false, transport.ReasonSIMPUK, 12},
		{"+CME ERROR: 13", true, false, transport.ReasonNoSIM, 13},
		{"+CME ERROR: 16", true, false, transport.ReasonWrongPIN, 16},
		{"+CME ERROR: 30", true, false, transport.ReasonNotRegistered, 30},
		{"+CME ERROR: 100", true, false, transport.ReasonModemError, 100},
		{"+CME ERROR: SIM not inserted", true, false, transport.ReasonNoSIM, 0},
		{"+CME ERROR: incorrect password", true, false, transport.ReasonWrongPIN, 0},
		{"+CMS ERROR: SMSC address unknown", true, false, transport.ReasonNoSMSC, 0},
		{"+CME ERROR: something odd", true, false, transport.ReasonModemError, 0},
		{"+CMTI: \"SM\",3", false, false, "", 0},
		{"RING", false, false, "", 0},
		{"OKAY", false, false, "", 0},
		{"+CMGS: 12", false, false, "", 0},
	}
	for _, tt := range tests {
		final, ok, reason, code := finalResult(tt.line)
		if final != tt.final || ok != tt.ok || reason != tt.reason || code != tt.code {
			t.Errorf("finalResult(%q) = %v %v %q %d, want %v %v %q %d", tt.line, final, ok, reason, code,
				tt.final, tt.ok, tt.reason, tt.code)
		}
	}
}

func TestParseCSQ(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
		want transport.Signal
	}{
		{"+CSQ: 20,99", true, transport.Signal{Known: true, RSSI: 20, DBm: -73, Bars: 4}},
		{"+CSQ: 31,0", true, transport.Signal{Known: true, RSSI: 31, DBm: -51, Bars: 4}},
		{"+CSQ: 15,99", true, transport.Signal{Known: true, RSSI: 15, DBm: -83, Bars: 3}},
		{"+CSQ: 10,99", true, transport.Signal{Known: true, RSSI: 10, DBm: -93, Bars: 2}},
		{"+CSQ: 2,99", true, transport.Signal{Known: true, RSSI: 2, DBm: -109, Bars: 1}},
		{"+CSQ: 0,99", true, transport.Signal{Known: true, RSSI: 0, DBm: -113, Bars: 0}},
		{"+CSQ: 99,99", true, transport.Signal{RSSI: 99}},
		{"+CSQ: 32,99", false, transport.Signal{}},
		{"+CSQ: -1,99", false, transport.Signal{}},
		{"+CSQ: x,99", false, transport.Signal{}},
		{"+CSQ:", false, transport.Signal{}},
		{"^RSSI: 17", false, transport.Signal{}},
	}
	for _, tt := range tests {
		got, ok := parseCSQ(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseCSQ(%q) = %+v %v, want %+v %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseCREG(t *testing.T) {
	tests := []struct {
		line      string
		reg       transport.Registration
		solicited bool
		ok        bool
	}{
		{"+CREG: 0,1", transport.RegHome, true, true},
		{"+CREG: 2,5,\"1A2B\",\"00C3D4\",7", transport.RegRoaming, true, true},
		{"+CREG: 0,2", transport.RegSearching, true, true},
		{"+CREG: 0,3", transport.RegDenied, true, true},
		{"+CREG: 0,0", transport.RegNone, true, true},
		{"+CREG: 0,4", transport.RegUnknown, true, true},
		{"+CREG: 0,6", transport.RegHome, true, true},
		{"+CREG: 1", transport.RegHome, false, true},                     // unsolicited
		{"+CREG: 1,\"1A2B\",\"00C3D4\"", transport.RegHome, false, true}, // unsolicited with location
		{"+CREG: x,y", transport.RegUnknown, false, false},
		{"+CREG:", transport.RegUnknown, false, false},
	}
	for _, tt := range tests {
		reg, solicited, ok := parseCREG(tt.line, "+CREG:")
		if reg != tt.reg || solicited != tt.solicited || ok != tt.ok {
			t.Errorf("parseCREG(%q) = %v %v %v, want %v %v %v", tt.line, reg, solicited, ok, tt.reg, tt.solicited, tt.ok)
		}
	}
	if reg, sol, ok := parseCREG("+CEREG: 0,1", "+CEREG:"); reg != transport.RegHome || !sol || !ok {
		t.Errorf("CEREG: %v %v %v", reg, sol, ok)
	}
}

func TestParseOthers(t *testing.T) {
	for line, want := range map[string]transport.SIMState{
		"+CPIN: READY":      transport.SIMReady,
		"+CPIN: SIM PIN":    transport.SIMPIN,
		"+CPIN: SIM PUK":    transport.SIMPUK,
		"+CPIN: PH-SIM PIN": transport.SIMPIN,
		"+CPIN: SIM PIN2":   transport.SIMReady,
		"+CPIN: WHAT":       transport.SIMUnknown,
	} {
		if got, ok := parseCPIN(line); !ok || got != want {
			t.Errorf("parseCPIN(%q) = %v %v, want %v", line, got, ok, want)
		}
	}
	for line, want := range map[string]int{"+CMGS: 12": 12, "+CMGS: 0,\"26/08/18,10:00:00+28\"": 0, "+CMGS: 255": 255} {
		if got, ok := parseCMGS(line); !ok || got != want {
			t.Errorf("parseCMGS(%q) = %d %v, want %d", line, got, ok, want)
		}
	}
	for _, line := range []string{"+CMGS: 256", "+CMGS: -1", "+CMGS:", "+CMGS: x", "+CMTI: 1"} {
		if got, ok := parseCMGS(line); ok {
			t.Errorf("parseCMGS(%q) = %d, want refused", line, got)
		}
	}
	for line, want := range map[string]string{
		`+COPS: 0,0,"Viettel",7`:                "Viettel",
		`+COPS: 0,2,"45204",2`:                  "45204",
		`+COPS: 0`:                              "",
		`+COPS: 0,0,"Vina` + "\x01\xff" + `",7`: "Vina??",
	} {
		if got := parseCOPS(line); got != want {
			t.Errorf("parseCOPS(%q) = %q, want %q", line, got, want)
		}
	}
	if got := parseCOPS(`+COPS: 0,0,"` + strings.Repeat("x", 100) + `",7`); len(got) != 32 {
		t.Errorf("operator not cut: %d bytes", len(got))
	}
}

func TestSplitter(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   []string // ">" stands for a prompt
	}{
		{"answer", []string{"\r\n+CSQ: 20,99\r\n\r\nOK\r\n"}, []string{"+CSQ: 20,99", "OK"}},
		{"split across reads", []string{"\r\n+CS", "Q: 2", "0,99\r", "\n\r\nO", "K\r\n"}, []string{"+CSQ: 20,99", "OK"}},
		{"echo then answer", []string{"AT\r\r\nOK\r\n"}, []string{"AT", "OK"}},
		{"prompt", []string{"\r\n> "}, []string{">"}},
		{"prompt then URC in one read", []string{"\r\n> \r\n^RSSI: 16\r\n"}, []string{">", "^RSSI: 16"}},
		{"bare prompt at the end of a read", []string{"\r\n>"}, []string{">"}},
		{"prompt split", []string{"\r\n>", " "}, []string{">"}},
		{"a line starting with > is no prompt", []string{">abc\r\n"}, []string{">abc"}},
		{"overlong line dropped", []string{strings.Repeat("x", maxLine+1), "\r\nOK\r\n"}, []string{"OK"}},
		{"line of exactly maxLine kept", []string{strings.Repeat("y", maxLine) + "\r\n"}, []string{strings.Repeat("y", maxLine)}},
		{"spew in many reads", []string{strings.Repeat("A", 300), strings.Repeat("A", 300), strings.Repeat("A", 300), "\r\nOK\r\n"}, []string{"OK"}},
		{"blank lines", []string{"\r\n\r\n  \r\nOK\n"}, []string{"OK"}},
	}
	for _, tt := range tests {
		var sp splitter
		var got []string
		for _, c := range tt.chunks {
			for _, ev := range sp.feed([]byte(c)) {
				if ev.prompt {
					got = append(got, ">")
				} else {
					got = append(got, ev.line)
				}
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
		if cap(sp.buf) > 2*maxLine {
			t.Errorf("%s: buffer grew to %d", tt.name, cap(sp.buf))
		}
	}
}

// FuzzSplitter feeds the line splitter what a device might send: it must
// not panic, never hand out a line longer than maxLine, nor keep more.
func FuzzSplitter(f *testing.F) {
	f.Add([]byte("\r\n+CSQ: 20,99\r\n\r\nOK\r\n"), uint8(3))
	f.Add([]byte("\r\n> "), uint8(1))
	f.Add([]byte(strings.Repeat("x", 2000)+"\r\nOK\r\n"), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		n := int(step)%64 + 1
		var sp splitter
		for len(data) > 0 {
			k := min(n, len(data))
			for _, ev := range sp.feed(data[:k]) {
				if len(ev.line) > maxLine || ev.prompt && ev.line != "" {
					t.Fatalf("event %+v", ev)
				}
				if !ev.prompt && ev.line == "" {
					t.Fatal("empty line handed out")
				}
			}
			if len(sp.buf) > maxLine {
				t.Fatalf("buffer holds %d bytes", len(sp.buf))
			}
			data = data[k:]
		}
	})
}

// FuzzParseAnswer gives every answer parser an arbitrary line: none may
// panic, and what they accept must be in range.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{"+CSQ: 20,99", "+CREG: 2,5,\"1A\",\"2B\",7", "+CPIN: SIM PIN", "+CMGS: 12",
		"+COPS: 0,0,\"Viettel\",7", "+CMS ERROR: 21", "+CME ERROR: SIM not inserted", "OK", ",,,", "+CSQ: ,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if s, ok := parseCSQ(line); ok && s.Known && (s.RSSI < 0 || s.RSSI > 31 || s.Bars < 0 || s.Bars > 4) {
			t.Fatalf("signal %+v", s)
		}
		parseCREG(line, "+CREG:")
		parseCPIN(line)
		if mr, ok := parseCMGS(line); ok && (mr < 0 || mr > 255) {
			t.Fatalf("mr %d", mr)
		}
		if op := parseCOPS(line); len(op) > 32 {
			t.Fatalf("operator %q", op)
		}
		if final, ok, reason, _ := finalResult(line); final && !ok && reason == "" {
			t.Fatalf("error without a reason: %q", line)
		}
	})
}
