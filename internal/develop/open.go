package develop

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/rules"
	"hongdun/internal/todo"
)

// OpenInput opens a case when a 入党申请书 is received.
type OpenInput struct {
	PersonID int64  `json:"person_id"`
	Date     string `json:"date"` // the day the application was received
	Opinion  string `json:"opinion,omitempty"`
}

// Open opens a case for a person in scope and records step 1. A repeated
// submission returns the case already opened.
func Open(ctx context.Context, d *core.Deps, p *auth.Principal, in OpenInput) (*Result, error) {
	today := civil.Today(d.Now())
	date, err := parseDate("date", in.Date, today, true)
	if err != nil {
		return nil, err
	}
	c := &Case{PersonID: in.PersonID, RuleSet: rules.DefaultSet, Status: "open", Version: 1}
	inScope, args := scope.Of(p).Where("o.path")
	err = d.DB.QueryRowContext(ctx, `SELECT p.name, p.status, COALESCE(p.birth_date, ''), p.org_id, o.name, o.path FROM persons p JOIN orgs o ON o.id = p.org_id
		WHERE p.id = ? AND `+inScope, append([]any{in.PersonID}, args...)...).Scan(&c.PersonName, &c.PersonStatus, &c.BirthDate, &c.OrgID, &c.OrgName, &c.OrgPath)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if (devStage[c.PersonStatus] == 0 && c.PersonStatus != member.Masses) || c.PersonStatus == "full" {
		return nil, fail.NotAllowed("person_id", fmt.Sprintf("%s的身份为「%s」，不能建立发展档案（限群众、申请人、入党积极分子、发展对象和预备党员）",
			c.PersonName, member.StatusLabel(c.PersonStatus)))
	}
	var existing int64
	err = d.DB.QueryRowContext(ctx, "SELECT id FROM dev_cases WHERE person_id = ? AND status = 'open'", in.PersonID).Scan(&existing)
	if err == nil {
		old, err := loadCase(ctx, d.DB, p, existing)
		if err != nil {
			return nil, err
		}
		if r := old.StepRecord(1); r != nil && r.Date == date.String() {
			if err := replayConflict(Input{Opinion: in.Opinion}, r.Date, r); err != nil {
				return nil, err
			}
			return &Result{Case: old, Record: r, Warnings: r.Warnings, Replayed: true}, nil
		}
		return nil, fail.Conflict(fmt.Sprintf("%s已有进行中的发展档案", old.PersonName))
	} else if !db.IsNoRows(err) {
		return nil, err
	}
	if !p.Writes() {
		return nil, fail.Forbidden()
	}
	e, err := engine(ctx, d.DB, c.RuleSet)
	if err != nil {
		return nil, err
	}
	branch, err := getOrg(ctx, d.DB, c.OrgID)
	if err != nil {
		return nil, err
	}
	v := e.Check(c.facts(), rules.Action{Kind: rules.ActStep, Step: 1, Date: date, Org: ruleOrg(branch)})
	if !v.OK() {
		return nil, refusal(v)
	}
	if msg := plaintext.Lines("意见", in.Opinion); msg != "" {
		return nil, fail.Malformed("opinion", msg)
	}
	now := d.Now().UnixMilli()
	rec := &Record{Kind: rules.ActStep, Step: 1, Date: date.String(), OrgID: c.OrgID, OrgName: c.OrgName,
		Data: Data{Opinion: strings.TrimSpace(in.Opinion)}, Warnings: v.Warnings, Actor: p.Username, CreatedAt: now}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO dev_cases (person_id, org_id, rule_set, status, created_at, updated_at) VALUES (?,?,?,?,?,?)",
			c.PersonID, c.OrgID, c.RuleSet, "open", now, now)
		if err != nil {
			return err
		}
		c.ID = id
		return write(ctx, d, tx, c, rec, "step:1", today, e)
	})
	if err != nil {
		return nil, err
	}
	c, err = loadCase(ctx, d.DB, p, c.ID)
	if err != nil {
		return nil, err
	}
	return &Result{Case: c, Record: rec, Warnings: nonNil(rec.Warnings)}, nil
}

func nonNil(fs []rules.Finding) []rules.Finding {
	if fs == nil {
		return []rules.Finding{}
	}
	return fs
}

// upperDeadline reports a deadline that falls to the 党委 above the branch:
// the approvals of admission, of 转正 and of the decisions.
func upperDeadline(dl rules.Deadline) bool {
	if dl.Rule == "R-approval-time" || dl.Kind == "conversion_approval" {
		return true
	}
	for _, d := range rules.Decisions {
		if dl.Kind == d.Deadline {
			return true
		}
	}
	return false
}

const todoSource = "develop.deadline"

