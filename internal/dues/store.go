package dues

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
)

// Month is a calendar month.
type Month struct{ Year, Month int }

func (m Month) index() int { return m.Year*12 + m.Month - 1 }

// Add is the month n months later (earlier when n < 0).
func (m Month) Add(n int) Month {
	i := m.index() + n
	return Month{i / 12, i%12 + 1}
}

// First is the month's first day, as YYYY-MM-DD.
func (m Month) First() string { return civil.New(m.Year, 1, 1).AddMonths(m.Month - 1).String() }

// Last is the month's last day, as YYYY-MM-DD.
func (m Month) Last() string {
	return civil.New(m.Year, 1, 1).AddMonths(m.Month).AddDays(-1).String()
}

// Chinese is "2026年3月".
func (m Month) Chinese() string { return fmt.Sprintf("%d年%d月", m.Year, m.Month) }

// MonthOf is the month of a civil date.
func MonthOf(d civil.Date) Month { return Month{d.Year(), int(d.Month())} }

// checkMonth refuses a month that is not a real one.
func checkMonth(m Month) error {
	if m.Year < 2000 || m.Year > 2100 {
		return fail.Malformed("year", "年度应为 2000 至 2100 之间的年份")
	}
	if m.Month < 1 || m.Month > 12 {
		return fail.Malformed("month", "月份应为 1 至 12")
	}
	return nil
}

// BaseInput sets a member's base for a year: the fixed monthly after-tax
// salary in 分 (ignored for Low). A reduction for hardship is not set here
// but asked for and approved (RequestReduction); once approved it holds
// whatever the base.
type BaseInput struct {
	PersonID int64  `json:"person_id"`
	Year     int    `json:"year"`
	Kind     string `json:"kind"`
	BaseFen  int64  `json:"base_fen"`
	Version  int    `json:"version,omitempty"`
}

// Base is a member's base for a year and the monthly amount it gives.
type Base struct {
	ID                int64  `json:"id"`
	PersonID          int64  `json:"person_id"`
	Year              int    `json:"year"`
	Kind              string `json:"kind"`
	KindLabel         string `json:"kind_label"`
	BaseFen           int64  `json:"base_fen"`
	StandardFen       int64  `json:"standard_fen"`
	AmountFen         int64  `json:"amount_fen"`
	ReductionApproval string `json:"reduction_approval"`
	Version           int    `json:"version"`
}

// person loads a party member p administers; anyone else is a 404.
func person(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*member.Person, error) {
	if !p.Writes() || id <= 0 {
		return nil, fail.NotFound()
	}
	pr, err := member.GetIn(ctx, q, scope.Of(p), id)
	if err != nil {
		return nil, fail.NotFound()
	}
	if pr.Status != "full" && pr.Status != "probationary" {
		return nil, fail.NotAllowed("person_id", "只有正式党员和预备党员交纳党费，该人员当前为"+member.StatusLabel(pr.Status))
	}
	return pr, nil
}

// computeBase checks an input and fills the amounts of b: the standard
// amount of the brackets, or the approved reduction when it is less.
func computeBase(ctx context.Context, q db.Querier, in *BaseInput, today civil.Date) (Base, error) {
	b := Base{PersonID: in.PersonID, Year: in.Year, Kind: in.Kind, BaseFen: in.BaseFen}
	if in.Year < today.Year()-1 || in.Year > today.Year()+1 {
		return b, fail.Malformed("year", fmt.Sprintf("党费基数的年度应为 %d 至 %d 年（每年年初核定一次）", today.Year()-1, today.Year()+1))
	}
	if kindLabels[in.Kind] == "" {
		return b, fail.Malformed("kind", "党员类别应为：在职党员、离退休党员，或学生、失业、低收入党员")
	}
	if in.BaseFen < 0 || in.BaseFen > 100000000 {
		return b, fail.Malformed("base_fen", "党费基数（每月税后工资收入）应在 0 至 100 万元之间")
	}
	if in.Kind == Low {
		b.BaseFen = 0 // a fixed amount: no income is kept
	}
	bs, err := Brackets(ctx, q)
	if err != nil {
		return b, err
	}
	std, ok := Amount(bs, b.Kind, b.BaseFen)
	if !ok {
		return b, fmt.Errorf("dues: no bracket of %s holds %d", b.Kind, b.BaseFen)
	}
	b.StandardFen, b.AmountFen = std, std
	reduced, note, ok, err := approvedReduction(ctx, q, in.PersonID, in.Year)
	if err != nil {
		return b, err
	}
	if ok && reduced < std {
		b.AmountFen, b.ReductionApproval = reduced, note
	}
	b.KindLabel = KindLabel(b.Kind)
	return b, nil
}

