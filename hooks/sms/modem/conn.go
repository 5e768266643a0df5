package modem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"go.bug.st/serial"

	"motcua/hooks/sms/transport"
)

// eventQueue is how many lines the reader holds for a command that has not
// come to read them; beyond it, lines nobody waits for (URCs between
// commands) are dropped.
const eventQueue = 128

// conn is one opening of the serial port, with the goroutine that reads it.
// A conn that failed (the reader stopped, a wait timed out, a write failed)
// is closed and never used again: the next call opens a new one, which is
// how an unplugged and replugged modem comes back.
type conn struct {
	port   serial.Port
	events chan event
	done   chan struct{} // closed when the reader stops
	// readErr is why the reader stopped; set before done is closed.
	readErr error
	closing atomic.Bool
	// inited is set once the start-up commands went through; a conn left
	// half started is not reused.
	inited bool
	log    *slog.Logger
}

// openConn opens the port and starts reading it.
func openConn(name string, baud int, log *slog.Logger) (*conn, error) {
	port, err := serial.Open(name, &serial.Mode{BaudRate: baud})
	if err != nil {
		return nil, openError(name, err)
	}
	// Bytes left from an earlier opening (a late answer) would be taken for
	// answers to this one.
	_ = port.ResetInputBuffer()
	c := &conn{port: port, events: make(chan event, eventQueue), done: make(chan struct{}), log: log}
	go c.read()
	return c, nil
}

// openError turns a failed open into the Reason the dashboard shows.
func openError(name string, err error) *transport.Error {
	reason := transport.ReasonModemError
	var pe *serial.PortError
	switch {
	case errors.As(err, &pe) && pe.Code() == serial.PortNotFound,
		errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENXIO), errors.Is(err, syscall.ENODEV):
		reason = transport.ReasonUnplugged
	case errors.As(err, &pe) && (pe.Code() == serial.PortBusy || pe.Code() == serial.PermissionDenied),
		errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EBUSY):
		reason = transport.ReasonPortBusy
	}
	return &transport.Error{Reason: reason, Op: "open", Raw: name, Err: err}
}

// read runs until the port fails or is closed, handing complete lines and
// prompts to the events queue.
func (c *conn) read() {
	defer close(c.done)
	var (
		sp  splitter
		buf = make([]byte, 256)
	)
	for {
		n, err := c.port.Read(buf)
		for _, ev := range sp.feed(buf[:n]) {
			select {
			case c.events <- ev:
			default:
				c.log.Debug("sms modem: line dropped, nobody reading", "line", printable(ev.line, 80))
			}
		}
		if sp.dropped > 0 {
			c.log.Warn("sms modem: overlong line from the device dropped", "count", sp.dropped)
			sp.dropped = 0
		}
		if err != nil {
			c.readErr = err
			return
		}
	}
}

// close closes the port; the reader stops.
func (c *conn) close() {
	if c.closing.CompareAndSwap(false, true) {
		_ = c.port.Close()
	}
}

// dead reports whether the reader has stopped.
func (c *conn) dead() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// drain throws away what arrived since the last command: URCs, and the
// late answer of a command that timed out.
func (c *conn) drain() {
	for {
		select {
		case ev := <-c.events:
			if ev.line != "" {
				c.log.Debug("sms modem: skipped", "line", printable(ev.line, 80))
			}
		default:
			return
		}
	}
}

// write sends bytes to the modem. A write that blocks (a port with flow
// control whose device stopped reading) is undone by closing the port when
// ctx ends.
func (c *conn) write(ctx context.Context, s string) error {
	if err := ctx.Err(); err != nil {
		return &transport.Error{Reason: transport.ReasonTimeout, Op: "write", Err: context.Cause(ctx)}
	}
	stop := context.AfterFunc(ctx, c.close)
	defer stop()
	if _, err := io.WriteString(c.port, s); err != nil {
		c.close()
		if ctx.Err() != nil {
			return &transport.Error{Reason: transport.ReasonTimeout, Op: "write", Err: context.Cause(ctx)}
		}
		return &transport.Error{Reason: transport.ReasonUnplugged, Op: "write", Err: err}
	}
	return nil
}

// errGone is the error of a reader that stopped.
func (c *conn) errGone(op string) *transport.Error {
	err := c.readErr
	if err == nil {
		err = errors.New("port closed")
	}
	return &transport.Error{Reason: transport.ReasonUnplugged, Op: op, Err: err}
}

// errTimeout is the error of a wait that ran out. An answer may still come
// and be taken for the next command's, so the Modem closes the conn after a
// timeout (fatal) unless it settles first.
func (c *conn) errTimeout(ctx context.Context, op, waiting string) *transport.Error {
	e := &transport.Error{Reason: transport.ReasonTimeout, Op: op, Raw: "no answer to " + waiting}
	if ctx.Err() != nil {
		e.Err = context.Cause(ctx)
	}
	return e
}

// next waits for the next event until the deadline or the end of ctx.
func (c *conn) next(ctx context.Context, deadline *time.Timer) (event, error) {
	select {
	case ev := <-c.events:
		return ev, nil
	default:
	}
	select {
	case ev := <-c.events:
		return ev, nil
	case <-c.done:
		// The reader may have queued lines before it stopped.
		select {
		case ev := <-c.events:
			return ev, nil
		default:
		}
		return event{}, errDead
	case <-deadline.C:
		return event{}, errWait
	case <-ctx.Done():
		return event{}, errWait
	}
}

