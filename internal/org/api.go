package org

import (
	"context"
	"embed"
	"net/http"
	"strconv"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

type handlers struct {
	*core.Deps
	tree, detail, create *web.Page
}

// Routes returns the organisation pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{Deps: d,
		tree:   web.NewPage(files, "templates/tree.html", "templates/parts.html"),
		detail: web.NewPage(files, "templates/detail.html", "templates/parts.html"),
		create: web.NewPage(files, "templates/new.html", "templates/parts.html"),
	}
	tag := "组织"
	example := orgBody{ParentID: 2, Name: "城关派出所党支部", Kind: Branch, TermStart: "2025-03-12"}
	return []web.Route{
		{Method: "GET", Pattern: "/orgs", Perm: web.PartyRead, Handler: h.treePage},
		{Method: "GET", Pattern: "/orgs/new", Perm: web.PartyWrite, Handler: h.newPage},
		{Method: "POST", Pattern: "/orgs", Perm: web.PartyWrite, Handler: h.createForm},
		{Method: "GET", Pattern: "/orgs/{id}", Perm: web.PartyRead, Handler: h.detailPage},
		{Method: "POST", Pattern: "/orgs/{id}/edit", Perm: web.PartyWrite, Handler: h.editForm},
		{Method: "POST", Pattern: "/orgs/{id}/term", Perm: web.PartyWrite, Handler: h.termForm},
		{Method: "POST", Pattern: "/orgs/{id}/move", Perm: web.PartyWrite, Handler: h.moveForm},
		{Method: "POST", Pattern: "/orgs/{id}/dissolve", Perm: web.PartyWrite, Handler: h.dissolveForm},
		{Method: "POST", Pattern: "/orgs/{id}/committee", Perm: web.PartyWrite, Handler: h.addMemberForm},
		{Method: "POST", Pattern: "/orgs/{id}/committee/{mid}/end", Perm: web.PartyWrite, Handler: h.endMemberForm},

		{Method: "GET", Pattern: "/api/v1/orgs", Perm: web.PartyRead, Handler: h.apiTree, Doc: &web.Doc{Tag: tag,
			Summary: "本人管辖范围内的组织树（嵌套 children，含党员人数与预警）",
			Query:   []web.Param{{Name: "root", Description: "只返回该组织（须在管辖范围内）及其下级"}, {Name: "dissolved", Description: "为 1 时包含已撤销的组织"}},
			Reply:   map[string]any{"items": []map[string]any{{"id": 1, "name": "市公安局党委", "kind": Committee, "kind_label": "党委", "counts": MemberCounts{Full: 120, Probationary: 4, Members: 124}, "warnings": []Warning{}, "children": []any{}}}, "total": 1}}},
		{Method: "GET", Pattern: "/api/v1/orgs/search", Perm: web.Authed, Handler: h.apiSearch, Doc: &web.Doc{Tag: tag,
			Summary: "按名称或拼音首字母查找管辖范围内未撤销的组织（表单的组织选择框用），至多 20 个，附上级组织简称路径；党务管理员、领导查本人管辖范围，系统管理员、安全保密管理员查全局",
			Query: []web.Param{{Name: "q", Description: "名称或简称中的文字，或拼音、拼音首字母（如 sjj）；为空时按层级列出"},
				{Name: "root", Description: "只在该组织（须在管辖范围内）及其下级中查找"},
				{Name: "below", Description: "为 1 时不列出 root 本身，只查其下级"},
				{Name: "kind", Description: "只查这些类型（逗号分隔）：committee 党委、general 党总支、branch 党支部、joint 联合党支部、temp_branch 临时党支部、temp_committee 临时党委、group 党小组"},
				{Name: "approve", Description: "为 1 时只查具有审批发展党员权限的党委"},
				{Name: "bureau", Description: "为 1 时在全局查找组织关系转接的接收组织（仅党务管理员，kind 只能为 branch、joint）"}},
			Reply: map[string]any{"items": []Picked{{ID: 12, Name: "雁塔分局刑侦大队第一党支部", Path: "雁塔分局党委 › 刑侦大队党总支 › 第一党支部"}}, "more": false}}},
		{Method: "GET", Pattern: "/api/v1/orgs/{id}", Perm: web.PartyRead, Handler: h.apiGet, Doc: &web.Doc{Tag: tag,
			Summary: "组织详情：类型、任期、委员会、预警、下级组织与沿革"}},
		{Method: "POST", Pattern: "/api/v1/orgs", Perm: web.PartyWrite, Handler: h.apiCreate, Doc: &web.Doc{Tag: tag,
			Summary: "设立组织（临时党组织须填 task 与 ends_on；任期届满日期由 term_start 按类型推算）", Body: example}},
		{Method: "PATCH", Pattern: "/api/v1/orgs/{id}", Perm: web.PartyWrite, Handler: h.apiPatch, Doc: &web.Doc{Tag: tag,
			Summary: "修改名称、类型、审批权限或任期；须带 version，版本不符返回 409",
			Body:    map[string]any{"version": 3, "name": "城关派出所党支部", "can_approve": false, "term_start": "2025-03-12"}}},
		{Method: "POST", Pattern: "/api/v1/orgs/{id}/move", Perm: web.PartyWrite, Handler: h.apiMove, Doc: &web.Doc{Tag: tag,
			Summary: "调整隶属关系（连同全部下级组织）", Body: moveBody{ParentID: 5, Version: 3}}},
		{Method: "POST", Pattern: "/api/v1/orgs/{id}/dissolve", Perm: web.PartyWrite, Handler: h.apiDissolve, Doc: &web.Doc{Tag: tag,
			Summary: "撤销组织（须先转出全部人员、撤销全部下级组织；记录保留）", Body: dissolveBody{DissolvedOn: "2026-03-01", Version: 3}}},
		{Method: "GET", Pattern: "/api/v1/orgs/{id}/committee", Perm: web.PartyRead, Handler: h.apiCommittee, Doc: &web.Doc{Tag: tag,
			Summary: "委员会成员（现任在前，含已离任）"}},
		{Method: "POST", Pattern: "/api/v1/orgs/{id}/committee", Perm: web.PartyWrite, Handler: h.apiAddMember, Doc: &web.Doc{Tag: tag,
			Summary: "任命委员（须为本组织及下级组织的正式党员；现任书记至多一名）", Body: memberBody{PersonID: 12, Post: Secretary, TermStart: "2025-03-12"}}},
		{Method: "POST", Pattern: "/api/v1/orgs/{id}/committee/{mid}/end", Perm: web.PartyWrite, Handler: h.apiEndMember, Doc: &web.Doc{Tag: tag,
			Summary: "委员离任", Body: endBody{EndedOn: "2026-03-01"}}},
	}
}

