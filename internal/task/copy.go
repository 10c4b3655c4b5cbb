package task

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/cite"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// States of a copy.
const (
	Open      = "open"      // 进行中
	Submitted = "submitted" // 待验收
	Returned  = "returned"  // 已退回
	Done      = "done"      // 已完成
)

// Statuses lists the filterable states; "overdue" is open or returned past
// the deadline.
var Statuses = choice.List{{Code: Open, Label: "进行中"}, {Code: Submitted, Label: "待验收"}, {Code: Returned, Label: "已退回"}, {Code: Done, Label: "已完成"}, {Code: "overdue", Label: "已逾期"}}

// Copy is one receiver's copy of an item for one period.
type Copy struct {
	ID             int64  `json:"id"`
	ItemID         int64  `json:"item_id"`
	Title          string `json:"title"`
	Year           int    `json:"year"`
	Weight         int    `json:"weight"`
	EscalateDays   int    `json:"escalate_days"`
	Line           string `json:"line"`
	OrgID          int64  `json:"org_id"`
	OrgName        string `json:"org_name"`
	DispatcherID   int64  `json:"dispatcher_org_id"`
	DispatcherName string `json:"dispatcher_name"`
	ParentID       int64  `json:"parent_id,omitempty"`
	Period         string `json:"period"`
	PeriodLabel    string `json:"period_label"`
	StartsOn       string `json:"starts_on"`
	DueOn          string `json:"due_on"`
	Status         string `json:"status"`
	StatusLabel    string `json:"status_label"`
	Overdue        bool   `json:"overdue"`
	Evidence       string `json:"evidence"`
	Links          string `json:"links"`
	Auto           bool   `json:"auto"`
	SubmittedOn    string `json:"submitted_on"`
	DoneOn         string `json:"done_on"`
	ReviewNote     string `json:"review_note"`
	Version        int    `json:"version"`
	Files          []File `json:"files"` // 佐证材料, on a copy read by itself
	// Cited are the platform's records among Links, on a copy read by itself.
	Cited []cite.Record `json:"cited"`
}

// LineLabel is the Chinese name of the business line.
func (c *Copy) LineLabel() string { return Lines.Label(c.Line) }

