package clock

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// Command is "motcua clock": what the clock guard says about this PC's clock
// (exit status 1 when intake would refuse), and "reset" for the IT person once
// the clock has been set right after dossiers were written while it ran ahead.
func Command(app *pocketbase.PocketBase) *cobra.Command {
	status := func(cmd *cobra.Command, _ []string) error {
		if err := app.RunAllMigrations(); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		return printStatus(cmd.OutOrStdout(), app, time.Now())
	}
	cmd := &cobra.Command{
		Use:   "clock",
		Short: "Check this PC's date and time against what is recorded / Kiểm tra ngày giờ của máy tính",
		Long: "Intake and the queue refuse to work while the PC's clock is before the newest record (a flat\n" +
			"clock battery resets it to 2000) or more than " + fmt.Sprint(domain.ClockAheadWorkingDays) + " working days after it (a wrong month or year).\n" +
			"This says which, and exits with status 1 while the clock is wrong.",
		Example:      "  motcua clock\n  motcua clock reset --yes",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE:         status,
	}
	var yes bool
	reset := &cobra.Command{
		Use:   "reset",
		Short: "After setting the clock right: accept that records up to the newest were written while it ran ahead",
		Long: "When the clock ran ahead (say two days) while dossiers were taken in, and was then set right,\n" +
			"every intake is refused until real time passes the newest of those records. Once you have\n" +
			"checked the PC's date and time, reset records that the clock is right now; those records keep\n" +
			"their times. Run it with the server stopped (motcua service stop), then start it again.",
		Example:      "  motcua clock reset --yes",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
			return resetClock(cmd.OutOrStdout(), app, time.Now(), yes)
		},
	}
	reset.Flags().BoolVar(&yes, "yes", false, "I have checked the PC's date and time")
	cmd.AddCommand(reset)
	return cmd
}

// errClockWrong makes "motcua clock" exit 1 while the clock is wrong.
var errClockWrong = errors.New("ngày giờ của máy tính không đúng / the PC's date and time are wrong")

func printStatus(out io.Writer, app core.App, now time.Time) error {
	st, err := domain.ClockStatusAt(app, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Đồng hồ máy tính / PC clock: %s\n", now.In(base.Zone).Format("15:04 02/01/2006"))
	if t := st.NewestTime(); !t.IsZero() {
		fmt.Fprintf(out, "  ghi nhận mới nhất / newest record: %s\n", t.In(base.Zone).Format("15:04 02/01/2006"))
	}
	fmt.Fprintf(out, "  %s\n  %s\n", st.Text("vi"), st.Text("en"))
	if st.State != domain.ClockOK {
		return errClockWrong
	}
	return nil
}

func resetClock(out io.Writer, app core.App, now time.Time, yes bool) error {
	lock, err := base.LockDataDir(app.DataDir())
	if errors.Is(err, base.ErrDataLocked) {
		return fmt.Errorf("máy chủ đang chạy: dừng trước (motcua service stop) / a server is running on %s: stop it first (motcua service stop)", app.DataDir())
	}
	if err != nil {
		return err
	}
	defer lock.Unlock()
	st, err := domain.ClockStatusAt(app, now)
	if err != nil {
		return err
	}
	if st.State != domain.ClockBehind {
		fmt.Fprintln(out, "Không cần đặt lại / nothing to reset:")
		return printStatus(out, app, now)
	}
	if !yes {
		return fmt.Errorf("kiểm tra ngày giờ của máy tính rồi chạy lại với --yes / check the PC's date and time (it says %s), then run again with --yes",
			now.In(base.Zone).Format("15:04 02/01/2006"))
	}
	if err := domain.ConfirmClock(app, domain.ClockMarkReset, now, "motcua clock reset", "records up to the newest were written while the clock ran ahead"); err != nil {
		return err
	}
	fmt.Fprintln(out, "Đã ghi nhận / recorded: the clock is right now.")
	return printStatus(out, app, now)
}
