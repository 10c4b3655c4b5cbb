package corps

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/honour"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// NominationRules are the bureau's rules for the yearly 优秀党务工作者
// nomination: how long the nominee has done party work, and how many each
// organisation nominates a year. A variable, so that a local rule set can
// change the numbers.
type NominationRules struct {
	MinYears float64 // years on the roster, in any post, by the nomination day
	PerOrg   int     // nominations per organisation and year
	Title    string  // the honour the approval records
}

// Nominations are the rules in force.
var Nominations = NominationRules{MinYears: 1, PerOrg: 1, Title: "优秀党务工作者"}

// The rules, named in refusals.
const (
	ruleRoster  = "R-corps-roster"
	citeRoster  = "《中国共产党党内功勋荣誉表彰条例》第十六条：“优秀党务工作者”从党务工作者中评选"
	ruleTenure  = "R-corps-tenure"
	citeTenure  = "本局优秀党务工作者评选规则（可配置）：被推荐人从事党务工作满规定年限"
	ruleQuota   = "R-corps-quota"
	citeQuota   = "本局优秀党务工作者评选规则（可配置）：每个党组织每年推荐名额有限"
	srcDecision = "corps.nomination"
)

// States of a nomination.
const (
	Nominated = "nominated" // 已推荐，待上级评定
	Approved  = "approved"  // 评定通过，已记入表彰
	Declined  = "declined"  // 未获通过
)

var stateLabels = map[string]string{Nominated: "待评定", Approved: "已评定通过", Declined: "未通过"}

// Nomination is one nomination.
type Nomination struct {
	ID           int64  `json:"id"`
	Year         int    `json:"year"`
	WorkerID     int64  `json:"worker_id"`
	PersonID     int64  `json:"person_id"`
	Name         string `json:"name"`
	OrgID        int64  `json:"org_id"`
	OrgName      string `json:"org_name"`
	DecidingID   int64  `json:"deciding_org_id"`
	DecidingName string `json:"deciding_org_name"`
	Deeds        string `json:"deeds"`
	State        string `json:"state"`
	StateLabel   string `json:"state_label"`
	Note         string `json:"decision_note"`
	HonourID     int64  `json:"honour_id,omitempty"`
	Version      int    `json:"version"`
	orgPath      string
}

// NominationInput nominates an appointment's holder for a year.
type NominationInput struct {
	Year     int    `json:"year"`
	WorkerID int64  `json:"worker_id"`
	Deeds    string `json:"deeds"` // 主要事迹
}

// Decision is the upper organisation's ruling; an approval names the
// issuer and date of the honour it records.
type Decision struct {
	Approve   bool   `json:"approve"`
	Note      string `json:"note"`
	IssuerID  int64  `json:"issuer_id"`
	AwardedOn string `json:"awarded_on"`
	DocNo     string `json:"doc_no"`
	Version   int    `json:"version"`
}

const nomCols = `n.id, n.year, n.worker_id, n.person_id, p.name, n.org_id, o.name, o.path, n.deciding_org_id, n.deeds, n.state,
	n.decision_note, COALESCE(n.honour_id, 0), n.version`

const nomFrom = ` FROM corps_nominations n JOIN orgs o ON o.id = n.org_id JOIN persons p ON p.id = n.person_id`

func scanNomination(s listing.Scanner, names org.Index) (*Nomination, error) {
	var n Nomination
	err := s.Scan(&n.ID, &n.Year, &n.WorkerID, &n.PersonID, &n.Name, &n.OrgID, &n.OrgName, &n.orgPath, &n.DecidingID, &n.Deeds, &n.State,
		&n.Note, &n.HonourID, &n.Version)
	n.StateLabel = stateLabels[n.State]
	if o := names[n.DecidingID]; o != nil {
		n.DecidingName = o.Name
	}
	return &n, err
}

// GetNomination loads a nomination of an organisation in scope.
func GetNomination(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Nomination, error) {
	names, err := org.All(ctx, q)
	if err != nil {
		return nil, err
	}
	n, err := scanNomination(q.QueryRowContext(ctx, "SELECT "+nomCols+nomFrom+" WHERE n.id = ?", id), names)
	if db.IsNoRows(err) || (err == nil && !scope.Of(p).Contains(n.orgPath)) {
		return nil, fail.NotFound()
	}
	return n, err
}

// NominationFilter selects nominations.
type NominationFilter struct {
	OrgID   int64
	Year    int
	State   string
	Page    int
	PerPage int // 0: all (the export)
}

