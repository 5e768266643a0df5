package field

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// A team laptop dates its dossiers, and their codes, by its own clock, out in
// a hamlet with no network to correct it. So the laptop's intake refuses a
// wrong clock like the centre's (the clock guard in internal/domain), and the
// team checks before it leaves: "motcua field check --centre <url>" compares
// the laptop's clock with the centre's (the Date of the centre's answer) and,
// when they agree, records that the date is right, so a laptop left in a
// drawer for a month is not taken for a clock run ahead. "field init" also
// refuses a laptop whose clock is before the time the kit was made at the
// centre.

// maxClockDrift is how far the laptop's clock may differ from the centre's.
// The HTTP Date has whole seconds; two minutes leaves room for a slow link.
const maxClockDrift = 2 * time.Minute

// checkKitClock refuses a laptop clock before the kit was made at the centre.
func checkKitClock(kitMade, now time.Time) error {
	if !kitMade.IsZero() && now.Before(kitMade.Add(-domain.ClockBehindTolerance)) {
		return base.KeyedError(http.StatusConflict, "error.field_clock_before_kit",
			"kit", domain.TimeText(kitMade), "now", domain.TimeText(now))
	}
	return nil
}

// centreClock reads the centre's clock from the Date header of its health
// answer.
func centreClock(ctx context.Context, client *http.Client, centre string) (time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(centre, "/")+"/api/health", nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("centre address %q: %w", centre, err)
	}
	res, err := client.Do(req)
	if err != nil {
		return time.Time{}, base.KeyedError(http.StatusBadGateway, "error.field_centre_unreachable")
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	t, err := http.ParseTime(res.Header.Get("Date"))
	if err != nil {
		return time.Time{}, fmt.Errorf("the centre's answer has no date: %w", err)
	}
	return t, nil
}

// fieldClockCheck says whether the laptop's clock is right, against the
// centre's when centre is given (and then records that it is), else against
// what the laptop has recorded.
func fieldClockCheck(ctx context.Context, app core.App, client *http.Client, centre string, now func() time.Time, out io.Writer) error {
	if centre != "" {
		ct, err := centreClock(ctx, client, centre)
		if err != nil {
			return err
		}
		local := now()
		drift := local.Sub(ct)
		fmt.Fprintf(out, "Máy trung tâm / centre: %s\nMáy này / this laptop: %s\n",
			ct.In(base.Zone).Format("15:04:05 02/01/2006"), local.In(base.Zone).Format("15:04:05 02/01/2006"))
		if drift.Abs() > maxClockDrift {
			return base.KeyedError(http.StatusConflict, "error.field_clock_differs",
				"centre", domain.TimeText(ct), "minutes", int(drift.Abs().Round(time.Minute)/time.Minute))
		}
		st, err := domain.ClockStatusAt(app, local)
		if err != nil {
			return err
		}
		if st.State == domain.ClockBehind {
			// The centre's clock is right and this laptop holds records after
			// it: they were written by a clock that ran ahead.
			return st.Err()
		}
		if st.State == domain.ClockAhead {
			if err := domain.ConfirmClock(app, domain.ClockMarkConfirmed, local, "motcua field check", "agrees with the centre "+centre); err != nil {
				return err
			}
		}
	}
	st, err := domain.ClockStatusAt(app, now())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n%s\n", st.Text("vi"), st.Text("en"))
	if err := st.Err(); err != nil {
		return err
	}
	if kit, err := domain.FindLocalKit(app); err == nil && kit != nil && kit.Location() == "" {
		fmt.Fprintln(out, "Chưa nhập điểm trường hôm nay (trang Tổ lưu động) / the school site of the day is not set yet (field page)")
	}
	return nil
}

func fieldCheckCommand(app *pocketbase.PocketBase) *cobra.Command {
	var centre string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Before the team leaves: check the laptop's date and time (against the centre's with --centre)",
		Long: "Intake on the laptop refuses while its clock is wrong. At the centre, with the centre's address,\n" +
			"this compares the laptop's clock with the centre's and, when they agree, records that the date\n" +
			"is right (a laptop unused for weeks is then not taken for a clock run ahead). Exits with status 1\n" +
			"when the clock is wrong.",
		Example:      "  motcua field check --centre http://192.168.1.10:8090\n  motcua field check",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := migrated(app); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := fieldClockCheck(ctx, app, &http.Client{Timeout: 30 * time.Second}, centre, time.Now, cmd.OutOrStdout())
			return base.CLIError(err)
		},
	}
	cmd.Flags().StringVar(&centre, "centre", "", "the centre's address, e.g. http://192.168.1.10:8090")
	return cmd
}
