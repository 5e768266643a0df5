package devseed

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/calendar"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/sqlitex"
	"motcua/pb_migrations"
)

// The bulk generator behind `motcua seed --dossiers N`: five years of realistic
// history for trying the reports, the dashboard and search at scale, written
// with raw prepared INSERTs in large transactions (the record API would take an
// hour for a million dossiers). It builds codes and the search text exactly as
// the intake does and leaves dossier_sequences at the last number it used, so
// intake after seeding never collides. It goes day by day: dossiers are
// received inside the day's reception sessions and numbered in the order
// received, and the day's queue tickets (seed_tickets.go) come with them.
//
// It refuses a database that already has dossiers unless force is set; with
// force it appends, continuing each day's sequence, and each day's ticket
// numbers per group, after the highest number used.

// BulkOptions tunes SeedDossiers.
type BulkOptions struct {
	N     int       // dossiers to generate
	Force bool      // append to a database that already has dossiers
	Years int       // how far back the history goes (default 5)
	Now   time.Time // the end of the history (default now)
	Seed  uint64    // random seed (default 1), so a run can be repeated
}

var (
	seedFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Thạch", "Sơn", "Lâm", "Kim", "Danh", "Châu", "Trương", "Lý", "Dương", "Tăng"}
	seedMiddle = map[string][]string{"male": {"Văn", "Minh", "Hữu", "Thanh", "Quốc"}, "female": {"Thị", "Ngọc", "Thị Kim", "Thị Mỹ", "Thu"}}
	seedGiven  = map[string][]string{
		"male":   {"An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Sóc", "Sang", "Tâm", "Thành", "Tuấn", "Vũ", "Sa Rươl", "Chanh Đa", "Sóc Khonl"},
		"female": {"Anh", "Chi", "Dung", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Phương", "Sa Ry", "Sô Phi", "Thảo", "Trang", "Vy", "Yến", "Sóc Thia", "Ra Ni"},
	}
	seedReasonsGood = []string{"good_service", "quick", "clear_guidance", "kind_staff"}
	seedReasonsBad  = []string{"waited_long", "unclear_guidance", "staff_attitude", "extra_papers", "came_back_many_times"}
)

func randID(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = sqlitex.IDAlphabet[r.IntN(len(sqlitex.IDAlphabet))]
	}
	return string(b)
}

// bulkStaff are the accounts generated history is attributed to, with the
// languages each receptionist serves in (staff.serves_languages).
type bulkStaff struct {
	reception, processor, field []string
	langs                       map[string][]string
}

// ensureBulkStaff uses the staff of each role that exist and makes one
// "gen.<role>" account (random password, not printed) for a role that has none.
func ensureBulkStaff(app core.App) (bulkStaff, error) {
	var s bulkStaff
	col, err := app.FindCollectionByNameOrId(base.ColStaff)
	if err != nil {
		return s, err
	}
	for _, role := range []string{base.RoleReception, base.RoleProcessor, base.RoleField} {
		recs, err := app.FindRecordsByFilter(base.ColStaff, "role = {:r}", "created", 0, 0, dbx.Params{"r": role})
		if err != nil {
			return s, fmt.Errorf("find %s staff: %w", role, err)
		}
		var ids []string
		for _, r := range recs {
			ids = append(ids, r.Id)
		}
		if len(ids) == 0 {
			pw, err := randomPassword(20)
			if err != nil {
				return s, err
			}
			r := core.NewRecord(col)
			r.Set("username", "gen."+role)
			r.SetEmail("gen." + role + "@generated.motcua.vn")
			r.SetPassword(pw)
			r.Set("name", "Cán bộ sinh dữ liệu ("+role+")")
			r.Set("role", role)
			r.Set("disabled", true)
			if err := app.Save(r); err != nil {
				return s, fmt.Errorf("save generated %s: %w", role, err)
			}
			ids = []string{r.Id}
		}
		switch role {
		case base.RoleReception:
			if ids, s.langs, err = ensureReceptionLanguages(app, col); err != nil {
				return s, err
			}
			s.reception = ids
		case base.RoleProcessor:
			s.processor = ids
		case base.RoleField:
			s.field = ids
		}
	}
	return s, nil
}

type bulkProc struct {
	id     string
	field  string
	hours  int
	weight int
	group  int // the queue group whose counters take it
}

