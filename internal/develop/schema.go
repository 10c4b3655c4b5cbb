package develop

import (
	"fmt"

	"hongdun/internal/rules"
)

// fieldSchemas are the request properties of each step input and those of
// them required.
var fieldSchemas = map[string]struct {
	props    map[string]any
	required []string
}{
	rules.FieldRecommendation: {map[string]any{"recommendation": map[string]any{"type": "string", "enum": []string{"党员推荐", "群团推优"}, "description": "入党积极分子的产生方式"}},
		[]string{"recommendation"}},
	rules.FieldPeople: {map[string]any{"person_ids": map[string]any{"type": "array", "items": map[string]any{"type": "integer"},
		"description": "所指定人员的编号（本组织的正式党员，不能是本人）"}}, []string{"person_ids"}},
	rules.FieldVetting: {map[string]any{"vetting_passed": map[string]any{"type": "boolean", "description": "政治审查结论：true 合格，false 不合格"}},
		[]string{"vetting_passed"}},
	rules.FieldTraining: {map[string]any{"training_days": map[string]any{"type": "integer", "minimum": 0, "description": "集中培训天数"},
		"training_hours": map[string]any{"type": "integer", "minimum": 0, "description": "集中培训学时（天数或学时达到其一即可）"}}, nil},
	rules.FieldVote: {map[string]any{"vote": map[string]any{"type": "object", "description": "支部大会表决（只计有表决权的正式党员）", "required": []string{"expected", "present", "for"},
		"properties": map[string]any{"expected": intProp("应到会有表决权的正式党员"), "present": intProp("实到"), "for": intProp("赞成"), "against": intProp("反对"),
			"abstain": intProp("弃权"), "written_for": intProp("会前书面意见·赞成"), "written_against": intProp("书面意见·反对"), "written_abstain": intProp("书面意见·弃权")}},
		"expected_reason": map[string]any{"type": "string", "description": "应到人数与会议当日名册不一致时的理由"}}, []string{"vote"}},
	rules.FieldLeaving: {map[string]any{"leaving_on": map[string]any{"type": "string", "format": "date", "description": "预计离开工作单位的日期（如有）"}}, nil},
}

func intProp(desc string) map[string]any {
	return map[string]any{"type": "integer", "minimum": 0, "description": desc}
}

var actingLabels = map[string]string{rules.ByBranch: "党支部", rules.ByUpper: "上级党委", rules.ByApprover: "具有审批权限的党委",
	rules.ByAbove: "再上一级党委组织部门"}

// stepSchema is the request schema of every step, read from the step
// definitions: one alternative per step with the inputs it takes, the
// steps it needs recorded first and who acts.
func stepSchema() map[string]any {
	var alts []any
	for _, d := range rules.Steps[1:] {
		props := map[string]any{
			"step":    map[string]any{"const": d.No, "description": d.Name},
			"date":    map[string]any{"type": "string", "format": "date", "description": "实际发生日期（不晚于今天）"},
			"opinion": map[string]any{"type": "string", "description": "情况、意见与结论"},
		}
		required := []string{"step", "date"}
		if d.Upper() {
			props["org_id"] = map[string]any{"type": "integer", "description": "办理的党组织（须为本档案所在党组织的上级）；不填则由最近的具有审批权限的党委办理，答复的 notice 说明所记的党委"}
		}
		for _, f := range d.Fields {
			fs := fieldSchemas[f]
			for k, v := range fs.props {
				props[k] = v
			}
			required = append(required, fs.required...)
		}
		alts = append(alts, map[string]any{"title": fmt.Sprintf("第%d步 %s", d.No, d.Name), "type": "object", "properties": props,
			"required": required, "x-needs": d.Needs, "x-acting": actingLabels[d.Acting], "x-repeat": d.Repeat})
	}
	return map[string]any{"oneOf": alts}
}
