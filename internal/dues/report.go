package dues

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// Report is the yearly publication of dues to the members (党费收缴情况
// 公示, rules.md §4): for each party member of an organisation's subtree,
// the year's monthly amount, the months owed and paid up to the month
// reported, what they paid and which months are still unpaid. Members who
// left during the year (transferred out, died, 停止党籍, 取消预备党员资格)
// stay on it for the months they were members, with the day they left,
// when the ledger holds their year: the publication of a year is its
// history, not today's roster.
type Report struct {
	Year       int    `json:"year"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	Through    string `json:"through"` // the last month counted, "2026年11月"
	Members    int    `json:"members"`
	FullyPaid  int    `json:"fully_paid"`
	DueFen     int64  `json:"due_fen"` // owed over the months counted
	PaidFen    int64  `json:"paid_fen"`
	Reductions int    `json:"reductions"` // members paying a reduced amount or nothing
	// Voluntary payments of the year (自愿多交) and the part of them remitted
	// whole to the Centre (1000 元 or more at once).
	VoluntaryFen int64        `json:"voluntary_fen"`
	CentreFen    int64        `json:"centre_fen"`
	Items        []*ReportRow `json:"items"`
}

// ReportRow is one member's year.
type ReportRow struct {
	PersonID   int64  `json:"person_id"`
	Name       string `json:"name"`
	OrgName    string `json:"org_name"`
	KindLabel  string `json:"kind_label"`
	MonthlyFen int64  `json:"monthly_fen"`
	Reduced    bool   `json:"reduced"`
	NoBase     bool   `json:"no_base"`
	MonthsDue  int    `json:"months_due"`
	MonthsPaid int    `json:"months_paid"`
	DueFen     int64  `json:"due_fen"`
	PaidFen    int64  `json:"paid_fen"`
	Unpaid     []int  `json:"unpaid"` // months owed and not paid
	Voluntary  int64  `json:"voluntary_fen"`
	// LeftOn and LeftLabel: a member who left in or after the year (the
	// months after the one they left are not owed).
	LeftOn    string `json:"left_on,omitempty"`
	LeftLabel string `json:"left_label,omitempty"`
}

// UnpaidText lists the unpaid months as "3、4、5月".
func (r *ReportRow) UnpaidText() string {
	if len(r.Unpaid) == 0 {
		return ""
	}
	ms := make([]string, len(r.Unpaid))
	for i, m := range r.Unpaid {
		ms[i] = strconv.Itoa(m)
	}
	return strings.Join(ms, "、") + "月"
}

// YearReport builds the publication of a year for the subtree of orgID
// (0: the caller's own organisation) in p's scope: the months from January
// to December, or to last month in the current year.
func YearReport(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, year int) (*Report, error) {
	today := civil.Today(d.Now())
	if year == 0 {
		year = today.Year()
	}
	if year < 2000 || year > today.Year() {
		return nil, fail.Malformed("year", fmt.Sprintf("公示年度应为 2000 至 %d 年", today.Year()))
	}
	if orgID == 0 {
		orgID = p.OrgID
	}
	s, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, d.DB, orgID)
	if err != nil {
		return nil, err
	}
	last := Month{year, 12}
	if cur := MonthOf(today); year == cur.Year {
		last = cur.Add(-1)
	}
	rep := &Report{Year: year, OrgID: o.ID, OrgName: o.Name, Items: []*ReportRow{}}
	if last.Year == year {
		rep.Through = last.Chinese()
	}
	w, args := s.Where("o.path")
	// Today's members, and those who were members in the year and left in
	// it or later, when the ledger holds their year (a base or a payment):
	// their row stays where they were (persons.org_id).
	first, end := civil.New(year, 1, 1).String(), Month{year, 12}.Last()
	rows, err := d.DB.QueryContext(ctx, `SELECT p.id, p.name, o.name, COALESCE(p.join_date, ''), p.status, COALESCE(p.left_date, ''),
		COALESCE(b.kind, ''), COALESCE(b.amount_fen, 0), COALESCE(b.standard_fen, 0), CASE WHEN b.id IS NULL THEN 1 ELSE 0 END
		FROM persons p JOIN orgs o ON o.id = p.org_id LEFT JOIN dues_bases b ON b.person_id = p.id AND b.year = ?
		WHERE `+w+` AND (`+member.PartyMember("p.status")+` OR (p.status IN ('transferred', 'deceased', 'suspended', 'cancelled')
			AND p.join_date <= ? AND p.left_date >= ? AND (b.id IS NOT NULL OR EXISTS (SELECT 1 FROM dues_payments y WHERE y.person_id = p.id AND y.year = ?))))
		ORDER BY o.path, p.pinyin, p.id`, append(append([]any{year}, args...), end, first, year)...)
	if err != nil {
		return nil, err
	}
	joins := map[int64]string{}
	byID := map[int64]*ReportRow{}
	for rows.Next() {
		r := &ReportRow{}
		var join, status, kind string
		var std int64
		var noBase int
		if err := rows.Scan(&r.PersonID, &r.Name, &r.OrgName, &join, &status, &r.LeftOn, &kind, &r.MonthlyFen, &std, &noBase); err != nil {
			rows.Close()
			return nil, err
		}
		if slices.Contains(member.PartyStatuses, status) {
			r.LeftOn = ""
		} else {
			r.LeftLabel = r.LeftOn + " " + member.StatusLabel(status)
		}
		r.KindLabel, r.Reduced, r.NoBase = KindLabel(kind), r.MonthlyFen < std, noBase == 1
		joins[r.PersonID], byID[r.PersonID] = join, r
		rep.Items = append(rep.Items, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	paid, err := yearPayments(ctx, d.DB, w, args, year)
	if err != nil {
		return nil, err
	}
	vol, err := VoluntaryOf(ctx, d, p, orgID, year)
	if err != nil {
		return nil, err
	}
	rep.VoluntaryFen, rep.CentreFen = vol.TotalFen, vol.CentreFen
	for _, v := range vol.Items {
		if r := byID[v.PersonID]; r != nil {
			r.Voluntary += v.AmountFen
		}
	}
	for _, r := range rep.Items {
		for m := 1; m <= 12 && (Month{year, m}).index() <= last.index(); m++ {
			amount, ok := paid[r.PersonID][m]
			if ok {
				r.MonthsPaid++
				r.PaidFen += amount
			}
			month := Month{year, m}
			if join := joins[r.PersonID]; (join != "" && join > month.Last()) || (!r.NoBase && r.MonthlyFen == 0) ||
				(r.LeftOn != "" && r.LeftOn < month.First()) {
				continue // not yet (or no longer) a member that month, or 免交
			}
			r.MonthsDue++
			r.DueFen += r.MonthlyFen
			if !ok {
				r.Unpaid = append(r.Unpaid, m)
			}
		}
		rep.Members++
		rep.DueFen += r.DueFen
		rep.PaidFen += r.PaidFen
		if len(r.Unpaid) == 0 {
			rep.FullyPaid++
		}
		if r.Reduced {
			rep.Reductions++
		}
	}
	return rep, nil
}

// yearPayments are the payments of a year by the members the condition w
// (on o.path, with args) selects: person → month → amount.
func yearPayments(ctx context.Context, q db.Querier, w string, args []any, year int) (map[int64]map[int]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT y.person_id, y.month, y.amount_fen FROM dues_payments y JOIN persons p ON p.id = y.person_id
		JOIN orgs o ON o.id = p.org_id WHERE y.year = ? AND `+w, append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[int]int64{}
	for rows.Next() {
		var id, amount int64
		var m int
		if err := rows.Scan(&id, &m, &amount); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[int]int64{}
		}
		out[id][m] = amount
	}
	return out, rows.Err()
}
