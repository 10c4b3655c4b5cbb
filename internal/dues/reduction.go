package dues

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// States of a reduction.
const (
	Pending  = "pending"
	Approved = "approved"
	Refused  = "refused"
)

var stateLabels = map[string]string{Pending: "待上级党委审批", Approved: "已批准", Refused: "未批准"}

// ReductionInput asks for a member's reduction (减交) or waiver (免交, 0)
// for a year, after the branch's 党员大会 discussed it on DecidedOn.
type ReductionInput struct {
	PersonID  int64  `json:"person_id"`
	Year      int    `json:"year"`
	AmountFen int64  `json:"amount_fen"`
	Reason    string `json:"reason"`
	DecidedOn string `json:"decided_on"`
}

// Decision is the upper 党委's answer to a reduction.
type Decision struct {
	Approve bool   `json:"approve"`
	Answer  string `json:"answer"`
	Version int    `json:"version"`
}

// Reduction is a request for a reduction and what became of it. Reason
// (the hardship, sealed at rest) is filled only for a 党务管理员 reading one
// reduction, and that read is audited.
type Reduction struct {
	ID           int64  `json:"id"`
	PersonID     int64  `json:"person_id"`
	PersonName   string `json:"person_name"`
	OrgID        int64  `json:"org_id"`
	OrgName      string `json:"org_name"`
	ApproverID   int64  `json:"approver_id"`
	ApproverName string `json:"approver_name"`
	Year         int    `json:"year"`
	StandardFen  int64  `json:"standard_fen"`
	AmountFen    int64  `json:"amount_fen"`
	Reason       string `json:"reason,omitempty"`
	DecidedOn    string `json:"decided_on"`
	State        string `json:"state"`
	StateLabel   string `json:"state_label"`
	Answer       string `json:"answer"`
	AnsweredOn   string `json:"answered_on"`
	AnsweredBy   string `json:"answered_by"`  // the name of who answered
	RequestedBy  string `json:"requested_by"` // the name of who sent it
	CanDecide    bool   `json:"can_decide"`   // the caller administers the approving 党委 and it is pending
	Version      int    `json:"version"`
	reasonEnc    []byte
	approverPath string
}

var reductionCols = `r.id, r.person_id, p.name, r.org_id, o.name, r.approver_id, a.name, a.path, r.year, r.standard_fen, r.amount_fen,
	r.reason_enc, r.decided_on, r.state, r.answer, COALESCE(r.answered_on, ''), ` +
	auth.NameOf("r.answered_by") + ", " + auth.NameOf("r.requested_by") + `, r.version`

// reductionFrom scopes reductions by their member's current organisation.
const reductionFrom = ` FROM dues_reductions r JOIN persons p ON p.id = r.person_id JOIN orgs po ON po.id = p.org_id
	JOIN orgs o ON o.id = r.org_id JOIN orgs a ON a.id = r.approver_id`

func scanReduction(s interface{ Scan(...any) error }, p *auth.Principal) (*Reduction, error) {
	var r Reduction
	if err := s.Scan(&r.ID, &r.PersonID, &r.PersonName, &r.OrgID, &r.OrgName, &r.ApproverID, &r.ApproverName, &r.approverPath, &r.Year,
		&r.StandardFen, &r.AmountFen, &r.reasonEnc, &r.DecidedOn, &r.State, &r.Answer, &r.AnsweredOn, &r.AnsweredBy, &r.RequestedBy, &r.Version); err != nil {
		return nil, err
	}
	r.StateLabel = stateLabels[r.State]
	r.CanDecide = r.State == Pending && p.Writes() && scope.Of(p).Contains(r.approverPath)
	return &r, nil
}

// loadReduction reads a reduction whose member is in p's scope; anything
// else is a 404.
func loadReduction(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Reduction, error) {
	w, args := scope.Of(p).Where("po.path")
	r, err := scanReduction(q.QueryRowContext(ctx, "SELECT "+reductionCols+reductionFrom+" WHERE r.id = ? AND "+w, append([]any{id}, args...)...), p)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return r, err
}

// GetReduction returns one reduction in p's scope; for a 党务管理员 with the
// hardship read from its seal, a read the audit log records.
func GetReduction(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Reduction, error) {
	r, err := loadReduction(ctx, d.DB, p, id)
	if err != nil || !p.Writes() {
		return r, err
	}
	if r.Reason, err = d.Keys.Open(r.reasonEnc); err != nil {
		return nil, err
	}
	return r, d.Audit.Record(ctx, d.DB, audit.Event{Action: "dues.reduction.read", ObjectType: "dues_reduction", ObjectID: strconv.FormatInt(id, 10),
		Detail: map[string]any{"person_id": r.PersonID, "field": "reason"}})
}

// The 待办 of the 党委 that decides a reduction.
const reductionSource = "dues.reduction"

func reductionKey(id int64) string { return "r" + strconv.FormatInt(id, 10) }

