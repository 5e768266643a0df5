package backup

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"motcua/hooks/backupfmt"
	"motcua/hooks/backupkey"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// RestoreOptions say how to restore a backup.
type RestoreOptions struct {
	// Code is the recovery code as typed or scanned from the recovery sheet.
	// Empty: asked on Input when the backup is encrypted.
	Code string
	// LastCode is the last dossier code printed on a receipt today, when a
	// person knows it ("000.00.07.H60-260818-0123" or "123"); empty: unknown.
	LastCode string
	// Input is where a code is read from when it is not given (a USB QR
	// scanner types the sheet's QR text and Enter); nil never asks.
	Input io.Reader
	// AskLastCode asks for LastCode on Input when it is empty (an IT person
	// at a console).
	AskLastCode bool
	// Progress receives the steps; nil is silent.
	Progress io.Writer
	// Now is the time of the restore (zero: the clock), for the code sequences.
	Now time.Time
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Manifest *backupfmt.Manifest
	// Aside is where the previous pb_data was kept ("" when there was none,
	// or it held no data and was removed: RemovedEmpty).
	Aside        string
	RemovedEmpty bool
	// NotEncrypted is set for an old plain backup (anyone could read it).
	NotEncrypted bool
	// Sequences is how the daily code sequences were moved past codes that
	// may have been printed after the backup was made.
	Sequences *SequenceReport
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
		if errors.Is(err, backupfmt.ErrFormat) {
			return nil, opErr("restore.format_unknown", err, "dir", dir)
		}
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

// keyFor turns the code given (or read from input) into the identity that
// opens the encrypted backup m, and checks it is that backup's key before
// anything is decrypted or written: a wrong sheet is refused naming both
// fingerprints.
func keyFor(m *backupfmt.Manifest, code string, input io.Reader, progress io.Writer) (*age.X25519Identity, error) {
	if !m.Encrypted() {
		return nil, nil
	}
	if strings.TrimSpace(code) == "" && input != nil {
		if progress != nil {
			fmt.Fprintln(progress, i18n.T("vi", "restore.prompt_code", "want", m.Key.Fingerprint))
			fmt.Fprintln(progress, i18n.T("en", "restore.prompt_code", "want", m.Key.Fingerprint))
		}
		line, err := readLine(input)
		if err != nil {
			return nil, opErr("restore.failed", err)
		}
		code = line
	}
	if strings.TrimSpace(code) == "" {
		err := m.CheckIdentity(nil)
		k, args := backupkey.KeyOf(err)
		return nil, opErr(k, err, args...)
	}
	c, err := backupkey.ParseCode(code)
	if err != nil {
		k, args := backupkey.KeyOf(err)
		return nil, opErr(k, err, args...)
	}
	id, err := c.Identity()
	if err != nil {
		return nil, opErr("restore.failed", err)
	}
	if err := m.CheckIdentity(id); err != nil {
		k, args := backupkey.KeyOf(err)
		return nil, opErr(k, err, args...)
	}
	return id, nil
}

// lineReader reads answers one line at a time from what a person (or a USB
// scanner, which types the QR text and Enter) types; one buffer for all the
// questions of a command, so a second answer is not lost in the first's.
type lineReader struct{ r *bufio.Reader }

func newLineReader(r io.Reader) *lineReader {
	if lr, ok := r.(*lineReader); ok {
		return lr
	}
	return &lineReader{bufio.NewReader(r)}
}

// Read lets a lineReader stand where an io.Reader is asked for.
func (l *lineReader) Read(p []byte) (int, error) { return l.r.Read(p) }

// readLine reads one line, at most 4 KB (a code is 60 characters), without
// its line end.
func readLine(r io.Reader) (string, error) {
	lr := newLineReader(r)
	var b []byte
	for len(b) < 4096 {
		c, err := lr.r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if c == '\n' {
			break
		}
		b = append(b, c)
	}
	return strings.TrimSpace(string(b)), nil
}

// stageBackup copies a verified backup into stage (a new folder, 0700),
// decrypting an encrypted one with id, checking each file's size and SHA-256
// (of the ciphertext against the manifest, of the plaintext against the
// index) and running integrity_check on the databases. Nothing outside stage
// is written; on error stage is removed.
func stageBackup(dir, stage string, m *backupfmt.Manifest, id *age.X25519Identity, progress io.Writer) (err error) {
	if err := os.Mkdir(stage, 0o700); err != nil {
		return opErr("restore.failed", fmt.Errorf("create %s: %w", stage, err))
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(stage)
		}
	}()
	p := newProgress(progress, "restore")
	if m.Encrypted() {
		err = stageEncrypted(dir, stage, m, id, p)
	} else {
		err = stagePlain(dir, stage, m, p)
	}
	if err != nil {
		return err
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

// stagePlain copies the files of a plain backup, hashing as it goes.
func stagePlain(dir, stage string, m *backupfmt.Manifest, p *progress) error {
	files := append([]backupfmt.File(nil), m.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, file := range files {
		src, _ := backupfmt.Local(dir, file.Path)
		dst, _ := backupfmt.Local(stage, file.Path)
		p.begin(file.Path, "copy", file.Size)
		got, err := stageFile(src, dst, func(out io.Writer, in io.Reader) (backupfmt.File, error) {
			h := backupfmt.NewHasher()
			_, err := io.Copy(io.MultiWriter(out, h), in)
			return h.File(file.Path), err
		}, p)
		if err != nil {
			return err
		}
		if got.SHA256 != file.SHA256 || got.Size != file.Size {
			return opErr("restore.file_damaged", fmt.Errorf("%s: sha256 %s, manifest says %s", file.Path, got.SHA256, file.SHA256), "file", file.Path)
		}
		if file.Size > 1<<20 {
			p.say("    %s %s, checksum ok", file.Path, ByteSize(file.Size))
		}
	}
	return nil
}

// stageEncrypted decrypts the files of an encrypted backup as its index lists
// them. A file that fails age's authentication, or whose bytes differ from the
// manifest or the index, is a damaged backup (the key was checked before).
func stageEncrypted(dir, stage string, m *backupfmt.Manifest, id *age.X25519Identity, p *progress) error {
	f, err := os.Open(filepath.Join(dir, backupfmt.IndexName))
	if err != nil {
		return opErr("restore.file_missing", err, "file", backupfmt.IndexName)
	}
	ix, err := backupfmt.ReadIndex(f, id, m)
	f.Close()
	if err != nil {
		return opErr("restore.file_damaged", err, "file", backupfmt.IndexName)
	}
	files := append([]backupfmt.File(nil), ix.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, file := range files {
		sealed, _ := m.Sealed(file.Path)
		src, err := backupfmt.Local(dir, sealed.Path)
		if err != nil {
			return opErr("restore.manifest_invalid", err, "dir", dir)
		}
		dst, err := backupfmt.Local(stage, file.Path)
		if err != nil {
			return opErr("restore.manifest_invalid", err, "dir", dir)
		}
		var stored backupfmt.File
		p.begin(file.Path, "restore", sealed.Size)
		got, err := stageFile(src, dst, func(out io.Writer, in io.Reader) (backupfmt.File, error) {
			plain, st, err := backupfmt.Unseal(out, in, id, file.Path)
			stored = st
			return plain, err
		}, p)
		if errors.Is(err, backupfmt.ErrDamaged) {
			return opErr("restore.file_damaged", err, "file", file.Path)
		}
		if err != nil {
			return err
		}
		if stored.SHA256 != sealed.SHA256 || stored.Size != sealed.Size || got.SHA256 != file.SHA256 || got.Size != file.Size {
			return opErr("restore.file_damaged", fmt.Errorf("%s: checksum differs from the manifest", file.Path), "file", file.Path)
		}
		if file.Size > 1<<20 {
			p.say("    %s %s, decrypted, checksum ok", file.Path, ByteSize(file.Size))
		}
	}
	return nil
}

// stageFile opens src, creates dst (0600, its folder 0700) and lets fill copy
// one into the other, then syncs dst.
func stageFile(src, dst string, fill func(out io.Writer, in io.Reader) (backupfmt.File, error), p *progress) (backupfmt.File, error) {
	in, err := os.Open(src)
	if err != nil {
		return backupfmt.File{}, opErr("restore.file_missing", err, "file", filepath.Base(src))
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return backupfmt.File{}, restoreWriteError(dst, err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return backupfmt.File{}, restoreWriteError(dst, err)
	}
	got, err := fill(out, countingReader{r: in, p: p})
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, backupfmt.ErrDamaged) {
			return backupfmt.File{}, err
		}
		return backupfmt.File{}, restoreWriteError(dst, err)
	}
	return got, nil
}

// restoreWriteError keys a failure to write the staged copy: the PC's disk
// full, or anything else.
func restoreWriteError(dst string, err error) error {
	if errorKey(targetError(dst, err)) == "backup.target_full" {
		return opErr("restore.disk_full", err, "dir", filepath.Dir(dst))
	}
	return opErr("restore.failed", err)
}

// Restore puts the backup in dir in place of the data folder dataDir (the
// server on it stopped), as "motcua restore" does; see restoreBackup.
func Restore(dataDir, dir string, o RestoreOptions) (*RestoreResult, error) {
	return restoreBackup(dataDir, dir, o)
}

// restoreBackup puts the backup in dir in place of dataDir. The server must be
// stopped: the pb_data lock is taken first and a running server makes it fail.
// The backup is checked completely before pb_data is touched (an encrypted one
// with the recovery code, whose key is checked before anything is decrypted);
// the daily code sequences of the copy are moved past codes printed after the
// backup was made; then the current pb_data is renamed to
// pb_data.before-restore-<time> (or removed, when it held no data) and the
// checked copy is renamed into place (plain renames in one folder: no symlinks
// and no rename over an existing folder, so it works the same on Windows).
func restoreBackup(dataDir, dir string, o RestoreOptions) (*RestoreResult, error) {
	say := func(format string, args ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, format+"\n", args...)
		}
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Input != nil {
		o.Input = newLineReader(o.Input)
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

	say("1/4 check / kiểm tra %s", dir)
	m, err := verifyBackup(dir)
	if err != nil {
		return nil, err
	}
	res := &RestoreResult{Manifest: m, NotEncrypted: !m.Encrypted()}
	id, err := keyFor(m, o.Code, o.Input, o.Progress)
	if err != nil {
		return nil, err
	}
	if m.Encrypted() {
		say("    recovery sheet ok / phiếu khôi phục đúng: %s", m.Key.Fingerprint)
	} else {
		say("    %s", i18n.T("vi", backupkey.KeyNotEncrypted))
		say("    %s", i18n.T("en", backupkey.KeyNotEncrypted))
	}
	lastCode := strings.TrimSpace(o.LastCode)
	if lastCode == "" && o.AskLastCode && o.Input != nil {
		say("%s", i18n.T("vi", "restore.prompt_last_code", "example", "000.00.07.H60-"+o.Now.In(base.Zone).Format("060102")+"-0123"))
		say("%s", i18n.T("en", "restore.prompt_last_code", "example", "000.00.07.H60-"+o.Now.In(base.Zone).Format("060102")+"-0123"))
		if lastCode, err = readLine(o.Input); err != nil {
			return nil, opErr("restore.failed", err)
		}
	}
	asked, err := parseLastCode(lastCode, o.Now)
	if err != nil {
		return nil, err
	}

	stamp := o.Now.In(base.Zone).Format("20060102-150405")
	parent := filepath.Dir(dataDir)
	stage := filepath.Join(parent, "."+filepath.Base(dataDir)+".restoring-"+stamp)
	say("2/4 copy and verify / chép và kiểm tra (%s, %d files)", ByteSize(m.Size()), len(m.Files))
	if err := stageBackup(dir, stage, m, id, o.Progress); err != nil {
		return nil, err
	}

	say("3/4 dossier numbers / số hồ sơ")
	created, _ := time.Parse(time.RFC3339, m.CreatedAt)
	res.Sequences, err = moveSequences(filepath.Join(stage, backupfmt.Databases[0]), created, o.Now, asked)
	if err != nil {
		_ = os.RemoveAll(stage)
		return nil, opErr("restore.failed", fmt.Errorf("move code sequences: %w", err))
	}
	for _, line := range res.Sequences.Lines("vi") {
		say("    %s", line)
	}

	say("4/4 swap / thay thế %s", dataDir)
	if err := lock.Unlock(); err != nil {
		_ = os.RemoveAll(stage)
		return nil, opErr("restore.failed", err)
	}
	if _, err := os.Stat(dataDir); err == nil {
		if holdsData(dataDir) {
			aside, err := freeDir(filepath.Join(parent, filepath.Base(dataDir)+".before-restore-"+stamp))
			if err == nil {
				err = os.Rename(dataDir, aside)
			}
			if err != nil {
				_ = os.RemoveAll(stage)
				return nil, opErr("restore.failed", fmt.Errorf("keep current data aside: %w", err))
			}
			res.Aside = aside
		} else {
			// A fresh PC: pb_data is what starting the program made (an
			// empty catalogue office, no dossier, no staff, no upload).
			// Kept aside it would look like something worth keeping.
			if err := os.RemoveAll(dataDir); err != nil {
				_ = os.RemoveAll(stage)
				return nil, opErr("restore.failed", fmt.Errorf("remove the empty %s: %w", dataDir, err))
			}
			res.RemovedEmpty = true
		}
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

// holdsData reports whether a pb_data folder holds anything an office would
// miss: a dossier, a staff account, or an uploaded file. A folder that cannot
// be read is said to hold data, so it is kept.
func holdsData(dataDir string) bool {
	hasFile := false
	_ = filepath.WalkDir(filepath.Join(dataDir, backupfmt.StorageDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			hasFile = true
			return filepath.SkipAll
		}
		return nil
	})
	if hasFile {
		return true
	}
	dbPath := filepath.Join(dataDir, backupfmt.Databases[0])
	st, err := os.Stat(dbPath)
	if isMissing(err) {
		return false
	}
	if err != nil || !st.Mode().IsRegular() {
		return true
	}
	db, err := openReadOnly(dbPath)
	if err != nil {
		return true
	}
	defer db.Close()
	for _, table := range []string{base.ColDossiers, base.ColStaff} {
		var exists int
		if err := db.NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = {:t}").
			Bind(dbx.Params{"t": table}).Row(&exists); err != nil {
			return true
		}
		if exists == 0 {
			continue
		}
		var n int
		if err := db.NewQuery(`SELECT COUNT(*) FROM (SELECT 1 FROM "` + table + `" LIMIT 1)`).Row(&n); err != nil || n > 0 {
			return true
		}
	}
	return false
}

// openReadOnly opens a database without changing anything beside it: no WAL
// or shared-memory file is created (immutable) unless a WAL is already there,
// which must then be read (a power cut left committed pages in it).
func openReadOnly(path string) (*dbx.DB, error) {
	q := "mode=ro&immutable=1"
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		q = "mode=ro"
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// file:///C:/motcua/pb_data/data.db on Windows, file:///srv/… elsewhere,
	// with spaces and the like escaped as SQLite's URI names want them.
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q}
	return dbx.Open("sqlite", u.String())
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

// isTerminal reports whether f is an interactive console (not a pipe or a
// file), where a person can answer a question.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// RestoreCommand is "motcua restore": put a backup in place of pb_data, or
// only check it.
func RestoreCommand(app *pocketbase.PocketBase) *cobra.Command {
	var check bool
	var code, lastCode string
	cmd := &cobra.Command{
		Use:   "restore <backup folder>",
		Short: "Put a backup in place of pb_data (stop the server first); --check only verifies a backup",
		Long: "Checks the backup completely (manifest, every file's size and SHA-256, database integrity) before\n" +
			"touching anything. An encrypted backup needs the office's recovery sheet: scan its QR code with the\n" +
			"USB scanner when asked (or type the 48 digits), or pass --code. A sheet of another key is refused\n" +
			"before anything changes. The daily dossier numbers are moved past any code that may have been\n" +
			"printed after the backup was made (give --last-code when you know the last code printed today).\n" +
			"Keeps the current pb_data as pb_data.before-restore-<time> when it holds data, then puts the\n" +
			"backup in its place. Refuses while a motcua server runs on the same pb_data.",
		Example: "  motcua restore E:\\motcua-backups\\latest\n" +
			"  motcua restore E:\\motcua-20260302-090000 --code 123456-234567-…\n" +
			"  motcua restore /media/usb/motcua-20260302-090000 --last-code 000.00.07.H60-260302-0041\n" +
			"  motcua restore --check /media/usb/motcua-20260302-090000",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			in := cmd.InOrStdin()
			if check {
				m, err := checkBackupOnly(args[0], code, in, out)
				if err != nil {
					return base.CLIError(err)
				}
				fmt.Fprintf(out, "backup ok / bản sao lưu tốt: %s, %s, %d dossiers, made %s\n",
					m.Name, ByteSize(m.Size()), m.Counts[base.ColDossiers], m.CreatedAt)
				if m.Encrypted() && code == "" {
					fmt.Fprintln(out, i18n.T("vi", "restore.checked_sealed"))
					fmt.Fprintln(out, i18n.T("en", "restore.checked_sealed"))
				}
				return nil
			}
			// This process opened pb_data when it started: close it, or Windows
			// will not let the folder be renamed.
			if err := app.ResetBootstrapState(); err != nil {
				return fmt.Errorf("close databases: %w", err)
			}
			f, isFile := in.(*os.File)
			res, err := restoreBackup(app.DataDir(), args[0], RestoreOptions{Code: code, LastCode: lastCode, Input: in,
				AskLastCode: isFile && isTerminal(f), Progress: out})
			if err != nil {
				return base.CLIError(err)
			}
			fmt.Fprintf(out, "restore ok / khôi phục xong: %s (%d dossiers, made %s)\n", res.Manifest.Name, res.Manifest.Counts[base.ColDossiers], res.Manifest.CreatedAt)
			for _, lang := range []string{"vi", "en"} {
				if res.NotEncrypted {
					fmt.Fprintln(out, i18n.T(lang, backupkey.KeyNotEncrypted))
				}
				if res.Aside != "" {
					fmt.Fprintln(out, i18n.T(lang, "restore.aside_kept", "dir", res.Aside))
				}
				if res.RemovedEmpty {
					fmt.Fprintln(out, i18n.T(lang, "restore.aside_removed", "dir", app.DataDir()))
				}
			}
			for _, line := range res.Sequences.Lines("en") {
				fmt.Fprintln(out, line)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "only verify the backup (checksums and integrity); change nothing")
	cmd.Flags().StringVar(&code, "code", "", "the recovery code from the recovery sheet (else you are asked: scan the sheet's QR code)")
	cmd.Flags().StringVar(&lastCode, "last-code", "", "the last dossier code printed today, if you know it (e.g. 000.00.07.H60-260302-0041 or 41)")
	return cmd
}

// checkBackupOnly verifies a backup completely by staging it in a temp folder
// that is removed afterwards. An encrypted backup without a code is checked
// as it sits on the stick: every sealed file present and matching the
// manifest's checksums (the key is not needed for that, nor proven).
func checkBackupOnly(dir, code string, input io.Reader, progress io.Writer) (*backupfmt.Manifest, error) {
	m, err := verifyBackup(dir)
	if err != nil {
		return nil, err
	}
	if m.Encrypted() && strings.TrimSpace(code) == "" {
		for _, file := range m.Files {
			p, _ := backupfmt.Local(dir, file.Path)
			got, err := hashFile(p, file.Path)
			if err != nil {
				return nil, opErr("restore.file_missing", err, "file", file.Path)
			}
			if got != file {
				return nil, opErr("restore.file_damaged", fmt.Errorf("%s: checksum differs from the manifest", file.Path), "file", file.Path)
			}
		}
		return m, nil
	}
	id, err := keyFor(m, code, input, progress)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "motcua-check-")
	if err != nil {
		return nil, opErr("restore.failed", err)
	}
	defer os.RemoveAll(tmp)
	if err := stageBackup(dir, filepath.Join(tmp, "pb_data"), m, id, progress); err != nil {
		return nil, err
	}
	return m, nil
}
