package honour

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hongdun/internal/member"
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
)

// MedalYears is the 党龄 the 「光荣在党50年」纪念章 honours.
const MedalYears = 50

// FirstMedalYear is the year the medal was first awarded (中组部, 2021).
const FirstMedalYear = 2021

// AsOf is the day a year's eligibility is judged: 7月1日.
func AsOf(year int) civil.Date { return civil.New(year, time.July, 1) }

// Cutoff is the latest 转正 date whose 党龄 reaches years on asOf, "N years
// after D" landing on the same day of the month or else on that month's
// last day (rules.md §2): D qualifies exactly when D ≤ Cutoff(asOf, years).
// On the last day of a month every day of that month years earlier
// qualifies, so 29 February 1976 reaches 50 years on 28 February 2026.
func Cutoff(asOf civil.Date, years int) civil.Date {
	c := asOf.AddYears(-years)
	if asOf.AddDays(1).Day() == 1 {
		c = civil.New(c.Year(), c.Month()+1, 1).AddDays(-1)
	}
	return c
}

// Medal states in workflow order.
var medalStates = []struct{ code, label string }{
	{"", "未申领"}, {"applied", "已申领"}, {"approved", "已审批"}, {"issued", "已颁发"},
}

// MedalStateLabel is the Chinese name of a state ("" = not applied for).
func MedalStateLabel(s string) string {
	for _, m := range medalStates {
		if m.code == s {
			return m.label
		}
	}
	return ""
}

