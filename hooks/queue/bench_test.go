package queue

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// BenchmarkIssueTicket: POST /api/motcua/queue/tickets from a kiosk, against
// PocketBase's stock record create of a ticket (superuser) on the same app.
//
//	go test ./hooks/ -run '^$' -bench 'IssueTicket|StockCreateTicket' -benchtime 2000x
func BenchmarkIssueTicket(b *testing.B) {
	app := newTestApp(b)
	testkit.OpenAllDay(b, app)
	testkit.MakeCounter(b, app, 1, "A")
	kiosk := testkit.MakeDevice(b, app, domain.DeviceKiosk, "bench.kiosk")
	mux := testkit.NewMux(b, app)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/tickets", kiosk.Token, `{"group":"A"}`)
		lat = append(lat, time.Since(t0))
		if res.Code != http.StatusOK {
			b.Fatalf("issue: %d %s", res.Code, res.Body.String())
		}
	}
	testkit.ReportLatencies(b, lat)
}

// BenchmarkStockCreateTicket is the baseline for BenchmarkIssueTicket.
func BenchmarkStockCreateTicket(b *testing.B) {
	app := newTestApp(b)
	su := testkit.SuperuserToken(b, app)
	mux := testkit.NewMux(b, app)
	g := testkit.GroupID(b, app, "A")
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := fmt.Sprintf(`{"group":%q,"letter":"A","number":%d,"code":"A%03d","status":"waiting","day":"2026-03-02","issued_at":"2026-03-02 09:00:00.000Z"}`, g, i+1, i+1)
		t0 := time.Now()
		res := testkit.Do(mux, http.MethodPost, "/api/collections/tickets/records", su, body)
		lat = append(lat, time.Since(t0))
		if res.Code != http.StatusOK {
			b.Fatalf("stock create: %d %s", res.Code, res.Body.String())
		}
	}
	testkit.ReportLatencies(b, lat)
}

// BenchmarkCallNext4Counters: four counters call (and finish) in parallel;
// the latency of call-next alone is reported. Tickets are issued beforehand.
//
//	go test ./hooks/ -run '^$' -bench 'CallNext4Counters|StockUpdateTicket' -benchtime 2000x
func BenchmarkCallNext4Counters(b *testing.B) {
	app := newTestApp(b)
	testkit.OpenAllDay(b, app)
	var counters []string
	for i := 1; i <= 4; i++ {
		counters = append(counters, testkit.MakeCounter(b, app, i, "A", "B").Id)
	}
	staff := testkit.MakeStaff(b, app, base.RoleReception, "bench.counter")
	kiosk := testkit.MakeDevice(b, app, domain.DeviceKiosk, "bench.kiosk")
	mux := testkit.NewMux(b, app)
	for i := 0; i < b.N; i++ {
		g := "A"
		if i%3 == 0 {
			g = "B"
		}
		testkit.IssueTicket(b, mux, kiosk.Token, g, i%10 == 0)
	}
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	for _, c := range counters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t0 := time.Now()
				res := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/call-next", staff.Token, `{"counter":"`+c+`"}`)
				d := time.Since(t0)
				if res.Code == http.StatusNotFound {
					return
				}
				if res.Code != http.StatusOK {
					b.Errorf("call-next: %d %s", res.Code, res.Body.String())
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
				var tk testkit.Issued
				_ = json.Unmarshal(res.Body.Bytes(), &tk)
				testkit.Do(mux, http.MethodPost, "/api/motcua/queue/finish", staff.Token, `{"ticket":"`+tk.ID+`"}`)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if len(lat) != b.N {
		b.Fatalf("%d calls for %d tickets", len(lat), b.N)
	}
	testkit.ReportLatencies(b, lat)
}

// BenchmarkStockUpdateTicket is the baseline for BenchmarkCallNext4Counters:
// four superuser clients PATCH tickets through the stock record API.
func BenchmarkStockUpdateTicket(b *testing.B) {
	app := newTestApp(b)
	testkit.OpenAllDay(b, app)
	su := testkit.SuperuserToken(b, app)
	kiosk := testkit.MakeDevice(b, app, domain.DeviceKiosk, "bench.kiosk")
	mux := testkit.NewMux(b, app)
	ids := make(chan string, b.N)
	for i := 0; i < b.N; i++ {
		ids <- testkit.IssueTicket(b, mux, kiosk.Token, "A", false).ID
	}
	close(ids)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				t0 := time.Now()
				res := testkit.Do(mux, http.MethodPatch, "/api/collections/tickets/records/"+id, su, `{"status":"called"}`)
				d := time.Since(t0)
				if res.Code != http.StatusOK {
					b.Errorf("stock update: %d %s", res.Code, res.Body.String())
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	testkit.ReportLatencies(b, lat)
}

// sseClient is one lobby screen: a realtime connection subscribed to tickets
// that reports, on got, the time each called ticket code arrived.
type sseClient struct {
	body io.ReadCloser
}

func connectScreen(tb testing.TB, url, token string, got chan<- string) *sseClient {
	tb.Helper()
	res, err := http.Get(url + "/api/realtime")
	if err != nil {
		tb.Fatal(err)
	}
	r := bufio.NewReader(res.Body)
	event, data := readEvent(tb, r)
	if event != "PB_CONNECT" {
		tb.Fatalf("first event %q", event)
	}
	var connect struct{ ClientID string }
	_ = json.Unmarshal([]byte(data), &connect)
	sub := fmt.Sprintf(`{"clientId":%q,"subscriptions":["tickets/*"]}`, connect.ClientID)
	req, _ := http.NewRequest(http.MethodPost, url+"/api/realtime", strings.NewReader(sub))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	sres, err := http.DefaultClient.Do(req)
	if err != nil || sres.StatusCode != http.StatusNoContent {
		tb.Fatalf("subscribe: %v %v", err, sres)
	}
	sres.Body.Close()
	go func() {
		for {
			event, data := readEvent(nil, r)
			if event == "" {
				return
			}
			var msg struct {
				Record struct {
					Code   string `json:"code"`
					Status string `json:"status"`
				} `json:"record"`
			}
			if json.Unmarshal([]byte(data), &msg) == nil && msg.Record.Status == domain.TicketCalled {
				got <- msg.Record.Code
			}
		}
	}()
	return &sseClient{body: res.Body}
}

// readEvent reads one server-sent event; "" at the end of the stream.
func readEvent(tb testing.TB, r *bufio.Reader) (event, data string) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if tb != nil {
				tb.Fatalf("read event: %v", err)
			}
			return "", ""
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && event != "":
			return event, data
		case strings.HasPrefix(line, "event:"):
			event = line[len("event:"):]
		case strings.HasPrefix(line, "data:"):
			data = line[len("data:"):]
		}
	}
}

