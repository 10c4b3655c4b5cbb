package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Reviewed is a question of a handed-in attempt that the member answered
// wrongly or left blank, with the right answer and the explanation.
type Reviewed struct {
	Seq         int    `json:"seq"`
	Label       string `json:"kind_label"`
	Stem        string `json:"stem"`
	Mine        string `json:"mine"` // empty when left blank
	Right       string `json:"right"`
	Explanation string `json:"explanation"`
}

// answerText writes a stored answer (original letters, T/F, a JSON list
// of blanks) as the texts a member recognises, whatever order the options
// were shown in.
func answerText(q *Question, stored string) (string, error) {
	switch q.Kind {
	case Single, Multi:
		var parts []string
		for _, r := range stored {
			i := int(r - 'A')
			if i < 0 || i >= len(q.Options) {
				return "", fmt.Errorf("exam_questions %d: answer %q outside the options", q.ID, stored)
			}
			parts = append(parts, q.Options[i])
		}
		return strings.Join(parts, "；"), nil
	case Judge:
		if stored == "T" {
			return "对", nil
		}
		return "错", nil
	case Fill:
		var blanks []string
		if err := json.Unmarshal([]byte(stored), &blanks); err != nil {
			return "", fmt.Errorf("exam answer to question %d: %w", q.ID, err)
		}
		return strings.Join(blanks, "；"), nil
	}
	return stored, nil
}

// rightText is the right answer in words; a blank accepting several
// answers lists them with 或.
func rightText(q *Question) (string, error) {
	if q.Kind == Fill {
		return strings.ReplaceAll(DisplayAnswer(q), "|", " 或 "), nil
	}
	return answerText(q, q.Answer)
}

// wrongOf lists the questions of an attempt answered wrongly or not at
// all, in the order the member saw them.
func (s *Service) wrongOf(ctx context.Context, a *Attempt) ([]Reviewed, error) {
	type given struct {
		answer  string
		correct bool
	}
	answers := map[int64]given{}
	rows, err := s.DB.QueryContext(ctx, "SELECT question_id, answer, correct FROM exam_answers WHERE attempt_id = ?", a.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var g given
		var correct int
		if err := rows.Scan(&id, &g.answer, &correct); err != nil {
			return nil, errors.Join(err, rows.Close())
		}
		g.correct = correct == 1
		answers[id] = g
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	out := []Reviewed{}
	for i, id := range a.Questions {
		g, ok := answers[id]
		if ok && g.correct {
			continue
		}
		q, err := s.question(ctx, id)
		if err != nil {
			return nil, err
		}
		v := Reviewed{Seq: i + 1, Label: q.Kind.Label(), Stem: q.Stem, Explanation: q.Explanation}
		if ok {
			if v.Mine, err = answerText(q, g.answer); err != nil {
				return nil, err
			}
		}
		if v.Right, err = rightText(q); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