// LinkList splits the linked records, one per line.
func (c *Copy) LinkList() []string {
	var out []string
	for _, l := range strings.Split(c.Links, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

const copyCols = `c.id, c.item_id, i.title, i.year, i.weight, i.escalate_days, i.line, c.org_id, c.dispatcher_org_id, COALESCE(c.parent_id, 0), c.period,
	c.starts_on, c.due_on, c.status, c.evidence, c.links, c.auto, COALESCE(c.submitted_on, ''), COALESCE(c.done_on, ''), c.review_note, c.version`

func scanCopy(s listing.Scanner) (*Copy, error) {
	var c Copy
	err := s.Scan(&c.ID, &c.ItemID, &c.Title, &c.Year, &c.Weight, &c.EscalateDays, &c.Line, &c.OrgID, &c.DispatcherID, &c.ParentID, &c.Period,
		&c.StartsOn, &c.DueOn, &c.Status, &c.Evidence, &c.Links, &c.Auto, &c.SubmittedOn, &c.DoneOn, &c.ReviewNote, &c.Version)
	return &c, err
}

// finish fills what is derived: labels, names, the overdue flag.
func (c *Copy) finish(today string, names org.Index) {
	c.PeriodLabel = periodLabel(c.Period)
	c.StatusLabel = Statuses.Label(c.Status)
	c.Overdue = (c.Status == Open || c.Status == Returned) && c.DueOn < today
	if o := names[c.OrgID]; o != nil {
		c.OrgName = o.Name
	}
	if o := names[c.DispatcherID]; o != nil {
		c.DispatcherName = o.Name
	}
}

// GetCopy loads a copy whose receiver is in the caller's scope, with the
// records its links cite named; anything else is a 404.
func GetCopy(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Copy, error) {
	c, err := getCopy(ctx, d, p, id)
	if err != nil {
		return nil, err
	}
	c.Cited, err = resolve(ctx, d.DB, c, c.LinkList(), false)
	return c, err
}

// getCopy is GetCopy without naming the cited records, for the reads that
// only check or change a copy.
func getCopy(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Copy, error) {
	w, args := scope.Of(p).HasOrg("c.org_id")
	c, err := scanCopy(d.DB.QueryRowContext(ctx, "SELECT "+copyCols+" FROM task_copies c JOIN task_items i ON i.id = c.item_id WHERE c.id = ? AND "+w,
		append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	names, err := org.Some(ctx, d.DB, c.OrgID, c.DispatcherID)
	if err != nil {
		return nil, err
	}
	c.finish(civil.Today(d.Now()).String(), names)
	c.Files, err = filesOf(ctx, d.DB, c.ID)
	return c, err
}

// Filter selects copies. Side: "received" (by organisations in scope from
// above it), "dispatched" (by organisations in scope), "" both.
type Filter struct {
	Side    string
	OrgID   int64
	ItemID  int64
	Status  string
	Year    int
	Page    int
	PerPage int // 0: all (the export)
	// within replaces the caller's scope: a member's own branch, for the
	// phone page of the tasks that concern them.
	within *scope.Subtree
	// parentID selects the copies dispatched further from one, for its page.
	parentID int64
}

// Sides of the list.
const (
	Received   = "received"
	Dispatched = "dispatched"
)

// where builds the condition of a filter, or a refusal of a bad value.
func where(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today string) (string, []any, error) {
	sc := scope.Of(p)
	if f.within != nil {
		sc = *f.within
	}
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	rec, rargs := sc.HasOrg("c.org_id")
	add(rec, rargs...)
	disp, dargs := sc.HasOrg("c.dispatcher_org_id")
	switch f.Side {
	case Received:
		add("NOT "+disp, dargs...)
	case Dispatched:
		add(disp, dargs...)
	case "":
	default:
		return "", nil, fail.Malformed("side", "列表应为收到的任务或下发的任务")
	}
	if f.OrgID != 0 {
		sub, err := org.Narrow(ctx, q, p, f.OrgID)
		if err != nil {
			return "", nil, err
		}
		w, a := sub.HasOrg("c.org_id")
		add(w, a...)
	}
	if f.ItemID != 0 {
		add("c.item_id = ?", f.ItemID)
	}
	if f.parentID != 0 {
		add("c.parent_id = ?", f.parentID)
	}
	if f.Year != 0 {
		if f.Year < 2000 || f.Year > 2100 {
			return "", nil, fail.Malformed("year", "年度应为四位年份，如 2026")
		}
		add("i.year = ?", f.Year)
	}
	switch f.Status {
	case "":
	case "overdue":
		add("c.status IN ('open', 'returned') AND c.due_on < ?", today)
	case Open, Submitted, Returned, Done:
		add("c.status = ?", f.Status)
	default:
		return "", nil, fail.Malformed("status", "状态应为进行中、待验收、已退回、已完成或已逾期")
	}
	return strings.Join(conds, " AND "), args, nil
}

// List pages the copies of a filter, the most urgent first (overdue and
// open by deadline, then the rest); f.PerPage 0 holds them all.
func List(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) (*listing.List[Copy], error) {
	today := civil.Today(d.Now()).String()
	w, args, err := where(ctx, d.DB, p, f, today)
	if err != nil {
		return nil, err
	}
	l, err := listing.Read(ctx, d.DB, f.Page, f.PerPage, copyCols, " FROM task_copies c JOIN task_items i ON i.id = c.item_id WHERE "+w,
		"CASE c.status WHEN 'done' THEN 2 WHEN 'submitted' THEN 1 ELSE 0 END, c.due_on, c.org_id, c.id", args, scanCopy)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, 2*len(l.Items))
	for _, c := range l.Items {
		ids = append(ids, c.OrgID, c.DispatcherID)
	}
	names, err := org.Some(ctx, d.DB, ids...)
	if err != nil {
		return nil, err
	}
	for i := range l.Items {
		l.Items[i].finish(today, names)
	}
	return l, nil
}

// Completion is a receiver's report: what was done and the records of the
// platform that show it (links to its pages, one per line).
type Completion struct {
	Evidence string `json:"evidence"`
	Links    string `json:"links"`
	Version  int    `json:"version"`
}

func (cm *Completion) check() error {
	cm.Evidence = strings.TrimSpace(cm.Evidence)
	if name, msg := plaintext.First(plaintext.Field{Name: "evidence", Label: "完成情况", Value: cm.Evidence, Multiline: true},
		plaintext.Field{Name: "links", Label: "关联记录", Value: cm.Links, Multiline: true}); msg != "" {
		return fail.Malformed(name, msg)
	}
	if cm.Evidence == "" {
		return fail.Malformed("evidence", "请填写完成情况")
	}
	if utf8.RuneCountInString(cm.Evidence) > 4000 {
		return fail.Malformed("evidence", "完成情况不超过 4000 字")
	}
	var links []string
	for i, l := range strings.Split(cm.Links, "\n") {
		if l = strings.TrimSpace(l); l == "" || slices.Contains(links, l) {
			continue
		}
		u, err := url.Parse(l)
		if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "//") {
			return fail.Malformed("links", fmt.Sprintf("关联记录第 %d 行应为本平台内的页面地址，如 /training/12", i+1))
		}
		links = append(links, l)
	}
	if len(links) > 20 {
		return fail.Malformed("links", "关联记录不超过 20 条")
	}
	cm.Links = strings.Join(links, "\n")
	return nil
}

// Complete submits a copy for the dispatcher's acceptance. A copy already
// submitted or done is a conflict: a double submission changes nothing.
func Complete(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, cm Completion) (*Copy, error) {
	c, err := getCopy(ctx, d, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, d.DB, p, c.OrgID); err != nil {
		return nil, err
	}
	if err := cm.check(); err != nil {
		return nil, err
	}
	if _, err := resolve(ctx, d.DB, c, strings.Split(cm.Links, "\n"), true); err != nil {
		return nil, err
	}
	if c.Status == Submitted || c.Status == Done {
		return nil, fail.Conflict("这项任务已" + c.StatusLabel + "，不能重复提交")
	}
	if cm.Version != 0 && cm.Version != c.Version {
		return nil, fail.Conflict("这项任务已被他人修改，请刷新后重试")
	}
	today := civil.Today(d.Now()).String()
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE task_copies SET status = 'submitted', evidence = ?, links = ?, submitted_on = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status IN ('open', 'returned')`, cm.Evidence, cm.Links, today, d.Now().UnixMilli(), c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这项任务已被他人提交或修改，请刷新后查看")
		}
		if err := todo.Close(ctx, tx, srcDue, copyKey(c.ID)); err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, srcOverdue, copyKey(c.ID)); err != nil {
			return err
		}
		if err := todo.Post(ctx, tx, reviewTodo(c)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.complete", ObjectType: "task_copy", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{Before: map[string]any{"status": c.Status}, After: map[string]any{"status": Submitted, "evidence": cm.Evidence, "links": cm.Links}}})
	})
	if err != nil {
		return nil, err
	}
	return GetCopy(ctx, d, p, id)
}

// Review is the dispatcher's decision: accept, or return with a reason.
type Review struct {
	Accept  bool   `json:"accept"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// ReviewCopy accepts or returns a submitted copy. Only an administrator of
// the dispatching organisation reviews; the receiver's own administrator
// sees the copy but cannot judge it (404 for the review).
func ReviewCopy(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, rv Review) (*Copy, error) {
	c, err := getCopy(ctx, d, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, d.DB, p, c.DispatcherID); err != nil {
		return nil, err
	}
	rv.Reason = strings.TrimSpace(rv.Reason)
	if msg := plaintext.Lines("退回理由", rv.Reason); msg != "" {
		return nil, fail.Malformed("reason", msg)
	}
	if !rv.Accept && rv.Reason == "" {
		return nil, fail.Malformed("reason", "退回时请写明理由")
	}
	if utf8.RuneCountInString(rv.Reason) > 1000 {
		return nil, fail.Malformed("reason", "退回理由不超过 1000 字")
	}
	if c.Status != Submitted {
		return nil, fail.Conflict("这项任务当前为“" + c.StatusLabel + "”，没有待验收的提交")
	}
	if rv.Version != 0 && rv.Version != c.Version {
		return nil, fail.Conflict("这项任务已被他人修改，请刷新后重试")
	}
	status, action, doneOn := Returned, "task.return", any(nil)
	if rv.Accept {
		status, action, doneOn = Done, "task.accept", c.SubmittedOn
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE task_copies SET status = ?, review_note = ?, done_on = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'submitted'`, status, rv.Reason, doneOn, d.Now().UnixMilli(), c.ID, c.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这项任务已被他人验收或修改，请刷新后查看")
		}
		if err := todo.Close(ctx, tx, srcReview, copyKey(c.ID)); err != nil {
			return err
		}
		if !rv.Accept {
			c.Status = Returned
			if err := todo.Post(ctx, tx, dueTodo(c, civil.Today(d.Now()).String())); err != nil {
				return err
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "task_copy", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{Before: map[string]any{"status": Submitted}, After: map[string]any{"status": status, "reason": rv.Reason}}})
	})
	if err != nil {
		return nil, err
	}
	return GetCopy(ctx, d, p, id)
}
