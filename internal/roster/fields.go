// Package roster reads 党员花名册 workbooks as party offices keep them
// (.xlsx, legacy .xls, CSV in UTF-8 or GBK): it finds the header row below
// titles, maps the many spellings of column names onto the standard fields,
// parses dates in their many spellings and checks every row. It does no I/O
// beyond reading the file, so the importer and the tests share it.
package roster

import (
	"strings"
	"unicode"
)

// Field is a standard column of a roster.
type Field string

// The standard member columns, in the order of the template and of exports.
const (
	Seq       Field = "seq"
	Name      Field = "name"
	Gender    Field = "gender"
	Ethnicity Field = "ethnicity"
	Birth     Field = "birth_date"
	IDNumber  Field = "id_number"
	Education Field = "education"
	Political Field = "political"
	Join      Field = "join_date"
	Full      Field = "full_date"
	Branch    Field = "branch"
	Category  Field = "category"
	Post      Field = "post"
	Phone     Field = "phone"
	Note      Field = "note"
)

// The columns of the optional 组织 sheet.
const (
	OrgName   Field = "org_name"
	OrgParent Field = "org_parent"
	OrgKind   Field = "org_kind"
)

// Def describes a field: its standard label and the other names offices use.
type Def struct {
	Field    Field
	Label    string
	Synonyms []string
}

// MemberFields are the member columns in standard order; Label is what the
// template and exports write in the header.
var MemberFields = []Def{
	{Seq, "序号", []string{"编号", "序"}},
	{Name, "姓名", []string{"名字", "党员姓名"}},
	{Gender, "性别", nil},
	{Ethnicity, "民族", nil},
	{Birth, "出生日期", []string{"出生年月", "出生时间", "出生年月日", "生日"}},
	{IDNumber, "公民身份号码", []string{"身份证号", "身份证号码", "身份证", "证件号码", "公民身份证号码", "身份号码"}},
	{Education, "学历", []string{"文化程度", "最高学历", "全日制学历"}},
	{Political, "政治面貌", []string{"政治身份", "党籍"}},
	{Join, "入党时间", []string{"入党日期", "入党年月", "加入党组织日期", "加入中国共产党时间", "入党时间（预备）"}},
	{Full, "转正时间", []string{"转正日期", "转正年月", "转为正式党员日期", "转为正式党员时间"}},
	{Branch, "所在党支部", []string{"所在支部", "党支部", "支部", "所属支部", "所属党支部", "所在党组织", "党组织", "所属党组织",
		"党组织名称", "所在党组织名称", "所在党支部名称", "支部名称", "党支部名称"}},
	{Category, "人员类别", []string{"人员类型", "类别", "人员身份", "身份类别"}},
	{Post, "职务", []string{"现任职务", "职务职级", "岗位", "工作岗位"}},
	{Phone, "联系电话", []string{"手机", "手机号", "手机号码", "电话", "联系方式", "电话号码"}},
	{Note, "备注", []string{"说明"}},
}

// OrgFields are the columns of the 组织 sheet.
var OrgFields = []Def{
	{OrgName, "组织名称", []string{"党组织名称", "名称", "组织"}},
	{OrgParent, "上级组织", []string{"上级党组织", "上级", "隶属组织"}},
	{OrgKind, "组织类型", []string{"党组织类型", "类型", "组织类别"}},
}

// Label returns the standard label of a field.
func Label(f Field) string {
	for _, defs := range [][]Def{MemberFields, OrgFields} {
		for _, d := range defs {
			if d.Field == f {
				return d.Label
			}
		}
	}
	return string(f)
}

// Known reports whether f names a member field.
func Known(f Field) bool {
	for _, d := range MemberFields {
		if d.Field == f {
			return true
		}
	}
	return false
}

// normHeader strips what offices add around a column name: spaces (also
// full-width), line breaks, asterisks marking required columns and
// parenthesised notes such as （必填） or (YYYY-MM-DD).
func normHeader(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '（':
			depth++
		case r == ')' || r == '）':
			if depth > 0 {
				depth--
			}
		case depth > 0, unicode.IsSpace(r), r == '\u3000', r == '*', r == '＊', r == ':', r == '：':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// match finds the field a header cell names, or "".
func match(defs []Def, header string) Field {
	h := normHeader(header)
	if h == "" {
		return ""
	}
	for _, d := range defs {
		if h == d.Label || h == string(d.Field) {
			return d.Field
		}
		for _, s := range d.Synonyms {
			if h == normHeader(s) {
				return d.Field
			}
		}
	}
	return ""
}

// Mapping says which field each column holds ("" = ignored), by column index.
type Mapping []Field

// guess maps a header row; it also returns how many columns it recognised.
func guess(defs []Def, cells []string) (Mapping, int) {
	m := make(Mapping, len(cells))
	seen := map[Field]bool{}
	n := 0
	for i, c := range cells {
		if f := match(defs, c); f != "" && !seen[f] {
			m[i] = f
			seen[f] = true
			n++
		}
	}
	return m, n
}

// Has reports whether the mapping holds f.
func (m Mapping) Has(f Field) bool { return m.Index(f) >= 0 }

// Index returns the column of f, or -1.
func (m Mapping) Index(f Field) int {
	for i, x := range m {
		if x == f {
			return i
		}
	}
	return -1
}

// ColumnName is the spreadsheet letter of a 0-based column: 0 → A, 27 → AB.
func ColumnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
