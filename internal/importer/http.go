package importer

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
	"hongdun/internal/roster"
)

//go:embed templates
var templates embed.FS

var (
	listPage = web.NewPage(templates, "templates/imports.html", "templates/state.html")
	jobPage  = web.NewPage(templates, "templates/job.html", "templates/state.html")
)

// MaxUpload is the largest file accepted (a 100,000-row roster is ~10 MB).
const MaxUpload = 50 << 20

type handlers struct {
	*core.Deps
	jobs *Service
}

// Routes are the import pages and API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{Deps: d, jobs: NewService(d)}
	formParams := []web.Param{{Name: "file", Description: "multipart 文件字段：.xlsx、.xls 或 .csv（UTF-8/GBK）"},
		{Name: "kind", Description: "导入类型：roster 党员花名册（默认）；development 发展党员工作台账（在办发展档案，每行一人，各步骤日期逐列）；dues_bases 党费基数；dues_payments 党费交纳记录"},
		{Name: "year", Description: "年度（党费导入：基数的年度；交纳记录中只写月份的行属于该年），默认今年"},
		{Name: "dry_run", Description: "true：只检查并预览，不写入"}, {Name: "org_id", Description: "导入到的党组织，默认本人管辖的组织"},
		{Name: "update_existing", Description: "true：按公民身份号码更新已登记人员"}}
	return []web.Route{
		{Method: "GET", Pattern: "/imports", Perm: web.PartyWrite, Handler: h.listPage},
		{Method: "POST", Pattern: "/imports", Perm: web.PartyWrite, Handler: h.uploadForm},
		{Method: "GET", Pattern: "/imports/template.xlsx", Perm: web.PartyWrite, Handler: h.template},
		{Method: "GET", Pattern: "/imports/{id}", Perm: web.PartyWrite, Handler: h.jobPage},
		{Method: "POST", Pattern: "/imports/{id}/confirm", Perm: web.PartyWrite, Handler: h.confirmForm},
		{Method: "POST", Pattern: "/api/v1/imports", Perm: web.PartyWrite, Handler: h.apiUpload, Doc: &web.Doc{Tag: "导入",
			Summary: "上传文件并开始检查或导入（返回任务）：花名册和发展党员工作台账在后台运行（202），台账的错误含 rule、rule_title、citation、possible_on；党费基数、交纳记录当即检查（201），dry_run=false 且无问题时全部写入", Query: formParams, Reply: Job{}}},
		{Method: "GET", Pattern: "/api/v1/imports/{id}", Perm: web.PartyWrite, Handler: h.apiGet, Doc: &web.Doc{Tag: "导入",
			Summary: "查询导入任务：类型、状态、进度、计数和错误列表（row 行号、column 列、message 原因）；党费导入的 detail 为检查出的各行", Reply: Job{}}},
		{Method: "POST", Pattern: "/api/v1/imports/{id}/confirm", Perm: web.PartyWrite, Handler: h.apiConfirm, Doc: &web.Doc{Tag: "导入",
			Summary: "确认导入已检查的文件（花名册可修改列对应关系 mapping、org_id、update_existing，dry_run=true 仅重新检查；党费导入不带选项，全部写入或全部不写入，重复确认答 409）",
			Body:    ConfirmRequest{}, Reply: Job{}}},
	}
}

// ConfirmRequest changes a checked job's options and runs it again.
type ConfirmRequest struct {
	Mapping        []string `json:"mapping,omitempty"`
	OrgID          int64    `json:"org_id,omitempty"`
	UpdateExisting bool     `json:"update_existing,omitempty"`
	DryRun         bool     `json:"dry_run,omitempty"`
}

func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// scopedOrg returns the path of an organisation in the caller's scope.
func (h *handlers) scopedOrg(ctx context.Context, p *auth.Principal, id int64) (string, error) {
	if id == 0 {
		id = p.OrgID
	}
	o, err := org.Get(ctx, h.DB, id)
	if errors.Is(err, db.ErrNotFound) || err == nil && (o.Dissolved() || !scope.Of(p).Contains(o.Path)) {
		return "", fail.NotFound()
	}
	if err != nil {
		return "", err
	}
	return o.Path, nil
}

// upload stores the multipart file under a generated name and creates a job
// with the options read from the form by options. Nothing reads the form
// before the size limit is in place: a FormValue before it would read any
// body whole.
func (h *handlers) upload(w http.ResponseWriter, r *http.Request, options func(*http.Request) Options) (*Job, error) {
	return h.uploadOf(w, r, options, nil)
}

