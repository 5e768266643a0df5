package workflow

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"motcua/hooks/i18n"
	"motcua/hooks/internal/base"
	"motcua/hooks/internal/domain"
)

// The tracking ledger (form 07, sổ theo dõi hồ sơ): every dossier received in a
// date range, with its due date, processor, result and return. Reception and
// leaders keep it (processors see only their own dossiers, so not the ledger).
func bindLedgerRoutes(se *core.ServeEvent) error {
	se.Router.GET("/api/motcua/ledger", handleLedger).BindFunc(base.RequireStaff(base.RoleReception, base.RoleLeader))
	se.Router.GET("/api/motcua/ledger.csv", handleLedgerCSV).BindFunc(base.RequireStaff(base.RoleReception, base.RoleLeader))
	return nil
}

// ledgerMaxDays bounds one ledger request to a year.
const ledgerMaxDays = 366

// ledgerRow is one line of the ledger.
type ledgerRow struct {
	No              int    `db:"-" json:"no"`
	ID              string `db:"id" json:"id"`
	Code            string `db:"code" json:"code"`
	ReceivedAt      string `db:"received_at" json:"received_at"`
	Applicant       string `db:"applicant_name" json:"applicant_name"`
	ProcedureVI     string `db:"procedure_vi" json:"procedure_vi"`
	ProcedureKM     string `db:"procedure_km" json:"procedure_km"`
	DueAt           string `db:"due_at" json:"due_at"`
	Assignee        string `db:"assignee_name" json:"assignee_name"`
	FinishedAt      string `db:"finished_at" json:"finished_at"`
	ReturnedAt      string `db:"returned_at" json:"returned_at"`
	Status          string `db:"status" json:"status"`
	CollectedBy     string `db:"collected_by" json:"collected_by"`
	ExtensionReason string `db:"extension_reason" json:"extension_reason"`
	Timeliness      string `db:"-" json:"timeliness"`

	// EnteredLate marks a dossier keyed in late from an emergency receipt
	// ("nhập bù"); it is listed under its real time of receipt.
	EnteredLate bool `db:"entered_late" json:"entered_late"`
}

// ledgerRange reads ?from=&to= (office dates, inclusive) as [start, end).
func ledgerRange(e *core.RequestEvent) (from, to time.Time, err error) {
	q := e.Request.URL.Query()
	from, err1 := time.ParseInLocation(time.DateOnly, q.Get("from"), base.Zone)
	last, err2 := time.ParseInLocation(time.DateOnly, q.Get("to"), base.Zone)
	if err1 != nil || err2 != nil || last.Before(from) || last.Sub(from) > ledgerMaxDays*24*time.Hour {
		return from, to, base.KeyedError(http.StatusBadRequest, "error.date_range_invalid")
	}
	return from, last.AddDate(0, 0, 1), nil
}

// findLedger lists the dossiers received in [from, to) in order of receipt.
func findLedger(app core.App, from, to time.Time) ([]ledgerRow, error) {
	rows := []ledgerRow{}
	err := app.DB().NewQuery(`SELECT d.id, d.code, d.received_at, d.applicant_name, d.due_at, d.finished_at,
		d.returned_at, d.status, d.collected_by, d.extension_reason, d.entered_late,
		COALESCE(p.name_vi, '') AS procedure_vi, COALESCE(p.name_km, '') AS procedure_km, COALESCE(s.name, '') AS assignee_name
		FROM dossiers d LEFT JOIN procedures p ON p.id = d.procedure LEFT JOIN staff s ON s.id = d.assignee
		WHERE d.received_at >= {:from} AND d.received_at < {:to}
		ORDER BY d.received_at, d.code`).
		Bind(dbx.Params{"from": base.DBTime(from), "to": base.DBTime(to)}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	for i := range rows {
		rows[i].No = i + 1
		fin, _ := types.ParseDateTime(rows[i].FinishedAt)
		due, _ := types.ParseDateTime(rows[i].DueAt)
		rows[i].Timeliness = timeliness(fin.Time(), due.Time())
	}
	return rows, nil
}

func handleLedger(e *core.RequestEvent) error {
	from, to, err := ledgerRange(e)
	if err != nil {
		return err
	}
	rows, err := findLedger(e.App, from, to)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{
		"from": from.Format(time.DateOnly), "to": to.AddDate(0, 0, -1).Format(time.DateOnly), "rows": rows,
	})
}

// handleLedgerCSV sends the ledger as CSV in UTF-8 with a byte-order mark, so
// Excel on the office PC opens the Vietnamese and Khmer text correctly. Column
// titles and values are in ?lang= (Vietnamese by default).
func handleLedgerCSV(e *core.RequestEvent) error {
	from, to, err := ledgerRange(e)
	if err != nil {
		return err
	}
	rows, err := findLedger(e.App, from, to)
	if err != nil {
		return err
	}
	lang := i18n.Normalize(e.Request.URL.Query().Get("lang"))
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	header := []string{"form.col_no", "dossier.code", "dossier.received_at", "dossier.applicant", "dossier.procedure",
		"dossier.due_at", "dossier.assignee", "ledger.col_finished", "ledger.col_returned", "ledger.col_timeliness",
		"dossier.status", "ledger.col_collected_by", "form.col_note"}
	for i, k := range header {
		header[i] = i18n.T(lang, k)
	}
	_ = w.Write(header)
	at := func(s string) string {
		v, err := types.ParseDateTime(s)
		if err != nil {
			return ""
		}
		return domain.TimeText(v.Time())
	}
	for _, r := range rows {
		proc := r.ProcedureVI
		if lang == "km" && r.ProcedureKM != "" {
			proc = r.ProcedureKM
		}
		tl := ""
		if r.Timeliness != "" {
			tl = i18n.T(lang, "timeliness."+r.Timeliness)
		}
		note := csvSafe(r.ExtensionReason)
		if r.EnteredLate {
			note = strings.TrimPrefix(note+"; "+i18n.T(lang, "ledger.entered_late"), "; ")
		}
		_ = w.Write([]string{strconv.Itoa(r.No), r.Code, at(r.ReceivedAt), csvSafe(r.Applicant), csvSafe(proc), at(r.DueAt),
			csvSafe(r.Assignee), at(r.FinishedAt), at(r.ReturnedAt), tl, i18n.T(lang, "status."+r.Status),
			csvSafe(r.CollectedBy), note})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("ledger csv: %w", err)
	}
	name := fmt.Sprintf("so-theo-doi-%s-%s.csv", from.Format("20060102"), to.AddDate(0, 0, -1).Format("20060102"))
	e.Response.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe stops a typed name from running as a spreadsheet formula.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
