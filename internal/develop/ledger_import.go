package develop

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"hongdun/internal/platform/civil"
	"hongdun/internal/roster"
	"hongdun/internal/rules"
)

// The core of the 台账 import (kind=development): reading an office's
// in-flight ledger as it looks on paper, and judging each row against the
// rules as of its own dates. Matching people and writing the cases are the
// job's part.

// PaperRow is one person's row of a 台账: who, and each step's date with
// what the row gives of it.
type PaperRow struct {
	Row      int // 1-based row number in the sheet
	Name     string
	IDNumber string
	Branch   string
	Steps    map[int]civil.Date
	// Inputs given in the row: vote counts per voting step, 政审 result,
	// training, 产生方式, names of 培养联系人 / 入党介绍人 per step.
	Votes          map[int]*rules.Vote
	VettingPassed  *bool
	TrainingDays   int
	TrainingHours  int
	Recommendation string
	People         map[int][]string
	// Publicity holds the start of each 公示 given ("candidate", "admission").
	Publicity map[string]civil.Date
	// Named are the people of People found in the registry, by step; nil
	// when not looked up (they are then judged by their number alone).
	Named map[int][]rules.Person
}

// ledgerCol is what one column of the header holds.
type ledgerCol struct {
	field string // name, id_number, branch, step, vote, vetting, training_days, training_hours, recommendation, people
	step  int
	vote  string // expected, present, for, against, abstain; the 公示's kind
}

var spaces = regexp.MustCompile(`[\s　]+`)

// normHeader folds a header cell: no spaces or line breaks, no asterisks
// marking required columns, half-width brackets, no trailing 日期/时间.
func normHeader(s string) string {
	s = spaces.ReplaceAllString(s, "")
	s = strings.Trim(s, "*＊")
	s = strings.NewReplacer("（", "(", "）", ")").Replace(s)
	for _, suf := range []string{"日期", "时间"} {
		s = strings.TrimSuffix(s, suf)
	}
	return s
}

// conversion says a header is about the 转正 half (steps 22–24).
func conversion(h string) bool { return strings.Contains(h, "转正") }

// stepSynonyms are headers offices use for steps besides the official name.
var stepSynonyms = map[string]int{
	"入党申请": 1, "申请入党": 1, "递交入党申请": 1, "谈话": 2, "派人谈话": 2,
	"确定为入党积极分子": 3, "确定入党积极分子": 3, "列为入党积极分子": 3, "入党积极分子备案": 4,
	"培养联系人": 5, "培养教育": 6, "确定为发展对象": 7, "列为发展对象": 7, "发展对象备案": 8,
	"入党介绍人": 9, "政治审查": 10, "政审": 10, "集中培训": 11, "支委会审查": 12, "预审": 13, "上级党委预审": 13,
	"填写志愿书": 14, "志愿书": 14, "接收预备党员支部大会": 15, "支部大会接收": 15, "接收预备党员": 15,
	"上级党委谈话": 16, "审批接收": 17, "入党": 17, "备案": 18, "编入党支部和党小组": 19, "编入党小组": 19,
	"宣誓": 20, "教育考察": 21, "转正申请": 22, "转正支部大会": 23, "支部大会讨论转正": 23, "转正审批": 24,
	"审批转正": 24, "归档": 25,
}

var voteHeads = map[string]string{"应到": "expected", "实到": "present", "赞成": "for", "反对": "against", "弃权": "abstain"}

// readColumn reads what one header cell names (a zero ledgerCol when
// nothing).
func readColumn(raw string) ledgerCol {
	h := normHeader(raw)
	var c ledgerCol
	switch {
	case h == "姓名":
		c.field = "name"
	case strings.Contains(h, "身份证") || strings.Contains(h, "身份号码"):
		c.field = "id_number"
	case strings.HasSuffix(h, "支部") && !strings.Contains(h, "编入"):
		c.field = "branch"
	case h == "培养联系人" || h == "入党介绍人":
		c.field, c.step = "people", stepSynonyms[h]
	case strings.Contains(h, "政审结论") || strings.Contains(h, "政审结果"):
		c.field = "vetting"
	case strings.Contains(h, "培训天数"):
		c.field = "training_days"
	case strings.Contains(h, "学时"):
		c.field = "training_hours"
	case h == "推荐方式" || h == "产生方式":
		c.field = "recommendation"
	case strings.Contains(h, "公示"):
		c.field, c.vote = "publicity", map[bool]string{true: "candidate", false: "admission"}[strings.Contains(h, "发展对象")]
	default:
		if v := voteOf(h); v != "" {
			c.field, c.vote, c.step = "vote", v, map[bool]int{true: 23, false: 15}[conversion(h)]
		} else if n := stepOf(h); n > 0 {
			c.field, c.step = "step", n
		}
	}
	return c
}

