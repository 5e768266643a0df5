package hooks

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/i18n"
)

// TestFieldFilesOnStick runs the return of a mobile team with the real
// binary, and looks at each file as it sits on the USB stick: the kit is
// sealed (no secret, no password hash, no name readable) and opens only with
// the one-time code "field new" printed (typed at a prompt); the bundle shows
// nothing of the citizen; the centre takes it, the laptop takes the
// acknowledgement; once the kit is retired the centre takes nothing more.
func TestFieldFilesOnStick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary several times")
	}
	centre := startProcess(t, t.TempDir())
	o := setUpOffice(t, centre)
	c := http.DefaultClient
	if _, err := apiCall(c, "POST", centre.url+"/api/collections/staff/records", o.superuser, map[string]any{
		"username": "son.my", "email": "son.my@test.motcua.vn", "password": "correct horse 1", "passwordConfirm": "correct horse 1",
		"name": "Sơn Thị Mỹ", "role": "field", "verified": true,
	}, nil); err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	kitFile := filepath.Join(stick, "to1.mckit")
	out, err := runMotcua(t, centre.dir, "field", "new", "--name", "Tổ 1 Mỹ Hương", "--out", kitFile, "--members", "son.my")
	if err != nil {
		t.Fatalf("field new: %v\n%s", err, out)
	}
	code := regexp.MustCompile(`one-time code: (\d{4} \d{4} \d{4})`).FindStringSubmatch(out)
	kitID := regexp.MustCompile(`kit ([a-z0-9]{15}) for`).FindStringSubmatch(out)
	if code == nil || kitID == nil {
		t.Fatalf("field new printed no code or kit id:\n%s", out)
	}

	// The kit on the stick: sealed.
	kit, err := os.ReadFile(kitFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(kit, []byte("MOTCUA-FIELD-KIT 2\nkit "+kitID[1]+"\n\n")) {
		t.Errorf("kit file header: %.60q", kit)
	}
	for _, s := range []string{"son.my", "$2a$", "secret", "Sơn Thị Mỹ", "password", "AGE-SECRET-KEY"} {
		if bytes.Contains(kit, []byte(s)) {
			t.Errorf("the kit file on the stick shows %q", s)
		}
	}
	if info, _ := os.Stat(kitFile); info.Mode().Perm()&0o077 != 0 {
		t.Errorf("kit file mode %v: readable by others", info.Mode().Perm())
	}

	// The laptop: a wrong code is refused and sets nothing up; the right one,
	// typed at the prompt, opens it.
	laptopDir := t.TempDir()
	if out, err := runMotcua(t, laptopDir, "field", "init", kitFile, "--code", "0000 0000 0000"); err == nil ||
		!strings.Contains(out, fieldbundle.KeyCode) || !strings.Contains(out, i18n.T("vi", fieldbundle.KeyCode)) {
		t.Errorf("init with a wrong code: %v\n%s", err, out)
	}
	init := exec.Command(motcuaBinary(t), "field", "init", kitFile, "--dir="+laptopDir)
	init.Stdin = strings.NewReader(strings.ReplaceAll(code[1], " ", "-") + "\n")
	if out, err := init.CombinedOutput(); err != nil || !strings.Contains(string(out), "One-time code") ||
		!strings.Contains(string(out), "encrypted to the centre") {
		t.Fatalf("init with the code at the prompt: %v\n%s", err, out)
	}

	laptop := startProcess(t, laptopDir)
	var auth struct{ Token string }
	if _, err := apiCall(c, "POST", laptop.url+"/api/collections/staff/auth-with-password", "",
		map[string]string{"identity": "son.my", "password": "correct horse 1"}, &auth); err != nil {
		t.Fatal(err)
	}
	if _, err := apiCall(c, "POST", laptop.url+"/api/motcua/field/location", auth.Token, map[string]string{"location": "Điểm trường Tân Hòa"}, nil); err != nil {
		t.Fatal(err)
	}
	intake := func() {
		t.Helper()
		body := map[string]any{"procedure": o.procedure, "papers": o.papers, "applicant_name": "Thạch Thị Sa Ry",
			"applicant_id_number": "079203001234", "applicant_phone": "0912345678"}
		if _, err := apiCall(c, "POST", laptop.url+"/api/collections/dossiers/records", auth.Token, body, nil); err != nil {
			t.Fatalf("field intake: %v", err)
		}
	}
	intake()

	// The bundle on the stick shows nothing of the citizen.
	if out, err := runMotcua(t, laptopDir, "field", "export", "--to", stick); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	bundle := newestFile(t, stick, ".mcbundle")
	data, _ := os.ReadFile(bundle)
	if !bytes.HasPrefix(data, []byte("MOTCUA-FIELD-BUNDLE 2\nkit "+kitID[1]+"\n\n")) {
		t.Errorf("bundle header: %.60q", data)
	}
	for _, s := range []string{"079203001234", "Thạch Thị Sa Ry", "0912345678", "Tân Hòa"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the bundle on the stick shows %q", s)
		}
	}

	// The centre takes it; the laptop takes the acknowledgement.
	ack := filepath.Join(stick, "ack.mcack")
	out, err = runMotcua(t, centre.dir, "field", "import", bundle, "--ack", ack)
	if err != nil || !strings.Contains(out, "new 1,") || strings.Contains(out, "notice:") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := runMotcua(t, laptopDir, "field", "confirm", ack); err != nil || !strings.Contains(out, "new 1,") {
		t.Fatalf("confirm: %v\n%s", err, out)
	}

	// Retired: the next bundle is refused whole.
	if out, err := runMotcua(t, centre.dir, "field", "retire", kitID[1]); err != nil {
		t.Fatalf("retire: %v\n%s", err, out)
	}
	intake()
	laterDir := t.TempDir()
	if out, err := runMotcua(t, laptopDir, "field", "export", "--to", laterDir); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	later := newestFile(t, laterDir, ".mcbundle")
	out, err = runMotcua(t, centre.dir, "field", "import", later)
	if err == nil || !strings.Contains(out, "error.field_kit_cut_off") {
		t.Errorf("import after retirement: %v\n%s", err, out)
	}
	var list struct{ TotalItems int }
	if _, err := apiCall(c, "GET", centre.url+"/api/collections/dossiers/records?perPage=1", o.superuser, nil, &list); err != nil || list.TotalItems != 1 {
		t.Errorf("centre holds %d dossiers (%v), want the one from before the retirement", list.TotalItems, err)
	}
	var status struct{ Counts map[string]int }
	if _, err := apiCall(c, "GET", laptop.url+"/api/motcua/field/status", auth.Token, nil, &status); err != nil || status.Counts["sent"] != 1 || status.Counts["confirmed"] != 1 {
		t.Errorf("laptop states %v (%v): want one confirmed, one sent", status.Counts, err)
	}
}

// newestFile is the last-modified file with the suffix in dir.
func newestFile(t *testing.T, dir, suffix string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var best string
	var bestTime int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), suffix) {
			continue
		}
		info, _ := e.Info()
		if info.ModTime().UnixNano() >= bestTime {
			best, bestTime = filepath.Join(dir, e.Name()), info.ModTime().UnixNano()
		}
	}
	if best == "" {
		t.Fatalf("no %s file in %s", suffix, dir)
	}
	return best
}
