package roster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/plaintext"
)

// Record is one member row as it will be stored.
type Record struct {
	Row       int    `json:"row"` // row number in the sheet, 1-based
	Name      string `json:"name"`
	Gender    string `json:"gender"`
	Ethnicity string `json:"ethnicity"`
	BirthDate string `json:"birth_date"`
	IDNumber  string `json:"id_number"` // normalised, 18 characters
	Education string `json:"education"`
	JoinDate  string `json:"join_date"`
	FullDate  string `json:"full_date"`
	Branch    string `json:"branch"`
	Category  string `json:"category"`
	Post      string `json:"post"`
	Phone     string `json:"phone"`
	// Status is derived: masses (群众) when 政治面貌 says so, full (正式党员)
	// once the 转正 date has passed, otherwise probationary (预备党员).
	Status string `json:"status"`
}

// Member statuses a roster produces.
const (
	StatusFull         = "full"
	StatusProbationary = "probationary"
	StatusMasses       = "masses"
)

// politics maps what 政治面貌 may say to the status it forces ("" for a
// party member, whose status the dates decide).
var politics = map[string]string{"中共党员": "", "党员": "", "正式党员": "", "中共正式党员": "", "中共预备党员": StatusProbationary,
	"预备党员": StatusProbationary, "群众": StatusMasses}

// Problem is one thing wrong in a file, for the user to fix.
type Problem struct {
	Row     int    `json:"row"`    // sheet row, 1-based; 0 for the file as a whole
	Column  string `json:"column"` // the column's header as written in the file (or its standard label)
	Field   Field  `json:"field,omitempty"`
	Message string `json:"message"`
	// A refusal by a party rule (the 发展党员台账 judged as of its dates)
	// names the rule, its Chinese name and citation, and the first date on
	// which the step would pass when a later date alone would do.
	Rule       string `json:"rule,omitempty"`
	RuleTitle  string `json:"rule_title,omitempty"`
	Citation   string `json:"citation,omitempty"`
	PossibleOn string `json:"possible_on,omitempty"`
}

func (p Problem) String() string {
	msg := p.Message
	if p.RuleTitle != "" {
		msg += "（" + p.RuleTitle + "，依据" + p.Citation + "）"
	}
	if p.Row == 0 {
		return msg
	}
	return fmt.Sprintf("第 %d 行 %s：%s", p.Row, p.Column, msg)
}

// Layout is where the data of a sheet sits and which column holds what.
type Layout struct {
	Sheet     string   `json:"sheet"`
	HeaderTop int      `json:"header_top"` // 1-based; above HeaderRow for a header of two rows
	HeaderRow int      `json:"header_row"` // 1-based; the data starts below it
	Headers   []string `json:"headers"`
	Mapping   Mapping  `json:"mapping"`
	// Date1904 says the workbook counts its date serials from 1904 (Excel
	// for Mac's old default) rather than 1900.
	Date1904 bool `json:"date1904,omitempty"`
}

// Column names column i as the user sees it: its header, or its letter.
func (l *Layout) Column(i int) string {
	if i >= 0 && i < len(l.Headers) && l.Headers[i] != "" {
		return l.Headers[i]
	}
	return ColumnName(i) + " 列"
}

func (l *Layout) columnOf(f Field) string {
	if i := l.Mapping.Index(f); i >= 0 {
		return l.Column(i)
	}
	return Label(f)
}

// Required lists the member fields a mapping must hold; 入党时间 may be
// missing from a file that says each row's 政治面貌 (a list of 群众).
var Required = []Field{Name, IDNumber, Join, Branch}

// CheckMapping reports the required fields a mapping lacks.
func (l *Layout) CheckMapping() []Problem {
	var ps []Problem
	for _, f := range Required {
		if !l.Mapping.Has(f) && !(f == Join && l.Mapping.Has(Political)) {
			ps = append(ps, Problem{Column: Label(f), Field: f, Message: fmt.Sprintf("未找到“%s”列：请在列对应关系中指定", Label(f))})
		}
	}
	return ps
}

