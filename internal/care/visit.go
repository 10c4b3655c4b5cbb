package care

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Visit is one 走访慰问.
type Visit struct {
	ID           int64    `json:"id"`
	PersonID     int64    `json:"person_id"`
	PersonName   string   `json:"person_name"`
	OrgID        int64    `json:"org_id"`
	OrgName      string   `json:"org_name"`
	CampaignID   int64    `json:"campaign_id,omitempty"`
	CampaignName string   `json:"campaign_name,omitempty"`
	VisitedOn    string   `json:"visited_on"`
	Form         string   `json:"form"`
	FormLabel    string   `json:"form_label"`
	Visitors     string   `json:"visitors"`
	AmountFen    int64    `json:"amount_fen"`
	Amount       string   `json:"amount"` // 元, two decimals
	Notes        string   `json:"notes"`
	Late         bool     `json:"late"` // after its campaign's window
	CreatedBy    string   `json:"created_by"`
	Version      int      `json:"version"`
	UpdatedAt    int64    `json:"updated_at"`
	Photos       []*Photo `json:"photos"`
	orgPath      string
}

// VisitInput is what a form or the API submits for a visit. Amount is in
// 元 with at most two decimals ("300", "300.50").
type VisitInput struct {
	PersonID   int64  `json:"person_id"`
	CampaignID int64  `json:"campaign_id,omitempty"`
	VisitedOn  string `json:"visited_on"`
	Form       string `json:"form"`
	Visitors   string `json:"visitors"`
	Amount     string `json:"amount"`
	Notes      string `json:"notes"`
	Version    int    `json:"version,omitempty"` // for a change: the version read
}

var visitCols = `v.id, v.person_id, p.name, v.org_id, o.name, o.path, COALESCE(v.campaign_id, 0), COALESCE(c.name, ''), COALESCE(c.ends_on, ''),
	v.visited_on, v.form, v.visitors, v.amount_fen, v.notes, ` + auth.NameOf("v.created_by") + `, v.version, v.updated_at`

const visitFrom = ` FROM care_visits v JOIN persons p ON p.id = v.person_id JOIN orgs o ON o.id = v.org_id LEFT JOIN care_campaigns c ON c.id = v.campaign_id`

func scanVisit(s interface{ Scan(...any) error }) (*Visit, error) {
	var v Visit
	var ends string
	if err := s.Scan(&v.ID, &v.PersonID, &v.PersonName, &v.OrgID, &v.OrgName, &v.orgPath, &v.CampaignID, &v.CampaignName, &ends,
		&v.VisitedOn, &v.Form, &v.Visitors, &v.AmountFen, &v.Notes, &v.CreatedBy, &v.Version, &v.UpdatedAt); err != nil {
		return nil, err
	}
	v.FormLabel, v.Amount, v.Late, v.Photos = FormLabel(v.Form), Yuan(v.AmountFen), ends != "" && v.VisitedOn > ends, []*Photo{}
	return &v, nil
}

// VisitFilter selects visits.
type VisitFilter struct {
	OrgID, PersonID, CampaignID int64
	Form, From, To              string
	Paging
}

// ParseVisitFilter reads org, person, campaign, form, from and to (the page
// is the shared pager's: filter).
func ParseVisitFilter(q url.Values) (VisitFilter, error) {
	f := VisitFilter{Form: q.Get("form")}
	var err error
	if f.OrgID, err = orgParam(q.Get("org")); err != nil {
		return f, err
	}
	for _, n := range []struct {
		name, lbl string
		v         *int64
	}{{"person", "人员编号", &f.PersonID}, {"campaign", "活动编号", &f.CampaignID}} {
		if s := q.Get(n.name); s != "" {
			if *n.v, err = strconv.ParseInt(s, 10, 64); err != nil || *n.v <= 0 {
				return f, fail.Malformed(n.name, n.lbl+"应为正整数")
			}
		}
	}
	if f.Form != "" && FormLabel(f.Form) == "" {
		return f, fail.Malformed("form", "走访形式无效，应为 home（上门走访）、phone（电话慰问）、money（慰问金）或 goods（慰问品）")
	}
	for _, d := range []struct {
		name, lbl string
		v         *string
	}{{"from", "起始日期", &f.From}, {"to", "截止日期", &f.To}} {
		if s := strings.TrimSpace(q.Get(d.name)); s != "" {
			day, err := civil.Parse(s)
			if err != nil {
				return f, fail.Malformed(d.name, d.lbl+"“"+s+"”不是真实的日期（如 2026-01-31）")
			}
			*d.v = day.String()
		}
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		return f, fail.NotAllowed("to", "截止日期不能早于起始日期")
	}
	return f, nil
}

