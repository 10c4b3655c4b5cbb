package annual

import (
	"bytes"
	"fmt"

	"hongdun/internal/platform/db"

	"hongdun/internal/member"
	"hongdun/internal/org"
)

// Table is one table of the report: rows of counts under its columns.
type Table struct {
	Key     string   `json:"key"`
	Title   string   `json:"title"`
	Columns []string `json:"columns"`
	Rows    []Row    `json:"rows"`
	Note    string   `json:"note,omitempty"`
}

// Row is one line of a table.
type Row struct {
	Label string `json:"label"`
	Cells []int  `json:"cells"`
}

// Count is one figure of the reconciliation.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Reconciliation is 党员队伍变化: start + increases − decreases = end.
type Reconciliation struct {
	Start     int     `json:"start"` // 党员 on 12月31日 of the year before
	Increases []Count `json:"increases"`
	Increase  int     `json:"increase"`
	Decreases []Count `json:"decreases"`
	Decrease  int     `json:"decrease"`
	End       int     `json:"end"`
	Holds     bool    `json:"holds"`
	Formula   string  `json:"formula"` // the identity in words
}

// Report is the year-end report of a subtree.
type Report struct {
	Year           int            `json:"year"`
	AsOf           string         `json:"as_of"` // 12月31日 of the year, or today for the current year
	OrgID          int64          `json:"org_id"`
	OrgName        string         `json:"org_name"`
	member.Figures                // at AsOf, replayed; member's definitions
	Female         int            `json:"female"`
	Minority       int            `json:"minority"`
	CollegeOrAbove int            `json:"college_or_above"`
	NewMembers     int            `json:"new_members"` // 本年发展党员
	Orgs           int            `json:"orgs"`        // 基层党组织 (党小组 not counted)
	Derived        int            `json:"derived"`     // people whose history was partly inferred from the record's dates
	Issues         int            `json:"issues"`      // what the check found
	Reconciliation Reconciliation `json:"reconciliation"`
	Tables         []Table        `json:"tables"`
}

// Columns of the tables about 党员.
var memberColumns = []string{"合计", "正式党员", "预备党员"}

// dimension sorts a member at the year's end into one row of a table:
// by a recorded attribute (attr, its value's row) or by dates (dated).
type dimension struct {
	key, title string
	rows       []string // the row of 不详 follows them
	attr       func(p *person) code
	value      func(v string) int // index in rows; len(rows) for 不详
	dated      func(p *person, s state, end day) int
	note       string
}

var ageBands = []string{"30岁及以下", "31至35岁", "36至40岁", "41至45岁", "46至50岁", "51至55岁", "56至60岁", "61岁及以上"}

var educationRows = []string{"研究生", "大学本科", "大学专科", "中专", "高中及以下"}

