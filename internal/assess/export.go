package assess

import (
	"fmt"
	"net/http"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/web"
)

// exportResults downloads a set's results as the caller may see them, for
// the organisation filter of the page: every indicator's points, the
// innovation adjustment, the total and the place.
func (h *handlers) exportResults(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	orgID, _, err := resultsFilter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sh, err := Results(ctx, h.Deps, web.Principal(r), id, orgID, 1, 0)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "assess.export", ObjectType: "assess_set", ObjectID: fmt.Sprint(id),
		Detail: map[string]any{"org": orgID, "rows": len(sh.Items)}}); err != nil {
		return err
	}
	header := []any{"名次", "党组织", "书记"}
	for _, ind := range sh.Set.Indicators {
		header = append(header, fmt.Sprintf("%s（%d 分）", ind.Name, ind.Weight))
	}
	header = append(header, "指标得分", "创新加分", "未免责扣分", "容错免责（项）", "总分", "述职评议")
	rows := make([][]any, len(sh.Items))
	for i, res := range sh.Items {
		row := []any{res.Rank, res.Name, res.Secretary}
		for _, it := range res.Items {
			row = append(row, it.Points)
		}
		rows[i] = append(row, res.Base, res.Credit, res.Penalty, res.Exempted, res.Total, res.GradeLabel)
	}
	return cellsafe.SendXLSX(w, sh.Set.Title+".xlsx", cellsafe.Sheet{Name: "考评结果", Title: sh.Set.Title + "（截至 " + sh.AsOf + "）", Header: header, Rows: rows})
}

// exportInnovations downloads the innovations the list's filters select.
func (h *handlers) exportInnovations(w http.ResponseWriter, r *http.Request) error {
	f, _, err := innovationFilter(r)
	if err != nil {
		return err
	}
	ctx, p := r.Context(), web.Principal(r)
	f.Page, f.PerPage = 1, 0
	l, err := Innovations(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	all := l.Items
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "assess.innovation.export", ObjectType: "assess_innovation", Detail: map[string]any{
		"org": f.OrgID, "year": f.Year, "state": f.State, "rows": len(all)}}); err != nil {
		return err
	}
	rows := make([][]any, len(all))
	for i, in := range all {
		rows[i] = []any{i + 1, in.Year, in.OrgName, in.Title, in.RegisteredOn, in.PlannedStart, in.StateLabel, in.ReviewedOn, in.TriedFrom, in.RulingLabel, in.Effect()}
	}
	return cellsafe.SendXLSX(w, "创新事项与容错清单.xlsx", cellsafe.Sheet{Name: "创新事项", Title: "创新事项与容错清单", Header: []any{"序号", "年度", "党组织", "创新项目", "登记日期", "计划实施", "状态",
		"列入容错清单日期", "实际实施", "认定", "对考评的影响"}, Rows: rows})
}
