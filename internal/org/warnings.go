package org

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/rules"
	"hongdun/internal/todo"
)

// Warning kinds.
const (
	WarnFewFull         = "few_full"         // a branch with fewer than 3 正式党员
	WarnNeedsCommittee  = "needs_committee"  // 7+ 正式党员 and no 支部委员会
	WarnTooManyMembers  = "too_many_members" // more than 50 党员
	WarnTermExpiring    = "term_expiring"    // the term ends within 6 months
	WarnTermExpired     = "term_expired"     // the term has ended
	WarnSecretaryVacant = "secretary_vacant" // no current 书记
	WarnTempOverdue     = "temp_overdue"     // a temporary organisation past its end date
	// R-org-size: a 党总支 or 党委 of fewer members than its kind is set
	// up for, and a 党总支 large enough to be a 党委.
	WarnGeneralSmall   = "general_small"
	WarnGeneralLarge   = "general_large"
	WarnCommitteeSmall = "committee_small"
)

var warningNames = map[string]string{WarnFewFull: "正式党员人数不足", WarnNeedsCommittee: "应设支部委员会而未设",
	WarnTooManyMembers: "党员人数过多", WarnTermExpiring: "任期即将届满", WarnTermExpired: "任期已届满",
	WarnSecretaryVacant: "书记空缺", WarnTempOverdue: "临时党组织逾期未撤销",
	WarnGeneralSmall: "党总支党员人数不足", WarnGeneralLarge: "党总支应改设党委", WarnCommitteeSmall: "党委党员人数不足"}

// WarningName names a warning's key (kind:organisation), "" when unknown.
func WarningName(key string) string {
	kind, id, _ := strings.Cut(key, ":")
	name := warningNames[kind]
	if name == "" || id == "" {
		return name
	}
	return name + "（党组织编号 " + id + "）"
}

// Warning is something the rules say needs attention.
type Warning struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"` // warn, or bad when a rule is already broken
	Title    string `json:"title"`
	Message  string `json:"message"`
	DueOn    string `json:"due_on,omitempty"`
}

// check derives the warnings of one live organisation.
func check(o *Org, c MemberCounts, cs committeeState, today civil.Date, r Rules) []Warning {
	if o.Dissolved() {
		return nil
	}
	var ws []Warning
	if IsBranch(o.Kind) {
		if c.Full < r.MinFull {
			ws = append(ws, Warning{Kind: WarnFewFull, Severity: "bad", Title: fmt.Sprintf("正式党员不足%d名", r.MinFull),
				Message: fmt.Sprintf("正式党员 %d 名，不足 %d 名：不能对接收预备党员等事项进行表决，也不得借用其他支部党员；应补充党员或与邻近单位组建联合党支部。", c.Full, r.MinFull)})
		}
		if c.Full >= r.CommitteeFrom && cs.Current < r.MinCommittee {
			ws = append(ws, Warning{Kind: WarnNeedsCommittee, Severity: "warn", Title: "应设支部委员会",
				Message: fmt.Sprintf("正式党员 %d 名（%d 名以上），应设立支部委员会（一般 3 至 5 人，最多不超过 7 人），现任委员 %d 名。", c.Full, r.CommitteeFrom, cs.Current)})
		}
		if c.Members > r.MaxMembers {
			ws = append(ws, Warning{Kind: WarnTooManyMembers, Severity: "warn", Title: fmt.Sprintf("党员超过%d名", r.MaxMembers),
				Message: fmt.Sprintf("党员 %d 名，超过 %d 名，应考虑分设党支部或成立党总支。", c.Members, r.MaxMembers)})
		}
	}
	ws = append(ws, sizeWarnings(o, c, r)...)
	if o.HasTerm() && o.TermEnd != "" {
		if end, err := civil.Parse(o.TermEnd); err == nil {
			switch {
			case end.Before(today):
				ws = append(ws, Warning{Kind: WarnTermExpired, Severity: "bad", Title: "任期已届满", DueOn: o.TermEnd,
					Message: "任期已于 " + end.Chinese() + "届满，尚未换届；延期换届须报上级党组织批准，最长不超过 1 年。"})
			case !end.After(today.AddMonths(r.WarnMonths)):
				ws = append(ws, Warning{Kind: WarnTermExpiring, Severity: "warn", Title: "即将换届", DueOn: o.TermEnd,
					Message: "任期将于 " + end.Chinese() + "届满（" + strconv.Itoa(r.WarnMonths) + " 个月内），应及早向上级党组织报告并做好换届准备。"})
			}
		}
	}
	if isTemp(o.Kind) && o.EndsOn != "" {
		if end, err := civil.Parse(o.EndsOn); err == nil && end.Before(today) {
			ws = append(ws, Warning{Kind: WarnTempOverdue, Severity: "warn", Title: "应予撤销", DueOn: o.EndsOn,
				Message: "预计撤销日期 " + end.Chinese() + "已过：临时党组织随任务完成而撤销；任务延续的，请更新预计撤销日期。"})
		}
	}
	if o.Kind != Group && !cs.Secretary {
		ws = append(ws, Warning{Kind: WarnSecretaryVacant, Severity: "warn", Title: "书记空缺",
			Message: "未设现任书记，请按程序尽快配备；书记、副书记须报上级党组织批准。"})
	}
	return ws
}

