package transfer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/develop"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
)

const cols = `t.id, t.kind, t.state, COALESCE(t.person_id, 0), t.person_name, t.gender, COALESCE(t.birth_date, ''), t.id_enc,
	t.status, COALESCE(t.join_date, ''), COALESCE(t.full_date, ''), t.dues_paid_to, COALESCE(t.from_org_id, 0), COALESCE(fo.name, ''),
	COALESCE(fo.path, ''), COALESCE(t.to_org_id, 0), COALESCE(tor.name, ''), COALESCE(tor.path, ''), t.outside_org, t.letter_no, t.reason,
	t.applied_on, t.due_on, COALESCE(t.reviewed_on, ''), COALESCE(t.sent_on, ''), COALESCE(t.closed_on, ''), t.note, t.version,
	t.education, t.category, COALESCE(t.letter_org_id, 0), t.valid_days`

const from = ` FROM transfers t LEFT JOIN orgs fo ON fo.id = t.from_org_id LEFT JOIN orgs tor ON tor.id = t.to_org_id`

func scan(d *core.Deps, s interface{ Scan(...any) error }, today civil.Date) (*Transfer, error) {
	var t Transfer
	var idEnc []byte
	err := s.Scan(&t.ID, &t.Kind, &t.State, &t.PersonID, &t.PersonName, &t.Gender, &t.BirthDate, &idEnc, &t.Status, &t.JoinDate,
		&t.FullDate, &t.DuesPaidTo, &t.FromOrgID, &t.FromOrg, &t.fromPath, &t.ToOrgID, &t.ToOrg, &t.toPath, &t.OutsideOrg,
		&t.LetterNo, &t.Reason, &t.AppliedOn, &t.DueOn, &t.ReviewedOn, &t.SentOn, &t.ClosedOn, &t.Note, &t.Version, &t.Education, &t.Category, &t.letterOrgID, &t.ValidDays)
	if err != nil {
		return nil, err
	}
	if len(idEnc) > 0 {
		if t.idNumber, err = d.Keys.Open(idEnc); err != nil {
			return nil, err
		}
		if t.idNumber != "" {
			t.IDMasked = idcard.Mask(t.idNumber)
		}
	}
	t.fill(today)
	return &t, nil
}

// sees reports whether either side of t is in the caller's scope.
func sees(p *auth.Principal, t *Transfer) bool {
	sc := scope.Of(p)
	return sc.Contains(t.fromPath) || sc.Contains(t.toPath)
}

// actsAs reports whether the caller holds a side of t.
func actsAs(p *auth.Principal, t *Transfer, s side) bool {
	if !p.Writes() {
		return false
	}
	if s == sender {
		return scope.Of(p).Contains(t.fromPath)
	}
	return scope.Of(p).Contains(t.toPath)
}

