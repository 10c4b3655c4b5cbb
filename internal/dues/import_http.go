package dues

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/importer"
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

// importRoutes are the pages of imports: the upload form, the preview of
// a checked file and its confirmation. The files go through the common
// import job API (importer: kinds dues_bases and dues_payments), whose
// POST /api/v1/imports and GET /api/v1/imports/{id} serve them in JSON.
func (h *handlers) importRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Pattern: "/dues/imports", Perm: web.PartyWrite, Handler: h.importsPage},
		{Method: "POST", Pattern: "/dues/imports", Perm: web.PartyWrite, Handler: h.uploadForm},
		{Method: "GET", Pattern: "/dues/imports/template.xlsx", Perm: web.PartyWrite, Handler: h.importTemplate},
		{Method: "GET", Pattern: "/dues/imports/{id}", Perm: web.PartyWrite, Handler: h.importPage},
		{Method: "POST", Pattern: "/dues/imports/{id}/confirm", Perm: web.PartyWrite, Handler: h.confirmForm},
	}
}

func (h *handlers) importsPage(w http.ResponseWriter, r *http.Request) error {
	return h.showImports(w, r, nil)
}

func (h *handlers) showImports(w http.ResponseWriter, r *http.Request, perr error) error {
	v := map[string]any{"Years": []int{civil.Today(h.Now()).Year() + 1, civil.Today(h.Now()).Year(), civil.Today(h.Now()).Year() - 1},
		"Year": civil.Today(h.Now()).Year(), "Form": r.Form}
	return h.Web.RenderStatus(w, r, http.StatusOK, importsPage, v, perr)
}

func (h *handlers) uploadForm(w http.ResponseWriter, r *http.Request) error {
	j, err := importer.UploadHeld(h.Deps, w, r, JobBases, JobPayments)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showImports(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/dues/imports/%d", j.ID), http.StatusSeeOther)
	return nil
}

// importView is the preview of a checked file: the job (state, message)
// and the rows it read.
type importView struct {
	*Import
	Job   *importer.Job
	Shown []ImportRow // the first rows
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
	j, err := importer.NewService(h.Deps).Get(r.Context(), web.Principal(r), id)
	if err != nil {
		return err
	}
	v := importView{Import: im, Job: j, Shown: im.Rows}
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
	im, err := GetImport(r.Context(), h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	if _, err := importer.NewService(h.Deps).ConfirmHeld(r.Context(), web.Principal(r), id); err != nil {
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
	web.Attachment(w, sheet+"导入模板.xlsx")
	return x.Write(w)
}
