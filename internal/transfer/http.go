package transfer

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"hongdun/internal/org"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/pdf"
	"hongdun/internal/platform/web"
)

//go:embed templates
var templates embed.FS

//go:embed static
var files embed.FS

func init() { web.RegisterAssets("transfer", web.Sub(files, "static")) }

var (
	listPage     = web.NewPage(templates, "templates/list.html")
	detailPage   = web.NewPage(templates, "templates/detail.html")
	letterPage   = web.NewPage(templates, "templates/letter.html")
	settingsPage = web.NewPage(templates, "templates/letter_settings.html")
	statsPage    = web.NewPage(templates, "templates/stats.html")
	awayPage     = web.NewPage(templates, "templates/away.html")
)

type handlers struct{ *core.Deps }

// Routes are the transfer pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{d}
	orgParam := web.Param{Name: "org", Description: "党组织编号（含下级），默认本人管辖范围"}
	return []web.Route{
		{Method: "GET", Pattern: "/transfers", Perm: web.PartyRead, Handler: h.listPage},
		{Method: "GET", Pattern: "/transfers.xlsx", Perm: web.PartyRead, Handler: h.export},
		{Method: "POST", Pattern: "/transfers", Perm: web.PartyWrite, Handler: h.createForm},
		{Method: "GET", Pattern: "/transfers/stats", Perm: web.PartyRead, Handler: h.statsPage},
		{Method: "GET", Pattern: "/transfers/away", Perm: web.PartyRead, Handler: h.awayPage},
		{Method: "GET", Pattern: "/api/v1/transfers/away", Perm: web.PartyRead, Handler: h.apiAway, Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "流动党员和失联党员，及失联满 6 个月停止党籍、满 2 年除名的期限", Query: []web.Param{orgParam}, Reply: []Away{}}},
		{Method: "GET", Pattern: "/transfers/{id}", Perm: web.PartyRead, Handler: h.detailPage},
		{Method: "GET", Pattern: "/transfers/{id}/letter", Perm: web.PartyRead, Handler: h.letterPage},
		{Method: "GET", Pattern: "/transfers/letters", Perm: web.PartyRead, Handler: h.lettersPage},
		{Method: "GET", Pattern: "/transfers/{id}/letter.pdf", Perm: web.PartyRead, Handler: h.letterPDF},
		{Method: "GET", Pattern: "/transfers/letters.pdf", Perm: web.PartyRead, Handler: h.lettersPDF},
		{Method: "GET", Pattern: "/transfers/letter-settings", Perm: web.PartyRead, Handler: h.settingsPage},
		{Method: "POST", Pattern: "/transfers/letter-settings", Perm: web.PartyWrite, Handler: h.settingsForm},
		{Method: "GET", Pattern: "/api/v1/transfers/letter-settings", Perm: web.PartyRead, Handler: h.apiSettings, Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "开具介绍信的党组织的字号、有效期天数和下一份介绍信的编号", Query: []web.Param{orgParam}, Reply: []LetterSettings{}}},
		{Method: "POST", Pattern: "/api/v1/transfers/letter-settings", Perm: web.PartyWrite, Handler: h.apiSetSettings, Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "设置本党委介绍信的字号（“字”之前的部分）和有效期天数（1–180，默认 30）", Body: SettingsRequest{}, Reply: []LetterSettings{}}},
		{Method: "POST", Pattern: "/transfers/{id}/{action}", Perm: web.PartyWrite, Handler: h.actForm},
		{Method: "GET", Pattern: "/api/v1/transfers", Perm: web.PartyRead, Handler: h.apiList, Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "转接列表（转出或转入一方在管辖范围内）", Query: []web.Param{orgParam, {Name: "open", Description: "1：只列正在办理的"}}, Reply: []Transfer{}}},
		{Method: "POST", Pattern: "/api/v1/transfers", Perm: web.PartyWrite, Handler: core.Posted(d, http.StatusCreated, Create), Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "发起转接：inside 系统内、out 转出本系统、in 从系统外转入", Body: NewTransfer{}, Reply: Transfer{}}},
		{Method: "GET", Pattern: "/api/v1/transfers/stats", Perm: web.PartyRead, Handler: h.apiStats, Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "按月份和组织统计转入转出，以及办理中和超期的数量", Query: []web.Param{orgParam}, Reply: Stats{}}},
		{Method: "GET", Pattern: "/api/v1/transfers/{id}", Perm: web.PartyRead, Handler: h.apiGet, Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "查询转接（actions 为本人可办理的操作）", Reply: Transfer{}}},
		{Method: "POST", Pattern: "/api/v1/transfers/{id}/{action}", Perm: web.PartyWrite, Handler: h.apiAct, Doc: &web.Doc{Tag: "组织关系转接",
			Summary: "办理一步：review 审核、send 转出、receive 接收、return 退回、withdraw 撤回", Body: ActRequest{}, Reply: Transfer{}}},
	}
}

