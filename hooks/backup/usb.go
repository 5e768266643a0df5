package backup

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupfmt"
	"motcua/hooks/drives"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// "Copy the latest backup to a USB stick", from the leaders' dashboard: the
// removable drives plugged in are listed (hooks/drives), the leader picks
// one, and the latest backup is copied, flushed, read back and checked there
// (drives.CopyVerified) while the page shows how far it is and that the stick
// must stay in; then it says, in Vietnamese and Khmer, that the stick may be
// pulled out. One copy at a time, never while a backup is being written (the
// copy would read a folder that is being replaced).

const usbStoreKey = "motcua.backup.usb"

// usbState is the USB copy as the dashboard shows it.
type usbState struct {
	// State is "running", "ok" (verified: the stick may be pulled out) or "failed".
	State     string            `json:"state"`
	Drive     string            `json:"drive"`
	Label     string            `json:"label"`
	Phase     string            `json:"phase"` // copy, verify
	Done      int64             `json:"done"`
	Total     int64             `json:"total"`
	Percent   int               `json:"percent"`
	Dir       string            `json:"dir"` // the copy on the stick, once done
	Name      string            `json:"name"`
	Encrypted bool              `json:"encrypted"`
	ErrorKey  string            `json:"error_key"`
	Text      map[string]string `json:"text"` // what to tell the leader now, per language
	StartedAt string            `json:"started_at"`
	EndedAt   string            `json:"ended_at"`
}

// usbJob is the USB copy of this server.
type usbJob struct {
	mu    sync.Mutex
	state *usbState
}

func usbJobOf(app core.App) *usbJob {
	return app.Store().GetOrSet(usbStoreKey, func() any { return &usbJob{} }).(*usbJob)
}

// usbStateOf is a copy of the last USB copy's state, or nil.
func usbStateOf(app core.App) *usbState {
	j := usbJobOf(app)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state == nil {
		return nil
	}
	c := *j.state
	return &c
}

// usbCopying reports whether a USB copy is running (the schedule waits).
func usbCopying(app core.App) bool {
	s := usbStateOf(app)
	return s != nil && s.State == "running"
}

func texts(key string, args ...any) map[string]string {
	out := map[string]string{}
	for _, lang := range i18n.Languages {
		out[lang] = i18n.T(lang, key, args...)
	}
	return out
}

// handleDrives lists the removable drives plugged in now.
func handleDrives(e *core.RequestEvent) error {
	list, err := drives.List()
	if err != nil && len(list) == 0 {
		e.App.Logger().Warn("list removable drives", "error", err.Error())
	}
	if list == nil {
		list = []drives.Drive{}
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, map[string]any{"drives": list})
}

func handleUSBState(e *core.RequestEvent) error {
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, map[string]any{"usb": usbStateOf(e.App)})
}

// latestBackupDir is the newest finished backup of the office: <folder>/latest,
// else the newest dated one.
func latestBackupDir(app core.App) (string, error) {
	s, err := loadBackupSettings(app)
	if err != nil {
		return "", err
	}
	latest := filepath.Join(s.Dir, backupfmt.LatestName)
	if _, err := os.Stat(filepath.Join(latest, backupfmt.ManifestName)); err == nil {
		return latest, nil
	}
	names, err := ListBackups(s.Dir)
	if err != nil || len(names) == 0 {
		return "", errors.New("no backup yet")
	}
	return filepath.Join(s.Dir, names[0]), nil
}

// handleUSBCopy takes {"drive": "<path as listed>"} and starts the copy of
// the latest backup onto it; the dashboard follows it with GET.
func handleUSBCopy(e *core.RequestEvent) error {
	var body struct {
		Drive string `json:"drive"`
	}
	if err := e.BindBody(&body); err != nil || body.Drive == "" || len(body.Drive) > 1000 {
		return base.KeyedError(http.StatusBadRequest, "backup.usb_choose")
	}
	d, err := drives.Find(body.Drive)
	if err != nil {
		return base.KeyedError(http.StatusBadRequest, "backup.usb_not_drive", "drive", body.Drive)
	}
	src, err := latestBackupDir(e.App)
	if err != nil {
		return base.KeyedError(http.StatusConflict, "backup.usb_no_backup")
	}
	if runningOf(e.App) != nil {
		return base.KeyedError(http.StatusConflict, "backup.usb_busy")
	}
	j := usbJobOf(e.App)
	j.mu.Lock()
	if j.state != nil && j.state.State == "running" {
		j.mu.Unlock()
		return base.KeyedError(http.StatusConflict, "backup.usb_busy")
	}
	st := &usbState{State: "running", Drive: d.Path, Label: d.Label, Phase: string(drives.PhaseCopy),
		Text: texts("drives.copying", "drive", d.Path), StartedAt: time.Now().UTC().Format(time.RFC3339)}
	j.state = st
	snapshot := *st
	j.mu.Unlock()
	go runUSBCopy(e.App, j, src, d)
	return e.JSON(http.StatusAccepted, map[string]any{"usb": &snapshot})
}

// runUSBCopy copies and verifies, updating the job's state as it goes.
func runUSBCopy(app core.App, j *usbJob, src string, d drives.Drive) {
	res, err := drives.CopyVerified(context.Background(), src, d.Path, func(p drives.Progress) {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.state.Phase, j.state.Done, j.state.Total = string(p.Phase), p.Done, p.Total
		if p.Total > 0 {
			j.state.Percent = int(p.Done * 100 / p.Total)
		}
		key := "drives.copying"
		if p.Phase == drives.PhaseVerify {
			key = "drives.verifying"
		}
		j.state.Text = texts(key, "drive", d.Path)
	})
	j.mu.Lock()
	defer j.mu.Unlock()
	j.state.EndedAt = time.Now().UTC().Format(time.RFC3339)
	if err != nil {
		j.state.State = "failed"
		var ce *drives.CopyError
		if errors.As(err, &ce) {
			j.state.ErrorKey = ce.Key
			j.state.Text = map[string]string{}
			for _, lang := range i18n.Languages {
				j.state.Text[lang] = ce.Text(lang)
			}
		} else {
			j.state.ErrorKey = "drives.failed"
			j.state.Text = texts("drives.failed", "drive", d.Path)
		}
		app.Logger().Error("copy backup to USB", "drive", d.Path, "error", err.Error())
		return
	}
	j.state.State = "ok"
	j.state.Percent = 100
	j.state.Dir = res.Dir
	j.state.Name = filepath.Base(res.Dir)
	j.state.Encrypted = res.Manifest.Encrypted()
	j.state.Text = map[string]string{}
	for _, lang := range i18n.Languages {
		j.state.Text[lang] = res.Text(lang)
	}
}
