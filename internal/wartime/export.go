package wartime

import (
	"net/http"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
)

func (h *handlers) exportEvents(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.events().All(r)
	if err != nil {
		return err
	}
	rows := make([][]any, len(l.Items))
	for i, e := range l.Items {
		names := make([]string, len(e.Units))
		for j, u := range e.Units {
			names[j] = u.Name
		}
		state := "进行中"
		if !e.Active {
			state = "已于 " + e.EndedOn + " 结束"
		}
		rows[i] = []any{e.Title, e.Kind, e.OrgName, e.StartsOn, e.EndsOn, state, strings.Join(names, "、"), e.DocNo, e.Summary}
	}
	return h.SendList(w, r, "战时党建工作响应.xlsx", audit.Event{Action: "wartime.export", ObjectType: "wartime_event"}, pg, cellsafe.Sheet{Name: "战时党建工作响应",
		Header: []any{"响应名称", "类型", "启动党委", "启动日期", "预计结束日期", "状态", "参与单位", "启动文件文号", "任务说明"}, Rows: rows})
}

func (h *handlers) exportRecords(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.records().All(r)
	if err != nil {
		return err
	}
	rows := make([][]any, len(l.Items))
	for i, rec := range l.Items {
		rows[i] = []any{rec.OnDate, rec.PersonName, rec.HomeOrg, rec.EventTitle, TeamLabel(rec.TeamKind) + "：" + rec.TeamName, rec.Deed, rec.AttestedBy, len(rec.Files)}
	}
	return h.SendList(w, r, "表现纪实.xlsx", audit.Event{Action: "wartime.export", ObjectType: "wartime_record"}, pg, cellsafe.Sheet{Name: "表现纪实",
		Header: []any{"日期", "姓名", "所在党组织", "响应", "队伍", "表现情况", "证明人", "证明材料（件）"}, Rows: rows})
}

func (h *handlers) exportStandouts(w http.ResponseWriter, r *http.Request) error {
	_, pg, l, err := h.standouts().All(r)
	if err != nil {
		return err
	}
	rows := make([][]any, len(l.Items))
	for i, s := range l.Items {
		rows[i] = []any{s.PersonName, s.Category, s.StatusLabel, s.HomeOrg, s.EventTitle, s.OrgName, s.OnDate, s.Reason, s.Records, s.Path()}
	}
	return h.SendList(w, r, "表现突出人员.xlsx", audit.Event{Action: "wartime.export", ObjectType: "wartime_standout"}, pg, cellsafe.Sheet{Name: "表现突出人员",
		Header: []any{"姓名", "人员类别", "政治面貌", "所在党组织", "响应", "认定单位", "认定日期", "突出表现", "表现纪实（条）", "优先发展"}, Rows: rows})
}
