package care

import (
	"context"
	"fmt"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// ElderRule says who the 老党员 ledger holds: 正式党员 whose 党龄 reaches
// PartyYears, or party members whose age reaches Age; 0 turns a criterion
// off. Each bureau keeps its own (rules.md §5: "e.g. 党龄 ≥ 50, or age ≥ 80
// — configurable").
type ElderRule struct {
	PartyYears int  `json:"party_years"`
	Age        int  `json:"age"`
	Set        bool `json:"set"` // false: the defaults hold
	Version    int  `json:"version"`
}

// DefaultElder is the rule of a bureau that has not set its own.
var DefaultElder = ElderRule{PartyYears: 50, Age: 80}

// ElderCitation is where the rule comes from, shown with it.
const ElderCitation = "老党员台账：党龄满一定年限或年满一定岁数的党员，由各局设定（默认党龄满50年或年满80周岁）；党龄自转正之日起计算（《中国共产党章程》第七条）"

// Describe is the rule in words: 党龄满50年或年满80周岁.
func (r ElderRule) Describe() string {
	switch {
	case r.PartyYears > 0 && r.Age > 0:
		return fmt.Sprintf("党龄满%d年或年满%d周岁", r.PartyYears, r.Age)
	case r.PartyYears > 0:
		return fmt.Sprintf("党龄满%d年", r.PartyYears)
	default:
		return fmt.Sprintf("年满%d周岁", r.Age)
	}
}

// ElderRuleOf is a bureau's rule, the defaults when it set none.
func ElderRuleOf(ctx context.Context, q db.Querier, bureau int64) (ElderRule, error) {
	r := ElderRule{Set: true}
	err := q.QueryRowContext(ctx, "SELECT party_years, age, version FROM care_elder_rules WHERE bureau_id = ?", bureau).Scan(&r.PartyYears, &r.Age, &r.Version)
	if db.IsNoRows(err) {
		return DefaultElder, nil
	}
	return r, err
}

// ruleOf is the rule of the bureau p works in.
func ruleOf(ctx context.Context, q db.Querier, p *auth.Principal) (ElderRule, error) {
	return ElderRuleOf(ctx, q, bureauOf(scope.Of(p).Root()))
}

// check refuses numbers outside what a rule can mean.
func (r ElderRule) check() error {
	var errs fail.Fields
	if r.PartyYears != 0 && (r.PartyYears < 30 || r.PartyYears > 80) {
		errs = append(errs, fail.NotAllowed("party_years", "党龄年限应在 30 至 80 年之间（填 0 表示不按党龄）"))
	}
	if r.Age != 0 && (r.Age < 60 || r.Age > 110) {
		errs = append(errs, fail.NotAllowed("age", "年龄应在 60 至 110 周岁之间（填 0 表示不按年龄）"))
	}
	if len(errs) == 0 && r.PartyYears == 0 && r.Age == 0 {
		errs = append(errs, fail.NotAllowed("party_years", "党龄和年龄至少要设定一项"))
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// SetElderRule sets the rule of the caller's bureau (its 党务管理员 of the
// whole bureau only); in.Version is the version read (0 for the defaults),
// so that two officers changing it at once do not overwrite each other.
func SetElderRule(ctx context.Context, d *core.Deps, p *auth.Principal, in ElderRule) (ElderRule, error) {
	if !org.BureauAdmin(p) {
		return ElderRule{}, fail.Denied("not_bureau", "只有全局的党务管理员可以设定老党员条件")
	}
	if err := in.check(); err != nil {
		return ElderRule{}, err
	}
	bureau := bureauOf(scope.Of(p).Root())
	stale := fail.Conflict("老党员条件已被他人修改，请刷新后重试")
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := ElderRuleOf(ctx, tx, bureau)
		if err != nil {
			return err
		}
		if in.Version != old.Version {
			return stale
		}
		now := d.Now().UnixMilli()
		if old.Set {
			_, err = tx.ExecContext(ctx, "UPDATE care_elder_rules SET party_years = ?, age = ?, updated_at = ?, version = version + 1 WHERE bureau_id = ?",
				in.PartyYears, in.Age, now, bureau)
		} else {
			_, err = tx.ExecContext(ctx, "INSERT INTO care_elder_rules (bureau_id, party_years, age, updated_at) VALUES (?,?,?,?)", bureau, in.PartyYears, in.Age, now)
		}
		if db.IsUnique(err) {
			return stale
		}
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "care.elder_rule", ObjectType: "org", ObjectID: fmt.Sprint(bureau),
			Detail: audit.Change{Before: old.Describe(), After: in.Describe()}})
	})
	if err != nil {
		return ElderRule{}, err
	}
	return ElderRuleOf(ctx, d.DB, bureau)
}
