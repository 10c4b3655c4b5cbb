package org

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

type treeView struct {
	Tree      *Tree
	Dissolved bool
	Orgs      int   // 党组织 (Counted)
	Groups    int   // 党小组
	Root      int64 // the one root shown, for the links of the figures; 0 for the whole scope
	Members   MemberCounts
	Pruned    bool // the deepest levels are left off
}

// pageNodes is how many organisations the tree page shows at most: a
// bureau of ~19,000 organisations made a 13 MB page that a browser takes
// seconds to lay out.
const pageNodes = 2000

// prune keeps the levels of the tree that fit in max nodes, from the top:
// the last level kept counts what it hides, and the page links each such
// organisation to the tree rooted at it. It reports whether anything was
// left off.
func prune(t *Tree, max int) bool {
	level, shown := t.Roots, len(t.Roots)
	for len(level) > 0 {
		var next []*Node
		for _, n := range level {
			next = append(next, n.Children...)
		}
		if shown+len(next) > max {
			for _, n := range level {
				n.Hidden = below(n)
				n.Children = nil
			}
			return len(next) > 0
		}
		shown += len(next)
		level = next
	}
	return false
}

func below(n *Node) int {
	c := len(n.Children)
	for _, ch := range n.Children {
		c += below(ch)
	}
	return c
}

func (h *handlers) treePage(w http.ResponseWriter, r *http.Request) error {
	dissolved := r.URL.Query().Get("dissolved") == "1"
	t, err := h.treeOf(r)
	if err != nil {
		return err
	}
	v := treeView{Tree: t, Dissolved: dissolved, Pruned: prune(t, pageNodes)}
	v.Orgs, v.Groups = t.Counted()
	if len(t.Roots) == 1 {
		v.Root = t.Roots[0].ID
	}
	for _, n := range t.Roots {
		v.Members.Full += n.Counts.Full
		v.Members.Probationary += n.Counts.Probationary
		v.Members.Members += n.Counts.Members
	}
	return h.Web.Render(w, r, h.tree, v)
}

type option struct {
	ID    int64
	Value string
	Label string
}

// ChoiceID, ChoiceName and ChoiceIndent make a parent to move under a
// web.Choice: its name with its ancestors (pathLabel).
func (o option) ChoiceID() int64 { return o.ID }

// ChoiceName is the option's label.
func (o option) ChoiceName() string { return o.Label }

// ChoiceIndent is "": the label names the ancestors.
func (o option) ChoiceIndent() string { return "" }

type detailView struct {
	*Detail
	Kinds   []option // kinds this organisation may change to
	Parents []option // where it may move
	Under   string   // the search for them (Only)
	Persons []option // who may join its committee
	Posts   []string
	Today   string
	Form    url.Values // the refused form, to show again
	// Root is set on the root of the caller's scope: its kind, 审批权限 and
	// parent belong to the level above, so the page offers no control for them.
	Root     bool
	CanGrant bool // the caller may give this organisation 审批权限
}

// Val is what a form field shows: the refused submission of that form, or
// else the current value.
func (v detailView) Val(form, key, current string) string {
	if v.Form.Get("form") == form {
		return v.Form.Get(key)
	}
	return current
}

func (h *handlers) detailPage(w http.ResponseWriter, r *http.Request) error {
	return h.showDetail(w, r, nil)
}

// showDetail renders the detail page, with err above the forms when a
// submitted form was refused.
func (h *handlers) showDetail(w http.ResponseWriter, r *http.Request, err error) error {
	p := web.Principal(r)
	d, t, lerr := h.loadDetail(r.Context(), p, pathID(r, "id"))
	if lerr != nil {
		return lerr
	}
	v := detailView{Detail: d, Posts: Posts, Today: h.Today(), Form: r.PostForm}
	v.Root = d.ParentID == 0 || t.All[d.ParentID] == nil
	if p.Writes() && !d.Dissolved() && !v.Root {
		v.CanGrant = d.CanApprove || checkGrant(r.Context(), h.DB, p, d.ParentID, d.Name) == nil
	}
	if p.Writes() && !d.Dissolved() {
		for _, k := range Kinds {
			if d.ParentID == 0 || t.All[d.ParentID] == nil || allowedUnder(k, t.All[d.ParentID].Kind) {
				v.Kinds = append(v.Kinds, option{Value: k, Label: KindLabel(k)})
			}
		}
		for _, n := range t.All {
			if !n.Dissolved() && !scope.Under(d.Path).Contains(n.Path) && n.ID != d.ParentID && allowedUnder(d.Kind, n.Kind) {
				v.Parents = append(v.Parents, option{ID: n.ID, Label: pathLabel(t, n)})
			}
		}
		sortOptions(v.Parents)
		v.Under = Only{Kinds: allowedParents[d.Kind]}.Query()
		ps, perr := fullMembers(r.Context(), h.DB, scope.Under(d.Path))
		if perr != nil {
			return perr
		}
		for _, x := range ps {
			v.Persons = append(v.Persons, option{ID: x.ID, Label: x.Name + "（" + x.OrgName + "）"})
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, h.detail, v, err)
}

// pathLabel names an organisation with its ancestors inside the tree, so that
// two branches of the same name can be told apart.
func pathLabel(t *Tree, n *Node) string {
	parts := []string{n.Name}
	for p := t.All[n.ParentID]; p != nil; p = t.All[p.ParentID] {
		parts = append([]string{p.Name}, parts...)
	}
	return strings.Join(parts, " / ")
}

func sortOptions(os []option) {
	for i := 1; i < len(os); i++ {
		for j := i; j > 0 && os[j].Label < os[j-1].Label; j-- {
			os[j], os[j-1] = os[j-1], os[j]
		}
	}
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.FormValue(name)))
	return n
}

