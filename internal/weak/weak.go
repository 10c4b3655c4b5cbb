// Package weak is the rectification of 软弱涣散 (weak and lax) party
// branches: the checks of rules.md §6 computed where the platform holds the
// data (书记 post vacant too long, committee incomplete, organisational life
// not held, too few 正式党员, no member developed for years) and listed by
// hand otherwise; a rectification record per branch and year (problems,
// measures, the leader who 包联 it, the deadline, progress reports,
// acceptance by the organisation above) until it is removed from the list;
// and the yearly list with its history.
package weak

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
	"hongdun/internal/platform/scope"
)

// Trigger is one of the situations that make a branch 软弱涣散. A computed
// one reads a number of the bureau's (Param); Label holds it as %d.
type Trigger struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	Param    string `json:"param,omitempty"`
	Computed bool   `json:"computed"`
}

// Triggers lists the situations, the computed ones first.
var Triggers = []Trigger{
	{"secretary_vacant", "书记空缺超过 %d 个月", ParamVacantMonths, true},
	{"committee_incomplete", "班子不健全（应设支委会而委员不足，或未配书记）", "", true},
	{"life_not_held", "组织生活未按要求开展（本年度逾期未开展 %d 期及以上）", ParamMissed, true},
	{"few_members", "正式党员不足 %d 名", ParamMinFull, true},
	{"no_development", "连续 %d 年以上未发展党员", ParamNoDevYears, true},
	{"divided", "班子不团结、内耗严重", "", false},
	{"weak_role", "党组织软弱无力、战斗堡垒作用发挥不明显", "", false},
	{"satisfaction", "群众满意度低于 60%", "", false},
	{"discipline", "党员队伍管理松散、违纪违法问题突出", "", false},
	{"other", "其他情形（在存在问题中写明）", "", false},
}

// Numbers the computed triggers read, per bureau and year.
const (
	ParamVacantMonths = "vacant_months"
	ParamMissed       = "missed_periods"
	ParamMinFull      = "min_full"
	ParamNoDevYears   = "no_dev_years"
)

// Params are a bureau's numbers for a year: param → value.
type Params map[string]int

// paramLimits are the defaults and the accepted ranges.
var paramLimits = []struct {
	key, label         string
	def, lowest, upper int
}{
	{ParamVacantMonths, "书记空缺的月数", 3, 1, 24},
	{ParamMissed, "逾期未开展组织生活的期数", 3, 1, 46},
	{ParamMinFull, "正式党员的最少人数", 3, 1, 10},
	{ParamNoDevYears, "未发展党员的年数", 3, 1, 10},
}

// Defaults are the numbers of rules.md §6.
func Defaults() Params {
	p := Params{}
	for _, l := range paramLimits {
		p[l.key] = l.def
	}
	return p
}

// LabelWith is the trigger's label with the bureau's number in it.
func (t Trigger) LabelWith(p Params) string {
	if t.Param == "" {
		return t.Label
	}
	return fmt.Sprintf(t.Label, p[t.Param])
}

// TriggerName names the trigger of code without its number (which the
// bureau sets per year), "" when unknown.
func TriggerName(code string) string {
	t, _ := TriggerOf(code)
	return strings.ReplaceAll(t.Label, " %d ", "…")
}

// TriggerOf finds a trigger by code.
func TriggerOf(code string) (Trigger, bool) {
	for _, t := range Triggers {
		if t.Code == code {
			return t, true
		}
	}
	return Trigger{}, false
}

// bureauOf is the top organisation of a path ("/1/4/9/" → 1).
func bureauOf(path string) int64 {
	var id int64
	_, _ = fmt.Sscanf(strings.TrimPrefix(path, "/"), "%d/", &id) // a malformed path is bureau 0, which has nothing
	return id
}

// params are the bureaus' numbers by year.
var params = db.Yearly[int]{Table: "weak_params", Key: "param", Value: "value"}

// ParamsOf returns a bureau's numbers for a year: those set for that year,
// else for the latest earlier year, else the defaults; set says whether
// the year has its own.
func ParamsOf(ctx context.Context, q db.Querier, bureau int64, year int) (Params, bool, error) {
	return params.Of(ctx, q, bureau, year, Defaults())
}

// SetParams sets a bureau's numbers for a year (its 党务管理员 of the whole
// bureau only).
func SetParams(ctx context.Context, d *core.Deps, p *auth.Principal, year int, in Params) error {
	if !org.BureauAdmin(p) {
		return fail.Denied("not_bureau", "软弱涣散的排查标准由市局党务管理员设置")
	}
	if year < 2000 || year > civil.Today(d.Now()).Year()+1 {
		return fail.NotAllowed("year", "年度应为 2000 年至明年之间的四位年份")
	}
	for k := range in {
		if _, ok := Defaults()[k]; !ok {
			return fail.NotAllowed("params", "未知的排查标准："+k)
		}
	}
	for _, l := range paramLimits {
		if v, ok := in[l.key]; ok && (v < l.lowest || v > l.upper) {
			return fail.NotAllowed(l.key, fmt.Sprintf("%s应在 %d 至 %d 之间", l.label, l.lowest, l.upper))
		}
	}
	bureau := bureauOf(scope.Of(p).Root())
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		before, after, err := params.Set(ctx, tx, bureau, year, Defaults(), in)
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "weak.params", ObjectType: "org", ObjectID: fmt.Sprint(bureau),
			Detail: audit.Change{Before: map[string]any{"year": year, "params": before}, After: map[string]any{"year": year, "params": after}}})
	})
}
