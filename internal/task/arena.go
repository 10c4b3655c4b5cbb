package task

import (
	"context"
	"math"
	"sort"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/ranking"
	"hongdun/internal/platform/scope"
)

// Progress is a place in a ranking and its 比进度: the place before and
// the places gained since (negative: lost).
type Progress struct {
	Rank     int `json:"rank"`
	PrevRank int `json:"prev_rank"` // 0 when unranked then
	Change   int `json:"change"`
}

// Arrow is the 比进度 sign: ↑ gained, ↓ lost, — unchanged or new.
func (pr Progress) Arrow() string {
	switch {
	case pr.PrevRank == 0 || pr.Change == 0:
		return "—"
	case pr.Change > 0:
		return "↑"
	}
	return "↓"
}

// Abs is the size of the change.
func (pr Progress) Abs() int { return int(math.Abs(float64(pr.Change))) }

// Standing is one organisation in the 擂台比武 table: 比位次 (rank by
// score) and 比进度 (the rank at the end of last month, and the change).
type Standing struct {
	OrgID   int64   `json:"org_id"`
	Name    string  `json:"name"`
	Due     int     `json:"due"`     // copies due by the day (or done before)
	Done    int     `json:"done"`    // of them, accepted or verified
	OnTime  int     `json:"on_time"` // of those, done by their deadline
	Overdue int     `json:"overdue"` // due, not done
	Rate    float64 `json:"rate"`    // weighted completion, percent
	Score   float64 `json:"score"`   // weighted, a late completion counts half
	Progress
}

type arenaRow struct {
	orgID       int64
	weight      int
	due, doneOn string
}

// tally is one organisation's copies counted on a day: those due (or done
// earlier), done, done on time, and their weights; score2 is twice the
// weight scored (a late completion counts half).
type tally struct{ due, done, onTime, dueW, doneW, score2 int }

// rank computes the standings on day asOf from the copies of a year: a
// copy counts once due (or once done earlier), done when done by then; the
// score weighs each copy, a late one half.
func rank(rows []arenaRow, asOf string) map[int64]*Standing {
	ts := map[int64]*tally{}
	for _, r := range rows {
		done := r.doneOn != "" && r.doneOn <= asOf
		if r.due > asOf && !done {
			continue
		}
		t := ts[r.orgID]
		if t == nil {
			t = &tally{}
			ts[r.orgID] = t
		}
		t.due++
		t.dueW += r.weight
		if done {
			t.done++
			t.doneW += r.weight
			t.score2 += r.weight
			if r.doneOn <= r.due {
				t.onTime++
				t.score2 += r.weight
			}
		}
	}
	return ranked(ts)
}

// ranked turns the tallies into standings ranked by score and rate. Equal
// scores and rates share a rank (1, 1, 3); organisations with nothing due
// yet are not ranked.
func ranked(ts map[int64]*tally) map[int64]*Standing {
	out := standingsOf(ts)
	list := make([]*Standing, 0, len(out))
	for _, s := range out {
		list = append(list, s)
	}
	ranking.Place(list, func(s *Standing) [2]float64 { return [2]float64{s.Score, s.Rate} },
		func(s *Standing) int64 { return s.OrgID }, func(s *Standing, r int) { s.Rank = r })
	return out
}

// standingsOf turns the tallies into standings, unranked.
func standingsOf(ts map[int64]*tally) map[int64]*Standing {
	out := make(map[int64]*Standing, len(ts))
	for id, t := range ts {
		out[id] = t.standing(id)
	}
	return out
}

// standing is the unranked standing of an organisation's tally.
func (t *tally) standing(id int64) *Standing {
	return &Standing{OrgID: id, Due: t.due, Done: t.done, OnTime: t.onTime, Overdue: t.due - t.done,
		Rate:  math.Round(1000*float64(t.doneW)/float64(t.dueW)) / 10,
		Score: math.Round(1000*(float64(t.score2)/2)/float64(t.dueW)) / 10}
}

// Board is the 擂台比武 view of a subtree.
type Board struct {
	Year      int        `json:"year"`
	AsOf      string     `json:"as_of"`
	PrevAsOf  string     `json:"prev_as_of"`
	Kind      string     `json:"kind"` // branches or committees
	Standings []Standing `json:"items"`
	Total     int        `json:"total"`
}

// Arena ranks the branches (or the 党委) of the caller's scope, narrowed
// to orgID, by their tasks of the year as of today, against the end of
// last month.
func Arena(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, year int, kind string) (*Board, error) {
	today := civil.Today(d.Now())
	if year == 0 {
		year = today.Year()
	}
	if year < 2000 || year > 2100 {
		return nil, failYear()
	}
	if kind == "" {
		kind = ToBranches
	}
	if kind != ToBranches && kind != ToCommittees {
		return nil, failKind()
	}
	sub, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	return board(ctx, d.DB, sub, year, kind, today)
}

// board ranks the branches (or the 党委) of a subtree for a year as of
// today, against the end of last month.
func board(ctx context.Context, q db.Querier, sub scope.Subtree, year int, kind string, today civil.Date) (*Board, error) {
	asOf := today
	if end := civil.New(year, 12, 31); end.Before(today) {
		asOf = end
	}
	prev := civil.New(asOf.Year(), asOf.Month(), 1).AddDays(-1)
	b := &Board{Year: year, AsOf: asOf.String(), PrevAsOf: prev.String(), Kind: kind}
	tree, err := org.ReadOrgs(ctx, q, sub)
	if err != nil {
		return nil, err
	}
	mine, err := contestRows(ctx, q, tree, year, kind, "", "")
	if err != nil {
		return nil, err
	}
	now, before := rank(mine, b.AsOf), rank(mine, b.PrevAsOf)
	for id, s := range now {
		s.Name = tree.ByID[id].Name
		if pr := before[id]; pr != nil {
			s.PrevRank = pr.Rank
			s.Change = pr.Rank - s.Rank
		}
		b.Standings = append(b.Standings, *s)
	}
	sort.Slice(b.Standings, func(i, j int) bool {
		if b.Standings[i].Rank != b.Standings[j].Rank {
			return b.Standings[i].Rank < b.Standings[j].Rank
		}
		return b.Standings[i].OrgID < b.Standings[j].OrgID
	})
	b.Total = len(b.Standings)
	return b, nil
}

// contestRows loads the copies of a year received by the branches (or the
// 党委) of a subtree, those due from..to only when given.
func contestRows(ctx context.Context, q db.Querier, tree *org.Orgs, year int, kind, from, to string) ([]arenaRow, error) {
	w, args := tree.Scope.HasOrg("c.org_id")
	args = append([]any{year}, args...)
	if from != "" {
		w, args = w+" AND c.due_on >= ? AND c.due_on <= ?", append(args, from, to)
	}
	rows, err := q.QueryContext(ctx, `SELECT c.org_id, i.weight, c.due_on, COALESCE(c.done_on, '') FROM task_copies c
		JOIN task_items i ON i.id = c.item_id WHERE i.year = ? AND `+w, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []arenaRow
	for rows.Next() {
		var r arenaRow
		if err := rows.Scan(&r.orgID, &r.weight, &r.due, &r.doneOn); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	mine := rs[:0]
	for _, r := range rs {
		if o := tree.ByID[r.orgID]; o != nil && contests(o.Kind, kind) {
			mine = append(mine, r)
		}
	}
	return mine, nil
}

// contests tells whether an organisation of a kind takes part in a contest
// of the branches (or the 党委).
func contests(orgKind, kind string) bool {
	if kind == ToCommittees {
		return orgKind == org.Committee
	}
	return isBranchKind(orgKind)
}
