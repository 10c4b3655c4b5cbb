package dues

import (
	"context"
	"fmt"
	"strconv"

	"hongdun/internal/member"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// history is what the warnings and a member's own view need: the months a
// member owes (base set, amount above nothing, since the 支部大会 passed
// them) and the months paid.
type history struct {
	join  string            // 入党 (预备) date, YYYY-MM-DD or empty
	due   map[int]int64     // year → monthly amount
	paid  map[Month]Payment // months paid
	bases map[int]bool      // years with a base
}

// owes reports whether the member owes month m and has not paid it.
func (h *history) owes(m Month) bool {
	if _, ok := h.paid[m]; ok {
		return false
	}
	return (h.join == "" || h.join <= m.Last()) && h.due[m.Year] > 0
}

// unpaidRun is how many consecutive months up to and including last the
// member owes, counting back at most limit months.
func (h *history) unpaidRun(last Month, limit int) int {
	n := 0
	for n < limit && h.owes(last.Add(-n)) {
		n++
	}
	return n
}

// The 待办 of consecutive unpaid months (rules.md §3: 自行脱党 after 6).
const warnSource = "dues.unpaid"

// warning is the 待办 for a run of n unpaid months (counted up to
// LapseMonths), or false below the first of WarnMonths: the 自行脱党 alert
// at LapseMonths, a reminder at each of WarnMonths and after.
func warning(name string, n int) (title, detail, severity string, ok bool) {
	if n >= LapseMonths {
		r := RuleOf(RuleLapse)
		return fmt.Sprintf("%s已连续 %d 个月未交纳党费，可视为自行脱党，请支部核实处理", name, n),
			fmt.Sprintf("%s（%s）", r.Title, r.Citation), "bad", true
	}
	if n < WarnMonths[0] {
		return "", "", "", false
	}
	r := RuleOf(RuleWarn)
	title = fmt.Sprintf("%s已连续 %d 个月未交纳党费，请支部提醒按时交纳", name, n)
	severity = "warn"
	if n >= WarnMonths[len(WarnMonths)-1] {
		title = fmt.Sprintf("%s已连续 %d 个月未交纳党费，请支部谈话提醒（满 %d 个月可视为自行脱党）", name, n, LapseMonths)
		severity = "bad"
	}
	return title, fmt.Sprintf("%s（%s）", r.Title, r.Citation), severity, true
}

// Sync keeps the unpaid-dues 待办 current: for every party member, the run
// of consecutive unpaid months up to last month (this month is not late
// yet) posts a warning at 3 and 5 months and the 自行脱党 alert at 6; paying
// closes it. Only members who owe last month can have a run, so only
// their history is read. Run by App.periodic.
func Sync(ctx context.Context, d *core.Deps) error {
	last := MonthOf(civil.Today(d.Now())).Add(-1)
	first := last.Add(1 - LapseMonths)
	type who struct {
		id, org int64
		name    string
	}
	var people []who
	hs := map[int64]*history{}
	rows, err := d.DB.QueryContext(ctx, `SELECT p.id, p.org_id, p.name, COALESCE(p.join_date, '') FROM persons p
		JOIN dues_bases b ON b.person_id = p.id AND b.year = ? AND b.amount_fen > 0
		WHERE `+member.PartyMember("p.status")+` AND (p.join_date IS NULL OR p.join_date <= ?)
		AND NOT EXISTS (SELECT 1 FROM dues_payments y WHERE y.person_id = p.id AND y.year = ? AND y.month = ?)`,
		last.Year, last.Last(), last.Year, last.Month)
	if err != nil {
		return err
	}
	for rows.Next() {
		var w who
		h := &history{due: map[int]int64{}, paid: map[Month]Payment{}}
		if err := rows.Scan(&w.id, &w.org, &w.name, &h.join); err != nil {
			rows.Close()
			return err
		}
		people, hs[w.id] = append(people, w), h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := 0; i < len(people); i += 500 {
		ids := make([]int64, 0, 500)
		for _, w := range people[i:min(i+500, len(people))] {
			ids = append(ids, w.id)
		}
		in, args := db.In(ids)
		if err := loadHistory(ctx, d.DB, hs, "person_id IN ("+in+")", first, last, args...); err != nil {
			return err
		}
	}
	var items []todo.Item
	for _, w := range people {
		n := hs[w.id].unpaidRun(last, LapseMonths)
		title, rule, sev, ok := warning(w.name, n)
		if !ok {
			continue
		}
		items = append(items, todo.Item{Source: warnSource, Key: "p" + strconv.FormatInt(w.id, 10), OrgID: w.org, PersonID: w.id,
			Title: title, Detail: fmt.Sprintf("%s至%s连续未交纳党费。%s", last.Add(1-n).Chinese(), last.Chinese(), rule),
			Link: fmt.Sprintf("/dues?org=%d&year=%d&month=%d&status=unpaid", w.org, last.Year, last.Month), Severity: sev})
	}
	return todo.SyncPooled(ctx, d.DB, warnSource, items)
}

// loadHistory fills hs (keyed by person) with the bases of the years and
// the payments of the months from first to last, of everyone or of those
// cond (e.g. "person_id = ?", with args) selects.
func loadHistory(ctx context.Context, q db.Querier, hs map[int64]*history, cond string, first, last Month, args ...any) error {
	extra := ""
	if cond != "" {
		extra = " AND " + cond
	}
	years := []any{first.Year, last.Year}
	rows, err := q.QueryContext(ctx, "SELECT person_id, year, amount_fen FROM dues_bases WHERE year >= ? AND year <= ?"+extra, append(years, args...)...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, amount int64
		var year int
		if err := rows.Scan(&id, &year, &amount); err != nil {
			rows.Close()
			return err
		}
		if h := hs[id]; h != nil {
			h.due[year] = amount
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	span := []any{first.Year, first.Year, first.Month, last.Year, last.Year, last.Month}
	rows, err = q.QueryContext(ctx, `SELECT person_id, year, month, amount_fen, paid_on, proxy FROM dues_payments
		WHERE (year > ? OR (year = ? AND month >= ?)) AND (year < ? OR (year = ? AND month <= ?))`+extra, append(span, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p Payment
		var proxy int
		if err := rows.Scan(&p.PersonID, &p.Year, &p.Month, &p.AmountFen, &p.PaidOn, &proxy); err != nil {
			return err
		}
		p.Proxy = proxy == 1
		p.BackPay = p.PaidOn > Month{p.Year, p.Month}.Last()
		if h := hs[p.PersonID]; h != nil {
			h.paid[Month{p.Year, p.Month}] = p
		}
	}
	return rows.Err()
}

// MineMonth is one month of a member's own year.
type MineMonth struct {
	Month       int    `json:"month"`
	DueFen      int64  `json:"due_fen"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	PaidFen     int64  `json:"paid_fen"`
	PaidOn      string `json:"paid_on"`
	Proxy       bool   `json:"proxy"`
}

// Mine is a member's own dues for a year.
type Mine struct {
	Year        int         `json:"year"`
	Name        string      `json:"name"`
	Base        *Base       `json:"base"`
	Months      []MineMonth `json:"months"`
	PaidFen     int64       `json:"paid_fen"`
	UnpaidRun   int         `json:"unpaid_run"` // consecutive unpaid months up to last month
	PaidUpTo    string      `json:"paid_up_to"` // the last month paid, "2026年3月", or empty
	Warning     string      `json:"warning"`
	YearOptions []int       `json:"-"`
}

// Upcoming is a month that has not begun.
const Upcoming = "upcoming"

func init() { statusLabels[Upcoming] = "未到期" }

// MineFor returns a member's own dues for a year.
func MineFor(ctx context.Context, d *core.Deps, personID int64, year int) (*Mine, error) {
	today := civil.Today(d.Now())
	if year == 0 {
		year = today.Year()
	}
	if err := checkMonth(Month{year, 1}); err != nil {
		return nil, err
	}
	pr, err := member.Get(ctx, d.DB, nil, personID)
	if err != nil {
		return nil, err
	}
	cur := MonthOf(today)
	h := &history{join: pr.JoinDate, due: map[int]int64{}, paid: map[Month]Payment{}}
	first := Month{year, 1}
	if cur.Add(-LapseMonths).index() < first.index() {
		first = cur.Add(-LapseMonths)
	}
	if err := loadHistory(ctx, d.DB, map[int64]*history{personID: h}, "person_id = ?", first, Month{year, 12}, personID); err != nil {
		return nil, err
	}
	m := &Mine{Year: year, Name: pr.Name, Months: make([]MineMonth, 12)}
	b, err := scanBase(d.DB.QueryRowContext(ctx, "SELECT "+baseCols+" FROM dues_bases WHERE person_id = ? AND year = ?", personID, year))
	if err == nil {
		m.Base = b
	} else if !db.IsNoRows(err) {
		return nil, err
	}
	for i := range m.Months {
		mo := Month{year, i + 1}
		mm := MineMonth{Month: i + 1, DueFen: h.due[year]}
		pay, paid := h.paid[mo]
		switch {
		case paid:
			mm.Status, mm.PaidFen, mm.PaidOn, mm.Proxy = Paid, pay.AmountFen, pay.PaidOn, pay.Proxy
			m.PaidFen += pay.AmountFen
			m.PaidUpTo = mo.Chinese()
		case mo.index() > cur.index():
			mm.Status = Upcoming
		case pr.JoinDate != "" && pr.JoinDate > mo.Last():
			mm.Status, mm.DueFen = NotDue, 0
		case m.Base == nil:
			mm.Status = NoBase
		case m.Base.AmountFen == 0:
			mm.Status = Waived
		case cur.index()-mo.index() > MaxBackMonths:
			mm.Status = Overdue
		default:
			mm.Status = Unpaid
		}
		mm.StatusLabel = StatusLabel(mm.Status)
		m.Months[i] = mm
	}
	m.UnpaidRun = h.unpaidRun(cur.Add(-1), LapseMonths)
	if m.UnpaidRun >= WarnMonths[0] {
		r := RuleOf(RuleLapse)
		m.Warning = fmt.Sprintf("您已连续 %d 个月未交纳党费，请尽快交纳（%s——%s）", m.UnpaidRun, r.Title, r.Citation)
	}
	for y := today.Year(); y >= today.Year()-2; y-- {
		m.YearOptions = append(m.YearOptions, y)
	}
	return m, nil
}

// PaidThrough is the month up to which a member's dues are paid without a
// gap, as the 介绍信 prints it ("2026年10月"): from the first month the
// ledger records a payment, every month owed (not before the 支部大会
// passed them) is paid or waived, up to the month returned, which is at
// most this month. It is "" when the ledger holds no payment of theirs.
func PaidThrough(ctx context.Context, q db.Querier, personID int64, today civil.Date) (string, error) {
	var year, month int
	err := q.QueryRowContext(ctx, `SELECT year, month FROM dues_payments WHERE person_id = ? ORDER BY year, month LIMIT 1`, personID).Scan(&year, &month)
	if db.IsNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	pr, err := member.Get(ctx, q, nil, personID)
	if err != nil {
		return "", err
	}
	cur := MonthOf(today)
	h := &history{join: pr.JoinDate, due: map[int]int64{}, paid: map[Month]Payment{}}
	if err := loadHistory(ctx, q, map[int64]*history{personID: h}, "person_id = ?", Month{year, month}, cur, personID); err != nil {
		return "", err
	}
	through := Month{year, month}
	for m := through.Add(1); m.index() <= cur.index(); m = m.Add(1) {
		_, paid := h.paid[m]
		_, based := h.due[m.Year]
		if !paid && (!based || h.owes(m)) {
			break // unpaid, or no base to say it was not owed
		}
		through = m // paid, or waived
	}
	return through.Chinese(), nil
}
