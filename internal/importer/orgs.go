package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/roster"
)

// node is an organisation the import can attach members to: one under the
// chosen organisation, or one the 组织 sheet creates.
type node struct {
	id   int64 // 0 for an organisation a dry run would create
	name string
	kind string
	path string
}

// tree is the chosen organisation's subtree, by name.
type tree struct {
	root   *node
	byName map[string][]*node
	suffix map[string][]*node // branch names written short, resolved once
}

func loadTree(ctx context.Context, q db.Querier, orgID int64) (*tree, error) {
	t := &tree{byName: map[string][]*node{}, suffix: map[string][]*node{}}
	root, err := org.Get(ctx, q, orgID)
	if errors.Is(err, db.ErrNotFound) || err == nil && root.Dissolved() {
		return nil, fmt.Errorf("导入的目标党组织不存在或已撤销")
	}
	if err != nil {
		return nil, err
	}
	live, err := org.Options(ctx, q, scope.Under(root.Path))
	if err != nil {
		return nil, err
	}
	for _, o := range live {
		n := &node{id: o.ID, name: o.Name, kind: o.Kind, path: o.Path}
		t.add(n, o.ShortName)
		if n.id == orgID {
			t.root = n
		}
	}
	return t, nil
}

func (t *tree) add(n *node, alias string) {
	t.byName[n.name] = append(t.byName[n.name], n)
	if alias != "" && alias != n.name {
		t.byName[alias] = append(t.byName[alias], n)
	}
}

// kinds maps the labels offices write in 组织类型 to organisation kinds.
var kinds = map[string]string{"党委": "committee", "基层党委": "committee", "党总支": "general", "总支": "general",
	"党支部": "branch", "支部": "branch", "联合党支部": "joint", "临时党支部": "temp_branch", "临时党委": "temp_committee", "党小组": "group"}

// plan creates (or on a dry run, pretends to create) the organisations of
// the 组织 sheet that do not exist yet. A row with an empty 上级组织 goes
// under the chosen organisation; a name that already exists is reused.
func (t *tree) plan(ctx context.Context, tx *db.Tx, d *core.Deps, rows []roster.OrgRow) (int, []roster.Problem, error) {
	created := 0
	var ps []roster.Problem
	todo := rows
	for len(todo) > 0 {
		var later []roster.OrgRow
		for _, r := range todo {
			if len(t.byName[r.Name]) > 0 {
				continue
			}
			parent := t.root
			if r.Parent != "" {
				ns := t.byName[r.Parent]
				if len(ns) == 0 {
					later = append(later, r)
					continue
				}
				parent = ns[0]
			}
			kind := kinds[strings.TrimSpace(r.Kind)]
			if kind == "" {
				kind = guessKind(r.Name)
			}
			if kind == "" {
				ps = append(ps, roster.Problem{Row: r.Row, Column: roster.OrgSheetName + "·" + roster.Label(roster.OrgKind), Field: roster.OrgKind,
					Message: fmt.Sprintf("组织类型“%s”无法识别（应为党委、党总支、党支部、联合党支部、党小组等）", r.Kind)})
				continue
			}
			n := &node{name: r.Name, kind: kind}
			if tx != nil {
				if err := insertOrg(ctx, tx, d, parent, n); err != nil {
					return 0, nil, err
				}
			}
			t.add(n, "")
			created++
		}
		if len(later) == len(todo) {
			for _, r := range later {
				ps = append(ps, roster.Problem{Row: r.Row, Column: roster.OrgSheetName + "·" + roster.Label(roster.OrgParent), Field: roster.OrgParent,
					Message: fmt.Sprintf("上级组织“%s”既不在组织工作表中，也不在所选党组织之下", r.Parent)})
			}
			break
		}
		todo = later
	}
	return created, ps, nil
}

// guessKind reads the kind from the end of a name, as 组织类型 is often left blank.
func guessKind(name string) string {
	for _, suffix := range []string{"联合党支部", "临时党支部", "临时党委", "党总支", "党支部", "党小组", "党委"} {
		if strings.HasSuffix(name, suffix) {
			return kinds[suffix]
		}
	}
	return ""
}

