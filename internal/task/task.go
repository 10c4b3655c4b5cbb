// Package task is 任务派发与督办: an upper organisation publishes its yearly
// list of task items, dispatches them to organisations below (each receiver
// gets its own copy, one per period of a recurring item), receivers
// sub-dispatch further down, complete with evidence (or the platform
// completes them from its own records), and the dispatcher accepts or
// returns the work. Progress and the 擂台比武 ranking are read from the
// copies.
package task

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
)

// Recurrences of an item: a one-off item has a deadline, a recurring one a
// copy per month or quarter of its year, each due on the period's last day.
const (
	Once      = ""
	Monthly   = "monthly"
	Quarterly = "quarterly"
)

var recurrenceLabels = map[string]string{Once: "一次性", Monthly: "每月", Quarterly: "每季度"}

// Lines are the business lines a task can serve (党建+业务).
var Lines = choice.List{{Code: "", Label: "（不关联业务）"}, {Code: "law", Label: "执法办案"}, {Code: "service", Label: "为民服务"}, {Code: "security", Label: "安保维稳"},
	{Code: "team", Label: "队伍建设"}, {Code: "other", Label: "其他业务"}}

// Item is one task of an organisation's yearly list.
type Item struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	Year       int    `json:"year"`
	Title      string `json:"title"`
	Purpose    string `json:"purpose"`
	Guidance   string `json:"guidance"`
	Evidence   string `json:"evidence"`
	Line       string `json:"line"`
	DueOn      string `json:"due_on"`
	Recurrence string `json:"recurrence"`
	Weight     int    `json:"weight"`
	Verifier   string `json:"verifier"`
	// EscalateDays is how long after its deadline an unfinished copy is
	// put to the receiver's superior for 督办 (0: never).
	EscalateDays int `json:"escalate_days"`
	Version      int `json:"version"`
}

// LineLabel is the Chinese name of the business line, "" for none.
func (it *Item) LineLabel() string { return Lines.Label(it.Line) }

// RecurrenceLabel is the Chinese name of the recurrence.
func (it *Item) RecurrenceLabel() string { return recurrenceLabels[it.Recurrence] }

// VerifierLabel names the system check, "" for none.
func (it *Item) VerifierLabel() string {
	if v, ok := verifiers[it.Verifier]; ok {
		return v.Label
	}
	return ""
}

// Input is a new task item.
type Input struct {
	OrgID      int64  `json:"org_id"`
	Year       int    `json:"year"`
	Title      string `json:"title"`
	Purpose    string `json:"purpose"`
	Guidance   string `json:"guidance"`
	Evidence   string `json:"evidence"`
	Line       string `json:"line"`
	DueOn      string `json:"due_on"`
	Recurrence string `json:"recurrence"`
	Weight     int    `json:"weight"`
	Verifier   string `json:"verifier"`
	// EscalateDays: days after the deadline before 督办 by the receiver's
	// superior; absent is DefaultEscalateDays, 0 is never.
	EscalateDays *int `json:"escalate_days"`
}

// DefaultEscalateDays is the 督办 delay of a task that names none.
const DefaultEscalateDays = 7

func (in *Input) check() error {
	in.Title = strings.TrimSpace(in.Title)
	if name, msg := plaintext.First(plaintext.Field{Name: "title", Label: "任务名称", Value: in.Title},
		plaintext.Field{Name: "purpose", Label: "任务目的", Value: in.Purpose, Multiline: true},
		plaintext.Field{Name: "guidance", Label: "工作指引", Value: in.Guidance, Multiline: true},
		plaintext.Field{Name: "evidence", Label: "佐证材料要求", Value: in.Evidence, Multiline: true}); msg != "" {
		return fail.Malformed(name, msg)
	}
	switch {
	case in.OrgID <= 0:
		return fail.Malformed("org_id", "请选择发布任务的党组织")
	case in.Year < 2000 || in.Year > 2100:
		return fail.Malformed("year", "年度应为四位年份，如 2026")
	case in.Title == "":
		return fail.Malformed("title", "请填写任务名称")
	case utf8.RuneCountInString(in.Title) > 100:
		return fail.Malformed("title", "任务名称不超过 100 字")
	case utf8.RuneCountInString(in.Guidance) > 4000 || utf8.RuneCountInString(in.Purpose) > 2000 || utf8.RuneCountInString(in.Evidence) > 2000:
		return fail.Malformed("guidance", "任务目的、工作指引或佐证材料要求过长")
	case Lines.Label(in.Line) == "":
		return fail.Malformed("line", "关联业务不在可选范围内")
	case in.Weight < 1 || in.Weight > 100:
		return fail.Malformed("weight", "权重应为 1 到 100 的整数")
	case in.EscalateDays != nil && (*in.EscalateDays < 0 || *in.EscalateDays > 90):
		return fail.Malformed("escalate_days", "逾期提请上级督办的天数应为 0 到 90 的整数（0 表示不提请）")
	}
	if in.EscalateDays == nil {
		n := DefaultEscalateDays
		in.EscalateDays = &n
	}
	if _, ok := recurrenceLabels[in.Recurrence]; !ok {
		return fail.Malformed("recurrence", "完成周期应为一次性、每月或每季度")
	}
	if in.Verifier != "" {
		if _, ok := verifiers[in.Verifier]; !ok {
			return fail.Malformed("verifier", "系统核验方式不在可选范围内")
		}
	}
	if in.Recurrence != Once {
		in.DueOn = ""
		return nil
	}
	d, err := civil.Parse(in.DueOn)
	if err != nil {
		return fail.Malformed("due_on", "截止日期应为有效日期（如 2026-01-31）")
	}
	if d.Year() != in.Year {
		return fail.Malformed("due_on", fmt.Sprintf("截止日期应在 %d 年内", in.Year))
	}
	return nil
}

