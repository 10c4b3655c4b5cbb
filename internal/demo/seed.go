// Package demo seeds an empty database with a realistic demo bureau (西安市
// 公安局: a 市局党委, its 机关党委, ten 分局党委, about a hundred branches and
// about 6,000 people in every party status) and, for benchmarks, with as
// many people as asked.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/rules"
)

// Size is the number of people of the demo bureau.
const Size = 6000

// ErrNotEmpty is returned, with nothing changed, when organisations exist.
var ErrNotEmpty = errors.New("数据库中已有组织数据，不再生成演示数据")

// Options of a seeding.
type Options struct {
	Seed    uint64 // the same seed (and day) gives the same bureau
	Members int    // people to generate; 0 means Size
	// History writes each person's dated party history (person_events);
	// benchmark datasets may leave it out to load faster.
	History bool
	// Password of every demo account; empty: a generated one, printed to Log.
	Password string
	Log      io.Writer // progress; nil is silent
}

// Result says what a seeding made.
type Result struct {
	Orgs, People, Events, Accounts int
	Password                       string
	Took                           time.Duration
}

// Seed fills an empty database with the demo bureau, in one transaction.
func Seed(ctx context.Context, d *core.Deps, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Members <= 0 {
		opts.Members = Size
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	var n int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	today := civil.Today(d.Now())
	s := &seeder{Deps: d, g: newGen(opts.Seed, today), today: today, opts: opts, now: d.Now().UnixMilli(), res: &Result{}}
	s.orgs = withGroups(tree(today, extraBranches(opts.Members)))
	if err := s.password(); err != nil {
		return nil, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: Recorder})
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		s.tx = tx
		for _, step := range []func(context.Context) error{s.insertOrgs, s.insertPeople, s.insertCommittees, s.insertAccounts} {
			if err := step(ctx); err != nil {
				return err
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "demo.seed", ObjectType: "system",
			Detail: map[string]int{"orgs": s.res.Orgs, "people": s.res.People, "events": s.res.Events, "accounts": s.res.Accounts}})
	})
	if err != nil {
		return nil, err
	}
	s.res.Took = time.Since(start)
	return s.res, nil
}

// baseBranches is about how many branches hold people in the demo tree;
// larger datasets get numbered extra branches of about 52 people each.
const baseBranches = 110

func extraBranches(members int) int {
	return max(0, members/52-baseBranches)
}

type seeder struct {
	*core.Deps
	tx    *db.Tx
	g     *gen
	today civil.Date
	opts  Options
	now   int64
	res   *Result
	orgs  []orgSpec
	hash  string
	// cands are the 正式党员 of each org (index), 民警 first, for committees.
	cands map[int][]int64
	// full counts each org's 正式党员.
	full map[int]int
	// members are the person ids of member accounts, with their names.
	members []memberAccount
}

type memberAccount struct {
	id   int64
	name string
}

