package care

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// States of a hardship entry; "expired" is an approved entry whose until
// has passed, and "current" (a filter only) one in the ledger today.
var States = choice.List{{Code: "pending", Label: "待审核"}, {Code: "approved", Label: "已认定"}, {Code: "returned", Label: "已退回"}, {Code: "expired", Label: "已到期"}}

// HardshipEntry is one 生活困难党员 entry. Detail (the situation) is sealed at
// rest and filled only for a 党务管理员 who opens the entry (audited).
type HardshipEntry struct {
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	PersonName  string `json:"person_name"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	Cause       string `json:"cause"`
	CauseLabel  string `json:"cause_label"`
	Level       string `json:"level"`
	LevelLabel  string `json:"level_label"`
	Since       string `json:"since"`
	Until       string `json:"until,omitempty"`
	Detail      string `json:"detail,omitempty"`
	HasDetail   bool   `json:"has_detail"`
	State       string `json:"state"`
	StateLabel  string `json:"state_label"`
	EnteredBy   string `json:"entered_by"`            // username
	EnteredName string `json:"entered_by_name"`       // the name shown for it
	ReviewedBy  string `json:"reviewed_by,omitempty"` // username
	ReviewName  string `json:"reviewed_by_name,omitempty"`
	ReviewedOn  string `json:"reviewed_on,omitempty"`
	ReviewNote  string `json:"review_note,omitempty"`
	Version     int    `json:"version"`
	UpdatedAt   int64  `json:"updated_at"`
	orgPath     string
	detailEnc   []byte
	personState string
}

// HardshipInput is what a form or the API submits for an entry.
type HardshipInput struct {
	PersonID int64  `json:"person_id"`
	Cause    string `json:"cause"`
	Level    string `json:"level"`
	Since    string `json:"since"`
	Until    string `json:"until"`
	Detail   string `json:"detail"`
	Version  int    `json:"version,omitempty"` // for a change: the version read
}

// Review is the upper organisation's decision on an entry.
type Review struct {
	Decision string `json:"decision"` // approve or return
	Note     string `json:"note"`
	Version  int    `json:"version"`
}

var hardshipCols = `h.id, h.person_id, p.name, p.status, h.org_id, o.name, o.path, h.cause, h.level, h.since, COALESCE(h.until, ''), h.detail_enc,
	h.state, h.entered_by, h.reviewed_by, COALESCE(h.reviewed_on, ''), h.review_note, h.version, h.updated_at, ` +
	auth.NameOf("h.entered_by") + ", " + auth.NameOf("h.reviewed_by")

const hardshipFrom = ` FROM care_hardship h JOIN persons p ON p.id = h.person_id JOIN orgs o ON o.id = h.org_id`

func scanHardship(s interface{ Scan(...any) error }, today civil.Date) (*HardshipEntry, error) {
	var h HardshipEntry
	if err := s.Scan(&h.ID, &h.PersonID, &h.PersonName, &h.personState, &h.OrgID, &h.OrgName, &h.orgPath, &h.Cause, &h.Level, &h.Since, &h.Until,
		&h.detailEnc, &h.State, &h.EnteredBy, &h.ReviewedBy, &h.ReviewedOn, &h.ReviewNote, &h.Version, &h.UpdatedAt,
		&h.EnteredName, &h.ReviewName); err != nil {
		return nil, err
	}
	h.CauseLabel, h.LevelLabel, h.HasDetail = CauseLabel(h.Cause), LevelLabel(h.Level), len(h.detailEnc) > 0
	if h.State == "approved" && h.Until != "" && h.Until < today.String() {
		h.State = "expired"
	}
	h.StateLabel = States.Label(h.State)
	return &h, nil
}

// ParseHardshipFilter reads org, state, page and per_page of the entries.
func ParseHardshipFilter(q url.Values) (StateFilter, error) {
	return parseStateFilter(q, []string{"pending", "approved", "returned", "expired", "current"},
		"状态无效，应为 pending（待审核）、approved（已认定）、returned（已退回）、expired（已到期）或 current（当前在册）")
}

// Hardships returns one page of the entries in p's scope, newest change
// first; PerPage 0 returns them all.
func Hardships(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date, f StateFilter) (*List[*HardshipEntry], error) {
	s, err := org.Narrow(ctx, q, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := s.Where("o.path")
	d := today.String()
	switch f.State {
	case "":
	case "approved":
		w += " AND h.state = 'approved' AND (h.until IS NULL OR h.until >= ?)"
		args = append(args, d)
	case "expired":
		w += " AND h.state = 'approved' AND h.until < ?"
		args = append(args, d)
	case "current":
		w += " AND h.state = 'approved' AND h.since <= ? AND (h.until IS NULL OR h.until >= ?)"
		args = append(args, d, d)
	default:
		w += " AND h.state = ?"
		args = append(args, f.State)
	}
	out := &List[*HardshipEntry]{Page: f.Page, PerPage: f.PerPage, Items: []*HardshipEntry{}}
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+hardshipFrom+" WHERE "+w, args...).Scan(&out.Total); err != nil {
		return nil, err
	}
	sel := "SELECT " + hardshipCols + hardshipFrom + " WHERE " + w + " ORDER BY h.updated_at DESC, h.id DESC"
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
		h, err := scanHardship(rows, today)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, h)
	}
	return out, rows.Err()
}

// getHardship reads an entry in p's scope; anything else is a 404.
func getHardship(ctx context.Context, q db.Querier, p *auth.Principal, today civil.Date, id int64) (*HardshipEntry, error) {
	h, err := scanHardship(q.QueryRowContext(ctx, "SELECT "+hardshipCols+hardshipFrom+" WHERE h.id = ?", id), today)
	if db.IsNoRows(err) || err == nil && !scope.Of(p).Contains(h.orgPath) {
		return nil, fail.NotFound()
	}
	return h, err
}

// GetHardship returns an entry in p's scope. A 党务管理员 reads the sealed
// situation too, and that read is audited; a 领导 sees that there is one.
func GetHardship(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*HardshipEntry, error) {
	h, err := getHardship(ctx, d.DB, p, civil.Today(d.Now()), id)
	if err != nil || !p.Writes() || !h.HasDetail {
		return h, err
	}
	if h.Detail, err = d.Keys.Open(h.detailEnc); err != nil {
		return nil, err
	}
	return h, d.Audit.Record(ctx, d.DB, audit.Event{Action: "care.hardship.read", ObjectType: "care_hardship", ObjectID: fmt.Sprint(id),
		Detail: map[string]any{"person_id": h.PersonID, "name": h.PersonName}})
}

// check validates an input's fields other than its person.
func (in *HardshipInput) check(today civil.Date) error {
	errs := checkText(text{name: "detail", label: "困难情况", v: &in.Detail, max: 500, multiline: true})
	if CauseLabel(in.Cause) == "" {
		errs = append(errs, fail.Malformed("cause", "请选择困难原因"))
	}
	if LevelLabel(in.Level) == "" {
		errs = append(errs, fail.Malformed("level", "请选择困难程度：一般困难或特别困难"))
	}
	since, err := civil.Parse(in.Since)
	switch {
	case err != nil:
		errs = append(errs, fail.Malformed("since", "认定起始日期“"+in.Since+"”不是真实的日期（如 2026-01-31）"))
	case since.After(today):
		errs = append(errs, fail.NotAllowed("since", "认定起始日期不能晚于今天"))
	default:
		in.Since = since.String()
	}
	if strings.TrimSpace(in.Until) != "" {
		until, err := civil.Parse(in.Until)
		switch {
		case err != nil:
			errs = append(errs, fail.Malformed("until", "认定截止日期“"+in.Until+"”不是真实的日期（如 2026-01-31）"))
		case in.Since != "" && until.String() < in.Since:
			errs = append(errs, fail.NotAllowed("until", "认定截止日期不能早于起始日期"))
		default:
			in.Until = until.String()
		}
	} else {
		in.Until = ""
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// audited is what the audit log keeps of an entry: never the situation.
func (in HardshipInput) audited(name string) map[string]any {
	return map[string]any{"person_id": in.PersonID, "name": name, "cause": CauseLabel(in.Cause), "level": LevelLabel(in.Level),
		"since": in.Since, "until": in.Until, "detail": in.Detail != ""}
}

// memberIn returns a party member of p's scope for an entry: anyone else
// in scope is refused by name, anyone outside it is a 404.
func memberIn(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*member.Person, error) {
	if id == 0 {
		return nil, fail.Malformed("person_id", "请选择生活困难的党员")
	}
	pr, err := member.GetIn(ctx, q, scope.Of(p), id)
	if err != nil || !p.Writes() {
		return nil, fail.NotFound()
	}
	if pr.Status != "full" && pr.Status != "probationary" {
		return nil, fail.NotAllowed("person_id", fmt.Sprintf("生活困难党员台账只登记党员（正式党员、预备党员）：%s的状态为“%s”", pr.Name, pr.StatusLabel))
	}
	return pr, nil
}

// CreateHardship enters a hardship for review by the organisation above.
func CreateHardship(ctx context.Context, d *core.Deps, p *auth.Principal, in HardshipInput) (*HardshipEntry, error) {
	today := civil.Today(d.Now())
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		pr, err := memberIn(ctx, tx, p, in.PersonID)
		if err != nil {
			return err
		}
		if err := in.check(today); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM care_hardship WHERE person_id = ? AND (state = 'pending' OR state = 'approved' AND (until IS NULL OR until >= ?))`,
			in.PersonID, today.String()).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return fail.Conflict(pr.Name + "已有待审核或有效的生活困难认定，请在原记录上修改，勿重复登记")
		}
		now := d.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO care_hardship (person_id, org_id, cause, level, since, until, detail_enc, state, entered_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,'pending',?,?,?)`, in.PersonID, pr.OrgID, in.Cause, in.Level, in.Since, nullStr(in.Until), sealDetail(d.Keys, in.Detail), p.Username, now, now)
		if db.IsUnique(err) {
			return fail.Conflict(pr.Name + "自 " + in.Since + " 起的生活困难认定已经登记过，请勿重复提交")
		}
		if err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.hardship.create", ObjectType: "care_hardship", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: in.audited(pr.Name)}}); err != nil {
			return err
		}
		return syncHardship(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return GetHardship(ctx, d, p, id)
}

// UpdateHardship changes an entry; a change of an approved or returned
// entry goes back to review.
func UpdateHardship(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in HardshipInput) (*HardshipEntry, error) {
	today := civil.Today(d.Now())
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := getHardship(ctx, tx, p, today, id)
		if err != nil || !p.Writes() {
			return fail.NotFound()
		}
		if err := fail.Kept("person_id", "不能更改生活困难认定所属的人员，请另行登记", in.PersonID, old.PersonID); err != nil {
			return err
		}
		in.PersonID = old.PersonID
		if err := in.check(today); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE care_hardship SET cause = ?, level = ?, since = ?, until = ?, detail_enc = ?, state = 'pending',
			reviewed_by = '', reviewed_on = NULL, review_note = '', updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Cause, in.Level, in.Since, nullStr(in.Until), sealDetail(d.Keys, in.Detail), d.Now().UnixMilli(), id, in.Version)
		if db.IsUnique(err) {
			return fail.Conflict(old.PersonName + "自 " + in.Since + " 起的生活困难认定已另有记录")
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("这条生活困难认定已被他人修改，请刷新后重试")
		}
		before := HardshipInput{PersonID: old.PersonID, Cause: old.Cause, Level: old.Level, Since: old.Since, Until: old.Until}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.hardship.update", ObjectType: "care_hardship", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: before.audited(old.PersonName), After: in.audited(old.PersonName)}}); err != nil {
			return err
		}
		return syncHardship(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return GetHardship(ctx, d, p, id)
}

// ReviewHardship records the decision of an organisation above the
// entry's (never the one that entered it, never its own organisation).
func ReviewHardship(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, rv Review) (*HardshipEntry, error) {
	today := civil.Today(d.Now())
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := getHardship(ctx, tx, p, today, id)
		if err != nil || !p.Writes() {
			return fail.NotFound()
		}
		if scope.Of(p).Root() == h.orgPath || h.EnteredBy == p.Username {
			return fail.Denied("not_upper", "生活困难认定须由上级党组织审核：登记人和本组织不能审核自己登记的认定")
		}
		if rv.Decision != "approve" && rv.Decision != "return" {
			return fail.Malformed("decision", "请选择审核意见：approve（认定）或 return（退回）")
		}
		if errs := checkText(text{name: "note", label: "审核意见", v: &rv.Note, max: 200, multiline: true}); len(errs) > 0 {
			return errs
		}
		if rv.Decision == "return" && rv.Note == "" {
			return fail.Malformed("note", "退回时请写明退回理由")
		}
		if h.State != "pending" {
			return fail.NotAllowed("decision", "这条认定当前为“"+h.StateLabel+"”，不在待审核状态")
		}
		state := map[string]string{"approve": "approved", "return": "returned"}[rv.Decision]
		res, err := tx.ExecContext(ctx, `UPDATE care_hardship SET state = ?, reviewed_by = ?, reviewed_on = ?, review_note = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ? AND state = 'pending'`, state, p.Username, today.String(), rv.Note, d.Now().UnixMilli(), id, rv.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("这条生活困难认定已被他人修改或审核，请刷新后重试")
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "care.hardship.review", ObjectType: "care_hardship", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]string{"state": h.State}, After: map[string]string{"state": state, "note": rv.Note, "name": h.PersonName}}}); err != nil {
			return err
		}
		return syncHardship(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return GetHardship(ctx, d, p, id)
}

// currentHardship is the approved entry current today of each person named.
func currentHardship(ctx context.Context, q db.Querier, today civil.Date, ids []int64) (map[int64]*Summary, error) {
	out := map[int64]*Summary{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.In(ids)
	d := today.String()
	rows, err := q.QueryContext(ctx, `SELECT id, person_id, cause, level, since, COALESCE(until, '') FROM care_hardship
		WHERE state = 'approved' AND since <= ? AND (until IS NULL OR until >= ?) AND person_id IN (`+in+`) ORDER BY since`, append([]any{d, d}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s Summary
		var pid int64
		if err := rows.Scan(&s.ID, &pid, &s.Cause, &s.Level, &s.Since, &s.Until); err != nil {
			return nil, err
		}
		s.CauseLabel, s.LevelLabel = CauseLabel(s.Cause), LevelLabel(s.Level)
		out[pid] = &s
	}
	return out, rows.Err()
}

// sealDetail seals the situation; nothing is stored when there is none.
func sealDetail(k *crypto.Keys, s string) any {
	if s == "" {
		return nil
	}
	return k.Seal(s)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