// Period is one period of an item: its code, first and last day.
type Period struct{ Code, Starts, Due string }

// Label is the period in Chinese: "3月", "第一季度", "" for a one-off.
func (pd Period) Label() string { return periodLabel(pd.Code) }

func periodLabel(code string) string {
	if code == "" {
		return ""
	}
	if i := strings.Index(code, "-Q"); i > 0 {
		return "第" + []string{"一", "二", "三", "四"}[code[i+2]-'1'] + "季度"
	}
	var y, m int
	if n, err := fmt.Sscanf(code, "%d-%d", &y, &m); err != nil || n != 2 {
		return code // not a period this package made: shown as stored
	}
	return fmt.Sprintf("%d月", m)
}

// Periods are the periods an item's copies are made for.
func (it *Item) Periods() []Period {
	switch it.Recurrence {
	case Monthly:
		out := make([]Period, 12)
		for m := 1; m <= 12; m++ {
			first := civil.New(it.Year, time.Month(m), 1)
			out[m-1] = Period{fmt.Sprintf("%d-%02d", it.Year, m), first.String(), first.AddMonths(1).AddDays(-1).String()}
		}
		return out
	case Quarterly:
		out := make([]Period, 4)
		for q := 1; q <= 4; q++ {
			first := civil.New(it.Year, time.Month(3*q-2), 1)
			out[q-1] = Period{fmt.Sprintf("%d-Q%d", it.Year, q), first.String(), first.AddMonths(3).AddDays(-1).String()}
		}
		return out
	}
	return []Period{{"", fmt.Sprintf("%d-01-01", it.Year), it.DueOn}}
}

const itemCols = `id, org_id, year, title, purpose, guidance, evidence, line, due_on, recurrence, weight, verifier, escalate_days, version`

func scanItem(s interface{ Scan(...any) error }) (*Item, error) {
	var it Item
	err := s.Scan(&it.ID, &it.OrgID, &it.Year, &it.Title, &it.Purpose, &it.Guidance, &it.Evidence, &it.Line, &it.DueOn,
		&it.Recurrence, &it.Weight, &it.Verifier, &it.EscalateDays, &it.Version)
	return &it, err
}

// CreateItem adds an item to the yearly list of an organisation the caller
// administers.
func CreateItem(ctx context.Context, d *core.Deps, p *auth.Principal, in Input) (*Item, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, d.DB, p, in.OrgID); err != nil {
		return nil, err
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		now := d.Now().UnixMilli()
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO task_items (org_id, year, title, purpose, guidance, evidence, line, due_on, recurrence, weight, verifier, escalate_days, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, in.OrgID, in.Year, in.Title, in.Purpose, in.Guidance, in.Evidence, in.Line, in.DueOn,
			in.Recurrence, in.Weight, in.Verifier, *in.EscalateDays, now, now)
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.item.create", ObjectType: "task_item", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return GetItem(ctx, d.DB, p, id)
}

// GetItem loads an item the caller may read: published by an organisation
// in scope, or received by one. Anything else is a 404.
func GetItem(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Item, error) {
	sc := scope.Of(p)
	pub, pargs := sc.HasOrg("org_id")
	rec, rargs := sc.HasOrg("c.org_id")
	it, err := scanItem(q.QueryRowContext(ctx, "SELECT "+itemCols+" FROM task_items WHERE id = ? AND ("+pub+
		" OR EXISTS (SELECT 1 FROM task_copies c WHERE c.item_id = task_items.id AND "+rec+"))",
		append(append([]any{id}, pargs...), rargs...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if o, err := org.Get(ctx, q, it.OrgID); err == nil {
		it.OrgName = o.Name
	}
	return it, nil
}

// Items is the yearly list of the organisations in s (the 年度任务清单).
func Items(ctx context.Context, q db.Querier, s scope.Subtree, year int) ([]*Item, error) {
	w, args := s.HasOrg("org_id")
	rows, err := q.QueryContext(ctx, "SELECT "+itemCols+" FROM task_items WHERE year = ? AND "+w+" ORDER BY org_id, COALESCE(NULLIF(due_on, ''), '9999'), id",
		append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func failYear() error       { return fail.Malformed("year", "年度应为四位年份，如 2026") }
func failKind() *fail.Error { return fail.Malformed("kind", "比武范围应为党支部或党委") }
