package appraisal

import (
	"context"
	"fmt"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
)

// RatingInput is the branch's rating of one member; a 不合格 carries its
// 限期改正 (what to correct and by when).
type RatingInput struct {
	PersonID  int64  `json:"person_id"`
	Rating    string `json:"rating"`
	Note      string `json:"note"`
	Measure   string `json:"measure"`
	CorrectBy string `json:"correct_by"`
}

// checkRating validates one rating against today.
func checkRating(m *Member, in RatingInput, today civil.Date) (RatingInput, error) {
	if GradeLabel(in.Rating) == "" {
		return in, fail.Malformed("ratings", "请为 "+m.Name+" 选择评定等次：优秀、合格、基本合格或不合格")
	}
	var err error
	if in.Note, err = input.Text("ratings", m.Name+" 的评定说明", in.Note, false, 200, false); err != nil {
		return in, err
	}
	if in.Rating != Unqualified {
		in.Measure, in.CorrectBy = "", ""
		return in, nil
	}
	if in.Measure, err = input.Text("measure", m.Name+" 的限期改正要求", in.Measure, false, 500, true); err != nil {
		return in, err
	}
	by, err := input.OptDate("correct_by", m.Name+" 的改正期限", in.CorrectBy)
	if err != nil {
		return in, err
	}
	last := today.AddMonths(maxCorrectionMonths)
	switch {
	case in.Measure == "" || by.IsZero():
		e := fail.Rule(ruleCorrection, citeCorrection, m.Name+" 评定为不合格，须同时写明限期改正的要求和改正期限")
		e.Field = "measure"
		return in, e
	case !by.After(today):
		return in, fail.NotAllowed("correct_by", m.Name+" 的改正期限应晚于今天")
	case by.After(last):
		e := fail.Rule(ruleCorrection, citeCorrection, fmt.Sprintf("%s 的限期改正期限最长一年，应不晚于 %s", m.Name, last))
		e.Field = "correct_by"
		return in, e
	}
	in.CorrectBy = by.String()
	return in, nil
}

// Rate records the branch's ratings of some members (the others keep
// theirs); the round must still be open.
func (s *Service) Rate(ctx context.Context, p *auth.Principal, id int64, version int, ratings []RatingInput) (*Round, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if r.ClosedOn != "" {
			return closedErr(r)
		}
		if len(ratings) == 0 {
			return fail.Malformed("ratings", "请至少评定一名党员")
		}
		today := s.today()
		seen := map[int64]bool{}
		checked := make([]RatingInput, 0, len(ratings))
		for _, in := range ratings {
			m := r.member(in.PersonID)
			if m == nil {
				return fail.NotAllowed("ratings", fmt.Sprintf("人员（编号 %d）不在本次评议名单中", in.PersonID))
			}
			if seen[in.PersonID] {
				return fail.NotAllowed("ratings", m.Name+" 的等次填写了两次")
			}
			seen[in.PersonID] = true
			c, err := checkRating(m, in, today)
			if err != nil {
				return err
			}
			checked = append(checked, c)
		}
		changed := []map[string]any{}
		for _, c := range checked {
			m := r.member(c.PersonID)
			if m.Rating == c.Rating && m.RatingNote == c.Note && m.Measure == c.Measure && m.CorrectBy == c.CorrectBy {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE appraisal_members SET rating = ?, rating_note = ?, measure = ?, correct_by = ?
				WHERE round_id = ? AND person_id = ?`, c.Rating, c.Note, c.Measure, nullStr(c.CorrectBy), r.ID, c.PersonID); err != nil {
				return err
			}
			changed = append(changed, map[string]any{"person_id": c.PersonID, "from": m.Rating, "to": c.Rating, "correct_by": c.CorrectBy})
		}
		if err := s.bump(ctx, tx, r); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.rate", ObjectType: "appraisal_round", ObjectID: fmt.Sprint(r.ID),
			Detail: map[string]any{"changes": changed}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Close completes a round once every member is rated; the 限期改正 of
// those rated 不合格 become 待办 until their outcome is recorded.
func (s *Service) Close(ctx context.Context, p *auth.Principal, id int64, version int, on string) (*Round, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if r.ClosedOn != "" {
			return closedErr(r)
		}
		day, err := input.Date("closed_on", "完成日期", on)
		if err != nil {
			return err
		}
		today := s.today()
		if day.String() < r.StartedOn || today.Before(day) {
			return fail.NotAllowed("closed_on", "完成日期应在评议开始日期与今天之间")
		}
		if n := r.Roster - r.Rated; n > 0 {
			return fail.NotAllowed("ratings", fmt.Sprintf("还有 %d 名党员未评定等次，全部评定后才能完成评议", n))
		}
		if _, err := tx.ExecContext(ctx, "UPDATE appraisal_rounds SET closed_on = ? WHERE id = ?", day.String(), r.ID); err != nil {
			return err
		}
		if err := s.bump(ctx, tx, r); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.close", ObjectType: "appraisal_round", ObjectID: fmt.Sprint(r.ID),
			Detail: audit.Change{After: map[string]any{"closed_on": day.String(), "ratings": r.Ratings}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Outcome records how a 限期改正 ended, on a day between the rating and
// today; the member's 待办 closes.
func (s *Service) Outcome(ctx context.Context, p *auth.Principal, id int64, version int, personID int64, result, on, note string) (*Round, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		m := r.member(personID)
		switch {
		case m == nil || m.Rating != Unqualified:
			return fail.NotAllowed("person_id", "只有评定为不合格的党员才有限期改正结果")
		case r.ClosedOn == "":
			return fail.NotAllowed("person_id", "评议完成后再登记限期改正的结果")
		case m.Result != "":
			return fail.Conflict(m.Name + " 的限期改正结果已于 " + m.ResultOn + " 登记")
		case ResultLabel(result) == "":
			return fail.Malformed("result", "请选择改正结果：已改正，或经教育仍未改正")
		}
		day, err := input.Date("result_on", "结果日期", on)
		if err != nil {
			return err
		}
		if day.String() < r.ClosedOn || s.today().Before(day) {
			return fail.NotAllowed("result_on", "结果日期应在评议完成日期 "+r.ClosedOn+" 与今天之间")
		}
		if note, err = input.Text("result_note", "结果说明", note, result == NotCorrected, 500, true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE appraisal_members SET result = ?, result_on = ?, result_note = ? WHERE round_id = ? AND person_id = ?",
			result, day.String(), note, r.ID, personID); err != nil {
			return err
		}
		if err := s.bump(ctx, tx, r); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.outcome", ObjectType: "appraisal_round", ObjectID: fmt.Sprint(r.ID),
			Detail: audit.Change{After: map[string]any{"person_id": personID, "result": result, "result_on": day.String()}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, s.today())
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