// Eligible is one person on a year's list, with the medal's progress.
type Eligible struct {
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	Gender      string `json:"gender"`
	BirthDate   string `json:"birth_date"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	JoinDate    string `json:"join_date"`
	FullDate    string `json:"full_date"`   // 转正
	PartyYears  int    `json:"party_years"` // 党龄 on 7月1日 of the year
	ReachedOn   string `json:"reached_on"`  // the day 党龄 reaches 50 years
	MedalID     int64  `json:"medal_id,omitempty"`
	State       string `json:"state"`
	StateLabel  string `json:"state_label"`
	AppliedOn   string `json:"applied_on,omitempty"`
	ApprovedOn  string `json:"approved_on,omitempty"`
	ApprovalDoc string `json:"approval_doc,omitempty"`
	IssuedOn    string `json:"issued_on,omitempty"`
	IssuedBy    string `json:"issued_by,omitempty"`
	DiedOn      string `json:"died_on,omitempty"` // died after applying, before issuance
	// Left is set for a medal issued to someone who has since died or left
	// the bureau: the list of a year keeps what was issued ("2025-03-02 已去世").
	Left    string `json:"left,omitempty"`
	Version int    `json:"version,omitempty"`
}

// MedalFilter selects a year's list.
type MedalFilter struct {
	Year    int
	OrgID   int64
	State   string // "none" (not applied for), applied, approved, issued; "" all
	Page    int
	PerPage int // 0: all (the export, the batch application)
}

func (f *MedalFilter) norm(today civil.Date) error {
	if f.Year < FirstMedalYear || f.Year > today.Year()+1 {
		return fail.Malformed("year", fmt.Sprintf("年度应在 %d 年到 %d 年之间", FirstMedalYear, today.Year()+1))
	}
	if f.State != "" && f.State != "none" && MedalStateLabel(f.State) == "" {
		return fail.Malformed("state", "状态无效，应为 none、applied、approved 或 issued")
	}
	return nil
}

const eligibleCols = `p.id, p.name, p.gender, COALESCE(p.birth_date, ''), COALESCE(p.join_date, ''), p.full_date, o.id, o.name,
	COALESCE(m.id, 0), COALESCE(m.state, ''), COALESCE(m.applied_on, ''), COALESCE(m.approved_on, ''), COALESCE(m.approval_doc, ''),
	COALESCE(m.issued_on, ''), COALESCE(m.issued_by, ''), COALESCE(m.version, 0), p.status, COALESCE(p.left_date, '')`

// eligibleWhere is the year's list in s: living 正式党员 whose 转正 date is
// on or before the cutoff, with their medal row if any, and everyone whose
// medal of that year was issued, whatever became of them since (history).
// Each of the two is sought by its index (persons_full_cover, medals by
// year): an OR across the join read every person, 9 s at a million.
func (f MedalFilter) eligibleWhere(s scope.Subtree) (string, []any) {
	w, args := s.Where("o.path")
	q := ` FROM persons p JOIN orgs o ON o.id = p.org_id LEFT JOIN medals m ON m.person_id = p.id AND m.year = ?
	WHERE (p.status = 'full' AND p.full_date <= ? OR p.id IN (SELECT person_id FROM medals WHERE year = ? AND state = 'issued'))
	AND p.full_date <= ? AND ` + w
	cutoff := Cutoff(AsOf(f.Year), MedalYears).String()
	args = append([]any{f.Year, cutoff, f.Year, cutoff}, args...)
	switch f.State {
	case "":
	case "none":
		q += " AND m.id IS NULL"
	default:
		q += " AND m.state = ?"
		args = append(args, f.State)
	}
	return q, args
}

func scanEligible(rows listing.Scanner, asOf civil.Date) (*Eligible, error) {
	var e Eligible
	var status, left string
	if err := rows.Scan(&e.PersonID, &e.Name, &e.Gender, &e.BirthDate, &e.JoinDate, &e.FullDate, &e.OrgID, &e.OrgName,
		&e.MedalID, &e.State, &e.AppliedOn, &e.ApprovedOn, &e.ApprovalDoc, &e.IssuedOn, &e.IssuedBy, &e.Version, &status, &left); err != nil {
		return nil, err
	}
	e.StateLabel = MedalStateLabel(e.State)
	if status != "full" {
		e.Left = strings.TrimSpace(left + " " + member.StatusLabel(status))
		e.StateLabel += "（" + e.Left + "）"
	}
	if full, err := civil.Parse(e.FullDate); err == nil {
		e.PartyYears = civil.YearsBetween(full, asOf)
		e.ReachedOn = full.AddYears(MedalYears).String()
	}
	return &e, nil
}

// EligibleList returns page f.Page of a year's list in p's scope (all of
// it when f.PerPage is 0; narrowed to f.OrgID, a 404 outside it), oldest
// 转正 first, and the total.
func EligibleList(ctx context.Context, d *core.Deps, p *auth.Principal, f MedalFilter) (*listing.List[Eligible], error) {
	if err := f.norm(civil.Today(d.Now())); err != nil {
		return nil, err
	}
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	from, args := f.eligibleWhere(s)
	return listing.Read(ctx, d.DB, f.Page, f.PerPage, eligibleCols, from, "p.full_date, p.id", args, func(s listing.Scanner) (*Eligible, error) {
		return scanEligible(s, AsOf(f.Year))
	})
}

// DiedBeforeIssue lists the people of a year's applications in p's scope
// who died before the medal was handed over: noted on the list and the
// export, never issued.
func DiedBeforeIssue(ctx context.Context, d *core.Deps, p *auth.Principal, year int, orgID int64) ([]*Eligible, error) {
	s, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	w, args := s.Where("o.path")
	rows, err := d.DB.QueryContext(ctx, "SELECT "+eligibleCols+` FROM medals m JOIN persons p ON p.id = m.person_id
		JOIN orgs o ON o.id = p.org_id WHERE m.year = ? AND p.status = 'deceased' AND m.state <> 'issued' AND `+w+` ORDER BY p.full_date, p.id`,
		append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Eligible{}
	for rows.Next() {
		var e Eligible
		var status string
		if err := rows.Scan(&e.PersonID, &e.Name, &e.Gender, &e.BirthDate, &e.JoinDate, &e.FullDate, &e.OrgID, &e.OrgName,
			&e.MedalID, &e.State, &e.AppliedOn, &e.ApprovedOn, &e.ApprovalDoc, &e.IssuedOn, &e.IssuedBy, &e.Version, &status, &e.DiedOn); err != nil {
			return nil, err
		}
		e.StateLabel = MedalStateLabel(e.State) + "，" + e.DiedOn + " 去世，未颁发"
		if full, err := civil.Parse(e.FullDate); err == nil {
			e.PartyYears = civil.YearsBetween(full, AsOf(year))
			e.ReachedOn = full.AddYears(MedalYears).String()
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// Apply is an application for one person's medal.
type Apply struct {
	Year      int    `json:"year"`
	PersonID  int64  `json:"person_id"`
	AppliedOn string `json:"applied_on"` // default today
}

// dateField parses a civil date of a form, not after today, defaulting to today.
func dateField(field, label, v string, today civil.Date) (civil.Date, error) {
	if strings.TrimSpace(v) == "" {
		return today, nil
	}
	c, err := civil.Parse(v)
	if err != nil {
		return civil.Date{}, fail.Malformed(field, label+"“"+v+"”不是真实的日期（如 2026-01-31）")
	}
	if c.After(today) {
		return civil.Date{}, fail.Malformed(field, label+"不能晚于今天")
	}
	return c, nil
}

// applyOne records one application inside tx.
func applyOne(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, a Apply, today civil.Date) (int64, error) {
	if a.PersonID == 0 {
		return 0, fail.Malformed("person_id", "请选择申领纪念章的党员")
	}
	on, err := dateField("applied_on", "申领日期", a.AppliedOn, today)
	if err != nil {
		return 0, err
	}
	pr, err := member.GetIn(ctx, tx, scope.Of(p), a.PersonID)
	if err != nil {
		return 0, fail.NotFound()
	}
	if pr.Status != "full" {
		return 0, fail.NotAllowed("person_id", pr.Name+"的状态为“"+pr.StatusLabel+"”，不能申领纪念章")
	}
	full, err := civil.Parse(pr.FullDate)
	if err != nil || full.After(Cutoff(AsOf(a.Year), MedalYears)) {
		return 0, fail.NotAllowed("person_id", fmt.Sprintf("%s的转正日期为 %s，到 %d年7月1日党龄不满 %d 年", pr.Name, pr.FullDate, a.Year, MedalYears))
	}
	now := d.Now().UnixMilli()
	id, err := db.InsertID(ctx, tx, `INSERT INTO medals (year, person_id, org_id, state, applied_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?)`,
		a.Year, a.PersonID, pr.OrgID, "applied", on.String(), now, now)
	if db.IsUnique(err) {
		return 0, fail.Conflict(fmt.Sprintf("%s的%d年纪念章已经申领过，请勿重复提交", pr.Name, a.Year))
	}
	if err != nil {
		return 0, err
	}
	return id, d.Audit.Write(ctx, tx, audit.Event{Action: "medal.apply", ObjectType: "medal", ObjectID: fmt.Sprint(id),
		Detail: audit.Change{After: map[string]any{"year": a.Year, "person_id": a.PersonID, "name": pr.Name, "applied_on": on.String()}}})
}

// ApplyFor records the applications of several people of p's scope at
// once, all or nothing; a double submission is a conflict.
func ApplyFor(ctx context.Context, d *core.Deps, p *auth.Principal, as []Apply) ([]int64, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	today := civil.Today(d.Now())
	for _, a := range as {
		f := MedalFilter{Year: a.Year}
		if err := f.norm(today); err != nil {
			return nil, err
		}
	}
	var ids []int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		ids = ids[:0]
		for _, a := range as {
			id, err := applyOne(ctx, d, tx, p, a, today)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// medalCounts counts a year's list in p's scope by state ("none": not
// applied for), and "died" for those who died before issuance.
func medalCounts(ctx context.Context, d *core.Deps, p *auth.Principal, f MedalFilter) (map[string]int, error) {
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	f.State = ""
	from, args := f.eligibleWhere(s)
	rows, err := d.DB.QueryContext(ctx, "SELECT COALESCE(m.state, 'none'), COUNT(*)"+from+" GROUP BY COALESCE(m.state, 'none')", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
		out["all"] += n
	}
	return out, rows.Err()
}

// Step is a later step of a medal: approve or issue.
type Step struct {
	On  string `json:"on"`  // date, default today
	Doc string `json:"doc"` // approve: the approval's document number
	By  string `json:"by"`  // issue: who handed the medal over
	// Version is the medal's version as read: a step racing another is refused.
	Version int `json:"version"`
}

// Advance records the approval ("approve") or the issuance ("issue") of a
// medal of p's scope.
func Advance(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, action string, st Step) (*Eligible, error) {
	today := civil.Today(d.Now())
	var from, to, label, event string
	switch action {
	case "approve":
		from, to, label, event = "applied", "approved", "审批日期", "medal.approve"
	case "issue":
		from, to, label, event = "approved", "issued", "颁发日期", "medal.issue"
	default:
		return nil, fail.NotFound()
	}
	on, err := dateField("on", label, st.On, today)
	if err != nil {
		return nil, err
	}
	st.Doc, st.By = strings.TrimSpace(st.Doc), strings.TrimSpace(st.By)
	if name, msg := plaintext.First(plaintext.Field{Name: "doc", Label: "审批文号", Value: st.Doc},
		plaintext.Field{Name: "by", Label: "颁发人", Value: st.By}); name != "" {
		return nil, fail.Malformed(name, msg)
	}
	if utf8.RuneCountInString(st.Doc) > 60 {
		return nil, fail.Malformed("doc", "审批文号不能超过 60 个字")
	}
	if utf8.RuneCountInString(st.By) > 60 {
		return nil, fail.Malformed("by", "颁发人不能超过 60 个字")
	}
	if action == "issue" && st.By == "" {
		return nil, fail.Malformed("by", "请填写颁发人（谁颁发的纪念章）")
	}
	var year int
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		var state, applied, approved string
		var version int
		var personID int64
		err := tx.QueryRowContext(ctx, "SELECT person_id, year, state, applied_on, COALESCE(approved_on, ''), version FROM medals WHERE id = ?", id).
			Scan(&personID, &year, &state, &applied, &approved, &version)
		if db.IsNoRows(err) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		pr, err := member.GetIn(ctx, tx, scope.Of(p), personID)
		if err != nil || !p.Writes() {
			return fail.NotFound()
		}
		if st.Version != 0 && st.Version != version {
			return fail.Conflict("这条纪念章记录已被他人办理，请刷新后重试")
		}
		if state != from {
			return fail.NotAllowed("action", fmt.Sprintf("纪念章当前为“%s”，不能登记%s", MedalStateLabel(state), map[string]string{"approve": "审批", "issue": "颁发"}[action]))
		}
		if action == "issue" && pr.Status == "deceased" {
			return fail.NotAllowed("action", pr.Name+"已于 "+pr.LeftDate+" 去世，纪念章不再颁发（已在名单中注明）")
		}
		prev := applied
		if action == "issue" {
			prev = approved
		}
		if on.String() < prev {
			return fail.Malformed("on", fmt.Sprintf("%s不能早于上一步的日期 %s", label, prev))
		}
		q := "UPDATE medals SET state = ?, approved_on = ?, approval_doc = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"
		args := []any{to, on.String(), st.Doc}
		if action == "issue" {
			q = "UPDATE medals SET state = ?, issued_on = ?, issued_by = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"
			args = []any{to, on.String(), st.By}
		}
		res, err := tx.ExecContext(ctx, q, append(args, d.Now().UnixMilli(), id, version)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("这条纪念章记录已被他人办理，请刷新后重试")
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: event, ObjectType: "medal", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]string{"state": state}, After: map[string]string{"state": to, "on": on.String(), "doc": st.Doc, "by": st.By, "name": pr.Name}}})
	})
	if err != nil {
		return nil, err
	}
	return medalByID(ctx, d, id, year)
}

// medalByID reads one medal with its person.
func medalByID(ctx context.Context, d *core.Deps, id int64, year int) (*Eligible, error) {
	return scanEligible(d.DB.QueryRowContext(ctx, "SELECT "+eligibleCols+` FROM medals m JOIN persons p ON p.id = m.person_id
		JOIN orgs o ON o.id = p.org_id WHERE m.id = ?`, id), AsOf(year))
}
