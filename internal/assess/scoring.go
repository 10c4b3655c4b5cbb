package assess

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// Score is a scored indicator's points for one organisation.
type Score struct {
	OrgID    int64   `json:"org_id"`
	Points   float64 `json:"points"`
	Evidence string  `json:"evidence"`
	Scorer   string  `json:"scorer,omitempty"`
	Version  int     `json:"version,omitempty"` // of the score being changed, 0 for a new one
}

// Scores is a sheet of scores for one indicator.
type Scores struct {
	Scores []Score `json:"scores"`
}

// publishedSet loads a published set whose organisation the caller
// administers.
func publishedSet(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Set, error) {
	s, err := GetSet(ctx, q, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, q, p, s.OrgID); err != nil {
		return nil, err
	}
	if s.State != Published {
		return nil, fail.Conflict("考评指标尚未发布，发布后才能评分")
	}
	return s, nil
}

// ScoreIndicator records points with evidence for organisations of a
// published set's scored indicator. Points run from 0 to the indicator's
// weight; a changed score must carry the version read.
func ScoreIndicator(ctx context.Context, d *core.Deps, p *auth.Principal, setID, indicatorID int64, in Scores) error {
	if len(in.Scores) == 0 {
		return fail.Malformed("scores", "请至少为一个党组织评分")
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		s, err := publishedSet(ctx, tx, p, setID)
		if err != nil {
			return err
		}
		var ind *Indicator
		for i := range s.Indicators {
			if s.Indicators[i].ID == indicatorID {
				ind = &s.Indicators[i]
			}
		}
		if ind == nil {
			return fail.NotFound()
		}
		if ind.Kind != Scored {
			return fail.NotAllowed("indicator", "“"+ind.Name+"”不是评分指标")
		}
		t, err := targetsOf(ctx, tx, s.OrgID, s.orgPath, s.Kind)
		if err != nil {
			return err
		}
		var fs fail.Fields
		for i := range in.Scores {
			sc := &in.Scores[i]
			sc.Evidence = strings.TrimSpace(sc.Evidence)
			field := fmt.Sprintf("scores[%d]", i)
			o := t.Index[sc.OrgID]
			name := fmt.Sprintf("第 %d 项", i+1)
			if o != nil {
				name = o.Name
			}
			switch {
			case !t.ids[sc.OrgID]:
				fs = append(fs, fail.NotAllowed(field, name+"不是这项考评的对象"))
			case sc.Points < 0 || sc.Points > float64(ind.Weight) || sc.Points != round1(sc.Points):
				fs = append(fs, fail.Malformed(field, fmt.Sprintf("%s的得分应在 0 到 %d 分之间，至多一位小数", name, ind.Weight)))
			default:
				if e := plaintext.Check(field, name+"的佐证材料", sc.Evidence, true, 2000, true); e != nil {
					fs = append(fs, e)
				}
			}
		}
		if len(fs) > 0 {
			return fs
		}
		scorer := p.DisplayName
		if scorer == "" {
			scorer = p.Username
		}
		now := d.Now().UnixMilli()
		for i, sc := range in.Scores {
			var res interface{ RowsAffected() (int64, error) }
			if sc.Version == 0 {
				res, err = tx.ExecContext(ctx, `INSERT INTO assess_scores (indicator_id, org_id, points, evidence, scorer, updated_at) VALUES (?,?,?,?,?,?)
					ON CONFLICT (indicator_id, org_id) DO NOTHING`, ind.ID, sc.OrgID, sc.Points, sc.Evidence, scorer, now)
			} else {
				res, err = tx.ExecContext(ctx, `UPDATE assess_scores SET points = ?, evidence = ?, scorer = ?, updated_at = ?, version = version + 1
					WHERE indicator_id = ? AND org_id = ? AND version = ?`, sc.Points, sc.Evidence, scorer, now, ind.ID, sc.OrgID, sc.Version)
			}
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fail.Conflict(fmt.Sprintf("第 %d 项（%s）的得分已被他人录入或修改，请刷新后重试", i+1, t.Index[sc.OrgID].Name))
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.score", ObjectType: "assess_set", ObjectID: fmt.Sprint(s.ID),
			Detail: map[string]any{"indicator": ind.Name, "scores": in.Scores}})
	})
}

