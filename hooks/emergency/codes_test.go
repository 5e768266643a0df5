package emergency

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
	"motcua/hooks/internal/testkit"
)

// officialCode is the national format <agency>-<yymmdd>-<NNNN>.
var officialCode = regexp.MustCompile(`^000\.00\.00\.H00-[0-9]{6}-[0-9]{4}$`)

// TestPadCodesNeverCollide is the property the code space rests on: whatever
// order the centre's intake, two field kits (their own ranges) and pads of any
// size are drawn in, over several days, no code is ever handed out twice, every
// code has the official format, pad codes lie in the centre's range of the day
// their pad was printed, and a pad's codes are consecutive.
func TestPadCodesNeverCollide(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "codes.leader").Record
	office, _ := domain.FindOffice(app)
	agency := office.AgencyCode()
	r := rand.New(rand.NewPCG(19, 2026))
	days := []time.Time{time.Now(), time.Now().Add(24 * time.Hour), time.Now().Add(48 * time.Hour)}
	kits := []domain.CodeRange{{From: 5000, To: 5999}, {From: 6000, To: 6999}}
	seen := map[string]string{}
	take := func(code, who string) {
		if !officialCode.MatchString(code) {
			t.Fatalf("%s drew %q, not the official format", who, code)
		}
		if prev, dup := seen[code]; dup {
			t.Fatalf("%s drew %s, already drawn by %s", who, code, prev)
		}
		seen[code] = who
	}
	pads := 0
	for op := 0; op < 400; op++ {
		day := days[r.IntN(len(days))]
		switch k := r.IntN(10); {
		case k < 6: // the centre's counter
			err := app.RunInTransaction(func(tx core.App) error {
				code, err := domain.AllocateCodeTx(tx, agency, day, domain.CentreRange.From, domain.CentreRange.To)
				if err == nil {
					take(code, "centre")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		case k < 8: // a mobile team
			kit := kits[r.IntN(len(kits))]
			err := app.RunInTransaction(func(tx core.App) error {
				code, err := domain.AllocateCodeTx(tx, agency, day, kit.From, kit.To)
				if err == nil {
					take(code, fmt.Sprintf("kit %d", kit.From))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		default: // a pad, printed that day
			n := 1 + r.IntN(30)
			pad, err := createPad(context.Background(), app, n, "", leader, day)
			if err != nil {
				t.Fatal(err)
			}
			pads++
			sheets, err := app.FindRecordsByFilter(base.ColEmergencySheets, "pad = {:p}", "number", 0, 0, map[string]any{"p": pad.Id})
			if err != nil || len(sheets) != n {
				t.Fatalf("pad of %d has %d sheets (%v)", n, len(sheets), err)
			}
			prev := 0
			for _, s := range sheets {
				code := s.GetString("code")
				take(code, "pad "+pad.Id)
				parts := strings.Split(code, "-")
				num, _ := strconv.Atoi(parts[len(parts)-1])
				if parts[len(parts)-2] != domain.CodeDay(day) || num < domain.CentreRange.From || num > domain.CentreRange.To || (prev != 0 && num != prev+1) {
					t.Fatalf("pad sheet %s: not the next centre number of the day printed (%s)", code, domain.CodeDay(day))
				}
				prev = num
			}
		}
	}
	if pads == 0 || len(seen) < 400 {
		t.Fatalf("only %d codes, %d pads: the test drew too little", len(seen), pads)
	}
}

// TestPadRangeFull: a pad that today's centre range cannot hold is refused
// with a keyed 409 and takes nothing (the next intake gets the next number).
func TestPadRangeFull(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	leader := testkit.MakeStaff(t, app, base.RoleLeader, "full.leader").Record
	now := time.Now()
	day := domain.CodeDay(now)
	if _, err := app.DB().NewQuery(`INSERT INTO dossier_sequences (id, day, range_from, last) VALUES ('seqfull00000001', {:d}, 1, 4990)`).
		Bind(map[string]any{"d": day}).Execute(); err != nil {
		t.Fatal(err)
	}
	_, err := createPad(context.Background(), app, 20, "", leader, now)
	var ae *router.ApiError
	if !errors.As(err, &ae) || ae.Status != http.StatusConflict || ae.Data["key"] != "error.emergency_range_full" {
		t.Fatalf("pad of 20 with 9 numbers left: %v", err)
	}
	if n, _ := app.CountRecords(base.ColEmergencySheets); n != 0 {
		t.Errorf("%d sheets saved", n)
	}
	var last int
	_ = app.DB().NewQuery("SELECT last FROM dossier_sequences WHERE day = {:d} AND range_from = 1").Bind(map[string]any{"d": day}).Row(&last)
	if last != 4990 {
		t.Errorf("the sequence moved to %d", last)
	}
	if _, err := createPad(context.Background(), app, 9, "", leader, now); err != nil {
		t.Errorf("a pad of the 9 left: %v", err)
	}
}
