package member

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Filter selects persons. Every field is optional; the zero Filter lists the
// caller's whole scope.
type Filter struct {
	Q         string `json:"q,omitempty"`      // name prefix, pinyin or initials prefix ("zs"), trailing ID digits, or a whole ID number
	OrgID     int64  `json:"org,omitempty"`    // an organisation and its subtree
	Status    string `json:"status,omitempty"` // a status, or Party for 正式 and 预备党员
	Category  string `json:"category,omitempty"`
	Gender    string `json:"gender,omitempty"`
	Education string `json:"edu,omitempty"`
	Age       string `json:"age,omitempty"` // age band: "31-35", "-30" (≤30), "61-" (≥61)
	// JoinedFrom and JoinedTo bound the 入党 date (inclusive civil dates):
	// the list behind "新发展党员 N 名" of a period.
	JoinedFrom string `json:"joined_from,omitempty"`
	JoinedTo   string `json:"joined_to,omitempty"`
	Page       int    `json:"page"`
	PerPage    int    `json:"per_page"`
}

// Masked is the filter as the audit log keeps it: a whole ID number typed
// into the search box is masked like everywhere else.
func (f Filter) Masked() Filter {
	if up := strings.ToUpper(f.Q); isDigits(up) && len(up) > tailLen {
		f.Q = idcard.Mask(up)
	}
	return f
}

// ErrOutOfScope means the filter names an organisation the caller does not see.
var ErrOutOfScope = fail.NotFound()

