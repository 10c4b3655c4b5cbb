package dues

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/org"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
	"hongdun/internal/roster"
)

var (
	importsPage = web.NewPageFuncs(templates, funcs, "templates/imports.html")
	importPage  = web.NewPageFuncs(templates, funcs, "templates/import.html")
)

// MaxImportUpload is the largest import file accepted.
const MaxImportUpload = 10 << 20

// importRoutes are the upload, preview and confirmation of imports.
func (h *handlers) importRoutes(tag string) []web.Route {
	form := []web.Param{{Name: "file", Description: "multipart 文件字段：.xlsx、.xls 或 .csv（UTF-8/GBK），格式见导入模板"},
		{Name: "kind", Description: "bases（党费基数）或 payments（党费交纳记录）"}, {Name: "year", Description: "年度：基数的年度；交纳记录中只写月份的行属于该年"},
		{Name: "org_id", Description: "文件中党员所在的党组织（含下级），默认本人管辖的组织"}}
	return []web.Route{
		{Method: "GET", Pattern: "/dues/imports", Perm: web.PartyWrite, Handler: h.importsPage},
		{Method: "POST", Pattern: "/dues/imports", Perm: web.PartyWrite, Handler: h.uploadForm},
		{Method: "GET", Pattern: "/dues/imports/template.xlsx", Perm: web.PartyWrite, Handler: h.importTemplate},
		{Method: "GET", Pattern: "/dues/imports/{id}", Perm: web.PartyWrite, Handler: h.importPage},
		{Method: "POST", Pattern: "/dues/imports/{id}/confirm", Perm: web.PartyWrite, Handler: h.confirmForm},
		{Method: "POST", Pattern: "/api/v1/dues/imports", Perm: web.PartyWrite, Handler: h.apiUpload, Doc: &web.Doc{Tag: tag,
			Summary: "上传党费基数或交纳记录并检查（不写入台账）：返回每行的检查结果和问题（row 行号、column 列、message 原因）", Query: form, Reply: Import{}}},
		{Method: "GET", Pattern: "/api/v1/dues/imports/{id}", Perm: web.PartyWrite, Handler: h.apiImport, Doc: &web.Doc{Tag: tag,
			Summary: "查看一次党费导入的检查结果", Reply: Import{}}},
		{Method: "POST", Pattern: "/api/v1/dues/imports/{id}/confirm", Perm: web.PartyWrite, Handler: h.apiConfirm, Doc: &web.Doc{Tag: tag,
			Summary: "确认导入已检查且没有问题的文件：全部写入或全部不写入；重复确认答 409", Reply: Import{}}},
	}
}

// upload checks the multipart file of r. The form is read only after the
// size limit is in place, and the file (it may carry ID numbers) is kept
// only while it is read.
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) (*Import, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportUpload+1<<20)
	parseErr := r.ParseMultipartForm(4 << 20)
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }() // temporary parts; nothing to report
	}
	var mbe *http.MaxBytesError
	if errors.As(parseErr, &mbe) {
		return nil, &web.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file",
			Message: fmt.Sprintf("文件过大（上限 %d MB）", MaxImportUpload>>20)}
	}
	var orgID, year int64
	if err := ints(r, map[string]*int64{"org_id": &orgID, "year": &year}, map[string]string{"org_id": "党组织编号", "year": "年度"}); err != nil {
		return nil, err
	}
	if orgID != 0 { // outside the caller's scope is a 404 whatever else is wrong
		if _, err := org.WritablePath(r.Context(), h.DB, web.Principal(r), orgID); err != nil {
			return nil, err
		}
	}
	file, hdr, err := r.FormFile("file")
	if parseErr != nil || err != nil {
		return nil, fail.Malformed("file", "请选择要上传的文件（multipart 字段 file）")
	}
	defer func() { _ = file.Close() }() // read only: nothing to lose
	tmp, err := os.CreateTemp("", "hongdun-dues-*")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // best effort: the file is only read here
	_, err = io.Copy(tmp, file)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	in := ImportInput{OrgID: orgID, Kind: r.FormValue("kind"), Year: int(year), FileName: hdr.Filename}
	return CheckImport(r.Context(), h.Deps, web.Principal(r), in, tmp.Name())
}

