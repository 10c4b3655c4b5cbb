package importer

import (
	"archive/zip"
	"bufio"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hongdun/internal/platform/idcard"
)

// bigRoster writes an .xlsx of n valid members the way Excel saves it: every
// text in the shared-strings table, dates as serial numbers, a title row,
// a 填报单位 row and the header on row 3. All members belong to the
// 雁塔区公安分局党委 itself, so no 组织 sheet is needed.
func bigRoster(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "big.xlsx")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(body))
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="党员花名册" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)

	sst := map[string]int{}
	var strs []string
	str := func(s string) int {
		if i, ok := sst[s]; ok {
			return i
		}
		sst[s] = len(strs)
		strs = append(strs, s)
		return len(strs) - 1
	}
	sw, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	sheet := bufio.NewWriterSize(sw, 1<<16)
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	fmt.Fprintf(sheet, `<dimension ref="A1:M%d"/><sheetData>`, n+3)
	row := func(r int, cells ...any) {
		fmt.Fprintf(sheet, `<row r="%d">`, r)
		for i, c := range cells {
			ref := fmt.Sprintf("%c%d", 'A'+i, r)
			switch v := c.(type) {
			case string:
				fmt.Fprintf(sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, str(v))
			case int:
				fmt.Fprintf(sheet, `<c r="%s"><v>%d</v></c>`, ref, v)
			}
		}
		sheet.WriteString(`</row>`)
	}
	row(1, "雁塔区公安分局党委党员花名册")
	row(2, "填报单位：雁塔区公安分局党委组织科")
	row(3, "序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "入党时间", "转正时间", "所在党支部", "人员类别", "联系电话", "备注")
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂")
	edus := []string{"研究生", "大学本科", "大学专科", "中专", "高中"}
	cats := []string{"民警", "辅警", "职工", "离退休"}
	for i := 0; i < n; i++ {
		year := 1950 + i%50
		birth := fmt.Sprintf("%04d%02d%02d", year, 1+i%12, 1+i%28)
		// Distinct ID numbers: the area code and the sequence vary with i.
		id := idcard.WithCheckDigit(fmt.Sprintf("%06d%s%03d", 110000+i/1000%900000, birth, i%1000))
		name := string([]rune{surnames[i%len(surnames)], given[i/len(surnames)%len(given)], given[i/7%len(given)]})
		gender := idcard.Gender(id)
		joinY := year + 22
		row(4+i, i+1, name, gender, "汉族", fmt.Sprintf("%04d-%02d-%02d", year, 1+i%12, 1+i%28), id, edus[i%len(edus)],
			fmt.Sprintf("%04d.%02d.%02d", joinY, 1+i%12, 1+i%28), fmt.Sprintf("%d年%d月%d日", joinY+1, 1+i%12, 1+i%28),
			"雁塔区公安分局党委", cats[i%len(cats)], fmt.Sprintf("139%08d", i))
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	if err := sheet.Flush(); err != nil {
		tb.Fatal(err)
	}
	var ss strings.Builder
	fmt.Fprintf(&ss, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, s := range strs {
		ss.WriteString("<si><t>" + html.EscapeString(s) + "</t></si>")
	}
	ss.WriteString("</sst>")
	put("xl/sharedStrings.xml", ss.String())
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}
