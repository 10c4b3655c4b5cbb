package annual

import (
	"fmt"
	"sort"

	"hongdun/internal/member"
	"hongdun/internal/platform/civil"
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
var rank = map[string]int{"apply": 1, "activist": 2, "candidate": 3, "join": 4, "full": 5}

// history checks one person's whole history, up to today.
func (p *person) check(today string) []Issue {
	var out []Issue
	add := func(kind, on, msg string) {
		out = append(out, Issue{Kind: kind, PersonID: p.id, Name: p.name, Date: on, Message: msg})
	}
	s := p.initial()
	top := 0
	joined := p.join != ""
	for _, e := range p.events {
		label := member.EventLabel(e.kind)
		if _, err := civil.Parse(e.on); err != nil {
			add("bad_date", e.on, fmt.Sprintf("“%s”的日期“%s”不是真实的日期", label, e.on))
			continue
		}
		if e.on > today {
			add("bad_date", e.on, fmt.Sprintf("“%s”的日期晚于今天", label))
		}
		switch {
		case s.status == "deceased", s.status == "transferred" && e.kind != "transfer_in":
			add("after_leaving", e.on, fmt.Sprintf("%s之后又登记了“%s”", member.StatusLabel(s.status), label))
		case (e.kind == "join" || e.kind == "restore") && s.member():
			add("twice", e.on, fmt.Sprintf("已是%s，又登记了“%s”，会被重复计入", member.StatusLabel(s.status), label))
		case e.kind == "full" && !joined:
			add("full_without_join", e.on, "登记了转为正式党员，但没有接收为预备党员（入党）的记录")
		case rank[e.kind] > 0 && rank[e.kind] < top:
			add("out_of_order", e.on, fmt.Sprintf("“%s”登记在更后面的发展步骤之后", label))
		}
		if e.kind == "join" {
			joined = true
		}
		if rank[e.kind] > top {
			top = rank[e.kind]
		}
		if e.kind == "cancel" { // a new application may follow
			top, joined = 0, false
		}
		p.step(&s, e)
	}
	if s.status != p.status && (s.status != "" || p.status == "probationary" || p.status == "full") {
		now := member.StatusLabel(s.status)
		if now == "" {
			now = "无"
		}
		add("status_mismatch", today, fmt.Sprintf("档案中的身份为“%s”，按党内事项推算为“%s”", member.StatusLabel(p.status), now))
	}
	return out
}

// check lists every issue of the loaded subtree, the year's own ones
// (duplicates, unreconciled changes) included.
func (d *data) check(year []Issue, today string) []Issue {
	out := []Issue{}
	for _, p := range d.people {
		out = append(out, p.check(today)...)
	}
	for _, m := range d.undated {
		out = append(out, Issue{Kind: "undated_move", PersonID: m.personID, Name: m.name,
			Message: fmt.Sprintf("组织关系转接 #%d 已接收，但没有办结日期", m.transferID)})
	}
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
