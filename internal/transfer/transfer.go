// Package transfer handles 组织关系转接: inside the system between two
// organisations, out of the system and in from outside, through the states
// 已申请 → 已审核 → 已转出 → 已接收 (with 退回 and 撤回); the overdue and
// 失联 reminders in 待办; the 介绍信; and statistics.
package transfer

import (
	"hongdun/internal/platform/civil"
)

// Kinds of transfer.
const (
	Inside = "inside" // between two organisations of the system
	Out    = "out"    // to a party organisation outside the system
	In     = "in"     // from outside the system
)

var kindLabels = map[string]string{Inside: "系统内转接", Out: "转出本系统", In: "从系统外转入"}

// States of a transfer.
const (
	Applied   = "applied"
	Reviewed  = "reviewed"
	Sent      = "sent"
	Received  = "received"
	Returned  = "returned"
	Withdrawn = "withdrawn"
)

var stateLabels = map[string]string{Applied: "已申请", Reviewed: "已审核", Sent: "已转出", Received: "已接收",
	Returned: "已退回", Withdrawn: "已撤回"}

// KindLabel and StateLabel name a kind and a state ("" when unknown).
func KindLabel(k string) string  { return kindLabels[k] }
func StateLabel(s string) string { return stateLabels[s] }

// Open reports whether a transfer is still under way.
func Open(state string) bool { return state == Applied || state == Reviewed || state == Sent }

// side is who may take an action: the sending or the receiving organisation.
type side int

const (
	sender side = iota
	receiver
)

// step is one allowed action.
type step struct {
	from  []string
	to    string
	side  side
	label string
}

// steps are the state machine, per kind. Inside the system the member moves
// only when the receiving side confirms; until then the sending branch stays
// responsible (《党员教育管理工作条例》第二十五条). From outside, the
// receiving side does everything, as the sender is not in the system.
var steps = map[string]map[string]step{
	Inside: {
		"review":   {[]string{Applied}, Reviewed, sender, "审核通过"},
		"send":     {[]string{Reviewed}, Sent, sender, "开具介绍信并转出"},
		"receive":  {[]string{Sent}, Received, receiver, "确认接收"},
		"return":   {[]string{Sent}, Returned, receiver, "退回"},
		"withdraw": {[]string{Applied, Reviewed, Sent}, Withdrawn, sender, "撤回"},
	},
	Out: {
		"review":   {[]string{Applied}, Reviewed, sender, "审核通过"},
		"send":     {[]string{Reviewed}, Sent, sender, "开具介绍信并转出"},
		"receive":  {[]string{Sent}, Received, sender, "登记回执"},
		"withdraw": {[]string{Applied, Reviewed}, Withdrawn, sender, "撤回"},
	},
	In: {
		"review":   {[]string{Applied}, Reviewed, receiver, "审核介绍信"},
		"receive":  {[]string{Reviewed}, Received, receiver, "确认接收"},
		"return":   {[]string{Applied, Reviewed}, Returned, receiver, "退回"},
		"withdraw": {[]string{Applied}, Withdrawn, receiver, "撤回登记"},
	},
}

// Transfer is one 组织关系转接.
type Transfer struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	State       string `json:"state"`
	StateLabel  string `json:"state_label"`
	PersonID    int64  `json:"person_id,omitempty"`
	PersonName  string `json:"person_name"`
	Gender      string `json:"gender"`
	BirthDate   string `json:"birth_date"`
	IDMasked    string `json:"id_masked"`
	Status      string `json:"status"` // party status: probationary or full
	JoinDate    string `json:"join_date"`
	FullDate    string `json:"full_date"` // for a 预备党员: the day the 预备期 ends
	Education   string `json:"education"` // from outside: carried into the person record on receipt
	Category    string `json:"category"`
	DuesPaidTo  string `json:"dues_paid_to"`
	FromOrgID   int64  `json:"from_org_id,omitempty"`
	FromOrg     string `json:"from_org"`
	ToOrgID     int64  `json:"to_org_id,omitempty"`
	ToOrg       string `json:"to_org"`
	OutsideOrg  string `json:"outside_org"`
	LetterNo    string `json:"letter_no"`
	Reason      string `json:"reason"`
	AppliedOn   string `json:"applied_on"`
	DueOn       string `json:"due_on"`
	ReviewedOn  string `json:"reviewed_on"`
	SentOn      string `json:"sent_on"`
	ClosedOn    string `json:"closed_on"`
	Note        string `json:"note"`
	Overdue     bool   `json:"overdue"`
	Version     int    `json:"version"`
	ValidDays   int    `json:"valid_days,omitempty"` // the 有效期 printed on the letter
	fromPath    string
	letterOrgID int64
	toPath      string
	idNumber    string
	CanActAs    []string `json:"actions"` // actions the caller may take
}

func (t *Transfer) fill(today civil.Date) {
	t.KindLabel, t.StateLabel = KindLabel(t.Kind), StateLabel(t.State)
	if d, err := civil.Parse(t.DueOn); err == nil && Open(t.State) && d.Before(today) {
		t.Overdue = true
	}
}

// ActionLabel is the button text of an action for a transfer's kind.
func ActionLabel(kind, action string) string { return steps[kind][action].label }
