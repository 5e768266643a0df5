package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/hooks/backup"
	"motcua/hooks/internal/testkit"
)

// The fault tests run the real appliance binary, the way an office runs it:
// built once per test run, started with "serve", killed with SIGKILL.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// motcuaBinary builds the appliance once for the package's tests.
func motcuaBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "motcua-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "motcua")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = ".." // the module root
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// TestMain removes the built binary after the package's tests.
func TestMain(m *testing.M) {
	testkit.Main(m, func() {
		if binPath != "" {
			os.RemoveAll(filepath.Dir(binPath))
		}
	})
}

// server is one running "motcua serve" process.
type server struct {
	cmd  *exec.Cmd
	url  string
	dir  string
	logs *bytes.Buffer
	done chan struct{}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startProcess serves dataDir on a free loopback port and waits until healthy.
func startProcess(t testing.TB, dataDir string) *server {
	t.Helper()
	bin := motcuaBinary(t)
	port := freePort(t)
	s := &server{url: fmt.Sprintf("http://127.0.0.1:%d", port), dir: dataDir, logs: new(bytes.Buffer), done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", fmt.Sprintf("--http=127.0.0.1:%d", port), "--dir="+dataDir)
	s.cmd.Stdout = s.logs
	s.cmd.Stderr = s.logs
	dieWithTest(s.cmd)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.url + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("server exited:\n%s", s.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server not healthy in time:\n%s", s.logs.String())
	return nil
}

// kill ends the server with SIGKILL (no shutdown hooks: a power cut).
func (s *server) kill() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
	<-s.done
}

// run runs a motcua subcommand on dataDir and returns its output and error.
func runMotcua(t testing.TB, dataDir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(motcuaBinary(t), append(args, "--dir="+dataDir)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// apiCall sends a JSON request and decodes the JSON answer into out (when not nil).
func apiCall(client *http.Client, method, url, token string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, fmt.Errorf("decode %s: %w", b, err)
		}
	}
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	return res.StatusCode, nil
}

// office is what an intake load needs: a reception token and a procedure.
type office struct {
	superuser string
	reception string
	procedure string
	papers    []map[string]any // the procedure's required papers, ticked as received
}

// setUpOffice makes a superuser with the CLI, a reception account through the
// API, and signs it in.
func setUpOffice(t testing.TB, s *server) office {
	t.Helper()
	if out, err := runMotcua(t, s.dir, "superuser", "upsert", "it@test.motcua.vn", "correct horse 1"); err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}
	c := http.DefaultClient
	var auth struct{ Token string }
	if _, err := apiCall(c, "POST", s.url+"/api/collections/_superusers/auth-with-password", "",
		map[string]string{"identity": "it@test.motcua.vn", "password": "correct horse 1"}, &auth); err != nil {
		t.Fatal(err)
	}
	o := office{superuser: auth.Token}
	if _, err := apiCall(c, "POST", s.url+"/api/collections/staff/records", o.superuser, map[string]any{
		"username": "le.tan", "email": "le.tan@test.motcua.vn", "password": "correct horse 1", "passwordConfirm": "correct horse 1",
		"name": "Lê Tân", "role": "reception", "verified": true,
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := apiCall(c, "POST", s.url+"/api/collections/staff/auth-with-password", "",
		map[string]string{"identity": "le.tan", "password": "correct horse 1"}, &auth); err != nil {
		t.Fatal(err)
	}
	o.reception = auth.Token
	var procs struct {
		Items []struct {
			ID     string
			Papers []struct {
				Kind     string
				Required bool
			}
		}
	}
	if _, err := apiCall(c, "GET", s.url+"/api/collections/procedures/records?perPage=1", o.reception, nil, &procs); err != nil || len(procs.Items) == 0 {
		t.Fatalf("procedures: %v", err)
	}
	o.procedure = procs.Items[0].ID
	for i, p := range procs.Items[0].Papers {
		if p.Required {
			o.papers = append(o.papers, map[string]any{"index": i, "kind": p.Kind, "count": 1})
		}
	}
	return o
}

// ack is a dossier whose create answered 200: the citizen holds a receipt.
type ack struct {
	ID   string
	Code string
	At   time.Time
}

// intakeLoad posts dossiers from several goroutines until ctx ends, the way a
// few counters take in dossiers at once, and records each acknowledged one and
// the slowest answer.
type intakeLoad struct {
	mu      sync.Mutex
	acks    []ack
	maxWait time.Duration
	errs    int
	wg      sync.WaitGroup
}

func startIntake(ctx context.Context, s *server, o office, workers int) *intakeLoad {
	l := &intakeLoad{}
	client := &http.Client{Timeout: 30 * time.Second}
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go func(w int) {
			defer l.wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				var rec struct {
					ID   string `json:"id"`
					Code string `json:"code"`
				}
				start := time.Now()
				status, err := apiCall(client, "POST", s.url+"/api/collections/dossiers/records", o.reception, map[string]any{
					"procedure":           o.procedure,
					"papers":              o.papers,
					"applicant_name":      "Thạch Thị Sa Ry",
					"applicant_id_number": fmt.Sprintf("0792%02d%06d", w, i),
					"applicant_address":   "Ấp Mỹ Hòa, xã Mỹ Hương",
					"channel":             "in_person",
				}, &rec)
				took := time.Since(start)
				l.mu.Lock()
				if took > l.maxWait {
					l.maxWait = took
				}
				if status == http.StatusOK && err == nil && rec.ID != "" {
					l.acks = append(l.acks, ack{ID: rec.ID, Code: rec.Code, At: time.Now()})
				} else {
					l.errs++
				}
				l.mu.Unlock()
			}
		}(w)
	}
	return l
}

func (l *intakeLoad) snapshot() []ack {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ack(nil), l.acks...)
}

