package develop

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/web"
)

// peopleNames joins the names of a record's people.
func peopleNames(r *Record) string {
	if r == nil {
		return ""
	}
	names := make([]string, len(r.Data.People))
	for i, p := range r.Data.People {
		names[i] = p.Name
	}
	return strings.Join(names, "、")
}

// result summarises a record for the 纪实表: vote, conclusion, opinion, warnings.
func result(r *Record) string {
	if r == nil {
		return ""
	}
	var parts []string
	if v := r.Data.Vote; v != nil {
		parts = append(parts, fmt.Sprintf("应到%d人，实到%d人，赞成%d、反对%d、弃权%d", v.Expected, v.Present, v.For, v.Against, v.Abstain))
		if w := v.WrittenFor + v.WrittenAgainst + v.WrittenAbstain; w > 0 {
			parts = append(parts, fmt.Sprintf("书面意见%d份（赞成%d）", w, v.WrittenFor))
		}
		if r.Data.ExpectedReason != "" {
			parts = append(parts, "应到人数更正理由："+r.Data.ExpectedReason)
		}
	}
	if r.Data.Recommendation != "" {
		parts = append(parts, r.Data.Recommendation)
	}
	if vp := r.Data.VettingPassed; vp != nil {
		parts = append(parts, map[bool]string{true: "政审结论：合格", false: "政审结论：不合格"}[*vp])
	}
	if r.Data.TrainingDays > 0 || r.Data.TrainingHours > 0 {
		parts = append(parts, fmt.Sprintf("培训%d天、%d学时", r.Data.TrainingDays, r.Data.TrainingHours))
	}
	if r.Data.Months > 0 {
		parts = append(parts, fmt.Sprintf("%d个月", r.Data.Months))
	}
	if r.Data.Opinion != "" {
		parts = append(parts, r.Data.Opinion)
	}
	for _, w := range r.Warnings {
		parts = append(parts, "⚠ "+w.Message)
	}
	for _, w := range r.Data.Waived {
		parts = append(parts, "豁免："+w.Message)
	}
	for _, h := range r.History {
		parts = append(parts, fmt.Sprintf("更正记录：%s更正（%s），理由：%s", h.Actor, strings.Join(h.Changes, "；"), h.Reason))
	}
	return strings.Join(parts, "；")
}

func writeXLSX(w http.ResponseWriter, f *excelize.File, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	web.Attachment(w, name)
	_ = f.Write(w) // the reply has begun: a failed write means the client went away
}

func (h *handlers) recordXLSX(w http.ResponseWriter, r *http.Request) error {
	v, err := h.caseView(r)
	if err != nil {
		return err
	}
	c := v.Case
	f := excelize.NewFile()
	defer f.Close()
	sh := "纪实表"
	errs := []error{
		f.SetSheetName("Sheet1", sh),
		cellsafe.SetCellStr(f, sh, "A1", "发展党员工作纪实表"),
		f.MergeCell(sh, "A1", "F1"),
		cellsafe.SetCellStr(f, sh, "A2", fmt.Sprintf("姓名：%s    所在党组织：%s    出生日期：%s", c.PersonName, c.OrgName, c.BirthDate)),
		f.MergeCell(sh, "A2", "F2"),
		cellsafe.SetSheetRow(f, sh, "A3", "阶段", "序号", "步骤", "日期", "办理组织 / 人员", "情况与结论"),
	}
	for i, s := range v.Steps {
		var date, org string
		if s.Record != nil {
			date, org = s.Record.Date, s.Record.OrgName
			if n := peopleNames(s.Record); n != "" {
				org += "：" + n
			}
		}
		res := result(s.Record)
		for _, m := range s.More {
			res += "；补充记录 " + m.Date + "：" + result(&m)
		}
		errs = append(errs, cellsafe.SetSheetRow(f, sh, fmt.Sprintf("A%d", i+4), s.Stage, s.Def.No, s.Def.Name, date, org, res))
	}
	row := len(v.Steps) + 5
	for _, o := range v.Others {
		errs = append(errs, cellsafe.SetSheetRow(f, sh, fmt.Sprintf("A%d", row), "其他", "", kindLabels[o.Kind]+publicityLabel(o.Data.Publicity), o.Date, o.OrgName, result(&o)))
		row++
	}
	errs = append(errs,
		f.SetColWidth(sh, "A", "A", 16),
		f.SetColWidth(sh, "C", "C", 22),
		f.SetColWidth(sh, "D", "D", 12),
		f.SetColWidth(sh, "E", "E", 28),
		f.SetColWidth(sh, "F", "F", 60),
		f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: intPtr(9)}), // A4
	)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := h.Audit.Record(r.Context(), h.DB, audit.Event{Action: "develop.export", ObjectType: "dev_case", ObjectID: fmt.Sprint(c.ID), Detail: map[string]string{"format": "xlsx"}}); err != nil {
		return err
	}
	writeXLSX(w, f, fmt.Sprintf("发展党员工作纪实表-%s.xlsx", c.PersonName))
	return nil
}

func intPtr(i int) *int { return &i }

func publicityLabel(p string) string {
	return map[string]string{"candidate": "（确定发展对象前）", "admission": "（接收预备党员前）"}[p]
}
