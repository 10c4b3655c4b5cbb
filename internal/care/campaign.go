package care

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Campaign is a 走访慰问 campaign opened by an organisation for its subtree.
type Campaign struct {
	ID           int64    `json:"id"`
	OrgID        int64    `json:"org_id"`
	OrgName      string   `json:"org_name"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	KindLabel    string   `json:"kind_label"`
	StartsOn     string   `json:"starts_on"`
	EndsOn       string   `json:"ends_on"`
	Ledgers      []string `json:"ledgers"`
	LedgerLabels []string `json:"ledger_labels"`
	StandardFen  int64    `json:"standard_fen"`
	Standard     string   `json:"standard"` // 元 per person
	Note         string   `json:"note"`
	State        string   `json:"state"` // open or closed
	StateLabel   string   `json:"state_label"`
	ClosedOn     string   `json:"closed_on,omitempty"`
	CreatedBy    string   `json:"created_by"`
	Version      int      `json:"version"`
	UpdatedAt    int64    `json:"updated_at"`
	orgPath      string
}

// CampaignInput opens or changes a campaign. A change keeps the
// organisation and the ledgers: the list of people was taken at opening.
type CampaignInput struct {
	OrgID    int64    `json:"org_id"`
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	StartsOn string   `json:"starts_on"`
	EndsOn   string   `json:"ends_on"`
	Ledgers  []string `json:"ledgers"`
	Standard string   `json:"standard"` // 元 per person
	Note     string   `json:"note"`
	Version  int      `json:"version,omitempty"` // for a change: the version read
	DryRun   bool     `json:"dry_run,omitempty"` // opening: only count whom it would list
}

const campaignCols = `c.id, c.org_id, o.name, o.path, c.name, c.kind, c.starts_on, c.ends_on, c.ledgers, c.standard_fen, c.note, c.state,
	COALESCE(c.closed_on, ''), c.created_by, c.version, c.updated_at`

const campaignFrom = ` FROM care_campaigns c JOIN orgs o ON o.id = c.org_id`

func scanCampaign(s interface{ Scan(...any) error }, today civil.Date) (*Campaign, error) {
	var c Campaign
	var ledgers string
	if err := s.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.orgPath, &c.Name, &c.Kind, &c.StartsOn, &c.EndsOn, &ledgers, &c.StandardFen, &c.Note,
		&c.State, &c.ClosedOn, &c.CreatedBy, &c.Version, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Ledgers = strings.Split(ledgers, ",")
	for _, l := range c.Ledgers {
		c.LedgerLabels = append(c.LedgerLabels, LedgerLabel(l))
	}
	c.KindLabel, c.Standard = KindLabel(c.Kind), Yuan(c.StandardFen)
	d := today.String()
	switch {
	case c.State == "closed":
		c.StateLabel = "已结束"
	case d < c.StartsOn:
		c.StateLabel = "未开始"
	case d > c.EndsOn:
		c.StateLabel = "已逾期"
	default:
		c.StateLabel = "进行中"
	}
	return &c, nil
}

// Open reports whether visits can still be recorded.
func (c *Campaign) Open() bool { return c.State == "open" }

// visible is the SQL condition of the campaigns p sees: those opened in
// their subtree and those opened above it, for it.
func visible(p *auth.Principal) (string, []any) {
	sc := scope.Of(p)
	in, args := sc.Where("o.path")
	up, upArgs := sc.Lineage("o.path")
	return "(" + in + " OR " + up + ")", append(args, upArgs...)
}

// CampaignFilter selects campaigns.
type CampaignFilter struct {
	State string // open, closed or ""
	Paging
}

// ParseCampaignFilter reads state (the page is the shared pager's: filter).
func ParseCampaignFilter(q url.Values) (CampaignFilter, error) {
	f := CampaignFilter{State: q.Get("state")}
	if f.State != "" && f.State != "open" && f.State != "closed" {
		return f, fail.Malformed("state", "状态无效，应为 open（进行中）或 closed（已结束）")
	}
	return f, nil
}

// Campaigns lists the campaigns p sees, the newest window first, each with
// p's part of its progress.
func Campaigns(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date, f CampaignFilter) (*List[*CampaignSummary], error) {
	w, args := visible(p)
	if f.State != "" {
		w += " AND c.state = ?"
		args = append(args, f.State)
	}
	out := &List[*CampaignSummary]{Page: f.Page, PerPage: f.PerPage, Items: []*CampaignSummary{}}
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+campaignFrom+" WHERE "+w, args...).Scan(&out.Total); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE "+w+" ORDER BY c.state DESC, c.ends_on DESC, c.id DESC LIMIT ? OFFSET ?",
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		c, err := scanCampaign(rows, today)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out.Items = append(out.Items, &CampaignSummary{Campaign: c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, s := range out.Items {
		node, err := nodeOf(ctx, q, p, s.Campaign, 0)
		if err != nil {
			return nil, err
		}
		if s.Mine, err = tally(ctx, q, s.ID, scope.Under(node.Path)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CampaignSummary is a campaign with the caller's part of its progress.
type CampaignSummary struct {
	*Campaign
	Mine Tally `json:"progress"`
}

// GetCampaign returns a campaign p sees; anything else is a 404.
func GetCampaign(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date, id int64) (*Campaign, error) {
	w, args := visible(p)
	c, err := scanCampaign(q.QueryRowContext(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE c.id = ? AND "+w, append([]any{id}, args...)...), today)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return c, err
}

// Manages reports whether p may change or close c: a 党务管理员 of its
// organisation or one above.
func Manages(p *auth.Principal, c *Campaign) bool {
	return p.Writes() && scope.Of(p).Contains(c.orgPath)
}

// checked are an input's values once checked.
type checked struct {
	standard int64
}

// check validates an input's fields; opening also checks its ledgers.
func (in *CampaignInput) check(today civil.Date, opening bool) (checked, error) {
	var c checked
	errs := checkText(text{name: "name", label: "活动名称", v: &in.Name, max: 60, required: true},
		text{name: "note", label: "说明", v: &in.Note, max: 500, multiline: true})
	if KindLabel(in.Kind) == "" {
		errs = append(errs, fail.Malformed("kind", "请选择活动类别：七一、春节或其他"))
	}
	starts, err1 := civil.Parse(in.StartsOn)
	ends, err2 := civil.Parse(in.EndsOn)
	switch {
	case err1 != nil:
		errs = append(errs, fail.Malformed("starts_on", "开始日期“"+in.StartsOn+"”不是真实的日期（如 2026-01-31）"))
	case err2 != nil:
		errs = append(errs, fail.Malformed("ends_on", "截止日期“"+in.EndsOn+"”不是真实的日期（如 2026-01-31）"))
	case ends.Before(starts):
		errs = append(errs, fail.NotAllowed("ends_on", "截止日期不能早于开始日期"))
	case starts.AddDays(180).Before(ends):
		errs = append(errs, fail.NotAllowed("ends_on", "一次走访慰问活动最长 180 天"))
	case opening && ends.Before(today):
		errs = append(errs, fail.NotAllowed("ends_on", "截止日期已过，不能开启活动"))
	default:
		in.StartsOn, in.EndsOn = starts.String(), ends.String()
	}
	if opening {
		seen := map[string]bool{}
		var ls []string
		for _, l := range Ledgers { // in display order, each once
			for _, x := range in.Ledgers {
				if x == l.Code && !seen[x] {
					seen[x] = true
					ls = append(ls, x)
				}
			}
		}
		switch {
		case len(in.Ledgers) == 0:
			errs = append(errs, fail.Malformed("ledgers", "请选择走访哪些台账中的人员"))
		case len(seen) != len(dedup(in.Ledgers)):
			errs = append(errs, fail.Malformed("ledgers", "台账只能是 retired（退休职工）、hardship（生活困难党员）或 elder（老党员）"))
		}
		in.Ledgers = ls
	}
	amount, err := parseAmount("standard", "慰问标准", in.Standard)
	var bad *fail.Error
	if errors.As(err, &bad) {
		errs = append(errs, bad)
	} else if err != nil {
		return c, err
	}
	c.standard = amount
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

func dedup(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// Preview is whom a campaign would list, by organisation.
type Preview struct {
	Total       int        `json:"total"`
	StandardFen int64      `json:"standard_fen"` // the standard amount of everyone listed
	Standard    string     `json:"standard"`
	ByOrg       []OrgCount `json:"by_org"`
}

// OrgCount is how many people one organisation must visit.
type OrgCount struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Count   int    `json:"count"`
}

// listed are the people a campaign lists.
type listed struct {
	personID, orgID int64
	orgName         string
	ledgers         string
}

// whomToVisit takes the people of the campaign's ledgers in the subtree of
// orgPath as of today, under the rule of its bureau.
func whomToVisit(ctx context.Context, q db.Querier, orgPath string, ledgers []string, today civil.Date) ([]listed, error) {
	rule, err := ElderRuleOf(ctx, q, bureauOf(orgPath))
	if err != nil {
		return nil, err
	}
	t := newElderTest(rule, today)
	from, args := ledgerQuery(scope.Under(orgPath), ledgers, t, "", true)
	es, err := entries(ctx, q, t, "SELECT "+entryCols+from+ledgerOrder, args...)
	if err != nil {
		return nil, err
	}
	out := make([]listed, 0, len(es))
	for _, e := range es {
		var in []string
		for _, l := range e.Ledgers {
			for _, want := range ledgers {
				if l == want {
					in = append(in, l)
				}
			}
		}
		out = append(out, listed{personID: e.PersonID, orgID: e.OrgID, orgName: e.OrgName, ledgers: strings.Join(in, ",")})
	}
	return out, nil
}

func preview(ls []listed, standard int64) *Preview {
	pv := &Preview{Total: len(ls), StandardFen: standard * int64(len(ls)), ByOrg: []OrgCount{}}
	pv.Standard = Yuan(pv.StandardFen)
	at := map[int64]int{}
	for _, l := range ls {
		i, ok := at[l.orgID]
		if !ok {
			i = len(pv.ByOrg)
			at[l.orgID] = i
			pv.ByOrg = append(pv.ByOrg, OrgCount{OrgID: l.orgID, OrgName: l.orgName})
		}
		pv.ByOrg[i].Count++
	}
	return pv
}

// OpenCampaign opens a campaign for the subtree of an organisation p
// administers and lists whom it must visit, taken from the ledgers now;
// with in.DryRun it only says whom it would list.
func OpenCampaign(ctx context.Context, d *core.Deps, p *auth.Principal, in CampaignInput) (*Campaign, *Preview, error) {
	today := civil.Today(d.Now())
	if in.OrgID == 0 {
		return nil, nil, fail.Malformed("org_id", "请选择开展活动的党组织")
	}
	path, err := org.WritablePath(ctx, d.DB, p, in.OrgID)
	if err != nil {
		return nil, nil, err
	}
	c, err := in.check(today, true)
	if err != nil {
		return nil, nil, err
	}
	if in.DryRun {
		ls, err := whomToVisit(ctx, d.DB, path, in.Ledgers, today)
		if err != nil {
			return nil, nil, err
		}
		return nil, preview(ls, c.standard), nil
	}
	var id int64
	var pv *Preview
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		ls, err := whomToVisit(ctx, tx, path, in.Ledgers, today)
		if err != nil {
			return err
		}
		if len(ls) == 0 {
			return fail.NotAllowed("ledgers", "所选台账中没有需要走访的人员")
		}
		pv = preview(ls, c.standard)
		now := d.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO care_campaigns (org_id, name, kind, starts_on, ends_on, ledgers, standard_fen, note, state, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,'open',?,?,?)`, in.OrgID, in.Name, in.Kind, in.StartsOn, in.EndsOn, strings.Join(in.Ledgers, ","), c.standard, in.Note, p.Username, now, now)
		if db.IsUnique(err) {
			return fail.Conflict("“" + in.Name + "”已经开启过，请勿重复提交")
		}
		if err != nil {
			return err
		}
		if err := insertTargets(ctx, tx, id, ls); err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.campaign.open", ObjectType: "care_campaign", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"org_id": in.OrgID, "name": in.Name, "kind": KindLabel(in.Kind), "starts_on": in.StartsOn,
				"ends_on": in.EndsOn, "ledgers": in.Ledgers, "standard": Yuan(c.standard), "people": len(ls)}}}); err != nil {
			return err
		}
		return syncCampaigns(ctx, tx, today)
	})
	if err != nil {
		return nil, nil, err
	}
	cp, err := GetCampaign(ctx, d.DB, p, today, id)
	return cp, pv, err
}

