package backup

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// progressStoreKey holds the *progress of the backup this server is writing,
// so the status route (and the dashboard) can show how far it is.
const progressStoreKey = "motcua.backup.progress"

// progress follows one backup as it is written: the step (a database, the
// uploaded files, the manifest), what is being done to it (the consistent
// snapshot, encryption or the plain copy onto the target) and bytes done of
// an estimated total. The console gets a line at every tenth of a big step,
// so a 400 MB database is no longer 18 silent seconds; the dashboard reads
// the figures through the status route.
type progress struct {
	mu      sync.Mutex
	out     io.Writer
	trigger string
	started time.Time

	total, done int64 // the whole backup, estimated
	step, phase string
	stepTotal   int64
	stepDone    int64
	shownTenth  int64 // the last tenth of the step written to out

	// pollEvery is how often the size of a file SQLite writes is read.
	pollEvery time.Duration
}

// runningBackup is the live figure set of a backup being written, as the
// status route shows it.
type runningBackup struct {
	Trigger   string `json:"trigger"`
	Step      string `json:"step"`
	Phase     string `json:"phase"`
	Done      int64  `json:"done"`
	Total     int64  `json:"total"`
	Percent   int    `json:"percent"`
	StartedAt string `json:"started_at"`
}

func newProgress(out io.Writer, trigger string) *progress {
	return &progress{out: out, trigger: trigger, started: time.Now(), pollEvery: 250 * time.Millisecond}
}

// say writes one line on the console (when there is one).
func (p *progress) say(format string, args ...any) {
	if p == nil || p.out == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, format+"\n", args...)
}

// addTotal grows the estimated size of the whole backup.
func (p *progress) addTotal(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}

// begin starts a step of stepTotal bytes (0 when unknown).
func (p *progress) begin(step, phase string, stepTotal int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.step, p.phase, p.stepTotal, p.stepDone, p.shownTenth = step, phase, stepTotal, 0, 0
}

// add counts n more bytes of the current step.
func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stepDone += n
	p.done += n
	p.showLocked()
}

// set puts the current step at n bytes done (a file being written by SQLite,
// whose size is polled); it never goes back.
func (p *progress) set(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n > p.stepDone {
		p.done += n - p.stepDone
		p.stepDone = n
		p.showLocked()
	}
}

// finish completes the current step: the estimate it was counted against
// is made good, so the overall figure does not fall short.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stepTotal > p.stepDone {
		p.done += p.stepTotal - p.stepDone
		p.stepDone = p.stepTotal
	}
}

// showLocked writes a console line each time the step passes a tenth, for
// steps big enough to take a while (over 8 MB).
func (p *progress) showLocked() {
	if p.out == nil || p.stepTotal < 8<<20 {
		return
	}
	tenth := p.stepDone * 10 / p.stepTotal
	if tenth > 9 {
		tenth = 9 // 100% is the step's own closing line
	}
	if tenth <= p.shownTenth {
		return
	}
	p.shownTenth = tenth
	fmt.Fprintf(p.out, "    %s %s %d%% (%s / %s)\n", p.step, phaseText[p.phase], tenth*10, ByteSize(p.stepDone), ByteSize(p.stepTotal))
}

// phaseText names the phases on the console, in Vietnamese and English.
var phaseText = map[string]string{
	"snapshot": "chụp / snapshot",
	"encrypt":  "mã hóa / encrypt",
	"copy":     "chép / copy",
	"check":    "kiểm tra / check",
	"restore":  "giải mã / decrypt",
}

// snapshot is the figure set for the status route.
func (p *progress) snapshot() *runningBackup {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := &runningBackup{Trigger: p.trigger, Step: p.step, Phase: p.phase, Done: p.done, Total: p.total,
		StartedAt: p.started.UTC().Format(time.RFC3339)}
	if p.total > 0 {
		r.Percent = int(p.done * 100 / p.total)
		if r.Percent > 99 {
			r.Percent = 99
		}
	}
	return r
}

// track makes p the app's running backup until the returned func is called.
func track(app core.App, p *progress) func() {
	if app == nil {
		return func() {}
	}
	app.Store().Set(progressStoreKey, p)
	return func() { app.Store().Remove(progressStoreKey) }
}

// runningOf is the backup app is writing now, or nil.
func runningOf(app core.App) *runningBackup {
	if p, ok := app.Store().Get(progressStoreKey).(*progress); ok && p != nil {
		return p.snapshot()
	}
	return nil
}

// countingReader counts what is read through it into a progress.
type countingReader struct {
	r io.Reader
	p *progress
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.add(int64(n))
	return n, err
}