// Get loads a transfer that the caller sees from either side; otherwise 404.
func Get(ctx context.Context, d *core.Deps, q db.Querier, p *auth.Principal, id int64) (*Transfer, error) {
	t, err := scan(d, q.QueryRowContext(ctx, "SELECT "+cols+from+" WHERE t.id = ?", id), civil.Today(d.Now()))
	if db.IsNoRows(err) || err == nil && !sees(p, t) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	for _, a := range []string{"review", "send", "receive", "return", "withdraw"} {
		if st, ok := steps[t.Kind][a]; ok && contains(st.from, t.State) && actsAs(p, t, st.side) {
			t.CanActAs = append(t.CanActAs, a)
		}
	}
	return t, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ListFilter selects transfers: those touching the caller's scope (or the
// subtree of Org within it), optionally only open ones.
type ListFilter struct {
	OrgID         int64
	OpenOnly      bool
	Offset, Limit int // one page; Limit 0 is every transfer (an export)
}

// List returns the transfers either side of which is in scope, newest
// first, one page of them, and how many there are in all.
func List(ctx context.Context, d *core.Deps, p *auth.Principal, f ListFilter) ([]*Transfer, int, error) {
	sc, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, 0, err
	}
	either, args := eitherSide(sc)
	where := " WHERE " + either
	if f.OpenOnly {
		where += " AND t.state IN ('applied', 'reviewed', 'sent')"
	}
	var total int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page := ""
	if f.Limit > 0 {
		page = fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := d.DB.QueryContext(ctx, "SELECT "+cols+from+where+" ORDER BY t.id DESC"+page, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	today := civil.Today(d.Now())
	out := []*Transfer{}
	for rows.Next() {
		t, err := scan(d, rows, today)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// eitherSide is the condition on a transfer whose sending (fo) or receiving
// (tor) organisation lies in sc.
func eitherSide(sc scope.Subtree) (string, []any) {
	from, args := sc.Where("fo.path")
	to, toArgs := sc.Where("tor.path")
	return "(" + from + " OR " + to + ")", append(args, toArgs...)
}

// NewTransfer is what starts a transfer.
type NewTransfer struct {
	Kind       string `json:"kind"`
	PersonID   int64  `json:"person_id,omitempty"`   // inside, out
	ToOrgID    int64  `json:"to_org_id,omitempty"`   // inside, in
	OutsideOrg string `json:"outside_org,omitempty"` // out: destination; in: origin
	LetterNo   string `json:"letter_no,omitempty"`
	Reason     string `json:"reason,omitempty"`
	DuesPaidTo string `json:"dues_paid_to,omitempty"` // YYYY-MM
	AppliedOn  string `json:"applied_on,omitempty"`   // default today
	// For "in": the person coming from outside.
	Name      string `json:"name,omitempty"`
	IDNumber  string `json:"id_number,omitempty"`
	Status    string `json:"status,omitempty"` // probationary or full
	JoinDate  string `json:"join_date,omitempty"`
	FullDate  string `json:"full_date,omitempty"`
	Education string `json:"education,omitempty"`
	Category  string `json:"category,omitempty"`
}

// OverdueMonths is how long a transfer may stay open (setting
// transfer.overdue_months, default 1).
func OverdueMonths(ctx context.Context, q db.Querier) int {
	var v string
	if err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'transfer.overdue_months'").Scan(&v); err == nil {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n <= 24 {
			return n
		}
	}
	return 1
}

func bad(field, msg string) error { return fail.Malformed(field, msg) }

// Create starts a transfer. Inside and out: the person must be in the
// caller's scope (the sending side); inside, the receiving organisation may
// be anywhere in the system. In: the receiving organisation must be in scope.
func Create(ctx context.Context, d *core.Deps, p *auth.Principal, n NewTransfer) (*Transfer, error) {
	today := civil.Today(d.Now())
	n.OutsideOrg, n.LetterNo, n.Reason = strings.TrimSpace(n.OutsideOrg), strings.TrimSpace(n.LetterNo), strings.TrimSpace(n.Reason)
	if f, msg := plaintext.First(plaintext.Field{Name: "outside_org", Label: "系统外党组织", Value: n.OutsideOrg},
		plaintext.Field{Name: "letter_no", Label: "介绍信编号", Value: n.LetterNo},
		plaintext.Field{Name: "reason", Label: "转接原因", Value: n.Reason, Multiline: true},
		plaintext.Field{Name: "name", Label: "姓名", Value: strings.TrimSpace(n.Name)}); msg != "" {
		return nil, bad(f, msg)
	}
	for _, f := range []struct{ name, v string }{{"outside_org", n.OutsideOrg}, {"letter_no", n.LetterNo}, {"reason", n.Reason}, {"name", n.Name}} {
		if utf8.RuneCountInString(f.v) > 200 {
			return nil, bad(f.name, "内容过长（最多 200 个字）")
		}
	}
	applied := today
	if n.AppliedOn != "" {
		var err error
		if applied, err = civil.Parse(n.AppliedOn); err != nil || applied.After(today) {
			return nil, bad("applied_on", "申请日期应为不晚于今天的真实日期，如 2026-12-04")
		}
	}
	if n.DuesPaidTo != "" {
		if _, err := civil.Parse(n.DuesPaidTo + "-01"); err != nil {
			return nil, bad("dues_paid_to", "党费交至月份应写成“年-月”，如 2026-10")
		}
	}
	if n.Kind != In && n.LetterNo != "" {
		return nil, bad("letter_no", "介绍信编号在开具介绍信时由系统按本党委的字号自动生成，发起转接时不用填写")
	}
	var t Transfer
	t.Kind, t.State, t.LetterNo, t.Reason, t.OutsideOrg, t.DuesPaidTo = n.Kind, Applied, n.LetterNo, n.Reason, n.OutsideOrg, n.DuesPaidTo
	t.AppliedOn = applied.String()
	var idEnc []byte
	var idHash any
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		t.DueOn = applied.AddMonths(OverdueMonths(ctx, tx)).String()
		switch n.Kind {
		case Inside, Out:
			pr, err := member.Get(ctx, tx, nil, n.PersonID)
			if errors.Is(err, db.ErrNotFound) || n.PersonID == 0 {
				return fail.NotFound()
			}
			if err != nil {
				return err
			}
			if _, err := org.ReadablePath(ctx, tx, p, pr.OrgID); err != nil {
				return err
			}
			if pr.Status != "probationary" && pr.Status != "full" {
				return fail.NotAllowed("person_id", "只有预备党员和正式党员可以办理组织关系转接")
			}
			var open int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM transfers WHERE person_id = ? AND state IN ('applied', 'reviewed', 'sent')", pr.ID).Scan(&open); err != nil {
				return err
			}
			if open > 0 {
				return fail.Conflict("该党员已有一项正在办理的组织关系转接")
			}
			t.PersonID, t.PersonName, t.Gender, t.BirthDate, t.FromOrgID = pr.ID, pr.Name, pr.Gender, pr.BirthDate, pr.OrgID
			t.Status, t.JoinDate, t.FullDate = pr.Status, pr.JoinDate, pr.FullDate
			if n.Kind == Inside {
				if n.ToOrgID == 0 {
					return bad("to_org_id", "请选择接收的党组织")
				}
				to, err := org.Get(ctx, tx, n.ToOrgID)
				if errors.Is(err, db.ErrNotFound) || err == nil && to.Dissolved() {
					return bad("to_org_id", "接收的党组织不存在或已撤销")
				}
				if err != nil {
					return err
				}
				if n.ToOrgID == pr.OrgID {
					return bad("to_org_id", "接收的党组织与现所在党组织相同")
				}
				if err := org.CheckHome(to); err != nil {
					return err
				}
				t.ToOrgID = n.ToOrgID
			} else if n.OutsideOrg == "" {
				return bad("outside_org", "请填写转往的党组织（系统外）")
			}
		case In:
			if _, err := org.ReadablePath(ctx, tx, p, n.ToOrgID); err != nil {
				return fail.NotFound()
			}
			if n.OutsideOrg == "" {
				return bad("outside_org", "请填写转出的党组织（系统外）")
			}
			pr := member.Person{OrgID: n.ToOrgID, Name: n.Name, IDNumber: n.IDNumber, Status: n.Status, JoinDate: n.JoinDate,
				FullDate: n.FullDate, Education: n.Education, Category: n.Category}
			if pr.Status != "probationary" && pr.Status != "full" {
				return bad("status", "转入人员应为预备党员或正式党员")
			}
			if fe := member.Validate(&pr, today); len(fe) > 0 {
				return fe
			}
			if id, err := member.FindByIDNumber(ctx, tx, d.Keys, pr.IDNumber); err != nil || id != 0 {
				if err != nil {
					return err
				}
				return fail.Conflict("该公民身份号码已登记在系统中，请改用系统内转接")
			}
			t.ToOrgID, t.PersonName, t.Gender, t.BirthDate, t.Status, t.JoinDate, t.FullDate = n.ToOrgID, pr.Name, pr.Gender, pr.BirthDate, pr.Status, pr.JoinDate, pr.FullDate
			t.Education, t.Category = pr.Education, pr.Category
			idEnc, idHash = d.Keys.Seal(pr.IDNumber), d.Keys.Index(pr.IDNumber)
		default:
			return bad("kind", "转接类型应为 inside（系统内）、out（转出本系统）或 in（从系统外转入）")
		}
		now := d.Now().UnixMilli()
		id, err := db.InsertID(ctx, tx, `INSERT INTO transfers (kind, state, person_id, from_org_id, to_org_id, outside_org, letter_no, reason,
			person_name, gender, birth_date, id_enc, id_hash, status, join_date, full_date, education, category, dues_paid_to, applied_on, due_on,
			created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			t.Kind, t.State, nullID(t.PersonID), nullID(t.FromOrgID), nullID(t.ToOrgID), t.OutsideOrg, t.LetterNo, t.Reason,
			t.PersonName, t.Gender, nullStr(t.BirthDate), idEnc, idHash, t.Status, nullStr(t.JoinDate), nullStr(t.FullDate), t.Education, t.Category,
			t.DuesPaidTo, t.AppliedOn, t.DueOn, p.AccountID, now, now)
		if err != nil {
			return err
		}
		t.ID = id
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "transfer.create", ObjectType: "transfer", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"kind": t.Kind, "person_id": t.PersonID, "from_org_id": t.FromOrgID,
				"to_org_id": t.ToOrgID, "outside_org": t.OutsideOrg, "letter_no": t.LetterNo, "education": t.Education, "category": t.Category}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, d.DB, p, t.ID)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ActRequest is one step: the version read (for concurrent edits) and a note
// (the reason for 退回 or 撤回). Sending numbers the letter itself.
type ActRequest struct {
	Version int    `json:"version"`
	Note    string `json:"note,omitempty"`
}

// Act takes a step. Only the side the step belongs to may take it; the other
// side, and everyone else, gets a 404. Receiving inside the system moves the
// member in the same transaction.
func Act(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, action string, req ActRequest) (*Transfer, error) {
	today := civil.Today(d.Now())
	req.Note = strings.TrimSpace(req.Note)
	if f, msg := plaintext.First(plaintext.Field{Name: "note", Label: "备注", Value: req.Note, Multiline: true}); msg != "" {
		return nil, bad(f, msg)
	}
	if utf8.RuneCountInString(req.Note) > 200 {
		return nil, bad("note", "备注过长（最多 200 个字）")
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		t, err := Get(ctx, d, tx, p, id)
		if err != nil {
			return err
		}
		st, ok := steps[t.Kind][action]
		if !ok {
			return fail.NotFound()
		}
		if !actsAs(p, t, st.side) {
			return fail.NotFound()
		}
		if !contains(st.from, t.State) {
			return fail.Conflict(fmt.Sprintf("转接当前状态为“%s”，不能%s", t.StateLabel, st.label))
		}
		if req.Version != 0 && req.Version != t.Version {
			return fail.Conflict("该转接已被他人处理，请刷新页面后再操作")
		}
		if (action == "return" || action == "withdraw") && req.Note == "" {
			return bad("note", "请填写"+st.label+"的理由")
		}
		dateCol := map[string]string{"review": "reviewed_on", "send": "sent_on"}[action]
		if dateCol == "" && st.to != Sent {
			dateCol = "closed_on"
		}
		letter, issuerID, validDays := t.LetterNo, t.letterOrgID, t.ValidDays
		if action == "send" {
			if letter, issuerID, validDays, err = numberLetter(ctx, tx, t, today); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE transfers SET state = ?, "+dateCol+" = ?, letter_no = ?, letter_org_id = ?, valid_days = ?, note = CASE WHEN ? = '' THEN note ELSE ? END, updated_at = ?, version = version + 1 WHERE id = ? AND state = ?",
			st.to, today.String(), letter, nullID(issuerID), validDays, req.Note, req.Note, d.Now().UnixMilli(), id, t.State)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fail.Conflict("该转接已被他人处理，请刷新页面后再操作")
		}
		if err := apply(ctx, d, tx, t, action, today); err != nil {
			return err
		}
		if err := d.Audit.Write(ctx, tx, audit.Event{Action: "transfer." + action, ObjectType: "transfer", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]any{"state": t.State}, After: map[string]any{"state": st.to, "note": req.Note, "letter_no": letter}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, d, d.DB, p, id)
}

// apply changes the member record as a step requires.
func apply(ctx context.Context, d *core.Deps, tx *db.Tx, t *Transfer, action string, today civil.Date) error {
	note := "组织关系转接 #" + fmt.Sprint(t.ID)
	switch {
	case t.Kind == Inside && action == "receive":
		orgID, _, err := member.OrgOf(ctx, tx, t.PersonID)
		if err != nil {
			return err
		}
		if orgID != t.FromOrgID {
			return fail.Conflict("该党员已不在转出的党组织，不能接收")
		}
		if _, err := member.RecordEvent(ctx, tx, t.PersonID, member.Event{Kind: "transfer_in", OnDate: today.String(), OrgID: t.ToOrgID, Note: note}, today); err != nil {
			return err
		}
		// An open development case moves with its member, deadlines included.
		return develop.FollowTransfer(ctx, tx, t.PersonID, today, d.Now().UnixMilli())
	case t.Kind == Out && action == "send":
		_, err := member.RecordEvent(ctx, tx, t.PersonID, member.Event{Kind: "transfer_out", OnDate: today.String(), Note: note + " 转往 " + t.OutsideOrg}, today)
		return err
	case t.Kind == In && action == "receive":
		pr := member.Person{OrgID: t.ToOrgID, Name: t.PersonName, IDNumber: t.idNumber, Gender: t.Gender, BirthDate: t.BirthDate, Status: t.Status,
			JoinDate: t.JoinDate, FullDate: t.FullDate, Education: t.Education, Category: t.Category}
		if fe := member.Validate(&pr, today); len(fe) > 0 {
			return fe
		}
		id, err := member.Insert(ctx, tx, d.Keys, &pr)
		if err != nil {
			if errors.Is(err, member.ErrDuplicateID) {
				return fail.Conflict("该公民身份号码已登记在系统中，请改用系统内转接")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE transfers SET person_id = ? WHERE id = ?", id, t.ID); err != nil {
			return err
		}
		_, err = member.RecordEvent(ctx, tx, id, member.Event{Kind: "transfer_in", OnDate: today.String(), OrgID: t.ToOrgID, Note: note + " 自 " + t.OutsideOrg}, today)
		return err
	}
	return nil
}
