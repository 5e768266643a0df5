package backup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"motcua/hooks/backupfmt"
	"motcua/hooks/internal/base"
)

// restoreResult says what a restore did.
type restoreResult struct {
	Manifest *backupfmt.Manifest
	// Aside is where the previous pb_data was kept ("" when there was none).
	Aside string
}

// verifyBackup reads and checks a backup folder without writing anything: the
// manifest, then every listed file present with its size. The checksums and
// integrity are checked while staging (restoreBackup) so a large backup is read
// once.
func verifyBackup(dir string) (*backupfmt.Manifest, error) {
	f, err := os.Open(filepath.Join(dir, backupfmt.ManifestName))
	if err != nil {
		if isMissing(err) {
			return nil, opErr("restore.not_backup", err, "dir", dir)
		}
		return nil, opErr("restore.failed", err)
	}
	defer f.Close()
	m, err := backupfmt.ReadManifest(f)
	if err != nil {
		return nil, opErr("restore.manifest_invalid", err, "dir", dir)
	}
	for _, file := range m.Files {
		p, err := backupfmt.Local(dir, file.Path)
		if err != nil {
			return nil, opErr("restore.manifest_invalid", err, "dir", dir)
		}
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			return nil, opErr("restore.file_missing", err, "file", file.Path)
		}
		if st.Size() != file.Size {
			return nil, opErr("restore.file_damaged", fmt.Errorf("%s: size %d, manifest says %d", file.Path, st.Size(), file.Size), "file", file.Path)
		}
	}
	return m, nil
}

// stageBackup copies a verified backup into stage (a new folder), checking each
// file's SHA-256 as it is copied and running integrity_check on the copied
// databases. Nothing outside stage is written; on error stage is removed.
func stageBackup(dir, stage string, m *backupfmt.Manifest, progress io.Writer) (err error) {
	if err := os.Mkdir(stage, 0o755); err != nil {
		return opErr("restore.failed", fmt.Errorf("create %s: %w", stage, err))
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(stage)
		}
	}()
	files := append([]backupfmt.File(nil), m.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, file := range files {
		src, _ := backupfmt.Local(dir, file.Path)
		dst, _ := backupfmt.Local(stage, file.Path)
		got, err := copyFile(src, dst, file.Path, backupOptions{Target: filepath.Dir(stage)})
		if err != nil {
			return opErr("restore.failed", err)
		}
		if got.SHA256 != file.SHA256 || got.Size != file.Size {
			return opErr("restore.file_damaged", fmt.Errorf("%s: sha256 %s, manifest says %s", file.Path, got.SHA256, file.SHA256), "file", file.Path)
		}
		if progress != nil && file.Size > 1<<20 {
			fmt.Fprintf(progress, "    %s %s, checksum ok\n", file.Path, ByteSize(file.Size))
		}
	}
	for _, name := range backupfmt.Databases {
		p := filepath.Join(stage, name)
		if _, err := os.Stat(p); isMissing(err) {
			if name == backupfmt.Databases[0] {
				return opErr("restore.file_missing", err, "file", name)
			}
			continue // auxiliary.db (logs) is optional
		}
		db, err := dbx.Open("sqlite", p)
		if err != nil {
			return opErr("restore.integrity_failed", err, "file", name)
		}
		_, err = checkDatabase(db, name)
		db.Close()
		if err != nil {
			return opErr("restore.integrity_failed", err, "file", name)
		}
		if progress != nil {
			fmt.Fprintf(progress, "    %s integrity ok\n", name)
		}
	}
	syncDir(stage)
	return nil
}