// dayDossier is one dossier of the day being generated, before its code: the
// codes follow the order of receipt, known once the day's queue is placed.
type dayDossier struct {
	proc     bulkProc
	channel  string
	mobile   bool
	received int64 // Unix seconds
	receiver string
	ticket   string
}

// SeedDossiers writes opts.N dossiers of history ending at opts.Now, with their
// events, ratings and queue tickets, and reports progress to out.
func SeedDossiers(app core.App, opts BulkOptions, out io.Writer) error {
	if opts.N <= 0 {
		return errors.New("--dossiers must be more than 0")
	}
	if opts.Years <= 0 {
		opts.Years = 5
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	existing, err := app.CountRecords(base.ColDossiers)
	if err != nil {
		return fmt.Errorf("count dossiers: %w", err)
	}
	if existing > 0 && !opts.Force {
		return fmt.Errorf("the database already has %d dossiers: refusing to generate more (add --force to append)", existing)
	}
	office, err := domain.FindOffice(app)
	if err != nil {
		return err
	}
	agency := office.AgencyCode()
	cal, err := domain.LoadCalendar(app)
	if err != nil {
		return err
	}
	staff, err := ensureBulkStaff(app)
	if err != nil {
		return err
	}
	procRecs, err := app.FindRecordsByFilter(base.ColProcedures, "active = true", "code", 0, 0)
	if err != nil || len(procRecs) == 0 {
		return fmt.Errorf("no active procedures to generate dossiers for: %v", err)
	}
	queue, err := loadBulkQueue(app, out)
	if err != nil {
		return err
	}
	var procs []bulkProc
	totalWeight := 0
	for _, p := range procRecs {
		w := 2
		switch p.GetString("field_vi") {
		case "Chứng thực":
			w = 30
		case "Hộ tịch":
			w = 8
		}
		bp := bulkProc{id: p.Id, field: p.GetString("field_vi"), hours: p.GetInt("processing_hours"), weight: w}
		if queue != nil {
			bp.group = queue.groupOf(bp.field)
			queue.groups[bp.group].weight += w
			queue.weight += w
		}
		procs = append(procs, bp)
		totalWeight += w
	}

	seqs := map[string]int{}
	var seqRows []struct {
		Day  string `db:"day"`
		Last int    `db:"last"`
	}
	// Generated history is the centre's own (not a mobile team's reserved range).
	if err := app.DB().NewQuery("SELECT day, last FROM dossier_sequences WHERE range_from = {:from}").
		Bind(dbx.Params{"from": domain.CentreRange.From}).All(&seqRows); err != nil {
		return fmt.Errorf("read sequences: %w", err)
	}
	for _, s := range seqRows {
		seqs[s.Day] = s.Last
	}
	// Codes already taken (by intake or an earlier run) push the sequence on.
	var maxCodes []struct {
		Day  string `db:"day"`
		Last int    `db:"last"`
	}
	if err := app.DB().NewQuery(`SELECT substr(code, length(code) - 10, 6) AS day,
		MAX(CAST(substr(code, length(code) - 3) AS INTEGER)) AS last FROM dossiers
		WHERE code != '' AND CAST(substr(code, length(code) - 3) AS INTEGER) BETWEEN {:from} AND {:to} GROUP BY day`).
		Bind(dbx.Params{"from": domain.CentreRange.From, "to": domain.CentreRange.To}).All(&maxCodes); err != nil {
		return fmt.Errorf("read codes: %w", err)
	}
	for _, s := range maxCodes {
		seqs[s.Day] = max(seqs[s.Day], s.Last)
	}

	g := &bulkGen{r: rand.New(rand.NewPCG(opts.Seed, uint64(existing))), cal: cal, staff: staff, procs: procs,
		totalWeight: totalWeight, agency: agency, now: opts.Now.UTC(), seqs: seqs, queue: queue}
	g.idPrefix = "g" + randID(rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), opts.Seed)), 4)

	// Working days of the history, and how many dossiers each gets. Today
	// counts when an hour of its sessions has passed: history ends before now.
	end := calendar.DateOf(opts.Now, base.Zone)
	start := calendar.DateOf(opts.Now.AddDate(-opts.Years, 0, 0), base.Zone)
	var days []calendar.Date
	for d := start; d.String() <= end.String(); d = d.AddDays(1) {
		if _, total := g.windows(d); total >= 3600 {
			days = append(days, d)
		}
	}
	if len(days) == 0 {
		return errors.New("no working days in the history range")
	}

	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return errors.New("bulk insert needs the app's own database connection")
	}
	db := sqlDB.DB()
	// Bulk speed: the generated history can be regenerated, so it is written
	// without waiting for the disk; the normal setting is restored at the end.
	for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA cache_size=-200000"} {
		if _, err := db.Exec(p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	defer func() {
		_, _ = db.Exec("PRAGMA synchronous=FULL")
		_, _ = db.Exec("PRAGMA cache_size=-32000")
	}()

	began := time.Now()
	written, batchFrom := 0, 0
	const batch = 25000
	if err := g.begin(db); err != nil {
		return err
	}
	for i, day := range days {
		// Spread dossiers evenly over the working days, oldest first, so the
		// search index's rowids follow the order of receipt.
		n := int((int64(i+1)*int64(opts.N)+int64(len(days))-1)/int64(len(days))) - written
		if n <= 0 {
			continue
		}
		if err := g.day(day, i, n); err != nil {
			_ = g.tx.Rollback()
			return err
		}
		written += n
		if written-batchFrom < batch && written < opts.N {
			continue
		}
		batchFrom = written
		if err := g.commit(); err != nil {
			return err
		}
		el := time.Since(began).Seconds()
		fmt.Fprintf(out, "\rdossiers %d/%d  tickets %d  events %d  ratings %d  %.0f/s", written, opts.N, g.tickets, g.events, g.ratings, float64(written)/el)
		if written < opts.N {
			if err := g.begin(db); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(out)
	// Leave each day's sequence at the last number used.
	err = app.RunInTransaction(func(tx core.App) error {
		for day, last := range g.usedDays {
			_, err := tx.DB().NewQuery(`INSERT INTO dossier_sequences (id, day, range_from, last) VALUES ({:id}, {:day}, {:from}, {:last})
				ON CONFLICT(day, range_from) DO UPDATE SET last = MAX(last, excluded.last)`).
				Bind(dbx.Params{"id": randID(g.r, 15), "day": day, "from": domain.CentreRange.From, "last": last}).Execute()
			if err != nil {
				return fmt.Errorf("save sequence %s: %w", day, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := db.Exec("ANALYZE"); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	fmt.Fprintf(out, "done: %d dossiers, %d tickets, %d events, %d ratings in %s\n", opts.N, g.tickets, g.events, g.ratings, time.Since(began).Round(time.Second))
	return nil
}

// bulkGen holds one run's state: the random source, the open transaction and
// its prepared statements.
type bulkGen struct {
	r           *rand.Rand
	cal         *calendar.Calendar
	staff       bulkStaff
	procs       []bulkProc
	totalWeight int
	agency      string
	now         time.Time
	seqs        map[string]int
	usedDays    map[string]int
	queue       *bulkQueue // nil: no active service group, no tickets

	idPrefix                            string // random per run, so --force runs never collide
	idNext                              uint64
	tx                                  *sql.Tx
	batchStart                          int64 // the dossiers rowid before this batch
	insDossier, insEv, insRt, insTicket *sql.Stmt
	events, ratings, tickets            int

	dayIndex int   // the day being generated, for who staffs which counter
	speakers []int // reused by pickCounter

	// reused from day to day
	dayDossiers []dayDossier
	dayTickets  []dayTicket
	order       []int
}

func (g *bulkGen) begin(db *sql.DB) error {
	if g.usedDays == nil {
		g.usedDays = map[string]int{}
	}
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	g.tx = tx
	// Indexing row by row through the trigger makes FTS5 flush on every
	// statement; the batch is indexed in one statement at commit instead.
	if err := tx.QueryRow("SELECT COALESCE(MAX(rowid), 0) FROM dossiers").Scan(&g.batchStart); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("batch start: %w", err)
	}
	if _, err := tx.Exec("DROP TRIGGER IF EXISTS motcua_dossier_search_ai"); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("pause search trigger: %w", err)
	}
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = tx.Prepare(q)
		return s
	}
	g.insDossier = prep(`INSERT INTO dossiers (id, code, procedure, applicant_name, applicant_id_number, applicant_gender,
		applicant_address, applicant_phone, sets, channel, mobile, status, received_at, due_at, paused_at, finished_at,
		returned_at, closed_at, received_by, assignee, lookup_key, scans, search, ticket, created, updated)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	g.insEv = prep(`INSERT INTO dossier_events (id, dossier, action, from_status, to_status, actor, actor_name, at, created)
		VALUES (?,?,?,?,?,?,?,?,?)`)
	g.insRt = prep(`INSERT INTO ratings (id, dossier, ticket_id, score, scale, reasons, procedure, counter, officer, channel, created, updated)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err == nil && g.queue != nil {
		g.insTicket, err = prepareTicketInsert(tx)
	}
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("prepare bulk inserts: %w", err)
	}
	return nil
}

func (g *bulkGen) commit() error {
	for _, s := range []*sql.Stmt{g.insDossier, g.insEv, g.insRt, g.insTicket} {
		if s != nil {
			_ = s.Close()
		}
	}
	if _, err := g.tx.Exec(`INSERT INTO motcua_dossier_search(dossier, search, scope)
		SELECT id, search, 'a' || assignee || ' r' || received_by FROM dossiers WHERE rowid > ? ORDER BY rowid`, g.batchStart); err != nil {
		_ = g.tx.Rollback()
		return fmt.Errorf("index batch for search: %w", err)
	}
	if _, err := g.tx.Exec(pb_migrations.SearchQueueTriggerSQL); err != nil {
		_ = g.tx.Rollback()
		return fmt.Errorf("restore search trigger: %w", err)
	}
	if err := g.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (g *bulkGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// nextID is a record id in PocketBase's shape (15 of [a-z0-9]) that grows
// within a run: appending to the right edge of each primary-key index is
// several times cheaper than inserting random ids all over it.
func (g *bulkGen) nextID() string {
	g.idNext++
	s := strconv.FormatUint(g.idNext, 36)
	return g.idPrefix + strings.Repeat("0", 15-len(g.idPrefix)-len(s)) + s
}

// seedTime is dbTime for the generator, several times faster (it formats
// millions of times): "2006-01-02 15:04:05.000Z" in UTC, milliseconds
// truncated as time.Format does; "" for the zero time.
func seedTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return unixMilliText(t.UnixMilli())
}

// unixEpoch is day 0 of Unix time.
var unixEpoch = calendar.Date{Year: 1970, Month: time.January, Day: 1}

// unixMilliText formats Unix milliseconds (years 0001–9999) as dbTime does.
func unixMilliText(ms int64) string {
	secs := ms / 1000
	milli := ms % 1000
	if milli < 0 {
		milli += 1000
		secs--
	}
	days := secs / 86400
	sod := secs % 86400
	if sod < 0 {
		sod += 86400
		days--
	}
	date := unixEpoch.AddDays(int(days))
	y, m, d := int64(date.Year), int64(date.Month), int64(date.Day)
	var b [24]byte
	put := func(at int, v int64, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	b[4] = '-'
	put(5, m, 2)
	b[7] = '-'
	put(8, d, 2)
	b[10] = ' '
	put(11, sod/3600, 2)
	b[13] = ':'
	put(14, sod/60%60, 2)
	b[16] = ':'
	put(17, sod%60, 2)
	b[19] = '.'
	put(20, milli, 3)
	b[23] = 'Z'
	return string(b[:])
}

func (g *bulkGen) event(dossier, action, from, to, actor string, at time.Time) error {
	ts := seedTime(at)
	g.events++
	if _, err := g.insEv.Exec(g.nextID(), dossier, action, from, to, actor, "", ts, ts); err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	return nil
}

// windows are the day's reception sessions in Unix seconds, cut at now, and
// their total length; a stretch shorter than 10 minutes is left out.
func (g *bulkGen) windows(d calendar.Date) ([]window, int64) {
	midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, base.Zone).Unix()
	now := g.now.Unix()
	var ws []window
	var total int64
	for _, s := range g.cal.SessionsOn(d) {
		w := window{midnight + int64(s.Start)*60, min(now, midnight+int64(s.End)*60)}
		if w.end-w.start >= 600 {
			ws = append(ws, w)
			total += w.end - w.start
		}
	}
	return ws, total
}

// day writes the n dossiers received on day (the dayIndex-th working day of
// the history) with the day's queue tickets.
func (g *bulkGen) day(day calendar.Date, dayIndex, n int) error {
	r := g.r
	ws, total := g.windows(day)
	ds := g.dayDossiers[:0]
	for range n {
		// Procedure, weighted towards certification and civil status.
		w := r.IntN(g.totalWeight)
		var proc bulkProc
		for _, p := range g.procs {
			if w < p.weight {
				proc = p
				break
			}
			w -= p.weight
		}
		d := dayDossier{proc: proc, channel: "in_person"}
		switch x := r.IntN(100); {
		case x < 15:
			d.channel = "online"
		case x < 19:
			d.channel = "postal"
		case x < 30:
			d.mobile = true
		}
		ds = append(ds, d)
	}
	g.dayDossiers = ds
	if g.queue != nil {
		if err := g.ticketsFor(ds, ws, total, dayIndex, day.String()); err != nil {
			return err
		}
	}
	for i := range ds {
		d := &ds[i]
		if d.received != 0 {
			continue // from its ticket
		}
		d.received, _ = g.pickTime(ws, total)
		d.receiver = g.pick(g.staff.reception)
		if d.mobile {
			d.receiver = g.pick(g.staff.field)
		}
	}
	slices.SortStableFunc(ds, func(a, b dayDossier) int { return cmp.Compare(a.received, b.received) })
	yymmdd := fmt.Sprintf("%02d%02d%02d", day.Year%100, int(day.Month), day.Day)
	for i := range ds {
		if err := g.dossier(&ds[i], yymmdd); err != nil {
			return err
		}
	}
	return nil
}

// seedScore draws a satisfaction score: most citizens are satisfied.
func (g *bulkGen) seedScore() int {
	switch x := g.r.IntN(100); {
	case x < 3:
		return 1
	case x < 7:
		return 2
	case x < 15:
		return 3
	case x < 40:
		return 4
	}
	return 5
}

// dossier writes one dossier of the day, with its history up to now.
func (g *bulkGen) dossier(dd *dayDossier, yymmdd string) error {
	r := g.r
	proc := dd.proc
	received := time.Unix(dd.received, 0)
	g.seqs[yymmdd]++
	seq := g.seqs[yymmdd]
	if seq > domain.CentreRange.To {
		return fmt.Errorf("day %s would need code number %d, past the centre's range (%d–%d): generate fewer dossiers",
			yymmdd, seq, domain.CentreRange.From, domain.CentreRange.To)
	}
	g.usedDays[yymmdd] = seq
	code := domain.FormatCode(g.agency, yymmdd, seq)

	gender := "male"
	if r.IntN(2) == 0 {
		gender = "female"
	}
	name := g.pick(seedFamily) + " " + g.pick(seedMiddle[gender]) + " " + g.pick(seedGiven[gender])
	idNum := fmt.Sprintf("094%d%02d%06d", 2+r.IntN(2), r.IntN(100), r.IntN(1000000))
	phone := ""
	if r.IntN(10) < 8 {
		phone = fmt.Sprintf("0%c%08d", "3789"[r.IntN(4)], r.IntN(100000000))
	}
	channel, mobile, receiver := dd.channel, dd.mobile, dd.receiver
	assignee := g.pick(g.staff.processor)
	due, err := g.cal.Due(received, proc.hours)
	if err != nil {
		due = received.Add(time.Duration(proc.hours) * time.Hour)
	}

	// Outcome: most finish early or on the due day; some late; a few refused,
	// withdrawn or stopped; some paused for a supplement or fees.
	var finished, returned, closed, paused time.Time
	status := domain.StatusReturned
	span := due.Sub(received)
	switch x := r.IntN(1000); {
	case x < 30:
		status = domain.StatusRefused
		closed = received.Add(time.Duration(r.IntN(3600)) * time.Second)
	case x < 45:
		status = domain.StatusWithdrawn
		closed = received.Add(span / 2)
	case x < 52:
		status = domain.StatusStopped
		closed = received.Add(span / 2)
	default:
		switch y := r.IntN(100); {
		case y < 55: // early
			finished = received.Add(time.Duration(r.Float64()*0.8*float64(span)) + time.Minute)
		case y < 90: // on the due day
			dd := calendar.DateOf(due, base.Zone)
			finished = time.Date(dd.Year, dd.Month, dd.Day, 8, 0, 0, 0, base.Zone).Add(time.Duration(r.IntN(8*3600)) * time.Second)
			if finished.Before(received) {
				finished = received.Add(time.Minute)
			}
		default: // late
			finished = due.Add(time.Duration(24+r.IntN(10*24)) * time.Hour)
		}
		returned = finished.Add(time.Duration(r.IntN(3*24*3600)) * time.Second)
		closed = finished
		if x < 60 {
			paused = received.Add(span / 3)
		}
	}
	// What has not happened yet by now is still open.
	switch {
	case !finished.IsZero() && finished.After(g.now):
		status, finished, returned, closed = domain.StatusProcessing, time.Time{}, time.Time{}, time.Time{}
		if !paused.IsZero() && paused.Before(g.now) {
			status = domain.StatusSupplementRequested
		} else if r.IntN(20) == 0 {
			status = domain.StatusAwaitingFees
		}
	case !closed.IsZero() && closed.After(g.now):
		status, closed = domain.StatusProcessing, time.Time{}
	case status == domain.StatusReturned && returned.After(g.now):
		status, returned = domain.StatusDone, time.Time{}
	}
	ts := seedTime
	scans := "[]"
	if r.IntN(100) < 45 {
		scans = `["scan_` + randID(r, 10) + `.pdf"]`
	}
	id := g.nextID()
	_, err = g.insDossier.Exec(id, code, proc.id, name, idNum, gender, "Ấp "+strconv.Itoa(1+r.IntN(12))+", xã Mỹ Hương",
		phone, 1, channel, mobile, status, ts(received), ts(due), ts(paused), ts(finished), ts(returned), ts(closed),
		receiver, assignee, randID(r, 12), scans, domain.SeedSearchKey(code, name, idNum, phone), dd.ticket, ts(received), ts(received))
	if err != nil {
		return fmt.Errorf("insert dossier %s: %w", code, err)
	}
	if err := g.event(id, "receive", domain.StatusNew, domain.StatusReceived, receiver, received); err != nil {
		return err
	}
	if status == domain.StatusRefused {
		return g.event(id, "refuse", domain.StatusReceived, domain.StatusRefused, receiver, closed)
	}
	if err := g.event(id, "assign", domain.StatusReceived, domain.StatusProcessing, receiver, received.Add(10*time.Minute)); err != nil {
		return err
	}
	switch status {
	case domain.StatusWithdrawn, domain.StatusStopped:
		return g.event(id, map[string]string{domain.StatusWithdrawn: "withdraw", domain.StatusStopped: "stop"}[status], domain.StatusProcessing, status, assignee, closed)
	case domain.StatusSupplementRequested:
		return g.event(id, "request_supplement", domain.StatusProcessing, status, assignee, paused)
	}
	if finished.IsZero() {
		return nil
	}
	if err := g.event(id, "complete", domain.StatusProcessing, domain.StatusDone, assignee, finished); err != nil {
		return err
	}
	if returned.IsZero() {
		return nil
	}
	if err := g.event(id, "return", domain.StatusDone, domain.StatusReturned, receiver, returned); err != nil {
		return err
	}
	// About a third of citizens rate the service when the result is handed back.
	if r.IntN(100) < 35 {
		score := g.seedScore()
		reasons := "[]"
		if r.IntN(2) == 0 {
			pool := seedReasonsGood
			if score <= 3 {
				pool = seedReasonsBad
			}
			reasons = `["` + g.pick(pool) + `"]`
		}
		channel := "counter"
		if r.IntN(10) == 0 {
			channel = "status_page"
		}
		at := seedTime(returned.Add(time.Minute))
		g.ratings++
		if _, err := g.insRt.Exec(g.nextID(), id, "", score, 5, reasons, proc.id, "", receiver, channel, at, at); err != nil {
			return fmt.Errorf("insert rating: %w", err)
		}
	}
	return nil
}

// seedBulkRun is the --dossiers branch of the seed command.
func seedBulkRun(app core.App, n int, force bool, out io.Writer) error {
	return SeedDossiers(app, BulkOptions{N: n, Force: force}, out)
}