var dimensions = []dimension{
	{key: "gender", title: "党员性别", rows: member.Genders, attr: func(p *person) code { return p.gender },
		value: func(v string) int { return index(member.Genders, v) }},
	{key: "ethnicity", title: "党员民族", rows: []string{"汉族", "少数民族"}, attr: func(p *person) code { return p.ethnicity },
		value: func(v string) int {
			switch {
			case v == "汉族":
				return 0
			case v != "":
				return 1
			}
			return 2
		}},
	{key: "age", title: "党员年龄", rows: ageBands, note: "年龄按统计截止日计算", dated: func(p *person, _ state, end day) int {
		a := ageAt(p.birth, end)
		switch {
		case a < 0:
			return len(ageBands)
		case a <= 30:
			return 0
		case a >= 61:
			return 7
		}
		return (a-31)/5 + 1
	}},
	{key: "education", title: "党员学历", rows: educationRows, attr: func(p *person) code { return p.education },
		value: func(v string) int {
			if v == "高中" || v == "初中及以下" {
				return 4
			}
			return index(educationRows[:4], v)
		}},
	{key: "category", title: "党员人员类别", rows: member.PartyCategories, attr: func(p *person) code { return p.category },
		value: func(v string) int { return index(member.PartyCategories, v) }},
	{key: "joined", title: "党员入党时间", note: "按接收为预备党员的日期",
		rows: []string{"1949年9月及以前", "1949年10月至1978年12月", "1979年1月至2012年11月", "2012年12月及以后"},
		dated: func(_ *person, s state, _ day) int {
			switch {
			case s.join == 0:
				return 4
			case s.join < 19491001:
				return 0
			case s.join < 19790101:
				return 1
			case s.join < 20121201:
				return 2
			}
			return 3
		}},
	{key: "party_age", title: "党员党龄", note: "党龄自转为正式党员之日起算；预备党员不计党龄",
		rows: []string{"不满5年", "5至9年", "10至19年", "20至29年", "30至39年", "40至49年", "50年及以上", "预备党员"},
		dated: func(_ *person, s state, end day) int {
			if s.status == cProbationary {
				return 7
			}
			y := ageAt(s.full, end)
			switch {
			case y < 0:
				return 8
			case y < 5:
				return 0
			case y < 10:
				return 1
			case y >= 50:
				return 6
			}
			return y/10 + 1
		}},
}

// index is the position of v in xs, len(xs) when absent (不详).
func index(xs []string, v string) int {
	for i, x := range xs {
		if x == v {
			return i
		}
	}
	return len(xs)
}

// ageAt is the whole years from the date from to the date to, -1 when from
// is not a date or comes after to.
func ageAt(from, to day) int {
	if from <= 0 || to <= 0 || from > to {
		return -1
	}
	n := to.year() - from.year()
	if from%10000 > to%10000 {
		n--
	}
	return n
}

// Changes of the year, in the order of the report.
var (
	increases = []Count{{Key: "join", Label: "发展党员"}, {Key: "transfer_in", Label: "转入组织关系"}, {Key: "restore", Label: "恢复党籍"}}
	decreases = []Count{{Key: "death", Label: "死亡"}, {Key: "cancel", Label: "出党：取消预备党员资格"},
		{Key: "transfer_out", Label: "转出组织关系"}, {Key: "suspend", Label: "停止党籍"}}
)

// tally accumulates one year.
type tally struct {
	end, start day
	rows       [][]uint8  // [dimension][code]: the row of each word of the vocabulary, for the dimensions of an attribute
	dims       [][][3]int // [dimension][row][合计, 正式, 预备]
	inc, dec   map[code]int
	dev        map[string]int
	newByCat   []int
	issues     []Issue
	twins      twins
	startCount int
}

func newTally(d *data, year int, today day) *tally {
	t := &tally{end: day(year*10000 + 1231), start: day((year-1)*10000 + 1231),
		inc: map[code]int{}, dec: map[code]int{}, dev: map[string]int{}, newByCat: make([]int, len(member.PartyCategories)+1), twins: twins{first: map[uint64]int32{}}}
	if today < t.end {
		t.end = today
	}
	for _, dim := range dimensions {
		t.dims = append(t.dims, make([][3]int, len(dim.rows)+1))
		var rows []uint8
		if dim.attr != nil {
			rows = make([]uint8, len(d.vocab.words))
			for c, w := range d.vocab.words {
				rows[c] = uint8(dim.value(w))
			}
		}
		t.rows = append(t.rows, rows)
	}
	return t
}

