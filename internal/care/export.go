package care

import (
	"fmt"
	"net/http"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/web"
)

func (h *handlers) exportLedger(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r, ParseLedgerFilter)
	if err != nil {
		return err
	}
	f.PerPage = 0
	l, err := Ledger(r.Context(), h.DB, web.Principal(r), h.today(), f)
	if err != nil {
		return err
	}
	name := "关怀台账"
	if f.Kind != "" {
		name = LedgerLabel(f.Kind) + "台账"
	}
	rows := make([][]any, len(l.Items))
	for i, e := range l.Items {
		var cause string
		if e.Hardship != nil {
			cause = e.Hardship.CauseLabel + "，" + e.Hardship.LevelLabel + "（" + e.Hardship.Since + " 起）"
		}
		rows[i] = []any{i + 1, e.Name, e.Gender, e.BirthDate, e.Age, e.OrgName, e.Category, e.StatusLabel, e.FullDate, e.PartyYears,
			strings.Join(e.LedgerLabels, "、"), strings.Join(e.Reasons, "、"), cause, e.Medal, e.LastVisit, e.VisitsYear}
	}
	return h.SendXLSX(w, r, name+".xlsx", audit.Event{Action: "care.export", ObjectType: "care_ledger",
		Detail: map[string]any{"what": name, "filter": string(pg.Encoded()), "rows": len(rows)}},
		cellsafe.Sheet{Name: name, Title: name + "（导出于 " + h.today().Chinese() + "）", Rows: rows,
			Header: []any{"序号", "姓名", "性别", "出生日期", "年龄", "所在党组织", "人员类别", "政治面貌", "转正日期", "党龄", "台账", "老党员依据", "困难情况", "纪念章", "最近走访", "今年走访次数"}})
}

func (h *handlers) exportHardship(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r, ParseHardshipFilter)
	if err != nil {
		return err
	}
	f.PerPage = 0
	l, err := Hardships(r.Context(), h.DB, web.Principal(r), h.today(), f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(l.Items))
	for i, e := range l.Items {
		rows[i] = []any{i + 1, e.PersonName, e.OrgName, e.CauseLabel, e.LevelLabel, e.Since, e.Until, e.StateLabel, e.EnteredBy, e.ReviewedBy, e.ReviewedOn, e.ReviewNote}
	}
	return h.SendXLSX(w, r, "生活困难党员认定.xlsx", audit.Event{Action: "care.export", ObjectType: "care_hardship",
		Detail: map[string]any{"what": "生活困难党员认定", "filter": string(pg.Encoded()), "rows": len(rows)}},
		cellsafe.Sheet{Name: "生活困难党员", Title: "生活困难党员认定记录（导出于 " + h.today().Chinese() + "；困难情况详情不导出）", Rows: rows,
			Header: []any{"序号", "姓名", "所在党组织", "困难原因", "困难程度", "认定起始", "认定截止", "状态", "登记人", "审核人", "审核日期", "审核意见"}})
}

func (h *handlers) exportVisits(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := filter(r, ParseVisitFilter)
	if err != nil {
		return err
	}
	f.PerPage = 0
	l, err := Visits(r.Context(), h.DB, web.Principal(r), f)
	if err != nil {
		return err
	}
	rows := make([][]any, 0, len(l.Items)+1)
	for i, v := range l.Items {
		rows = append(rows, []any{i + 1, v.VisitedOn, v.PersonName, v.OrgName, v.FormLabel, v.Visitors, v.Amount, v.CampaignName, v.Notes, len(v.Photos)})
	}
	rows = append(rows, []any{"合计", "", fmt.Sprintf("%d 次", l.Total), "", "", "", l.Amount})
	return h.SendXLSX(w, r, "走访慰问记录.xlsx", audit.Event{Action: "care.export", ObjectType: "care_visit",
		Detail: map[string]any{"what": "走访慰问记录", "filter": string(pg.Encoded()), "rows": len(l.Items)}},
		cellsafe.Sheet{Name: "走访慰问", Title: "走访慰问记录（导出于 " + h.today().Chinese() + "）", Rows: rows,
			Header: []any{"序号", "走访日期", "走访对象", "所在党组织", "形式", "走访人", "金额（元）", "所属活动", "情况记录", "照片数"}})
}

// exportCampaign writes a campaign's progress by organisation and its list.
func (h *handlers) exportCampaign(w http.ResponseWriter, r *http.Request) error {
	id, f, err := campaignTargets(r)
	if err != nil {
		return err
	}
	f.PerPage = 0
	ctx, p := r.Context(), web.Principal(r)
	pr, err := ProgressOf(ctx, h.DB, p, h.today(), id, f.OrgID)
	if err != nil {
		return err
	}
	_, _, ts, err := Targets(ctx, h.DB, p, h.today(), id, f)
	if err != nil {
		return err
	}
	progress := make([][]any, 0, len(pr.Rows)+1)
	for _, row := range append(pr.Rows, Row{OrgName: "合计", Tally: pr.Total}) {
		progress = append(progress, []any{row.OrgName, row.Targets, row.Visited, row.ToVisit, fmt.Sprintf("%d%%", row.Percent), row.Amount, row.Standard})
	}
	list := make([][]any, len(ts.Items))
	for i, t := range ts.Items {
		state := "待走访"
		if t.Visited() {
			state = "已走访"
		}
		list[i] = []any{i + 1, t.Name, t.Gender, t.Age, t.OrgName, strings.Join(t.LedgerLabels, "、"), state, t.VisitedOn, t.FormLabel, t.Visitors, t.Amount}
	}
	c := pr.Campaign
	title := fmt.Sprintf("%s · %s（%s 至 %s，导出于 %s）", c.Name, pr.OrgName, c.StartsOn, c.EndsOn, h.today().Chinese())
	return h.SendXLSX(w, r, c.Name+"进度.xlsx", audit.Event{Action: "care.export", ObjectType: "care_campaign", ObjectID: fmt.Sprint(id),
		Detail: map[string]any{"what": "走访慰问活动进度", "org": pr.OrgID, "rows": len(list)}},
		cellsafe.Sheet{Name: "进度", Title: title, Rows: progress, Header: []any{"党组织", "应走访", "已走访", "待走访", "完成率", "已发放（元）", "标准合计（元）"}},
		cellsafe.Sheet{Name: "名单", Title: title, Rows: list, Header: []any{"序号", "姓名", "性别", "年龄", "所在党组织", "台账", "状态", "走访日期", "形式", "走访人", "金额（元）"}})
}
