package strong

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/branchfacts"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/confirm"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Round states and entry states.
const (
	Open   = "open"
	Closed = "closed"

	Draft     = "draft"     // 待自评
	Submitted = "submitted" // 已自评，待审核
	Reviewed  = "reviewed"  // 已审核
)

var stateLabels = map[string]string{Open: "评定中", Closed: "已公布", Draft: "待自评", Submitted: "已自评，待审核", Reviewed: "已审核"}

// StateLabel names a round or entry state.
func StateLabel(s string) string { return stateLabels[s] }

// Round is a bureau's yearly round.
type Round struct {
	ID         int64  `json:"id"`
	BureauID   int64  `json:"bureau_id"`
	Year       int    `json:"year"`
	SystemID   int64  `json:"system_id"`
	SelfDue    string `json:"self_due"`
	ReviewDue  string `json:"review_due"`
	State      string `json:"state"`
	StateLabel string `json:"state_label"`
	ComputedAt int64  `json:"computed_at"`
	ClosedOn   string `json:"closed_on,omitempty"`
	Version    int    `json:"version"`
}

const roundCols = "id, bureau_id, year, system_id, self_due, review_due, state, computed_at, COALESCE(closed_on, ''), version"

func scanRound(s interface{ Scan(...any) error }) (*Round, error) {
	var r Round
	err := s.Scan(&r.ID, &r.BureauID, &r.Year, &r.SystemID, &r.SelfDue, &r.ReviewDue, &r.State, &r.ComputedAt, &r.ClosedOn, &r.Version)
	r.StateLabel = StateLabel(r.State)
	return &r, err
}

// RoundOf returns the bureau's round of a year; nil when it has none.
func RoundOf(ctx context.Context, q db.Querier, bureau int64, year int) (*Round, error) {
	r, err := scanRound(q.QueryRowContext(ctx, "SELECT "+roundCols+" FROM strong_rounds WHERE bureau_id = ? AND year = ?", bureau, year))
	if db.IsNoRows(err) {
		return nil, nil
	}
	return r, err
}

// RoundInput opens a round. Expect is the fingerprint of the preview the
// bureau's officer confirmed (PlanRound).
type RoundInput struct {
	Year      int    `json:"year"`
	SelfDue   string `json:"self_due"`
	ReviewDue string `json:"review_due"`
	Expect    string `json:"expect,omitempty"`
}

// RoundPlan is what opening a round would do, shown before it is done: an
// entry and a 待办 for each live branch, grouped by the unit under the
// bureau it belongs to, scored on the year's system.
type RoundPlan struct {
	Year      int         `json:"year"`
	SelfDue   string      `json:"self_due"`
	ReviewDue string      `json:"review_due"`
	Branches  int         `json:"branches"`
	Units     []RoundUnit `json:"units"`
	Items     int         `json:"items"` // of the year's system
	Expect    string      `json:"expect"`
}

// RoundUnit is how many branches of a plan one unit under the bureau has.
type RoundUnit struct {
	Name     string `json:"name"`
	Branches int    `json:"branches"`
}

// PlanRound checks a round's input and works out what opening it would do,
// changing nothing (the whole bureau's 党务管理员).
func PlanRound(ctx context.Context, d *core.Deps, q db.Querier, p *auth.Principal, in RoundInput) (*RoundPlan, error) {
	if !org.BureauAdmin(p) {
		return nil, fail.Denied("not_bureau", "最强党支部年度评定由市局党务管理员启动")
	}
	today := civil.Today(d.Now())
	if err := checkYear(in.Year, today); err != nil {
		return nil, err
	}
	self, err := dateField("self_due", "自评截止日期", in.SelfDue)
	if err != nil {
		return nil, err
	}
	review, err := dateField("review_due", "审核截止日期", in.ReviewDue)
	if err != nil {
		return nil, err
	}
	if self.Before(today) {
		return nil, fail.NotAllowed("self_due", "自评截止日期不能早于今天")
	}
	if review.Before(self) {
		return nil, fail.NotAllowed("review_due", "审核截止日期不能早于自评截止日期")
	}
	root := scope.Of(p).Root()
	sys, err := SystemOf(ctx, q, bureauOf(root), in.Year)
	if err != nil {
		return nil, err
	}
	orgs, err := org.Subtree(ctx, q, scope.Under(root))
	if err != nil {
		return nil, err
	}
	pl := &RoundPlan{Year: in.Year, SelfDue: self.String(), ReviewDue: review.String(), Items: len(sys.Items())}
	unitOf := map[int64]string{} // organisation → the unit under the bureau holding it
	inBranch := map[int64]bool{}
	at := map[string]int{}
	var ids []int64
	for _, o := range orgs { // parents come first
		unitOf[o.ID] = unitOf[o.ParentID]
		if o.ParentID != 0 && unitOf[o.ParentID] == "" {
			unitOf[o.ID] = o.Name // right under the bureau
		}
		if inBranch[o.ParentID] {
			inBranch[o.ID] = true
			continue
		}
		if !branchfacts.Branch(o.Kind) || o.Dissolved() {
			continue
		}
		inBranch[o.ID] = true
		ids = append(ids, o.ID)
		u := unitOf[o.ID]
		if _, ok := at[u]; !ok {
			at[u] = len(pl.Units)
			pl.Units = append(pl.Units, RoundUnit{Name: u})
		}
		pl.Units[at[u]].Branches++
	}
	pl.Branches = len(ids)
	pl.Expect = confirm.Print(pl.Year, pl.SelfDue, pl.ReviewDue, ids)
	return pl, nil
}

