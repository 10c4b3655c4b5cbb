package transfer

import (
	"context"
	"net/http"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/web"
)

// Away is a 流动党员 or a member out of contact, with what the rules ask
// next. Both are registered as events on the member's record (外出流动,
// 失去联系); this list gathers them for the organisation.
type Away struct {
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	Org         string `json:"org"`
	Mobile      bool   `json:"mobile"`
	MobilePlace string `json:"mobile_place"`
	LostContact bool   `json:"lost_contact"`
	LostSince   string `json:"lost_since"`
	SuspendOn   string `json:"suspend_on,omitempty"` // 失联满 6 个月：停止党籍
	StrikeOn    string `json:"strike_on,omitempty"`  // 失联满 2 年：除名
	Due         bool   `json:"due"`                  // a deadline has passed
}

// AwayList lists the mobile and lost members in the subtree of orgID (0: the
// caller's scope).
func AwayList(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64) ([]Away, error) {
	sc, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	in, args := sc.Where("o.path")
	rows, err := d.DB.QueryContext(ctx, `SELECT p.id, p.name, o.name, p.mobile, p.mobile_place, p.lost_contact, COALESCE(p.lost_since, '')
		FROM persons p JOIN orgs o ON o.id = p.org_id
		WHERE `+in+` AND (p.mobile = 1 OR p.lost_contact = 1) AND p.status IN ('probationary', 'full', 'suspended')
		ORDER BY p.lost_contact DESC, p.lost_since, p.pinyin`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := civil.Today(d.Now())
	out := []Away{}
	for rows.Next() {
		var a Away
		if err := rows.Scan(&a.PersonID, &a.Name, &a.Org, &a.Mobile, &a.MobilePlace, &a.LostContact, &a.LostSince); err != nil {
			return nil, err
		}
		if s, err := civil.Parse(a.LostSince); a.LostContact && err == nil {
			suspend, strike := s.AddMonths(6), s.AddYears(2)
			a.SuspendOn, a.StrikeOn = suspend.String(), strike.String()
			a.Due = !today.Before(suspend)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (h *handlers) apiAway(w http.ResponseWriter, r *http.Request) error {
	as, err := ofOrg(h, r, AwayList)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": as, "total": len(as)})
	return nil
}

func (h *handlers) awayPage(w http.ResponseWriter, r *http.Request) error {
	as, err := ofOrg(h, r, AwayList)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, awayPage, as)
}
