package dues

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// VoluntaryInput is a 自愿多交党费: any amount beyond the monthly dues.
// PaidOn empty is today.
type VoluntaryInput struct {
	PersonID  int64  `json:"person_id"`
	AmountFen int64  `json:"amount_fen"`
	PaidOn    string `json:"paid_on,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Voluntary is one voluntary payment. ToCentre: 1000 元 or more at once,
// remitted whole to the Centre (RuleVoluntary).
type Voluntary struct {
	ID        int64  `json:"id"`
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	AmountFen int64  `json:"amount_fen"`
	PaidOn    string `json:"paid_on"`
	ToCentre  bool   `json:"to_centre"`
	Note      string `json:"note"`
}

// GiveVoluntary records a voluntary payment of a member in p's scope. The
// same member, day and amount twice is a double submission (409).
func GiveVoluntary(ctx context.Context, d *core.Deps, p *auth.Principal, in VoluntaryInput) (*Voluntary, error) {
	var out *Voluntary
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		pr, err := person(ctx, tx, p, in.PersonID)
		if err != nil {
			return err
		}
		today := civil.Today(d.Now())
		paid := today
		if s := strings.TrimSpace(in.PaidOn); s != "" {
			if paid, err = civil.Parse(s); err != nil {
				return fail.Malformed("paid_on", "交纳日期“"+in.PaidOn+"”不是真实的日期（如 2026-01-31）")
			}
		}
		if paid.After(today) {
			return fail.Malformed("paid_on", "交纳日期不能晚于今天")
		}
		if paid.Before(civil.New(today.Year()-1, 1, 1)) {
			return fail.Malformed("paid_on", fmt.Sprintf("只能登记 %d 年以来的自愿多交党费", today.Year()-1))
		}
		if pr.JoinDate != "" && paid.String() < pr.JoinDate {
			return fail.NotAllowed("paid_on", fmt.Sprintf("%s于 %s 成为预备党员，交纳日期不能早于此日", pr.Name, pr.JoinDate))
		}
		if in.AmountFen <= 0 || in.AmountFen > 100000000 {
			return fail.Malformed("amount_fen", "自愿多交的金额应大于 0 元，且不超过 100 万元")
		}
		if err := checkNote(&in.Note); err != nil {
			return err
		}
		v := Voluntary{PersonID: pr.ID, Name: pr.Name, OrgID: pr.OrgID, OrgName: pr.OrgName, AmountFen: in.AmountFen,
			PaidOn: paid.String(), ToCentre: in.AmountFen >= CentreFen, Note: in.Note}
		v.ID, err = db.InsertID(ctx, tx, `INSERT INTO dues_voluntary (person_id, org_id, amount_fen, paid_on, to_centre, note, created_at)
			VALUES (?,?,?,?,?,?,?)`, v.PersonID, v.OrgID, v.AmountFen, v.PaidOn, db.Int(v.ToCentre), v.Note, d.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("%s %s 自愿多交的 %s 元已经登记，请勿重复提交", pr.Name, v.PaidOn, Yuan(v.AmountFen)))
		} else if err != nil {
			return err
		}
		out = &v
		return d.Audit.Write(ctx, tx, audit.Event{Action: "dues.voluntary", ObjectType: "dues_voluntary", ObjectID: strconv.FormatInt(v.ID, 10),
			Detail: audit.Change{After: v}})
	})
	return out, err
}

// VoluntaryList is a year's voluntary payments made in the subtree of
// orgID (0: the caller's own organisation), with the total and the part
// remitted whole to the Centre.
type VoluntaryList struct {
	Year      int         `json:"year"`
	OrgID     int64       `json:"org_id"`
	TotalFen  int64       `json:"total_fen"`
	CentreFen int64       `json:"centre_fen"`
	Items     []Voluntary `json:"items"`
}

// VoluntaryOf lists a year's voluntary payments in p's scope.
func VoluntaryOf(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, year int) (*VoluntaryList, error) {
	if orgID == 0 {
		orgID = p.OrgID
	}
	s, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	if year < 2000 || year > 2100 {
		return nil, fail.Malformed("year", "年度应为 2000 至 2100 之间的年份")
	}
	w, args := s.Where("o.path")
	rows, err := d.DB.QueryContext(ctx, `SELECT v.id, v.person_id, p.name, v.org_id, o.name, v.amount_fen, v.paid_on, v.to_centre, v.note
		FROM dues_voluntary v JOIN persons p ON p.id = v.person_id JOIN orgs o ON o.id = v.org_id
		WHERE v.paid_on >= ? AND v.paid_on <= ? AND `+w+` ORDER BY v.paid_on, v.id`,
		append([]any{fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l := &VoluntaryList{Year: year, OrgID: orgID, Items: []Voluntary{}}
	for rows.Next() {
		var v Voluntary
		if err := rows.Scan(&v.ID, &v.PersonID, &v.Name, &v.OrgID, &v.OrgName, &v.AmountFen, &v.PaidOn, &v.ToCentre, &v.Note); err != nil {
			return nil, err
		}
		l.TotalFen += v.AmountFen
		if v.ToCentre {
			l.CentreFen += v.AmountFen
		}
		l.Items = append(l.Items, v)
	}
	return l, rows.Err()
}