// ScoresOf lists a scored indicator's scores by organisation.
func ScoresOf(ctx context.Context, q db.Querier, indicatorID int64) (map[int64]Score, error) {
	rows, err := q.QueryContext(ctx, "SELECT org_id, points, evidence, scorer, version FROM assess_scores WHERE indicator_id = ?", indicatorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Score{}
	for rows.Next() {
		var s Score
		if err := rows.Scan(&s.OrgID, &s.Points, &s.Evidence, &s.Scorer, &s.Version); err != nil {
			return nil, err
		}
		out[s.OrgID] = s
	}
	return out, rows.Err()
}

// Report is a 书记抓党建述职 and its review.
type Report struct {
	ID          int64  `json:"id"`
	SetID       int64  `json:"set_id"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	Secretary   string `json:"secretary"`
	Body        string `json:"body"`
	SubmittedOn string `json:"submitted_on"`
	Grade       string `json:"grade"`
	GradeLabel  string `json:"grade_label"`
	Review      string `json:"review"`
	Reviewer    string `json:"reviewer"`
	ReviewedOn  string `json:"reviewed_on"`
	Version     int    `json:"version"`
	orgPath     string
}

// ReportInput is a 述职 submitted by the organisation.
type ReportInput struct {
	OrgID     int64  `json:"org_id"`
	Secretary string `json:"secretary"` // defaults to the current 书记
	Body      string `json:"body"`
	Version   int    `json:"version"` // when resubmitting before the review
}

// ReviewInput is the set organisation's review.
type ReviewInput struct {
	Grade   string `json:"grade"`
	Review  string `json:"review"`
	Version int    `json:"version"`
}

const reportCols = `r.id, r.set_id, r.org_id, o.name, o.path, r.secretary, r.body, r.submitted_on, r.grade, r.review, r.reviewer, COALESCE(r.reviewed_on, ''), r.version`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	err := sc.Scan(&r.ID, &r.SetID, &r.OrgID, &r.OrgName, &r.orgPath, &r.Secretary, &r.Body, &r.SubmittedOn, &r.Grade, &r.Review, &r.Reviewer, &r.ReviewedOn, &r.Version)
	r.GradeLabel = Grades.Label(r.Grade)
	return &r, err
}

// Reports lists a set's reports the caller may see (all of them for the
// set's organisation, else those of organisations in scope).
func Reports(ctx context.Context, q db.Querier, p *auth.Principal, s *Set, orgID int64) ([]*Report, error) {
	sub, err := org.Narrow(ctx, q, p, orgID)
	if err != nil {
		return nil, err
	}
	w, args := sub.Where("o.path")
	rows, err := q.QueryContext(ctx, "SELECT "+reportCols+" FROM assess_reports r JOIN orgs o ON o.id = r.org_id WHERE r.set_id = ? AND "+w+" ORDER BY o.path",
		append([]any{s.ID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SubmitReport records (or, before its review, replaces) the 述职 of an
// organisation the caller administers, assessed by a published set.
func SubmitReport(ctx context.Context, d *core.Deps, p *auth.Principal, setID int64, in ReportInput) (*Report, error) {
	in.Secretary, in.Body = strings.TrimSpace(in.Secretary), strings.TrimSpace(in.Body)
	if err := fail.Collect(plaintext.Check("secretary", "述职书记", in.Secretary, false, 20, false), plaintext.Check("body", "述职内容", in.Body, true, 8000, true)); err != nil {
		return nil, err
	}
	today := civil.Today(d.Now())
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		s, err := GetSet(ctx, tx, p, setID)
		if err != nil {
			return err
		}
		path, err := org.WritablePath(ctx, tx, p, in.OrgID)
		if err != nil {
			return err
		}
		t, err := targetsOf(ctx, tx, s.OrgID, s.orgPath, s.Kind)
		if err != nil {
			return err
		}
		if s.State != Published || !hasReport(s) || !t.ids[in.OrgID] {
			return fail.NotAllowed("org_id", "该党组织不在这项考评的述职范围内")
		}
		var grade string
		err = tx.QueryRowContext(ctx, "SELECT id, grade FROM assess_reports WHERE set_id = ? AND org_id = ?", s.ID, in.OrgID).Scan(&id, &grade)
		if err == nil && grade != "" {
			return fail.Conflict("述职已评议，不能再改")
		}
		if in.Secretary == "" {
			names, err := org.Secretaries(ctx, tx, scope.Under(path), today.String())
			if err != nil {
				return err
			}
			if in.Secretary = names[in.OrgID]; in.Secretary == "" {
				return fail.Malformed("secretary", "该党组织目前没有书记，请填写述职人")
			}
		}
		now := d.Now().UnixMilli()
		switch {
		case db.IsNoRows(err):
			id, err = db.InsertID(ctx, tx, `INSERT INTO assess_reports (set_id, org_id, secretary, body, submitted_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?)`,
				s.ID, in.OrgID, in.Secretary, in.Body, today.String(), now, now)
			if db.IsUnique(err) {
				return fail.Conflict("述职已由他人提交，请刷新后查看")
			}
		case err == nil:
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.ExecContext(ctx, `UPDATE assess_reports SET secretary = ?, body = ?, submitted_on = ?, updated_at = ?, version = version + 1
				WHERE id = ? AND version = ? AND grade = ''`, in.Secretary, in.Body, today.String(), now, id, in.Version)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					return fail.Conflict("述职已评议，或已被他人修改，不能再改")
				}
			}
		}
		if err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, srcReport, fmt.Sprintf("s%d:o%d", s.ID, in.OrgID)); err != nil {
			return err
		}
		if err := todo.Post(ctx, tx, todo.Item{Source: srcReview, Key: fmt.Sprintf("r%d", id), OrgID: s.OrgID, Title: "评议书记抓党建述职：" + t.Index[in.OrgID].Name,
			Detail: s.Title, Link: fmt.Sprintf("/assess/sets/%d/reports", s.ID), Severity: "info"}); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.report.submit", ObjectType: "assess_report", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return getReport(ctx, d.DB, p, id)
}

func getReport(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Report, error) {
	r, err := scanReport(q.QueryRowContext(ctx, "SELECT "+reportCols+" FROM assess_reports r JOIN orgs o ON o.id = r.org_id WHERE r.id = ?", id))
	if db.IsNoRows(err) || (err == nil && !scope.Of(p).Contains(r.orgPath)) {
		return nil, fail.NotFound()
	}
	return r, err
}

// ReviewReport grades a 述职; only the set organisation's administrators
// may (anyone else: 404), once.
func ReviewReport(ctx context.Context, d *core.Deps, p *auth.Principal, reportID int64, in ReviewInput) (*Report, error) {
	in.Review = strings.TrimSpace(in.Review)
	var gErr *fail.Error
	if Grades.Label(in.Grade) == "" {
		gErr = fail.Malformed("grade", "评议等次应为好、较好、一般或差")
	}
	if err := fail.Collect(gErr, plaintext.Check("review", "评议意见", in.Review, true, 2000, true)); err != nil {
		return nil, err
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := getReport(ctx, tx, p, reportID)
		if err != nil {
			return err
		}
		if _, err := publishedSet(ctx, tx, p, r.SetID); err != nil {
			return err
		}
		if r.Grade != "" {
			return fail.Conflict("这份述职已评议为“" + r.GradeLabel + "”，不能重复评议")
		}
		reviewer := p.DisplayName
		if reviewer == "" {
			reviewer = p.Username
		}
		res, err := tx.ExecContext(ctx, `UPDATE assess_reports SET grade = ?, review = ?, reviewer = ?, reviewed_on = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND grade = '' AND (? = 0 OR version = ?)`, in.Grade, in.Review, reviewer, civil.Today(d.Now()).String(), d.Now().UnixMilli(), r.ID, in.Version, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这份述职已被他人修改或评议，请刷新后查看")
		}
		if err := todo.Close(ctx, tx, srcReview, fmt.Sprintf("r%d", r.ID)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.report.review", ObjectType: "assess_report", ObjectID: fmt.Sprint(r.ID), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return getReport(ctx, d.DB, p, reportID)
}