const baseCols = "id, person_id, year, kind, base_fen, standard_fen, amount_fen, reduction_approval, version"

func scanBase(s interface{ Scan(...any) error }) (*Base, error) {
	var b Base
	if err := s.Scan(&b.ID, &b.PersonID, &b.Year, &b.Kind, &b.BaseFen, &b.StandardFen, &b.AmountFen, &b.ReductionApproval, &b.Version); err != nil {
		return nil, err
	}
	b.KindLabel = KindLabel(b.Kind)
	return &b, nil
}

// SetBase creates (id 0) or replaces (id, with the version read) a member's
// base for a year. Creating a second base for the same year is a conflict.
func SetBase(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in BaseInput) (*Base, error) {
	var out *Base
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = setBase(ctx, d, tx, p, id, in)
		return err
	})
	return out, err
}

// setBase sets a base in the caller's transaction.
func setBase(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, id int64, in BaseInput) (*Base, error) {
	var before *Base
	if id != 0 {
		var err error
		before, err = scanBase(tx.QueryRowContext(ctx, "SELECT "+baseCols+" FROM dues_bases WHERE id = ?", id))
		if db.IsNoRows(err) {
			return nil, fail.NotFound()
		} else if err != nil {
			return nil, err
		}
		if _, err := person(ctx, tx, p, before.PersonID); err != nil {
			return nil, err // out of scope: a 404 whatever the body says
		}
		if in.PersonID == 0 {
			in.PersonID = before.PersonID
		}
		if in.PersonID != before.PersonID || (in.Year != 0 && in.Year != before.Year) {
			return nil, fail.NotAllowed("person_id", "不能更改党费基数所属的党员或年度，请另行核定")
		}
		in.Year = before.Year
	}
	if in.PersonID == 0 {
		return nil, fail.Malformed("person_id", "请选择党员")
	}
	if _, err := person(ctx, tx, p, in.PersonID); err != nil {
		return nil, err
	}
	b, err := computeBase(ctx, tx, &in, civil.Today(d.Now()))
	if err != nil {
		return nil, err
	}
	now := d.Now().UnixMilli()
	if before == nil {
		b.ID, err = db.InsertID(ctx, tx, `INSERT INTO dues_bases (person_id, year, kind, base_fen, standard_fen, amount_fen, reduction_approval, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, b.PersonID, b.Year, b.Kind, b.BaseFen, b.StandardFen, b.AmountFen, b.ReductionApproval, now, now)
		if db.IsUnique(err) {
			return nil, fail.Conflict(fmt.Sprintf("该党员 %d 年的党费基数已经核定，请勿重复提交；如需调整请修改原记录", b.Year))
		} else if err != nil {
			return nil, err
		}
		b.Version = 1
	} else {
		if in.Version != before.Version {
			return nil, fail.Conflict("该党费基数已被他人修改，请刷新后重试")
		}
		res, err := tx.ExecContext(ctx, `UPDATE dues_bases SET kind = ?, base_fen = ?, standard_fen = ?, amount_fen = ?, reduction_approval = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, b.Kind, b.BaseFen, b.StandardFen, b.AmountFen, b.ReductionApproval, now, id, before.Version)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return nil, fail.Conflict("该党费基数已被他人修改，请刷新后重试")
		}
		b.ID, b.Version = id, before.Version+1
	}
	err = d.Audit.Write(ctx, tx, audit.Event{Action: "dues.base", ObjectType: "dues_base", ObjectID: strconv.FormatInt(b.ID, 10),
		Detail: audit.Change{Before: before, After: b}})
	return &b, err
}

