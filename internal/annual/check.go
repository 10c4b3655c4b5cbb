package annual

import (
	"fmt"
	"sort"

	"hongdun/internal/member"
)

// Issue is one inconsistency the check found in the history the report is
// computed from.
type Issue struct {
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	PersonID  int64  `json:"person_id,omitempty"`
	Name      string `json:"name"`
	Date      string `json:"date"`
	Message   string `json:"message"`
}

// issueKinds name each kind of issue, in the order the check lists them.
var issueKinds = []struct{ Key, Label string }{
	{"duplicate", "疑似重复登记"},
	{"twice", "重复计入"},
	{"full_without_join", "有转正无入党"},
	{"undated_move", "转接没有日期"},
	{"bad_date", "日期无效"},
	{"out_of_order", "事项顺序颠倒"},
	{"after_leaving", "离开后仍有事项"},
	{"status_mismatch", "身份与党内事项不符"},
	{"unreconciled", "本年增减与年初年末不符"},
}

// rank orders the development steps.
var rank = [cDeceased + 1]int{cApply: 1, cActivist: 2, cCandidate: 3, cJoin: 4, cFull: 5}

func rankOf(c code) int {
	if c <= cDeceased {
		return rank[c]
	}
	return 0
}

// eventLabel is the event's name, read when an issue needs it.
type eventLabel string

func (k eventLabel) String() string { return member.EventLabel(string(k)) }

// checkPerson checks one person's whole history, up to today.
func (d *data) checkPerson(p *person, today day) []Issue {
	var out []Issue
	add := func(kind string, on day, msg string) {
		out = append(out, Issue{Kind: kind, PersonID: p.id, Name: string(d.nameOf(p)), Date: on.String(), Message: msg})
	}
	evs := d.eventsOf(p)
	s := p.initial(evs)
	top := 0
	joined := p.join != 0
	for _, e := range evs {
		label := eventLabel(d.word(e.kind))
		if !e.on.valid() {
			add("bad_date", e.on, fmt.Sprintf("“%s”的日期“%s”不是真实的日期", label, e.on))
			continue
		}
		if e.on > today {
			add("bad_date", e.on, fmt.Sprintf("“%s”的日期晚于今天", label))
		}
		switch {
		case s.status == cDeceased, s.status == cTransferred && e.kind != cTransferIn:
			add("after_leaving", e.on, fmt.Sprintf("%s之后又登记了“%s”", member.StatusLabel(d.word(s.status)), label))
		case (e.kind == cJoin || e.kind == cRestore) && s.member():
			add("twice", e.on, fmt.Sprintf("已是%s，又登记了“%s”，会被重复计入", member.StatusLabel(d.word(s.status)), label))
		case e.kind == cFull && !joined:
			add("full_without_join", e.on, "登记了转为正式党员，但没有接收为预备党员（入党）的记录")
		case rankOf(e.kind) > 0 && rankOf(e.kind) < top:
			add("out_of_order", e.on, fmt.Sprintf("“%s”登记在更后面的发展步骤之后", label))
		}
		if e.kind == cJoin {
			joined = true
		}
		if rankOf(e.kind) > top {
			top = rankOf(e.kind)
		}
		if e.kind == cCancel { // a new application may follow
			top, joined = 0, false
		}
		p.step(&s, e)
	}
	if s.status != p.status && (s.status != cNone || p.status == cProbationary || p.status == cFull) {
		now := member.StatusLabel(d.word(s.status))
		if now == "" {
			now = "无"
		}
		add("status_mismatch", today, fmt.Sprintf("档案中的身份为“%s”，按党内事项推算为“%s”", member.StatusLabel(d.word(p.status)), now))
	}
	return out
}

// check lists every issue of the loaded subtree, the year's own ones
// (duplicates, unreconciled changes) included.
func (d *data) check(year []Issue, today day) []Issue {
	out := []Issue{}
	var undated []Issue
	for _, i := range d.sel {
		p := &d.people[i]
		out = append(out, d.checkPerson(p, today)...)
		if p.flags&hasUndated != 0 {
			for _, id := range d.undated[p.id] {
				undated = append(undated, Issue{Kind: "undated_move", PersonID: p.id, Name: string(d.nameOf(p)),
					Message: fmt.Sprintf("组织关系转接 #%d 已接收，但没有办结日期", id)})
			}
		}
	}
	out = append(out, undated...)
	out = append(out, year...)
	order := map[string]int{}
	for i, k := range issueKinds {
		order[k.Key] = i
	}
	for i := range out {
		out[i].KindLabel = issueKinds[order[out[i].Kind]].Label
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return order[out[i].Kind] < order[out[j].Kind]
		}
		return out[i].PersonID < out[j].PersonID
	})
	return out
}
