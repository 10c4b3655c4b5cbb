package appraisal

import (
	"context"
	"fmt"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
)

// self reports whether p is the member personID acting for themselves.
func self(p *auth.Principal, personID int64) bool {
	return p.Role == auth.Member && p.PersonID != 0 && p.PersonID == personID
}

// forMember loads a round whose roster holds the calling member; anyone
// else, and any round they are not on, is a 404.
func (s *Service) forMember(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Round, *Member, error) {
	if p.Role != auth.Member || p.PersonID == 0 {
		return nil, nil, fail.Denied("no_person", "只有关联了党员信息的账号才能参加民主评议")
	}
	r, err := load(ctx, q, scope.All(), id, s.today().String())
	if err != nil {
		return nil, nil, err
	}
	m := r.member(p.PersonID)
	if m == nil {
		return nil, nil, fail.NotFound()
	}
	return r, m, nil
}

// SetSelf records a member's 自评: by the member on a phone, or by the
// branch's administrator from the member's written one.
func (s *Service) SetSelf(ctx context.Context, p *auth.Principal, id, personID int64, text string) (*Round, error) {
	v, err := input.Text("self_text", "个人自评", text, true, 2000, true)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var r *Round
		var m *Member
		if self(p, personID) {
			if r, m, err = s.forMember(ctx, tx, p, id); err != nil {
				return err
			}
		} else {
			if !p.Writes() {
				return fail.NotFound()
			}
			if r, err = load(ctx, tx, scope.Of(p), id, s.today().String()); err != nil {
				return err
			}
			if m = r.member(personID); m == nil {
				return fail.NotAllowed("person_id", "该党员不在本次评议的名单中")
			}
		}
		if r.ClosedOn != "" {
			return closedErr(r)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE appraisal_members SET self_text = ?, self_at = ? WHERE round_id = ? AND person_id = ?",
			v, s.Now().UnixMilli(), r.ID, personID); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.self", ObjectType: "appraisal_round", ObjectID: fmt.Sprint(r.ID),
			Detail: audit.Change{Before: map[string]any{"person_id": personID, "self_text": m.SelfText}, After: map[string]any{"person_id": personID, "self_text": v}}})
	})
	if err != nil {
		return nil, err
	}
	if self(p, personID) {
		r, _, err := s.forMember(ctx, s.DB, p, id)
		return r, err
	}
	return s.Get(ctx, p, id)
}

// MarkInput is one mark of a ballot.
type MarkInput struct {
	PersonID int64  `json:"person_id"`
	Grade    string `json:"grade"`
	Comment  string `json:"comment"` // 互评, optional
}

// Ballot casts the calling member's 民主测评 ballot: a grade for every
// other member of the round, once, before the 测评 deadline. Only the
// counts and the comments are kept, not who gave them.
func (s *Service) Ballot(ctx context.Context, p *auth.Principal, id int64, marks []MarkInput) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, me, err := s.forMember(ctx, tx, p, id)
		if err != nil {
			return err
		}
		today := s.today().String()
		switch {
		case r.ClosedOn != "":
			return closedErr(r)
		case today > r.VoteDue:
			return fail.Refused("vote_closed", "民主测评已于 "+r.VoteDue+" 截止，不能再投票")
		case me.Voted:
			return fail.Conflict("您已经提交过测评票，每人只能投一次")
		case len(marks) > len(r.Members)-1:
			return fail.NotAllowed("marks", fmt.Sprintf("测评票多于应评人数：本次应评 %d 人（不含本人），收到 %d 项", len(r.Members)-1, len(marks)))
		}
		seen := map[int64]bool{}
		type mark struct {
			grade, comment string
		}
		got := map[int64]mark{}
		for _, mk := range marks {
			t := r.member(mk.PersonID)
			switch {
			case mk.PersonID == p.PersonID:
				return fail.NotAllowed("marks", "民主测评不评本人，个人情况请写在自评中")
			case t == nil:
				return fail.NotAllowed("marks", fmt.Sprintf("被评人员（编号 %d）不在本次评议名单中", mk.PersonID))
			case seen[mk.PersonID]:
				return fail.NotAllowed("marks", t.Name+" 在测评票中出现了两次")
			case GradeLabel(mk.Grade) == "":
				return fail.Malformed("marks", "请为 "+t.Name+" 选择优秀、合格、基本合格或不合格")
			}
			c, err := input.Text("marks", "对 "+t.Name+" 的互评意见", mk.Comment, false, 200, false)
			if err != nil {
				return err
			}
			seen[mk.PersonID] = true
			got[mk.PersonID] = mark{mk.Grade, c}
		}
		if len(got) != len(r.Members)-1 {
			return fail.Malformed("marks", fmt.Sprintf("请为其余 %d 名党员逐一评定等次后再提交（已评 %d 名）", len(r.Members)-1, len(got)))
		}
		res, err := tx.ExecContext(ctx, "UPDATE appraisal_members SET voted_at = ? WHERE round_id = ? AND person_id = ? AND voted_at IS NULL",
			s.Now().UnixMilli(), r.ID, p.PersonID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("您已经提交过测评票，每人只能投一次")
		}
		// Walk the roster, not the ballot, so that the rows are written in
		// the same order whoever voted.
		for _, t := range r.Members {
			mk, ok := got[t.PersonID]
			if !ok {
				continue
			}
			col := "phone_" + mk.grade // a constant of this package, checked above
			if _, err := tx.ExecContext(ctx, "UPDATE appraisal_members SET "+col+" = "+col+" + 1 WHERE round_id = ? AND person_id = ?", r.ID, t.PersonID); err != nil {
				return err
			}
			if mk.comment != "" {
				if _, err := tx.ExecContext(ctx, "INSERT INTO appraisal_comments (round_id, target_id, comment) VALUES (?,?,?)", r.ID, t.PersonID, mk.comment); err != nil {
					return err
				}
			}
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.ballot", ObjectType: "appraisal_round", ObjectID: fmt.Sprint(r.ID),
			Detail: map[string]any{"marks": len(got)}})
	})
}