// insertTargets writes the list in batches of rows per statement.
func insertTargets(ctx context.Context, tx *db.Tx, campaignID int64, ls []listed) error {
	const batch = 200
	for i := 0; i < len(ls); i += batch {
		part := ls[i:min(i+batch, len(ls))]
		args := make([]any, 0, 4*len(part))
		for _, l := range part {
			args = append(args, campaignID, l.personID, l.orgID, l.ledgers)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO care_targets (campaign_id, person_id, org_id, ledgers) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?,?,?,?),", len(part)), ","), args...); err != nil {
			return err
		}
	}
	return nil
}

// UpdateCampaign changes a campaign's name, window, standard and note.
func UpdateCampaign(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in CampaignInput) (*Campaign, error) {
	today := civil.Today(d.Now())
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := GetCampaign(ctx, tx, p, today, id)
		if err != nil || !Manages(p, old) {
			return fail.NotFound()
		}
		if err := fail.Kept("org_id", "不能更改活动的发起组织，请另行发起活动", in.OrgID, old.OrgID); err != nil {
			return err
		}
		in.OrgID, in.Ledgers = old.OrgID, old.Ledgers
		c, err := in.check(today, false)
		if err != nil {
			return err
		}
		if !old.Open() {
			return fail.NotAllowed("state", "活动已结束，不能再修改")
		}
		var first string
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MIN(visited_on), '') FROM care_visits WHERE campaign_id = ?", id).Scan(&first); err != nil {
			return err
		}
		if first != "" && first < in.StartsOn {
			return fail.NotAllowed("starts_on", "已有 "+first+" 的走访记录，开始日期不能晚于它")
		}
		res, err := tx.ExecContext(ctx, `UPDATE care_campaigns SET name = ?, kind = ?, starts_on = ?, ends_on = ?, standard_fen = ?, note = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`, in.Name, in.Kind, in.StartsOn, in.EndsOn, c.standard, in.Note, d.Now().UnixMilli(), id, in.Version)
		if db.IsUnique(err) {
			return fail.Conflict("已有同名的活动“" + in.Name + "”")
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("这次活动已被他人修改，请刷新后重试")
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.campaign.update", ObjectType: "care_campaign", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]any{"name": old.Name, "starts_on": old.StartsOn, "ends_on": old.EndsOn, "standard": old.Standard, "note": old.Note},
				After: map[string]any{"name": in.Name, "starts_on": in.StartsOn, "ends_on": in.EndsOn, "standard": Yuan(c.standard), "note": in.Note}}}); err != nil {
			return err
		}
		return syncCampaigns(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return GetCampaign(ctx, d.DB, p, today, id)
}