// UploadHeld is the upload of a feature's page for its own kinds (only):
// the same limits, scope and job as POST /api/v1/imports, checked only
// (dry run) for the page's preview.
func UploadHeld(d *core.Deps, w http.ResponseWriter, r *http.Request, only ...string) (*Job, error) {
	h := &handlers{Deps: d, jobs: NewService(d)}
	return h.uploadOf(w, r, func(*http.Request) Options { return Options{DryRun: true} }, only)
}

// uploadOf is upload limited to the kinds only (nil: any).
func (h *handlers) uploadOf(w http.ResponseWriter, r *http.Request, options func(*http.Request) Options, only []string) (*Job, error) {
	p := web.Principal(r)
	tooLarge := &web.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file",
		Message: fmt.Sprintf("文件过大（上限 %d MB）", MaxUpload>>20)}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+1<<20)
	parseErr := r.ParseMultipartForm(8 << 20)
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }() // temporary files; the system's temporary directory is cleaned anyway
	}
	// An oversize body is a 413 before anything else: the fields after the
	// cut (org_id among them) were never read. Then the organisation:
	// outside the caller's scope is a 404 whatever else is wrong.
	var mbe *http.MaxBytesError
	if errors.As(parseErr, &mbe) {
		return nil, tooLarge
	}
	orgID, _ := strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	if r.FormValue("org_id") != "" && orgID <= 0 {
		return nil, fail.Malformed("org_id", "党组织编号应为正整数")
	}
	if _, err := h.scopedOrg(r.Context(), p, orgID); err != nil {
		return nil, err
	}
	if orgID == 0 {
		orgID = p.OrgID
	}
	opt := options(r)
	kind, err := kindOf(r.FormValue("kind"))
	if err == nil && only != nil && !slices.Contains(only, kind) {
		err = fail.Malformed("kind", "请选择导入内容")
	}
	if err != nil {
		return nil, err
	}
	year := 0
	if s := strings.TrimSpace(r.FormValue("year")); s != "" {
		if year, err = strconv.Atoi(s); err != nil {
			return nil, fail.Malformed("year", "年度应为四位数字，如 2026")
		}
	}
	file, hdr, err := r.FormFile("file")
	if parseErr != nil || err != nil {
		return nil, fail.Malformed("file", "请选择要上传的文件")
	}
	defer file.Close()
	if hdr.Size > MaxUpload {
		return nil, tooLarge
	}
	format, stored, err := h.store(file)
	if err != nil {
		return nil, err
	}
	if _, ok := held[kind]; ok {
		return h.jobs.RunHeld(r.Context(), p, HeldInput{Kind: kind, OrgID: orgID, Year: year, FileName: sealed.BaseName(hdr.Filename, "导入文件"),
			Path: filepath.Join(h.jobs.UploadDir(), stored)}, opt.DryRun)
	}
	j := &Job{OrgID: orgID, Kind: kind, FileName: sealed.BaseName(hdr.Filename, "导入文件"), StoredName: stored, Format: string(format), DryRun: opt.DryRun,
		UpdateExisting: opt.UpdateExisting}
	if err := h.jobs.create(r.Context(), p, j); err != nil {
		return nil, errors.Join(err, os.Remove(filepath.Join(h.jobs.UploadDir(), stored)))
	}
	opt.OrgID, opt.By = orgID, p
	h.jobs.Start(r.Context(), j, opt)
	return j, nil
}

// store checks the content of an upload and writes it under a random name.
func (h *handlers) store(f multipart.File) (roster.Format, string, error) {
	head := make([]byte, 8192)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) { // EOF: a file shorter than the head
		return "", "", err
	}
	format, err := roster.Sniff(head[:n])
	if err != nil {
		return "", "", fail.Malformed("file", err.Error())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", "", err
	}
	dir := h.jobs.UploadDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	name := crypto.RandomToken(16) + ".upload"
	out, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", "", err
	}
	_, err = io.Copy(out, f)
	if err = errors.Join(err, out.Close()); err != nil {
		return "", "", errors.Join(err, os.Remove(out.Name()))
	}
	return format, name, nil
}

func formBool(r *http.Request, name string) bool {
	v := r.FormValue(name)
	return v == "true" || v == "1" || v == "on"
}

func (h *handlers) apiUpload(w http.ResponseWriter, r *http.Request) error {
	j, err := h.upload(w, r, func(r *http.Request) Options {
		return Options{DryRun: formBool(r, "dry_run"), UpdateExisting: formBool(r, "update_existing")}
	})
	if err != nil {
		return err
	}
	status := http.StatusAccepted // a roster or a 台账 runs in the background
	if j.Held() {
		status = http.StatusCreated // a held kind is checked in the request
	}
	return h.replyJob(w, r, j.ID, status)
}