// BenchmarkDisplay50Screens: 50 lobby screens hold realtime connections; each
// iteration calls one ticket and measures until the last screen has it.
//
//	go test ./hooks/ -run '^$' -bench Display50Screens -benchtime 200x
func BenchmarkDisplay50Screens(b *testing.B) {
	const screens = 50
	app := newTestApp(b)
	testkit.OpenAllDay(b, app)
	counter := testkit.MakeCounter(b, app, 1, "A")
	display := testkit.MakeDevice(b, app, domain.DeviceDisplay, "bench.tv")
	kiosk := testkit.MakeDevice(b, app, domain.DeviceKiosk, "bench.kiosk")
	staff := testkit.MakeStaff(b, app, base.RoleReception, "bench.caller")
	url := testkit.StartServer(b, app)
	got := make(chan string, screens*4)
	var clients []*sseClient
	for range screens {
		clients = append(clients, connectScreen(b, url, display.Token, got))
	}
	defer func() {
		for _, c := range clients {
			c.body.Close()
		}
	}()
	if n := app.SubscriptionsBroker().TotalClients(); n != screens {
		b.Fatalf("%d realtime clients, want %d", n, screens)
	}
	for i := 0; i < b.N; i++ {
		postJSON(b, url+"/api/motcua/queue/tickets", kiosk.Token, `{"group":"A"}`)
	}
	all := make([]time.Duration, 0, b.N)
	perScreen := make([]time.Duration, 0, b.N*screens)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		var tk testkit.Issued
		_ = json.Unmarshal(postJSON(b, url+"/api/motcua/queue/call-next", staff.Token, `{"counter":"`+counter.Id+`"}`), &tk)
		for n := 0; n < screens; n++ {
			select {
			case code := <-got:
				if code != tk.Code {
					b.Fatalf("screen got %s, want %s", code, tk.Code)
				}
				perScreen = append(perScreen, time.Since(t0))
			case <-time.After(10 * time.Second):
				b.Fatalf("only %d of %d screens got %s", n, screens, tk.Code)
			}
		}
		all = append(all, time.Since(t0))
		postJSON(b, url+"/api/motcua/queue/finish", staff.Token, `{"ticket":"`+tk.ID+`"}`)
	}
	b.StopTimer()
	b.ReportMetric(float64(testkit.Percentile(perScreen, 50).Microseconds())/1000, "screen-p50-ms")
	b.ReportMetric(float64(testkit.Percentile(all, 99).Microseconds())/1000, "last-screen-p99-ms")
	b.ReportMetric(float64(testkit.Percentile(all, 100).Microseconds())/1000, "last-screen-max-ms")
}

// BenchmarkCallNextBurst4: the contention a centre really sees, four counters
// pressing "call next" at the same instant, round after round (each round's
// finishes are not timed). Every call-next latency is reported.
//
//	go test ./hooks/ -run '^$' -bench CallNextBurst4 -benchtime 500x
func BenchmarkCallNextBurst4(b *testing.B) {
	app := newTestApp(b)
	testkit.OpenAllDay(b, app)
	var counters []string
	for i := 1; i <= 4; i++ {
		counters = append(counters, testkit.MakeCounter(b, app, i, "A", "B").Id)
	}
	staff := testkit.MakeStaff(b, app, base.RoleReception, "bench.burst")
	kiosk := testkit.MakeDevice(b, app, domain.DeviceKiosk, "bench.kiosk")
	mux := testkit.NewMux(b, app)
	for i := 0; i < 4*b.N; i++ {
		testkit.IssueTicket(b, mux, kiosk.Token, "AB"[i%2:i%2+1], i%10 == 0)
	}
	lat := make([]time.Duration, 0, 4*b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		start := make(chan struct{})
		res := make([]time.Duration, 4)
		ids := make([]string, 4)
		for k, c := range counters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t0 := time.Now()
				r := testkit.Do(mux, http.MethodPost, "/api/motcua/queue/call-next", staff.Token, `{"counter":"`+c+`"}`)
				res[k] = time.Since(t0)
				var tk testkit.Issued
				_ = json.Unmarshal(r.Body.Bytes(), &tk)
				ids[k] = tk.ID
			}()
		}
		close(start)
		wg.Wait()
		lat = append(lat, res...)
		b.StopTimer()
		for _, id := range ids {
			if id == "" {
				b.Fatal("a counter got no ticket")
			}
			testkit.Do(mux, http.MethodPost, "/api/motcua/queue/finish", staff.Token, `{"ticket":"`+id+`"}`)
		}
		b.StartTimer()
	}
	testkit.ReportLatencies(b, lat)
}