// Visits returns one page of the visits in p's scope, newest first, with
// the amounts of all that match; PerPage 0 returns them all.
func Visits(ctx context.Context, q db.Querier, p *auth.Principal, f VisitFilter) (*VisitList, error) {
	s, err := org.Narrow(ctx, q, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := s.Where("o.path")
	for _, c := range []struct {
		cond string
		v    any
		set  bool
	}{{" AND v.person_id = ?", f.PersonID, f.PersonID != 0}, {" AND v.campaign_id = ?", f.CampaignID, f.CampaignID != 0},
		{" AND v.form = ?", f.Form, f.Form != ""}, {" AND v.visited_on >= ?", f.From, f.From != ""}, {" AND v.visited_on <= ?", f.To, f.To != ""}} {
		if c.set {
			w += c.cond
			args = append(args, c.v)
		}
	}
	out := &VisitList{List: List[*Visit]{Page: f.Page, PerPage: f.PerPage, Items: []*Visit{}}}
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(v.amount_fen), 0)"+visitFrom+" WHERE "+w, args...).Scan(&out.Total, &out.AmountFen); err != nil {
		return nil, err
	}
	out.Amount = Yuan(out.AmountFen)
	sel := "SELECT " + visitCols + visitFrom + " WHERE " + w + " ORDER BY v.visited_on DESC, v.id DESC"
	if f.PerPage > 0 {
		sel += " LIMIT ? OFFSET ?"
		args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	}
	rows, err := q.QueryContext(ctx, sel, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, v)
	}
	return out, rows.Err()
}

// VisitList is a page of visits with the total amount of all that match.
type VisitList struct {
	List[*Visit]
	AmountFen int64  `json:"amount_fen"`
	Amount    string `json:"amount"`
}

// GetVisit returns a visit in p's scope with its photos; else a 404.
func GetVisit(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Visit, error) {
	v, err := scanVisit(q.QueryRowContext(ctx, "SELECT "+visitCols+visitFrom+" WHERE v.id = ?", id))
	if db.IsNoRows(err) || err == nil && !scope.Of(p).Contains(v.orgPath) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	v.Photos, err = photosOf(ctx, q, id)
	return v, err
}

// visitFields are a visit's checked values.
type visitFields struct {
	on     civil.Date
	amount int64
}

// check validates the fields of an input other than whom and which campaign.
func (in *VisitInput) check(today civil.Date) (visitFields, error) {
	var f visitFields
	errs := checkText(text{name: "visitors", label: "走访人", v: &in.Visitors, max: 100, required: true},
		text{name: "notes", label: "情况记录", v: &in.Notes, max: 1000, multiline: true})
	on, err := civil.Parse(in.VisitedOn)
	switch {
	case err != nil:
		errs = append(errs, fail.Malformed("visited_on", "走访日期“"+in.VisitedOn+"”不是真实的日期（如 2026-01-31）"))
	case on.After(today):
		errs = append(errs, fail.NotAllowed("visited_on", "走访日期不能晚于今天"))
	case on.Year() < 2000:
		errs = append(errs, fail.NotAllowed("visited_on", "走访日期不能早于 2000 年"))
	default:
		f.on, in.VisitedOn = on, on.String()
	}
	if FormLabel(in.Form) == "" {
		errs = append(errs, fail.Malformed("form", "请选择走访形式：上门走访、电话慰问、慰问金或慰问品"))
	}
	amount, err := parseAmount("amount", "慰问金额", in.Amount)
	var bad *fail.Error
	switch {
	case errors.As(err, &bad):
		errs = append(errs, bad)
	case err != nil:
		return f, err
	case in.Form == "phone" && amount > 0:
		errs = append(errs, fail.NotAllowed("amount", "电话慰问不涉及金额，请把金额留空或选择其他走访形式"))
	case (in.Form == "money" || in.Form == "goods") && amount == 0:
		errs = append(errs, fail.Malformed("amount", "请填写"+FormLabel(in.Form)+"的金额（元）"))
	}
	f.amount = amount
	if len(errs) > 0 {
		return f, errs
	}
	return f, nil
}

// audited is what the audit log keeps of a visit.
func (in VisitInput) audited(name string, amount int64) map[string]any {
	return map[string]any{"person_id": in.PersonID, "name": name, "campaign_id": in.CampaignID, "visited_on": in.VisitedOn,
		"form": FormLabel(in.Form), "visitors": in.Visitors, "amount": Yuan(amount), "notes": in.Notes}
}

// whom resolves the person an input visits and the organisation that
// visits them: in a campaign, the organisation its list names for them
// (in p's scope); else the person's own (in p's scope). Outside → 404.
func whom(ctx context.Context, q db.Querier, p *auth.Principal, in *VisitInput, on civil.Date) (name string, orgID int64, err error) {
	if in.PersonID == 0 {
		return "", 0, fail.Malformed("person_id", "请选择走访对象")
	}
	if !p.Writes() {
		return "", 0, fail.NotFound()
	}
	if in.CampaignID == 0 {
		pr, err := member.GetIn(ctx, q, scope.Of(p), in.PersonID)
		if err != nil {
			return "", 0, fail.NotFound()
		}
		return pr.Name, pr.OrgID, nil
	}
	t, err := targetOf(ctx, q, p, in.CampaignID, in.PersonID)
	if err != nil {
		return "", 0, err
	}
	switch {
	case t.campaign.State != "open":
		return "", 0, fail.NotAllowed("campaign_id", "“"+t.campaign.Name+"”已结束，不能再登记走访")
	case !on.IsZero() && on.String() < t.campaign.StartsOn:
		return "", 0, fail.NotAllowed("visited_on", "走访日期不能早于活动开始日期 "+t.campaign.StartsOn)
	}
	return t.name, t.orgID, nil
}