func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

func orgParam(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("org")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fail.Malformed("org", "组织编号应为正整数")
	}
	return id, nil
}

// ofOrg is what read gives the caller for the organisation the query
// names (none: the caller's whole scope).
func ofOrg[T any](h *handlers, r *http.Request, read func(context.Context, *core.Deps, *auth.Principal, int64) (T, error)) (T, error) {
	org, err := orgParam(r)
	if err != nil {
		var none T
		return none, err
	}
	return read(r.Context(), h.Deps, web.Principal(r), org)
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	ts, pg, err := h.listed(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": ts, "total": pg.Total, "page": pg.Page, "per_page": pg.PerPage})
	return nil
}

// listed is the page of transfers the query asks for (org, open, page).
func (h *handlers) listed(r *http.Request) ([]*Transfer, web.Pager, error) {
	pg, err := web.Paging(r)
	if err != nil {
		return nil, pg, err
	}
	f, err := listFilter(r)
	if err != nil {
		return nil, pg, err
	}
	f.Offset, f.Limit = pg.Offset(), pg.PerPage
	ts, total, err := List(r.Context(), h.Deps, web.Principal(r), f)
	pg.Total = total
	return ts, pg, err
}

func listFilter(r *http.Request) (ListFilter, error) {
	org, err := orgParam(r)
	return ListFilter{OrgID: org, OpenOnly: r.URL.Query().Get("open") == "1"}, err
}

// export downloads every transfer the list's filters select, audited.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, err := listFilter(r)
	if err != nil {
		return err
	}
	ts, _, err := List(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "transfer.export", ObjectType: "transfer",
		Detail: map[string]any{"org": f.OrgID, "open": f.OpenOnly, "rows": len(ts)}}); err != nil {
		return err
	}
	rows := make([][]any, len(ts))
	for i, t := range ts {
		from, to := t.FromOrg, t.ToOrg
		if from == "" {
			from = t.OutsideOrg
		}
		if to == "" {
			to = t.OutsideOrg
		}
		overdue := ""
		if t.Overdue {
			overdue = "超期"
		}
		rows[i] = []any{i + 1, t.AppliedOn, t.PersonName, t.KindLabel, from, to, t.StateLabel, t.DueOn, overdue, t.LetterNo, t.SentOn, t.ClosedOn}
	}
	return cellsafe.SendXLSX(w, "组织关系转接.xlsx", cellsafe.Sheet{Name: "转接", Title: fmt.Sprintf("组织关系转接（共 %d 件）", len(ts)),
		Header: []any{"序号", "申请日期", "姓名", "类型", "转出", "转入", "状态", "办结期限", "超期", "介绍信编号", "开具日期", "办结日期"}, Rows: rows})
}

func (h *handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	t, err := Get(r.Context(), h.Deps, h.DB, web.Principal(r), pathID(r))
	return web.Reply(w, http.StatusOK, t, err)
}

func (h *handlers) apiAct(w http.ResponseWriter, r *http.Request) error {
	var req ActRequest
	if err := web.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	t, err := Act(r.Context(), h.Deps, web.Principal(r), pathID(r), r.PathValue("action"), req)
	return web.Reply(w, http.StatusOK, t, err)
}

func (h *handlers) apiStats(w http.ResponseWriter, r *http.Request) error {
	s, err := ofOrg(h, r, Statistics)
	return web.Reply(w, http.StatusOK, s, err)
}

// --- pages ---

type listView struct {
	Transfers []*Transfer
	Pager     web.Pager
	Filter    ListFilter
	Picker    []org.Option // the organisations of the caller's scope, to narrow the list
	Today     string
	// The create form: what was typed, the members found by PersonQ, the
	// receiving organisations and the choices of a person from outside.
	Form                   url.Values
	PersonQ                string
	People                 []member.Person
	Found                  listing.Total // all matches of PersonQ, People being the first of them
	Orgs                   *web.PickList
	Receiving              string // the search for them (org.Only)
	Educations, Categories []string
}