// ledgerName names a header cell's column for roster.FindHeader.
func ledgerName(h string) string {
	if c := readColumn(h); c.field != "" {
		return fmt.Sprintf("%s/%d/%s", c.field, c.step, c.vote)
	}
	return ""
}

// ledgerHeader recognises a header row; ok is false unless it names the
// person and at least two steps.
func ledgerHeader(cells []string) ([]ledgerCol, bool) {
	cols := make([]ledgerCol, len(cells))
	steps, named := 0, false
	for i, raw := range cells {
		cols[i] = readColumn(raw)
		switch cols[i].field {
		case "name":
			named = true
		case "step":
			steps++
		}
	}
	return cols, named && steps >= 2
}

func voteOf(h string) string {
	for k, v := range voteHeads {
		if strings.Contains(h, k) && (strings.HasSuffix(h, "人数") || strings.HasSuffix(h, k) || strings.HasSuffix(h, "票")) {
			return v
		}
	}
	return ""
}

// stepOf reads a step header: the official name (the 转正 half told by
// 转正, before or after it: 转正支部大会讨论, 支部大会讨论（转正）), else a
// synonym.
func stepOf(h string) int {
	if n, ok := stepSynonyms[h]; ok {
		return n
	}
	bare := strings.TrimPrefix(h, "转正")
	for _, d := range rules.Steps {
		if bare == d.Name || strings.HasPrefix(bare, d.Name) {
			if d.Stage == 4 && conversion(h) {
				continue
			}
			return d.No
		}
	}
	return 0
}

// ledgerHeading is the head of step n's date column in the template and
// the export, read back by stepOf: the official name with 日期, the 转正
// half of a name used twice marked （转正）.
func ledgerHeading(n int) string {
	d, _ := rules.Step(n)
	for _, o := range rules.Steps {
		if o.Name == d.Name && o.No != n && d.Stage == 5 {
			return d.Name + "（转正）日期"
		}
	}
	return d.Name + "日期"
}

// ReadLedger reads a 台账's rows from the first sheet of b whose header
// (found as roster.FindHeader finds it, below titles, over two rows when
// its groups are merged) names the person and at least two steps; blank
// rows and the notes and signatures below the data are skipped. It returns
// the rows and every unreadable cell; read counts the rows read.
func ReadLedger(b roster.Book, read func()) ([]PaperRow, []roster.Problem, error) {
	for _, name := range b.SheetNames() {
		h, err := roster.FindHeader(b, name, ledgerName, 3)
		if err != nil {
			return nil, nil, err
		}
		if h == nil {
			continue
		}
		cols, ok := ledgerHeader(h.Cells)
		if !ok {
			continue
		}
		s, err := b.Sheet(name)
		if err != nil {
			return nil, nil, err
		}
		var rows []PaperRow
		var probs []roster.Problem
		for s.Next() {
			if s.Row() <= h.Row || roster.Skip(s.Cells()) {
				continue
			}
			read()
			r, ps := readLedgerRow(s.Row(), h, cols, s.Cells())
			probs = append(probs, ps...)
			if r != nil {
				rows = append(rows, *r)
			}
		}
		return rows, probs, s.Err()
	}
	return nil, []roster.Problem{{Message: "未找到台账的表头：前 20 行中须有一行含“姓名”列和至少两个步骤日期列（如“确定为入党积极分子日期”）"}}, nil
}

