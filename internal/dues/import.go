package dues

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"hongdun/internal/importer"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
	"hongdun/internal/roster"
)

// Kinds of import.
const (
	ImportBases    = "bases"    // 党费基数 of a year
	ImportPayments = "payments" // months paid
)

var importLabels = map[string]string{ImportBases: "党费基数", ImportPayments: "党费交纳记录"}

// The columns of the import files, found by their headers the way the
// roster importer finds its own (spellings, notes in brackets, spaces).
const (
	colName   roster.Field = "name"
	colID     roster.Field = "id_number"
	colKind   roster.Field = "kind"
	colBase   roster.Field = "base"
	colMonth  roster.Field = "month"
	colAmount roster.Field = "amount"
	colPaidOn roster.Field = "paid_on"
	colProxy  roster.Field = "proxy"
	colNote   roster.Field = "note"
)

var importColumns = map[string][]roster.Def{
	ImportBases: {
		{Field: colName, Label: "姓名", Synonyms: []string{"党员姓名"}},
		{Field: colID, Label: "公民身份号码", Synonyms: []string{"身份证号", "身份证号码", "身份证"}},
		{Field: colKind, Label: "党员类别", Synonyms: []string{"类别", "人员类别", "交纳类别"}},
		{Field: colBase, Label: "党费基数（元）", Synonyms: []string{"党费基数", "基数", "税后月收入", "月收入", "工资收入"}},
	},
	ImportPayments: {
		{Field: colName, Label: "姓名", Synonyms: []string{"党员姓名"}},
		{Field: colID, Label: "公民身份号码", Synonyms: []string{"身份证号", "身份证号码", "身份证"}},
		{Field: colMonth, Label: "所交月份", Synonyms: []string{"月份", "交纳月份", "党费月份"}},
		{Field: colAmount, Label: "交纳金额（元）", Synonyms: []string{"交纳金额", "金额", "实交金额", "实交"}},
		{Field: colPaidOn, Label: "交纳日期", Synonyms: []string{"交纳时间", "缴纳日期"}},
		{Field: colProxy, Label: "代缴", Synonyms: []string{"是否代缴"}},
		{Field: colNote, Label: "备注", Synonyms: []string{"说明"}},
	},
}

// The kinds of base as files write them.
var kindWords = map[string]string{"在职": Service, "在职党员": Service, "离退休": Retired, "离退休党员": Retired, "退休": Retired, "离休": Retired,
	"学生": Low, "失业": Low, "低收入": Low, "学生、失业或低收入党员": Low, "0.2元": Low}

// MaxImportRows bounds an import file (a 分局's members for a year of
// months is well under it).
const MaxImportRows = 20000