// ListNominations pages the nominations of a year in the caller's scope
// (all of them when f.PerPage is 0).
func ListNominations(ctx context.Context, d *core.Deps, p *auth.Principal, f NominationFilter) (*listing.List[Nomination], error) {
	if f.State != "" && stateLabels[f.State] == "" {
		return nil, fail.Malformed("state", "状态应为 nominated（待评定）、approved（已通过）或 declined（未通过）")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2100) {
		return nil, fail.Malformed("year", "年度应为四位年份，如 2026")
	}
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := s.Where("o.path")
	if f.Year != 0 {
		w, args = w+" AND n.year = ?", append(args, f.Year)
	}
	if f.State != "" {
		w, args = w+" AND n.state = ?", append(args, f.State)
	}
	names, err := org.All(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	return listing.Read(ctx, d.DB, f.Page, f.PerPage, nomCols, nomFrom+" WHERE "+w, "n.year DESC, CASE n.state WHEN 'nominated' THEN 0 ELSE 1 END, o.path, n.id", args,
		func(s listing.Scanner) (*Nomination, error) { return scanNomination(s, names) })
}

func queryNominations(ctx context.Context, d *core.Deps, q string, args ...any) ([]*Nomination, error) {
	names, err := org.All(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	rows, err := d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Nomination{}
	for rows.Next() {
		n, err := scanNomination(rows, names)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func decisionTodo(n *Nomination) todo.Item {
	return todo.Item{Source: srcDecision, Key: fmt.Sprintf("n%d", n.ID), OrgID: n.DecidingID, Title: fmt.Sprintf("评定%d年度优秀党务工作者推荐：%s", n.Year, n.Name),
		Detail: n.OrgName + "推荐", Link: fmt.Sprintf("/corps/nominations?year=%d", n.Year), Severity: "info", DueOn: fmt.Sprintf("%d-12-31", n.Year)}
}

// Nominate puts forward an appointment's holder for the year's
// 优秀党务工作者, under the rules: on the roster today, long enough in
// party work, within the organisation's quota, once a year per person.
func Nominate(ctx context.Context, d *core.Deps, p *auth.Principal, in NominationInput) (*Nomination, error) {
	today := civil.Today(d.Now())
	in.Deeds = strings.TrimSpace(in.Deeds)
	if in.Year != today.Year() && in.Year != today.Year()-1 {
		return nil, fail.Malformed("year", fmt.Sprintf("推荐年度应为 %d 或 %d 年", today.Year()-1, today.Year()))
	}
	if msg := plaintext.Lines("主要事迹", in.Deeds); msg != "" {
		return nil, fail.Malformed("deeds", msg)
	}
	if in.Deeds == "" || utf8.RuneCountInString(in.Deeds) > 2000 {
		return nil, fail.Malformed("deeds", "请填写主要事迹（不超过 2000 字）")
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		wk, err := Get(ctx, d, tx, p, in.WorkerID)
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, wk.OrgID); err != nil {
			return err
		}
		if !wk.Active(today.String()) {
			return fail.Rule(ruleRoster, citeRoster, wk.Name+"已不在党务工作岗位，不能推荐为优秀党务工作者")
		}
		years, err := partyYears(ctx, tx, wk.PersonID, today.String())
		if err != nil {
			return err
		}
		if years < Nominations.MinYears {
			return fail.Rule(ruleTenure, citeTenure, fmt.Sprintf("%s从事党务工作 %.1f 年，不满 %.0f 年，暂不能推荐", wk.Name, years, Nominations.MinYears))
		}
		var already int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM corps_nominations WHERE person_id = ? AND year = ?", wk.PersonID, in.Year).Scan(&already); err != nil {
			return err
		}
		if already > 0 {
			return errNominated(wk.Name, in.Year)
		}
		var used int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM corps_nominations WHERE org_id = ? AND year = ? AND state <> 'declined'",
			wk.OrgID, in.Year).Scan(&used); err != nil {
			return err
		}
		if used >= Nominations.PerOrg {
			return fail.Rule(ruleQuota, citeQuota, fmt.Sprintf("%s %d 年度已推荐 %d 名，名额为 %d 名", wk.OrgName, in.Year, used, Nominations.PerOrg))
		}
		deciding, err := upper(ctx, tx, wk.OrgID)
		if err != nil {
			return err
		}
		now := d.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO corps_nominations (year, worker_id, person_id, org_id, deciding_org_id, deeds, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?)`, in.Year, wk.ID, wk.PersonID, wk.OrgID, deciding, in.Deeds, now, now)
		if db.IsUnique(err) {
			return errNominated(wk.Name, in.Year)
		}
		if err != nil {
			return err
		}
		n := &Nomination{ID: id, Year: in.Year, Name: wk.Name, OrgName: wk.OrgName, DecidingID: deciding}
		if err := todo.Post(ctx, tx, decisionTodo(n)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "corps.nominate", ObjectType: "corps_nomination", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return GetNomination(ctx, d.DB, p, id)
}

func errNominated(name string, year int) error {
	return fail.Conflict(fmt.Sprintf("%s已被推荐为 %d 年度优秀党务工作者，请勿重复推荐", name, year))
}

// partyYears is how long a person has held any post of party work up to
// day, overlapping appointments counted once.
func partyYears(ctx context.Context, q db.Querier, personID int64, day string) (float64, error) {
	rows, err := q.QueryContext(ctx, "SELECT appointed_on, COALESCE(left_on, '') FROM corps_workers WHERE person_id = ? AND appointed_on <= ? ORDER BY appointed_on", personID, day)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var days int
	var curFrom, curTo string
	flush := func() {
		if curFrom != "" {
			days += civil.MustParse(curFrom).DaysUntil(civil.MustParse(curTo))
		}
	}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return 0, err
		}
		if to == "" || to > day {
			to = day
		}
		if curFrom != "" && from <= curTo {
			curTo = max(curTo, to)
			continue
		}
		flush()
		curFrom, curTo = from, to
	}
	flush()
	return float64(days) / 365.25, rows.Err()
}

// upper is the organisation that decides a nomination of orgID: the one
// above it (the bureau itself at the top).
func upper(ctx context.Context, q db.Querier, orgID int64) (int64, error) {
	o, err := org.Get(ctx, q, orgID)
	if err != nil {
		return 0, err
	}
	if o.ParentID == 0 {
		return o.ID, nil
	}
	return o.ParentID, nil
}

// Decide approves or declines a nomination; only the deciding
// organisation's administrators may (anyone else: 404). An approval
// records the 优秀党务工作者 honour in the registry in the same
// transaction.
func Decide(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, dc Decision) (*Nomination, error) {
	dc.Note = strings.TrimSpace(dc.Note)
	if msg := plaintext.Lines("评定意见", dc.Note); msg != "" {
		return nil, fail.Malformed("note", msg)
	}
	if utf8.RuneCountInString(dc.Note) > 500 {
		return nil, fail.Malformed("note", "评定意见不超过 500 字")
	}
	if !dc.Approve && dc.Note == "" {
		return nil, fail.Malformed("note", "不予通过时请写明理由")
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		n, err := GetNomination(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, n.DecidingID); err != nil {
			return err
		}
		if n.State != Nominated {
			return fail.Conflict("这项推荐已" + n.StateLabel + "，不能重复评定")
		}
		if dc.Version != 0 && dc.Version != n.Version {
			return fail.Conflict("这项推荐已被他人修改，请刷新后重试")
		}
		state, action := Declined, "corps.nomination.decline"
		var honourID any
		if dc.Approve {
			state, action = Approved, "corps.nomination.approve"
			hid, err := honour.CreateTx(ctx, d, tx, p, honour.Input{Kind: honour.Person, PersonID: n.PersonID,
				Title: Nominations.Title, IssuerID: dc.IssuerID, AwardedOn: dc.AwardedOn, DocNo: dc.DocNo,
				Note: fmt.Sprintf("%d 年度优秀党务工作者评选（%s推荐）", n.Year, n.OrgName)})
			if err != nil {
				return err
			}
			honourID = hid
		}
		res, err := tx.ExecContext(ctx, `UPDATE corps_nominations SET state = ?, decision_note = ?, honour_id = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND state = 'nominated'`, state, dc.Note, honourID, d.Now().UnixMilli(), id, n.Version)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return fail.Conflict("这项推荐已被他人评定，请刷新后查看")
		}
		if err := todo.Close(ctx, tx, srcDecision, fmt.Sprintf("n%d", id)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "corps_nomination", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]any{"state": n.State}, After: map[string]any{"state": state, "note": dc.Note, "honour_id": honourID}}})
	})
	if err != nil {
		return nil, err
	}
	return GetNomination(ctx, d.DB, p, id)
}

// nominationsOf lists a person's nominations in the caller's scope.
func nominationsOf(ctx context.Context, d *core.Deps, p *auth.Principal, personID int64) ([]*Nomination, error) {
	w, args := scope.Of(p).Where("o.path")
	return queryNominations(ctx, d, "SELECT "+nomCols+nomFrom+" WHERE n.person_id = ? AND "+w+" ORDER BY n.year DESC", append([]any{personID}, args...)...)
}
