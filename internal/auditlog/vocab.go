package auditlog

import (
	"encoding/json"
	"strings"
	"time"

	"hongdun/internal/assess"
	"hongdun/internal/brand"
	"hongdun/internal/cases"
	"hongdun/internal/exam"
	"hongdun/internal/honour"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/web"
	"hongdun/internal/strong"
	"hongdun/internal/task"
	"hongdun/internal/transfer"
	"hongdun/internal/wartime"
	"hongdun/internal/weak"
)

// codeNames name the codes a detail's fields hold, by event family and
// field, with the features' own names; the family "" holds the fields that
// mean the same in every feature. A test (TestDemoAuditInWords) reads the
// demo bureau's whole log and fails for a field or a code left unnamed.
var codeNames = map[family]map[string]func(string) string{
	"": {
		"role": func(s string) string { return auth.Role(s).Label() },
		"status": func(s string) string {
			if s == "party" {
				return "党员（正式和预备）"
			}
			return member.StatusLabel(s)
		},
	},
	"login":    {"": sessionKind},
	"logout":   {"": sessionKind},
	"org":      {"kind": org.KindLabel, "posted": org.WarningName, "closed": org.WarningName},
	"wartime":  {"kind": wartime.TeamLabel},
	"brand":    {"kind": brand.KindLabel, "state": brand.StateLabel},
	"strong":   {"state": strong.StateLabel},
	"weak":     {"state": weak.StateLabel, "triggers": weak.TriggerName},
	"transfer": {"kind": transfer.KindLabel, "state": transfer.StateLabel},
	"assess": {"grade": assess.Grades.Label, "ruling": assess.RulingLabels.Label, "state": assess.InnovationStates.Label,
		"kind": assess.TargetKinds.Label},
	"cases": {"origin": cases.Origins.Label},
	"exam": {
		"kind":       func(s string) string { return exam.Kind(s).Label() },
		"mode":       func(s string) string { return exam.Mode(s).Label() },
		"recurrence": func(s string) string { return exam.Recurrences[s] },
	},
	"honour": {"kind": honour.KindLabel},
	"task":   {"kind": task.Targets.Label, "target": task.Targets.Label},
}

// fieldNames name the fields whose meaning a feature sets apart from
// fieldLabels.
var fieldNames = map[family]map[string]string{
	"assess": {"expected": "预期成效", "standard": "填入标准指标"},
	"care":   {"standard": "慰问标准（元/人）", "level": "困难程度"},
}

// field is the name of the field k in a record of f.
func (f family) field(k string) string {
	if l, ok := fieldNames[f][k]; ok {
		return l
	}
	return fieldLabel(k)
}

// sessionKind names how a login came in.
func sessionKind(s string) string {
	return map[string]string{"web": "网页登录", "api": "接口登录"}[s]
}

// name is the name of the code s in field key, "" when there is none.
func (f family) name(key, s string) string {
	for _, fam := range []family{f, ""} {
		if n, ok := codeNames[fam][key]; ok {
			if name := n(s); name != "" {
				return name
			}
		}
	}
	return ""
}

// moment renders the milliseconds of a field named *_at as Shanghai time.
func moment(key string, n json.Number) (string, bool) {
	ms, err := n.Int64()
	if !strings.HasSuffix(key, "_at") || err != nil || ms < 1e11 {
		return "", false
	}
	return time.UnixMilli(ms).In(web.Shanghai).Format("2006-01-02 15:04"), true
}

// accountFields hold account names, not codes.
var accountFields = map[string]bool{"username": true, "created_by": true, "actor": true, "requested_by": true,
	"approved_by": true, "refused_by": true}

// looksLikeCode is a value the way the code writes a code (lower-case
// letters and underscores, perhaps with an id after a colon), not the way a
// user writes text.
func looksLikeCode(s string) bool {
	s, _, _ = strings.Cut(s, ":") // a code with an id: few_full:120
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' && i > 0) {
			return false
		}
	}
	return s != ""
}

// Unnamed lists what Detail would show an auditor as code: the fields of a
// record of action without a Chinese name, and the codes in them without
// one ("field" or "field=code").
func Unnamed(action, raw string) []string {
	fam, _, _ := strings.Cut(action, ".")
	f := family(fam)
	var out []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if noiseKeys[k] {
					continue
				}
				if k != "before" && k != "after" && f.field(k) == k {
					out = append(out, k)
				}
				walk(k, e)
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case string:
			if !accountFields[key] && key != "action" && key != "fields" && key != "filter" && looksLikeCode(x) && f.name(key, x) == "" {
				out = append(out, key+"="+x)
			}
		}
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		v = raw
	}
	walk("", v)
	return out
}
