package develop

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
	"hongdun/internal/rules"
	"hongdun/internal/wartime"
)

// requireBureau lets only the whole bureau's 党务管理员 set plans, rule
// overrides and the calendar.
func requireBureau(p *auth.Principal) error {
	if !org.BureauAdmin(p) {
		return fail.Denied("forbidden", "仅市局党务管理员可进行此项设置")
	}
	return nil
}

// PlanInput sets a 党委's quota for a year.
type PlanInput struct {
	Year  int   `json:"year"`
	OrgID int64 `json:"org_id"`
	Quota int   `json:"quota"`
}

// PlanRow is one 党委's plan and its use.
type PlanRow struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Year    int    `json:"year"`
	Quota   *int   `json:"quota"`
	Used    int    `json:"used"`
	Outside int    `json:"outside_quota"` // priority development, not counted
	// Standouts are the people of its subtree found 表现突出 in a 战时党建
	// 工作响应 and not yet members: the priority path's candidates.
	Standouts int `json:"standouts"`
}

// Plans lists the approving 党委 of sc with their plans for a year.
func Plans(ctx context.Context, q db.Querier, sc scope.Subtree, year int) ([]PlanRow, error) {
	orgs, err := org.Options(ctx, q, sc)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT org_id, quota FROM dev_plans WHERE year = ?", year)
	if err != nil {
		return nil, err
	}
	quotas := map[int64]int{}
	for rows.Next() {
		var id int64
		var quota int
		if err := rows.Scan(&id, &quota); err != nil {
			rows.Close()
			return nil, err
		}
		quotas[id] = quota
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []PlanRow
	paths := map[int64]string{}
	for _, o := range orgs {
		if !org.CanApprove(&o.Org) {
			continue
		}
		r := PlanRow{OrgID: o.ID, OrgName: o.Name, Year: year}
		paths[o.ID] = o.Path
		if quota, ok := quotas[o.ID]; ok {
			r.Quota = &quota
		}
		out = append(out, r)
	}
	for i := range out {
		if out[i].Used, err = quotaUsed(ctx, q, out[i].OrgID, year); err != nil {
			return nil, err
		}
		in, args := scope.Under(paths[out[i].OrgID]).Where("o.path")
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons p JOIN orgs o ON o.id = p.org_id WHERE `+in+` AND `+
			wartime.StandoutSQL("p.id")+` AND p.status NOT IN ('probationary', 'full', 'suspended', 'deceased', 'transferred')`, args...).Scan(&out[i].Standouts); err != nil {
			return nil, err
		}
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dev_records r JOIN dev_cases c ON c.id = r.case_id
			WHERE r.kind = 'step' AND r.step = 17 AND r.org_id = ? AND r.on_date >= ? AND r.on_date <= ? AND c.fasttrack = 1`,
			out[i].OrgID, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)).Scan(&out[i].Outside); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SetPlan stores a quota (市局 only).
func SetPlan(ctx context.Context, d *core.Deps, p *auth.Principal, in PlanInput) error {
	if err := requireBureau(p); err != nil {
		return err
	}
	if in.Year < 2000 || in.Year > 2100 {
		return fail.Malformed("year", "年度无效")
	}
	if in.Quota < 0 || in.Quota > 10000 {
		return fail.Malformed("quota", "名额应为 0–10000 的整数")
	}
	o, err := getOrg(ctx, d.DB, in.OrgID)
	if err != nil || !scope.Of(p).Contains(o.Path) {
		return fail.NotFound()
	}
	if o.Kind != "committee" || !o.CanApprove {
		return fail.NotAllowed("org_id", "年度计划只下达给具有审批权限的党委")
	}
	now := d.Now().UnixMilli()
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		var before *int
		var q int
		if err := tx.QueryRowContext(ctx, "SELECT quota FROM dev_plans WHERE year = ? AND org_id = ?", in.Year, in.OrgID).Scan(&q); err == nil {
			before = &q
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO dev_plans (year, org_id, quota, updated_at) VALUES (?,?,?,?)
			ON CONFLICT (year, org_id) DO UPDATE SET quota = excluded.quota, updated_at = excluded.updated_at, version = dev_plans.version + 1`,
			in.Year, in.OrgID, in.Quota, now); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.plan", ObjectType: "org", ObjectID: fmt.Sprint(in.OrgID),
			Detail: audit.Change{Before: map[string]any{"year": in.Year, "quota": before}, After: in}})
	})
}

// OverrideInput changes one parameter of the default rule set from a date.
type OverrideInput struct {
	Rule          string `json:"rule"`
	Param         string `json:"param"`
	Value         int    `json:"value"`
	EffectiveFrom string `json:"effective_from"`
	Note          string `json:"note"`
}

// AddOverride stores a new version of a parameter (市局 only).
func AddOverride(ctx context.Context, d *core.Deps, p *auth.Principal, in OverrideInput) error {
	if err := requireBureau(p); err != nil {
		return err
	}
	set, _ := rules.Get(rules.DefaultSet)
	r, param, ok := set.Param(in.Rule, in.Param)
	if !ok {
		return fail.Malformed("param", "规则集中没有该参数，请从列表中选择")
	}
	if in.Value < 0 || in.Value > 1000 {
		return fail.Malformed("value", "参数值应为 0–1000 的整数")
	}
	if !param.Allows(in.Value) {
		return fail.Rule(r.ID, r.Citation, fmt.Sprintf("「%s · %s」：%s", r.Title, param.Label, param.BoundText())).Titled(r.Title, "", "")
	}
	from, err := civil.Parse(in.EffectiveFrom)
	if err != nil {
		return fail.Malformed("effective_from", err.Error())
	}
	if strings.TrimSpace(in.Note) == "" {
		return fail.Malformed("note", "请填写调整依据（如文件名称与文号）")
	}
	if msg := plaintext.Lines("调整依据", in.Note); msg != "" {
		return fail.Malformed("note", msg)
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO rule_overrides (rule_set, rule, param, value, effective_from, note, actor, created_at) VALUES (?,?,?,?,?,?,?,?)",
			set.Name, in.Rule, in.Param, in.Value, from.String(), strings.TrimSpace(in.Note), p.Username, d.Now().UnixMilli())
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.rule_override", ObjectType: "rule_override", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
}

// CalendarInput declares a date a working day or a day off.
type CalendarInput struct {
	Date    string `json:"date"`
	Working bool   `json:"working"`
	Note    string `json:"note"`
}

// AddCalendar stores a calendar override (市局 only); the latest for a date wins.
func AddCalendar(ctx context.Context, d *core.Deps, p *auth.Principal, in CalendarInput) error {
	if err := requireBureau(p); err != nil {
		return err
	}
	on, err := civil.Parse(in.Date)
	if err != nil {
		return fail.Malformed("date", err.Error())
	}
	if strings.TrimSpace(in.Note) == "" {
		return fail.Malformed("note", "请填写调整依据")
	}
	if msg := plaintext.Lines("调整依据", in.Note); msg != "" {
		return fail.Malformed("note", msg)
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO calendar_overrides (on_date, working, note, actor, created_at) VALUES (?,?,?,?,?)",
			on.String(), db.Int(in.Working), strings.TrimSpace(in.Note), p.Username, d.Now().UnixMilli())
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.calendar", ObjectType: "calendar_override", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
}
