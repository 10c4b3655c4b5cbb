package corps

import (
	"fmt"
	"net/http"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/web"
)

// export downloads every roster row the list's filters select.
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	f, _, err := listFilter(r)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = 1, 0
	ctx := r.Context()
	l, err := List(ctx, h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	ws := l.Items
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "corps.export", ObjectType: "corps_worker", Detail: map[string]any{
		"org": f.OrgID, "post": f.Post, "duty": f.Duty, "category": f.Category, "state": f.State, "q": f.Q, "rows": len(ws)}}); err != nil {
		return err
	}
	rows := make([][]any, len(ws))
	for i, wk := range ws {
		rows[i] = []any{i + 1, wk.Name, wk.OrgName, wk.PostLabel, wk.DutyLabel, wk.Category, wk.AppointedOn, wk.Tenure, wk.LeftOn, wk.ReasonLabel, wk.Note}
	}
	return cellsafe.SendXLSX(w, "党务工作者花名册.xlsx", cellsafe.Sheet{Name: "党务工作者", Title: "党务工作者花名册（导出于 " + civil.Today(h.Now()).Chinese() + "）", Header: []any{"序号", "姓名", "所在党组织", "岗位", "专兼职", "人员类别", "任职日期", "任职年限", "离岗日期", "离岗原因", "备注"}, Rows: rows})
}

// exportNominations downloads every nomination the list's filters select.
func (h *handlers) exportNominations(w http.ResponseWriter, r *http.Request) error {
	f, _, err := nominationFilter(r)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = 1, 0
	ctx, p := r.Context(), web.Principal(r)
	l, err := ListNominations(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	all := l.Items
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "corps.nomination.export", ObjectType: "corps_nomination", Detail: map[string]any{
		"org": f.OrgID, "year": f.Year, "state": f.State, "rows": len(all)}}); err != nil {
		return err
	}
	rows := make([][]any, len(all))
	for i, n := range all {
		rows[i] = []any{i + 1, n.Year, n.Name, n.OrgName, n.DecidingName, n.StateLabel, n.Deeds, n.Note}
	}
	return cellsafe.SendXLSX(w, "优秀党务工作者推荐.xlsx", cellsafe.Sheet{Name: "推荐", Title: fmt.Sprintf("优秀党务工作者推荐与评定（导出于 %s）", civil.Today(h.Now()).Chinese()), Header: []any{"序号", "年度", "姓名", "推荐单位", "评定单位", "评定结果", "主要事迹", "评定意见"}, Rows: rows})
}
