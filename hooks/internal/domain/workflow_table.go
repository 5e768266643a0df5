package domain

import (
	"slices"

	"motcua/hooks/internal/base"
)

// Workflow actions: the path segment of POST /api/motcua/dossiers/{id}/actions/{action}.
const (
	ActionAssign             = "assign"
	ActionStart              = "start"
	ActionRequestSupplement  = "request_supplement"
	ActionSupplementReceived = "supplement_received"
	ActionRefuse             = "refuse"
	ActionComplete           = "complete"
	ActionReturn             = "return"
	ActionWithdraw           = "withdraw"
	ActionExtend             = "extend"
	ActionStop               = "stop"
	ActionReceive            = "receive" // written by intake, never through the action route
	statusKeep               = ""        // Transition.To for actions that leave the status alone
)

// Transition is one row of the workflow table: who may do an action, from which
// statuses, what status follows, and which body fields it needs.
type Transition struct {
	Action   string   `json:"action"`
	Roles    []string `json:"roles"`
	From     []string `json:"from"`
	To       string   `json:"to"` // "" keeps the current status
	Required []string `json:"required"`
}

// ClockRunning are the statuses in which the processing clock runs: work lists
// judge these against due_at. A supplement request and unpaid fees pause it.
var ClockRunning = []string{StatusReceived, StatusProcessing}

// open are the statuses of a dossier still in the office's hands.
var open = []string{StatusReceived, StatusProcessing, StatusSupplementRequested, StatusAwaitingFees}

// workflow is THE table of allowed transitions, for a commune one-stop centre:
//
//   - assign: the counter (reception) hands a received dossier to a processor; a
//     processor hands it on (to a colleague, or up to a leader for signature); a
//     leader hands it back down. The status stays; the assignee changes. A dossier
//     assigned to a leader while processing is what "waits for approval" means.
//   - start: the assignee (processor or leader) starts work: received → processing.
//   - request_supplement: the processor finds papers missing (form 02); the clock
//     pauses until supplement_received.
//   - supplement_received: the citizen brings the papers to the counter
//     (reception) or a leader records it; the clock resumes and due_at moves by the
//     working time waited.
//   - refuse: the processor or leader refuses with a reason (form 03).
//   - complete: the result is ready (done); "done" is not "returned".
//   - return: the counter hands the result to the citizen, noting who collected it
//     and the ID they showed.
//   - withdraw: the citizen withdraws, at the counter (reception) or through a
//     leader, while the dossier is still open.
//   - extend: a leader sets a later due date with a reason (form 04, the apology).
//   - stop: a leader stops processing with a reason (form 05).
//
// A superuser (the IT person) acts as a leader: requireStaff lets superusers
// through and roleOf maps them to roleLeader. The field role (mobile teams) takes
// dossiers in and has no action here.
var Transitions = []Transition{
	{ActionAssign, []string{base.RoleReception, base.RoleProcessor, base.RoleLeader}, []string{StatusReceived, StatusProcessing}, statusKeep, []string{"assignee"}},
	{ActionStart, []string{base.RoleProcessor, base.RoleLeader}, []string{StatusReceived}, StatusProcessing, nil},
	{ActionRequestSupplement, []string{base.RoleProcessor, base.RoleLeader}, []string{StatusReceived, StatusProcessing}, StatusSupplementRequested, []string{"missing_papers"}},
	{ActionSupplementReceived, []string{base.RoleReception, base.RoleLeader}, []string{StatusSupplementRequested}, StatusProcessing, nil},
	{ActionRefuse, []string{base.RoleProcessor, base.RoleLeader}, []string{StatusReceived, StatusProcessing, StatusSupplementRequested}, StatusRefused, []string{"reason"}},
	{ActionComplete, []string{base.RoleProcessor, base.RoleLeader}, []string{StatusProcessing}, StatusDone, nil},
	{ActionReturn, []string{base.RoleReception, base.RoleLeader}, []string{StatusDone}, StatusReturned, []string{"collected_by", "collector_id_number"}},
	{ActionWithdraw, []string{base.RoleReception, base.RoleLeader}, open, StatusWithdrawn, nil},
	{ActionExtend, []string{base.RoleLeader}, []string{StatusReceived, StatusProcessing}, statusKeep, []string{"new_due_at", "reason"}},
	{ActionStop, []string{base.RoleLeader}, open, StatusStopped, []string{"reason"}},
}

// FindTransition returns the table row of an action.
func FindTransition(action string) (Transition, bool) {
	for _, tr := range Transitions {
		if tr.Action == action {
			return tr, true
		}
	}
	return Transition{}, false
}

// Allows reports whether tr lets role act from status.
func (tr Transition) Allows(role string) bool { return slices.Contains(tr.Roles, role) }

// AcceptsFrom reports whether the action may be taken from status.
func (tr Transition) AcceptsFrom(status string) bool { return slices.Contains(tr.From, status) }

// Next is the status after the action taken from status.
func (tr Transition) Next(status string) string {
	if tr.To == statusKeep {
		return status
	}
	return tr.To
}