// person replays one person through the year.
func (t *tally) person(d *data, i int32) {
	p := &d.people[i]
	evs := d.eventsOf(p)
	s := p.initial(evs)
	var atStart state
	started := false
	var plus, minus int
	for _, e := range evs {
		if e.on > t.end {
			break
		}
		if !started && e.on > t.start {
			atStart, started = s, true
		}
		before := s
		p.step(&s, e)
		if e.on > t.start {
			a, b := d.inScope(before), d.inScope(s)
			plus, minus = plus+t.change(d, p, e, s, a, b), minus+t.leave(e, a, b)
		}
	}
	if !started {
		atStart = s
	}
	was, is := d.inScope(atStart), d.inScope(s)
	t.startCount += db.Int(was)
	if db.Int(was)+plus-minus != db.Int(is) {
		t.issues = append(t.issues, Issue{Kind: "unreconciled", PersonID: p.id, Name: string(d.nameOf(p)), Date: t.end.String(),
			Message: fmt.Sprintf("年初%s党员、年末%s党员，但本年记有增加 %d 次、减少 %d 次", isOrNot(was), isOrNot(is), plus, minus)})
	}
	if is {
		t.count(d, i, s)
	}
	if d.inOrg(s.org) {
		switch s.status {
		case cApplicant, cActivist, cCandidate:
			t.dev["stock_"+d.word(s.status)]++
		}
	}
}

// change counts an event of the year that adds a member to the subtree (or
// moves one out of it), and the development figures.
func (t *tally) change(d *data, p *person, e event, after state, was, is bool) int {
	here := d.inOrg(after.org)
	switch {
	case e.kind == cJoin && here:
		t.inc[cJoin]++
		t.dev["join"]++
		t.newByCat[index(member.PartyCategories, d.word(p.category))]++
		if d.word(p.gender) == "女" {
			t.dev["join_female"]++
		}
		if eth := d.word(p.ethnicity); eth != "" && eth != "汉族" {
			t.dev["join_minority"]++
		}
		if a := ageAt(p.birth, e.on); a >= 0 && a <= 35 {
			t.dev["join_young"]++
		}
		if college(d.word(p.education)) {
			t.dev["join_college"]++
		}
		return 1
	case e.kind == cRestore && here:
		t.inc[cRestore]++
		return 1
	case e.kind == cTransferIn && is && !was:
		t.inc[cTransferIn]++
		return 1
	case (e.kind == cApply || e.kind == cActivist || e.kind == cCandidate || e.kind == cFull || e.kind == cExtend || e.kind == cCancel) && here:
		t.dev[d.word(e.kind)]++
	}
	return 0
}

// leave counts an event of the year that takes a member out of the subtree.
func (t *tally) leave(e event, was, is bool) int {
	if !was || is {
		return 0
	}
	switch e.kind {
	case cDeath, cCancel, cTransferOut, cSuspend:
		t.dec[e.kind]++
	case cTransferIn: // moved to an organisation outside the subtree
		t.dec[cTransferOut]++
	default:
		return 0
	}
	return 1
}

// count adds a member at the year's end to every table of 党员.
func (t *tally) count(d *data, i int32, s state) {
	p := &d.people[i]
	k := 1
	if s.status == cProbationary {
		k = 2
	}
	for j, dim := range dimensions {
		var r int
		if dim.attr != nil {
			r = int(t.rows[j][dim.attr(p)])
		} else {
			r = dim.dated(p, s, t.end)
		}
		t.dims[j][r][0]++
		t.dims[j][r][k]++
	}
	if p.flags&twin != 0 {
		if first, ok := t.twins.seen(d, i); ok {
			t.issues = append(t.issues, Issue{Kind: "duplicate", PersonID: p.id, Name: string(d.nameOf(p)), Date: p.birth.String(),
				Message: fmt.Sprintf("与编号 %d 的党员同名同出生日期，可能重复登记", first)})
		}
	}
}

// twins finds members of the same name and birth date.
type twins struct {
	first map[uint64]int32 // hash of name and birth → the first member's index
	exact map[string]int64 // name|birth → first member's id, for different keys of one hash
}