// syncDeadlines replaces the case's deadlines, its next deadline, and its
// 待办 postings.
func syncDeadlines(ctx context.Context, tx *db.Tx, c *Case, f rules.Facts, e *rules.Engine, now civil.Date, at int64) error {
	var ds []rules.Deadline
	if c.Status != "cancelled" {
		ds = sortedDeadlines(e.Deadlines(f))
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM dev_deadlines WHERE case_id = ?", c.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE todos SET done_at = ? WHERE source = ? AND dedup_key LIKE ? AND done_at IS NULL",
		at, todoSource, fmt.Sprintf("case:%d:%%", c.ID)); err != nil {
		return err
	}
	approver, err := org.Approver(ctx, tx, c.OrgPath)
	if err != nil {
		return err
	}
	if err := insertDeadlines(ctx, tx, c, ds, approver, e, now); err != nil {
		return err
	}
	due, title := nextDue(ds)
	_, err = tx.ExecContext(ctx, "UPDATE dev_cases SET next_due = ?, next_title = ? WHERE id = ?", due, title, c.ID)
	return err
}

// nextDue is the first of sorted deadlines (NULL and "" when none).
func nextDue(ds []rules.Deadline) (any, string) {
	if len(ds) == 0 {
		return nil, ""
	}
	return ds[0].Due.String(), ds[0].Title
}

// insertDeadlines stores a case's deadlines and posts each to the 待办 of
// the organisation responsible.
func insertDeadlines(ctx context.Context, tx *db.Tx, c *Case, ds []rules.Deadline, approver *org.Org, e *rules.Engine, now civil.Date) error {
	for _, dl := range ds {
		to, upper := responsible(c, dl, approver)
		if _, err := tx.ExecContext(ctx, "INSERT INTO dev_deadlines (case_id, org_id, upper, kind, rule, title, due_on, hard) VALUES (?,?,?,?,?,?,?,?)",
			c.ID, to, db.Int(upper), dl.Kind, dl.Rule, dl.Title, dl.Due.String(), db.Int(dl.Hard)); err != nil {
			return err
		}
		if err := postDeadline(ctx, tx, c, dl, to, e, now); err != nil {
			return err
		}
	}
	return nil
}

// responsible is the organisation a deadline falls to: the branch, or the
// approving 党委 above it.
func responsible(c *Case, dl rules.Deadline, approver *org.Org) (int64, bool) {
	upper := upperDeadline(dl)
	if upper && approver != nil {
		return approver.ID, true
	}
	return c.OrgID, upper
}

// postDeadline posts a deadline to the 待办 of org, red once overdue.
func postDeadline(ctx context.Context, tx *db.Tx, c *Case, dl rules.Deadline, org int64, e *rules.Engine, now civil.Date) error {
	sev := "info"
	switch {
	case dl.Due.Before(now):
		sev = "bad"
	case dl.Due.Before(now.AddDays(15)):
		sev = "warn"
	}
	return todo.Post(ctx, tx, todo.Item{Source: todoSource, Key: fmt.Sprintf("case:%d:%s:%s", c.ID, dl.Rule, dl.Title), OrgID: org,
		PersonID: c.PersonID, Title: c.PersonName + "：" + dl.Title, Detail: e.Set.Rule(dl.Rule).Title + "（" + e.Set.Rule(dl.Rule).Citation + "）",
		Link: fmt.Sprintf("/development/cases/%d", c.ID), Severity: sev, DueOn: dl.Due.String()})
}

// FollowTransfer moves the deadlines and 待办 of a person's open case to
// their current organisation (and the 党委 above it), in the caller's
// transaction: the transfer workflow calls it after changing the person's
// organisation. A person without an open case is left alone.
func FollowTransfer(ctx context.Context, tx *db.Tx, personID int64, today civil.Date, now int64) error {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM dev_cases WHERE person_id = ? AND status = 'open'", personID).Scan(&id)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	c, err := readCase(ctx, tx, id, scope.All())
	if err != nil {
		return err
	}
	e, err := engine(ctx, tx, c.RuleSet)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE dev_cases SET org_id = ?, updated_at = ? WHERE id = ?", c.OrgID, now, c.ID); err != nil {
		return err
	}
	return syncDeadlines(ctx, tx, c, c.facts(), e, today, now)
}

// quotaFor is the annual plan of an approving 党委 and its use; nil when
// no plan is set.
func quotaFor(ctx context.Context, q db.Querier, orgID int64, year int) (*rules.Quota, error) {
	var limit int
	err := q.QueryRowContext(ctx, "SELECT quota FROM dev_plans WHERE year = ? AND org_id = ?", year, orgID).Scan(&limit)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	used, err := quotaUsed(ctx, q, orgID, year)
	return &rules.Quota{Year: year, Limit: limit, Used: used}, err
}

// quotaUsed counts admissions approved by a 党委 in a year, priority
// development excepted.
func quotaUsed(ctx context.Context, q db.Querier, orgID int64, year int) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dev_records r JOIN dev_cases c ON c.id = r.case_id
		WHERE r.kind = 'step' AND r.step = 17 AND r.org_id = ? AND r.on_date >= ? AND r.on_date <= ? AND c.fasttrack = 0`,
		orgID, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)).Scan(&n)
	return n, err
}
