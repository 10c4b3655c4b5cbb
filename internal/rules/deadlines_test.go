package rules

import (
	"testing"

	"hongdun/internal/platform/civil"
)

func TestDeadlines(t *testing.T) {
	d := civil.MustParse
	e := NewEngine()
	due := func(f Facts) map[string]string {
		out := map[string]string{}
		for _, x := range e.Deadlines(f) {
			out[x.Title] = x.Due.String()
		}
		return out
	}
	got := due(Facts{Done: map[int]civil.Date{1: d("2024-01-31")}})
	if got["与入党申请人谈话"] != "2024-02-29" {
		t.Errorf("talk deadline: %v", got)
	}
	got = due(Facts{Done: map[int]civil.Date{1: d("2023-01-10"), 2: d("2023-01-20"), 3: d("2023-04-10")},
		Reviews: []civil.Date{d("2023-10-09")}, CandidatePublicity: d("2025-09-29")})
	if got["入党积极分子半年考察"] != "2024-04-09" || got["确定发展对象前公示期满"] != "2025-10-11" {
		t.Errorf("review and publicity deadlines: %v", got)
	}
	f := Facts{Done: map[int]civil.Date{}}
	for n := 1; n <= 15; n++ {
		f.Done[n] = d("2024-02-29")
	}
	got = due(f)
	if got["上级党委审批接收预备党员"] != "2024-05-29" || got["上级党委审批最后期限"] != "2024-08-29" {
		t.Errorf("approval deadlines: %v", got)
	}
	f.Done[16], f.Done[17] = d("2024-03-01"), d("2024-03-02")
	f.TransferredIn = true
	if got = due(f); got["支部大会讨论转正"] != "2025-08-28" {
		t.Errorf("transferred-in conversion deadline: %v", got)
	}
	f.Cancelled = true
	if len(e.Deadlines(f)) != 0 {
		t.Error("a cancelled case has no deadlines")
	}
}
