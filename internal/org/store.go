package org

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

const orgCols = `id, COALESCE(parent_id, 0), name, short_name, kind, can_approve, path, sort, task, COALESCE(ends_on, ''),
	COALESCE(term_start, ''), COALESCE(term_end, ''), COALESCE(dissolved_on, ''), created_at, updated_at, version`

type scanner interface{ Scan(...any) error }

func scanOrg(s scanner) (*Org, error) {
	var o Org
	err := s.Scan(&o.ID, &o.ParentID, &o.Name, &o.ShortName, &o.Kind, &o.CanApprove, &o.Path, &o.Sort, &o.Task, &o.EndsOn,
		&o.TermStart, &o.TermEnd, &o.DissolvedOn, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	return &o, err
}

// Get loads one organisation; db.ErrNotFound when there is none.
func Get(ctx context.Context, q db.Querier, id int64) (*Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, "SELECT "+orgCols+" FROM orgs WHERE id = ?", id))
	if db.IsNoRows(err) {
		return nil, db.ErrNotFound
	}
	return o, err
}

// Subtree lists the organisations of s, dissolved ones included, parents
// before children. The empty scope yields nothing.
func Subtree(ctx context.Context, q db.Querier, s scope.Subtree) ([]Org, error) {
	w, args := s.Where("path")
	// Sorted here rather than by the database, which sorts whole rows
	// (a quarter of the read at 19,000 organisations).
	rows, err := q.QueryContext(ctx, "SELECT "+orgCols+" FROM orgs WHERE "+w, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b Org) int {
		return cmp.Or(cmp.Compare(len(a.Path), len(b.Path)), cmp.Compare(a.Sort, b.Sort), cmp.Compare(a.ID, b.ID))
	})
	return out, rows.Err()
}

// Orgs is the organisations of a subtree read once, and their member
// counts counted once (Counts), for the reads that each need them: the
// leader's comparison hands one to every figure it gathers rather than each
// reading the tree and counting its people again.
type Orgs struct {
	Scope scope.Subtree
	List  []Org // dissolved ones included, parents before children
	ByID  Index // into List
	// Census, when set by a caller outside a transaction, is where Counts
	// takes the people from instead of counting the table.
	Census core.Census

	counted  sync.Once // Counts
	counts   map[int64]MemberCounts
	countErr error

	kept    *treeCache // the kept tree List was taken from, nil when read in a transaction
	version int64      // its version then
}

// ReadOrgs reads the organisations of s (none for the empty scope).
func ReadOrgs(ctx context.Context, q db.Querier, s scope.Subtree) (*Orgs, error) {
	tree := &Orgs{Scope: s}
	list, err := subtree(ctx, q, s, tree)
	if err != nil {
		return nil, err
	}
	tree.List, tree.ByID = list, make(Index, len(list))
	for i := range list {
		tree.ByID[list[i].ID] = &list[i]
	}
	return tree, nil
}

// subtree is Subtree, from the kept tree on the pool (noted in tree).
func subtree(ctx context.Context, q db.Querier, s scope.Subtree, tree *Orgs) ([]Org, error) {
	if d, pooled := q.(*db.DB); pooled {
		return cached(ctx, d, s, tree)
	}
	return Subtree(ctx, q, s) // a transaction may see other than what is committed
}

// Choices lists the organisations of s that are not dissolved, parents
// before children, for the forms that pick one.
func Choices(ctx context.Context, q db.Querier, s scope.Subtree) ([]Org, error) {
	all, err := subtree(ctx, q, s, &Orgs{}) // from the kept tree on the pool, as Options
	out := all[:0]
	for _, o := range all {
		if !o.Dissolved() {
			out = append(out, o)
		}
	}
	return out, err
}

// HasBelow reports whether a live organisation lies below the one at path:
// whether a picker searching below it (Only.Below) finds any, without
// listing them.
func HasBelow(ctx context.Context, q db.Querier, path string) (bool, error) {
	in, args := scope.Under(path).Where("path")
	var ok bool
	err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM orgs WHERE "+in+" AND path <> ? AND dissolved_on IS NULL)", append(args, path)...).Scan(&ok)
	return ok, err
}

// Share tells how much of the tree s holds. whole: no organisation lies
// outside it (every root is inside, and so is everything under them), so a
// list of s needs no condition on the organisation at all; exact. wide: s
// holds at least 1/part of the organisations, which tells a search how to
// read a subtree (member.pageSQL); the tree's size is taken from its
// largest id (organisations are dissolved, never deleted) and s is counted
// only up to that share, so neither reads the whole tree on every search.
func Share(ctx context.Context, q db.Querier, s scope.Subtree, part int) (whole, wide bool, err error) {
	in, args := s.Where("path")
	var outside bool
	var size int
	err = q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM orgs WHERE parent_id IS NULL AND NOT "+in+"), (SELECT COALESCE(MAX(id), 0) FROM orgs)", args...).Scan(&outside, &size)
	if err != nil || !outside {
		return err == nil, err == nil, err
	}
	need := (size + part - 1) / part
	var n int
	err = q.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM orgs WHERE %s LIMIT %d) c", in, need), args...).Scan(&n)
	return false, err == nil && n >= need, err
}

