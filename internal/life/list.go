package life

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
)

// Filter narrows the meeting list.
type Filter struct {
	OrgID         int64
	Kind          string
	From, To      string
	Page, PerPage int
}

// ParseFilter reads org, kind, from and to (the page is the shared pager's:
// web.Paging).
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Kind: q.Get("kind")}
	if s := q.Get("org"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return f, fail.Malformed("org", "组织编号应为正整数")
		}
		f.OrgID = n
	}
	if f.Kind != "" && KindLabel(f.Kind) == "" {
		return f, fail.NotAllowed("kind", "未知的会议类型")
	}
	for _, d := range []struct {
		name, label string
		v           *string
	}{{"from", "起始日期", &f.From}, {"to", "截止日期", &f.To}} {
		if s := strings.TrimSpace(q.Get(d.name)); s != "" {
			day, err := civil.Parse(s)
			if err != nil {
				return f, fail.Malformed(d.name, "请按“年-月-日”填写"+d.label)
			}
			*d.v = day.String()
		}
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return f, fail.NotAllowed("to", "截止日期不能早于起始日期")
	}
	return f, nil
}

// List is one page of meetings.
type List = listing.List[Meeting]

// List returns the meetings of the caller's scope (narrowed by the filter),
// newest first; PerPage 0 returns them all (the export).
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (*List, error) {
	sub, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	in, args := sub.Where("o.path")
	where := " FROM life_meetings m JOIN orgs o ON o.id = m.org_id WHERE " + in
	for _, c := range []struct {
		cond, v string
	}{{" AND m.kind = ?", f.Kind}, {" AND m.held_on >= ?", f.From}, {" AND m.held_on <= ?", f.To}} {
		if c.v != "" {
			where += c.cond
			args = append(args, c.v)
		}
	}
	return listing.Read(ctx, s.DB, f.Page, f.PerPage, meetingCols, where, "m.held_on DESC, m.id DESC", args, scanMeeting)
}