// Normalize gives an unset page its default (the first, of 20: the
// pickers' searches) and reports a page out of the range the lists take
// (input.Paging), an invalid enumeration or age band.
func (f *Filter) Normalize() error {
	f.Q = strings.TrimSpace(f.Q)
	if utf8.RuneCountInString(f.Q) > 40 {
		return fail.Malformed("q", "搜索内容过长")
	}
	if f.PerPage == 0 {
		f.PerPage = 20
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if err := input.InPages(f.Page, f.PerPage); err != nil {
		return err
	}
	for _, c := range []struct {
		field, v string
		ok       bool
	}{
		{"status", f.Status, f.Status == Party || StatusLabel(f.Status) != ""}, {"category", f.Category, oneOf(f.Category, Categories)},
		{"gender", f.Gender, oneOf(f.Gender, Genders)}, {"edu", f.Education, oneOf(f.Education, Educations)},
	} {
		if c.v != "" && !c.ok {
			return fail.Malformed(c.field, fmt.Sprintf("筛选条件“%s”无效", c.v))
		}
	}
	if _, _, err := ageBand(f.Age); err != nil {
		return err
	}
	for _, d := range []struct{ field, v string }{{"joined_from", f.JoinedFrom}, {"joined_to", f.JoinedTo}} {
		if _, err := civil.Parse(d.v); d.v != "" && err != nil {
			return fail.Malformed(d.field, "入党日期应为“2025-01-31”格式的真实日期")
		}
	}
	if f.JoinedFrom != "" && f.JoinedTo != "" && f.JoinedTo < f.JoinedFrom {
		return fail.NotAllowed("joined_to", "入党日期的截止日不能早于起始日")
	}
	return nil
}

// ageBand reads "31-35", "-30", "61-" or "61+" as inclusive bounds (-1: open).
func ageBand(s string) (lo, hi int, err error) {
	if s == "" {
		return -1, -1, nil
	}
	bad := fail.Malformed("age", "年龄段应写成“31-35”“-30”或“61-”")
	plus := strings.HasSuffix(s, "+")
	s = strings.TrimSuffix(s, "+")
	a, b, found := strings.Cut(s, "-")
	if !found {
		a, b = s, s // a single age
		if plus {
			b = ""
		}
	}
	lo, hi = -1, -1
	if a != "" {
		if lo, err = strconv.Atoi(a); err != nil || lo < 0 || lo > 150 {
			return 0, 0, bad
		}
	}
	if b != "" {
		if hi, err = strconv.Atoi(b); err != nil || hi < 0 || hi > 150 || (lo >= 0 && hi < lo) {
			return 0, 0, bad
		}
	}
	if lo < 0 && hi < 0 {
		return 0, 0, bad
	}
	return lo, hi, nil
}

// prefixEnd is the smallest string greater than every string starting with
// s, for "col >= s AND col < prefixEnd(s)" on a bytewise-sorted column.
func prefixEnd(s string) string {
	r, size := utf8.DecodeLastRuneInString(s)
	switch {
	case r == utf8.RuneError || r == utf8.MaxRune:
		return s + string(utf8.MaxRune)
	case r == 0xD7FF:
		r = 0xE000 // skip the surrogates, which UTF-8 cannot hold
	default:
		r++
	}
	return s[:len(s)-size] + string(r)
}

func isDigits(s string) bool {
	for i, c := range s {
		if (c < '0' || c > '9') && !(c == 'X' && i == len(s)-1) {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

type where struct {
	conds []string
	args  []any
	// walks are the conditions with each column of a list filter or of the
	// scope inside an expression, which no index can serve: on SQLite, whose
	// planner guesses, only the one condition meant to lead a plan is
	// written plainly (see lead).
	walks []string
	// scopeAt is the index of the scope's range on p.org_path (-1 without
	// one); broad when that subtree holds at least 1/broadShare of the
	// organisations; keyed when the search box gave a condition whose index
	// does not keep the pinyin order (every one but a first character).
	scopeAt      int
	broad, keyed bool
	// boxed: the search box gave a condition (keyed or not).
	boxed bool
	// either are the two readings of a search box of letters (initials or
	// pinyin), whose OR stands at conds[keyAt] with args[keyArg:keyEnd]:
	// PostgreSQL reads them as a UNION ALL, each branch by its own index
	// alone (for the OR it fetched every match from the table: 14 ms for zw
	// at a million people), a branch leaving out what a later one reads so
	// that no row comes twice (a UNION's hashing of every match took as long
	// as reading them: count and page 12 → 3 ms); SQLite's OR reads both
	// indexes and was faster than its UNION.
	either                []alt
	keyAt, keyArg, keyEnd int
	// everyStatus: a count of the whole bureau by category with no status
	// and no search box, which is given every status to seek in the
	// status-led index (persons_status_filters): PostgreSQL cannot skip
	// over a leading column, and SQLite's planner does so only when it
	// guesses the statuses are many.
	everyStatus bool
}

// alt is one reading of the search box: a condition and its arguments.
type alt struct {
	cond string
	args []any
}

// query is "SELECT cols FROM persons p WHERE …" as lead writes it, with
// its arguments: on PostgreSQL, for a search box of either reading, the
// UNION ALL of one such query per reading, each but the last without the
// matches of the readings after it (the index of each holds the columns of
// those after it: initials_path holds the pinyin).
func (w where) query(d db.Dialect, scopeLeads bool, cols string) (string, []any) {
	if w.either == nil || d == db.SQLite {
		return "SELECT " + cols + " FROM persons p" + w.lead(d, scopeLeads), w.args
	}
	var parts []string
	var args []any
	for i, a := range w.either {
		cond, key := a.cond, a.args
		for _, later := range w.either[i+1:] {
			cond += " AND NOT (" + later.cond + ")"
			key = append(slices.Clone(key), later.args...)
		}
		b := w // PostgreSQL's lead writes the conditions plainly, never their walks
		b.conds = slices.Clone(w.conds)
		b.conds[w.keyAt] = cond
		parts = append(parts, "SELECT "+cols+" FROM persons p"+b.lead(d, scopeLeads))
		args = append(append(append(args, w.args[:w.keyArg]...), key...), w.args[w.keyEnd:]...)
	}
	return strings.Join(parts, " UNION ALL "), args
}

// broadShare: a subtree with at least 1/broadShare of the organisations
// holds so many people that the first page is found fastest by walking
// every person in pinyin order and checking the path and filters beside it
// (about broadShare × a page of index entries), not by sorting the whole
// subtree.
const broadShare = 100

func (w *where) add(cond string, args ...any) { w.addWalk(cond, cond, args...) }

// addWalk adds a condition written two ways (see walks).
func (w *where) addWalk(cond, walk string, args ...any) {
	w.conds = append(w.conds, cond)
	w.walks = append(w.walks, walk)
	w.args = append(w.args, args...)
}

// filter adds "p.col op ?", a list filter.
func (w *where) filter(col, op string, arg any) {
	w.addWalk("p."+col+" "+op+" ?", "(p."+col+" || '') "+op+" ?", arg)
}

// lead is how a query reads persons. On SQLite every condition but the
// leading one is written as its walk: the search box's key leads when
// there is one (its index carries the path, checked beside the key), else
// the scope's path when scopeLeads (the path-led index), else none (a walk
// in pinyin order). A count of the whole bureau has neither to lead it:
// its filters are written plainly, so that SQLite seeks them in an index
// (status and category: 1 ms, where a walk read 10,001 rows of an index
// to count them, 17–100 ms at a million people). PostgreSQL plans from its
// statistics, which expressions would blind, so it gets every condition
// plainly.
func (w where) lead(d db.Dialect, scopeLeads bool) string {
	if len(w.conds) == 0 {
		return "" // SQLite counts a whole table from its smallest index only for a bare COUNT(*)
	}
	conds := slices.Clone(w.conds)
	if d == db.SQLite && !(scopeLeads && w.scopeAt < 0 && !w.keyed) {
		for i := range conds {
			if !(i == w.scopeAt && scopeLeads && !w.keyed) {
				conds[i] = w.walks[i]
			}
		}
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Search lists the persons the caller may see that match f, sorted by pinyin,
// one page at a time, with the total count (capped at TotalCap) and whether
// a next page exists. The masks are filled from the decrypted values. An
// organisation outside scope gives ErrOutOfScope.
func Search(ctx context.Context, q db.Querier, keys *crypto.Keys, p *auth.Principal, f Filter) ([]Person, listing.Total, error) {
	items, total, _, err := SearchPage(ctx, q, keys, p, f)
	return items, total, err
}

// SearchPage is Search that also reports whether another page follows.
func SearchPage(ctx context.Context, q db.Querier, keys *crypto.Keys, p *auth.Principal, f Filter) (items []Person, total listing.Total, more bool, err error) {
	if err := f.Normalize(); err != nil {
		return nil, total, false, err
	}
	today := civil.Today(time.Now())
	w, err := searchWhere(ctx, q, keys, p, f, today)
	if err != nil {
		return nil, total, false, err
	}
	count, args := countSQL(q.D(), w)
	if total, err = listing.Capped(ctx, q, count, args); err != nil {
		return nil, total, false, err
	}
	items = []Person{}
	if total.Exact && total.N <= (f.Page-1)*f.PerPage {
		return items, total, false, nil
	}
	// The page's ids first (and one more, to know a next page exists), from
	// an index alone; then their rows.
	page, args := pageSQL(q.D(), w, f, total.Exact)
	ids, err := scanIDs(q.QueryContext(ctx, page, args...))
	if err != nil {
		return nil, total, false, err
	}
	if more = len(ids) > f.PerPage; more {
		ids = ids[:f.PerPage]
	}
	if len(ids) == 0 {
		return items, total, false, nil
	}
	in, args := db.In(ids)
	rows, err := q.QueryContext(ctx, "SELECT "+selectCols+" FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id IN ("+in+")", args...)
	if err != nil {
		return nil, total, false, err
	}
	defer rows.Close()
	byID := map[int64]Person{}
	for rows.Next() {
		r, err := scanPerson(rows, keys, today)
		if err != nil {
			return nil, total, false, err
		}
		r.IDNumber, r.Phone = "", "" // a list never carries plaintext
		byID[r.ID] = r.Person
	}
	if err := rows.Err(); err != nil {
		return nil, total, false, err
	}
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			items = append(items, p)
		}
	}
	return items, total, more, nil
}

// Count is the exact number of persons the caller may see that match f, for
// a figure that must not be capped (the leader's paragraph).
func Count(ctx context.Context, q db.Querier, keys *crypto.Keys, p *auth.Principal, f Filter) (int, error) {
	if err := f.Normalize(); err != nil {
		return 0, err
	}
	w, err := searchWhere(ctx, q, keys, p, f, civil.Today(time.Now()))
	if err != nil {
		return 0, err
	}
	var n int
	all, args := w.counted().query(q.D(), true, "p.id")
	err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+all+") c", args...).Scan(&n)
	return n, err
}

// searchWhere is the condition of a search: the caller's scope, the search
// box and the filters of f (normalised).
func searchWhere(ctx context.Context, q db.Querier, keys *crypto.Keys, p *auth.Principal, f Filter, today civil.Date) (where, error) {
	w := where{scopeAt: -1}
	if err := scopeWhere(ctx, q, p, f.OrgID, &w); err != nil {
		return w, err
	}
	if err := queryWhere(keys, f.Q, &w); err != nil {
		return w, err
	}
	status := f.Status
	if status == Party {
		w.addWalk(PartyMember("p.status"), PartyMember("(p.status || '')"))
		status = ""
	}
	for _, c := range []struct{ col, v string }{{"status", status}, {"category", f.Category}, {"gender", f.Gender}, {"education", f.Education}} {
		if c.v != "" {
			w.filter(c.col, "=", c.v)
		}
	}
	if lo, hi, _ := ageBand(f.Age); lo >= 0 || hi >= 0 {
		if lo >= 0 {
			w.filter("birth_date", "<=", today.AddYears(-lo).String())
		}
		if hi >= 0 {
			w.filter("birth_date", ">", today.AddYears(-(hi + 1)).String())
		}
	}
	if f.JoinedFrom != "" {
		w.filter("join_date", ">=", f.JoinedFrom)
	}
	if f.JoinedTo != "" {
		w.filter("join_date", "<=", f.JoinedTo)
	}
	w.everyStatus = w.scopeAt < 0 && !w.keyed && f.Status == "" && f.Category != ""
	return w, nil
}

// counted is w as a count reads it (see everyStatus).
func (w where) counted() where {
	if w.everyStatus {
		in, args := db.In(Statuses)
		w.conds, w.walks, w.args = slices.Clone(w.conds), slices.Clone(w.walks), slices.Clone(w.args)
		w.add("p.status IN ("+in+")", args...)
	}
	return w
}

// countSQL is the matches to count (listing.Capped): a subtree's are read
// by the path-led index, never the whole bureau.
func countSQL(d db.Dialect, w where) (string, []any) {
	return w.counted().query(d, true, "p.id")
}

// pageSQL reads the ids of one page (and one more) from an index alone.
// With a search box the matches are read by their own index, their path
// checked beside the key, and sorted: ordered by the pinyin index,
// PostgreSQL would walk it from "a" to find the few 张 at "zhang", guessing
// them spread evenly. Without one, a narrow subtree is read by the path-led
// index and sorted; a broad subtree (or the whole bureau) is walked in
// pinyin order, its path and filter conditions written as expressions so
// that SQLite does not read the whole subtree, or everyone of a category,
// by another index first (its planner does not weigh the LIMIT against
// the sort). PostgreSQL does, from its statistics, which expressions would
// blind. But when the search box is empty and the count was exact (at most
// TotalCap matches) the page reads the matches as the count did, and sorts
// them: a walk in pinyin order finds a page of rare matches only after most
// of the bureau (the 7 初中及以下 正式党员 of a million people: 4 s, sorted:
// 0.08 s). A surname or a letter keeps its walk, along its own index,
// where the matches stand together (a 分局's 7,900 张: sorted, 65 ms).
func pageSQL(d db.Dialect, w where, f Filter, exact bool) (string, []any) {
	window := fmt.Sprintf(" LIMIT %d OFFSET %d", f.PerPage+1, (f.Page-1)*f.PerPage)
	if w.either != nil && d == db.Postgres {
		q, args := w.query(d, true, "p.id, p.pinyin")
		return "SELECT id FROM (" + q + ") u ORDER BY pinyin, id" + window, args
	}
	order := "p.pinyin || ''" // an expression no index provides
	walk := !w.keyed && (w.scopeAt < 0 || w.broad) && !(exact && !w.boxed)
	if walk {
		order = "p.pinyin"
	}
	return "SELECT p.id FROM persons p" + w.lead(d, !walk) + " ORDER BY " + order + ", p.id" + window, w.args
}

// queryWhere turns the search box into an index-friendly condition (after
// scopeWhere, whose breadth a single letter reads).
func queryWhere(keys *crypto.Keys, s string, w *where) error {
	if s == "" {
		return nil
	}
	up := strings.ToUpper(s)
	w.keyed, w.boxed = true, true
	switch {
	case isDigits(up) && len(up) <= tailLen:
		rev := reverse(up)
		w.add("p.id_rtail >= ? AND p.id_rtail < ?", rev, prefixEnd(rev))
	case isDigits(up) && (len(up) == 15 || len(up) == 18):
		id, err := idcard.Normalize(up)
		if err != nil {
			return fail.Malformed("q", err.Error())
		}
		w.add("p.id_hash = ?", keys.Index(id))
	case isLetters(strings.ToLower(s)) && len(s) == 1:
		// One letter: every name's initials begin with its pinyin's first
		// letter, so the pinyin alone finds the matches (a sixth of a million
		// people for z), read as a search without a key is: a broad subtree
		// in pinyin order, a narrow one by its path (on SQLite the letter is
		// then a walk). Both readings sorted took 0.3–0.8 s at a million.
		w.keyed = false
		l := strings.ToLower(s)
		cond, args := "p.pinyin >= ? AND p.pinyin < ?", []any{l, prefixEnd(l)}
		if w.scopeAt >= 0 && !w.broad {
			w.addWalk(cond, "(p.pinyin || '') >= ? AND (p.pinyin || '') < ?", args...)
		} else {
			w.add(cond, args...)
		}
	case isLetters(strings.ToLower(s)):
		l := strings.ToLower(s)
		w.keyAt, w.keyArg = len(w.conds), len(w.args)
		w.either = []alt{{"p.initials >= ? AND p.initials < ?", []any{l, prefixEnd(l)}}, {"p.pinyin >= ? AND p.pinyin < ?", []any{l, prefixEnd(l)}}}
		w.add("(("+w.either[0].cond+") OR ("+w.either[1].cond+"))", slices.Concat(w.either[0].args, w.either[1].args)...)
		w.keyEnd = len(w.args)
	case utf8.RuneCountInString(s) == 1:
		// A surname alone matches tens of thousands at a million people (张:
		// 78,000), too many to sort for a page: indexes on the first
		// character (migration 00023) keep them in pinyin order and by path,
		// read as a search without a key is.
		w.keyed = false
		w.add("substr(p.name, 1, 1) = ?", s)
	default:
		w.add("p.name >= ? AND p.name < ?", s, prefixEnd(s))
	}
	return nil
}

// scopeWhere limits w to what the caller sees: a member their own record;
// 党务管理员 and 领导 their subtree (or the subtree of orgID within it), or
// nothing at all when the subtree is every organisation.
func scopeWhere(ctx context.Context, q db.Querier, p *auth.Principal, orgID int64, w *where) error {
	if p != nil && p.Role == auth.Member {
		if orgID != 0 || p.PersonID == 0 {
			return ErrOutOfScope
		}
		w.add("p.id = ?", p.PersonID)
		return nil
	}
	sc := scope.Of(p)
	if sc.Empty() {
		return ErrOutOfScope
	}
	if orgID != 0 {
		o, err := org.Get(ctx, q, orgID)
		if errors.Is(err, db.ErrNotFound) || err == nil && !sc.Contains(o.Path) {
			return ErrOutOfScope
		}
		if err != nil {
			return err
		}
		sc = sc.Narrow(o.Path)
	}
	whole, wide, err := org.Share(ctx, q, sc, broadShare)
	if err != nil {
		return err
	}
	if !whole {
		cond, args := sc.Where("p.org_path")
		walk, _ := sc.Where("(p.org_path || '')")
		w.scopeAt, w.broad = len(w.conds), wide
		w.addWalk(cond, walk, args...)
	}
	return nil
}