// TallyInput is the paper marks one member received.
type TallyInput struct {
	PersonID int64 `json:"person_id"`
	Tally
}

// SetTally records the paper ballots: how many were cast, and the marks
// each member received on them. Paper and phone ballots together cannot
// outnumber the roster, nor a member's paper marks the paper ballots.
func (s *Service) SetTally(ctx context.Context, p *auth.Principal, id int64, version, paper int, tallies []TallyInput) (*Round, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if r.ClosedOn != "" {
			return closedErr(r)
		}
		if paper < 0 {
			return fail.NotAllowed("paper_ballots", "纸质测评票数不能为负数")
		}
		if paper+r.PhoneBallots > r.Roster {
			return fail.NotAllowed("paper_ballots", fmt.Sprintf("纸质票 %d 张与手机测评 %d 票合计超过参加评议的党员 %d 人", paper, r.PhoneBallots, r.Roster))
		}
		seen := map[int64]bool{}
		for _, t := range tallies {
			m := r.member(t.PersonID)
			switch {
			case m == nil:
				return fail.NotAllowed("tallies", fmt.Sprintf("人员（编号 %d）不在本次评议名单中", t.PersonID))
			case seen[t.PersonID]:
				return fail.NotAllowed("tallies", m.Name+" 的纸质票数填写了两次")
			case t.Excellent < 0 || t.Qualified < 0 || t.Basic < 0 || t.Unqualified < 0:
				return fail.NotAllowed("tallies", m.Name+" 的票数不能为负数")
			case t.Total() > paper:
				return fail.NotAllowed("tallies", fmt.Sprintf("%s 的纸质票合计 %d 票，多于收回的纸质测评票 %d 张", m.Name, t.Total(), paper))
			}
			seen[t.PersonID] = true
		}
		before := map[string]any{"paper_ballots": r.PaperBallots}
		if _, err := tx.ExecContext(ctx, "UPDATE appraisal_rounds SET paper_ballots = ? WHERE id = ?", paper, r.ID); err != nil {
			return err
		}
		for _, t := range tallies {
			if _, err := tx.ExecContext(ctx, `UPDATE appraisal_members SET paper_excellent = ?, paper_qualified = ?, paper_basic = ?, paper_unqualified = ?
				WHERE round_id = ? AND person_id = ?`, t.Excellent, t.Qualified, t.Basic, t.Unqualified, r.ID, t.PersonID); err != nil {
				return err
			}
		}
		if err := s.bump(ctx, tx, r); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.tally", ObjectType: "appraisal_round", ObjectID: fmt.Sprint(r.ID),
			Detail: audit.Change{Before: before, After: map[string]any{"paper_ballots": paper, "members": len(tallies)}}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}