func readLedgerRow(n int, head *roster.Header, cols []ledgerCol, cells []string) (*PaperRow, []roster.Problem) {
	r := &PaperRow{Row: n, Steps: map[int]civil.Date{}, Votes: map[int]*rules.Vote{}, People: map[int][]string{}, Publicity: map[string]civil.Date{}}
	var probs []roster.Problem
	bad := func(i int, msg string) {
		probs = append(probs, roster.Problem{Row: n, Column: head.Cells[i], Message: msg})
	}
	blank := true
	for i, c := range cols {
		if i >= len(cells) {
			break
		}
		v := spaces.ReplaceAllString(roster.Cell(cells[i]), " ")
		if v == "" || c.field == "" {
			continue
		}
		blank = false
		switch c.field {
		case "name":
			r.Name = strings.ReplaceAll(v, " ", "")
		case "id_number":
			r.IDNumber = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
		case "branch":
			r.Branch = v
		case "step", "publicity":
			switch d, err := head.Date(v); {
			case err != nil:
				bad(i, err.Error())
			case d.MonthOnly:
				bad(i, fmt.Sprintf("日期“%s”只写到了月：发展党员各步骤的日期须写到日（如 2024-03-12）", v))
			case c.field == "step":
				r.Steps[c.step] = d.Date
			default:
				r.Publicity[c.vote] = d.Date
			}
		case "vote":
			k, err := wholeNumber(v)
			if err != nil || k < 0 {
				bad(i, fmt.Sprintf("人数“%s”应为非负整数", v))
				continue
			}
			vt := r.Votes[c.step]
			if vt == nil {
				vt = &rules.Vote{}
				r.Votes[c.step] = vt
			}
			*map[string]*int{"expected": &vt.Expected, "present": &vt.Present, "for": &vt.For, "against": &vt.Against, "abstain": &vt.Abstain}[c.vote] = k
		case "vetting":
			pass := strings.Contains(v, "合格") && !strings.Contains(v, "不合格") || v == "通过"
			r.VettingPassed = &pass
		case "training_days", "training_hours":
			k, err := wholeNumber(strings.TrimRight(v, "天学时"))
			if err != nil || k < 0 {
				bad(i, fmt.Sprintf("“%s”应为非负整数", v))
				continue
			}
			if c.field == "training_days" {
				r.TrainingDays = k
			} else {
				r.TrainingHours = k
			}
		case "recommendation":
			r.Recommendation = v

		case "people":
			r.People[c.step] = strings.FieldsFunc(v, func(c rune) bool { return strings.ContainsRune("、,，;； ", c) })
		}
	}
	if blank {
		return nil, nil
	}
	if r.Name == "" {
		probs = append(probs, roster.Problem{Row: n, Column: "姓名", Message: "缺少姓名"})
	}
	if _, ok := r.Steps[1]; !ok && len(probs) == 0 {
		probs = append(probs, roster.Problem{Row: n, Column: ledgerHeading(1), Message: "缺少递交入党申请书日期：发展档案从收到入党申请书开始"})
	}
	return r, probs
}

