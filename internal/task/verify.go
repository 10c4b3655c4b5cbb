package task

import (
	"context"
	"fmt"
	"sort"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
	"hongdun/internal/todo"
)

// Verifier is a check the platform can make from its own records: has an
// organisation of a subtree done this between two days? A feature that
// records such work (a meeting, a training) registers one, and a task
// naming it completes itself once the record exists.
type Verifier struct {
	Code  string // stored on the item, e.g. "training.held"
	Label string // what the check looks for, in Chinese
	// Check returns the day and a description of the first record in s
	// dated from..to (civil dates, inclusive), "" when there is none.
	Check func(ctx context.Context, q db.Querier, s scope.Subtree, from, to string) (on, what string, err error)
}

var verifiers = map[string]Verifier{}

// Register adds a verifier; call it from an init function.
func Register(v Verifier) {
	if v.Code == "" || v.Label == "" || v.Check == nil {
		panic("task.Register: code, label and check are required")
	}
	verifiers[v.Code] = v
}

// VerifierChoices lists the registered checks for the item form.
func VerifierChoices() choice.List {
	out := choice.List{{Code: "", Label: "（人工验收）"}}
	for _, v := range verifiers {
		out = append(out, choice.Item{Code: v.Code, Label: v.Label})
	}
	sort.Slice(out[1:], func(i, j int) bool { return out[i+1].Code < out[j+1].Code })
	return out
}

func init() {
	Register(Verifier{Code: "training.held", Label: "开展一次学习培训（培训场次或学习活动）", Check: trainingHeld})
	Register(Verifier{Code: "develop.step", Label: "登记一个发展党员步骤", Check: developStep})
}

// dayStart is the first millisecond of a civil day in China.
func dayStart(day string) int64 {
	t, err := time.ParseInLocation("2006-01-02", day, web.Shanghai)
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}

func trainingHeld(ctx context.Context, q db.Querier, s scope.Subtree, from, to string) (string, string, error) {
	w, args := s.HasOrg("p.org_id")
	var on, what string
	err := q.QueryRowContext(ctx, `SELECT a.on_date, p.title || '：' || a.title FROM training_activities a JOIN training_programs p ON p.id = a.program_id
		WHERE a.on_date >= ? AND a.on_date <= ? AND `+w+` ORDER BY a.on_date LIMIT 1`, append([]any{from, to}, args...)...).Scan(&on, &what)
	if err != nil && !db.IsNoRows(err) {
		return "", "", err
	}
	var at int64
	var session string
	err = q.QueryRowContext(ctx, `SELECT t.starts_at, p.title || '：' || t.title FROM training_sessions t JOIN training_programs p ON p.id = t.program_id
		WHERE t.starts_at >= ? AND t.starts_at < ? AND `+w+` ORDER BY t.starts_at LIMIT 1`,
		append([]any{dayStart(from), dayStart(to) + 24*3600*1000}, args...)...).Scan(&at, &session)
	if err != nil && !db.IsNoRows(err) {
		return "", "", err
	}
	if day := time.UnixMilli(at).In(web.Shanghai).Format("2006-01-02"); session != "" && (on == "" || day < on) {
		on, what = day, session
	}
	if on == "" {
		return "", "", nil
	}
	return on, "已开展培训“" + what + "”", nil
}

func developStep(ctx context.Context, q db.Querier, s scope.Subtree, from, to string) (string, string, error) {
	w, args := s.HasOrg("c.org_id")
	var on string
	var step int
	err := q.QueryRowContext(ctx, `SELECT r.on_date, r.step FROM dev_records r JOIN dev_cases c ON c.id = r.case_id
		WHERE r.kind = 'step' AND r.on_date >= ? AND r.on_date <= ? AND `+w+` ORDER BY r.on_date LIMIT 1`,
		append([]any{from, to}, args...)...).Scan(&on, &step)
	if db.IsNoRows(err) {
		return "", "", nil
	}
	return on, fmt.Sprintf("已登记发展党员第 %d 步", step), err
}

// 待办 sources: before the deadline for the receiver, overdue for the
// dispatcher, submitted work waiting for the dispatcher's review.
const (
	srcDue     = "task.due"
	srcOverdue = "task.overdue"
	srcReview  = "task.review"
	// srcEscalate puts a copy overdue past its item's EscalateDays to the
	// receiver's superior (督办), when that is not the dispatcher, who
	// already has the overdue 待办.
	srcEscalate = "task.escalate"
	// RemindDays is how long before its deadline a copy shows in the
	// receiver's 待办.
	RemindDays = 14
)

func copyKey(id int64) string  { return fmt.Sprintf("c%d", id) }
func copyLink(id int64) string { return fmt.Sprintf("/tasks/%d", id) }

func title(c *Copy) string {
	if c.PeriodLabel != "" {
		return c.Title + "（" + c.PeriodLabel + "）"
	}
	return c.Title
}

func dueTodo(c *Copy, today string) todo.Item {
	sev, detail := "warn", "截止日期 "+c.DueOn+"，完成后上传佐证材料提交验收"
	if c.DueOn < today {
		sev, detail = "bad", "已逾期（截止 "+c.DueOn+"），请尽快完成"
	}
	if c.Status == Returned {
		detail = "被退回：" + c.ReviewNote
	}
	return todo.Item{Source: srcDue, Key: copyKey(c.ID), OrgID: c.OrgID, Title: "上级任务：" + title(c), Detail: detail,
		Link: copyLink(c.ID), Severity: sev, DueOn: c.DueOn}
}