var (
	errDead = errors.New("reader stopped")
	errWait = errors.New("wait ended")
)

// command sends an AT command and waits, at most timeout, for its final
// result. Lines that start with prefix are the answer and are returned;
// with prefix "*" every line that is not unsolicited is (for AT+CGMI, whose
// answer has no prefix). The echo of the command and anything else (URCs,
// garbage) are skipped.
func (c *conn) command(ctx context.Context, cmd, prefix string, timeout time.Duration) ([]string, error) {
	label := redact(cmd)
	if c.dead() {
		return nil, c.errGone(label)
	}
	c.drain()
	if err := c.write(ctx, cmd+"\r"); err != nil {
		return nil, err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	var answer []string
	for {
		ev, err := c.next(ctx, t)
		switch {
		case errors.Is(err, errDead):
			return nil, c.errGone(label)
		case err != nil:
			return nil, c.errTimeout(ctx, label, label)
		case ev.prompt:
			continue
		case ev.line == cmd:
			continue // echo, before ATE0 took effect
		}
		if final, ok, reason, code := finalResult(ev.line); final {
			if ok {
				return answer, nil
			}
			return answer, &transport.Error{Reason: reason, Op: label, Code: code, Raw: printable(ev.line, 120)}
		}
		if prefix == "*" && !unsolicited(ev.line) || prefix != "*" && prefix != "" && strings.HasPrefix(ev.line, prefix) {
			answer = append(answer, ev.line)
			continue
		}
		c.log.Debug("sms modem: skipped", "while", label, "line", printable(ev.line, 80))
	}
}

// redact hides the PIN of AT+CPIN="…" from logs and errors.
func redact(cmd string) string {
	if strings.HasPrefix(cmd, "AT+CPIN=") {
		return "AT+CPIN=<pin>"
	}
	return cmd
}

// submit sends one PDU with AT+CMGS (27.005 §3.5.1): the command, the "> "
// prompt, the PDU ended by Ctrl-Z, then "+CMGS: <mr>" and OK. promptTimeout
// bounds the wait for the prompt, sendTimeout the wait for the network's
// answer. A timeout after the PDU is out sets MaybeSent.
func (c *conn) submit(ctx context.Context, pduHex string, tpduLen int, promptTimeout, sendTimeout time.Duration) (int, error) {
	cmd := fmt.Sprintf("AT+CMGS=%d", tpduLen)
	if c.dead() {
		return 0, c.errGone("AT+CMGS")
	}
	c.drain()
	if err := c.write(ctx, cmd+"\r"); err != nil {
		return 0, err
	}
	t := time.NewTimer(promptTimeout)
	defer t.Stop()
	for prompted := false; !prompted; {
		ev, err := c.next(ctx, t)
		switch {
		case errors.Is(err, errDead):
			return 0, c.errGone("AT+CMGS")
		case err != nil:
			// Escape cancels a prompt that may still come (27.005 §3.5.1).
			wctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = c.write(wctx, "\x1b")
			cancel()
			return 0, c.errTimeout(ctx, "AT+CMGS", "AT+CMGS (prompt)")
		case ev.prompt:
			prompted = true
			continue
		case ev.line == cmd:
			continue
		}
		if final, _, reason, code := finalResult(ev.line); final {
			// An error instead of the prompt: "OK" without a prompt is
			// no less a refusal.
			if reason == "" {
				reason = transport.ReasonModemError
			}
			return 0, &transport.Error{Reason: reason, Op: "AT+CMGS", Code: code, Raw: printable(ev.line, 120)}
		}
		c.log.Debug("sms modem: skipped", "while", "AT+CMGS", "line", printable(ev.line, 80))
	}
	if err := c.write(ctx, pduHex+"\x1a"); err != nil {
		// The Ctrl-Z is the last byte: a failed write did not submit.
		return 0, err
	}
	t.Reset(sendTimeout)
	mr := -1
	for {
		ev, err := c.next(ctx, t)
		switch {
		case errors.Is(err, errDead):
			e := c.errGone("AT+CMGS")
			e.MaybeSent = true
			return 0, e
		case err != nil:
			e := c.errTimeout(ctx, "AT+CMGS", "AT+CMGS (result)")
			e.MaybeSent = true
			return 0, e
		case ev.prompt, ev.line == pduHex:
			continue
		}
		if n, ok := parseCMGS(ev.line); ok {
			mr = n
			continue
		}
		if final, ok, reason, code := finalResult(ev.line); final {
			if ok {
				return mr, nil
			}
			return 0, &transport.Error{Reason: reason, Op: "AT+CMGS", Code: code, Raw: printable(ev.line, 120)}
		}
		c.log.Debug("sms modem: skipped", "while", "AT+CMGS", "line", printable(ev.line, 80))
	}
}

// settle waits until the modem has been quiet for quiet (or limit has
// passed), throwing away what it says: after an escape, a modem that was
// waiting for a PDU answers, and that answer must not be taken for the next
// command's.
func (c *conn) settle(ctx context.Context, quiet, limit time.Duration) {
	end := time.NewTimer(limit)
	defer end.Stop()
	q := time.NewTimer(quiet)
	defer q.Stop()
	for {
		select {
		case ev := <-c.events:
			c.log.Debug("sms modem: skipped while settling", "line", printable(ev.line, 80))
			q.Reset(quiet)
		case <-q.C:
			return
		case <-end.C:
			return
		case <-c.done:
			return
		case <-ctx.Done():
			return
		}
	}
}
