package develop

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/web"
	"hongdun/internal/rules"
)

// isBureau reports whether p is a 党务管理员 of the whole bureau (scope at
// a root organisation): only they set plans, rule overrides and the calendar.
func isBureau(ctx context.Context, q db.Querier, p *auth.Principal) (bool, error) {
	if p == nil || p.Role != auth.OrgAdmin || p.OrgID == 0 {
		return false, nil
	}
	o, err := getOrg(ctx, q, p.OrgID)
	if err != nil {
		return false, err
	}
	return o.ParentID == 0, nil
}

func requireBureau(ctx context.Context, q db.Querier, p *auth.Principal) error {
	ok, err := isBureau(ctx, q, p)
	if err != nil {
		return err
	}
	if !ok {
		return &web.Error{Status: 403, Code: "forbidden", Message: "仅市局党务管理员可进行此项设置"}
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
}

// Plans lists the approving 党委 in scope with their plans for a year.
// orgPath narrows the list to a subtree already checked to be in scope.
func Plans(ctx context.Context, q db.Querier, p *auth.Principal, year int, orgPath string) ([]PlanRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name, pl.quota FROM orgs o LEFT JOIN dev_plans pl ON pl.org_id = o.id AND pl.year = ?
		WHERE o.path LIKE ? AND o.path LIKE ? AND o.kind = 'committee' AND o.can_approve = 1 AND o.dissolved_on IS NULL ORDER BY o.path`,
		year, scopePath(p)+"%", orgPath+"%")
	if err != nil {
		return nil, err
	}
	var out []PlanRow
	for rows.Next() {
		r := PlanRow{Year: year}
		var quota *int
		if err := rows.Scan(&r.OrgID, &r.OrgName, &quota); err != nil {
			rows.Close()
			return nil, err
		}
		r.Quota = quota
		out = append(out, r)
	}
	rows.Close()
	for i := range out {
		if out[i].Used, err = quotaUsed(ctx, q, out[i].OrgID, year); err != nil {
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
	if err := requireBureau(ctx, d.DB, p); err != nil {
		return err
	}
	if in.Year < 2000 || in.Year > 2100 {
		return web.BadRequest("year", "年度无效")
	}
	if in.Quota < 0 || in.Quota > 10000 {
		return web.BadRequest("quota", "名额应为 0–10000 的整数")
	}
	o, err := getOrg(ctx, d.DB, in.OrgID)
	if err != nil || !p.InScope(o.Path) {
		return web.NotFound()
	}
	if o.Kind != "committee" || !o.CanApprove {
		return web.Invalid("org_id", "年度计划只下达给具有审批权限的党委")
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
	if err := requireBureau(ctx, d.DB, p); err != nil {
		return err
	}
	set, _ := rules.Get(rules.DefaultSet)
	if !set.ValidParam(in.Rule, in.Param) {
		return web.BadRequest("param", fmt.Sprintf("规则集 %s 中没有参数 %s.%s", set.Name, in.Rule, in.Param))
	}
	if in.Value < 0 || in.Value > 1000 {
		return web.BadRequest("value", "参数值应为 0–1000 的整数")
	}
	from, err := civil.Parse(in.EffectiveFrom)
	if err != nil {
		return web.BadRequest("effective_from", err.Error())
	}
	if strings.TrimSpace(in.Note) == "" {
		return web.BadRequest("note", "请填写调整依据（如文件名称与文号）")
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
	if err := requireBureau(ctx, d.DB, p); err != nil {
		return err
	}
	on, err := civil.Parse(in.Date)
	if err != nil {
		return web.BadRequest("date", err.Error())
	}
	if strings.TrimSpace(in.Note) == "" {
		return web.BadRequest("note", "请填写调整依据")
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO calendar_overrides (on_date, working, note, actor, created_at) VALUES (?,?,?,?,?)",
			on.String(), b2i(in.Working), strings.TrimSpace(in.Note), p.Username, d.Now().UnixMilli())
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.calendar", ObjectType: "calendar_override", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
}