// PayInput records one month paid by (or, proxy, for) a member. AmountFen 0
// is the amount due; PaidOn empty is today.
type PayInput struct {
	PersonID  int64  `json:"person_id"`
	Year      int    `json:"year"`
	Month     int    `json:"month"`
	AmountFen int64  `json:"amount_fen,omitempty"`
	PaidOn    string `json:"paid_on,omitempty"`
	Proxy     bool   `json:"proxy,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Payment is one month paid.
type Payment struct {
	ID        int64  `json:"id"`
	PersonID  int64  `json:"person_id"`
	OrgID     int64  `json:"org_id"`
	Year      int    `json:"year"`
	Month     int    `json:"month"`
	AmountFen int64  `json:"amount_fen"`
	PaidOn    string `json:"paid_on"`
	Proxy     bool   `json:"proxy"`
	BackPay   bool   `json:"back_pay"` // 补缴: paid after its month
	Note      string `json:"note"`
}

// checkPay reads the month and the day of a payment made by today.
func checkPay(in *PayInput, today civil.Date) (Month, civil.Date, error) {
	m := Month{in.Year, in.Month}
	if err := checkMonth(m); err != nil {
		return m, today, err
	}
	cur := MonthOf(today)
	switch back := cur.index() - m.index(); {
	case back < 0:
		return m, today, fail.Malformed("month", m.Chinese()+"尚未到来，不能预先交纳")
	case back > MaxBackMonths:
		r := RuleOf(RuleBackPay)
		return m, today, fail.Rule(r.ID, r.Citation, fmt.Sprintf("%s的党费已超过补缴期限：%s（本月起最早可补缴%s）",
			m.Chinese(), r.Title, cur.Add(-MaxBackMonths).Chinese()))
	}
	paid := today
	if s := strings.TrimSpace(in.PaidOn); s != "" {
		var err error
		if paid, err = civil.Parse(s); err != nil {
			return m, today, fail.Malformed("paid_on", "交纳日期“"+in.PaidOn+"”不是真实的日期（如 2026-01-31）")
		}
		if paid.After(today) {
			return m, today, fail.Malformed("paid_on", "交纳日期不能晚于今天")
		}
		if paid.Before(civil.New(m.Year, 1, 1).AddMonths(m.Month - 1)) {
			return m, today, fail.Malformed("paid_on", "交纳日期不能早于所交月份")
		}
	}
	return m, paid, checkNote(&in.Note)
}

// checkNote trims a payment's note and refuses one that is too long or
// holds control characters.
func checkNote(note *string) error {
	*note = strings.TrimSpace(*note)
	if msg := plaintext.Line("备注", *note); msg != "" {
		return fail.Malformed("note", msg)
	}
	if utf8.RuneCountInString(*note) > 200 {
		return fail.Malformed("note", "备注不能超过 200 个字")
	}
	return nil
}

// Pay records a month's dues. A month already paid is a conflict (409), so
// a double submission never pays twice.
func Pay(ctx context.Context, d *core.Deps, p *auth.Principal, in PayInput) (*Payment, error) {
	var out *Payment
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = pay(ctx, d, tx, p, in)
		return err
	})
	return out, err
}

// pay records a payment in the caller's transaction: the member first (out
// of scope is a 404 whatever else is wrong), then the month and amount.
func pay(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, in PayInput) (*Payment, error) {
	pr, err := person(ctx, tx, p, in.PersonID)
	if err != nil {
		return nil, err
	}
	m, paid, err := checkPay(&in, civil.Today(d.Now()))
	if err != nil {
		return nil, err
	}
	if pr.JoinDate != "" && pr.JoinDate > m.Last() {
		r := RuleOf(RuleFromJoin)
		return nil, fail.Rule(r.ID, r.Citation, fmt.Sprintf("%s于 %s 经支部大会通过接收为预备党员，%s，%s无需交纳", pr.Name, pr.JoinDate, r.Title, m.Chinese()))
	}
	b, err := baseOf(ctx, tx, in.PersonID, m.Year)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fail.Refused("no_base", fmt.Sprintf("请先核定%s %d 年的党费基数", pr.Name, m.Year))
	}
	if in.AmountFen == 0 {
		in.AmountFen = b.AmountFen
	}
	if in.AmountFen < b.AmountFen || in.AmountFen > 100000000 {
		return nil, fail.Malformed("amount_fen", fmt.Sprintf("交纳金额不能少于应交的 %s 元，也不能超过 100 万元", Yuan(b.AmountFen)))
	}
	if in.AmountFen == 0 {
		return nil, fail.NotAllowed("month", fmt.Sprintf("%s %d 年经批准免交党费，无需登记交纳", pr.Name, m.Year))
	}
	pay := Payment{PersonID: in.PersonID, OrgID: pr.OrgID, Year: m.Year, Month: m.Month, AmountFen: in.AmountFen,
		PaidOn: paid.String(), Proxy: in.Proxy, Note: in.Note}
	pay.BackPay = MonthOf(paid).index() > m.index()
	pay.ID, err = db.InsertID(ctx, tx, `INSERT INTO dues_payments (person_id, org_id, year, month, amount_fen, paid_on, proxy, note, created_at)
		VALUES (?,?,?,?,?,?,?,?,?)`, pay.PersonID, pay.OrgID, pay.Year, pay.Month, pay.AmountFen, pay.PaidOn, db.Int(pay.Proxy), pay.Note, d.Now().UnixMilli())
	if db.IsUnique(err) {
		return nil, fail.Conflict(fmt.Sprintf("%s%s的党费已经交纳，请勿重复提交", pr.Name, m.Chinese()))
	} else if err != nil {
		return nil, err
	}
	err = d.Audit.Write(ctx, tx, audit.Event{Action: "dues.pay", ObjectType: "dues_payment", ObjectID: strconv.FormatInt(pay.ID, 10),
		Detail: audit.Change{After: pay}})
	return &pay, err
}

// baseOf is a member's base for a year, nil when none is set.
func baseOf(ctx context.Context, q db.Querier, personID int64, year int) (*Base, error) {
	b, err := scanBase(q.QueryRowContext(ctx, "SELECT "+baseCols+" FROM dues_bases WHERE person_id = ? AND year = ?", personID, year))
	if db.IsNoRows(err) {
		return nil, nil
	}
	return b, err
}

// Status of a member's month in the ledger.
const (
	Paid    = "paid"
	Unpaid  = "unpaid"
	Waived  = "waived"  // reduced to nothing with approval
	NoBase  = "no_base" // the year's base is not yet set
	NotDue  = "not_due" // before the 支部大会 passed them
	Overdue = "overdue" // unpaid and beyond the back-pay window
)

var statusLabels = map[string]string{Paid: "已交", Unpaid: "未交", Waived: "免交", NoBase: "未核定基数", NotDue: "无需交纳", Overdue: "未交（已超补缴期）"}

// StatusLabel is the Chinese name of a ledger status.
func StatusLabel(s string) string { return statusLabels[s] }

// Filter selects a month of the ledger.
type Filter struct {
	OrgID   int64
	Year    int
	Month   int
	Status  string // paid, unpaid (incl. no base), waived, or empty
	Page    int
	PerPage int
}

func (f *Filter) norm(today civil.Date) error {
	if f.Year == 0 {
		f.Year = today.Year()
	}
	if f.Month == 0 {
		f.Month = int(today.Month())
	}
	if err := checkMonth(Month{f.Year, f.Month}); err != nil {
		return err
	}
	if f.Status != "" && f.Status != Paid && f.Status != Unpaid && f.Status != Waived {
		return fail.Malformed("status", "交纳状态应为 paid（已交）、unpaid（未交）或 waived（免交）")
	}
	return normPage(&f.Page, &f.PerPage)
}

// Row is one member's month in the ledger.
type Row struct {
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	PartyStatus string `json:"party_status"`
	JoinDate    string `json:"join_date"`
	Year        int    `json:"year"`
	Month       int    `json:"month"`
	BaseFen     int64  `json:"base_fen"`
	Kind        string `json:"kind"`
	DueFen      int64  `json:"due_fen"`
	Reduced     bool   `json:"reduced"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	PaidFen     int64  `json:"paid_fen"`
	PaidOn      string `json:"paid_on"`
	Proxy       bool   `json:"proxy"`
	BackPay     bool   `json:"back_pay"`
}