// Option is a live organisation in a picker, indented by its depth below
// the root of the list.
type Option struct {
	Org
	Indent string
}

// Options lists the organisations of s that are not dissolved in path order
// (each right under its parent), for pickers and lookups by name.
func Options(ctx context.Context, q db.Querier, s scope.Subtree) ([]Option, error) {
	// From the kept tree on the pool: a picker of the whole bureau is
	// 19,000 organisations, which every page with one read again.
	all, err := subtree(ctx, q, s, &Orgs{})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b Org) int { return strings.Compare(a.Path, b.Path) }) // as ORDER BY path: it sorts bytewise (00081)
	depth0 := strings.Count(s.Root(), "/")
	var out []Option
	for _, o := range all {
		if !o.Dissolved() {
			out = append(out, Option{Org: o, Indent: strings.Repeat("　", strings.Count(o.Path, "/")-depth0)})
		}
	}
	return out, nil
}

// Ancestors lists the organisations on a materialised path, nearest first
// (the organisation itself included).
func Ancestors(ctx context.Context, q db.Querier, path string) ([]Org, error) {
	w, args := scope.Under(path).Lineage("path")
	rows, err := q.QueryContext(ctx, "SELECT "+orgCols+" FROM orgs WHERE "+w+" ORDER BY LENGTH(path) DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// Approver is the nearest 党委 with 审批权限 at or above the organisation at
// path, which approves its admissions; nil when there is none.
func Approver(ctx context.Context, q db.Querier, path string) (*Org, error) {
	as, err := Ancestors(ctx, q, path)
	if err != nil {
		return nil, err
	}
	for i := range as {
		if CanApprove(&as[i]) {
			return &as[i], nil
		}
	}
	return nil, nil
}

// Index holds organisations by id, for lists that resolve many at once.
type Index map[int64]*Org

// All loads every organisation.
func All(ctx context.Context, q db.Querier) (Index, error) {
	return index(ctx, q, "SELECT "+orgCols+" FROM orgs")
}

// Some loads the named organisations (a page's few, where All would read
// every one of a large bureau's); ids may repeat.
func Some(ctx context.Context, q db.Querier, ids ...int64) (Index, error) {
	set := map[int64]bool{}
	for _, id := range ids {
		set[id] = true
	}
	if len(set) > 1000 { // beyond what a statement's parameters hold
		return All(ctx, q)
	}
	if len(set) == 0 {
		return Index{}, nil
	}
	in, args := db.In(slices.Collect(maps.Keys(set)))
	return index(ctx, q, "SELECT "+orgCols+" FROM orgs WHERE id IN ("+in+")", args...)
}

func index(ctx context.Context, q db.Querier, query string, args ...any) (Index, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ix := Index{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		ix[o.ID] = o
	}
	return ix, rows.Err()
}

// Approver is the nearest 党委 with 审批权限 at or above id (nil when none).
func (ix Index) Approver(id int64) *Org {
	for o := ix[id]; o != nil; o = ix[o.ParentID] {
		if CanApprove(o) {
			return o
		}
	}
	return nil
}

// MemberCounts counts the people of an organisation's whole subtree (a
// branch's 党小组 included) by party status.
type MemberCounts struct {
	Full         int            `json:"full"`         // 正式党员
	Probationary int            `json:"probationary"` // 预备党员
	Members      int            `json:"members"`      // 党员 = 正式 + 预备
	ByStatus     map[string]int `json:"by_status"`
}

// CommitteeMember is one person's post in an organisation's committee.
type CommitteeMember struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
	Post       string `json:"post"`
	TermStart  string `json:"term_start"`
	TermEnd    string `json:"term_end,omitempty"`
	EndedOn    string `json:"ended_on,omitempty"`
	Current    bool   `json:"current"`
}

const memberCols = `c.id, c.org_id, c.person_id, p.name, c.post, c.term_start, COALESCE(c.term_end, ''), COALESCE(c.ended_on, '')`

func scanMember(s scanner, today string) (*CommitteeMember, error) {
	var m CommitteeMember
	if err := s.Scan(&m.ID, &m.OrgID, &m.PersonID, &m.PersonName, &m.Post, &m.TermStart, &m.TermEnd, &m.EndedOn); err != nil {
		return nil, err
	}
	m.Current = m.EndedOn == "" || m.EndedOn > today
	return &m, nil
}

// postOrder sorts 书记 first, then the other posts as listed.
const postOrder = `CASE c.post WHEN '书记' THEN 0 WHEN '副书记' THEN 1 WHEN '组织委员' THEN 2 WHEN '宣传委员' THEN 3 WHEN '纪检委员' THEN 4 ELSE 5 END`

// CommitteeOf lists an organisation's committee members, current ones first.
func CommitteeOf(ctx context.Context, q db.Querier, orgID int64, today string) ([]CommitteeMember, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+memberCols+` FROM committee_members c JOIN persons p ON p.id = c.person_id
		WHERE c.org_id = ? ORDER BY CASE WHEN c.ended_on IS NULL OR c.ended_on > ? THEN 0 ELSE 1 END, `+postOrder+`, c.term_start DESC, c.id`, orgID, today)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CommitteeMember
	for rows.Next() {
		m, err := scanMember(rows, today)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

func getMember(ctx context.Context, q db.Querier, id int64, today string) (*CommitteeMember, error) {
	m, err := scanMember(q.QueryRowContext(ctx, "SELECT "+memberCols+" FROM committee_members c JOIN persons p ON p.id = c.person_id WHERE c.id = ?", id), today)
	if db.IsNoRows(err) {
		return nil, db.ErrNotFound
	}
	return m, err
}

// committeeState summarises the current committees of a subtree.
type committeeState struct {
	Current   int
	Secretary bool
}

func committeeStates(ctx context.Context, q db.Querier, s scope.Subtree, today string) (map[int64]committeeState, error) {
	w, args := s.Where("o.path")
	rows, err := q.QueryContext(ctx, `SELECT c.org_id, c.post FROM committee_members c JOIN orgs o ON o.id = c.org_id
		WHERE `+w+` AND (c.ended_on IS NULL OR c.ended_on > ?)`, append(args, today)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]committeeState{}
	for rows.Next() {
		var id int64
		var post string
		if err := rows.Scan(&id, &post); err != nil {
			return nil, err
		}
		s := out[id]
		s.Current++
		s.Secretary = s.Secretary || post == Secretary
		out[id] = s
	}
	return out, rows.Err()
}

// HistoryEntry is one recorded change of an organisation.
type HistoryEntry struct {
	At     int64  `json:"at"`
	Action string `json:"action"`
	Label  string `json:"label"`
	Detail string `json:"detail"`
	Actor  string `json:"actor"`
}

var historyLabels = map[string]string{"create": "设立", "rename": "更名", "move": "调整隶属关系", "dissolve": "撤销",
	"kind": "变更类型", "approve": "审批权限", "term": "换届", "temp": "临时任务", "committee.add": "委员任职", "committee.end": "委员离任"}

// History lists an organisation's changes, newest first.
func History(ctx context.Context, q db.Querier, orgID int64) ([]HistoryEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.at, h.action, h.detail, COALESCE(NULLIF(a.display_name, ''), a.username, '') FROM org_history h
		LEFT JOIN accounts a ON a.id = h.actor_id WHERE h.org_id = ? ORDER BY h.at DESC, h.id DESC`, orgID)
	return db.Collect(rows, err, func(r db.Scanner) (h HistoryEntry, err error) {
		if err := r.Scan(&h.At, &h.Action, &h.Detail, &h.Actor); err != nil {
			return h, err
		}
		h.Label = historyLabels[h.Action]
		return h, nil
	})
}

// person is the little this package needs to know of a person.
type person struct {
	ID      int64
	Name    string
	Status  string
	OrgPath string
	OrgName string
}

func getPerson(ctx context.Context, q db.Querier, id int64) (*person, error) {
	var p person
	err := q.QueryRowContext(ctx, `SELECT p.id, p.name, p.status, o.path, o.name FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id = ?`, id).
		Scan(&p.ID, &p.Name, &p.Status, &p.OrgPath, &p.OrgName)
	if db.IsNoRows(err) {
		return nil, db.ErrNotFound
	}
	return &p, err
}

// fullMembers lists the 正式党员 of a subtree, who may hold committee posts.
func fullMembers(ctx context.Context, q db.Querier, s scope.Subtree) ([]person, error) {
	w, args := s.Where("o.path")
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.status, o.path, o.name FROM persons p JOIN orgs o ON o.id = p.org_id
		WHERE `+w+` AND p.status = 'full' ORDER BY o.path, p.pinyin, p.id`, args...)
	return db.Collect(rows, err, func(r db.Scanner) (p person, err error) {
		err = r.Scan(&p.ID, &p.Name, &p.Status, &p.OrgPath, &p.OrgName)
		return p, err
	})
}

// activePersons counts the people who still belong to an organisation itself.
func activePersons(ctx context.Context, q db.Querier, orgID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons WHERE org_id = ? AND status NOT IN ('transferred', 'deceased')", orgID).Scan(&n)
	return n, err
}

// liveChildren lists the names of children that are not dissolved.
func liveChildren(ctx context.Context, q db.Querier, orgID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name FROM orgs WHERE parent_id = ? AND dissolved_on IS NULL ORDER BY sort, id", orgID)
	return db.Collect(rows, err, func(r db.Scanner) (n string, err error) {
		err = r.Scan(&n)
		return n, err
	})
}

func nullStr(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}
