package importer

import (
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/member"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/roster"
)

// notes explain each standard column in the template's notes row.
var notes = map[roster.Field]string{
	roster.Seq:       "可留空",
	roster.Name:      "必填；姓名中的空格会被去掉",
	roster.Gender:    "男/女；留空按身份证号",
	roster.Ethnicity: "如 汉族；留空为汉族",
	roster.Birth:     "如 1985-03-12；留空按身份证号",
	roster.IDNumber:  "必填；本列已设为文本，勿改为数字",
	roster.Education: "下拉选择",
	roster.Political: "中共党员/中共预备党员/群众；留空为党员",
	roster.Join:      "党员必填，群众留空；如 2010-07-01 或 2010.07",
	roster.Full:      "预备党员留空",
	roster.Branch:    "必填；党组织全称",
	roster.Category:  "下拉选择",
	roster.Post:      "可留空",
	roster.Phone:     "11 位手机号或带区号固话",
	roster.Note:      "不导入",
}

// WriteTemplate writes the import template: a title row, the standard
// header on row 3 with a notes row below it, dropdowns for the enumerations,
// the ID column formatted as text, and a 组织 sheet.
func WriteTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "党员花名册"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	last := roster.ColumnName(len(roster.MemberFields) - 1)
	// The layout's own errors are gathered and checked before the write.
	var errs []error
	check := func(err error) { errs = append(errs, err) }
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		check(err)
		return id
	}
	check(cellsafe.SetCellStr(f, sheet, "A1", "党员花名册"))
	check(f.MergeCell(sheet, "A1", last+"1"))
	check(cellsafe.SetCellStr(f, sheet, "A2", "填报单位："))
	title := style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	head := style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F2DCDB"}, Pattern: 1}})
	note := style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080", Size: 9}, Alignment: &excelize.Alignment{WrapText: true}})
	text := style(&excelize.Style{NumFmt: 49})
	check(f.SetCellStyle(sheet, "A1", "A1", title))
	for i, d := range roster.MemberFields {
		col := roster.ColumnName(i)
		check(cellsafe.SetCellStr(f, sheet, col+"3", d.Label))
		check(cellsafe.SetCellStr(f, sheet, col+"4", "说明："+notes[d.Field]))
		check(f.SetColWidth(sheet, col, col, 14))
		switch d.Field {
		case roster.IDNumber:
			check(f.SetColWidth(sheet, col, col, 22))
			check(f.SetColStyle(sheet, col, text))
		case roster.Branch:
			check(f.SetColWidth(sheet, col, col, 30))
		}
		var list []string
		switch d.Field {
		case roster.Gender:
			list = member.Genders
		case roster.Education:
			list = member.Educations
		case roster.Category:
			list = member.Categories
		case roster.Political:
			list = []string{"中共党员", "中共预备党员", "群众"}
		}
		if list != nil {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = col + "5:" + col + "10000"
			check(dv.SetDropList(list))
			dv.SetError(excelize.DataValidationErrorStyleStop, "请从下拉列表中选择", "可选："+strings.Join(list, "、"))
			check(f.AddDataValidation(sheet, dv))
		}
	}
	check(f.SetCellStyle(sheet, "A3", last+"3", head))
	check(f.SetCellStyle(sheet, "A4", last+"4", note))
	check(f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"}))

	_, err := f.NewSheet(roster.OrgSheetName)
	check(err)
	for i, d := range roster.OrgFields {
		col := roster.ColumnName(i)
		check(cellsafe.SetCellStr(f, roster.OrgSheetName, col+"1", d.Label))
		check(f.SetColWidth(roster.OrgSheetName, col, col, 30))
	}
	check(f.SetCellStyle(roster.OrgSheetName, "A1", "C1", head))
	dv := excelize.NewDataValidation(true)
	dv.Sqref = "C2:C1000"
	check(dv.SetDropList([]string{"党委", "党总支", "党支部", "联合党支部", "党小组"}))
	check(f.AddDataValidation(roster.OrgSheetName, dv))
	check(cellsafe.SetCellStr(f, roster.OrgSheetName, "E1", "说明：可选。上级组织留空的，建在导入时所选党组织之下；已存在的组织不会重复建立。"))
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return f.Write(w)
}
