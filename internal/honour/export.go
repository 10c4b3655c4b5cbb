package honour

import (
	"fmt"
	"net/http"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/web"
)

// exportHonours downloads every honour the list's filters select.
func (h *handlers) exportHonours(w http.ResponseWriter, r *http.Request) error {
	f, _, err := honourFilter(r)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = 1, 0
	l, err := List(r.Context(), h.Deps, web.Principal(r), f)
	if err != nil {
		return err
	}
	hs := l.Items
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "honour.export", ObjectType: "honour", Detail: map[string]any{
		"org": f.OrgID, "level": f.Level, "kind": f.Kind, "from": f.From, "to": f.To, "rows": len(hs)}}); err != nil {
		return err
	}
	rows := make([][]any, len(hs))
	for i, hn := range hs {
		who := hn.OrgName
		if hn.Kind == Person {
			who = hn.PersonName
		}
		rows[i] = []any{i + 1, hn.KindLabel, who, hn.OrgName, hn.Title, hn.Issuer, hn.LevelLabel, hn.AwardedOn, hn.DocNo, hn.Note}
	}
	return cellsafe.SendXLSX(w, "表彰名单.xlsx", cellsafe.Sheet{Name: "表彰", Title: "表彰名单（导出于 " + civil.Today(h.Now()).Chinese() + "）", Header: []any{"序号", "类别", "受表彰单位或个人", "所在党组织", "荣誉称号", "表彰机关", "级别", "表彰日期", "文号", "备注"}, Rows: rows})
}

// exportMedals downloads a year's 纪念章 list for the upper organisation,
// with those who died before issuance noted.
func (h *handlers) exportMedals(w http.ResponseWriter, r *http.Request) error {
	f, _, err := medalFilter(r, civil.Today(h.Now()))
	if err != nil {
		return err
	}
	f.Page, f.PerPage = 1, 0
	ctx, p := r.Context(), web.Principal(r)
	l, err := EligibleList(ctx, h.Deps, p, f)
	if err != nil {
		return err
	}
	es := make([]*Eligible, len(l.Items))
	for i := range l.Items {
		es[i] = &l.Items[i]
	}
	died, err := DiedBeforeIssue(ctx, h.Deps, p, f.Year, f.OrgID)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "medal.export", ObjectType: "medal", Detail: map[string]any{
		"year": f.Year, "org": f.OrgID, "state": f.State, "rows": len(es) + len(died)}}); err != nil {
		return err
	}
	var rows [][]any
	for i, e := range append(es, died...) {
		rows = append(rows, []any{i + 1, e.Name, e.Gender, e.BirthDate, e.OrgName, e.JoinDate, e.FullDate, e.PartyYears,
			e.StateLabel, e.ApprovedOn, e.ApprovalDoc, e.IssuedOn, e.IssuedBy})
	}
	return cellsafe.SendXLSX(w, fmt.Sprintf("%d年光荣在党50年纪念章名单.xlsx", f.Year), cellsafe.Sheet{Name: "纪念章", Title: fmt.Sprintf("%d年「光荣在党50年」纪念章名单（党龄计至%d年7月1日）", f.Year, f.Year), Header: []any{"序号", "姓名", "性别", "出生日期", "所在党组织", "入党时间", "转正时间", "党龄（年）", "办理情况", "审批日期", "审批文号", "颁发日期", "颁发人"}, Rows: rows})
}