func init() { web.RegisterAssets("org", web.Sub(files, "static")) }

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func (h *handlers) today() civil.Date { return civil.Today(h.Now()) }

// Detail is one organisation as the detail page and API show it.
type Detail struct {
	*Node
	Parent    *Org              `json:"parent,omitempty"` // when inside the caller's scope
	Ancestors []Org             `json:"ancestors"`        // from the caller's scope root down to the parent
	Committee []CommitteeMember `json:"committee"`
	History   []HistoryEntry    `json:"history"`
}

func (h *handlers) loadDetail(ctx context.Context, p *auth.Principal, id int64) (*Detail, *Tree, error) {
	o, err := loadScoped(ctx, h.DB, p, id)
	if err != nil {
		return nil, nil, err
	}
	t, err := BuildTree(ctx, h.DB, h.Census, scope.Of(p), h.today(), true)
	if err != nil {
		return nil, nil, err
	}
	d := &Detail{Node: t.All[o.ID], Ancestors: []Org{}}
	if p, ok := t.All[o.ParentID]; ok {
		d.Parent = p.Org
	}
	for pid := o.ParentID; pid != 0; {
		a, ok := t.All[pid]
		if !ok {
			break
		}
		d.Ancestors = append([]Org{*a.Org}, d.Ancestors...)
		pid = a.ParentID
	}
	if d.Committee, err = CommitteeOf(ctx, h.DB, o.ID, h.Today()); err != nil {
		return nil, nil, err
	}
	if d.History, err = History(ctx, h.DB, o.ID); err != nil {
		return nil, nil, err
	}
	if d.Committee == nil {
		d.Committee = []CommitteeMember{}
	}
	return d, t, nil
}