func (h *handlers) apiUpload(w http.ResponseWriter, r *http.Request) error {
	im, err := h.upload(w, r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusCreated, im)
	return nil
}

func (h *handlers) apiImport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	im, err := GetImport(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, im)
	return nil
}

func (h *handlers) apiConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	im, err := ApplyImport(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, im)
	return nil
}

// --- pages ---

func (h *handlers) importsPage(w http.ResponseWriter, r *http.Request) error {
	return h.showImports(w, r, nil)
}

func (h *handlers) showImports(w http.ResponseWriter, r *http.Request, perr error) error {
	v := map[string]any{"Years": []int{civil.Today(h.Now()).Year() + 1, civil.Today(h.Now()).Year(), civil.Today(h.Now()).Year() - 1},
		"Year": civil.Today(h.Now()).Year(), "Form": r.Form}
	return h.Web.RenderStatus(w, r, http.StatusOK, importsPage, v, perr)
}

func (h *handlers) uploadForm(w http.ResponseWriter, r *http.Request) error {
	im, err := h.upload(w, r)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showImports(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/dues/imports/%d", im.ID), http.StatusSeeOther)
	return nil
}

// importView is the preview of a checked file.
type importView struct {
	*Import
	Shown []ImportRow // the first rows
	Error error
}

func (h *handlers) importPage(w http.ResponseWriter, r *http.Request) error {
	return h.showImport(w, r, nil)
}

func (h *handlers) showImport(w http.ResponseWriter, r *http.Request, perr error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	im, err := GetImport(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	v := importView{Import: im, Shown: im.Rows}
	if len(v.Shown) > 50 {
		v.Shown = v.Shown[:50]
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, importPage, v, perr)
}

func (h *handlers) confirmForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	im, err := ApplyImport(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showImport(w, r, err)
	}
	ok := fmt.Sprintf("已导入%s %d 行", im.KindLabel, len(im.Rows))
	http.Redirect(w, r, fmt.Sprintf("/dues?org=%d&year=%d&ok=%s", im.OrgID, im.Year, url.QueryEscape(ok)), http.StatusSeeOther)
	return nil
}

// importTemplate is an empty file of a kind: its header, a notes row and
// the choices of 党员类别.
func (h *handlers) importTemplate(w http.ResponseWriter, r *http.Request) error {
	kind := r.FormValue("kind")
	cols, ok := importColumns[kind]
	if !ok {
		return fail.Malformed("kind", "模板类型应为 bases（党费基数）或 payments（党费交纳记录）")
	}
	notes := map[string][]string{
		ImportBases:    {"必填", "同名时必填", "在职 / 离退休 / 学生、失业、低收入", "每月税后工资收入，如 4500.00；0.2 元档留空"},
		ImportPayments: {"必填", "同名时必填", "如 3、3月 或 2026-03（只写月份的属于所选年度）", "留空为应交金额", "如 2026-03-05，留空为今天", "是 / 留空", ""},
	}[kind]
	x := excelize.NewFile()
	defer func() { _ = x.Close() }() // only temporary files to remove; the reply is written
	sheet := importLabels[kind]
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	header, note := make([]any, len(cols)), make([]any, len(cols))
	for i, c := range cols {
		header[i], note[i] = c.Label, "说明："+notes[i]
		if err := x.SetColWidth(sheet, roster.ColumnName(i), roster.ColumnName(i), 18); err != nil {
			return err
		}
	}
	if err := cellsafe.SetSheetRow(x, sheet, "A1", header...); err != nil {
		return err
	}
	if err := cellsafe.SetSheetRow(x, sheet, "A2", note...); err != nil {
		return err
	}
	if kind == ImportBases {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = "C3:C5000"
		if err := dv.SetDropList([]string{"在职", "离退休", "学生", "失业", "低收入"}); err != nil {
			return err
		}
		if err := x.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="dues-template.xlsx"; filename*=UTF-8''`+url.PathEscape(sheet+"导入模板.xlsx"))
	return x.Write(w)
}
