package wartime

import (
	"net/http"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
)

// sheet audits the export of a list (filter and row count), then answers
// with it as a one-sheet .xlsx download.
func (h *handlers) sheet(w http.ResponseWriter, r *http.Request, name, file, object, filter string, header []any, rows [][]any) error {
	return h.SendXLSX(w, r, file, audit.Event{Action: "wartime.export", ObjectType: object, Detail: map[string]any{"filter": filter, "rows": len(rows)}},
		cellsafe.Sheet{Name: name, Header: header, Rows: rows})
}

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
	return h.sheet(w, r, "战时党建工作响应", "战时党建工作响应.xlsx", "wartime_event", string(pg.Encoded()),
		[]any{"响应名称", "类型", "启动党委", "启动日期", "预计结束日期", "状态", "参与单位", "启动文件文号", "任务说明"}, rows)
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
	return h.sheet(w, r, "表现纪实", "表现纪实.xlsx", "wartime_record", string(pg.Encoded()),
		[]any{"日期", "姓名", "所在党组织", "响应", "队伍", "表现情况", "证明人", "证明材料（件）"}, rows)
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
	return h.sheet(w, r, "表现突出人员", "表现突出人员.xlsx", "wartime_standout", string(pg.Encoded()),
		[]any{"姓名", "人员类别", "政治面貌", "所在党组织", "响应", "认定单位", "认定日期", "突出表现", "表现纪实（条）", "优先发展"}, rows)
}