// CloseCampaign ends a campaign: no more visits, no more 待办.
func CloseCampaign(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int) (*Campaign, error) {
	today := civil.Today(d.Now())
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := GetCampaign(ctx, tx, p, today, id)
		if err != nil || !Manages(p, old) {
			return fail.NotFound()
		}
		if !old.Open() {
			return fail.NotAllowed("state", "活动已经结束")
		}
		res, err := tx.ExecContext(ctx, "UPDATE care_campaigns SET state = 'closed', closed_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			today.String(), d.Now().UnixMilli(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("这次活动已被他人修改，请刷新后重试")
		}
		t, err := tally(ctx, tx, id, scope.Under(old.orgPath))
		if err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.campaign.close", ObjectType: "care_campaign", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]string{"state": "open"}, After: map[string]any{"state": "closed", "name": old.Name,
				"visited": t.Visited, "to_visit": t.ToVisit, "amount": t.Amount}}}); err != nil {
			return err
		}
		return syncCampaigns(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return GetCampaign(ctx, d.DB, p, today, id)
}

// nodeOf is the organisation whose part of a campaign p looks at: orgID
// (in p's scope and under the campaign's organisation, else a 404), or by
// default the narrower of p's scope root and the campaign's organisation.
func nodeOf(ctx context.Context, q db.Querier, p *auth.Principal, c *Campaign, orgID int64) (*org.Org, error) {
	sc := scope.Of(p)
	if orgID == 0 {
		if sc.Contains(c.orgPath) {
			orgID = c.OrgID
		} else {
			orgID = p.OrgID
		}
	}
	path, err := org.ReadablePath(ctx, q, p, orgID)
	if err != nil {
		return nil, err
	}
	if !scope.Under(c.orgPath).Contains(path) {
		return nil, fail.NotFound()
	}
	return org.Get(ctx, q, orgID)
}