func (h *handlers) showList(w http.ResponseWriter, r *http.Request, err error) error {
	p := web.Principal(r)
	v := listView{Today: civil.Today(h.Now()).String(), Form: r.PostForm, PersonQ: strings.TrimSpace(r.FormValue("person_q")),
		Educations: member.Educations, Categories: member.PartyCategories}
	var e error
	v.Transfers, v.Pager, e = h.listed(r)
	if e == nil {
		v.Filter, e = listFilter(r)
	}
	if e == nil {
		v.Picker, e = org.Options(r.Context(), h.DB, scope.Of(p))
	}
	if e == nil && p.Writes() {
		v.Orgs, e = receivingPick(r.Context(), h.DB, formID(r, "to_org_id"))
		v.Receiving = receiving.Query()
	}
	if e == nil && p.Writes() {
		v.People, v.Found, e = FindPeople(r.Context(), h.Deps, p, v.PersonQ)
		var fe *fail.Error
		if errors.As(e, &fe) && fe.Kind == fail.KindMalformed && err == nil { // a malformed ID number typed into the search box
			err, e = fail.Malformed("person_q", fe.Message), nil
		}
	}
	if e != nil {
		return e
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, listPage, v, err)
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) error {
	return h.showList(w, r, nil)
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.FormValue(name), 10, 64)
	return id
}

