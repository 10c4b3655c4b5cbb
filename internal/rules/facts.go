package rules

import "hongdun/internal/platform/civil"

// Person is someone named in a step: a 培养联系人 or 入党介绍人.
type Person struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"` // "full" (正式党员), "probationary" (预备党员), …
	// Disciplined: under 留党察看 with rights not yet restored.
	Disciplined bool `json:"disciplined"`
}

// Org is the organisation acting on a step.
type Org struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"` // committee, general (党总支), branch, joint, temp_branch, temp_committee
	CanApprove bool   `json:"can_approve"`
}

// Temporary reports a 临时党组织.
func (o Org) Temporary() bool { return o.Kind == "temp_branch" || o.Kind == "temp_committee" }

// Vote is the count of a 支部大会 vote on one candidate. Only 正式党员 with
// voting rights count; 预备党员 do not vote.
type Vote struct {
	Expected int `json:"expected"` // 应到会有表决权的正式党员
	Present  int `json:"present"`  // 实到会有表决权的正式党员
	For      int `json:"for"`
	Against  int `json:"against"`
	Abstain  int `json:"abstain"`
	// Written opinions handed in before the meeting by absent voting members.
	WrittenFor     int `json:"written_for"`
	WrittenAgainst int `json:"written_against"`
	WrittenAbstain int `json:"written_abstain"`
}

// Exception is a priority-development (优先发展/火线入党) record: it waives
// the named time rules for one case and takes the admission outside the
// annual quota. It must be approved by a 党委 with 审批权限.
type Exception struct {
	Reason     string     `json:"reason"`
	Waives     []string   `json:"waives"`
	ApprovedBy Org        `json:"approved_by"`
	ApprovedOn civil.Date `json:"-"`
	DocNo      string     `json:"doc_no"`
}

// Shortening is an approved shorter 培养期 for an activist found 表现突出
// in a 战时党建工作响应 (适当缩短成为发展对象时间): it lowers R-target's
// minimum for one case, never below R-shorten's floor, and rests on the
// response event and the performance records it names. Unlike an
// Exception it waives nothing else.
type Shortening struct {
	Months     int    `json:"months"`
	ApprovedBy Org    `json:"approved_by"`
	DocNo      string `json:"doc_no"`
	Event      string `json:"event"`    // the response event's title
	Records    int    `json:"records"`  // how many performance records it names
	Standout   bool   `json:"standout"` // the person was found 表现突出 in that event
}

// Waivable lists the rules a priority-development exception may waive.
var Waivable = []string{"R-activist", "R-target", "R-training", "R-plan"}

func (e *Exception) waives(rule string) bool {
	if e == nil {
		return false
	}
	for _, w := range e.Waives {
		if w == rule {
			return true
		}
	}
	return false
}

// Facts are what a case has recorded so far.
type Facts struct {
	BirthDate civil.Date
	// Done holds the date of each recorded step, by step number: the
	// latest of a step completed by further records (补训, 补充政审).
	Done map[int]civil.Date
	// First holds the date of the first record of a step completed by
	// further records, when it differs from Done.
	First map[int]civil.Date
	// Start dates of the two 公示 (zero when none was held).
	CandidatePublicity civil.Date
	AdmissionPublicity civil.Date
	VettingPassed      bool // 政治审查 concluded 合格
	TrainingDays       int
	TrainingHours      int
	Reviews            []civil.Date // half-yearly evaluations of the activist
	Extensions         []int        // months of each 预备期 extension
	ExtendedOn         civil.Date   // the date of the last extension
	Cancelled          bool         // 取消预备党员资格
	// Decided holds the date of each record of a Decision, by its action
	// kind: the 支部大会's vote, and the 党委's approval once recorded.
	Decided       map[string]civil.Date
	TransferredIn bool // a 预备党员 transferred in from elsewhere
	Exception     *Exception
	Shortened     *Shortening // an approved shorter 培养期
}

// Action kinds besides recording a step.
const (
	ActStep      = "step"
	ActPublicity = "publicity"
	ActExtend    = "extend" // the upper 党委's approval of an extension
	ActCancel    = "cancel" // the upper 党委's approval of a cancellation
	// ActCancelMeeting and ActExtendMeeting are the 支部大会's votes.
	ActCancelMeeting = "cancel_meeting"
	ActExtendMeeting = "extend_meeting"
	ActException     = "exception"
	ActReview        = "review"
	ActShorten       = "shorten"
)

// Quota is the use of an annual plan at the time of an admission.
type Quota struct {
	Year  int `json:"year"`
	Limit int `json:"limit"`
	Used  int `json:"used"` // admissions already counted against it
}

// Action is what someone wants to record.
type Action struct {
	Kind string
	Step int // for ActStep
	Date civil.Date
	// Publicity: "candidate" (before naming a 发展对象) or "admission".
	Publicity string
	People    []Person // contacts (step 5) or introducers (step 9)
	Org       Org      // the organisation acting (approvals, exception)
	Vote      *Vote    // steps 15 and 23, the decisions' meetings
	// BranchFull is the number of 正式党员 on the branch roster on the date.
	BranchFull     int
	Recommendation string // step 3: 党员推荐 or 群团推优
	VettingPassed  bool   // step 10
	TrainingDays   int    // step 11
	TrainingHours  int    // step 11
	LeavingOn      civil.Date
	Months         int // extension months
	Quota          *Quota
	Exception      *Exception  // ActException
	Shortening     *Shortening // ActShorten
}

// Finding is one rule's verdict on an action.
type Finding struct {
	Rule     string `json:"rule"`
	Citation string `json:"citation"`
	Message  string `json:"message"`
	// PossibleOn is the first date on which the action would pass, when a
	// later date alone would make it possible.
	PossibleOn civil.Date `json:"-"`
	Possible   string     `json:"possible_on,omitempty"`
	// Due is the last day a time limit allowed, when the finding is about one.
	Due string `json:"due,omitempty"`
}

// Verdict is the outcome of a check.
type Verdict struct {
	Refusals []Finding `json:"refusals"`
	Warnings []Finding `json:"warnings"`
	// Waived lists findings waived by a priority-development exception.
	Waived []Finding `json:"waived"`
}

// OK reports whether nothing was refused.
func (v Verdict) OK() bool { return len(v.Refusals) == 0 }

// first is the date of the first record of step n.
func (f Facts) first(n int) civil.Date {
	if d, ok := f.First[n]; ok {
		return d
	}
	return f.Done[n]
}

// publicityStart is the start of the 公示 of a kind (zero when none).
func (f Facts) publicityStart(kind string) civil.Date {
	if kind == "candidate" {
		return f.CandidatePublicity
	}
	return f.AdmissionPublicity
}

// Awaiting is the date of the 支部大会 that voted on d while the 党委's
// approval is awaited, else zero.
func (f Facts) Awaiting(d Decision) civil.Date {
	if !f.Decided[d.ApprovalKind].IsZero() {
		return civil.Date{}
	}
	return f.Decided[d.MeetingKind]
}