func overdueTodo(c *Copy) todo.Item {
	return todo.Item{Source: srcOverdue, Key: copyKey(c.ID), OrgID: c.DispatcherID, Title: "任务逾期未完成：" + c.OrgName,
		Detail: title(c) + "，截止 " + c.DueOn, Link: copyLink(c.ID), Severity: "bad", DueOn: c.DueOn}
}

// escalateTodo is the 督办 of an overdue copy for the receiver's superior,
// once the item's delay has passed; ok is false when there is none to post.
func escalateTodo(c *Copy, today civil.Date, names org.Index) (todo.Item, bool) {
	due, err := civil.Parse(c.DueOn)
	o := names[c.OrgID]
	if err != nil || o == nil || o.ParentID == 0 || o.ParentID == c.DispatcherID || c.EscalateDays <= 0 || today.Before(due.AddDays(c.EscalateDays)) {
		return todo.Item{}, false
	}
	late := due.DaysUntil(today)
	return todo.Item{Source: srcEscalate, Key: copyKey(c.ID), OrgID: o.ParentID, Title: "督办：" + c.OrgName + "的上级任务逾期未完成",
		Detail: fmt.Sprintf("%s，截止 %s，已逾期 %d 天", title(c), c.DueOn, late), Link: copyLink(c.ID), Severity: "bad", DueOn: c.DueOn}, true
}

func reviewTodo(c *Copy) todo.Item {
	return todo.Item{Source: srcReview, Key: copyKey(c.ID), OrgID: c.DispatcherID, Title: "任务待验收：" + c.OrgName,
		Detail: title(c), Link: copyLink(c.ID), Severity: "info"}
}

// Sync completes the copies the platform can verify and brings the 待办 of
// every copy up to date. It runs from App.periodic.
func Sync(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	if err := autoComplete(ctx, d, today.String()); err != nil {
		return err
	}
	names, err := org.All(ctx, d.DB)
	if err != nil {
		return err
	}
	var due, overdue, review, escalate []todo.Item
	rows, err := d.DB.QueryContext(ctx, "SELECT "+copyCols+` FROM task_copies c JOIN task_items i ON i.id = c.item_id
		WHERE (c.status IN ('open', 'returned') AND c.starts_on <= ? AND c.due_on <= ?) OR c.status = 'submitted'`,
		today.String(), today.AddDays(RemindDays).String())
	if err != nil {
		return err
	}
	for rows.Next() {
		c, err := scanCopy(rows)
		if err != nil {
			rows.Close()
			return err
		}
		c.finish(today.String(), names)
		switch {
		case c.Status == Submitted:
			review = append(review, reviewTodo(c))
		case c.Overdue:
			due = append(due, dueTodo(c, today.String()))
			overdue = append(overdue, overdueTodo(c))
			if it, ok := escalateTodo(c, today, names); ok {
				escalate = append(escalate, it)
			}
		default:
			due = append(due, dueTodo(c, today.String()))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for src, items := range map[string][]todo.Item{srcDue: due, srcOverdue: overdue, srcReview: review, srcEscalate: escalate} {
		if err := todo.SyncPooled(ctx, d.DB, src, items); err != nil {
			return err
		}
	}
	return nil
}

// autoComplete marks done every open copy whose item names a check and
// whose receiver's records satisfy it within the period (for a one-off
// task, up to today).
func autoComplete(ctx context.Context, d *core.Deps, today string) error {
	type pending struct {
		id                  int64
		verifier, path      string
		starts, due, period string
		version             int
	}
	var ps []pending
	rows, err := d.DB.QueryContext(ctx, `SELECT c.id, i.verifier, c.org_id, c.starts_on, c.due_on, c.period, c.version
		FROM task_copies c JOIN task_items i ON i.id = c.item_id
		WHERE c.status IN ('open', 'returned') AND i.verifier <> '' AND c.starts_on <= ?`, today)
	if err != nil {
		return err
	}
	var orgIDs []int64
	for rows.Next() {
		var p pending
		var orgID int64
		if err := rows.Scan(&p.id, &p.verifier, &orgID, &p.starts, &p.due, &p.period, &p.version); err != nil {
			rows.Close()
			return err
		}
		ps = append(ps, p)
		orgIDs = append(orgIDs, orgID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ps) == 0 {
		return err
	}
	names, err := org.All(ctx, d.DB)
	if err != nil {
		return err
	}
	for i := range ps {
		p := &ps[i]
		o := names[orgIDs[i]]
		v, ok := verifiers[p.verifier]
		if o == nil || !ok {
			continue
		}
		to := p.due
		if p.period == "" || to > today {
			to = today
		}
		on, what, err := v.Check(ctx, d.DB, scope.Under(o.Path), p.starts, to)
		if err != nil {
			return err
		}
		if on == "" {
			continue
		}
		err = d.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE task_copies SET status = 'done', auto = 1, evidence = ?, submitted_on = ?, done_on = ?,
				updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status IN ('open', 'returned')`,
				"系统核验："+what, on, on, d.Now().UnixMilli(), p.id, p.version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return nil // changed meanwhile: the next run looks again
			}
			for _, src := range []string{srcDue, srcOverdue} {
				if err := todo.Close(ctx, tx, src, copyKey(p.id)); err != nil {
					return err
				}
			}
			return d.Audit.Write(ctx, tx, audit.Event{Action: "task.auto_complete", ObjectType: "task_copy", ObjectID: fmt.Sprint(p.id),
				Detail: map[string]any{"verifier": p.verifier, "on": on, "what": what}})
		})
		if err != nil {
			return err
		}
	}
	return nil
}