// restoreBackup puts the backup in dir in place of dataDir. The server must be
// stopped: the pb_data lock is taken first and a running server makes it fail.
// The backup is checked completely before pb_data is touched; then the current
// pb_data is renamed to pb_data.before-restore-<time> and the checked copy is
// renamed into place (plain renames in one folder: no symlinks and no rename
// over an existing folder, so it works the same on Windows).
func restoreBackup(dataDir, dir string, progress io.Writer) (*restoreResult, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, opErr("restore.failed", err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, opErr("restore.failed", err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, opErr("restore.not_backup", err, "dir", dir)
	}
	var lock *base.DataLock
	if _, err := os.Stat(dataDir); err == nil {
		lock, err = base.LockDataDir(dataDir)
		if errors.Is(err, base.ErrDataLocked) {
			return nil, opErr("restore.server_running", err, "dir", dataDir)
		}
		if err != nil {
			return nil, opErr("restore.failed", err)
		}
	}
	defer lock.Unlock()

	say("1/3 check / kiểm tra %s", dir)
	m, err := verifyBackup(dir)
	if err != nil {
		return nil, err
	}
	stamp := time.Now().In(base.Zone).Format("20060102-150405")
	parent := filepath.Dir(dataDir)
	stage := filepath.Join(parent, "."+filepath.Base(dataDir)+".restoring-"+stamp)
	say("2/3 copy and verify / chép và kiểm tra (%s, %d files)", ByteSize(m.Size()), len(m.Files))
	if err := stageBackup(dir, stage, m, progress); err != nil {
		return nil, err
	}

	say("3/3 swap / thay thế %s", dataDir)
	res := &restoreResult{Manifest: m}
	if err := lock.Unlock(); err != nil {
		_ = os.RemoveAll(stage)
		return nil, opErr("restore.failed", err)
	}
	if _, err := os.Stat(dataDir); err == nil {
		aside, err := freeDir(filepath.Join(parent, filepath.Base(dataDir)+".before-restore-"+stamp))
		if err == nil {
			err = os.Rename(dataDir, aside)
		}
		if err != nil {
			_ = os.RemoveAll(stage)
			return nil, opErr("restore.failed", fmt.Errorf("keep current data aside: %w", err))
		}
		res.Aside = aside
	}
	if err := os.Rename(stage, dataDir); err != nil {
		if res.Aside != "" {
			_ = os.Rename(res.Aside, dataDir)
		}
		_ = os.RemoveAll(stage)
		return nil, opErr("restore.failed", fmt.Errorf("put backup in place: %w", err))
	}
	syncDir(parent)
	return res, nil
}

// freeDir is p, or p-2, p-3 … if p exists.
func freeDir(p string) (string, error) {
	for i := 1; i < 100; i++ {
		n := p
		if i > 1 {
			n = fmt.Sprintf("%s-%d", p, i)
		}
		if _, err := os.Lstat(n); errors.Is(err, fs.ErrNotExist) {
			return n, nil
		}
	}
	return "", fmt.Errorf("no free name for %s", p)
}

func RestoreCommand(app *pocketbase.PocketBase) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "restore <backup folder>",
		Short: "Put a backup in place of pb_data (stop the server first); --check only verifies a backup",
		Long: "Checks the backup completely (manifest, every file's size and SHA-256, database integrity)\n" +
			"before touching anything, keeps the current pb_data as pb_data.before-restore-<time>, then puts\n" +
			"the backup in its place. Refuses while a motcua server runs on the same pb_data.",
		Example:      "  motcua restore E:\\motcua-backups\\latest\n  motcua restore --check /media/usb/motcua-20260302-090000",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if check {
				m, err := checkBackupOnly(args[0], out)
				if err != nil {
					return base.CLIError(err)
				}
				fmt.Fprintf(out, "backup ok / bản sao lưu tốt: %s, %s, %d dossiers, made %s\n",
					m.Name, ByteSize(m.Size()), m.Counts[base.ColDossiers], m.CreatedAt)
				return nil
			}
			// This process opened pb_data when it started: close it, or Windows
			// will not let the folder be renamed.
			if err := app.ResetBootstrapState(); err != nil {
				return fmt.Errorf("close databases: %w", err)
			}
			res, err := restoreBackup(app.DataDir(), args[0], out)
			if err != nil {
				return base.CLIError(err)
			}
			fmt.Fprintf(out, "restore ok / khôi phục xong: %s (%d dossiers, made %s)\n", res.Manifest.Name, res.Manifest.Counts[base.ColDossiers], res.Manifest.CreatedAt)
			if res.Aside != "" {
				fmt.Fprintf(out, "previous data kept in / dữ liệu cũ giữ tại: %s\n", res.Aside)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "only verify the backup (checksums and integrity); change nothing")
	return cmd
}

// checkBackupOnly verifies a backup completely by staging it in a temp folder
// that is removed afterwards.
func checkBackupOnly(dir string, progress io.Writer) (*backupfmt.Manifest, error) {
	m, err := verifyBackup(dir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "motcua-check-")
	if err != nil {
		return nil, opErr("restore.failed", err)
	}
	defer os.RemoveAll(tmp)
	if err := stageBackup(dir, filepath.Join(tmp, "pb_data"), m, progress); err != nil {
		return nil, err
	}
	return m, nil
}