func (s *seeder) password() error {
	pw := s.opts.Password
	if pw == "" {
		pw = "Demo-" + crypto.RandomToken(5) + "!"
		// Shown only here: without it nobody could log in.
		if _, err := fmt.Fprintf(s.opts.Log, "\n演示账号的统一初始密码（只显示这一次）: %s\n\n", pw); err != nil {
			return err
		}
	}
	for _, o := range s.orgs {
		if o.slug == "" {
			continue
		}
		if err := auth.CheckPolicy(pw, o.slug, auth.DefaultPolicy.MinLength); err != nil {
			return fmt.Errorf("演示账号密码（HONGDUN_DEMO_PASSWORD）不符合密码策略: %w", err)
		}
	}
	s.res.Password, s.hash = pw, auth.HashPassword(pw)
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// term decides an organisation's current term.
func (s *seeder) term(o *orgSpec) {
	years := termYears(o.kind)
	if years == 0 {
		return
	}
	var start, end civil.Date
	switch o.special {
	case expiring:
		end = s.today.AddMonths(s.g.intn(2, 5))
		start = end.AddYears(-years)
	case expired:
		end = s.today.AddMonths(-2)
		start = end.AddYears(-years)
	default:
		start = s.today.AddMonths(-s.g.intn(2, years*12-8))
		end = start.AddYears(years)
	}
	o.termStart, o.termEnd = start.String(), end.String()
}

func (s *seeder) insertOrgs(ctx context.Context) error {
	for i := range s.orgs {
		o := &s.orgs[i]
		s.term(o)
		var parent any
		path := "/"
		if o.parent >= 0 {
			parent, path = s.orgs[o.parent].id, s.orgs[o.parent].path
		}
		id, err := db.InsertID(ctx, s.tx, `INSERT INTO orgs (parent_id, name, short_name, kind, can_approve, path, sort, task, ends_on, term_start, term_end, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, parent, o.name, o.short, o.kind, db.Int(o.approve), "", i, o.task, nullStr(o.endsOn),
			nullStr(o.termStart), nullStr(o.termEnd), s.now, s.now)
		if err != nil {
			return err
		}
		o.id, o.path = id, path+strconv.FormatInt(id, 10)+"/"
		if _, err := s.tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", o.path, id); err != nil {
			return err
		}
		if _, err := s.tx.ExecContext(ctx, "INSERT INTO org_history (org_id, at, action, detail) VALUES (?,?,?,?)",
			id, s.now, "create", "演示数据：设立「"+o.name+"」"); err != nil {
			return err
		}
	}
	s.res.Orgs = len(s.orgs)
	return nil
}

// headcounts splits the people over the organisations that hold them.
func (s *seeder) headcounts() map[int][]string {
	out := map[int][]string{}
	rest, total := s.opts.Members, 0.0
	for i, o := range s.orgs {
		switch o.special {
		case few:
			out[i] = []string{"full", "full", "probationary", "activist", "applicant"}
		case big:
			st := make([]string, 0, 73)
			for range 64 {
				st = append(st, "full")
			}
			for range 8 {
				st = append(st, "deceased")
			}
			out[i] = append(st, "transferred")
		}
		rest -= len(out[i])
		total += o.weight
	}
	// Cumulative rounding makes the shares add up to exactly rest.
	cum, done := 0.0, 0
	for i, o := range s.orgs {
		if o.weight == 0 || o.special == big {
			continue
		}
		cum += o.weight
		k := int(math.Round(float64(rest)*cum/total)) - done
		done += k
		st := make([]string, k)
		members := 0
		for j := range st {
			st[j] = s.g.status()
			// Keep ordinary branches within 50 党员: the surplus moved away.
			if st[j] == "full" || st[j] == "probationary" {
				if members++; members > 46 {
					st[j] = "transferred"
				}
			}
		}
		out[i] = st
	}
	return out
}

// insertPeople generates everyone, branch by branch, in batches.
func (s *seeder) insertPeople(ctx context.Context) error {
	s.cands, s.full = map[int][]int64{}, map[int]int{}
	counts := s.headcounts()
	var batch []member.Person
	var at []int // org index of each person in batch
	var events [][]any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ids, err := member.InsertMany(ctx, s.tx, s.Keys, batch)
		if err != nil {
			return err
		}
		for k, id := range ids {
			p := &batch[k]
			if p.Status == "full" {
				i := at[k]
				s.full[i]++
				if len(s.cands[i]) < 12 && (p.Category == "民警" || p.Category == "离退休" || len(s.cands[i]) >= 8) {
					s.cands[i] = append(s.cands[i], id)
				}
				if s.orgs[i].name == "雁塔分局小寨路派出所党支部" && len(s.members) < 5 {
					s.members = append(s.members, memberAccount{id, p.Name})
				}
			}
			if s.opts.History {
				events = append(events, s.history(id, p)...)
			}
		}
		s.res.People += len(ids)
		batch, at = batch[:0], at[:0]
		if len(events) >= 2000 {
			if err := s.insertEvents(ctx, events); err != nil {
				return err
			}
			events = events[:0]
		}
		return nil
	}
	lastReport := 0
	for i := range s.orgs {
		o := &s.orgs[i]
		for _, status := range counts[i] {
			area := s.area(i)
			p := s.g.person(o, o.id, status, area)
			s.flags(&p)
			if errs := member.Validate(&p, s.today); len(errs) > 0 {
				return fmt.Errorf("demo: generated person %s (%s) is invalid: %v", p.Name, status, errs)
			}
			batch, at = append(batch, p), append(at, i)
			if len(batch) == 400 {
				if err := flush(); err != nil {
					return err
				}
				if s.res.People-lastReport >= 100000 {
					lastReport = s.res.People
					_, _ = fmt.Fprintf(s.opts.Log, "已生成 %d 人…\n", s.res.People) // progress only
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return s.insertEvents(ctx, events)
}

// area is the 行政区划代码 for a person of org i: mostly their district's.
func (s *seeder) area(i int) string {
	for j := i; j >= 0; j = s.orgs[j].parent {
		for _, d := range districts {
			if s.orgs[j].slug == d.slug && s.g.chance(0.7) {
				return d.area
			}
		}
	}
	if s.g.chance(0.2) {
		return s.g.of(otherAreas)
	}
	return districts[s.g.r.IntN(len(districts))].area
}

// flags makes a few 正式党员 流动党员 or 失联, and the 停止党籍 失联 for
// longer than R-suspend's months before it, the ground they were stopped on.
func (s *seeder) flags(p *member.Person) {
	if p.Status == "suspended" {
		months := rules.Default("R-suspend").Value("months")
		p.LostContact, p.LostSince = true, civil.MustParse(p.LeftDate).AddMonths(-months-1).String()
		return
	}
	if p.Status != "full" {
		return
	}
	switch {
	case p.Category == "离退休" && s.g.chance(0.05), p.Category != "民警" && s.g.chance(0.01):
		p.Mobile, p.MobilePlace = true, s.g.of(mobilePlaces)
	case p.Category != "民警" && p.Category != "离退休" && s.g.chance(0.003):
		p.LostContact, p.LostSince = true, s.g.daysAgo(200, 700).String()
	}
}

// history lists the person_events rows of a generated person.
func (s *seeder) history(id int64, p *member.Person) [][]any {
	var rows [][]any
	add := func(kind, on, note string) {
		if on != "" {
			rows = append(rows, []any{id, kind, on, note, s.now})
		}
	}
	add("apply", p.ApplyDate, "")
	add("activist", p.ActivistDate, "")
	add("candidate", p.CandidateDate, "")
	add("join", p.JoinDate, "")
	add("full", p.FullDate, "")
	switch p.Status {
	case "suspended":
		add("suspend", p.LeftDate, "失去联系六个月以上，经多方查找仍无法取得联系，经支部大会讨论停止党籍")
	case "transferred":
		add("transfer_out", p.LeftDate, "工作调动，组织关系转出")
	case "deceased":
		add("death", p.LeftDate, "因病去世")
	}
	if p.Mobile {
		add("mobile", s.g.between(civil.MustParse(p.FullDate), s.today).String(), p.MobilePlace)
	}
	if p.LostContact {
		add("lost", p.LostSince, "")
	}
	return rows
}

func (s *seeder) insertEvents(ctx context.Context, rows [][]any) error {
	const per = 500
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(start+per, len(rows))]
		q := "INSERT INTO person_events (person_id, kind, on_date, note, created_at) VALUES "
		args := make([]any, 0, len(part)*5)
		for k, r := range part {
			if k > 0 {
				q += ","
			}
			q += "(?,?,?,?,?)"
			args = append(args, r...)
		}
		if _, err := s.tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		s.res.Events += len(part)
	}
	return nil
}