// ImportRow is one checked row, as it will be applied.
type ImportRow struct {
	Row       int    `json:"row"`
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	Kind      string `json:"kind,omitempty"`
	BaseFen   int64  `json:"base_fen,omitempty"`
	AmountFen int64  `json:"amount_fen"` // bases: the monthly amount; payments: the amount paid (0: the amount due)
	Replaces  bool   `json:"replaces,omitempty"`
	Year      int    `json:"year,omitempty"`
	Month     int    `json:"month,omitempty"`
	PaidOn    string `json:"paid_on,omitempty"`
	Proxy     bool   `json:"proxy,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Import is a checked file and what became of it.
type Import struct {
	ID        int64            `json:"id"`
	OrgID     int64            `json:"org_id"`
	OrgName   string           `json:"org_name"`
	Kind      string           `json:"kind"`
	KindLabel string           `json:"kind_label"`
	Year      int              `json:"year"`
	FileName  string           `json:"file_name"`
	State     string           `json:"state"` // checked, applied
	Rows      []ImportRow      `json:"rows"`
	Problems  []roster.Problem `json:"problems"`
	CreatedBy string           `json:"created_by"`
	AppliedAt int64            `json:"applied_at,omitempty"`
}

// The kinds of the common import job API (POST /api/v1/imports, kind=…).
const (
	JobBases    = "dues_bases"
	JobPayments = "dues_payments"
)

func init() {
	for job, kind := range map[string]string{JobBases: ImportBases, JobPayments: ImportPayments} {
		importer.RegisterHeld(importer.HeldKind{Name: job, Label: importLabels[kind], Page: "/dues/imports/%d",
			Options: importOptions, Check: CheckImport, Apply: ApplyImport, Detail: func(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (any, error) {
				return GetImport(ctx, d, p, id)
			}})
	}
}

// importOptions checks the year (last, this or next) and the organisation
// (one the caller administers; theirs by default) of an import.
func importOptions(ctx context.Context, d *core.Deps, p *auth.Principal, in *importer.HeldInput) error {
	today := civil.Today(d.Now())
	if in.Year == 0 {
		in.Year = today.Year()
	}
	if in.Year < today.Year()-1 || in.Year > today.Year()+1 {
		return fail.Malformed("year", fmt.Sprintf("年度应为 %d 至 %d 年", today.Year()-1, today.Year()+1))
	}
	if in.OrgID == 0 {
		in.OrgID = p.OrgID
	}
	_, err := org.WritablePath(ctx, d.DB, p, in.OrgID)
	return err
}

// errNoHeader is a first sheet without the columns of its kind.
var errNoHeader = errors.New("no header")

// CheckImport reads the file of an import job, checks every row against the
// members of the organisation's subtree (in p's scope) and the ledger, and
// keeps the result under the job for the preview. Nothing in the ledger
// changes.
func CheckImport(ctx context.Context, d *core.Deps, p *auth.Principal, in importer.HeldInput) (importer.HeldResult, error) {
	var res importer.HeldResult
	kind := strings.TrimPrefix(in.Kind, "dues_")
	orgPath, err := org.WritablePath(ctx, d.DB, p, in.OrgID)
	if err != nil {
		return res, err
	}
	book, err := roster.Open(in.Path)
	if err != nil {
		return res, fail.Malformed("file", err.Error())
	}
	defer func() { _ = book.Close() }() // read only: nothing to lose
	im := &Import{OrgID: in.OrgID, Kind: kind, Year: in.Year, FileName: in.FileName, State: "checked", Rows: []ImportRow{}, Problems: []roster.Problem{},
		CreatedBy: p.Username}
	c, err := newChecker(ctx, d, scope.Under(orgPath), kind, in.Year, civil.Today(d.Now()))
	if err != nil {
		return res, err
	}
	if err := c.read(book, im); errors.Is(err, errNoHeader) {
		return res, fail.Malformed("file", "文件各工作表的前 20 行中没有找到表头（应有“姓名”和"+importColumns[kind][len(importColumns[kind])-1].Label+"等列）：请使用导入模板")
	} else if err != nil {
		return res, fail.Malformed("file", err.Error())
	}
	items, _ := json.Marshal(im.Rows)
	problems, _ := json.Marshal(im.Problems)
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, `INSERT INTO dues_imports (job_id, org_id, kind, year, file_name, items, problems, state, created_by, created_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, in.JobID, im.OrgID, im.Kind, im.Year, im.FileName, string(items), string(problems), im.State, im.CreatedBy, d.Now().UnixMilli())
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "dues.import.check", ObjectType: "dues_import", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"job_id": in.JobID, "org_id": im.OrgID, "kind": im.Kind, "year": im.Year, "file": im.FileName, "rows": len(im.Rows), "problems": len(im.Problems)}})
	})
	bad := map[int]bool{}
	for _, pr := range im.Problems {
		bad[pr.Row] = true
	}
	return importer.HeldResult{Total: len(im.Rows) + len(bad), Rows: len(im.Rows), Problems: im.Problems}, err
}

// checker holds what the rows are checked against: the subtree's members
// by name and by ID number, the year's bases and the months already paid.
type checker struct {
	kind, label string
	year        int
	today       civil.Date
	keys        interface{ Index(string) string }
	byName      map[string][]member.Person
	byHash      map[string]member.Person
	brackets    []Bracket
	bases       map[int64]map[int]*Base // person → year → base
	paid        map[int64]map[Month]bool
	seen        map[string]int // person and year or month → first row
	layout      *roster.Layout // of the sheet read
}