// wholeNumber reads a whole number however a sheet keeps it: as text, with
// full-width digits, or as a number cell (9, 9.0).
func wholeNumber(v string) (int, error) {
	v = width.Narrow.String(v)
	if f, err := strconv.ParseFloat(v, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e9 {
		return int(f), nil
	}
	return strconv.Atoi(v)
}

// LedgerOrgs are the organisations acting on a row's steps and the
// branch's roster: the branch for its own steps, the 党委 with 审批权限
// above it for the upper steps, the level above that for step 18's filing.
type LedgerOrgs struct {
	Branch, Approver, Above rules.Org
	// Full counts the branch's 正式党员 on a date (nil: not judged).
	Full func(civil.Date) int
}

func (o LedgerOrgs) acting(def rules.StepDef) rules.Org {
	switch {
	case def.Acting == rules.ByAbove && o.Above.ID != 0:
		return o.Above
	case def.Upper():
		return o.Approver
	}
	return o.Branch
}

// given says, by rule, whether the row holds what the rule judges: a
// rule missing here judges only what every 台账 has (dates).
func (r PaperRow) given() map[string]bool {
	people := func(n int) bool { return len(r.People[n]) > 0 }
	return map[string]bool{"R-publicity": len(r.Publicity) > 0, "R-contacts": people(5), "R-introducers": people(9),
		"R-quorum": len(r.Votes) > 0, "R-majority": len(r.Votes) > 0, "R-branch-size": len(r.Votes) > 0,
		"R-vetting": r.VettingPassed != nil, "R-training": r.TrainingDays+r.TrainingHours > 0}
}

// paperEntry is a step or a 公示 of a row, in the order of their dates.
type paperEntry struct {
	date      civil.Date
	step      int
	publicity string
	key       float64 // orders entries of one day: a 公示 after the step it follows
}

// CheckLedgerRow judges a row's steps and 公示 against the rules as of
// their dates: each in the order of its date, with the facts of those
// dated before it, as the case would have been recorded at the time; then
// every record again against all the others (R-sequence and the 公示
// windows both ways). It returns the records the row makes, with their
// warnings, and every refusal. A rule whose input the 台账 has no column
// for (公示, people, votes, 政审结论, training) is not judged on its
// behalf.
func CheckLedgerRow(e *rules.Engine, birth civil.Date, r PaperRow, orgs LedgerOrgs) ([]Record, []roster.Problem) {
	es := make([]paperEntry, 0, len(r.Steps)+len(r.Publicity))
	for n, d := range r.Steps {
		es = append(es, paperEntry{date: d, step: n, key: float64(n)})
	}
	for kind, d := range r.Publicity {
		p, _ := rules.PublicityOf(kind)
		es = append(es, paperEntry{date: d, publicity: kind, key: float64(p.After) + 0.5})
	}
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		return a.date.Before(b.date) || a.date == b.date && a.key < b.key
	})
	f := rules.Facts{BirthDate: birth, Done: map[int]civil.Date{}}
	var probs []roster.Problem
	recs := make([]Record, 0, len(es))
	given := r.given()
	refuse := func(col string, x rules.Finding) {
		probs = append(probs, roster.Problem{Row: r.Row, Column: col, Rule: x.Rule, RuleTitle: ruleTitle(x.Rule), Citation: x.Citation,
			Message: x.Message, PossibleOn: x.Possible})
	}
	for _, en := range es {
		if en.publicity != "" {
			p, _ := rules.PublicityOf(en.publicity)
			v := e.Check(f, rules.Action{Kind: rules.ActPublicity, Publicity: en.publicity, Date: en.date, Org: orgs.Branch})
			for _, x := range v.Refusals {
				refuse(p.Name+"公示", x)
			}
			recs = append(recs, Record{Kind: rules.ActPublicity, Date: en.date.String(), OrgID: orgs.Branch.ID, OrgName: orgs.Branch.Name,
				Data: Data{Publicity: en.publicity}, Warnings: nonNil(v.Warnings)})
			if en.publicity == "candidate" {
				f.CandidatePublicity = en.date
			} else {
				f.AdmissionPublicity = en.date
			}
			continue
		}
		n := en.step
		def, _ := rules.Step(n)
		a := rules.Action{Kind: rules.ActStep, Step: n, Date: en.date, Vote: r.Votes[n], Recommendation: r.Recommendation,
			TrainingDays: r.TrainingDays, TrainingHours: r.TrainingHours, Org: orgs.acting(def)}
		if a.Recommendation == "" {
			a.Recommendation = "党员推荐" // a paper 台账 rarely says how; the activist was chosen
		}
		if def.Has(rules.FieldVote) && a.Vote != nil && orgs.Full != nil {
			a.BranchFull = orgs.Full(en.date)
		}
		if def.Has(rules.FieldVetting) && r.VettingPassed != nil {
			a.VettingPassed = *r.VettingPassed
		}
		if r.Named != nil {
			a.People = r.Named[n]
		} else {
			for i, name := range r.People[n] {
				a.People = append(a.People, rules.Person{ID: int64(i + 1), Name: name, Status: "full"})
			}
		}
		given["R-quorum"], given["R-majority"], given["R-branch-size"] = a.Vote != nil, a.Vote != nil, a.Vote != nil && a.BranchFull > 0
		v := e.Check(f, a)
		for _, x := range v.Refusals {
			if g, known := given[x.Rule]; known && !g {
				continue
			}
			refuse(ledgerHeading(n), x)
		}
		var warns []rules.Finding
		for _, x := range v.Warnings {
			if g, known := given[x.Rule]; !known || g {
				warns = append(warns, x)
			}
		}
		rec := Record{Kind: rules.ActStep, Step: n, Date: en.date.String(), OrgID: a.Org.ID, OrgName: a.Org.Name, Warnings: nonNil(warns)}
		if def.Has(rules.FieldPeople) {
			rec.Data.People = a.People
		}
		if def.Has(rules.FieldVote) {
			rec.Data.Vote, rec.Data.BranchFull = a.Vote, a.BranchFull
		}
		if def.Has(rules.FieldRecommendation) {
			rec.Data.Recommendation = r.Recommendation
		}
		if def.Has(rules.FieldVetting) {
			rec.Data.VettingPassed = r.VettingPassed
		}
		if def.Has(rules.FieldTraining) {
			rec.Data.TrainingDays, rec.Data.TrainingHours = r.TrainingDays, r.TrainingHours
			f.TrainingDays, f.TrainingHours = r.TrainingDays, r.TrainingHours
		}
		if def.Has(rules.FieldVetting) && r.VettingPassed != nil {
			f.VettingPassed = *r.VettingPassed
		}
		recs = append(recs, rec)
		f.Done[n] = en.date
	}
	if len(probs) == 0 {
		if b := e.Recheck(f, 0); b != nil {
			if g, known := r.given()[b.Finding.Rule]; !known || g {
				col := b.Name()
				if b.Step > 0 {
					col = ledgerHeading(b.Step)
				}
				refuse(col, b.Finding)
			}
		}
	}
	return recs, probs
}