func formID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return n
}

func done(w http.ResponseWriter, r *http.Request, id int64, msg string) error {
	http.Redirect(w, r, fmt.Sprintf("/orgs/%d?ok=%s", id, url.QueryEscape(msg)), http.StatusSeeOther)
	return nil
}

func (h *handlers) editForm(w http.ResponseWriter, r *http.Request) error {
	name, short, task, ends := r.FormValue("name"), r.FormValue("short_name"), r.FormValue("task"), r.FormValue("ends_on")
	sort := formInt(r, "sort")
	pt := Patch{Version: formInt(r, "version"), Name: &name, ShortName: &short, Task: &task, EndsOn: &ends, Sort: &sort}
	// The form carries kind and 审批权限 only where the caller may change
	// them; a form without them leaves both as they are (Update still
	// refuses a forged one).
	if _, ok := r.PostForm["kind"]; ok {
		kind, approve := r.FormValue("kind"), r.FormValue("can_approve") == "1"
		pt.Kind, pt.CanApprove = &kind, &approve
	}
	_, err := Update(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), pt)
	if err != nil {
		return h.showDetail(w, r, err)
	}
	return done(w, r, pathID(r, "id"), "组织信息已保存")
}

func (h *handlers) termForm(w http.ResponseWriter, r *http.Request) error {
	start, end := r.FormValue("term_start"), r.FormValue("term_end")
	_, err := Update(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), Patch{Version: formInt(r, "version"), TermStart: &start, TermEnd: &end})
	if err != nil {
		return h.showDetail(w, r, err)
	}
	return done(w, r, pathID(r, "id"), "任期已保存")
}

func (h *handlers) moveForm(w http.ResponseWriter, r *http.Request) error {
	version := formInt(r, "version")
	if version == 0 {
		return h.showDetail(w, r, fail.Malformed("version", "表单缺少版本号，请刷新页面后重试"))
	}
	if _, err := Move(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), formID(r, "parent_id"), version); err != nil {
		return h.showDetail(w, r, err)
	}
	return done(w, r, pathID(r, "id"), "隶属关系已调整")
}

func (h *handlers) dissolveForm(w http.ResponseWriter, r *http.Request) error {
	version := formInt(r, "version")
	if version == 0 {
		return h.showDetail(w, r, fail.Malformed("version", "表单缺少版本号，请刷新页面后重试"))
	}
	if _, err := Dissolve(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), r.FormValue("dissolved_on"), version); err != nil {
		return h.showDetail(w, r, err)
	}
	return done(w, r, pathID(r, "id"), "组织已撤销")
}

func (h *handlers) addMemberForm(w http.ResponseWriter, r *http.Request) error {
	_, err := AddMember(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), NewMember{PersonID: formID(r, "person_id"),
		Post: r.FormValue("post"), TermStart: r.FormValue("term_start"), TermEnd: r.FormValue("term_end")})
	if err != nil {
		return h.showDetail(w, r, err)
	}
	return done(w, r, pathID(r, "id"), "委员已任命")
}

func (h *handlers) endMemberForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := EndMember(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), pathID(r, "mid"), r.FormValue("ended_on")); err != nil {
		return h.showDetail(w, r, err)
	}
	return done(w, r, pathID(r, "id"), "已登记离任")
}

type newView struct {
	Parent   *Org
	Kinds    []option
	Form     url.Values
	CanGrant bool // the caller may give the new organisation 审批权限
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) error {
	return h.showNew(w, r, formID(r, "parent"), nil)
}

func (h *handlers) showNew(w http.ResponseWriter, r *http.Request, parentID int64, err error) error {
	parent, perr := loadWritable(r.Context(), h.DB, web.Principal(r), parentID)
	if perr != nil {
		return perr
	}
	v := newView{Parent: parent, Form: r.PostForm, CanGrant: checkGrant(r.Context(), h.DB, web.Principal(r), parent.ID, "") == nil}
	for _, k := range Kinds {
		if allowedUnder(k, parent.Kind) {
			v.Kinds = append(v.Kinds, option{Value: k, Label: KindLabel(k)})
		}
	}
	if v.Kinds == nil {
		perr := fail.Rule("R-ORG-GROUP", citeBranch, "党小组之下不能再设组织")
		return perr
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, h.create, v, err)
}

func (h *handlers) createForm(w http.ResponseWriter, r *http.Request) error {
	parentID := formID(r, "parent_id")
	o, err := Create(r.Context(), h.Deps, web.Principal(r), NewOrg{ParentID: parentID, TermStart: r.FormValue("term_start"), TermEnd: r.FormValue("term_end"),
		Input: Input{Name: r.FormValue("name"), ShortName: r.FormValue("short_name"), Kind: r.FormValue("kind"),
			CanApprove: r.FormValue("can_approve") == "1", Task: r.FormValue("task"), EndsOn: r.FormValue("ends_on"), Sort: formInt(r, "sort")}})
	if err != nil {
		return h.showNew(w, r, parentID, err)
	}
	return done(w, r, o.ID, "「"+o.Name+"」已设立")
}
