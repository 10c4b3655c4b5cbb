package member

import (
	"context"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Party is the member list's status filter for 党员 (正式党员 and 预备党员
// together), the list every 党员 figure links to.
const Party = "party"

// Figures are the headline counts of people that every statistics page
// shows (工作台, 发展党员统计, 党内统计, 组织体系), each with one definition:
// the registry's status of the people whose organisation lies in the
// subtree. 党员 = 正式 + 预备 (PartyStatuses); the development stages count
// the people at that stage now, not those who passed through it.
type Figures struct {
	Members      int `json:"members"`
	Full         int `json:"full"`
	Probationary int `json:"probationary"`
	Candidates   int `json:"candidates"` // 发展对象
	Activists    int `json:"activists"`  // 入党积极分子
	Applicants   int `json:"applicants"` // 入党申请人
}

// FiguresOf reads the figures from counts by status.
func FiguresOf(byStatus func(status string) int) Figures {
	f := Figures{Full: byStatus("full"), Probationary: byStatus("probationary"), Candidates: byStatus("candidate"),
		Activists: byStatus("activist"), Applicants: byStatus("applicant")}
	f.Members = f.Full + f.Probationary
	return f
}

// FiguresIn counts the figures of subtree s with one grouped query: by
// organisation and status first, the order of the index persons_org_status
// that the subtree is read from, so that only those groups are sorted.
func FiguresIn(ctx context.Context, q db.Querier, s scope.Subtree) (Figures, error) {
	query, args := figuresSQL(s)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return Figures{}, err
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var status string
		var c int
		if err := rows.Scan(&status, &c); err != nil {
			return Figures{}, err
		}
		n[status] = c
	}
	return FiguresOf(func(s string) int { return n[s] }), rows.Err()
}

// figuresSQL is FiguresIn's query: the counts by status of subtree s.
func figuresSQL(s scope.Subtree) (string, []any) {
	w, args := s.HasOrg("p.org_id")
	return "SELECT status, SUM(n) FROM (SELECT p.status, COUNT(*) n FROM persons p WHERE " + w +
		" GROUP BY p.org_id, p.status) f GROUP BY status", args
}