// OpenRound starts a year's round (the whole bureau's 党务管理员) as its
// preview showed it: the year's system is fixed (the one it would start
// from is stored and frozen), every live branch gets an entry, computed
// items are scored at once.
func OpenRound(ctx context.Context, d *core.Deps, p *auth.Principal, in RoundInput) (*Round, error) {
	today := civil.Today(d.Now())
	bureau := bureauOf(scope.Of(p).Root())
	var r *Round
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		pl, err := PlanRound(ctx, d, tx, p, in)
		if err != nil {
			return err
		}
		if err := confirm.Check(in.Expect, pl.Expect, "要建立评定记录的党支部"); err != nil {
			return err
		}
		self, review := civil.MustParse(pl.SelfDue), civil.MustParse(pl.ReviewDue)
		if r, err = openRound(ctx, d, tx, bureau, in.Year, self, review, p.Username); err != nil {
			return err
		}
		if err := Recompute(ctx, d, tx, r, today); err != nil {
			return err
		}
		if err := syncTodos(ctx, tx, today); err != nil {
			return err
		}
		in.Expect = ""
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.round.open", ObjectType: "strong_round", ObjectID: fmt.Sprint(r.ID),
			Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// openRound stores the round and freezes its system.
func openRound(ctx context.Context, d *core.Deps, tx *db.Tx, bureau int64, year int, self, review civil.Date, by string) (*Round, error) {
	sys, err := SystemOf(ctx, tx, bureau, year)
	if err != nil {
		return nil, err
	}
	if sys.ID == 0 {
		if sys.ID, err = saveSystem(ctx, d, tx, bureau, year, sys, sys); err != nil {
			return nil, err
		}
	}
	now := d.Now().UnixMilli()
	id, err := db.InsertID(ctx, tx, `INSERT INTO strong_rounds (bureau_id, year, system_id, self_due, review_due, state, created_by, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?)`, bureau, year, sys.ID, self.String(), review.String(), Open, by, now, now)
	if db.IsUnique(err) {
		return nil, fail.Conflict(fmt.Sprintf("%d 年度的最强党支部评定已经启动，无需重复启动", year))
	}
	if err != nil {
		return nil, err
	}
	return scanRound(tx.QueryRowContext(ctx, "SELECT "+roundCols+" FROM strong_rounds WHERE id = ?", id))
}

// dateField reads a required civil date.
func dateField(field, label, v string) (civil.Date, error) {
	d, err := civil.Parse(strings.TrimSpace(v))
	if err != nil {
		return d, fail.Malformed(field, "请按“年-月-日”填写"+label+"，如 2026-11-30")
	}
	return d, nil
}

// Recompute brings the computed items of every entry not yet reviewed up
// to date with the platform's records, adds entries for branches set up
// since, and re-totals them, all in tx (opening a round). A closed round
// never changes.
func Recompute(ctx context.Context, d *core.Deps, tx *db.Tx, r *Round, today civil.Date) error {
	if r.State == Closed {
		return nil
	}
	facts, err := roundFacts(ctx, tx, r, today)
	if err != nil {
		return err
	}
	p, err := planMarks(ctx, tx, r, facts)
	if err != nil {
		return err
	}
	_, err = p.write(ctx, d, tx)
	return err
}

// roundFacts reads the facts of the round's branches. Read on the pool
// before the transaction that writes them (the hourly job, a recompute
// asked for), they come from the figures kept per organisation and leave
// the writer to others: at a million people, gathered inside the
// transaction they held it for seconds.
func roundFacts(ctx context.Context, q db.Querier, r *Round, today civil.Date) ([]branchfacts.Facts, error) {
	path, err := org.PathOf(ctx, q, r.BureauID)
	if err != nil {
		return nil, err
	}
	tree, err := org.ReadOrgs(ctx, q, scope.Under(path))
	if err != nil {
		return nil, err
	}
	return branchfacts.Gather(ctx, q, tree, r.Year, today, branchfacts.All)
}

// markPlan is a round's recompute worked out from its branches' facts and
// its entries as read (on the pool for the hourly job): the entries whose
// computed marks or totals move, and the branches without an entry yet.
type markPlan struct {
	round   *Round
	sys     *System
	facts   map[int64]*branchfacts.Facts // by branch
	changes []change
}

// change is what the facts change in one entry.
type change struct {
	orgID, id int64 // id 0: a branch without an entry yet
	version   int   // the entry's, as read
	marks     []Mark
	totals    *totals // nil: as stored
}

// planMarks compares the round's facts with its entries as q holds them.
func planMarks(ctx context.Context, q db.Querier, r *Round, facts []branchfacts.Facts) (*markPlan, error) {
	sys, err := loadSystem(ctx, q, r.SystemID)
	if err != nil {
		return nil, err
	}
	entries, err := readEntries(ctx, q, "e.round_id = ?", r.ID)
	if err != nil {
		return nil, err
	}
	p := &markPlan{round: r, sys: sys, facts: map[int64]*branchfacts.Facts{}}
	for i := range facts {
		f := &facts[i]
		p.facts[f.OrgID] = f
		if c, ok := moved(sys, entries[f.OrgID], f); ok {
			p.changes = append(p.changes, c)
		}
	}
	return p, nil
}

// moved is what the facts f change in the entry e (nil: the branch has
// none yet): its computed marks that moved and its totals when they did;
// false when nothing moves (most entries, hour after hour) or e is reviewed.
func moved(sys *System, e *stored, f *branchfacts.Facts) (change, bool) {
	c, marks, was := change{orgID: f.OrgID}, map[int64]Mark{}, totals{}
	if e != nil {
		if e.state == Reviewed {
			return c, false
		}
		c.id, c.version, marks, was = e.id, e.version, e.marks, e.totals
	}
	for _, it := range sys.Items() {
		src, ok := branchfacts.SourceOf(it.Source)
		if !ok {
			continue
		}
		rate, basis := float64(int64(src.Rate(f)*10000+0.5))/10000, src.Basis(f)
		m := marks[it.ID]
		if m.Rate != nil && *m.Rate == rate && m.Basis == basis {
			continue
		}
		m.ItemID, m.Rate, m.Basis = it.ID, &rate, basis
		marks[it.ID] = m
		c.marks = append(c.marks, m)
	}
	res := Score(sys, marks)
	if t := (totals{toX100(res.Computed), toX100(res.Self), toX100(res.Scored), toX100(res.Total), res.Suggested}); t != was {
		c.totals = &t
	}
	return c, e == nil || len(c.marks) > 0 || c.totals != nil
}

// write stores the plan in tx and returns the entries it added. Each
// entry it writes is read again first, its version alone (locked on
// PostgreSQL): one saved, reviewed or returned since the plan read it, or
// a branch's entry added meanwhile, is read whole and compared afresh, so
// that its marks stay and its totals count them.
func (p *markPlan) write(ctx context.Context, d *core.Deps, tx *db.Tx) (added []int64, err error) {
	now := d.Now().UnixMilli()
	lock := "SELECT version FROM strong_entries WHERE id = ?"
	if tx.D() == db.Postgres {
		lock += " FOR UPDATE"
	}
	version, err := tx.Tx.PrepareContext(ctx, tx.Rebind(lock))
	if err != nil {
		return nil, err
	}
	defer version.Close()
	upsert, err := tx.Tx.PrepareContext(ctx, tx.Rebind(`INSERT INTO strong_marks (entry_id, item_id, rate_x10000, basis) VALUES (?,?,?,?)
		ON CONFLICT (entry_id, item_id) DO UPDATE SET rate_x10000 = excluded.rate_x10000, basis = excluded.basis`))
	if err != nil {
		return nil, err
	}
	defer upsert.Close()
	total, err := tx.Tx.PrepareContext(ctx, tx.Rebind(`UPDATE strong_entries SET computed_x100 = ?, self_x100 = ?, scored_x100 = ?, score_x100 = ?,
		suggested = ?, updated_at = ? WHERE id = ?`))
	if err != nil {
		return nil, err
	}
	defer total.Close()
	for _, c := range p.changes {
		stale := false
		if c.id == 0 {
			id, err := db.InsertID(ctx, tx, `INSERT INTO strong_entries (round_id, org_id, state, updated_at) VALUES (?,?,?,?)
				ON CONFLICT (round_id, org_id) DO NOTHING`, p.round.ID, c.orgID, Draft, now)
			switch {
			case db.IsNoRows(err): // added meanwhile
				stale = true
			case err != nil:
				return nil, err
			default:
				c.id, added = id, append(added, id)
			}
		} else {
			var v int
			if err := version.QueryRowContext(ctx, c.id).Scan(&v); err != nil {
				return nil, err
			}
			stale = v != c.version
		}
		if stale {
			es, err := readEntries(ctx, tx, "e.round_id = ? AND e.org_id = ?", p.round.ID, c.orgID)
			if err != nil {
				return nil, err
			}
			var ok bool
			if c, ok = moved(p.sys, es[c.orgID], p.facts[c.orgID]); !ok {
				continue
			}
		}
		for _, m := range c.marks {
			if _, err := upsert.ExecContext(ctx, c.id, m.ItemID, int64(*m.Rate*10000+0.5), m.Basis); err != nil {
				return nil, err
			}
		}
		if t := c.totals; t != nil {
			if _, err := total.ExecContext(ctx, t.computed, t.self, t.scored, t.score, t.suggested, now, c.id); err != nil {
				return nil, err
			}
		}
	}
	_, err = tx.ExecContext(ctx, "UPDATE strong_rounds SET computed_at = ? WHERE id = ?", now, p.round.ID)
	p.round.ComputedAt = now
	return added, err
}

// stored is an entry as Recompute needs it.
type stored struct {
	id      int64
	state   string
	version int
	marks   map[int64]Mark
	totals  totals
}

// totals are an entry's stored sums (x100) and suggested level.
type totals struct {
	computed, self, scored, score int64
	suggested                     string
}

// readEntries reads the entries (e) that cond selects by branch, with
// their marks.
func readEntries(ctx context.Context, q db.Querier, cond string, args ...any) (map[int64]*stored, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.org_id, e.state, e.version, e.computed_x100, e.self_x100, e.scored_x100, e.score_x100, e.suggested
		FROM strong_entries e WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	out := map[int64]*stored{}
	byID := map[int64]*stored{}
	for rows.Next() {
		var s stored
		var orgID int64
		t := &s.totals
		if err := rows.Scan(&s.id, &orgID, &s.state, &s.version, &t.computed, &t.self, &t.scored, &t.score, &t.suggested); err != nil {
			rows.Close()
			return nil, err
		}
		s.marks = map[int64]Mark{}
		out[orgID], byID[s.id] = &s, &s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, eachMark(ctx, q, cond, args, func(entryID int64, m Mark) {
		if s := byID[entryID]; s != nil {
			s.marks[m.ItemID] = m
		}
	})
}

// eachMark reads the marks of the entries (e) that cond selects.
func eachMark(ctx context.Context, q db.Querier, cond string, args []any, fn func(entryID int64, m Mark)) error {
	rows, err := q.QueryContext(ctx, `SELECT m.entry_id, m.item_id, m.rate_x10000, m.basis, m.self_x10, m.evidence, m.review_x10, m.review_note
		FROM strong_marks m JOIN strong_entries e ON e.id = m.entry_id WHERE `+cond, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m Mark
		var rate, self, review *int64
		if err := rows.Scan(&id, &m.ItemID, &rate, &m.Basis, &self, &m.Evidence, &review, &m.ReviewNote); err != nil {
			return err
		}
		if rate != nil {
			v := float64(*rate) / 10000
			m.Rate = &v
		}
		m.Self, m.Review = intPtr(self), intPtr(review)
		fn(id, m)
	}
	return rows.Err()
}

func intPtr(v *int64) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

// RecomputeYear recomputes the caller's bureau's round of a year at once
// (the whole bureau's 党务管理员; the periodic job does it hourly).
func RecomputeYear(ctx context.Context, d *core.Deps, p *auth.Principal, year int) (*Round, error) {
	if !org.BureauAdmin(p) {
		return nil, fail.Denied("not_bureau", "重新计算由市局党务管理员办理（系统每小时自动计算）")
	}
	bureau := bureauOf(scope.Of(p).Root())
	today := civil.Today(d.Now())
	r, err := recomputable(ctx, d.DB, bureau, year)
	if err != nil {
		return nil, err
	}
	s, err := readSweep(ctx, d.DB, today, []*Round{r}) // on the pool, as the hourly job
	if err != nil {
		return nil, err
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) (err error) {
		if r, err = recomputable(ctx, tx, bureau, year); err != nil { // published meanwhile?
			return err
		}
		if err := s.write(ctx, d, tx, today, []*Round{r}); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.round.recompute", ObjectType: "strong_round", ObjectID: fmt.Sprint(r.ID),
			Detail: map[string]any{"year": year}})
	})
	return r, err
}

// recomputable is the bureau's round of a year, refused once published.
func recomputable(ctx context.Context, q db.Querier, bureau int64, year int) (*Round, error) {
	r, err := RoundOf(ctx, q, bureau, year)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fail.NotFound()
	}
	if r.State == Closed {
		return nil, fail.Refused("closed", fmt.Sprintf("%d 年度的评定结果已经公布，不再重新计算", year))
	}
	return r, nil
}