func newChecker(ctx context.Context, d *core.Deps, s scope.Subtree, kind string, year int, today civil.Date) (*checker, error) {
	c := &checker{kind: kind, label: importLabels[kind], year: year, today: today, keys: d.Keys, byName: map[string][]member.Person{},
		byHash: map[string]member.Person{}, bases: map[int64]map[int]*Base{}, paid: map[int64]map[Month]bool{}, seen: map[string]int{}}
	w, args := s.Where("o.path")
	rows, err := d.DB.QueryContext(ctx, `SELECT p.id, p.name, p.org_id, COALESCE(p.id_hash, ''), COALESCE(p.join_date, '')
		FROM persons p JOIN orgs o ON o.id = p.org_id WHERE `+w+` AND `+member.PartyMember("p.status"), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pr member.Person
		var hash string
		if err := rows.Scan(&pr.ID, &pr.Name, &pr.OrgID, &hash, &pr.JoinDate); err != nil {
			rows.Close()
			return nil, err
		}
		c.byName[pr.Name] = append(c.byName[pr.Name], pr)
		if hash != "" {
			c.byHash[hash] = pr
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if c.brackets, err = Brackets(ctx, d.DB); err != nil {
		return nil, err
	}
	from, to := Month{year, 1}, Month{year, 12}
	if kind == ImportPayments {
		from, to = MonthOf(today).Add(-MaxBackMonths), MonthOf(today)
	}
	brows, err := d.DB.QueryContext(ctx, `SELECT `+baseCols+` FROM dues_bases b WHERE year >= ? AND year <= ? AND `+
		`person_id IN (SELECT p.id FROM persons p JOIN orgs o ON o.id = p.org_id WHERE `+w+`)`, append([]any{from.Year, to.Year}, args...)...)
	if err != nil {
		return nil, err
	}
	for brows.Next() {
		b, err := scanBase(brows)
		if err != nil {
			brows.Close()
			return nil, err
		}
		if c.bases[b.PersonID] == nil {
			c.bases[b.PersonID] = map[int]*Base{}
		}
		c.bases[b.PersonID][b.Year] = b
	}
	brows.Close()
	if err := brows.Err(); err != nil {
		return nil, err
	}
	prows, err := d.DB.QueryContext(ctx, `SELECT y.person_id, y.year, y.month FROM dues_payments y JOIN persons p ON p.id = y.person_id
		JOIN orgs o ON o.id = p.org_id WHERE y.year >= ? AND `+w, append([]any{from.Year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var id int64
		var m Month
		if err := prows.Scan(&id, &m.Year, &m.Month); err != nil {
			return nil, err
		}
		if c.paid[id] == nil {
			c.paid[id] = map[Month]bool{}
		}
		c.paid[id][m] = true
	}
	return c, prows.Err()
}

// read checks every row of the first sheet whose header names 姓名 (a 说明
// sheet may come first) into im.
func (c *checker) read(book roster.Book, im *Import) error {
	var layout *roster.Layout
	for _, name := range book.SheetNames() {
		l, err := roster.FindLayout(book, name, importColumns[c.kind])
		if err != nil {
			return err
		}
		if l != nil && l.Mapping.Has(colName) {
			layout = l
			break
		}
	}
	if layout == nil {
		return errNoHeader
	}
	c.layout = layout
	for _, need := range map[string][]roster.Field{ImportBases: {colKind}, ImportPayments: {colMonth}}[c.kind] {
		if !layout.Mapping.Has(need) {
			im.Problems = append(im.Problems, roster.Problem{Column: c.header(need), Message: "未找到“" + c.header(need) + "”列"})
			return nil
		}
	}
	sheet, err := book.Sheet(layout.Sheet)
	if err != nil {
		return err
	}
	for sheet.Next() {
		if sheet.Row() <= layout.HeaderRow || roster.Skip(sheet.Cells()) {
			continue
		}
		if len(im.Rows)+len(im.Problems) >= MaxImportRows {
			im.Problems = append(im.Problems, roster.Problem{Message: fmt.Sprintf("文件超过 %d 行，请分批导入", MaxImportRows)})
			break
		}
		cell := func(f roster.Field) string {
			if i := layout.Mapping.Index(f); i >= 0 && i < len(sheet.Cells()) {
				return roster.Cell(sheet.Cells()[i])
			}
			return ""
		}
		bad := func(f roster.Field, msg string) {
			im.Problems = append(im.Problems, roster.Problem{Row: sheet.Row(), Column: layout.Column(layout.Mapping.Index(f)), Field: f, Message: msg})
		}
		if row, ok := c.row(sheet.Row(), cell, bad); ok {
			im.Rows = append(im.Rows, row)
		}
	}
	return sheet.Err()
}

func (c *checker) header(f roster.Field) string {
	for _, d := range importColumns[c.kind] {
		if d.Field == f {
			return d.Label
		}
	}
	return string(f)
}

// row checks one row; bad reports each problem of it.
func (c *checker) row(n int, cell func(roster.Field) string, bad func(roster.Field, string)) (ImportRow, bool) {
	r := ImportRow{Row: n}
	pr, ok := c.person(cell, bad)
	if !ok {
		return r, false
	}
	r.PersonID, r.Name = pr.ID, pr.Name
	if c.kind == ImportBases {
		return r, c.base(&r, cell, bad)
	}
	return r, c.payment(&r, pr, cell, bad)
}

// person finds the member a row names: by ID number when given, else by
// a name that only one member of the subtree has.
func (c *checker) person(cell func(roster.Field) string, bad func(roster.Field, string)) (member.Person, bool) {
	name := cell(colName)
	if id := cell(colID); id != "" {
		n, err := idcard.Normalize(id)
		if err != nil {
			bad(colID, err.Error())
			return member.Person{}, false
		}
		pr, ok := c.byHash[c.keys.Index(n)]
		switch {
		case !ok:
			bad(colID, "所选党组织中没有公民身份号码为此号码的党员")
		case name != "" && name != pr.Name:
			bad(colName, fmt.Sprintf("姓名“%s”与公民身份号码登记的姓名不一致", name))
			ok = false
		}
		return pr, ok
	}
	ps := c.byName[name]
	switch {
	case name == "":
		bad(colName, "姓名不能为空")
	case len(ps) == 0:
		bad(colName, fmt.Sprintf("所选党组织中没有名为“%s”的党员（正式党员或预备党员）", name))
	case len(ps) > 1:
		bad(colName, fmt.Sprintf("所选党组织中有 %d 名党员叫“%s”，请填写公民身份号码区分", len(ps), name))
	default:
		return ps[0], true
	}
	return member.Person{}, false
}

func (c *checker) base(r *ImportRow, cell func(roster.Field) string, bad func(roster.Field, string)) bool {
	r.Year = c.year
	r.Kind = kindWords[strings.ReplaceAll(cell(colKind), " ", "")]
	if r.Kind == "" {
		bad(colKind, "党员类别“"+cell(colKind)+"”无法识别（应为在职、离退休，或学生、失业、低收入）")
		return false
	}
	if r.Kind != Low {
		fen, err := ParseYuan(string(colBase), "党费基数", money(cell(colBase)))
		if err != nil {
			var fe *fail.Error
			if errors.As(err, &fe) {
				bad(colBase, fe.Message)
			}
			return false
		}
		if fen > 100000000 {
			bad(colBase, "党费基数应在 0 至 100 万元之间")
			return false
		}
		r.BaseFen = fen
	}
	r.AmountFen, _ = Amount(c.brackets, r.Kind, r.BaseFen)
	if key := fmt.Sprintf("%d/%d", r.PersonID, r.Year); c.seen[key] != 0 {
		bad(colName, fmt.Sprintf("与第 %d 行是同一名党员", c.seen[key]))
		return false
	} else {
		c.seen[key] = r.Row
	}
	r.Replaces = c.bases[r.PersonID][r.Year] != nil
	return true
}

func (c *checker) payment(r *ImportRow, pr member.Person, cell func(roster.Field) string, bad func(roster.Field, string)) bool {
	m, ok := c.month(cell(colMonth))
	if !ok {
		bad(colMonth, "所交月份“"+cell(colMonth)+"”无法识别（如 3、3月、2026-03 或 2026年3月）")
		return false
	}
	r.Year, r.Month = m.Year, m.Month
	in := PayInput{Year: m.Year, Month: m.Month, Note: cell(colNote)}
	if s := cell(colPaidOn); s != "" {
		d, err := c.layout.Date(s)
		if err != nil {
			bad(colPaidOn, "交纳日期“"+s+"”不是真实的日期（如 2026-03-05）")
			return false
		}
		if d.MonthOnly {
			bad(colPaidOn, "交纳日期“"+s+"”只有年月，请写到日（如 2026-03-05）")
			return false
		}
		in.PaidOn = d.String()
	}
	if s := cell(colAmount); s != "" {
		fen, err := ParseYuan(string(colAmount), "交纳金额", money(s))
		if err != nil {
			bad(colAmount, "交纳金额“"+s+"”不是有效的金额")
			return false
		}
		in.AmountFen = fen
	}
	if p := cell(colProxy); p != "代缴" {
		yes, ok := roster.YesNo(p)
		if !ok {
			bad(colProxy, "代缴“"+p+"”无法识别：代缴填“是”或“√”，否则填“否”或留空")
			return false
		}
		in.Proxy = yes
	} else {
		in.Proxy = true
	}
	_, paid, err := checkPay(&in, c.today)
	if err != nil {
		var fe *fail.Error
		if errors.As(err, &fe) {
			bad(fieldColumn(fe.Field), fe.Message)
		}
		return false
	}
	b := c.bases[pr.ID][m.Year]
	switch {
	case pr.JoinDate != "" && pr.JoinDate > m.Last():
		bad(colMonth, fmt.Sprintf("%s于 %s 接收为预备党员，%s无需交纳（%s）", pr.Name, pr.JoinDate, m.Chinese(), RuleOf(RuleFromJoin).Title))
	case b == nil:
		bad(colMonth, fmt.Sprintf("尚未核定%s %d 年的党费基数，请先导入或核定基数", pr.Name, m.Year))
	case b.AmountFen == 0:
		bad(colMonth, fmt.Sprintf("%s %d 年经批准免交党费，无需登记", pr.Name, m.Year))
	case in.AmountFen != 0 && in.AmountFen < b.AmountFen:
		bad(colAmount, fmt.Sprintf("交纳金额不能少于应交的 %s 元", Yuan(b.AmountFen)))
	case c.paid[pr.ID][m]:
		bad(colMonth, fmt.Sprintf("%s%s的党费已经登记交纳", pr.Name, m.Chinese()))
	default:
		key := fmt.Sprintf("%d/%d/%d", pr.ID, m.Year, m.Month)
		if first := c.seen[key]; first != 0 {
			bad(colMonth, fmt.Sprintf("与第 %d 行重复（同一党员同一月份）", first))
			return false
		}
		c.seen[key] = r.Row
		r.AmountFen, r.PaidOn, r.Proxy, r.Note = in.AmountFen, paid.String(), in.Proxy, in.Note
		if r.AmountFen == 0 {
			r.AmountFen = b.AmountFen
		}
		return true
	}
	return false
}

// fieldColumn is the column of a payment field checkPay names.
func fieldColumn(field string) roster.Field {
	switch field {
	case "paid_on":
		return colPaidOn
	case "note":
		return colNote
	case "amount_fen":
		return colAmount
	}
	return colMonth
}

// month reads "3", "3月", "３月份" (of the import's year), "2026-03",
// "2026年3月", or a date cell (its serial number).
func (c *checker) month(s string) (Month, bool) {
	s = strings.TrimSuffix(width.Narrow.String(strings.TrimSpace(s)), "份")
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "月")); err == nil && n < 100 {
		return Month{c.year, n}, n >= 1 && n <= 12
	}
	d, err := c.layout.Date(s)
	if err != nil || d.IsZero() {
		return Month{}, false
	}
	return MonthOf(d.Date), true
}

// money is an amount as offices write it, for ParseYuan: full-width
// digits, ￥ and 元, thousands separators, and the binary noise of a
// number cell computed by a formula (30.000000000000004) rounded away.
func money(s string) string {
	s = strings.NewReplacer("¥", "", "￥", "", "元", "", ",", "", " ", "").Replace(width.Narrow.String(s))
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && math.Abs(f*100-math.Round(f*100)) < 1e-6 {
			return strconv.FormatFloat(math.Round(f*100)/100, 'f', 2, 64)
		}
	}
	return s
}

const importCols = `i.job_id, i.org_id, o.name, i.kind, i.year, i.file_name, i.state, i.items, i.problems, i.created_by, COALESCE(i.applied_at, 0)`

// GetImport returns the rows of an import job of an organisation the
// caller administers.
func GetImport(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Import, error) {
	return getImport(ctx, d.DB, p, id)
}

func getImport(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Import, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	w, args := scope.Of(p).Where("o.path")
	var im Import
	var items, problems string
	err := q.QueryRowContext(ctx, "SELECT "+importCols+" FROM dues_imports i JOIN orgs o ON o.id = i.org_id WHERE i.job_id = ? AND "+w,
		append([]any{id}, args...)...).Scan(&im.ID, &im.OrgID, &im.OrgName, &im.Kind, &im.Year, &im.FileName, &im.State, &items, &problems, &im.CreatedBy, &im.AppliedAt)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &im.Rows); err != nil {
		return nil, fmt.Errorf("dues import %d: items: %w", id, err)
	}
	if err := json.Unmarshal([]byte(problems), &im.Problems); err != nil {
		return nil, fmt.Errorf("dues import %d: problems: %w", id, err)
	}
	im.KindLabel = importLabels[im.Kind]
	return &im, nil
}

