package rules

import "hongdun/internal/platform/civil"

// Deadline is a date by which something must happen on a case.
type Deadline struct {
	// Kind is a stable code for what is due (DeadlineKinds), beside the
	// rule id and the Chinese title.
	Kind  string     `json:"kind"`
	Rule  string     `json:"rule"`
	Title string     `json:"title"`
	Due   civil.Date `json:"-"`
	// Hard deadlines end in a refusal when missed; soft ones in a warning.
	Hard bool `json:"hard"`
}

// DeadlineKinds are the codes of Deadline.Kind with their Chinese titles.
var DeadlineKinds = []struct{ Kind, Rule, Title string }{
	{"talk", "R-talk", "与入党申请人谈话"},
	{"activist_review", "R-review", "入党积极分子半年考察"},
	{"candidate_publicity_end", "R-publicity", "确定发展对象前公示期满"},
	{"admission_publicity_end", "R-publicity", "接收预备党员前公示期满"},
	{"admission_approval", "R-approval-time", "上级党委审批接收预备党员"},
	{"admission_approval_last", "R-approval-time", "上级党委审批最后期限"},
	{"conversion_meeting", "R-conversion", "支部大会讨论转正"},
	{"conversion_approval", "R-conversion", "上级党委审批转正"},
	{"cancel_approval", "R-cancel", "上级党委审批取消预备党员资格"},
	{"extend_approval", "R-extend", "上级党委审批延长预备期"},
	{"archive", "R-archive", "转正材料归档"},
}

// Deadlines lists the open deadlines of a case, judged by its recorded
// facts alone (never by today's date).
func (e *Engine) Deadlines(f Facts) []Deadline {
	if f.Cancelled {
		return nil
	}
	done := func(n int) bool { _, ok := f.Done[n]; return ok }
	var out []Deadline
	add := func(kind string, due civil.Date, hard bool) {
		for _, k := range DeadlineKinds {
			if k.Kind == kind {
				out = append(out, Deadline{Kind: kind, Rule: k.Rule, Title: k.Title, Due: due, Hard: hard})
			}
		}
	}
	if done(24) {
		// A converted case's one remaining duty: its materials go into
		// the personnel file (R-archive).
		if !done(25) {
			p := e.Params(f.Done[24])
			add("archive", f.Done[24].AddMonths(p.Get("R-archive", "months")), false)
		}
		return out
	}
	for _, d := range Decisions {
		if met := f.Awaiting(d); !met.IsZero() {
			// The 支部大会 has voted: only the 党委's approval is awaited.
			add(d.Deadline, met.AddMonths(e.Params(met).Get(d.Rule, "approval_months")), false)
			return out
		}
	}
	if done(1) && !done(2) {
		p := e.Params(f.Done[1])
		add("talk", f.Done[1].AddMonths(p.Get("R-talk", "months")), false)
	}
	if done(3) && !done(7) {
		last := f.Done[3]
		for _, r := range f.Reviews {
			if r.After(last) {
				last = r
			}
		}
		p := e.Params(last)
		add("activist_review", last.AddMonths(p.Get("R-review", "months")), false)
	}
	if !f.CandidatePublicity.IsZero() && !done(7) {
		p := e.Params(f.CandidatePublicity)
		add("candidate_publicity_end", e.PublicityEnd(p, f.CandidatePublicity), false)
	}
	if !f.AdmissionPublicity.IsZero() && !done(15) {
		p := e.Params(f.AdmissionPublicity)
		add("admission_publicity_end", e.PublicityEnd(p, f.AdmissionPublicity), false)
	}
	if done(15) && !done(17) {
		p := e.Params(f.Done[15])
		add("admission_approval", f.Done[15].AddMonths(p.Get("R-approval-time", "warn_months")), false)
		add("admission_approval_last", f.Done[15].AddMonths(p.Get("R-approval-time", "max_months")), true)
	}
	// A 转正 vote before an extension of the 预备期 is held again after it.
	renewed := done(23) && (f.ExtendedOn.IsZero() || f.Done[23].After(f.ExtendedOn))
	if done(17) && !renewed {
		p := e.Params(f.Done[17])
		end := ProbationEnd(p, f)
		due := end
		if f.TransferredIn {
			due = end.AddMonths(p.Get("R-conversion", "transfer_postpone_months"))
		}
		add("conversion_meeting", due, false)
	}
	if renewed && !done(24) {
		p := e.Params(f.Done[23])
		add("conversion_approval", f.Done[23].AddMonths(p.Get("R-conversion", "approval_months")), false)
	}
	return out
}