// seen returns the id of the first member counted with the name and birth
// of the person at index i, or remembers them as the first.
func (w *twins) seen(d *data, i int32) (int64, bool) {
	p := &d.people[i]
	name := d.nameOf(p)
	h := d.twinKey(p)
	j, ok := w.first[h]
	if !ok {
		w.first[h] = i
		return 0, false
	}
	if q := &d.people[j]; q.birth == p.birth && bytes.Equal(d.nameOf(q), name) {
		return q.id, true
	}
	if w.exact == nil {
		w.exact = map[string]int64{}
	}
	key := string(name) + "|" + p.birth.String()
	if first, ok := w.exact[key]; ok {
		return first, true
	}
	w.exact[key] = p.id
	return 0, false
}

func (d *data) inScope(s state) bool { return s.member() && d.inOrg(s.org) }

func college(edu string) bool {
	return edu == "研究生" || edu == "大学本科" || edu == "大学专科"
}

// isOrNot is 是 or 不是 in a sentence (年初不是党员).
func isOrNot(b bool) string {
	if b {
		return "是"
	}
	return "不是"
}

// report computes the year for the loaded subtree. today bounds the current
// year.
func (d *data) report(year int, today day) (*Report, []Issue) {
	t := newTally(d, year, today)
	derived := 0
	for _, i := range d.sel {
		t.person(d, i)
		if d.people[i].derived > 0 {
			derived++
		}
	}
	r := &Report{Year: year, AsOf: t.end.String(), OrgID: d.root.ID, OrgName: d.root.Name, Derived: derived}
	for i, dim := range dimensions {
		tb := Table{Key: dim.key, Title: dim.title, Columns: memberColumns, Note: dim.note}
		total := Row{Label: "合计", Cells: make([]int, 3)}
		rows := append(append([]string{}, dim.rows...), "不详")
		for j, label := range rows {
			c := t.dims[i][j]
			total.Cells[0], total.Cells[1], total.Cells[2] = total.Cells[0]+c[0], total.Cells[1]+c[1], total.Cells[2]+c[2]
			tb.Rows = append(tb.Rows, Row{Label: label, Cells: []int{c[0], c[1], c[2]}})
		}
		tb.Rows = append([]Row{total}, tb.Rows...)
		r.Tables = append(r.Tables, tb)
	}
	g := r.Tables[0].Rows
	r.Figures = member.FiguresOf(func(s string) int {
		switch s {
		case "full":
			return g[0].Cells[1]
		case "probationary":
			return g[0].Cells[2]
		}
		return t.dev["stock_"+s]
	})
	r.Female = g[2].Cells[0]
	r.Minority = r.Tables[1].Rows[2].Cells[0]
	for _, row := range r.Tables[3].Rows[1:4] {
		r.CollegeOrAbove += row.Cells[0]
	}
	r.NewMembers = t.dev["join"]
	r.Reconciliation = t.reconcile(r.Members)
	r.Tables = append(r.Tables, t.changeTable(r.Reconciliation), t.devTable())
	orgs, n := d.orgTable(t.end)
	r.Tables, r.Orgs = append(r.Tables, orgs), n
	return r, t.issues
}

// reconcile computes the start from the year's changes run backwards and
// checks it against the replayed start.
func (t *tally) reconcile(end int) Reconciliation {
	rc := Reconciliation{End: end}
	for _, c := range increases {
		c.Count = t.inc[seeded.codes[c.Key]]
		rc.Increase += c.Count
		rc.Increases = append(rc.Increases, c)
	}
	for _, c := range decreases {
		c.Count = t.dec[seeded.codes[c.Key]]
		rc.Decrease += c.Count
		rc.Decreases = append(rc.Decreases, c)
	}
	rc.Start = t.startCount
	rc.Holds = rc.Start+rc.Increase-rc.Decrease == rc.End
	verb := "成立"
	if !rc.Holds {
		verb = "不成立，请先查看核对清单"
	}
	rc.Formula = fmt.Sprintf("上年底 %d 人 + 本年增加 %d 人 − 本年减少 %d 人 = %d 人，本年底 %d 人：平衡关系%s", rc.Start, rc.Increase, rc.Decrease,
		rc.Start+rc.Increase-rc.Decrease, rc.End, verb)
	return rc
}