// sizeWarnings judges a 党总支's or a 党委's members (its whole subtree's)
// against the sizes its kind is set up for (R-org-size). Below them it is
// a warning, not a breach: either may be set up smaller with the upper
// organisation's approval where the work needs it.
func sizeWarnings(o *Org, c MemberCounts, r Rules) []Warning {
	cite := rules.Default(sizeRule).Citation
	switch {
	case o.Kind == General && c.Members < r.GeneralFrom:
		return []Warning{{Kind: WarnGeneralSmall, Severity: "warn", Title: fmt.Sprintf("党员不足%d名", r.GeneralFrom),
			Message: fmt.Sprintf("党员 %d 名，不足 %d 名：党员%d人以上、不足%d人的设立党总支，不足%d人的一般设立党支部；因工作需要设立党总支的，须经上级党组织批准（%s）。",
				c.Members, r.GeneralFrom, r.GeneralFrom, r.CommitteeOrgFrom, r.GeneralFrom, cite)}}
	case o.Kind == General && c.Members >= r.CommitteeOrgFrom:
		return []Warning{{Kind: WarnGeneralLarge, Severity: "warn", Title: fmt.Sprintf("党员达到%d名", r.CommitteeOrgFrom),
			Message: fmt.Sprintf("党员 %d 名（%d 名以上），应经上级党组织批准设立党的基层委员会（%s）。", c.Members, r.CommitteeOrgFrom, cite)}}
	case o.Kind == Committee && c.Members < r.CommitteeOrgFrom:
		return []Warning{{Kind: WarnCommitteeSmall, Severity: "warn", Title: fmt.Sprintf("党员不足%d名", r.CommitteeOrgFrom),
			Message: fmt.Sprintf("党员 %d 名，不足 %d 名：党员%d人以上的设立党的基层委员会，不足%d人的一般设立党总支或党支部；因工作需要设立党委的，须经上级党组织批准（%s）。",
				c.Members, r.CommitteeOrgFrom, r.CommitteeOrgFrom, r.CommitteeOrgFrom, cite)}}
	}
	return nil
}

// TodoSource is the 待办 source of organisation warnings.
const TodoSource = "org.warning"

// SyncWarnings recomputes every organisation's warnings and brings the 待办
// in line: a warning that applies is open (posted, or reopened), and an open
// one that no longer applies is marked done. Features that change what the
// warnings count (people's status, their organisation) call it after their
// write; the organisation writes here sync inside their own transaction.
//
// The hourly job counts the tree from the census, outside its transaction,
// which writes only the 待办: counted inside it, a million people held
// SQLite's one writer for seconds.
func SyncWarnings(ctx context.Context, d *core.Deps) error {
	items, err := warningItems(ctx, d.DB, d.Census, civil.Today(d.Now()), scope.All())
	if err != nil {
		return err
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := openWarningKeys(ctx, tx)
		if err != nil {
			return err
		}
		if err := todo.Sync(ctx, tx, TodoSource, items); err != nil { // every warning is posted to an organisation
			return err
		}
		after, err := openWarningKeys(ctx, tx)
		if err != nil {
			return err
		}
		var posted, closed []string
		for k := range after {
			if !before[k] {
				posted = append(posted, k)
			}
		}
		for k := range before {
			if !after[k] {
				closed = append(closed, k)
			}
		}
		if len(posted)+len(closed) == 0 {
			return nil
		}
		sort.Strings(posted)
		sort.Strings(closed)
		return d.Audit.Write(ctx, tx, audit.Event{Action: "org.warnings.sync", ObjectType: "todo",
			Detail: map[string]any{"posted": posted, "closed": closed}})
	})
}