// Totals sum a month of the ledger.
type Totals struct {
	Members int   `json:"members"`
	Paid    int   `json:"paid"`
	Unpaid  int   `json:"unpaid"`
	DueFen  int64 `json:"due_fen"`
	PaidFen int64 `json:"paid_fen"`
}

// The ledger's status, in SQL: b is the year's base, y the month's payment.
const statusSQL = `CASE WHEN y.id IS NOT NULL THEN 'paid' WHEN b.id IS NULL THEN 'no_base' WHEN b.amount_fen = 0 THEN 'waived' ELSE 'unpaid' END`

const ledgerFrom = ` FROM persons p JOIN orgs o ON o.id = p.org_id
	LEFT JOIN dues_bases b ON b.person_id = p.id AND b.year = ?
	LEFT JOIN dues_payments y ON y.person_id = p.id AND y.year = ? AND y.month = ?`

// where is the ledger's condition for f within s; args follow ledgerFrom's.
func (f Filter) where(s scope.Subtree) (string, []any) {
	w, sargs := s.Where("o.path")
	args := append([]any{f.Year, f.Year, f.Month}, sargs...)
	conds := []string{w, member.PartyMember("p.status"), "(p.join_date IS NULL OR p.join_date <= ?)"}
	args = append(args, Month{f.Year, f.Month}.Last())
	switch f.Status {
	case Paid:
		conds = append(conds, "y.id IS NOT NULL")
	case Unpaid:
		conds = append(conds, "y.id IS NULL AND (b.id IS NULL OR b.amount_fen > 0)")
	case Waived:
		conds = append(conds, "y.id IS NULL AND b.amount_fen = 0")
	}
	return strings.Join(conds, " AND "), args
}