func (t *tally) changeTable(rc Reconciliation) Table {
	tb := Table{Key: "change", Title: "党员队伍变化", Columns: []string{"人数"}, Note: rc.Formula}
	add := func(label string, n int) { tb.Rows = append(tb.Rows, Row{Label: label, Cells: []int{n}}) }
	add("上年底党员数", rc.Start)
	add("本年增加", rc.Increase)
	for _, c := range rc.Increases {
		add("　"+c.Label, c.Count)
	}
	add("本年减少", rc.Decrease)
	for _, c := range rc.Decreases {
		add("　"+c.Label, c.Count)
	}
	add("本年底党员数", rc.End)
	return tb
}

func (t *tally) devTable() Table {
	tb := Table{Key: "development", Title: "发展党员", Columns: []string{"人数"}, Note: "年底人数按统计截止日的身份；本年人数按当年登记的事项"}
	add := func(label, key string) { tb.Rows = append(tb.Rows, Row{Label: label, Cells: []int{t.dev[key]}}) }
	add("年底入党申请人", "stock_applicant")
	add("本年递交入党申请书", "apply")
	add("年底入党积极分子", "stock_activist")
	add("本年确定入党积极分子", "activist")
	add("年底发展对象", "stock_candidate")
	add("本年确定发展对象", "candidate")
	add("本年发展党员", "join")
	add("　其中：女", "join_female")
	add("　　　　少数民族", "join_minority")
	add("　　　　35岁及以下", "join_young")
	add("　　　　大专及以上学历", "join_college")
	for i, c := range member.PartyCategories {
		tb.Rows = append(tb.Rows, Row{Label: "　　　　" + c, Cells: []int{t.newByCat[i]}})
	}
	add("预备党员按期转正", "full")
	add("延长预备期", "extend")
	add("取消预备党员资格", "cancel")
	return tb
}

// Columns of the organisation table.
var orgColumns = []string{"个数", "任期内", "届满未换届", "任期未录入", "不实行换届", "书记在任", "书记空缺"}

// orgTable counts the 基层党组织 that existed at the end of the day end, by
// kind (党小组 are not 党组织 here), with their 换届 and 书记.
func (d *data) orgTable(end day) (Table, int) {
	tb := Table{Key: "orgs", Title: "基层党组织", Columns: orgColumns, Note: "党小组不计入党组织；换届情况按当前任期登记"}
	byKind := map[string][]int{}
	total := make([]int, len(orgColumns))
	for _, o := range d.orgs {
		if !org.Counted(o.Kind) || o.since > end || (o.dissolved != 0 && o.dissolved <= end) {
			continue
		}
		c := byKind[o.Kind]
		if c == nil {
			c = make([]int, len(orgColumns))
			byKind[o.Kind] = c
		}
		cols := []int{0}
		switch {
		case !o.HasTerm():
			cols = append(cols, 4)
		case o.termEnd == 0:
			cols = append(cols, 3)
		case o.termEnd < end:
			cols = append(cols, 2)
		default:
			cols = append(cols, 1)
		}
		if o.secretaryOn(end) {
			cols = append(cols, 5)
		} else {
			cols = append(cols, 6)
		}
		for _, i := range cols {
			c[i]++
			total[i]++
		}
	}
	tb.Rows = append(tb.Rows, Row{Label: "合计", Cells: total})
	for _, k := range org.Kinds {
		if !org.Counted(k) {
			continue
		}
		c := byKind[k]
		if c == nil {
			c = make([]int, len(orgColumns))
		}
		tb.Rows = append(tb.Rows, Row{Label: org.KindLabel(k), Cells: c})
	}
	return tb, total[0]
}

// secretaryOn reports whether a 书记 held office at the end of day d.
func (o *orgRow) secretaryOn(d day) bool {
	for _, s := range o.secretary {
		if s[0] <= d && (s[1] == 0 || s[1] > d) {
			return true
		}
	}
	return false
}