// treeOf builds the tree of the caller's scope, or of the organisation named
// by ?root= when it lies inside that scope.
func (h *handlers) treeOf(r *http.Request) (*Tree, error) {
	p, q := web.Principal(r), r.URL.Query()
	sc := scope.Of(p)
	if q.Get("root") != "" {
		id, _ := strconv.ParseInt(q.Get("root"), 10, 64)
		o, err := loadScoped(r.Context(), h.DB, p, id)
		if err != nil {
			return nil, err
		}
		sc = sc.Narrow(o.Path)
	}
	return BuildTree(r.Context(), h.DB, h.Census, sc, h.today(), q.Get("dissolved") == "1")
}

func (h *handlers) apiTree(w http.ResponseWriter, r *http.Request) error {
	t, err := h.treeOf(r)
	if err != nil {
		return err
	}
	roots := t.Roots
	if roots == nil {
		roots = []*Node{}
	}
	orgs, groups := t.Counted()
	web.JSON(w, http.StatusOK, map[string]any{"items": roots, "total": len(t.All), "orgs": orgs, "groups": groups})
	return nil
}

// searchMax bounds what a picker's search box sends (a name is shorter).
const searchMax = 50

func (h *handlers) apiSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	text, err := input.Text("q", "查找内容", q.Get("q"), false, searchMax, false)
	if err != nil {
		return err
	}
	only, err := ParseOnly(q)
	if err != nil {
		return err
	}
	sc, err := pickScope(r.Context(), h.DB, web.Principal(r), only)
	if err != nil {
		return err
	}
	found, more, err := Search(r.Context(), h.DB, sc, text, only)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": found, "more": more})
	return nil
}

// pickScope is the subtree a picker of p searches, narrowed to only.Root
// (0 for none): the caller's scope; the whole bureau for the 系统管理员 and
// the 安全保密管理员, who bind accounts to any organisation, and for a
// 党务管理员's receiving branch of a transfer (only.Bureau). Anyone else
// picks no organisation.
func pickScope(ctx context.Context, q db.Querier, p *auth.Principal, only Only) (scope.Subtree, error) {
	root := only.Root
	switch {
	case p.Role == auth.SysAdmin || p.Role == auth.SecAdmin || only.Bureau && p.Writes():
	case only.Bureau || !p.ReadsMembers():
		return scope.Subtree{}, fail.Forbidden()
	default:
		return Narrow(ctx, q, p, root)
	}
	if root == 0 {
		return scope.All(), nil
	}
	path, err := PathOf(ctx, q, root)
	if err != nil {
		return scope.Subtree{}, err
	}
	return scope.All().Narrow(path), nil
}

func (h *handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	d, _, err := h.loadDetail(r.Context(), web.Principal(r), pathID(r, "id"))
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, d)
	return nil
}

type orgBody struct {
	ParentID   int64  `json:"parent_id"`
	Name       string `json:"name"`
	ShortName  string `json:"short_name,omitempty"`
	Kind       string `json:"kind"`
	CanApprove bool   `json:"can_approve,omitempty"`
	Task       string `json:"task,omitempty"`
	EndsOn     string `json:"ends_on,omitempty"`
	Sort       int    `json:"sort,omitempty"`
	TermStart  string `json:"term_start,omitempty"`
	TermEnd    string `json:"term_end,omitempty"`
}

