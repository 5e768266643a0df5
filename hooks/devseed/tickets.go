package devseed

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Queue tickets for the bulk generator. Every in-person dossier taken in at the
// centre started from a ticket, as the counter page does it (call, serve, open
// the intake with ?ticket=, finish); about a third more tickets were enquiries,
// result pickups and no-shows that left no dossier. Rows are what the queue
// routes leave at the end of a day: numbers per day and group from 1 in the
// order issued; calls in queue order within a group (priority first, then
// first come), out of turn only for a ticket taken just before a session ends;
// issued < called < (served <) finished inside one reception session;
// wait_seconds = called − issued and service_seconds = finished − called as
// handleCallNext and finish() compute them (none for a no-show); a transfer
// closing the ticket and leaving a copy with the same code and priority in the
// other group, issued at the moment of the transfer. History ends before now,
// so nothing is left waiting, called or serving, not even today.
//
// Not simulated: how many counters there are. Waits are drawn, not queued
// behind a counter's previous citizen, so a counter may seem to serve two
// people at once, more so at a million dossiers (800 a day); each ticket's own
// times and figures are still ones the real queue would record.

// Ticket shares of the generated queue.
const (
	seedExtraTickets   = 0.35 // tickets with no dossier, per in-person dossier
	seedNoShowOfExtra  = 12   // % of those that were called but never came
	seedTransferPerMil = 15   // ‰ of served tickets first issued in the wrong group
	seedPriorityPct    = 5    // % priority tickets
	seedTicketRatedPct = 8    // % of enquiry tickets rated on the counter screen
)

// seedPriorityReasons are the priority_reason values, weighted.
var seedPriorityReasons = []struct {
	reason string
	weight int
}{{"elderly", 50}, {"small_children", 20}, {"disability", 15}, {"pregnant", 15}}

type bulkGroup struct {
	id, letter string
	counters   []int // indices into bulkQueue.counters of those that call this group
	weight     int   // the group's share of generated dossiers
}

type bulkCounter struct {
	id     string
	number int
}

// bulkQueue is the office's queue as the generator uses it.
type bulkQueue struct {
	groups   []bulkGroup
	counters []bulkCounter
	byField  map[string]int // procedure field_vi → group index
	other    int            // group for a field no group lists: the last by letter
	weight   int
	last     map[string]int // "day|group id" → highest ticket number already used
}

// loadBulkQueue reads the active service groups and the counters, making four
// counters when the office has none (history needs counter numbers for the
// queue figures), and the highest ticket number of every day and group so a
// --force run continues after it. It returns nil when no group is active.
func loadBulkQueue(app core.App, out io.Writer) (*bulkQueue, error) {
	var groups []struct {
		ID     string `db:"id"`
		Letter string `db:"letter"`
		Fields string `db:"fields_vi"`
	}
	if err := app.DB().NewQuery("SELECT id, letter, COALESCE(fields_vi, '[]') AS fields_vi FROM service_groups WHERE active = TRUE ORDER BY letter").
		All(&groups); err != nil {
		return nil, fmt.Errorf("read service groups: %w", err)
	}
	if len(groups) == 0 {
		fmt.Fprintln(out, "queue tickets: skipped (no active service group)")
		return nil, nil
	}
	q := &bulkQueue{byField: map[string]int{}, other: len(groups) - 1, last: map[string]int{}}
	index := map[string]int{}
	for i, g := range groups {
		q.groups = append(q.groups, bulkGroup{id: g.ID, letter: g.Letter})
		index[g.ID] = i
		var fields []string
		_ = json.Unmarshal([]byte(g.Fields), &fields)
		for _, f := range fields {
			if _, taken := q.byField[f]; !taken {
				q.byField[f] = i
			}
		}
	}
	if err := q.loadCounters(app, index, out); err != nil {
		return nil, err
	}
	var last []struct {
		Day   string `db:"day"`
		Group string `db:"grp"`
		Last  int    `db:"last"`
	}
	if err := app.DB().NewQuery("SELECT day, [[group]] AS grp, MAX(number) AS last FROM tickets WHERE transferred_from = '' GROUP BY day, [[group]]").
		All(&last); err != nil {
		return nil, fmt.Errorf("read ticket numbers: %w", err)
	}
	for _, l := range last {
		q.last[l.Day+"|"+l.Group] = l.Last
	}
	return q, nil
}

