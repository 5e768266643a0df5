package field

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"motcua/hooks/fieldbundle"
	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
)

// FieldCommand is "motcua field …": the mobile-team tasks at the centre (new,
// import, retire) and on a team laptop (init, push, export, confirm).
func FieldCommand(app *pocketbase.PocketBase) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "field",
		Short: "Mobile teams: make a kit, set a laptop up, bring dossiers back to the centre",
	}
	cmd.AddCommand(fieldNewCommand(app), fieldInitCommand(app), fieldPushCommand(app), fieldExportCommand(app),
		fieldImportCommand(app), fieldConfirmCommand(app), fieldRetireCommand(app), fieldCheckCommand(app))
	return cmd
}

func migrated(app *pocketbase.PocketBase) error {
	if err := app.RunAllMigrations(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func fieldNewCommand(app *pocketbase.PocketBase) *cobra.Command {
	var name, out, members string
	cmd := &cobra.Command{
		Use:          "new",
		Short:        "At the centre: issue a kit to a team (code range, secret, accounts) and write its file",
		Example:      `  motcua field new --name "Tổ 1 Mỹ Hương" --out /media/usb/to1.mckit --members son.my,lam.soc`,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return errors.New("say where to write the kit file: --out <file>")
			}
			if err := migrated(app); err != nil {
				return err
			}
			var list []string
			if members != "" {
				list = strings.Split(members, ",")
			}
			kit, err := createKit(app, name, list, nil)
			if err != nil {
				return base.CLIError(err)
			}
			data, code, err := buildKitFile(app, kit)
			if err != nil {
				return err
			}
			if err := writeFileSynced(out, data); err != nil {
				return err
			}
			v := viewKit(kit)
			fmt.Fprintf(cmd.OutOrStdout(), "kit %s for %q: codes %04d–%04d each day, %d member(s)\nwritten to %s (sealed)\n\n"+
				"    one-time code: %s\n\ntype it on the team's laptop at \"motcua field init\"; it is shown only now and stored nowhere\n",
				kit.Id, v.Name, v.RangeFrom, v.RangeTo, len(v.Members), out, code)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the team's name")
	cmd.Flags().StringVar(&out, "out", "", "the kit file to write")
	cmd.Flags().StringVar(&members, "members", "", "usernames of the members, comma separated (default: every active field account)")
	return cmd
}

func fieldInitCommand(app *pocketbase.PocketBase) *cobra.Command {
	var code string
	cmd := &cobra.Command{
		Use:          "init <kit file>",
		Short:        "On a team laptop: set an empty data folder up from a kit (then run motcua as usual)",
		Example:      "  motcua field init /media/usb/to1.mckit --dir pb_data\n  motcua field init /media/usb/to1.mckit --code \"1234 5678 9012\"",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readKitFile(args[0])
			if err != nil {
				return base.CLIError(err)
			}
			h, err := fieldbundle.PeekHeader(data)
			if err != nil {
				return base.CLIError(fieldKeyedError(err))
			}
			if h.Encrypted() && code == "" {
				if code, err = promptKitCode(cmd.InOrStdin(), cmd.OutOrStdout()); err != nil {
					return err
				}
			}
			kit, version, err := fieldbundle.OpenKit(data, code)
			if err != nil {
				return base.CLIError(fieldKeyedError(err))
			}
			if err := checkKitClock(kit.CreatedAt, time.Now()); err != nil {
				return base.CLIError(err)
			}
			if err := migrated(app); err != nil {
				return err
			}
			if err := initFieldData(app, kit); err != nil {
				return base.CLIError(err)
			}
			w := cmd.OutOrStdout()
			if version == fieldbundle.Version {
				fmt.Fprintf(w, "notice: %s\n", i18n.T("en", fieldbundle.KeyUnsealed))
			}
			fmt.Fprintf(w, "field data for %q in %s: %d procedures, %d holidays, %d account(s), codes %04d–%04d\n",
				kit.Name, app.DataDir(), len(kit.Procedures), len(kit.Holidays), len(kit.Staff), kit.RangeFrom, kit.RangeTo)
			if kit.CentreRecipient != "" {
				fmt.Fprintln(w, "bundles from this laptop are encrypted to the centre")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&code, "code", "", "the kit's one-time code, shown at the centre when the kit file was made (asked for if not given)")
	return cmd
}

// readKitFile reads a kit file from a stick, refusing one bigger than any kit.
func readKitFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read kit: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, fieldbundle.MaxKitFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read kit: %w", err)
	}
	if len(data) > fieldbundle.MaxKitFileBytes {
		return nil, fieldKeyedError(&fieldbundle.Error{Key: fieldbundle.KeyTooLarge, Detail: "kit file"})
	}
	return data, nil
}

// promptKitCode asks for the kit's one-time code on the terminal.
func promptKitCode(in io.Reader, out io.Writer) (string, error) {
	fmt.Fprint(out, "One-time code of this kit (12 digits, shown at the centre when the kit file was made): ")
	line, err := bufio.NewReader(io.LimitReader(in, 200)).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no code given: type it, or pass --code")
	}
	return strings.TrimSpace(line), nil
}

