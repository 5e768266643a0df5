package modem

import "strings"

// maxLine is the longest line kept from the modem. The longest answer the
// driver reads is far shorter (a +COPS line, 60 bytes); a device that sends
// bytes without a line end must not grow memory, so the rest of a longer
// line is dropped up to the next line end.
const maxLine = 512

// event is what the reader hands the waiting command: a line, or the "> "
// prompt of AT+CMGS.
type event struct {
	line   string
	prompt bool
}

// splitter cuts the byte stream of a modem into lines (27.007 §4.1: answers
// are framed by CR LF) and recognises the prompt of AT+CMGS (27.005 §3.5.1),
// which has no line end: "> " at the start of a line, or a bare ">" left at
// the end of what a read returned.
type splitter struct {
	buf      []byte
	overlong bool // the current line passed maxLine and is being dropped
	// Dropped counts the overlong lines dropped, for the log.
	dropped int
}

// feed consumes a chunk of bytes as read and returns the events it
// completes. Empty lines are skipped; lines are trimmed of white space.
func (s *splitter) feed(chunk []byte) []event {
	var out []event
	for _, c := range chunk {
		if c == '\r' || c == '\n' {
			if s.overlong {
				s.overlong = false
			} else if line := strings.TrimSpace(string(s.buf)); line != "" {
				out = append(out, event{line: line})
			}
			s.buf = s.buf[:0]
			continue
		}
		if s.overlong {
			continue
		}
		if len(s.buf) >= maxLine {
			s.overlong = true
			s.dropped++
			s.buf = s.buf[:0]
			continue
		}
		s.buf = append(s.buf, c)
		if len(s.buf) == 2 && s.buf[0] == '>' && s.buf[1] == ' ' {
			out = append(out, event{prompt: true})
			s.buf = s.buf[:0]
		}
	}
	if len(s.buf) == 1 && s.buf[0] == '>' {
		// A bare ">" at the end of what arrived: the modem is waiting.
		out = append(out, event{prompt: true})
		s.buf = s.buf[:0]
	}
	return out
}