// ApplyImport writes the checked rows of an import job, all or nothing:
// each row goes through the same checks as a form (scope, brackets, the
// back-pay window, no double payment), so a change since the check refuses
// the whole file, naming the row. Applying twice is a conflict.
func ApplyImport(ctx context.Context, d *core.Deps, p *auth.Principal, jobID int64) (importer.HeldResult, error) {
	var res importer.HeldResult
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		im, err := getImport(ctx, tx, p, jobID)
		if err != nil {
			return err
		}
		if len(im.Rows) == 0 {
			return fail.Refused("empty", "文件中没有可导入的行")
		}
		for _, r := range im.Rows {
			if err := applyRow(ctx, d, tx, p, im, r); err != nil {
				var fe *fail.Error
				if errors.As(err, &fe) {
					return fail.Refused("row", fmt.Sprintf("第 %d 行（%s）：%s。未导入任何数据，请重新上传检查", r.Row, r.Name, fe.Message))
				}
				return err
			}
		}
		upd, err := tx.ExecContext(ctx, "UPDATE dues_imports SET state = 'applied', applied_at = ? WHERE job_id = ? AND state = 'checked'", d.Now().UnixMilli(), jobID)
		if err != nil {
			return err
		}
		if n, err := upd.RowsAffected(); err != nil || n != 1 {
			return fail.Conflict("该文件已经导入，请勿重复提交")
		}
		res = importer.HeldResult{Total: len(im.Rows), Rows: len(im.Rows), Written: len(im.Rows)}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "dues.import.apply", ObjectType: "dues_import", ObjectID: strconv.FormatInt(jobID, 10),
			Detail: map[string]any{"job_id": jobID, "org_id": im.OrgID, "kind": im.Kind, "year": im.Year, "rows": len(im.Rows)}})
	})
	return res, err
}

func applyRow(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, im *Import, r ImportRow) error {
	if im.Kind == ImportPayments {
		_, err := pay(ctx, d, tx, p, PayInput{PersonID: r.PersonID, Year: r.Year, Month: r.Month, AmountFen: r.AmountFen, PaidOn: r.PaidOn,
			Proxy: r.Proxy, Note: r.Note})
		return err
	}
	in := BaseInput{PersonID: r.PersonID, Year: r.Year, Kind: r.Kind, BaseFen: r.BaseFen}
	old, err := baseOf(ctx, tx, r.PersonID, r.Year)
	if err != nil {
		return err
	}
	var baseID int64
	if old != nil {
		baseID, in.Version = old.ID, old.Version
	}
	_, err = setBase(ctx, d, tx, p, baseID, in)
	return err
}
