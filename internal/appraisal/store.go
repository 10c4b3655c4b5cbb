package appraisal

import (
	"context"
	"fmt"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/pioneer"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Service runs the rounds.
type Service struct{ *core.Deps }

// Round is one branch's 民主评议 of a year.
type Round struct {
	ID           int64    `json:"id"`
	OrgID        int64    `json:"org_id"`
	OrgName      string   `json:"org_name"`
	Year         int      `json:"year"`
	StartedOn    string   `json:"started_on"`
	SelfDue      string   `json:"self_due"`  // 自评 by
	VoteDue      string   `json:"vote_due"`  // 民主测评 by
	RateDue      string   `json:"rate_due"`  // the branch's rating by
	ClosedOn     string   `json:"closed_on"` // rated and closed
	Stage        string   `json:"stage"`     // self, vote, rate, closed
	StageLabel   string   `json:"stage_label"`
	Overdue      bool     `json:"overdue"` // past its rating deadline and not closed
	Roster       int      `json:"roster"`
	PhoneBallots int      `json:"phone_ballots"`
	PaperBallots int      `json:"paper_ballots"`
	Rated        int      `json:"rated"`
	Ratings      Tally    `json:"ratings"` // the distribution of the branch's ratings
	Members      []Member `json:"members,omitempty"`
	CreatedBy    string   `json:"created_by"`
	Version      int      `json:"version"`
	orgPath      string
}

// Member is one member of a round.
type Member struct {
	PersonID    int64    `json:"person_id"`
	Name        string   `json:"name"`
	SelfText    string   `json:"self_text"`
	SelfAt      int64    `json:"self_at,omitempty"`
	Voted       bool     `json:"voted"` // cast a phone ballot
	Phone       Tally    `json:"phone"` // marks received on phones
	Paper       Tally    `json:"paper"` // marks received on paper
	Comments    []string `json:"comments,omitempty"`
	Rating      string   `json:"rating"`
	RatingLabel string   `json:"rating_label"`
	RatingNote  string   `json:"rating_note"`
	Measure     string   `json:"measure,omitempty"`    // 限期改正: what to correct
	CorrectBy   string   `json:"correct_by,omitempty"` // and by when
	Result      string   `json:"result,omitempty"`
	ResultLabel string   `json:"result_label,omitempty"`
	ResultOn    string   `json:"result_on,omitempty"`
	ResultNote  string   `json:"result_note,omitempty"`
	// Pledge is the year-end review of the member's commitment of the
	// year (承诺践诺), which the branch weighs in its rating.
	Pledge *pioneer.Review `json:"pledge,omitempty"`
}

// Marks are all the marks a member received.
func (m Member) Marks() Tally { return m.Phone.Plus(m.Paper) }

var stageLabels = map[string]string{"self": "个人自评", "vote": "民主测评", "rate": "组织评定", "closed": "已完成"}

// stage places a round on today.
func (r *Round) stage(today string) {
	switch {
	case r.ClosedOn != "":
		r.Stage = "closed"
	case today <= r.SelfDue:
		r.Stage = "self"
	case today <= r.VoteDue:
		r.Stage = "vote"
	default:
		r.Stage = "rate"
		r.Overdue = today > r.RateDue
	}
	r.StageLabel = stageLabels[r.Stage]
}

const roundCols = `r.id, r.org_id, o.name, o.path, r.year, r.started_on, r.self_due, r.vote_due, r.rate_due, COALESCE(r.closed_on, ''),
	r.paper_ballots, r.created_by, r.version,
	(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id),
	(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.voted_at IS NOT NULL),
	(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'excellent'),
	(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'qualified'),
	(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'basic'),
	(SELECT COUNT(*) FROM appraisal_members m WHERE m.round_id = r.id AND m.rating = 'unqualified')`

type scanner = listing.Scanner

func scanRound(s scanner, today string) (*Round, error) {
	var r Round
	t := &r.Ratings
	if err := s.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.orgPath, &r.Year, &r.StartedOn, &r.SelfDue, &r.VoteDue, &r.RateDue, &r.ClosedOn,
		&r.PaperBallots, &r.CreatedBy, &r.Version, &r.Roster, &r.PhoneBallots, &t.Excellent, &t.Qualified, &t.Basic, &t.Unqualified); err != nil {
		return nil, err
	}
	r.Rated = t.Total()
	r.stage(today)
	return &r, nil
}

