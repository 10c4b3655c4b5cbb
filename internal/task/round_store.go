package task

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// RoundInput opens a round.
type RoundInput struct {
	OrgID       int64  `json:"org_id"`
	Kind        string `json:"kind"`   // branches (default) or committees
	Year        int    `json:"year"`   // four digits
	Period      string `json:"period"` // Q1–Q4 or Y
	Judged      bool   `json:"judged"`
	JudgeWeight int    `json:"judge_weight"` // 1–100 percent when judged
}

// srcJudging is the 待办 of an open judged round, for its organisation.
const srcJudging = "task.round"

const roundCols = `r.id, r.org_id, o.name, o.path, r.kind, r.year, r.period, r.starts_on, r.ends_on, r.judged, r.judge_weight, r.state,
	COALESCE(r.prev_round_id, 0), r.computed_at, COALESCE(r.closed_at, 0), r.version`

func scanRound(s listing.Scanner) (*Round, error) {
	var r Round
	err := s.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.orgPath, &r.Kind, &r.Year, &r.Period, &r.StartsOn, &r.EndsOn, &r.Judged, &r.JudgeWeight,
		&r.State, &r.PrevRoundID, &r.ComputedAt, &r.ClosedAt, &r.Version)
	r.finish()
	return &r, err
}

// roundVisible is the condition on a round for the caller: organised in
// scope, or ranking a contestant in scope (a branch sees its own result).
func roundVisible(p *auth.Principal) (string, []any) {
	sc := scope.Of(p)
	own, oargs := sc.Where("o.path")
	in, iargs := sc.HasOrg("s.org_id")
	return "(" + own + " OR EXISTS (SELECT 1 FROM task_round_standings s WHERE s.round_id = r.id AND " + in + "))", append(oargs, iargs...)
}