// assertDossiersPresent checks every acknowledged dossier is in data, with the
// code its create answered, and that no code is used twice.
func assertDossiersPresent(t testing.TB, dataDir string, acks []ack) {
	t.Helper()
	db := testkit.OpenData(t, dataDir)
	testkit.IntegrityOK(t, db)
	var rows []struct {
		ID   string `db:"id"`
		Code string `db:"code"`
	}
	if err := db.NewQuery("SELECT id, code FROM dossiers").All(&rows); err != nil {
		t.Fatal(err)
	}
	byID := make(map[string]string, len(rows))
	codes := map[string]int{}
	for _, r := range rows {
		byID[r.ID] = r.Code
		if r.Code != "" {
			codes[r.Code]++
		}
	}
	missing := 0
	for _, a := range acks {
		code, ok := byID[a.ID]
		if !ok {
			missing++
			continue
		}
		if a.Code != "" && code != a.Code {
			t.Errorf("dossier %s acknowledged with code %s, stored %s", a.ID, a.Code, code)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged dossiers are missing", missing, len(acks))
	}
	for c, n := range codes {
		if n > 1 {
			t.Errorf("code %s used %d times", c, n)
		}
	}
}

// TestKillDuringIntake: SIGKILL (a power cut, a crash) while several counters
// take in dossiers; after a restart every dossier whose create answered 200 is
// there, and no dossier code is used twice.
func TestKillDuringIntake(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dataDir := filepath.Join(t.TempDir(), "pb_data")
	s := startProcess(t, dataDir)
	o := setUpOffice(t, s)

	ctx, cancel := context.WithCancel(context.Background())
	load := startIntake(ctx, s, o, 6)
	// Kill mid-stream, once a fair number of dossiers are acknowledged.
	deadline := time.Now().Add(15 * time.Second)
	for len(load.snapshot()) < 150 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	s.kill()
	cancel()
	load.wg.Wait()
	acks := load.snapshot()
	if len(acks) < 50 {
		t.Fatalf("only %d dossiers acknowledged before the kill (errors %d):\n%s", len(acks), load.errs, s.logs.String())
	}
	t.Logf("%d dossiers acknowledged, %d requests cut by the kill", len(acks), load.errs)

	// Restart on the same pb_data: the lock of the killed process is gone.
	s2 := startProcess(t, dataDir)
	var list struct{ TotalItems int }
	if _, err := apiCall(http.DefaultClient, "GET", s2.url+"/api/collections/dossiers/records?perPage=1", o.superuser, nil, &list); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if list.TotalItems < len(acks) {
		t.Errorf("after restart the API lists %d dossiers, %d were acknowledged", list.TotalItems, len(acks))
	}
	assertDossiersPresent(t, dataDir, acks)
}

// TestBackupUnderLoadRestores: "motcua backup" run as a second process while
// counters keep taking in dossiers gives a backup that restores, passes
// integrity_check and holds every dossier acknowledged before it began; the
// slowest intake answer meanwhile is logged. "motcua restore" refuses while the
// server runs.
func TestBackupUnderLoadRestores(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dataDir := filepath.Join(t.TempDir(), "pb_data")
	s := startProcess(t, dataDir)
	o := setUpOffice(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	load := startIntake(ctx, s, o, 4)
	deadline := time.Now().Add(60 * time.Second)
	for len(load.snapshot()) < 100 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	before := load.snapshot()
	if len(before) < 100 {
		t.Fatalf("only %d dossiers acknowledged in a minute (errors %d):\n%s", len(before), load.errs, s.logs.String())
	}
	load.mu.Lock()
	load.maxWait = 0
	load.mu.Unlock()

	target := t.TempDir()
	start := time.Now()
	out, err := runMotcua(t, dataDir, "backup", "--to", target)
	took := time.Since(start)
	load.mu.Lock()
	maxWait := load.maxWait
	load.mu.Unlock()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	t.Logf("backup under load: %s; slowest intake answer during it: %s", took.Round(time.Millisecond), maxWait.Round(time.Millisecond))
	if !strings.Contains(out, "integrity ok") || !strings.Contains(out, "backup ok") {
		t.Errorf("backup output:\n%s", out)
	}
	names, err := backup.ListBackups(target)
	if err != nil || len(names) != 1 {
		t.Fatalf("backups in target: %v %v", names, err)
	}
	backupDir := filepath.Join(target, names[0])

	// Restore refuses while the server runs, and changes nothing.
	if out, err := runMotcua(t, dataDir, "restore", backupDir); err == nil || !strings.Contains(out, "restore.server_running") {
		t.Errorf("restore while serving: %v\n%s", err, out)
	}
	testkit.AssertNoRestoreLeftovers(t, dataDir)
	cancel()
	load.wg.Wait()

	// Restore on another PC (a fresh folder).
	newData := filepath.Join(t.TempDir(), "pb_data")
	if out, err := runMotcua(t, newData, "restore", backupDir); err != nil || !strings.Contains(out, "restore ok") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	assertDossiersPresent(t, newData, before)
	s2 := startProcess(t, newData)
	var list struct{ TotalItems int }
	if _, err := apiCall(http.DefaultClient, "GET", s2.url+"/api/collections/dossiers/records?perPage=1", o.superuser, nil, &list); err != nil {
		t.Fatalf("restored server: %v", err)
	}
	if list.TotalItems < len(before) {
		t.Errorf("restored server lists %d dossiers, %d were acknowledged before the backup", list.TotalItems, len(before))
	}
}
