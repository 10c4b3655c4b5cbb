package community

import (
	"context"
	"errors"
	"fmt"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
)

// Issue is a resident's problem in the ledger of 关键小事.
type Issue struct {
	ID            int64  `json:"id"`
	CommunityID   int64  `json:"community_id"`
	Community     string `json:"community"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	RaisedOn      string `json:"raised_on"`
	RaisedBy      string `json:"raised_by"`
	What          string `json:"what"`
	TakerID       int64  `json:"taker_id,omitempty"`
	TakerName     string `json:"taker_name"`
	DueOn         string `json:"due_on,omitempty"`
	ResolvedOn    string `json:"resolved_on,omitempty"`
	Resolution    string `json:"resolution,omitempty"`
	Feedback      string `json:"feedback,omitempty"`
	FeedbackLabel string `json:"feedback_label,omitempty"`
	FeedbackNote  string `json:"feedback_note,omitempty"`
	Overdue       bool   `json:"overdue"`
	Version       int    `json:"version"`
}

const issueCols = `i.id, i.community_id, c.name, i.org_id, o.name, i.raised_on, i.raised_by, i.what, COALESCE(i.taker_id, 0), i.taker_name,
	COALESCE(i.due_on, ''), COALESCE(i.resolved_on, ''), i.resolution, i.feedback, i.feedback_note, i.version`

const issueFrom = " FROM community_issues i JOIN communities c ON c.id = i.community_id JOIN orgs o ON o.id = i.org_id"

func scanIssue(s scanner, today string) (*Issue, error) {
	var i Issue
	err := s.Scan(&i.ID, &i.CommunityID, &i.Community, &i.OrgID, &i.OrgName, &i.RaisedOn, &i.RaisedBy, &i.What, &i.TakerID, &i.TakerName,
		&i.DueOn, &i.ResolvedOn, &i.Resolution, &i.Feedback, &i.FeedbackNote, &i.Version)
	i.FeedbackLabel = RatingLabel(i.Feedback)
	i.Overdue = i.ResolvedOn == "" && i.DueOn != "" && i.DueOn < today
	return &i, err
}

func (s *Service) today() civil.Date { return civil.Today(s.Now()) }

func loadIssue(ctx context.Context, q db.Querier, sc scope.Subtree, id int64, today string) (*Issue, error) {
	in, args := sc.Where("o.path")
	i, err := scanIssue(q.QueryRowContext(ctx, "SELECT "+issueCols+issueFrom+" WHERE i.id = ? AND "+in, append([]any{id}, args...)...), today)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return i, err
}

// GetIssue returns an issue the caller may read.
func (s *Service) GetIssue(ctx context.Context, p *auth.Principal, id int64) (*Issue, error) {
	return loadIssue(ctx, s.DB, scope.Of(p), id, s.today().String())
}

// IssueInput enters a problem raised by residents.
type IssueInput struct {
	CommunityID int64  `json:"community_id"`
	OrgID       int64  `json:"org_id"`
	RaisedOn    string `json:"raised_on"`
	RaisedBy    string `json:"raised_by"`
	What        string `json:"what"`
	TakerID     int64  `json:"taker_id"`
	DueOn       string `json:"due_on"`
}

// taker finds the member who takes a problem: a party member of the
// organisation.
func taker(ctx context.Context, q db.Querier, orgID, personID int64) (*member.Person, error) {
	path, err := org.PathOf(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	pe, err := member.GetIn(ctx, q, scope.Under(path), personID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && pe.Status != "full" && pe.Status != "probationary") {
		return nil, fail.NotAllowed("taker_id", "承办人应为本组织的党员")
	}
	return pe, err
}

// Raise enters a problem in the ledger; the same problem twice is refused.
func (s *Service) Raise(ctx context.Context, p *auth.Principal, in IssueInput) (*Issue, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	o, err := writableOrg(ctx, s.DB, p, "org_id", in.OrgID)
	if err != nil {
		return nil, err
	}
	c, err := loadSite(ctx, s.DB, scope.Of(p), in.CommunityID, false)
	if err != nil {
		return nil, err
	}
	today := s.today()
	raised, err := input.Date("raised_on", "反映日期", in.RaisedOn)
	if err != nil {
		return nil, err
	}
	if today.Before(raised) {
		return nil, fail.NotAllowed("raised_on", "反映日期不能晚于今天")
	}
	if in.What, err = input.Text("what", "群众反映的问题", in.What, true, 500, true); err != nil {
		return nil, err
	}
	if in.RaisedBy, err = input.Text("raised_by", "反映人", in.RaisedBy, false, 60, false); err != nil {
		return nil, err
	}
	due, err := input.OptDate("due_on", "承诺办结日期", in.DueOn)
	if err != nil {
		return nil, err
	}
	if !due.IsZero() && due.Before(raised) {
		return nil, fail.NotAllowed("due_on", "承诺办结日期不能早于反映日期")
	}
	name := ""
	if in.TakerID != 0 {
		pe, err := taker(ctx, s.DB, o.ID, in.TakerID)
		if err != nil {
			return nil, err
		}
		name = pe.Name
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO community_issues (community_id, org_id, raised_on, raised_by, what, taker_id, taker_name, due_on, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, c.ID, o.ID, raised.String(), in.RaisedBy, in.What, nullID(in.TakerID), name, nullStr(due.String()), now, now)
		if db.IsUnique(err) {
			return fail.Conflict("这件事已经登记在台账中")
		}
		if err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "community.issue.raise", ObjectType: "community_issue", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"community_id": c.ID, "org_id": o.ID, "raised_on": raised.String(), "what": in.What, "taker": name, "due_on": due.String()}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return s.GetIssue(ctx, p, id)
}

// Progress is a step of an issue: take it (taker and due date), resolve it
// (resolved_on and how), or record the resident's feedback on it.
type Progress struct {
	Version      int    `json:"version"`
	Step         string `json:"step"` // take, resolve or feedback
	TakerID      int64  `json:"taker_id"`
	DueOn        string `json:"due_on"`
	ResolvedOn   string `json:"resolved_on"`
	Resolution   string `json:"resolution"`
	Feedback     string `json:"feedback"`
	FeedbackNote string `json:"feedback_note"`
}

var stepActions = map[string]string{"take": "community.issue.take", "resolve": "community.issue.resolve", "feedback": "community.issue.feedback"}

// Advance applies a step to an issue at the version read.
func (s *Service) Advance(ctx context.Context, p *auth.Principal, id int64, in Progress) (*Issue, error) {
	today := s.today()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if !p.Writes() {
			return fail.NotFound()
		}
		i, err := loadIssue(ctx, tx, scope.Of(p), id, today.String())
		if err != nil {
			return err
		}
		if in.Version != i.Version {
			return fail.Conflict("该事项已被他人更新，请刷新后重新填写")
		}
		before := *i
		switch in.Step {
		case "take":
			if i.ResolvedOn != "" {
				return fail.Conflict("该事项已于 " + i.ResolvedOn + " 办结")
			}
			pe, err := taker(ctx, tx, i.OrgID, in.TakerID)
			if err != nil {
				return err
			}
			due, err := input.OptDate("due_on", "承诺办结日期", in.DueOn)
			if err != nil {
				return err
			}
			if !due.IsZero() && due.String() < i.RaisedOn {
				return fail.NotAllowed("due_on", "承诺办结日期不能早于反映日期")
			}
			i.TakerID, i.TakerName, i.DueOn = pe.ID, pe.Name, due.String()
		case "resolve":
			if i.ResolvedOn != "" {
				return fail.Conflict("该事项已于 " + i.ResolvedOn + " 办结")
			}
			day, err := input.Date("resolved_on", "办结日期", in.ResolvedOn)
			if err != nil {
				return err
			}
			if day.String() < i.RaisedOn || today.Before(day) {
				return fail.NotAllowed("resolved_on", "办结日期应在反映日期 "+i.RaisedOn+" 与今天之间")
			}
			if i.Resolution, err = input.Text("resolution", "办理情况", in.Resolution, true, 1000, true); err != nil {
				return err
			}
			i.ResolvedOn = day.String()
		case "feedback":
			switch {
			case i.ResolvedOn == "":
				return fail.NotAllowed("feedback", "事项办结后再登记群众评价")
			case i.Feedback != "":
				return fail.Conflict("群众评价已经登记")
			case RatingLabel(in.Feedback) == "":
				return fail.Malformed("feedback", "请选择群众评价：满意、基本满意或不满意")
			}
			if i.FeedbackNote, err = input.Text("feedback_note", "评价说明", in.FeedbackNote, in.Feedback == "unsatisfied", 500, true); err != nil {
				return err
			}
			i.Feedback = in.Feedback
		default:
			return fail.Malformed("step", "请说明办理步骤：take（承办）、resolve（办结）或 feedback（群众评价）")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE community_issues SET taker_id = ?, taker_name = ?, due_on = ?, resolved_on = ?, resolution = ?, feedback = ?,
			feedback_note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, nullID(i.TakerID), i.TakerName, nullStr(i.DueOn),
			nullStr(i.ResolvedOn), i.Resolution, i.Feedback, i.FeedbackNote, s.Now().UnixMilli(), id, in.Version); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: stepActions[in.Step], ObjectType: "community_issue", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: before, After: i}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return s.GetIssue(ctx, p, id)
}
