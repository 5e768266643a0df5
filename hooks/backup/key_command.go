package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"motcua/hooks/backupkey"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// keyCommand is "motcua backup key new|show|confirm": the backup key and its
// recovery sheet for the IT person at the console (leaders use the staff page
// /backup-key.html, which does the same).
func keyCommand(app *pocketbase.PocketBase) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "The office's backup key: make a recovery sheet (new), see the key (show), confirm the printed sheet (confirm)",
		Long: "Backups are encrypted to the office's backup key. Its secret is printed once, on the recovery sheet,\n" +
			"and kept nowhere else. 'new' makes a key and its sheet; 'confirm' checks the printed sheet (scan its QR\n" +
			"code) and only then makes it the key backups are encrypted to, and makes a fresh backup. Run 'new'\n" +
			"again when the sheet is lost while this PC still works (re-key): the old sheet keeps opening the\n" +
			"backups made before.",
		SilenceUsage: true,
	}
	var sheetPath string
	newCmd := &cobra.Command{
		Use:   "new",
		Short: "Make a new backup key and its recovery sheet (printed once; confirm it afterwards)",
		Example: "  motcua backup key new --sheet phieu-khoi-phuc.html   (open it in the browser, print it, delete the file)\n" +
			"  motcua backup key new",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKeyNew(app, sheetPath, cmd.OutOrStdout())
		},
	}
	newCmd.Flags().StringVar(&sheetPath, "sheet", "", "write the printable recovery sheet (A4, HTML) to this file")
	var code string
	confirmCmd := &cobra.Command{
		Use:          "confirm",
		Short:        "Check the printed recovery sheet (scan its QR code) and start encrypting backups to its key",
		Example:      "  motcua backup key confirm          (then scan the sheet's QR code)\n  motcua backup key confirm --code 123456-…",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKeyConfirm(app, code, cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	confirmCmd.Flags().StringVar(&code, "code", "", "the recovery code (else you are asked: scan the sheet's QR code)")
	showCmd := &cobra.Command{
		Use:          "show",
		Short:        "Show the office's backup key: its fingerprint, when it was confirmed, a sheet waiting for confirmation",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runKeyShow(app, cmd.OutOrStdout())
		},
	}
	cmd.AddCommand(newCmd, confirmCmd, showCmd)
	return cmd
}

func runKeyNew(app *pocketbase.PocketBase, sheetPath string, out io.Writer) error {
	now := time.Now()
	code, k, err := newPendingKey(app, now)
	if err != nil {
		return err
	}
	sheet, err := renderSheet(app, code, k, now)
	if err != nil {
		return err
	}
	if sheetPath != "" {
		doc, err := sheetDocument(app, sheet)
		if err != nil {
			return err
		}
		if err := os.WriteFile(sheetPath, doc, 0o600); err != nil {
			return fmt.Errorf("write the recovery sheet: %w", err)
		}
	}
	fmt.Fprintln(out, i18n.T("vi", "backup.sheet_title")+" / "+i18n.T("en", "backup.sheet_title"))
	fmt.Fprintf(out, "  %s / %s: %s\n", i18n.T("vi", "backup.sheet_fingerprint"), i18n.T("en", "backup.sheet_fingerprint"), sheet.Fingerprint)
	fmt.Fprintf(out, "  %s:\n", i18n.T("en", "backup.sheet_code"))
	for i := 0; i < len(sheet.Groups); i += 4 {
		fmt.Fprintf(out, "    %d) %s   %d) %s   %d) %s   %d) %s\n", i+1, sheet.Groups[i], i+2, sheet.Groups[i+1], i+3, sheet.Groups[i+2], i+4, sheet.Groups[i+3])
	}
	if sheetPath != "" {
		fmt.Fprintln(out, i18n.T("vi", "backup.key_cli_sheet", "file", sheetPath))
		fmt.Fprintln(out, i18n.T("en", "backup.key_cli_sheet", "file", sheetPath))
	}
	fmt.Fprintln(out, i18n.T("vi", "backup.key_cli_next"))
	fmt.Fprintln(out, i18n.T("en", "backup.key_cli_next"))
	if k.Fingerprint != "" {
		fmt.Fprintln(out, i18n.T("vi", "backup.sheet_replaces", "old", k.Fingerprint))
		fmt.Fprintln(out, i18n.T("en", "backup.sheet_replaces", "old", k.Fingerprint))
	}
	return nil
}

func runKeyConfirm(app *pocketbase.PocketBase, code string, in io.Reader, out io.Writer) error {
	if strings.TrimSpace(code) == "" {
		fmt.Fprintln(out, i18n.T("vi", "backup.key_confirm_hint"))
		fmt.Fprintln(out, i18n.T("en", "backup.key_confirm_hint"))
		line, err := readLine(in)
		if err != nil {
			return err
		}
		code = line
	}
	k, err := confirmKey(app, code, "console", time.Now())
	if errors.Is(err, errKeyInUse) {
		fmt.Fprintln(out, i18n.T("vi", "backup.key_in_use"))
		fmt.Fprintln(out, i18n.T("en", "backup.key_in_use"))
		return nil
	}
	if err != nil {
		if key, args := backupkey.KeyOf(err); key != "" {
			return base.CLIError(opErr(key, err, args...))
		}
		return base.CLIError(err)
	}
	fmt.Fprintln(out, i18n.T("vi", "backup.key_confirmed", "fingerprint", k.Fingerprint))
	fmt.Fprintln(out, i18n.T("en", "backup.key_confirmed", "fingerprint", k.Fingerprint))
	res, err := runAutomaticBackup(app, "key", out)
	if err != nil {
		return base.CLIError(err)
	}
	fmt.Fprintf(out, "backup ok / sao lưu xong: %s (%s, %s)\n", res.Dir, ByteSize(res.Manifest.Size()), res.Manifest.Key.Fingerprint)
	return nil
}

func runKeyShow(app *pocketbase.PocketBase, out io.Writer) error {
	k, err := loadKeyState(app)
	if err != nil {
		return err
	}
	st := k.status()
	for _, lang := range []string{"vi", "en"} {
		switch {
		case st.Active:
			fmt.Fprintln(out, i18n.T(lang, "backup.key_state_active", "fingerprint", st.Fingerprint,
				"date", k.ConfirmedAt.In(base.Zone).Format("02/01/2006 15:04"), "by", st.ConfirmedBy))
		default:
			fmt.Fprintln(out, i18n.T(lang, "backup.warn_plain"))
		}
		if st.Pending {
			fmt.Fprintln(out, i18n.T(lang, "backup.key_state_pending", "fingerprint", st.PendingFingerprint,
				"date", k.PendingAt.In(base.Zone).Format("02/01/2006 15:04")))
		}
		for _, h := range st.Earlier {
			fmt.Fprintln(out, i18n.T(lang, "backup.key_state_earlier", "fingerprint", h.Fingerprint, "until", h.Until))
		}
	}
	return nil
}