// Ledger returns a page of a month's ledger in p's scope (narrowed to
// f.OrgID; outside the scope is a 404), the number of rows, and the totals
// of the whole selection.
func Ledger(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) ([]*Row, Totals, error) {
	var t Totals
	if err := f.norm(civil.Today(d.Now())); err != nil {
		return nil, t, err
	}
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, t, err
	}
	w, args := f.where(s)
	if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN y.id IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN y.id IS NULL AND (b.id IS NULL OR b.amount_fen > 0) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(b.amount_fen), 0), COALESCE(SUM(y.amount_fen), 0)`+ledgerFrom+" WHERE "+w, args...).
		Scan(&t.Members, &t.Paid, &t.Unpaid, &t.DueFen, &t.PaidFen); err != nil {
		return nil, t, err
	}
	rows, err := ledgerRows(ctx, d.DB, f, w+" ORDER BY o.path, p.pinyin, p.id LIMIT ? OFFSET ?", append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	return rows, t, err
}

// LedgerAll returns every row of a month's ledger (for the export).
func LedgerAll(ctx context.Context, d *core.Deps, p *auth.Principal, f Filter) ([]*Row, error) {
	if err := f.norm(civil.Today(d.Now())); err != nil {
		return nil, err
	}
	s, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := f.where(s)
	return ledgerRows(ctx, d.DB, f, w+" ORDER BY o.path, p.pinyin, p.id", args...)
}

func ledgerRows(ctx context.Context, q db.Querier, f Filter, tail string, args ...any) ([]*Row, error) {
	rs, err := q.QueryContext(ctx, `SELECT p.id, p.name, o.id, o.name, p.status, COALESCE(p.join_date, ''),
		COALESCE(b.base_fen, 0), COALESCE(b.kind, ''), COALESCE(b.amount_fen, 0), COALESCE(b.standard_fen, 0),
		`+statusSQL+`, COALESCE(y.amount_fen, 0), COALESCE(y.paid_on, ''), COALESCE(y.proxy, 0)`+ledgerFrom+" WHERE "+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	m := Month{f.Year, f.Month}
	out := []*Row{}
	for rs.Next() {
		r := Row{Year: f.Year, Month: f.Month}
		var std int64
		var proxy int
		if err := rs.Scan(&r.PersonID, &r.Name, &r.OrgID, &r.OrgName, &r.PartyStatus, &r.JoinDate, &r.BaseFen, &r.Kind, &r.DueFen, &std,
			&r.Status, &r.PaidFen, &r.PaidOn, &proxy); err != nil {
			return nil, err
		}
		r.Proxy, r.Reduced = proxy == 1, r.DueFen < std
		if r.PaidOn != "" {
			r.BackPay = r.PaidOn > m.Last()
		}
		r.PartyStatus = member.StatusLabel(r.PartyStatus)
		r.StatusLabel = StatusLabel(r.Status)
		out = append(out, &r)
	}
	return out, rs.Err()
}
