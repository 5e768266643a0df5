package base

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// LockFileName is the file in pb_data that a serving appliance holds an
// exclusive OS lock on. The OS drops the lock when the process ends, even by
// kill -9 or a power cut, so a stale file never blocks a restore.
const LockFileName = "motcua.lock"

const dataLockStoreKey = "motcua.datalock"

// ErrDataLocked says another process (a running server) holds pb_data.
var ErrDataLocked = errors.New("pb_data is in use by a running motcua server")

// DataLock is an exclusive lock on a pb_data folder.
type DataLock struct{ f *os.File }

// LockDataDir takes the exclusive lock on dataDir without waiting: errDataLocked
// when a server holds it. The file's content is the holder's pid, for a person
// looking; only serve writes it, so a refused restore leaves pb_data as it was.
func LockDataDir(dataDir string) (*DataLock, error) {
	return lockDataDirAs(dataDir, false)
}

func lockDataDirAs(dataDir string, writePid bool) (*DataLock, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", dataDir, err)
	}
	f, err := os.OpenFile(filepath.Join(dataDir, LockFileName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dataDir, err)
	}
	if err := tryLockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	if writePid {
		_ = f.Truncate(0)
		_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	}
	return &DataLock{f: f}, nil
}

// Unlock releases the lock.
func (l *DataLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = unlockFile(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}

// bindDataLock holds the pb_data lock for as long as the app serves, so that
// "motcua restore" can tell a running server from a stopped one, and a second
// server on the same folder refuses to start.
func bindDataLock(se *core.ServeEvent) error {
	app := se.App
	if app.Store().Has(dataLockStoreKey) {
		return nil // already held by this app (a test serving twice)
	}
	l, err := lockDataDirAs(app.DataDir(), true)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, app.DataDir())
	}
	app.Store().Set(dataLockStoreKey, l)
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "motcua.datalock",
		Func: func(e *core.TerminateEvent) error {
			if l, ok := e.App.Store().Get(dataLockStoreKey).(*DataLock); ok {
				_ = l.Unlock()
				e.App.Store().Remove(dataLockStoreKey)
			}
			return e.Next()
		},
	})
	return nil
}