func insertOrg(ctx context.Context, tx *db.Tx, d *core.Deps, parent, n *node) error {
	now := d.Now().UnixMilli()
	id, err := db.InsertID(ctx, tx, "INSERT INTO orgs (parent_id, name, kind, can_approve, path, created_at, updated_at) VALUES (?,?,?,0,'',?,?)",
		parent.id, n.name, n.kind, now, now)
	if err != nil {
		return err
	}
	n.id, n.path = id, fmt.Sprintf("%s%d/", parent.path, id)
	if _, err := tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", n.path, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO org_history (org_id, at, action, detail, actor_id) VALUES (?,?,?,?,?)",
		id, now, "create", "花名册导入", nullActor(ctx)); err != nil {
		return err
	}
	return d.Audit.Write(ctx, tx, audit.Event{Action: "org.create", ObjectType: "org", ObjectID: fmt.Sprint(id),
		Detail: audit.Change{After: map[string]any{"name": n.name, "kind": n.kind, "parent_id": parent.id, "source": "import"}}})
}

func nullActor(ctx context.Context) any {
	if a := audit.ActorFrom(ctx); a.ID != 0 {
		return a.ID
	}
	return nil
}

// lookup finds the organisations a name may mean: by full or short name,
// or by the end of a full name (城关派出所党支部 for 雁塔区公安分局城关派出所党支部).
func (t *tree) lookup(name string) []*node {
	ns := t.byName[name]
	if len(ns) == 0 && utf8.RuneCountInString(name) >= 3 {
		var ok bool
		if ns, ok = t.suffix[name]; !ok {
			seen := map[*node]bool{}
			for full, cand := range t.byName {
				for _, n := range cand {
					if strings.HasSuffix(full, name) && !seen[n] {
						seen[n] = true
						ns = append(ns, n)
					}
				}
			}
			t.suffix[name] = ns
		}
	}
	return ns
}

// home is the one organisation of ns people can belong to, or why not
// (several of that name; one people are not kept in), in Chinese.
func home(name string, ns []*node) (*node, string) {
	if len(ns) > 1 {
		return nil, fmt.Sprintf("所选党组织下有 %d 个名为“%s”的组织，无法确定是哪一个：请写全称", len(ns), name)
	}
	var e *fail.Error
	if errors.As(org.CheckHome(&org.Org{Name: ns[0].name, Kind: ns[0].kind}), &e) {
		return nil, e.Message + "（依据" + e.Citation + "）"
	}
	return ns[0], ""
}

// branch finds the organisation a row names.
func (t *tree) branch(l *roster.Layout, r *roster.Record) (*node, *roster.Problem) {
	ns := t.lookup(r.Branch)
	if p := l.CheckBranch(r, func(string) bool { return len(ns) > 0 }); p != nil {
		return nil, p
	}
	if len(ns) == 0 {
		return nil, nil
	}
	n, msg := home(r.Branch, ns)
	if msg != "" {
		return nil, &roster.Problem{Row: r.Row, Column: columnOf(l, roster.Branch), Field: roster.Branch, Message: msg}
	}
	return n, nil
}

// Tree is an organisation's live subtree by name, for another kind of
// import to find the branch each row names as the roster import does.
type Tree struct{ t *tree }

// LoadTree reads the live subtree of an organisation.
func LoadTree(ctx context.Context, q db.Querier, orgID int64) (*Tree, error) {
	t, err := loadTree(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	return &Tree{t}, nil
}

// Branch finds the organisation people belong to that a row names: its
// id, or 0 with why not in Chinese ("" when no organisation of the
// subtree has that name).
func (t *Tree) Branch(name string) (int64, string) {
	ns := t.t.lookup(name)
	if len(ns) == 0 {
		return 0, ""
	}
	n, msg := home(name, ns)
	if n == nil {
		return 0, msg
	}
	return n.id, ""
}
