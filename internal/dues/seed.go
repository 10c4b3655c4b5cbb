package dues

import (
	"context"
	"hongdun/internal/demo"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// demoMember is one party member of the demo bureau as the seed needs them.
type demoMember struct {
	id, org              int64
	name, category, join string
}

// SeedDemo gives the demo bureau a year of dues: a base for last year and
// this year for every party member (离退休 on the retired table, a few at
// 0.2 元, salaries on both sides of 3000, 5000 and 10000 元), and every month
// of the last twelve paid — some by proxy (代缴), some late (补缴) — except
// for a few members 3, 5 and 6 months behind, whose warnings reach the 待办.
// It does nothing when any base exists.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "dues_bases"); seeded || err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	cur := MonthOf(today)
	first := cur.Add(-12)
	ms, err := demoMembers(ctx, d.DB)
	if err != nil {
		return err
	}
	bs, err := Brackets(ctx, d.DB)
	if err != nil {
		return err
	}
	ix, err := org.All(ctx, d.DB)
	if err != nil {
		return err
	}
	now := d.Now().UnixMilli()
	payments := 0
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		bases := &batch{tx: tx, table: "dues_bases (person_id, year, kind, base_fen, standard_fen, amount_fen, reduction_approval, created_at, updated_at)"}
		pays := &batch{tx: tx, table: "dues_payments (person_id, org_id, year, month, amount_fen, paid_on, proxy, note, created_at)"}
		for i, m := range ms {
			kind, base := demoBase(i, m)
			due := map[int]int64{}
			for y := first.Year; y <= cur.Year; y++ {
				std, _ := Amount(bs, kind, base)
				amount, note := std, ""
				if y == cur.Year {
					var err error
					if amount, note, err = demoReduce(ctx, d, tx, ix, i, m, y, std); err != nil {
						return err
					}
				}
				due[y] = amount
				if err := bases.add(ctx, m.id, y, kind, base, std, amount, note, now, now); err != nil {
					return err
				}
			}
			behind := demoBehind(i)
			for mo := first; mo.index() <= cur.index(); mo = mo.Add(1) {
				if m.join != "" && m.join > mo.Last() || due[mo.Year] == 0 {
					continue
				}
				paid, note := demoPaidOn(i, mo, cur, behind, today)
				if paid.IsZero() {
					continue
				}
				proxy := 0
				if i%11 == 3 {
					proxy, note = 1, "家属代缴"
				}
				if err := pays.add(ctx, m.id, m.org, mo.Year, mo.Month, due[mo.Year], paid.String(), proxy, note, now); err != nil {
					return err
				}
				payments++
			}
		}
		if err := bases.flush(ctx); err != nil {
			return err
		}
		if err := pays.flush(ctx); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "dues.demo_seed", ObjectType: "system",
			Detail: map[string]any{"members": len(ms), "payments": payments}})
	})
	if err != nil {
		return err
	}
	return Sync(ctx, d)
}

func demoMembers(ctx context.Context, q db.Querier) ([]demoMember, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, org_id, name, category, COALESCE(join_date, '') FROM persons WHERE "+member.PartyMember("status")+" ORDER BY id")
	return db.Collect(rows, err, func(r db.Scanner) (m demoMember, err error) {
		err = r.Scan(&m.id, &m.org, &m.name, &m.category, &m.join)
		return m, err
	})
}

// demoBase is the kind and base (分) of the i-th member: salaries spread
// by category, a few exactly on the bracket boundaries.
func demoBase(i int, m demoMember) (string, int64) {
	if i%101 == 50 {
		return Low, 0
	}
	if boundary := []int64{300000, 500000, 1000000}; i%89 < len(boundary) {
		if m.category == "离退休" {
			return Retired, 500000
		}
		return Service, boundary[i%89]
	}
	spread := int64(i*7919%1000) * 100 // 0 to 999 元, in 分
	switch m.category {
	case "离退休":
		return Retired, 380000 + spread*2 // 3800 to 5798 元
	case "辅警":
		return Service, 260000 + spread*2 // 2600 to 4598 元
	case "职工":
		return Service, 350000 + spread*3
	}
	return Service, 520000 + spread*7 // 民警: 5200 to 12193 元
}

