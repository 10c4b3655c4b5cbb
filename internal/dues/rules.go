package dues

// The rules of the regulations this package applies, as data: each
// refusal and warning names its rule and citation (rules.md §3, §4).

// Rule is one rule: its id, what it says and where it is written.
type Rule struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Citation string `json:"citation"`
}

// Rule ids.
const (
	RuleBrackets  = "R-DUES-BRACKETS"
	RuleLow       = "R-DUES-LOW"
	RuleReduction = "R-DUES-REDUCTION"
	RuleFromJoin  = "R-DUES-PROBATION"
	RuleYearly    = "R-DUES-YEARLY"
	RuleBackPay   = "R-DUES-BACKPAY"
	RuleWarn      = "R-DUES-WARN"
	RuleLapse     = "R-DUES-LAPSE"
	RuleVoluntary = "R-DUES-VOLUNTARY"
)

// Months of the rules: 补缴 at most MaxBackMonths back; warnings at
// WarnMonths consecutive unpaid months; 自行脱党 at LapseMonths.
const (
	MaxBackMonths = 6
	LapseMonths   = 6
)

// CentreFen is the single voluntary payment from which all of it goes to
// the Centre: 1000 元.
const CentreFen = 100000

// WarnMonths are the runs of unpaid months that post a reminder.
var WarnMonths = []int{3, 5}

const regulation = "《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）"

// Rules are the dues rules in the order the regulations give them.
var Rules = []Rule{
	{RuleBrackets, "在职党员按每月工资收入（税后）的 0.5%、1%、1.5%、2% 交纳，离退休党员按 0.5%、1% 交纳", regulation + "「党费的收缴」"},
	{RuleLow, "农民、学生、下岗失业和领取最低生活保障金的党员每月交纳党费 0.2 元", regulation + "「党费的收缴」"},
	{RuleReduction, "生活困难的党员经支部党员大会讨论、报上级党委批准，可以少交或免交党费", regulation + "「党费的收缴」"},
	{RuleFromJoin, "预备党员从支部大会通过其为预备党员之日起交纳党费", regulation + "「党费的收缴」"},
	{RuleYearly, "党费计算基数每年核定一次，全年不变；党支部每年至少向党员公布一次党费收缴情况", regulation + "「党费的收缴」「党费的管理」"},
	{RuleBackPay, "经党支部同意，补交党费最多补交 6 个月", regulation + "「党费的收缴」"},
	{RuleVoluntary, "党员自愿多交党费不限；自愿一次多交纳 1000 元以上（含 1000 元）的党费，全部上缴中央", regulation + "「党费的收缴」「党费的管理」"},
	{RuleWarn, "党员连续 3 个月、5 个月未交纳党费，党支部应提醒并谈话教育", "《中国共产党党员教育管理工作条例》第三十一条"},
	{RuleLapse, "党员无正当理由连续 6 个月不交纳党费，视为自行脱党", "《中国共产党章程》第九条；《中国共产党党员教育管理工作条例》第三十一条"},
}

// RuleOf returns a rule by id; it panics on an unknown id, which the code
// fixes, not the user.
func RuleOf(id string) Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	panic("dues: unknown rule " + id)
}
