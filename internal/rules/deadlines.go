package rules

import "hongdun/internal/platform/civil"

// Deadline is a date by which something must happen on a case.
type Deadline struct {
	Rule  string     `json:"rule"`
	Title string     `json:"title"`
	Due   civil.Date `json:"-"`
	// Hard deadlines end in a refusal when missed; soft ones in a warning.
	Hard bool `json:"hard"`
}

// Deadlines lists the open deadlines of a case, judged by its recorded
// facts alone (never by today's date).
func (e *Engine) Deadlines(f Facts) []Deadline {
	if f.Cancelled {
		return nil
	}
	done := func(n int) bool { _, ok := f.Done[n]; return ok }
	var out []Deadline
	add := func(rule, title string, due civil.Date, hard bool) {
		out = append(out, Deadline{Rule: rule, Title: title, Due: due, Hard: hard})
	}
	if done(1) && !done(2) {
		p := e.Set.Resolve(e.Overrides, f.Done[1])
		add("R-talk", "与入党申请人谈话", f.Done[1].AddMonths(p.Get("R-talk", "months")), false)
	}
	if done(3) && !done(7) {
		last := f.Done[3]
		for _, r := range f.Reviews {
			if r.After(last) {
				last = r
			}
		}
		p := e.Set.Resolve(e.Overrides, last)
		add("R-review", "入党积极分子半年考察", last.AddMonths(p.Get("R-review", "months")), false)
	}
	if !f.CandidatePublicity.IsZero() && !done(7) {
		p := e.Set.Resolve(e.Overrides, f.CandidatePublicity)
		add("R-publicity", "确定发展对象前公示期满", e.PublicityEnd(p, f.CandidatePublicity), false)
	}
	if !f.AdmissionPublicity.IsZero() && !done(15) {
		p := e.Set.Resolve(e.Overrides, f.AdmissionPublicity)
		add("R-publicity", "接收预备党员前公示期满", e.PublicityEnd(p, f.AdmissionPublicity), false)
	}
	if done(15) && !done(17) {
		p := e.Set.Resolve(e.Overrides, f.Done[15])
		add("R-approval-time", "上级党委审批接收预备党员", f.Done[15].AddMonths(p.Get("R-approval-time", "warn_months")), false)
		add("R-approval-time", "上级党委审批最后期限", f.Done[15].AddMonths(p.Get("R-approval-time", "max_months")), true)
	}
	if done(17) && !done(23) {
		p := e.Set.Resolve(e.Overrides, f.Done[17])
		end := ProbationEnd(p, f)
		due := end
		if f.TransferredIn {
			due = end.AddMonths(p.Get("R-conversion", "transfer_postpone_months"))
		}
		add("R-conversion", "支部大会讨论转正", due, false)
	}
	if done(23) && !done(24) {
		p := e.Set.Resolve(e.Overrides, f.Done[23])
		add("R-conversion", "上级党委审批转正", f.Done[23].AddMonths(p.Get("R-conversion", "approval_months")), false)
	}
	return out
}