func (h *handlers) createForm(w http.ResponseWriter, r *http.Request) error {
	n := NewTransfer{Kind: r.FormValue("kind"), PersonID: formID(r, "person_id"), ToOrgID: formID(r, "to_org_id"),
		OutsideOrg: r.FormValue("outside_org"), LetterNo: r.FormValue("letter_no"), Reason: r.FormValue("reason"),
		DuesPaidTo: r.FormValue("dues_paid_to"), Name: r.FormValue("name"), IDNumber: r.FormValue("id_number"),
		Status: r.FormValue("status"), JoinDate: r.FormValue("join_date"), FullDate: r.FormValue("full_date"),
		Education: r.FormValue("education"), Category: r.FormValue("category")}
	t, err := Create(r.Context(), h.Deps, web.Principal(r), n)
	if err != nil {
		return h.showList(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/transfers/%d?ok=%s", t.ID, url.QueryEscape("转接已登记")), http.StatusSeeOther)
	return nil
}

type detailView struct {
	T       *Transfer
	Actions []actionView
}

type actionView struct {
	Action, Label string
	NeedsNote     bool
	NextLetterNo  string // sending: the number the letter will get
}

func (h *handlers) showDetail(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	t, e := Get(r.Context(), h.Deps, h.DB, web.Principal(r), id)
	if e != nil {
		return e
	}
	v := detailView{T: t}
	for _, a := range t.CanActAs {
		av := actionView{Action: a, Label: ActionLabel(t.Kind, a), NeedsNote: a == "return" || a == "withdraw"}
		if a == "send" {
			if av.NextLetterNo, e = NextLetterNo(r.Context(), h.Deps, t); e != nil {
				return e
			}
		}
		v.Actions = append(v.Actions, av)
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, detailPage, v, err)
}

func (h *handlers) detailPage(w http.ResponseWriter, r *http.Request) error {
	return h.showDetail(w, r, pathID(r), nil)
}

func (h *handlers) actForm(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r)
	version, _ := strconv.Atoi(r.FormValue("version"))
	_, err := Act(r.Context(), h.Deps, web.Principal(r), id, r.PathValue("action"),
		ActRequest{Version: version, Note: r.FormValue("note")})
	return web.Answer(w, r, err, func(err error) error { return h.showDetail(w, r, id, err) }, fmt.Sprintf("/transfers/%d", id), "已办理")
}

func (h *handlers) letterPage(w http.ResponseWriter, r *http.Request) error {
	return h.printLetters(w, r, []int64{pathID(r)})
}

// letterIDs are the transfers of a batch: ?id=1&id=2.
func letterIDs(r *http.Request) ([]int64, error) {
	var ids []int64
	for _, v := range r.URL.Query()["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, fail.Malformed("id", "转接编号应为正整数")
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// lettersPage prints several letters at once: /transfers/letters?id=1&id=2.
func (h *handlers) lettersPage(w http.ResponseWriter, r *http.Request) error {
	ids, err := letterIDs(r)
	if err != nil {
		return err
	}
	return h.printLetters(w, r, ids)
}

func (h *handlers) letterPDF(w http.ResponseWriter, r *http.Request) error {
	return h.downloadLetters(w, r, []int64{pathID(r)})
}

// lettersPDF downloads several letters as one PDF, a page each.
func (h *handlers) lettersPDF(w http.ResponseWriter, r *http.Request) error {
	ids, err := letterIDs(r)
	if err != nil {
		return err
	}
	return h.downloadLetters(w, r, ids)
}

// downloadLetters sends the letters as a PDF under the print page's rules
// (issued, in scope, revealed only by the issuer), audited as an export.
func (h *handlers) downloadLetters(w http.ResponseWriter, r *http.Request, ids []int64) error {
	reveal := r.URL.Query().Get("reveal") == "1"
	ls, err := Letters(r.Context(), h.Deps, web.Principal(r), ids, reveal)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := writeLettersPDF(&buf, ls); errors.Is(err, pdf.ErrOverflow) {
		return fail.NotAllowed("id", "介绍信的内容（如党组织名称）太长，排不进一页 A4，请用网页上的“打印”")
	} else if err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "transfer.letter_pdf", ObjectType: "transfer", ObjectID: fmt.Sprint(ids[0]),
		Detail: map[string]any{"transfers": ids, "revealed": reveal}}); err != nil {
		return err
	}
	name := "组织关系介绍信.pdf"
	if len(ls) == 1 {
		name = "组织关系介绍信" + ls[0].LetterNo + ".pdf"
	}
	w.Header().Set("Content-Type", "application/pdf")
	web.Attachment(w, name)
	_, err = w.Write(buf.Bytes())
	return err
}

// lettersView is what the print page shows: the letters, whether the caller
// may reveal the ID numbers, and the query to print them again revealed.
type lettersView struct {
	Letters   []Letter
	CanReveal bool
	Revealed  bool
	RevealURL string
	PDFURL    string // the same letters as a PDF
}

func (h *handlers) printLetters(w http.ResponseWriter, r *http.Request, ids []int64) error {
	p, reveal := web.Principal(r), r.URL.Query().Get("reveal") == "1"
	if len(ids) == 0 { // nothing ticked: say where to tick
		return h.Web.Render(w, r, letterPage, lettersView{})
	}
	ls, err := Letters(r.Context(), h.Deps, p, ids, reveal)
	if err != nil {
		return err
	}
	v := lettersView{Letters: ls, Revealed: reveal, CanReveal: !reveal}
	for _, l := range ls {
		v.CanReveal = v.CanReveal && actsAs(p, l.Transfer, sender)
	}
	q := r.URL.Query()
	q.Set("reveal", "1")
	v.RevealURL = r.URL.Path + "?" + q.Encode()
	v.PDFURL = r.URL.Path + ".pdf"
	if r.URL.RawQuery != "" {
		v.PDFURL += "?" + r.URL.RawQuery
	}
	return h.Web.Render(w, r, letterPage, v)
}

type settingsView struct{ Issuers []LetterSettings }

func (h *handlers) showSettings(w http.ResponseWriter, r *http.Request, err error) error {
	is, e := ofOrg(h, r, LetterIssuers)
	if e != nil {
		return e
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, settingsPage, settingsView{is}, err)
}

func (h *handlers) settingsPage(w http.ResponseWriter, r *http.Request) error {
	return h.showSettings(w, r, nil)
}

func (h *handlers) settingsForm(w http.ResponseWriter, r *http.Request) error {
	err := SetLetterSettings(r.Context(), h.Deps, web.Principal(r), formID(r, "org_id"), r.FormValue("prefix"), r.FormValue("valid_days"))
	return web.Answer(w, r, err, func(err error) error { return h.showSettings(w, r, err) }, "/transfers/letter-settings", "介绍信字号已保存")
}

// SettingsRequest sets an issuing organisation's 字号 and 有效期.
type SettingsRequest struct {
	OrgID     int64  `json:"org_id"`
	Prefix    string `json:"prefix"`
	ValidDays int    `json:"valid_days"`
}

func (h *handlers) apiSettings(w http.ResponseWriter, r *http.Request) error {
	is, err := ofOrg(h, r, LetterIssuers)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": is, "total": len(is)})
	return nil
}

func (h *handlers) apiSetSettings(w http.ResponseWriter, r *http.Request) error {
	var req SettingsRequest
	if err := web.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	days := ""
	if req.ValidDays != 0 {
		days = strconv.Itoa(req.ValidDays)
	}
	if err := SetLetterSettings(r.Context(), h.Deps, web.Principal(r), req.OrgID, req.Prefix, days); err != nil {
		return err
	}
	return h.apiSettings(w, r)
}

func (h *handlers) statsPage(w http.ResponseWriter, r *http.Request) error {
	s, err := ofOrg(h, r, Statistics)
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, statsPage, s)
}
