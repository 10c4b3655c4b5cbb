package wartime

import (
	"net/url"
	"strings"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
)

// dateRange reads from and to (either may be absent), to not before from.
func dateRange(q url.Values) (from, to string, err error) {
	for _, d := range []struct {
		name, label string
		v           *string
	}{{"from", "起始日期", &from}, {"to", "截止日期", &to}} {
		if s := strings.TrimSpace(q.Get(d.name)); s != "" {
			day, err := civil.Parse(s)
			if err != nil {
				return "", "", fail.Malformed(d.name, "请按“年-月-日”填写"+d.label)
			}
			*d.v = day.String()
		}
	}
	if from != "" && to != "" && to < from {
		return "", "", fail.NotAllowed("to", "截止日期不能早于起始日期")
	}
	return from, to, nil
}

// ParseFilter reads the event list's filters: org, kind, state, from, to
// and q (the page is the shared pager's: paging).
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{State: q.Get("state"), Q: strings.TrimSpace(q.Get("q"))}
	var err error
	if f.OrgID, err = input.Positive("org", "组织编号", q.Get("org")); err != nil {
		return f, err
	}
	if f.KindID, err = input.Positive("kind", "响应类型", q.Get("kind")); err != nil {
		return f, err
	}
	switch f.State {
	case "", "active", "ended":
	default:
		return f, fail.Malformed("state", "状态应为 active（进行中）或 ended（已结束）")
	}
	if len([]rune(f.Q)) > 50 {
		return f, fail.Malformed("q", "搜索内容过长")
	}
	f.From, f.To, err = dateRange(q)
	return f, err
}

// cond is an optional condition of a list query, added when on; v is nil
// for a condition without a value.
type cond struct {
	sql string
	v   any
	on  bool
}

// with appends the conditions that are on to where, and their values to args.
func with(where string, args []any, cs ...cond) (string, []any) {
	for _, c := range cs {
		if !c.on {
			continue
		}
		where += " AND " + c.sql
		if c.v != nil {
			args = append(args, c.v)
		}
	}
	return where, args
}