// demoReasons are the hardships of the demo reductions.
var demoReasons = []string{"配偶重病住院，家庭医疗支出大，收入难以维持基本生活", "本人因公负伤长期治疗，仅领取基本生活费",
	"家中老人和子女均需照料，配偶失业，家庭人均收入低于当地最低生活保障标准", "遭受自然灾害，住房受损，正在重建"}

// demoReduce gives the i-th member this year's hardship reduction, if the
// demo has one for them: a few approved (免交, or half), a few waiting for
// the 党委 (with their 待办) and a few refused. It returns the year's
// amount and the approval note.
func demoReduce(ctx context.Context, d *core.Deps, tx *db.Tx, ix org.Index, i int, m demoMember, year int, std int64) (int64, string, error) {
	state, amount := "", std/2
	switch i % 500 {
	case 120:
		state = Approved
	case 250:
		state, amount = Approved, 0
	case 370:
		state = Pending
	case 440:
		state = Refused
	default:
		return std, "", nil
	}
	approver := ix.Approver(m.org)
	if approver == nil || std == 0 {
		return std, "", nil
	}
	decided, answeredOn := civil.New(year, 1, 10), civil.New(year, 1, 20).String()
	var answered any
	answer, by := "", ""
	switch state {
	case Approved:
		answered, by = answeredOn, demo.Recorder
	case Refused:
		answered, by, answer = answeredOn, demo.Recorder, "家庭收入高于困难标准，不符合减免条件"
	}
	id, err := db.InsertID(ctx, tx, `INSERT INTO dues_reductions (person_id, org_id, approver_id, year, standard_fen, amount_fen, reason_enc,
		decided_on, state, answer, answered_on, answered_by, requested_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		m.id, m.org, approver.ID, year, std, amount, d.Keys.Seal(demoReasons[i%len(demoReasons)]), decided.String(), state, answer, answered,
		by, demo.Recorder, d.Now().UnixMilli(), d.Now().UnixMilli())
	if err != nil {
		return 0, "", err
	}
	switch state {
	case Approved:
		return amount, approvalNote(approver.Name, answeredOn), nil
	case Pending:
		err = postReduction(ctx, tx, &Reduction{ID: id, PersonID: m.id, PersonName: m.name, OrgName: ix[m.org].Name, ApproverID: approver.ID,
			Year: year, AmountFen: amount})
	}
	return std, "", err
}

// demoBehind is how many months up to last month the i-th member has not
// paid: a few are 3, 5 or 6 months behind.
func demoBehind(i int) int {
	switch i % 397 {
	case 7, 211:
		return 3
	case 101:
		return 5
	case 300:
		return 6
	}
	return 0
}

// demoPaidOn is the day the i-th member paid month mo (zero: unpaid) and
// its note: on a day early in the month, the month before last late (补缴)
// for some, this month only once its day has come.
func demoPaidOn(i int, mo, cur Month, behind int, today civil.Date) (civil.Date, string) {
	if behind > 0 && mo.index() >= cur.index()-behind {
		return civil.Date{}, ""
	}
	day := civil.New(mo.Year, 1, 1).AddMonths(mo.Month - 1).AddDays(2 + i%12)
	note := ""
	if i%23 == 4 && mo.index() == cur.index()-2 {
		day, note = day.AddMonths(1), "经支部同意补缴"
	}
	if day.After(today) {
		return civil.Date{}, ""
	}
	return day, note
}

// batch inserts rows a few hundred at a time.
type batch struct {
	tx    *db.Tx
	table string
	rows  [][]any
}

func (b *batch) add(ctx context.Context, vals ...any) error {
	if b.rows = append(b.rows, vals); len(b.rows) == 200 {
		return b.flush(ctx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context) error {
	err := db.InsertRows(ctx, b.tx, b.table, b.rows)
	b.rows = b.rows[:0]
	return err
}