func (h *handlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var b orgBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	o, err := Create(r.Context(), h.Deps, web.Principal(r), NewOrg{ParentID: b.ParentID, TermStart: b.TermStart, TermEnd: b.TermEnd,
		Input: Input{Name: b.Name, ShortName: b.ShortName, Kind: b.Kind, CanApprove: b.CanApprove, Task: b.Task, EndsOn: b.EndsOn, Sort: b.Sort}})
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusCreated, o)
	return nil
}

type patchBody struct {
	Version    *int    `json:"version"`
	Name       *string `json:"name,omitempty"`
	ShortName  *string `json:"short_name,omitempty"`
	Kind       *string `json:"kind,omitempty"`
	CanApprove *bool   `json:"can_approve,omitempty"`
	Task       *string `json:"task,omitempty"`
	EndsOn     *string `json:"ends_on,omitempty"`
	Sort       *int    `json:"sort,omitempty"`
	TermStart  *string `json:"term_start,omitempty"`
	TermEnd    *string `json:"term_end,omitempty"`
}

func (h *handlers) apiPatch(w http.ResponseWriter, r *http.Request) error {
	var b patchBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.Version == nil {
		return fail.Malformed("version", "缺少 version：请带上读取时的版本号，以免覆盖他人的修改")
	}
	o, err := Update(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), Patch{Version: *b.Version, Name: b.Name, ShortName: b.ShortName,
		Kind: b.Kind, CanApprove: b.CanApprove, Task: b.Task, EndsOn: b.EndsOn, Sort: b.Sort, TermStart: b.TermStart, TermEnd: b.TermEnd})
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, o)
	return nil
}

type moveBody struct {
	ParentID int64 `json:"parent_id"`
	Version  int   `json:"version,omitempty"`
}

func (h *handlers) apiMove(w http.ResponseWriter, r *http.Request) error {
	var b moveBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	o, err := Move(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), b.ParentID, b.Version)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, o)
	return nil
}

type dissolveBody struct {
	DissolvedOn string `json:"dissolved_on,omitempty"`
	Version     int    `json:"version,omitempty"`
}

func (h *handlers) apiDissolve(w http.ResponseWriter, r *http.Request) error {
	var b dissolveBody
	if err := decodeOptional(w, r, &b); err != nil {
		return err
	}
	o, err := Dissolve(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), b.DissolvedOn, b.Version)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, o)
	return nil
}

func (h *handlers) apiCommittee(w http.ResponseWriter, r *http.Request) error {
	o, err := loadScoped(r.Context(), h.DB, web.Principal(r), pathID(r, "id"))
	if err != nil {
		return err
	}
	ms, err := CommitteeOf(r.Context(), h.DB, o.ID, h.Today())
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []CommitteeMember{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": ms, "total": len(ms)})
	return nil
}

type memberBody struct {
	PersonID  int64  `json:"person_id"`
	Post      string `json:"post"`
	TermStart string `json:"term_start,omitempty"`
	TermEnd   string `json:"term_end,omitempty"`
}

func (h *handlers) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	var b memberBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	m, err := AddMember(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), NewMember(b))
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusCreated, m)
	return nil
}

type endBody struct {
	EndedOn string `json:"ended_on,omitempty"`
}

func (h *handlers) apiEndMember(w http.ResponseWriter, r *http.Request) error {
	var b endBody
	if err := decodeOptional(w, r, &b); err != nil {
		return err
	}
	m, err := EndMember(r.Context(), h.Deps, web.Principal(r), pathID(r, "id"), pathID(r, "mid"), b.EndedOn)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, m)
	return nil
}

// decodeOptional reads a JSON body that may be left out altogether.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return web.DecodeJSON(w, r, v)
}