// Upload is a file a form or the API sends.
type Upload struct {
	Name    string
	Content []byte
}

// CreateVisit records a visit with its photos (checked before anything is
// written, so a bad photo refuses the whole visit).
func CreateVisit(ctx context.Context, d *core.Deps, p *auth.Principal, in VisitInput, photos []Upload) (*Visit, error) {
	today := civil.Today(d.Now())
	f, ferr := in.check(today)
	// Whom comes first: out of scope is a 404 whatever else is wrong.
	if _, _, err := whom(ctx, d.DB, p, &in, f.on); err != nil {
		return nil, err
	}
	if ferr != nil {
		return nil, ferr
	}
	staged, err := stagePhotos(d, photos, 0)
	if err != nil {
		return nil, err
	}
	var id int64
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		name, orgID, err := whom(ctx, tx, p, &in, f.on)
		if err != nil {
			return err
		}
		var campaign any
		if in.CampaignID != 0 {
			campaign = in.CampaignID
		}
		now := d.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO care_visits (person_id, org_id, campaign_id, visited_on, form, visitors, amount_fen, notes, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, in.PersonID, orgID, campaign, in.VisitedOn, in.Form, in.Visitors, f.amount, in.Notes, p.Username, now, now)
		if db.IsUnique(err) {
			if in.CampaignID != 0 {
				return fail.Conflict(name + "在本次活动中已经登记过走访，请勿重复提交")
			}
			return fail.Conflict(fmt.Sprintf("%s在 %s 的%s已经登记过，请勿重复提交", name, in.VisitedOn, FormLabel(in.Form)))
		}
		if err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.visit.create", ObjectType: "care_visit", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: in.audited(name, f.amount)}}); err != nil {
			return err
		}
		if err := insertPhotos(ctx, d, tx, p, id, staged); err != nil {
			return err
		}
		return syncCampaigns(ctx, tx, today)
	})
	if err != nil {
		staged.remove(d)
		return nil, err
	}
	return GetVisit(ctx, d.DB, p, id)
}

// UpdateVisit changes a visit's date, form, visitors, amount and notes;
// whom it visited and in which campaign stay.
func UpdateVisit(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in VisitInput) (*Visit, error) {
	today := civil.Today(d.Now())
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := GetVisit(ctx, tx, p, id)
		if err != nil || !p.Writes() {
			return fail.NotFound()
		}
		if err := errors.Join(fail.Kept("person_id", "不能更改走访对象，请另行登记走访", in.PersonID, old.PersonID),
			fail.Kept("campaign_id", "不能更改走访所属的慰问活动，请另行登记走访", in.CampaignID, old.CampaignID)); err != nil {
			return err
		}
		in.PersonID, in.CampaignID = old.PersonID, old.CampaignID
		f, err := in.check(today)
		if err != nil {
			return err
		}
		if in.CampaignID != 0 {
			if _, _, err := whom(ctx, tx, p, &in, f.on); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE care_visits SET visited_on = ?, form = ?, visitors = ?, amount_fen = ?, notes = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, in.VisitedOn, in.Form, in.Visitors, f.amount, in.Notes, d.Now().UnixMilli(), id, in.Version)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("%s在 %s 的%s已另有记录", old.PersonName, in.VisitedOn, FormLabel(in.Form)))
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("这条走访记录已被他人修改，请刷新后重试")
		}
		before := VisitInput{PersonID: old.PersonID, CampaignID: old.CampaignID, VisitedOn: old.VisitedOn, Form: old.Form, Visitors: old.Visitors, Notes: old.Notes}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "care.visit.update", ObjectType: "care_visit", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: before.audited(old.PersonName, old.AmountFen), After: in.audited(old.PersonName, f.amount)}})
	})
	if err != nil {
		return nil, err
	}
	return GetVisit(ctx, d.DB, p, id)
}

// DeleteVisit removes a visit recorded by mistake, with its photos; in a
// campaign the person is to be visited again.
func DeleteVisit(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int) error {
	today := civil.Today(d.Now())
	var stored []string
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := GetVisit(ctx, tx, p, id)
		if err != nil || !p.Writes() {
			return fail.NotFound()
		}
		if old.Version != version {
			return fail.Conflict("这条走访记录已被他人修改，请刷新后重试")
		}
		if stored, err = storedPhotos(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM care_photos WHERE visit_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM care_visits WHERE id = ?", id); err != nil {
			return err
		}
		before := VisitInput{PersonID: old.PersonID, CampaignID: old.CampaignID, VisitedOn: old.VisitedOn, Form: old.Form, Visitors: old.Visitors, Notes: old.Notes}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.visit.delete", ObjectType: "care_visit", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: before.audited(old.PersonName, old.AmountFen)}}); err != nil {
			return err
		}
		return syncCampaigns(ctx, tx, today)
	})
	if err == nil {
		for _, s := range stored {
			photoStore(d).Remove(s)
		}
	}
	return err
}