// FindLayout finds the header of a sheet among its first rows (FindHeader)
// and maps its columns onto defs: at least three must be known.
func FindLayout(b Book, sheet string, defs []Def) (*Layout, error) {
	h, err := FindHeader(b, sheet, func(c string) string { return string(match(defs, c)) }, 3)
	if h == nil || err != nil {
		return nil, err
	}
	m, _ := guess(defs, h.Cells)
	return &Layout{Sheet: sheet, HeaderTop: h.Top, HeaderRow: h.Row, Headers: h.Cells, Mapping: m, Date1904: h.Date1904}, nil
}

// drain lets a streaming sheet release its resources early.
func drain(s Sheet) error {
	if c, ok := s.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// OrgSheetName is the conventional name of the organisation sheet.
const OrgSheetName = "组织"

// Locate finds the member sheet (the first whose header names 姓名) and the
// optional 组织 sheet of a book.
func Locate(b Book) (members, orgs *Layout, err error) {
	for _, name := range b.SheetNames() {
		if orgs == nil {
			l, err := FindLayout(b, name, OrgFields)
			if err != nil {
				return nil, nil, err
			}
			if l != nil && l.Mapping.Has(OrgName) && (l.Mapping.Has(OrgParent) || name == OrgSheetName) {
				orgs = l
				continue
			}
		}
		if members == nil {
			l, err := FindLayout(b, name, MemberFields)
			if err != nil {
				return nil, nil, err
			}
			if l != nil && l.Mapping.Has(Name) {
				members = l
			}
		}
	}
	if members == nil {
		return nil, nil, errors.New("未找到党员花名册：前 20 行中没有包含“姓名”“公民身份号码”等列名的表头行")
	}
	return members, orgs, nil
}

// OrgRow is one row of the 组织 sheet.
type OrgRow struct {
	Row    int    `json:"row"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Kind   string `json:"kind"` // as written: 党委, 党支部 …
}

// ReadOrgs reads the 组织 sheet.
func ReadOrgs(b Book, l *Layout) ([]OrgRow, []Problem, error) {
	s, err := b.Sheet(l.Sheet)
	if err != nil {
		return nil, nil, err
	}
	var out []OrgRow
	var ps []Problem
	for s.Next() {
		row := s.Row()
		if row <= l.HeaderRow {
			continue
		}
		cells := trimCells(s.Cells())
		get := func(f Field) string {
			if i := l.Mapping.Index(f); i >= 0 && i < len(cells) {
				return cleanText(cells[i])
			}
			return ""
		}
		o := OrgRow{Row: row, Name: get(OrgName), Parent: get(OrgParent), Kind: get(OrgKind)}
		if o.Name == "" && o.Parent == "" && o.Kind == "" {
			continue
		}
		if o.Name == "" {
			ps = append(ps, Problem{Row: row, Column: l.columnOf(OrgName), Field: OrgName, Message: "组织名称不能为空"})
			continue
		}
		hidden := false
		for _, f := range []Field{OrgName, OrgParent, OrgKind} {
			if msg := plaintext.Line(Label(f), get(f)); msg != "" {
				ps = append(ps, Problem{Row: row, Column: l.columnOf(f), Field: f, Message: msg})
				hidden = true
			}
		}
		if hidden {
			continue
		}
		out = append(out, o)
	}
	return out, ps, s.Err()
}

// Skip reports rows that carry no record: blank rows, the 合计 line, and
// notes and signatures below the data (说明：…, 填表人：…, 注：…).
func Skip(cells []string) bool {
	for _, c := range cells {
		if c = Cell(c); c != "" {
			return footer(c)
		}
	}
	return true
}

// Parse turns the cells of one data row into a record, checking each field
// on its own and against the others. It holds no state, so rows may be
// parsed concurrently; duplicates across rows are found by Seen.
func (l *Layout) Parse(row int, cells []string, today civil.Date) (Record, []Problem) {
	cells = trimCells(cells)
	var ps []Problem
	// Invisible characters first (a name reading backwards, a zero-width
	// space in an ID number): one problem naming the field, and no other
	// about that field. Tabs and line breaks in a cell are folded into
	// spaces below, as Excel's Alt+Enter is common.
	var hidden []Field
	for i, f := range l.Mapping {
		if f == "" || i >= len(cells) {
			continue
		}
		if _, found := plaintext.Bad(cells[i], true); found {
			ps = append(ps, Problem{Row: row, Column: l.Column(i), Field: f, Message: plaintext.Lines(Label(f), cells[i])})
			hidden = append(hidden, f)
		}
	}
	bad := func(f Field, msg string) {
		if hidden != nil && slices.Contains(hidden, f) {
			return
		}
		ps = append(ps, Problem{Row: row, Column: l.columnOf(f), Field: f, Message: msg})
	}
	raw := func(f Field) string {
		if i := l.Mapping.Index(f); i >= 0 && i < len(cells) {
			return cells[i]
		}
		return ""
	}
	text := func(f Field, max int) string {
		s := cleanText(raw(f))
		if utf8.RuneCountInString(s) > max {
			bad(f, fmt.Sprintf("内容过长（最多 %d 个字）", max))
		}
		return s
	}
	r := Record{Row: row, Name: cleanName(raw(Name)), Education: text(Education, 20), Category: text(Category, 20),
		Post: text(Post, 40), Branch: text(Branch, 100), Ethnicity: ethnicity(raw(Ethnicity))}
	switch n := utf8.RuneCountInString(r.Name); {
	case n == 0:
		bad(Name, "姓名不能为空")
	case n > 30:
		bad(Name, "姓名过长（最多 30 个字）")
	}
	if utf8.RuneCountInString(r.Ethnicity) > 10 {
		bad(Ethnicity, "民族填写不正确")
	}

	idOK := false
	switch id := raw(IDNumber); {
	case id == "":
		bad(IDNumber, "公民身份号码不能为空")
	default:
		n, err := idcard.Normalize(id)
		if err != nil {
			bad(IDNumber, err.Error())
		} else {
			r.IDNumber, idOK = n, true
		}
	}

	date := func(f Field) Date {
		d, err := l.Date(raw(f))
		if err != nil {
			bad(f, err.Error())
			return Date{}
		}
		if !d.IsZero() && d.After(today) {
			bad(f, fmt.Sprintf("%s不能晚于今天（%s）", Label(f), d))
			return Date{}
		}
		return d
	}
	birth, join, full := date(Birth), date(Join), date(Full)
	if idOK {
		idBirth := civil.MustParse(idcard.Birth(r.IDNumber))
		if !birth.IsZero() && (idBirth.Before(birth.Date) || idBirth.After(birth.Last())) {
			bad(Birth, fmt.Sprintf("出生日期 %s 与公民身份号码中的 %s 不一致", birth, idBirth))
		}
		birth = Date{Date: idBirth}
	}
	if !birth.IsZero() && !birth.MonthOnly {
		r.BirthDate = birth.String()
	} else if !birth.IsZero() {
		bad(Birth, "出生日期只有年月：请填写完整日期或公民身份号码")
	}

	r.Gender = gender(raw(Gender))
	switch {
	case r.Gender == "" && raw(Gender) != "":
		bad(Gender, "性别应为“男”或“女”")
	case r.Gender == "" && idOK:
		r.Gender = idcard.Gender(r.IDNumber)
	case r.Gender == "":
		bad(Gender, "性别不能为空")
	}

	political := cleanText(raw(Political))
	forced, known := politics[political]
	switch {
	case political != "" && !known:
		bad(Political, fmt.Sprintf("政治面貌“%s”无法识别（应为中共党员、中共预备党员或群众）", political))
	case forced == StatusMasses:
		if raw(Join) != "" || raw(Full) != "" {
			bad(Join, "政治面貌为群众，不应填写入党时间和转正时间")
		}
		join, full = Date{}, Date{}
	case join.IsZero() && raw(Join) == "":
		bad(Join, "入党时间不能为空")
	case forced == StatusProbationary && raw(Full) != "":
		bad(Full, "政治面貌为中共预备党员，不应填写转正时间")
	}
	if !join.IsZero() {
		r.JoinDate = join.String()
		if !birth.IsZero() && civil.YearsBetween(birth.Date, join.Last()) < 18 {
			bad(Join, fmt.Sprintf("入党时未满 18 周岁（出生 %s，入党 %s）（党章第一条）", birth, join))
		}
	}
	if !full.IsZero() {
		r.FullDate = full.String()
		if !join.IsZero() && full.Last().Before(join.Date) {
			bad(Full, fmt.Sprintf("转正时间 %s 早于入党时间 %s", full, join))
		}
	}
	r.Status = StatusProbationary
	switch {
	case forced == StatusMasses:
		r.Status = StatusMasses
	case r.FullDate != "":
		r.Status = StatusFull
	}
	if r.Branch == "" {
		bad(Branch, "所在党支部不能为空")
	}
	if p := raw(Phone); p != "" {
		n, ok := phone(p)
		if !ok {
			bad(Phone, fmt.Sprintf("联系电话“%s”格式不正确", p))
		}
		r.Phone = n
	}
	return r, ps
}

// Seen finds ID numbers that occur twice in one file.
type Seen map[string]int

// Check records r and reports a duplicate of an earlier row.
func (s Seen) Check(l *Layout, r *Record) *Problem {
	if r.IDNumber == "" {
		return nil
	}
	if first, ok := s[r.IDNumber]; ok {
		return &Problem{Row: r.Row, Column: l.columnOf(IDNumber), Field: IDNumber,
			Message: fmt.Sprintf("公民身份号码与第 %d 行重复", first)}
	}
	s[r.IDNumber] = r.Row
	return nil
}

// cleanName removes every space inside a Chinese name (offices pad
// two-character names with a full-width space: 白　英洋) and keeps single
// spaces between the words of a name written in Latin letters.
func cleanName(s string) string {
	s = cleanText(s)
	hasHan := false
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			hasHan = true
			break
		}
	}
	if hasHan {
		return strings.Join(strings.Fields(s), "")
	}
	return s
}

// cleanText turns full-width spaces into spaces, collapses runs of spaces
// and trims.
func cleanText(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u3000", " ")), " ")
}

func gender(s string) string {
	switch cleanName(s) {
	case "男", "男性", "M", "m":
		return "男"
	case "女", "女性", "F", "f":
		return "女"
	}
	return ""
}

// ethnicity writes 汉 as 汉族; an empty cell means 汉族, as on most rosters.
func ethnicity(s string) string {
	s = cleanName(s)
	switch {
	case s == "":
		return "汉族"
	case !strings.HasSuffix(s, "族") && utf8.RuneCountInString(s) <= 3:
		return s + "族"
	}
	return s
}

var phoneSpelling = strings.NewReplacer(" ", "", "\u3000", "", "－", "-", "—", "-")

// phone keeps digits and one dash; mobile numbers have 11 digits.
func phone(s string) (string, bool) {
	s = phoneSpelling.Replace(s)
	if strings.HasPrefix(s, "+86") {
		s = s[3:]
	}
	digits := 0
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' && i > 0:
		default:
			return s, false
		}
	}
	return s, digits >= 7 && digits <= 12
}

// CheckBranch reports a 所在党支部 that names no organisation known to the
// import (the 组织 sheet and the organisations under the chosen one).
func (l *Layout) CheckBranch(r *Record, known func(name string) bool) *Problem {
	if r.Branch == "" || known(r.Branch) {
		return nil
	}
	return &Problem{Row: r.Row, Column: l.columnOf(Branch), Field: Branch,
		Message: fmt.Sprintf("党组织“%s”不存在：请先在组织工作表或系统中建立该组织，或改正名称", r.Branch)}
}