func (q *bulkQueue) loadCounters(app core.App, index map[string]int, out io.Writer) error {
	recs, err := app.FindRecordsByFilter(base.ColCounters, "active = true", "number", 0, 0)
	if err != nil {
		return fmt.Errorf("read counters: %w", err)
	}
	if len(recs) == 0 {
		if recs, err = makeBulkCounters(app, q.groups); err != nil {
			return err
		}
		fmt.Fprintf(out, "queue: made %d counters (the office had no active counter)\n", len(recs))
	}
	for _, r := range recs {
		q.counters = append(q.counters, bulkCounter{r.Id, r.GetInt("number")})
		for _, gid := range r.GetStringSlice("groups") {
			if i, ok := index[gid]; ok {
				q.groups[i].counters = append(q.groups[i].counters, len(q.counters)-1)
			}
		}
	}
	// A group no counter calls would never be served: any counter takes it.
	for i := range q.groups {
		if len(q.groups[i].counters) == 0 {
			for c := range q.counters {
				q.groups[i].counters = append(q.groups[i].counters, c)
			}
		}
	}
	return nil
}

// makeBulkCounters makes four active counters with the lowest free numbers,
// each group called at two of them, as a small centre sets itself up.
func makeBulkCounters(app core.App, groups []bulkGroup) ([]*core.Record, error) {
	col, err := app.FindCollectionByNameOrId(base.ColCounters)
	if err != nil {
		return nil, fmt.Errorf("counters: %w", err)
	}
	var used []int
	if err := app.DB().NewQuery("SELECT number FROM counters").Column(&used); err != nil {
		return nil, fmt.Errorf("read counter numbers: %w", err)
	}
	const n = 4
	serves := make([][]string, n)
	for j, g := range groups {
		serves[j%n] = append(serves[j%n], g.id)
		serves[(j+1)%n] = append(serves[(j+1)%n], g.id)
	}
	var out []*core.Record
	number := 0
	for i := range n {
		for number++; slices.Contains(used, number); number++ {
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"number": number, "name": fmt.Sprintf("Quầy %d", number), "groups": serves[i], "active": true})
		if err := app.Save(r); err != nil {
			return nil, fmt.Errorf("save generated counter %d: %w", number, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// groupOf is the group whose counters take a procedure's dossiers.
func (q *bulkQueue) groupOf(field string) int {
	if i, ok := q.byField[field]; ok {
		return i
	}
	return q.other
}

// Kinds of generated ticket.
const (
	ticketForDossier = iota // served, and its intake saved a dossier
	ticketEnquiry           // served: a question, a result picked up
	ticketNoShow            // called, never came
)

// window is a stretch of a reception session, in Unix seconds.
type window struct{ start, end int64 }

// dayTicket is one generated ticket (and its copy when transferred), planned in
// durations first and placed in time by planTickets.
type dayTicket struct {
	kind       int
	group      int // where it was served (or not)
	from       int // where it was first issued: group unless transferred
	priority   bool
	reason     string
	dossier    int // index of the day's dossier, -1 for none
	sessionEnd int64
	number     int
	// durations in seconds
	wait, toTransfer, servedBefore, copyWait, walk, work, after, recallGap, leave int
	recalls                                                                       int
	// times in Unix seconds: the first ticket, then the copy
	issued, called, served, finished     int64
	cIssued, cCalled, cServed, cFinished int64
	counter, cCounter                    int
	id, copyID                           string
	lang                                 string // vi or km
}

func (t *dayTicket) transferred() bool { return t.from != t.group }

// afterCall is how long the ticket runs from its first call to its finish.
func (t *dayTicket) afterCall() int {
	d := 0
	if t.transferred() {
		d += t.toTransfer + t.copyWait
	}
	switch t.kind {
	case ticketNoShow:
		d += t.recalls*t.recallGap + t.leave
	default:
		d += t.walk + t.work + t.after
	}
	return d
}

// expSeconds draws an exponential duration with the mean, within [lo, hi].
func (g *bulkGen) expSeconds(mean float64, lo, hi int) int {
	return min(hi, lo+int(g.r.ExpFloat64()*mean))
}

// newTicket draws a ticket's durations and priority.
func (g *bulkGen) newTicket(kind, group, dossier int) dayTicket {
	r := g.r
	t := dayTicket{kind: kind, group: group, from: group, dossier: dossier}
	if r.IntN(100) < seedPriorityPct {
		t.priority = true
		w := r.IntN(100)
		for _, p := range seedPriorityReasons {
			if w < p.weight {
				t.reason = p.reason
				break
			}
			w -= p.weight
		}
	}
	t.lang = g.drawLanguage()
	if t.priority {
		t.wait = g.expSeconds(100, 20, 900)
	} else {
		t.wait = g.expSeconds(420*languageWaitFactor(t.lang), 30, 2700)
	}
	switch kind {
	case ticketForDossier: // walk up, check the papers and save, print the receipt
		t.walk, t.work, t.after = 15+r.IntN(60), 90+r.IntN(270), 60+r.IntN(300)
	case ticketEnquiry:
		t.walk, t.work = 15+r.IntN(60), 60+r.IntN(360)
		if r.IntN(2) == 0 {
			t.walk = 0 // finished straight from "called", never marked "serving"
		}
	case ticketNoShow:
		t.recalls, t.recallGap, t.leave = 1+r.IntN(3), 40+r.IntN(50), 30
	}
	if kind != ticketNoShow && len(g.queue.groups) > 1 && r.IntN(1000) < seedTransferPerMil {
		t.from = (group + 1 + r.IntN(len(g.queue.groups)-1)) % len(g.queue.groups)
		t.toTransfer = 60 + r.IntN(180)
		if r.IntN(2) == 0 {
			t.servedBefore = 15 + r.IntN(t.toTransfer-15)
		}
		t.copyWait = g.expSeconds(200, 20, 1200)
	}
	if kind != ticketNoShow && r.IntN(20) == 0 {
		t.recalls = 1
	}
	return t
}

// pickTime is a uniform instant in the windows (total seconds long), with the
// end of the window it falls in.
func (g *bulkGen) pickTime(ws []window, total int64) (at, end int64) {
	u := g.r.Int64N(total)
	for _, w := range ws {
		if u < w.end-w.start {
			return w.start + u, w.end
		}
		u -= w.end - w.start
	}
	last := ws[len(ws)-1]
	return last.end - 1, last.end
}

// place puts the ticket's issue time in the day's sessions so that its whole
// run ends inside the same session: drawn again from the part of the session
// where it fits when it would not, and its durations shrunk when the session
// is shorter than the run.
func (g *bulkGen) place(t *dayTicket, ws []window, total int64) {
	at, end := g.pickTime(ws, total)
	var start int64
	for _, w := range ws {
		if w.end == end {
			start = w.start
		}
	}
	run := int64(t.wait + t.afterCall())
	if at+run > end && end-run >= start { // too late to be over in time: draw again where it fits
		at = start + g.r.Int64N(end-run-start+1)
	}
	if at+run > end { // a session shorter than the run: shrink every step
		// 10 s to spare for steps rounded up to 1 s (windows last 10 minutes at least).
		f := float64(end-at-10) / float64(run)
		t.wait = max(1, int(float64(t.wait)*f))
		t.shrinkAfterCall(f)
		at = max(start, end-int64(t.wait+t.afterCall()))
	}
	t.issued, t.sessionEnd = at, end
}

// shrinkAfterCall scales the steps after the first call by f < 1, each step
// that happens keeping at least a second.
func (t *dayTicket) shrinkAfterCall(f float64) {
	for _, d := range []*int{&t.toTransfer, &t.servedBefore, &t.copyWait, &t.walk, &t.work, &t.after, &t.recallGap, &t.leave} {
		if *d > 0 {
			*d = max(1, int(float64(*d)*f))
		}
	}
	if t.servedBefore >= t.toTransfer {
		t.servedBefore = 0 // no time left to mark it served before the transfer
	}
}

// planTickets numbers a day's tickets per group in issue order and calls each
// group's queue in order: priority tickets first, then first come first served,
// a call at the earliest when the drawn wait is over and after the group's
// previous call of the same kind. Then it derives every other time.
func (g *bulkGen) planTickets(day string, ts []dayTicket, order []int) {
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(ts[a].from, ts[b].from); c != 0 {
			return c
		}
		return cmp.Compare(ts[a].issued, ts[b].issued)
	})
	q := g.queue
	var prevCall [2]int64
	number, cur := 0, -1
	for _, i := range order {
		t := &ts[i]
		if t.from != cur {
			cur = t.from
			number = q.last[day+"|"+q.groups[cur].id]
			prevCall = [2]int64{}
		}
		number++
		t.number = number
		class := 0
		if t.priority {
			class = 1
		}
		called := max(t.issued+int64(t.wait), prevCall[class]+int64(10+g.r.IntN(50)))
		if left := t.sessionEnd - called; int64(t.afterCall()) > left {
			// Called late in the session: a quicker service keeps the queue
			// order, unless the session is over (then the order gives way).
			if left >= 120 {
				t.shrinkAfterCall(float64(left-10) / float64(t.afterCall()))
			}
			called = min(called, t.sessionEnd-int64(t.afterCall()))
		}
		prevCall[class] = called
		t.called = called
		g.timesAfterCall(t)
	}
}

// timesAfterCall fills the served, finished and transfer times from the call.
func (g *bulkGen) timesAfterCall(t *dayTicket) {
	t.counter = g.pickCounter(t.from, t.lang, t.wait)
	at := t.called
	if t.transferred() {
		if t.servedBefore > 0 {
			t.served = at + int64(t.servedBefore)
		}
		t.finished = at + int64(t.toTransfer)
		t.cIssued = t.finished
		t.cCalled = t.cIssued + int64(t.copyWait)
		t.cCounter = g.pickCounter(t.group, t.lang, t.copyWait)
		at = t.cCalled
	}
	var served, finished int64
	switch t.kind {
	case ticketNoShow:
		finished = at + int64(t.recalls*t.recallGap+t.leave)
	default:
		if t.walk > 0 {
			served = at + int64(t.walk)
		}
		finished = at + int64(t.walk+t.work+t.after)
	}
	if t.transferred() {
		t.cServed, t.cFinished = served, finished
	} else {
		t.served, t.finished = served, finished
	}
}

// received is when the intake of a dossier ticket saved the dossier: after
// the papers were checked, before the receipt was printed and the ticket closed.
func (t *dayTicket) received() int64 {
	if t.transferred() {
		return t.cServed + int64(t.work)
	}
	return t.served + int64(t.work)
}

// servedCounter is the counter that served the ticket in the end (the copy's,
// for a transferred ticket).
func (t *dayTicket) servedCounter() int {
	if t.transferred() {
		return t.cCounter
	}
	return t.counter
}

func unixTime(s int64) string {
	if s == 0 {
		return ""
	}
	return unixMilliText(s * 1000)
}

// insertTicket writes one ticket (and its copy and rating) as the queue routes
// would have left it.
func (g *bulkGen) insertTicket(day string, t *dayTicket, staffOf func(counter int) string) error {
	q := g.queue
	from := q.groups[t.from]
	code := domain.TicketCode(from.letter, t.number)
	ins := func(id, group string, status string, issued, called, served, finished int64, counter int, recalls, service int, transferredFrom string) error {
		g.tickets++
		_, err := g.insTicket.Exec(id, group, from.letter, t.number, code, t.priority, t.reason, status, day,
			unixTime(issued), unixTime(called), unixTime(served), unixTime(finished), q.counters[counter].id, staffOf(counter),
			recalls, int(called-issued), service, transferredFrom, unixTime(issued), unixTime(finished),
			t.lang, g.calledLanguages(staffOf(counter)))
		if err != nil {
			return fmt.Errorf("insert ticket %s %s: %w", day, code, err)
		}
		return nil
	}
	status := domain.TicketDone
	service := int(t.finished - t.called)
	if t.kind == ticketNoShow {
		status, service = domain.TicketNoShow, 0 // handleNoShow keeps no service time
	}
	if t.transferred() {
		status = domain.TicketTransferred
	}
	recalls := t.recalls
	if t.transferred() && t.kind != ticketNoShow {
		recalls = 0
	}
	if err := ins(t.id, from.id, status, t.issued, t.called, t.served, t.finished, t.counter, recalls, service, ""); err != nil {
		return err
	}
	last := t.id
	if t.transferred() {
		if err := ins(t.copyID, q.groups[t.group].id, domain.TicketDone, t.cIssued, t.cCalled, t.cServed, t.cFinished, t.cCounter,
			t.recalls, int(t.cFinished-t.cCalled), t.id); err != nil {
			return err
		}
		last = t.copyID
	}
	if t.kind == ticketEnquiry && g.r.IntN(100) < seedTicketRatedPct {
		counter := t.servedCounter()
		at := unixTime(max(t.finished, t.cFinished) + 20)
		g.ratings++
		if _, err := g.insRt.Exec(g.nextID(), "", last, g.seedScore(), 5, "[]", "", strconv.Itoa(q.counters[counter].number),
			staffOf(counter), "counter", at, at); err != nil {
			return fmt.Errorf("insert ticket rating: %w", err)
		}
	}
	return nil
}

// prepareTicketInsert is the tickets INSERT of a batch.
func prepareTicketInsert(tx *sql.Tx) (*sql.Stmt, error) {
	return tx.Prepare(`INSERT INTO tickets (id, [group], letter, number, code, priority, priority_reason, status, day,
		issued_at, called_at, served_at, finished_at, counter, called_by, recalls, wait_seconds, service_seconds,
		transferred_from, created, updated, language, called_languages) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
}

// ticketsFor sets the day's dossiers' tickets and writes the day's tickets:
// one per in-person dossier at the centre (its received time and officer come
// from the ticket) and the extra ones. dossierTicket[i] is the index in ts of
// dossier i's ticket, or -1.
func (g *bulkGen) ticketsFor(ds []dayDossier, ws []window, total int64, dayIndex int, day string) error {
	r := g.r
	q := g.queue
	g.dayTickets = g.dayTickets[:0]
	for i := range ds {
		if ds[i].channel == "in_person" && !ds[i].mobile {
			g.dayTickets = append(g.dayTickets, g.newTicket(ticketForDossier, ds[i].proc.group, i))
		}
	}
	extra := int(float64(len(g.dayTickets))*seedExtraTickets + r.Float64())
	for range extra {
		kind := ticketEnquiry
		if r.IntN(100) < seedNoShowOfExtra {
			kind = ticketNoShow
		}
		w, grp := r.IntN(q.weight), 0
		for i, gr := range q.groups {
			if w < gr.weight {
				grp = i
				break
			}
			w -= gr.weight
		}
		g.dayTickets = append(g.dayTickets, g.newTicket(kind, grp, -1))
	}
	ts := g.dayTickets
	g.order = g.order[:0]
	for i := range ts {
		g.place(&ts[i], ws, total)
		g.order = append(g.order, i)
	}
	// Each counter is staffed by one receptionist for the day, who calls in
	// the languages they serve.
	g.dayIndex = dayIndex
	staffOf := g.counterStaff
	g.planTickets(day, ts, g.order)
	for i := range ts {
		t := &ts[i]
		t.id = g.nextID()
		if t.transferred() {
			t.copyID = g.nextID()
		}
		if t.dossier >= 0 {
			d := &ds[t.dossier]
			d.ticket = t.id
			if t.transferred() {
				d.ticket = t.copyID
			}
			d.received = t.received()
			d.receiver = staffOf(t.servedCounter())
		}
		if err := g.insertTicket(day, t, staffOf); err != nil {
			return err
		}
	}
	return nil
}