// load reads a round in s with its members; anything else is a 404.
func load(ctx context.Context, q db.Querier, s scope.Subtree, id int64, today string) (*Round, error) {
	in, args := s.Where("o.path")
	r, err := scanRound(q.QueryRowContext(ctx, "SELECT "+roundCols+" FROM appraisal_rounds r JOIN orgs o ON o.id = r.org_id WHERE r.id = ? AND "+in,
		append([]any{id}, args...)...), today)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	r.Members, err = members(ctx, q, id)
	return r, err
}

func members(ctx context.Context, q db.Querier, id int64) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT person_id, name, self_text, COALESCE(self_at, 0), CASE WHEN voted_at IS NULL THEN 0 ELSE 1 END,
		phone_excellent, phone_qualified, phone_basic, phone_unqualified, paper_excellent, paper_qualified, paper_basic, paper_unqualified,
		rating, rating_note, measure, COALESCE(correct_by, ''), result, COALESCE(result_on, ''), result_note
		FROM appraisal_members WHERE round_id = ? ORDER BY seq, person_id`, id)
	out, err := db.Collect(rows, err, func(r db.Scanner) (m Member, err error) {
		var voted int
		ph, pa := &m.Phone, &m.Paper
		if err := r.Scan(&m.PersonID, &m.Name, &m.SelfText, &m.SelfAt, &voted, &ph.Excellent, &ph.Qualified, &ph.Basic, &ph.Unqualified,
			&pa.Excellent, &pa.Qualified, &pa.Basic, &pa.Unqualified, &m.Rating, &m.RatingNote, &m.Measure, &m.CorrectBy,
			&m.Result, &m.ResultOn, &m.ResultNote); err != nil {
			return m, err
		}
		m.Voted, m.RatingLabel, m.ResultLabel = voted == 1, GradeLabel(m.Rating), ResultLabel(m.Result)
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	crows, err := q.QueryContext(ctx, "SELECT target_id, comment FROM appraisal_comments WHERE round_id = ? ORDER BY comment", id)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	at := map[int64]int{}
	for i, m := range out {
		at[m.PersonID] = i
	}
	for crows.Next() {
		var target int64
		var c string
		if err := crows.Scan(&target, &c); err != nil {
			return nil, err
		}
		if i, ok := at[target]; ok {
			out[i].Comments = append(out[i].Comments, c)
		}
	}
	return out, crows.Err()
}

func (s *Service) today() civil.Date { return civil.Today(s.Now()) }

// Get returns a round the caller may read, with each member's reviewed
// commitment of the year.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Round, error) {
	r, err := load(ctx, s.DB, scope.Of(p), id, s.today().String())
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(r.Members))
	for i, m := range r.Members {
		ids[i] = m.PersonID
	}
	pledges, err := pioneer.ReviewsOf(ctx, s.DB, r.Year, ids)
	if err != nil {
		return nil, err
	}
	for i, m := range r.Members {
		if pl, ok := pledges[m.PersonID]; ok {
			r.Members[i].Pledge = &pl
		}
	}
	return r, nil
}

// Input opens a round.
type Input struct {
	OrgID     int64  `json:"org_id"`
	Year      int    `json:"year"`
	StartedOn string `json:"started_on"`
	SelfDue   string `json:"self_due"`
	VoteDue   string `json:"vote_due"`
	RateDue   string `json:"rate_due"`
}

// holders are the organisations that appraise their members.
var holders = org.Only{Kinds: org.BranchKinds}

// Open starts a round: its roster is the party members of the branch on
// the day it starts. A second round of the same branch and year is refused.
func (s *Service) Open(ctx context.Context, p *auth.Principal, in Input) (*Round, error) {
	if in.OrgID <= 0 {
		return nil, fail.Malformed("org_id", "请选择开展评议的党支部")
	}
	if _, err := org.WritablePath(ctx, s.DB, p, in.OrgID); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, s.DB, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !holders.Keeps(o) || o.Dissolved() {
		return nil, fail.NotAllowed("org_id", "民主评议党员由党支部开展，请选择一个未撤销的党支部")
	}
	today := s.today()
	if in.Year < 2000 || in.Year > today.Year() {
		return nil, fail.Malformed("year", "请填写评议年度（四位年份，不晚于今年）")
	}
	var d [4]civil.Date
	for i, f := range []struct{ field, label, v string }{{"started_on", "开始日期", in.StartedOn}, {"self_due", "自评截止日期", in.SelfDue},
		{"vote_due", "测评截止日期", in.VoteDue}, {"rate_due", "评定截止日期", in.RateDue}} {
		if d[i], err = input.Date(f.field, f.label, f.v); err != nil {
			return nil, err
		}
	}
	start, selfDue, voteDue, rateDue := d[0], d[1], d[2], d[3]
	switch {
	case today.Before(start):
		return nil, fail.NotAllowed("started_on", "开始日期不能晚于今天：评议开始时按当天的党员名单确定参评人员")
	case start.Year() != in.Year && start.Year() != in.Year+1:
		return nil, fail.NotAllowed("started_on", fmt.Sprintf("%d 年度的评议应在 %d 年或 %d 年内开始", in.Year, in.Year, in.Year+1))
	case selfDue.Before(start):
		return nil, fail.NotAllowed("self_due", "自评截止日期不能早于开始日期")
	case voteDue.Before(selfDue):
		return nil, fail.NotAllowed("vote_due", "测评截止日期不能早于自评截止日期")
	case rateDue.Before(voteDue):
		return nil, fail.NotAllowed("rate_due", "评定截止日期不能早于测评截止日期")
	case rateDue.After(start.AddMonths(3)):
		return nil, fail.NotAllowed("rate_due", "一轮评议应在三个月内完成，评定截止日期不能晚于 "+start.AddMonths(3).String())
	}
	roster, err := life.Roster(ctx, s.DB, o, life.Congress, start)
	if err != nil {
		return nil, err
	}
	if len(roster) < 2 {
		return nil, fail.NotAllowed("org_id", "「"+o.Name+"」在开始日期不足 2 名党员，无法开展互评和民主测评")
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO appraisal_rounds (org_id, year, started_on, self_due, vote_due, rate_due, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, o.ID, in.Year, start.String(), selfDue.String(), voteDue.String(), rateDue.String(), p.Username, now, now)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("「%s」%d 年度的民主评议已经开展，无需重复创建", o.Name, in.Year))
		}
		if err != nil {
			return err
		}
		for i, m := range roster {
			if _, err := tx.ExecContext(ctx, "INSERT INTO appraisal_members (round_id, person_id, name, seq) VALUES (?,?,?,?)", id, m.PersonID, m.Name, i); err != nil {
				return err
			}
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.open", ObjectType: "appraisal_round", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"org_id": o.ID, "year": in.Year, "started_on": start.String(), "self_due": selfDue.String(),
				"vote_due": voteDue.String(), "rate_due": rateDue.String(), "roster": len(roster)}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// writable loads a round for an administrator's write in tx, at the
// version the caller read, still open.
func (s *Service) writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Round, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	r, err := load(ctx, tx, scope.Of(p), id, s.today().String())
	if err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, fail.Malformed("version", "请提供所读取记录的版本号（version）")
	}
	if version != r.Version {
		return nil, stale()
	}
	return r, nil
}

func stale() error { return fail.Conflict("该评议已被他人修改，请刷新后重新填写") }

func closedErr(r *Round) error {
	return fail.Conflict("该评议已于 " + r.ClosedOn + " 完成，不能再修改")
}

// bump moves a round's version after a write.
func (s *Service) bump(ctx context.Context, tx *db.Tx, r *Round) error {
	res, err := tx.ExecContext(ctx, "UPDATE appraisal_rounds SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
		s.Now().UnixMilli(), r.ID, r.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stale()
	}
	r.Version++
	return nil
}

// member finds a person on a round's roster.
func (r *Round) member(personID int64) *Member {
	for i := range r.Members {
		if r.Members[i].PersonID == personID {
			return &r.Members[i]
		}
	}
	return nil
}