func (h *handlers) replyJob(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	j, err := h.jobs.Get(r.Context(), web.Principal(r), id)
	if err != nil {
		return h.fail(w, r, err)
	}
	if k, ok := held[j.Kind]; ok {
		if j.Detail, err = k.Detail(r.Context(), h.Deps, web.Principal(r), id); err != nil {
			return h.fail(w, r, err)
		}
	}
	web.JSON(w, status, j)
	return nil
}

func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) error {
	if errors.Is(err, db.ErrNotFound) {
		err = fail.NotFound()
	}
	return err
}

func (h *handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	return h.replyJob(w, r, pathID(r), http.StatusOK)
}

func (h *handlers) apiConfirm(w http.ResponseWriter, r *http.Request) error {
	var req ConfirmRequest
	if err := web.DecodeJSON(w, r, &req); err != nil {
		return err
	}
	j, err := h.jobs.Get(r.Context(), web.Principal(r), pathID(r))
	if err != nil {
		return h.fail(w, r, err)
	}
	if j.Held() {
		if req.Mapping != nil || req.UpdateExisting || req.DryRun || (req.OrgID != 0 && req.OrgID != j.OrgID) {
			return fail.Malformed("", KindLabel(j.Kind)+"导入的确认不带选项：检查结果不变时直接导入；要修改请重新上传")
		}
		if _, err := h.jobs.ConfirmHeld(r.Context(), web.Principal(r), j.ID); err != nil {
			return h.fail(w, r, err)
		}
		return h.replyJob(w, r, j.ID, http.StatusOK)
	}
	if err := h.confirm(r, pathID(r), req); err != nil {
		return h.fail(w, r, err)
	}
	return h.replyJob(w, r, pathID(r), http.StatusAccepted)
}

// confirm runs a checked job again: as an import, or as another check with
// a corrected mapping. A job already running (a double submission) is a 409.
func (h *handlers) confirm(r *http.Request, id int64, req ConfirmRequest) error {
	ctx, p := r.Context(), web.Principal(r)
	j, err := h.jobs.Get(ctx, p, id)
	if err != nil {
		return err
	}
	if j.Layout == nil && j.Kind == Roster {
		return fail.Conflict("该任务的文件未能读取，不能确认；请重新上传")
	}
	if j.Kind != Roster && req.Mapping != nil {
		return fail.Malformed("mapping", "该类导入按表头识别各列，不能指定列对应关系")
	}
	if req.OrgID == 0 {
		req.OrgID = j.OrgID
	}
	if _, err := h.scopedOrg(ctx, p, req.OrgID); err != nil {
		if fail.IsNotFound(err) {
			return fail.Malformed("org_id", "所选党组织不存在或不在您的管辖范围内")
		}
		return err
	}
	var mapping roster.Mapping
	if req.Mapping != nil && j.Layout != nil {
		if len(req.Mapping) != len(j.Layout.Headers) {
			return fail.Malformed("mapping", fmt.Sprintf("列对应关系应有 %d 项（与表头列数相同）", len(j.Layout.Headers)))
		}
		seen := map[roster.Field]bool{}
		for _, f := range req.Mapping {
			ff := roster.Field(f)
			if f != "" && !roster.Known(ff) {
				return fail.Malformed("mapping", fmt.Sprintf("未知的字段 %q", f))
			}
			if f != "" && seen[ff] {
				return fail.Malformed("mapping", fmt.Sprintf("“%s”对应了不止一列", roster.Label(ff)))
			}
			seen[ff] = true
			mapping = append(mapping, ff)
		}
	} else if j.Layout != nil {
		mapping = j.Layout.Mapping
	}
	if !req.DryRun && j.State != Checked {
		return fail.Conflict("只有检查通过的文件才能导入；请先修正错误并重新检查")
	}
	if _, err := os.Stat(filepath.Join(h.jobs.UploadDir(), j.StoredName)); err != nil {
		return fail.Conflict("上传的文件已过期被清理，请重新上传")
	}
	prog := h.jobs.reserve(id)
	res, err := h.DB.ExecContext(ctx, `UPDATE import_jobs SET state = ?, org_id = ?, dry_run = ?, update_existing = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND state IN (?, ?)`, Queued, req.OrgID, db.Int(req.DryRun), db.Int(req.UpdateExisting), h.Now().UnixMilli(), id, Checked, Failed)
	if err != nil {
		h.jobs.release(id, prog)
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		h.jobs.release(id, prog)
		return fail.Conflict("该导入任务正在进行或已完成，请勿重复提交")
	}
	j.OrgID = req.OrgID
	h.jobs.launch(ctx, j, Options{OrgID: req.OrgID, DryRun: req.DryRun, UpdateExisting: req.UpdateExisting, Mapping: mapping, By: p}, prog)
	return nil
}