// RequestReduction records the branch's request, after its 党员大会, for a
// member's reduced (or waived, 0) amount for a year; the year's base must
// be set and the amount below it. The approving 党委 gets a 待办.
func RequestReduction(ctx context.Context, d *core.Deps, p *auth.Principal, in ReductionInput) (*Reduction, error) {
	today := civil.Today(d.Now())
	var out *Reduction
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		pr, err := person(ctx, tx, p, in.PersonID)
		if err != nil {
			return err
		}
		b, err := baseOf(ctx, tx, pr.ID, in.Year)
		if err != nil {
			return err
		}
		if b == nil {
			return fail.Refused("no_base", fmt.Sprintf("请先核定%s %d 年的党费基数，再申请减免", pr.Name, in.Year))
		}
		decided, reason, err := checkReduction(&in, b, today)
		if err != nil {
			return err
		}
		o, err := org.Get(ctx, tx, pr.OrgID)
		if err != nil {
			return err
		}
		approver, err := org.Approver(ctx, tx, o.Path)
		if err != nil {
			return err
		}
		if approver == nil {
			r := RuleOf(RuleReduction)
			return fail.Rule(r.ID, r.Citation, pr.Name+"所在组织之上没有有审批权限的党委，无法报批减免："+r.Title)
		}
		now := d.Now().UnixMilli()
		id, err := db.InsertID(ctx, tx, `INSERT INTO dues_reductions (person_id, org_id, approver_id, year, standard_fen, amount_fen, reason_enc,
			decided_on, state, requested_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			pr.ID, pr.OrgID, approver.ID, in.Year, b.StandardFen, in.AmountFen, d.Keys.Seal(reason), decided.String(), Pending, p.Username, now, now)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("%s %d 年已有减免申请或已批准的减免，请勿重复提交", pr.Name, in.Year))
		} else if err != nil {
			return err
		}
		if out, err = loadReduction(ctx, tx, p, id); err != nil {
			return err
		}
		if err := postReduction(ctx, tx, out); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "dues.reduction.request", ObjectType: "dues_reduction", ObjectID: strconv.FormatInt(id, 10),
			Detail: audit.Change{After: map[string]any{"person_id": pr.ID, "year": in.Year, "standard_fen": b.StandardFen, "amount_fen": in.AmountFen,
				"decided_on": decided.String(), "approver_id": approver.ID}}})
	})
	return out, err
}

// postReduction asks the approving 党委 to decide, in its 待办.
func postReduction(ctx context.Context, tx *db.Tx, r *Reduction) error {
	what := "减交为每月 " + Yuan(r.AmountFen) + " 元"
	if r.AmountFen == 0 {
		what = "免交"
	}
	return todo.Post(ctx, tx, todo.Item{Source: reductionSource, Key: reductionKey(r.ID), OrgID: r.ApproverID, PersonID: r.PersonID,
		Title:  fmt.Sprintf("审批党费减免：%s（%s）%d 年%s", r.PersonName, r.OrgName, r.Year, what),
		Detail: RuleOf(RuleReduction).Title, Link: fmt.Sprintf("/dues/reductions/%d", r.ID), Severity: "info"})
}

// checkReduction reads the request's fields against the year's base.
func checkReduction(in *ReductionInput, b *Base, today civil.Date) (civil.Date, string, error) {
	var fs fail.Fields
	if in.AmountFen < 0 || in.AmountFen >= b.StandardFen {
		fs = append(fs, fail.Malformed("amount_fen", fmt.Sprintf("减交后的金额应不少于 0 元（免交）且少于按标准应交的 %s 元", Yuan(b.StandardFen))))
	}
	reason := strings.TrimSpace(in.Reason)
	switch msg := plaintext.Lines("生活困难情况", reason); {
	case msg != "":
		fs = append(fs, fail.Malformed("reason", msg))
	case reason == "":
		fs = append(fs, fail.Malformed("reason", "请填写生活困难的具体情况"))
	case utf8.RuneCountInString(reason) > 500:
		fs = append(fs, fail.Malformed("reason", "生活困难情况不能超过 500 个字"))
	}
	decided, err := civil.Parse(strings.TrimSpace(in.DecidedOn))
	switch {
	case err != nil:
		fs = append(fs, fail.Malformed("decided_on", "请填写支部党员大会讨论的日期（如 2026-01-31）"))
	case decided.After(today):
		fs = append(fs, fail.Malformed("decided_on", "支部党员大会讨论的日期不能晚于今天"))
	case decided.Year() < in.Year-1:
		fs = append(fs, fail.Malformed("decided_on", fmt.Sprintf("支部党员大会讨论的日期应在 %d 年或其上一年", in.Year)))
	}
	if len(fs) > 0 {
		return decided, reason, fs
	}
	return decided, reason, nil
}

// DecideReduction approves or refuses a pending reduction. Only the
// 党务管理员 of the approving 党委 (or above) decides; an approval changes
// the year's amount at once.
func DecideReduction(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, dec Decision) (*Reduction, error) {
	today := civil.Today(d.Now())
	dec.Answer = strings.TrimSpace(dec.Answer)
	var out *Reduction
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := loadReduction(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !p.Writes() || !scope.Of(p).Contains(r.approverPath) {
			rule := RuleOf(RuleReduction)
			return fail.Denied("not_approver", fmt.Sprintf("党费减免须由上级党委（%s）审批：%s（%s）", r.ApproverName, rule.Title, rule.Citation))
		}
		if r.State != Pending || dec.Version != r.Version {
			return fail.Conflict("该减免申请已被他人处理或修改，请刷新后查看")
		}
		if msg := plaintext.Lines("审批意见", dec.Answer); msg != "" {
			return fail.Malformed("answer", msg)
		}
		if utf8.RuneCountInString(dec.Answer) > 200 {
			return fail.Malformed("answer", "审批意见不能超过 200 个字")
		}
		if !dec.Approve && dec.Answer == "" {
			return fail.Malformed("answer", "不批准时请填写理由")
		}
		state := Refused
		if dec.Approve {
			state = Approved
		}
		res, err := tx.ExecContext(ctx, `UPDATE dues_reductions SET state = ?, answer = ?, answered_on = ?, answered_by = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ? AND state = ?`, state, dec.Answer, today.String(), p.Username, d.Now().UnixMilli(), id, r.Version, Pending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fail.Conflict("该减免申请已被他人处理或修改，请刷新后查看")
		}
		if dec.Approve {
			if err := applyReduction(ctx, tx, r, today); err != nil {
				return err
			}
		}
		if err := todo.Close(ctx, tx, reductionSource, reductionKey(id)); err != nil {
			return err
		}
		if out, err = loadReduction(ctx, tx, p, id); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "dues.reduction." + state, ObjectType: "dues_reduction", ObjectID: strconv.FormatInt(id, 10),
			Detail: audit.Change{Before: map[string]any{"state": r.State}, After: map[string]any{"state": state, "answer": dec.Answer, "amount_fen": r.AmountFen}}})
	})
	return out, err
}

// applyReduction sets the year's amount to the approved one.
func applyReduction(ctx context.Context, tx *db.Tx, r *Reduction, today civil.Date) error {
	_, err := tx.ExecContext(ctx, `UPDATE dues_bases SET amount_fen = CASE WHEN ? < standard_fen THEN ? ELSE standard_fen END, reduction_approval = ?,
		version = version + 1 WHERE person_id = ? AND year = ?`, r.AmountFen, r.AmountFen, approvalNote(r.ApproverName, today.String()), r.PersonID, r.Year)
	return err
}

func approvalNote(approver, on string) string { return approver + "于 " + on + " 批准" }

// approvedReduction is the amount and approval of a member's approved
// reduction for a year, ok false when there is none.
func approvedReduction(ctx context.Context, q db.Querier, personID int64, year int) (amount int64, note string, ok bool, err error) {
	var approver, on string
	err = q.QueryRowContext(ctx, `SELECT r.amount_fen, a.name, COALESCE(r.answered_on, '') FROM dues_reductions r JOIN orgs a ON a.id = r.approver_id
		WHERE r.person_id = ? AND r.year = ? AND r.state = ?`, personID, year, Approved).Scan(&amount, &approver, &on)
	if db.IsNoRows(err) {
		return 0, "", false, nil
	}
	return amount, approvalNote(approver, on), err == nil, err
}

// ReductionFilter selects reductions.
type ReductionFilter struct {
	OrgID   int64
	Year    int
	State   string
	Page    int
	PerPage int
}

func (f *ReductionFilter) norm() error {
	if f.State != "" && stateLabels[f.State] == "" {
		return fail.Malformed("state", "审批状态应为 pending（待审批）、approved（已批准）或 refused（未批准）")
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2100) {
		return fail.Malformed("year", "年度应为 2000 至 2100 之间的年份")
	}
	return normPage(&f.Page, &f.PerPage)
}

// normPage defaults a page and its size and bounds the size.
func normPage(page, per *int) error {
	if *page == 0 {
		*page = 1
	}
	if *per == 0 {
		*per = 50
	}
	if *per > 200 {
		return fail.Malformed("per_page", "每页条数不能超过 200")
	}
	return nil
}

// Reductions lists the reductions in p's scope, newest first: a page (all
// of them when f.PerPage is -1) and the number selected.
func Reductions(ctx context.Context, d *core.Deps, p *auth.Principal, f ReductionFilter) ([]*Reduction, int, error) {
	all := f.PerPage == -1
	if all {
		f.PerPage = 0
	}
	if err := f.norm(); err != nil {
		return nil, 0, err
	}
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, 0, err
	}
	w, args := s.Where("po.path")
	conds := []string{w}
	if f.Year != 0 {
		conds, args = append(conds, "r.year = ?"), append(args, f.Year)
	}
	if f.State != "" {
		conds, args = append(conds, "r.state = ?"), append(args, f.State)
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+reductionFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	tail := " ORDER BY CASE WHEN r.state = 'pending' THEN 0 ELSE 1 END, r.id DESC"
	if !all {
		tail += " LIMIT ? OFFSET ?"
		args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	}
	rows, err := d.DB.QueryContext(ctx, "SELECT "+reductionCols+reductionFrom+where+tail, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*Reduction{}
	for rows.Next() {
		r, err := scanReduction(rows, p)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}