// GetRound loads a round the caller may see; anything else is a 404.
func GetRound(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Round, error) {
	w, args := roundVisible(p)
	r, err := scanRound(q.QueryRowContext(ctx, "SELECT "+roundCols+" FROM task_rounds r JOIN orgs o ON o.id = r.org_id WHERE r.id = ? AND "+w,
		append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return r, err
}

// Rounds pages the rounds the caller may see (narrowed to those organised
// in, or ranking, the subtree of orgID), newest first.
func Rounds(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, year, page, perPage int) (*listing.List[Round], error) {
	if year != 0 && (year < 2000 || year > 2100) {
		return nil, failYear()
	}
	sub, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	w, args := roundVisible(p)
	if orgID != 0 {
		own, oargs := sub.Where("o.path")
		in, iargs := sub.HasOrg("s.org_id")
		w = w + " AND (" + own + " OR EXISTS (SELECT 1 FROM task_round_standings s WHERE s.round_id = r.id AND " + in + "))"
		args = append(append(args, oargs...), iargs...)
	}
	if year != 0 {
		w, args = w+" AND r.year = ?", append(args, year)
	}
	return listing.Read(ctx, d.DB, page, perPage, roundCols, " FROM task_rounds r JOIN orgs o ON o.id = r.org_id WHERE "+w,
		"r.ends_on DESC, o.path, r.kind, r.id DESC", args, scanRound)
}

func (in *RoundInput) check(today civil.Date) error {
	var fs fail.Fields
	if in.Kind == "" {
		in.Kind = ToBranches
	}
	if in.Kind != ToBranches && in.Kind != ToCommittees {
		fs = append(fs, failKind())
	}
	if in.OrgID <= 0 {
		fs = append(fs, fail.Malformed("org_id", "请选择组织比武的党组织"))
	}
	if in.Year < 2000 || in.Year > today.Year() {
		fs = append(fs, fail.Malformed("year", fmt.Sprintf("年度应为 2000 至 %d 年之间的四位年份", today.Year())))
	} else if _, to, ok := periodSpan(in.Year, in.Period); !ok {
		fs = append(fs, fail.Malformed("period", "比武周期应为第一至第四季度或全年"))
	} else if !to.Before(today) {
		fs = append(fs, fail.NotAllowed("period", fmt.Sprintf("%d年%s到 %s 才结束，期末之后才能建立比武轮次（成绩截至期末）", in.Year, RoundPeriods.Label(in.Period), to)))
	}
	switch {
	case !in.Judged:
		in.JudgeWeight = 0
	case in.JudgeWeight < 1 || in.JudgeWeight > 100:
		fs = append(fs, fail.Malformed("judge_weight", "评委评分所占比例应为 1 到 100 的整数（百分比）"))
	}
	if len(fs) > 0 {
		return fs
	}
	return nil
}

// CreateRound opens a round for an organisation the caller administers
// and takes its snapshot as of the period's end. One round per
// organisation, kind and period: a second is a conflict.
func CreateRound(ctx context.Context, d *core.Deps, p *auth.Principal, in RoundInput) (*Round, error) {
	if err := in.check(civil.Today(d.Now())); err != nil {
		return nil, err
	}
	from, to, _ := periodSpan(in.Year, in.Period)
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, in.OrgID); err != nil {
			return err
		}
		var prev any
		var prevID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM task_rounds WHERE org_id = ? AND kind = ? AND state = 'closed' AND ends_on < ?
			ORDER BY ends_on DESC, id DESC LIMIT 1`, in.OrgID, in.Kind, from.String()).Scan(&prevID)
		if err != nil && !db.IsNoRows(err) {
			return err
		}
		if prevID != 0 {
			prev = prevID
		}
		now := d.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO task_rounds (org_id, kind, year, period, starts_on, ends_on, judged, judge_weight, prev_round_id, computed_at, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, in.OrgID, in.Kind, in.Year, in.Period, from.String(), to.String(), db.Int(in.Judged), in.JudgeWeight, prev, now, now, now)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("%d年%s的这项擂台比武已经建立，请勿重复建立", in.Year, RoundPeriods.Label(in.Period)))
		}
		if err != nil {
			return err
		}
		r, err := GetRound(ctx, tx, p, id)
		if err != nil {
			return err
		}
		n, err := snapshot(ctx, tx, r)
		if err != nil {
			return err
		}
		if n == 0 {
			return fail.NotAllowed("period", fmt.Sprintf("%s在%d年%s没有到期的任务，无法排名", r.OrgName, in.Year, RoundPeriods.Label(in.Period)))
		}
		if r.Judged {
			if err := todo.Post(ctx, tx, judgingTodo(r)); err != nil {
				return err
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.round.create", ObjectType: "task_round", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"round": in, "contestants": n}}})
	})
	if err != nil {
		return nil, err
	}
	return GetRound(ctx, d.DB, p, id)
}

func judgingTodo(r *Round) todo.Item {
	return todo.Item{Source: srcJudging, Key: fmt.Sprintf("r%d", r.ID), OrgID: r.OrgID, Title: "擂台比武评委打分：" + r.Title,
		Detail: "评委为各书记的述职展示打分，打分完成后发布结果", Link: fmt.Sprintf("/tasks/rounds/%d", r.ID), Severity: "warn"}
}

// snapshot (re)computes an open round's standings as of its period's end:
// the contestants' names and 书记 as they are now, the judges' marks so
// far, the previous round's places. It returns the contestants.
func snapshot(ctx context.Context, tx *db.Tx, r *Round) (int, error) {
	sub := scope.Under(r.orgPath)
	tree, err := org.ReadOrgs(ctx, tx, sub)
	if err != nil {
		return 0, err
	}
	rows, err := contestRows(ctx, tx, tree, r.Year, r.Kind, r.StartsOn, r.EndsOn)
	if err != nil {
		return 0, err
	}
	kept := rows[:0]
	for _, row := range rows {
		if row.orgID != r.OrgID {
			kept = append(kept, row)
		}
	}
	ms, err := roundMarks(ctx, tx, r.ID)
	if err != nil {
		return 0, err
	}
	prev := map[int64]prior{}
	if r.PrevRoundID != 0 {
		res, err := tx.QueryContext(ctx, "SELECT org_id, place, final_score FROM task_round_standings WHERE round_id = ?", r.PrevRoundID)
		if err != nil {
			return 0, err
		}
		for res.Next() {
			var id int64
			var p prior
			if err := res.Scan(&id, &p.rank, &p.final); err != nil {
				res.Close()
				return 0, err
			}
			prev[id] = p
		}
		res.Close()
		if err := res.Err(); err != nil {
			return 0, err
		}
	}
	list := standings(kept, r.EndsOn, r.Judged, r.JudgeWeight, ms, prev)
	secretaries, err := org.Secretaries(ctx, tx, sub, r.EndsOn)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM task_round_standings WHERE round_id = ?", r.ID); err != nil {
		return 0, err
	}
	const cols = 16
	for start := 0; start < len(list); start += copyBatch {
		chunk := list[start:min(start+copyBatch, len(list))]
		args := make([]any, 0, cols*len(chunk))
		for _, s := range chunk {
			var judge, prevRank, prevFinal any
			if r.Judged && s.Judges > 0 {
				judge = s.JudgeScore
			}
			if s.PrevRank != 0 {
				prevRank, prevFinal = s.PrevRank, s.PrevFinal
			}
			args = append(args, r.ID, s.OrgID, tree.ByID[s.OrgID].Name, secretaries[s.OrgID], s.Due, s.Done, s.OnTime, s.Overdue, s.Rate, s.Score,
				judge, s.Judges, s.Final, s.Rank, prevRank, prevFinal)
		}
		row := "(" + strings.Repeat("?,", cols-1) + "?)"
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_round_standings (round_id, org_id, name, secretary, due, done, on_time, overdue, rate, score,
			judge_score, judges, final_score, place, prev_place, prev_final) VALUES `+strings.Repeat(row+",", len(chunk)-1)+row, args...); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func roundMarks(ctx context.Context, q db.Querier, roundID int64) (map[int64]marks, error) {
	rows, err := q.QueryContext(ctx, "SELECT org_id, SUM(score), COUNT(*) FROM task_round_marks WHERE round_id = ? GROUP BY org_id", roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]marks{}
	for rows.Next() {
		var id int64
		var m marks
		if err := rows.Scan(&id, &m.sum, &m.n); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

// openRound loads a round the caller administers, still open, at the
// version they read (0: any).
func openRound(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Round, error) {
	r, err := GetRound(ctx, tx, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, tx, p, r.OrgID); err != nil {
		return nil, err
	}
	if r.State != RoundOpen {
		return nil, fail.Conflict("这一轮擂台比武已发布，成绩不再改变")
	}
	if version != 0 && version != r.Version {
		return nil, fail.Conflict("这一轮擂台比武已被他人更新，请刷新后重试")
	}
	return r, nil
}

// bump moves an open round to its next version, or reports the race.
func bump(ctx context.Context, tx *db.Tx, d *core.Deps, r *Round, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, "UPDATE task_rounds SET "+set+"updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND state = 'open'",
		append(args, d.Now().UnixMilli(), r.ID, r.Version)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail.Conflict("这一轮擂台比武已被他人更新，请刷新后重试")
	}
	return nil
}

// Recompute takes an open round's snapshot again (tasks accepted late,
// new marks); a published round never changes.
func Recompute(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int) (*Round, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := openRound(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		n, err := snapshot(ctx, tx, r)
		if err != nil {
			return err
		}
		if err := bump(ctx, tx, d, r, "computed_at = ?, ", d.Now().UnixMilli()); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.round.recompute", ObjectType: "task_round", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"contestants": n}})
	})
	if err != nil {
		return nil, err
	}
	return GetRound(ctx, d.DB, p, id)
}

// Mark is one judge's score of one 书记's presentation.
type Mark struct {
	OrgID   int64   `json:"org_id"`
	Score   float64 `json:"score"` // 0–100, one decimal
	Comment string  `json:"comment"`
}

// Marks is a judge's sheet: their marks of some contestants.
type Marks struct {
	Marks   []Mark `json:"marks"`
	Version int    `json:"version"`
}

// MarkRange is the range of a judge's mark.
const MarkRange = 100

// Judge records the caller's marks in an open judged round (a judge may
// correct their own marks until the round is published) and re-ranks.
func Judge(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in Marks) (*Round, error) {
	if len(in.Marks) == 0 {
		return nil, fail.Malformed("marks", "请为至少一位书记打分")
	}
	var fs fail.Fields
	seen := map[int64]bool{}
	for i := range in.Marks {
		m := &in.Marks[i]
		m.Comment = strings.TrimSpace(m.Comment)
		field := fmt.Sprintf("marks[%d]", i)
		switch {
		case seen[m.OrgID]:
			fs = append(fs, fail.Malformed(field, fmt.Sprintf("第 %d 项与前面重复（同一参赛单位只打一个分）", i+1)))
		case m.Score < 0 || m.Score > MarkRange || m.Score != round1(m.Score):
			fs = append(fs, fail.Malformed(field, fmt.Sprintf("第 %d 项评分应在 0 到 %d 之间，至多一位小数", i+1, MarkRange)))
		case plaintext.Line("评语", m.Comment) != "":
			fs = append(fs, fail.Malformed(field, plaintext.Line("评语", m.Comment)))
		case utf8.RuneCountInString(m.Comment) > 200:
			fs = append(fs, fail.Malformed(field, fmt.Sprintf("第 %d 项评语不超过 200 字", i+1)))
		}
		seen[m.OrgID] = true
	}
	if len(fs) > 0 {
		return nil, fs
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := openRound(ctx, tx, p, id, in.Version)
		if err != nil {
			return err
		}
		if !r.Judged {
			return fail.NotAllowed("marks", "这一轮不设评委评分")
		}
		contestants, err := contestantIDs(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		name := p.DisplayName
		if name == "" {
			name = p.Username
		}
		now := d.Now().UnixMilli()
		for i, m := range in.Marks {
			if !contestants[m.OrgID] {
				return fail.NotAllowed(fmt.Sprintf("marks[%d]", i), fmt.Sprintf("第 %d 项的党组织不在这一轮的参赛名单中", i+1))
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_round_marks (round_id, org_id, judge_id, judge_name, score, comment, updated_at) VALUES (?,?,?,?,?,?,?)
				ON CONFLICT (round_id, org_id, judge_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, updated_at = excluded.updated_at`,
				r.ID, m.OrgID, p.AccountID, name, m.Score, m.Comment, now); err != nil {
				return err
			}
		}
		if _, err := snapshot(ctx, tx, r); err != nil {
			return err
		}
		if err := bump(ctx, tx, d, r, ""); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.round.mark", ObjectType: "task_round", ObjectID: fmt.Sprint(id),
			Detail: map[string]any{"marks": in.Marks}})
	})
	if err != nil {
		return nil, err
	}
	return GetRound(ctx, d.DB, p, id)
}

func contestantIDs(ctx context.Context, q db.Querier, roundID int64) (map[int64]bool, error) {
	return db.IDSet(ctx, q, "SELECT org_id FROM task_round_standings WHERE round_id = ?", roundID)
}

// CloseRound publishes a round: a last snapshot, then nothing changes. A
// judged round needs a mark for every contestant first.
func CloseRound(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int) (*Round, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := openRound(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if _, err := snapshot(ctx, tx, r); err != nil {
			return err
		}
		if r.Judged {
			var missing int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM task_round_standings WHERE round_id = ? AND judges = 0", r.ID).Scan(&missing); err != nil {
				return err
			}
			if missing > 0 {
				return fail.Refused("unjudged", fmt.Sprintf("还有 %d 个参赛单位没有评委评分，评分完成后才能发布", missing))
			}
		}
		now := d.Now().UnixMilli()
		if err := bump(ctx, tx, d, r, "state = 'closed', closed_at = ?, computed_at = ?, ", now, now); err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, srcJudging, fmt.Sprintf("r%d", r.ID)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.round.close", ObjectType: "task_round", ObjectID: fmt.Sprint(id)})
	})
	if err != nil {
		return nil, err
	}
	return GetRound(ctx, d.DB, p, id)
}

// Leaderboard is a round with its standings as the caller may see them:
// everyone when the caller covers the organising organisation, else only
// their own contestants (with their places among all).
type Leaderboard struct {
	Round      *Round          `json:"round"`
	Total      int             `json:"total"` // contestants in the round
	Items      []RoundStanding `json:"items"`
	Top        []RoundStanding `json:"top"`         // the first three places (ties included), at most PodiumShown
	Bottom     []RoundStanding `json:"bottom"`      // the last three, likewise
	Winners    []RoundStanding `json:"winners"`     // every contestant in the first three places, for the certificates
	TopMore    int             `json:"top_more"`    // tied in the top three places beyond those shown
	BottomMore int             `json:"bottom_more"` // likewise at the bottom
	Whole      bool            `json:"whole"`       // Items is the whole table
	MyMarks    map[int64]Mark  `json:"my_marks,omitempty"`
	CanManage  bool            `json:"-"`
}

// Podium is how many places the top and the bottom show; PodiumShown how
// many contestants at most (the rest of a long tie is counted).
const (
	Podium      = 3
	PodiumShown = 9
)

// RoundBoard loads a round's leaderboard for the caller.
func RoundBoard(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Leaderboard, error) {
	r, err := GetRound(ctx, d.DB, p, id)
	if err != nil {
		return nil, err
	}
	lb := &Leaderboard{Round: r, Whole: scope.Of(p).Contains(r.orgPath), Items: []RoundStanding{}}
	if _, err := org.WritablePath(ctx, d.DB, p, r.OrgID); err == nil {
		lb.CanManage = true
	}
	q := `SELECT s.org_id, s.name, s.secretary, s.due, s.done, s.on_time, s.overdue, s.rate, s.score, COALESCE(s.judge_score, 0), s.judges,
		s.final_score, s.place, COALESCE(s.prev_place, 0), COALESCE(s.prev_final, 0) FROM task_round_standings s WHERE s.round_id = ?`
	rows, err := d.DB.QueryContext(ctx, q+" ORDER BY s.place, s.org_id", r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []RoundStanding
	for rows.Next() {
		var s RoundStanding
		if err := rows.Scan(&s.OrgID, &s.Name, &s.Secretary, &s.Due, &s.Done, &s.OnTime, &s.Overdue, &s.Rate, &s.Score, &s.JudgeScore, &s.Judges,
			&s.Final, &s.Rank, &s.PrevRank, &s.PrevFinal); err != nil {
			return nil, err
		}
		if s.PrevRank != 0 {
			s.Change, s.ScoreDiff = s.PrevRank-s.Rank, round1(s.Final-s.PrevFinal)
		}
		all = append(all, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lb.Total = len(all)
	if !lb.Whole {
		names, err := org.All(ctx, d.DB)
		if err != nil {
			return nil, err
		}
		sc := scope.Of(p)
		for _, s := range all {
			if o := names[s.OrgID]; o != nil && sc.Contains(o.Path) {
				lb.Items = append(lb.Items, s)
			}
		}
		return lb, nil
	}
	lb.Items = all
	for _, s := range all {
		if s.Rank <= Podium {
			lb.Top = append(lb.Top, s)
		}
	}
	if n := len(all); n > 2*Podium {
		cut := all[n-Podium].Rank // the bottom three places, ties at the cut included
		for _, s := range all {
			if s.Rank >= cut {
				lb.Bottom = append(lb.Bottom, s)
			}
		}
	}
	lb.Winners = lb.Top
	if len(lb.Top) > PodiumShown {
		lb.Top, lb.TopMore = lb.Top[:PodiumShown], len(lb.Top)-PodiumShown
	}
	if len(lb.Bottom) > PodiumShown {
		lb.Bottom, lb.BottomMore = lb.Bottom[len(lb.Bottom)-PodiumShown:], len(lb.Bottom)-PodiumShown
	}
	if r.Judged && lb.CanManage {
		lb.MyMarks = map[int64]Mark{}
		res, err := d.DB.QueryContext(ctx, "SELECT org_id, score, comment FROM task_round_marks WHERE round_id = ? AND judge_id = ?", r.ID, p.AccountID)
		if err != nil {
			return nil, err
		}
		defer res.Close()
		for res.Next() {
			var m Mark
			if err := res.Scan(&m.OrgID, &m.Score, &m.Comment); err != nil {
				return nil, err
			}
			lb.MyMarks[m.OrgID] = m
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
	}
	return lb, nil
}
