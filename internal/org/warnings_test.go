package org

import (
	"strings"
	"testing"

	"hongdun/internal/platform/civil"
)

func kinds(ws []Warning) string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Kind)
	}
	return strings.Join(out, ",")
}

func has(ws []Warning, kind string) bool { return strings.Contains(","+kinds(ws)+",", ","+kind+",") }

// TestWarningLines checks each warning on both sides of its line.
func TestWarningLines(t *testing.T) {
	today := civil.MustParse("2026-03-15")
	sec := committeeState{Current: 3, Secretary: true}
	branch := func(termEnd string) *Org { return &Org{ID: 1, Kind: Branch, TermStart: "2023-01-01", TermEnd: termEnd} }
	far := "2028-01-01"
	cases := []struct {
		name string
		o    *Org
		c    MemberCounts
		cs   committeeState
		kind string
		want bool
	}{
		{"2 正式党员", branch(far), MemberCounts{Full: 2, Members: 5}, sec, WarnFewFull, true},
		{"3 正式党员", branch(far), MemberCounts{Full: 3, Members: 3}, sec, WarnFewFull, false},
		{"联合支部 2 正式党员", &Org{Kind: Joint}, MemberCounts{Full: 2}, sec, WarnFewFull, true},
		{"党总支不看 3 人线", &Org{Kind: General}, MemberCounts{Full: 2}, sec, WarnFewFull, false},
		{"6 正式党员无支委会", branch(far), MemberCounts{Full: 6, Members: 6}, committeeState{Current: 1, Secretary: true}, WarnNeedsCommittee, false},
		{"7 正式党员无支委会", branch(far), MemberCounts{Full: 7, Members: 7}, committeeState{Current: 1, Secretary: true}, WarnNeedsCommittee, true},
		{"7 正式党员有支委会", branch(far), MemberCounts{Full: 7, Members: 7}, sec, WarnNeedsCommittee, false},
		{"50 名党员", branch(far), MemberCounts{Full: 45, Probationary: 5, Members: 50}, sec, WarnTooManyMembers, false},
		{"51 名党员", branch(far), MemberCounts{Full: 46, Probationary: 5, Members: 51}, sec, WarnTooManyMembers, true},
		{"6 个月后届满", branch("2026-09-15"), MemberCounts{Full: 5}, sec, WarnTermExpiring, true},
		{"6 个月零 1 天后届满", branch("2026-09-16"), MemberCounts{Full: 5}, sec, WarnTermExpiring, false},
		{"7 个月后届满", branch("2026-10-15"), MemberCounts{Full: 5}, sec, WarnTermExpiring, false},
		{"今天届满", branch("2026-03-15"), MemberCounts{Full: 5}, sec, WarnTermExpiring, true},
		{"今天届满未过期", branch("2026-03-15"), MemberCounts{Full: 5}, sec, WarnTermExpired, false},
		{"昨天届满", branch("2026-03-14"), MemberCounts{Full: 5}, sec, WarnTermExpired, true},
		{"过期不再报即将", branch("2026-03-14"), MemberCounts{Full: 5}, sec, WarnTermExpiring, false},
		{"临时支部不换届", &Org{Kind: TempBranch, TermEnd: "2020-01-01"}, MemberCounts{}, sec, WarnTermExpired, false},
		{"书记空缺", branch(far), MemberCounts{Full: 5}, committeeState{Current: 2}, WarnSecretaryVacant, true},
		{"有书记", branch(far), MemberCounts{Full: 5}, sec, WarnSecretaryVacant, false},
		{"临时支部今天到期", &Org{Kind: TempBranch, EndsOn: "2026-03-15"}, MemberCounts{}, sec, WarnTempOverdue, false},
		{"临时支部昨天到期", &Org{Kind: TempBranch, EndsOn: "2026-03-14"}, MemberCounts{}, sec, WarnTempOverdue, true},
		{"党小组不设书记", &Org{Kind: Group}, MemberCounts{}, committeeState{}, WarnSecretaryVacant, false},
		{"党总支 49 名党员", &Org{Kind: General}, MemberCounts{Full: 40, Members: 49}, sec, WarnGeneralSmall, true},
		{"党总支 50 名党员", &Org{Kind: General}, MemberCounts{Full: 40, Members: 50}, sec, WarnGeneralSmall, false},
		{"党总支 99 名党员", &Org{Kind: General}, MemberCounts{Members: 99}, sec, WarnGeneralLarge, false},
		{"党总支 100 名党员", &Org{Kind: General}, MemberCounts{Members: 100}, sec, WarnGeneralLarge, true},
		{"党委 99 名党员", &Org{Kind: Committee}, MemberCounts{Members: 99}, sec, WarnCommitteeSmall, true},
		{"党委 100 名党员", &Org{Kind: Committee}, MemberCounts{Members: 100}, sec, WarnCommitteeSmall, false},
		{"临时党委不看人数", &Org{Kind: TempCommittee}, MemberCounts{Members: 5}, sec, WarnCommitteeSmall, false},
		{"党支部不看党委人数", branch(far), MemberCounts{Full: 5, Members: 5}, sec, WarnCommitteeSmall, false},
	}
	for _, c := range cases {
		ws := check(c.o, c.c, c.cs, today, DefaultRules)
		if has(ws, c.kind) != c.want {
			t.Errorf("%s: warnings %q, want %s=%v", c.name, kinds(ws), c.kind, c.want)
		}
	}
	if ws := check(&Org{Kind: Branch, DissolvedOn: "2025-01-01"}, MemberCounts{}, committeeState{}, today, DefaultRules); ws != nil {
		t.Errorf("a dissolved branch warns: %q", kinds(ws))
	}
}

func TestTerm(t *testing.T) {
	cases := []struct {
		kind, start, end, wantEnd string
		ok                        bool
	}{
		{Committee, "2024-03-12", "", "2029-03-12", true},
		{Branch, "2024-02-29", "", "2027-02-28", true}, // 民法典 第二百零二条: no 29 Feb → last day of the month
		{General, "2025-01-31", "", "2028-01-31", true},
		{Branch, "2024-03-12", "2028-03-12", "2028-03-12", true}, // a late election shifts by a year
		{Branch, "2024-03-12", "2028-03-13", "", false},          // more than a year late
		{Branch, "2024-03-12", "2026-03-11", "", false},          // more than a year early
		{Branch, "2024-02-30", "", "", false},
		{Group, "2024-03-12", "", "", false},
		{TempBranch, "2024-03-12", "", "", false},
	}
	for _, c := range cases {
		_, end, err := Term(c.kind, c.start, c.end)
		if (err == nil) != c.ok || end != c.wantEnd {
			t.Errorf("Term(%s, %s, %s) = %s, %v; want %s ok=%v", c.kind, c.start, c.end, end, err, c.wantEnd, c.ok)
		}
	}
}

func TestCanApprove(t *testing.T) {
	if !CanApprove(&Org{Kind: Committee, CanApprove: true}) {
		t.Error("a 党委 with 审批权限 cannot approve")
	}
	for _, o := range []*Org{{Kind: Committee}, {Kind: General, CanApprove: true}, {Kind: TempCommittee, CanApprove: true},
		{Kind: Committee, CanApprove: true, DissolvedOn: "2025-01-01"}, nil} {
		if CanApprove(o) {
			t.Errorf("%+v may approve", o)
		}
	}
}
