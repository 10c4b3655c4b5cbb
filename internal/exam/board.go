package exam

import (
	"context"
	"sort"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Entry is one person on the individual leaderboard. A 党员 reading a
// board sees no person ids.
type Entry struct {
	Rank     int    `json:"rank"`
	PersonID int64  `json:"person_id,omitempty"`
	Name     string `json:"name"`
	Unit     string `json:"unit"`
	Score    int    `json:"score"`
	UsedMs   int64  `json:"used_ms"`
	unitID   int64
}

// UnitEntry is one unit on the unit leaderboards.
type UnitEntry struct {
	Rank          int     `json:"rank"`
	OrgID         int64   `json:"org_id"`
	Name          string  `json:"name"`
	Participants  int     `json:"participants"`
	Members       int     `json:"members"`
	AverageScore  float64 `json:"average_score"`
	Participation float64 `json:"participation"` // 0–1
}

// Board holds the leaderboards of one exam.
type Board struct {
	Individuals     []Entry     `json:"individuals"`
	ByAverage       []UnitEntry `json:"by_average"`
	ByParticipation []UnitEntry `json:"by_participation"`
	Ranked          int         `json:"ranked"`         // people on the whole individual ranking
	Mine            *Entry      `json:"mine,omitempty"` // the calling 党员's own result and rank
	// MyUnit is the calling 党员's unit on the board by average score
	// (a contest or daily challenge).
	MyUnit *UnitEntry `json:"my_unit,omitempty"`
	// OwnOnly says the caller, a 党员, sees only their own result: an
	// exam's scores are not published to the other members.
	OwnOnly bool `json:"own_only,omitempty"`
}

// Lengths of the individual board: a longer list is an export, not a board.
const (
	DefaultTop = 50
	MaxTop     = 100
)

// clampTop is the length of board a request gets: DefaultTop when it asks
// for none (or nonsense), never more than MaxTop.
func clampTop(top int) int {
	switch {
	case top <= 0:
		return DefaultTop
	case top > MaxTop:
		return MaxTop
	}
	return top
}

// standing is one person's standing before ranking.
type standing struct {
	personID int64
	name     string
	orgPath  string
	score    int
	usedMs   int64
}

// RankIndividuals orders by score (higher first), then time used (less
// first); equal score and time share a rank ("1, 2, 2, 4").
func RankIndividuals(in []Entry) []Entry {
	sort.SliceStable(in, func(i, j int) bool {
		if in[i].Score != in[j].Score {
			return in[i].Score > in[j].Score
		}
		if in[i].UsedMs != in[j].UsedMs {
			return in[i].UsedMs < in[j].UsedMs
		}
		return in[i].PersonID < in[j].PersonID
	})
	for i := range in {
		if i > 0 && in[i].Score == in[i-1].Score && in[i].UsedMs == in[i-1].UsedMs {
			in[i].Rank = in[i-1].Rank
		} else {
			in[i].Rank = i + 1
		}
	}
	return in
}

// rankUnits orders units by key (higher first); equal keys share a rank.
func rankUnits(in []UnitEntry, key func(UnitEntry) float64) []UnitEntry {
	out := append([]UnitEntry(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		if key(out[i]) != key(out[j]) {
			return key(out[i]) > key(out[j])
		}
		return out[i].OrgID < out[j].OrgID
	})
	for i := range out {
		if i > 0 && key(out[i]) == key(out[i-1]) {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// Leaderboard computes the live boards of an exam the caller can see. A
// contest counts each person's best attempt; a daily challenge sums points.
// Units are the organisations directly under the exam's organiser. The
// individual board holds at most top (capped at MaxTop) people.
//
// A 党员 (anyone who does not read member data) gets their own result and
// rank; the boards of a contest or daily challenge, without person ids; and
// of an exam nothing else.
func (s *Service) Leaderboard(ctx context.Context, p *auth.Principal, examID int64, top int) (*Board, error) {
	b, e, err := s.leaderboard(ctx, p, examID)
	if err != nil {
		return nil, err
	}
	b.Ranked = len(b.Individuals)
	if !p.ReadsMembers() {
		for _, en := range b.Individuals {
			if p.PersonID != 0 && en.PersonID == p.PersonID {
				mine := en
				mine.PersonID = 0
				b.Mine = &mine
				for _, u := range b.ByAverage {
					if u.OrgID == en.unitID && e.Mode != ModeExam {
						b.MyUnit = &u
					}
				}
				break
			}
		}
		if e.Mode == ModeExam {
			b.OwnOnly = true
			b.Individuals, b.ByAverage, b.ByParticipation = []Entry{}, []UnitEntry{}, []UnitEntry{}
		}
		for i := range b.Individuals {
			b.Individuals[i].PersonID = 0
		}
	}
	if top = clampTop(top); len(b.Individuals) > top {
		b.Individuals = b.Individuals[:top]
	}
	return b, nil
}

// leaderboard is the whole board, every person ranked, as an organiser sees it.
func (s *Service) leaderboard(ctx context.Context, p *auth.Principal, examID int64) (*Board, *Exam, error) {
	e, err := s.GetExam(ctx, p, examID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT a.person_id, pe.name, o.path, a.score,
			CASE WHEN a.last_answer_at > 0 THEN a.last_answer_at - a.started_at ELSE 0 END
		FROM exam_attempts a JOIN persons pe ON pe.id = a.person_id JOIN orgs o ON o.id = a.org_id
		WHERE a.exam_id = ? AND a.answered > 0`, examID)
	if err != nil {
		return nil, nil, err
	}
	byPerson := map[int64]*standing{}
	for rows.Next() {
		var st standing
		if err := rows.Scan(&st.personID, &st.name, &st.orgPath, &st.score, &st.usedMs); err != nil {
			rows.Close()
			return nil, nil, err
		}
		cur := byPerson[st.personID]
		switch {
		case cur == nil:
			byPerson[st.personID] = &st
		case e.Mode == ModeDaily:
			cur.score += st.score
			cur.usedMs += st.usedMs
		case st.score > cur.score || st.score == cur.score && st.usedMs < cur.usedMs:
			*cur = st
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	units, err := s.units(ctx, e.OrgID)
	if err != nil {
		return nil, nil, err
	}
	unitOf := func(path string) *UnitEntry {
		for i := range units {
			if scope.Under(units[i].path).Contains(path) {
				return &units[i].UnitEntry
			}
		}
		return nil
	}
	sums := map[int64]int{}
	var ind []Entry
	for _, st := range byPerson {
		en := Entry{PersonID: st.personID, Name: st.name, Score: st.score, UsedMs: st.usedMs}
		if u := unitOf(st.orgPath); u != nil {
			en.Unit, en.unitID = u.Name, u.OrgID
			u.Participants++
			sums[u.OrgID] += st.score
		}
		ind = append(ind, en)
	}
	ind = RankIndividuals(ind)
	var us []UnitEntry
	for _, u := range units {
		if u.Members == 0 { // no one to take part: a 0/0 line ranks nothing
			continue
		}
		if u.Participants > 0 {
			u.AverageScore = float64(sums[u.OrgID]) / float64(u.Participants)
		}
		u.Participation = float64(u.Participants) / float64(u.Members)
		us = append(us, u.UnitEntry)
	}
	if ind == nil {
		ind = []Entry{}
	}
	return &Board{Individuals: ind,
		ByAverage:       rankUnits(us, func(u UnitEntry) float64 { return u.AverageScore }),
		ByParticipation: rankUnits(us, func(u UnitEntry) float64 { return u.Participation })}, e, nil
}

type unit struct {
	UnitEntry
	path string
}

// units are the live children of the organiser (or the organiser itself
// when it has none), each with its count of party members, by short name.
func (s *Service) units(ctx context.Context, orgID int64) ([]unit, error) {
	path, err := org.PathOf(ctx, s.DB, orgID)
	if err != nil {
		return nil, err
	}
	tree, err := org.ReadOrgs(ctx, s.DB, scope.Under(path))
	if err != nil {
		return nil, err
	}
	tree.Census = s.Census
	counts, err := org.Counts(ctx, s.DB, tree)
	if err != nil {
		return nil, err
	}
	all := tree.List
	var out []unit
	for _, o := range all {
		if (o.ParentID == orgID || o.ID == orgID && len(all) == 1) && !o.Dissolved() {
			out = append(out, unit{UnitEntry: UnitEntry{OrgID: o.ID, Name: org.ShortName(o.Name, o.ShortName), Members: counts[o.ID].Members}, path: o.Path})
		}
	}
	return out, nil
}

// QuestionStat is the error rate of one question in one exam.
type QuestionStat struct {
	QuestionID int64   `json:"question_id"`
	Stem       string  `json:"stem"`
	Kind       Kind    `json:"kind"`
	Tag        string  `json:"tag"`
	Answers    int     `json:"answers"`
	Wrong      int     `json:"wrong"`
	ErrorRate  float64 `json:"error_rate"`
}

// Stats lists the questions of an exam by error rate, worst first, for
// the organiser (the exam must be in their subtree).
func (s *Service) Stats(ctx context.Context, p *auth.Principal, examID int64) ([]QuestionStat, error) {
	if !p.ReadsMembers() {
		return nil, fail.NotFound()
	}
	if _, err := s.GetExam(ctx, p, examID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT q.id, q.stem, q.kind, q.tag, COUNT(*), SUM(CASE WHEN an.correct = 1 THEN 0 ELSE 1 END)
		FROM exam_answers an JOIN exam_attempts a ON a.id = an.attempt_id JOIN exam_questions q ON q.id = an.question_id
		WHERE a.exam_id = ? GROUP BY q.id, q.stem, q.kind, q.tag`, examID)
	out, err := db.Collect(rows, err, func(r db.Scanner) (st QuestionStat, err error) {
		if err := r.Scan(&st.QuestionID, &st.Stem, &st.Kind, &st.Tag, &st.Answers, &st.Wrong); err != nil {
			return st, err
		}
		st.ErrorRate = float64(st.Wrong) / float64(st.Answers)
		return st, nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].ErrorRate > out[j].ErrorRate })
	return out, err
}