func (h *handlers) template(w http.ResponseWriter, r *http.Request) error {
	k, ok := KindOf(r.URL.Query().Get("kind"))
	if !ok {
		return fail.NotFound()
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	web.Attachment(w, k.TemplateFile)
	if err := k.Template(w); err != nil {
		h.Web.Log.Error("template", "err", err)
	}
	return nil
}

// --- pages ---

type listView struct {
	Jobs  []*Job
	Orgs  []org.Option
	Kinds []Kind
	Kind  string // the kind chosen (?kind=)
}

func (h *handlers) showList(w http.ResponseWriter, r *http.Request, err error) error {
	p := web.Principal(r)
	sc := scope.Of(p)
	if s := r.URL.Query().Get("org"); s != "" {
		id, _ := strconv.ParseInt(s, 10, 64)
		path, e := h.scopedOrg(r.Context(), p, id)
		if e != nil || id <= 0 {
			return fail.NotFound()
		}
		sc = scope.Under(path)
	}
	jobs, e1 := h.jobs.List(r.Context(), sc, 20)
	orgs, e2 := org.Options(r.Context(), h.DB, scope.Of(p))
	if e := errors.Join(e1, e2); e != nil {
		return e
	}
	kind := r.URL.Query().Get("kind")
	if r.Method == http.MethodPost {
		kind = r.FormValue("kind")
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, listPage, listView{Jobs: jobs, Orgs: orgs, Kinds: Kinds(), Kind: kind}, err)
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) error {
	return h.showList(w, r, nil)
}

func (h *handlers) uploadForm(w http.ResponseWriter, r *http.Request) error {
	j, err := h.upload(w, r, func(*http.Request) Options { return Options{DryRun: true} })
	if err != nil {
		return h.showList(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/imports/%d", j.ID), http.StatusSeeOther)
	return nil
}

type jobView struct {
	Job      *Job
	Orgs     []org.Option
	Fields   []roster.Def
	Columns  []columnView
	Unlisted int // errors counted but not kept
}

type columnView struct {
	Index          int
	Letter, Header string
	Field          roster.Field
}

func (h *handlers) showJob(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	p := web.Principal(r)
	j, e := h.jobs.Get(r.Context(), p, id)
	if e != nil {
		return h.fail(w, r, e)
	}
	if j.Held() { // its kind's own page
		http.Redirect(w, r, j.Link(), http.StatusSeeOther)
		return nil
	}
	orgs, e := org.Options(r.Context(), h.DB, scope.Of(p))
	if e != nil {
		return e
	}
	v := jobView{Job: j, Orgs: orgs, Fields: roster.MemberFields, Unlisted: j.Counts.Errors - len(j.Errors)}
	if j.Layout != nil {
		for i, hd := range j.Layout.Headers {
			c := columnView{Index: i, Letter: roster.ColumnName(i), Header: hd}
			if i < len(j.Layout.Mapping) {
				c.Field = j.Layout.Mapping[i]
			}
			v.Columns = append(v.Columns, c)
		}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, jobPage, v, err)
}

func (h *handlers) jobPage(w http.ResponseWriter, r *http.Request) error {
	return h.showJob(w, r, pathID(r), nil)
}

func (h *handlers) confirmForm(w http.ResponseWriter, r *http.Request) error {
	id := pathID(r)
	if err := r.ParseForm(); err != nil {
		return h.showJob(w, r, id, fail.Malformed("", "表单无效"))
	}
	req := ConfirmRequest{UpdateExisting: formBool(r, "update_existing"), DryRun: r.FormValue("action") != "import"}
	req.OrgID, _ = strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	if n, err := strconv.Atoi(r.FormValue("columns")); err == nil && n > 0 && n <= 200 {
		req.Mapping = make([]string, n)
		for i := range n {
			req.Mapping[i] = r.FormValue(fmt.Sprintf("col_%d", i))
		}
	}
	if err := h.confirm(r, id, req); err != nil {
		if fail.IsNotFound(err) || errors.Is(err, db.ErrNotFound) {
			return h.fail(w, r, err)
		}
		return h.showJob(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/imports/%d", id), http.StatusSeeOther)
	return nil
}