// syncWarnings brings the warning 待办 of the organisations of sc up to date.
func syncWarnings(ctx context.Context, tx *db.Tx, today civil.Date, sc scope.Subtree) error {
	items, err := warningItems(ctx, tx, nil, today, sc)
	if err != nil {
		return err
	}
	return todo.SyncIn(ctx, tx, TodoSource, sc, items)
}

// warningItems are the warning 待办 of the organisations of sc.
func warningItems(ctx context.Context, q db.Querier, census core.Census, today civil.Date, sc scope.Subtree) ([]todo.Item, error) {
	t, err := BuildTree(ctx, q, census, sc, today, false)
	if err != nil {
		return nil, err
	}
	var items []todo.Item
	for _, o := range t.All {
		for _, w := range o.Warnings {
			items = append(items, todo.Item{Source: TodoSource, Key: warningKey(o.ID, w.Kind), OrgID: o.ID,
				Title: "「" + o.Name + "」" + w.Title, Detail: w.Message, Link: fmt.Sprintf("/orgs/%d", o.ID),
				Severity: w.Severity, DueOn: w.DueOn})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Key < items[j].Key })
	return items, nil
}

// syncAround brings up to date, after a write on the organisations at
// paths, every warning that write can change: a branch's warnings hang on
// the people of its subtree (its 党小组 included), any other organisation's
// only on its own rows. So the subtree of each path is synced, or the
// subtree of the highest branch above it when there is one, instead of the
// whole tree (at a million people the whole tree's count held SQLite's one
// writer for a second and more). The size warnings of the 党总支 and 党委
// above those subtrees (R-org-size), which count their whole subtrees,
// follow on the hourly SyncWarnings, counted from the census.
func syncAround(ctx context.Context, tx *db.Tx, today civil.Date, paths ...string) error {
	var roots []string
	for _, path := range paths {
		root, err := branchAbove(ctx, tx, path)
		if err != nil {
			return err
		}
		roots = append(roots, root)
	}
	sort.Slice(roots, func(i, j int) bool { return len(roots[i]) < len(roots[j]) })
	var synced []scope.Subtree
next:
	for _, root := range roots {
		for _, s := range synced {
			if s.Contains(root) {
				continue next
			}
		}
		sc := scope.Under(root)
		if err := syncWarnings(ctx, tx, today, sc); err != nil {
			return err
		}
		synced = append(synced, sc)
	}
	return nil
}

// Around is the subtree whose branch-level figures a write on the
// organisation id can change: that of the highest branch above it (itself
// included), or its own when there is none.
func Around(ctx context.Context, q db.Querier, id int64) (scope.Subtree, error) {
	o, err := Get(ctx, q, id)
	if err != nil {
		return scope.Subtree{}, err
	}
	root, err := branchAbove(ctx, q, o.Path)
	return scope.Under(root), err
}

// branchAbove is the path of the highest branch on the way from the root
// down to the organisation at path (itself included), or path when there is
// none.
func branchAbove(ctx context.Context, q db.Querier, path string) (string, error) {
	w, args := scope.Under(path).Lineage("path")
	rows, err := q.QueryContext(ctx, "SELECT path, kind FROM orgs WHERE "+w, args...)
	line, err := db.Collect(rows, err, func(r db.Scanner) (o Org, err error) { return o, r.Scan(&o.Path, &o.Kind) })
	top := path
	for _, o := range line {
		if IsBranch(o.Kind) && len(o.Path) <= len(top) {
			top = o.Path
		}
	}
	return top, err
}

func warningKey(orgID int64, kind string) string { return fmt.Sprintf("%s:%d", kind, orgID) }

func openWarningKeys(ctx context.Context, q db.Querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT dedup_key FROM todos WHERE source = ? AND done_at IS NULL", TodoSource)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}