// printResults prints one line per dossier and the totals.
func printResults(w io.Writer, rep *syncReport) {
	for _, r := range rep.Results {
		line := fmt.Sprintf("  %-32s %s", r.Code, r.Outcome)
		if r.Key != "" {
			line += "  (" + r.Key
			if r.Field != "" {
				line += ": " + r.Field
			}
			line += ")"
		}
		if r.Notice != "" {
			line += "  [" + r.Notice + "]"
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "new %d, already there %d, conflict %d, failed %d\n", rep.Counts["new"], rep.Counts["exists"], rep.Counts["conflict"], rep.Counts["failed"])
	for _, n := range rep.Notices {
		fmt.Fprintf(w, "notice: %s\n", i18n.T("en", n))
	}
}

func progressPrinter(w io.Writer, verb string) progressFunc {
	return func(done, total int) { fmt.Fprintf(w, "%s %d/%d\n", verb, done, total) }
}

func fieldPushCommand(app *pocketbase.PocketBase) *cobra.Command {
	var to, only string
	cmd := &cobra.Command{
		Use:          "push",
		Short:        "On a team laptop: send every unconfirmed dossier to the centre over the network",
		Example:      "  motcua field push --to http://192.168.1.10:8090\n  motcua field push --to http://192.168.1.10:8090 --only <dossier id>",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return errors.New("say where the centre is: --to http://<centre>:8090")
			}
			if err := migrated(app); err != nil {
				return err
			}
			var ids []string
			if only != "" {
				ids = strings.Split(only, ",")
			}
			w := cmd.OutOrStdout()
			rep, err := pushToCentre(context.Background(), app, &http.Client{Timeout: 2 * time.Minute}, to, ids, progressPrinter(w, "sent"))
			if rep != nil {
				printResults(w, rep)
			}
			if err != nil {
				return base.CLIError(err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the centre's address, e.g. http://192.168.1.10:8090")
	cmd.Flags().StringVar(&only, "only", "", "send only these dossier ids (comma separated), e.g. to retry a failed one")
	return cmd
}

func fieldExportCommand(app *pocketbase.PocketBase) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:          "export",
		Short:        "On a team laptop: write every unconfirmed dossier into a bundle file (for a USB stick)",
		Example:      "  motcua field export --to /media/usb",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return errors.New("say which folder to write to: --to <folder>")
			}
			if err := migrated(app); err != nil {
				return err
			}
			rep, err := exportBundleFile(app, to, progressPrinter(cmd.OutOrStdout(), "packed"))
			if err != nil {
				return base.CLIError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "bundle written: %s\nimport it at the centre, then run \"motcua field confirm <ack file>\" here\n", rep.File)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the folder to write the bundle into (e.g. the USB stick)")
	return cmd
}

func fieldImportCommand(app *pocketbase.PocketBase) *cobra.Command {
	var ackOut string
	cmd := &cobra.Command{
		Use:          "import <bundle file>",
		Short:        "At the centre: take a team's bundle in (verified whole before anything is written)",
		Example:      "  motcua field import /media/usb/motcua-to-1-20260302-163000.mcbundle --ack /media/usb/ack.mcack",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("read bundle: %w", err)
			}
			defer f.Close()
			if err := migrated(app); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			rep, ack, err := importBundle(context.Background(), app, f, func(done, _ int) {
				if done%100 == 0 {
					fmt.Fprintf(w, "imported %d\n", done)
				}
			})
			if rep != nil {
				printResults(w, rep)
			}
			if err != nil {
				return base.CLIError(err)
			}
			if ackOut != "" {
				if err := writeFileSynced(ackOut, ack); err != nil {
					return err
				}
				fmt.Fprintf(w, "acknowledgement written: %s (take it back: motcua field confirm %s)\n", ackOut, ackOut)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&ackOut, "ack", "", "write the signed acknowledgement for the laptop to this file")
	return cmd
}

func fieldConfirmCommand(app *pocketbase.PocketBase) *cobra.Command {
	return &cobra.Command{
		Use:          "confirm <ack file>",
		Short:        "On a team laptop: mark dossiers confirmed from the centre's acknowledgement",
		Example:      "  motcua field confirm /media/usb/ack.mcack",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read acknowledgement: %w", err)
			}
			if err := migrated(app); err != nil {
				return err
			}
			ack, err := confirmFromAck(app, data)
			if err != nil {
				return base.CLIError(err)
			}
			rep := &syncReport{}
			rep.add(ack.Results...)
			printResults(cmd.OutOrStdout(), rep)
			return nil
		},
	}
}

func fieldRetireCommand(app *pocketbase.PocketBase) *cobra.Command {
	return &cobra.Command{
		Use:          "retire <kit id>",
		Short:        "At the centre: take a kit out of service once its team is back and synced (frees its code range from tomorrow)",
		Example:      "  motcua field retire abc123def456ghi",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := migrated(app); err != nil {
				return err
			}
			kit, err := retireKit(app, args[0])
			if err != nil {
				return base.CLIError(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kit %s (%s) retired\n", kit.Id, kit.Team())
			return nil
		},
	}
}
