package develop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"

	"hongdun/internal/importer"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
	"hongdun/internal/roster"
	"hongdun/internal/rules"
)

// The 台账 import (kind=development) as a job of internal/importer: the
// cases in flight, one row per person, matched to the registry (by ID
// number, else name and branch) or registered from the row, judged as of
// their dates, and written with every dated step as a recorded step, all or
// nothing.

func init() {
	importer.Register(importer.Kind{Name: "development", Label: "发展党员工作台账", Run: ImportLedger, Template: WriteLedgerTemplate,
		TemplateFile: "发展党员工作台账模板.xlsx"})
}

var errLedgerProblems = errors.New("ledger has problems")

// analyzeAfter cases imported, the planner's statistics are read anew.
const analyzeAfter = 10_000

// refreshStats reads the development tables anew; persons are read by
// importer.KeepStats, which the job and the CLI run after every large
// import of any kind.
func refreshStats(ctx context.Context, d *db.DB) error {
	for _, t := range []string{"dev_cases", "dev_records", "dev_deadlines"} {
		if _, err := d.W.ExecContext(ctx, "ANALYZE "+t); err != nil {
			return err
		}
	}
	return nil
}

// ImportLedger checks (and unless opt.DryRun, imports) the 台账 at path
// into the subtree of opt.OrgID: a row naming a branch outside it is
// refused. With any problem nothing is written.
func ImportLedger(ctx context.Context, d *core.Deps, path string, opt importer.Options, prog *importer.Progress) (_ *importer.Report, err error) {
	if prog == nil {
		prog = &importer.Progress{}
	}
	if opt.Today.IsZero() {
		opt.Today = civil.Today(d.Now())
	}
	book, err := roster.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, book.Close()) }()
	rep := &importer.Report{Format: string(book.Format()), Encoding: roster.Encoding(book), Problems: []roster.Problem{}}
	rows, probs, err := ReadLedger(book, func() { prog.Read.Add(1) })
	if err != nil {
		return nil, err
	}
	rep.Add(probs...)
	prog.Total.Store(int64(len(rows)))
	rep.Rows = len(rows)
	run := func(q db.Querier, tx *db.Tx) error {
		w, err := loadLedgerWorld(ctx, d, q, opt.OrgID, rows)
		if err != nil {
			return err
		}
		w.by = opt.Scope()
		err = w.judge(ctx, rows, opt.Today, prog, func(plans []*casePlan) error {
			for _, p := range plans {
				rep.Add(p.problems...)
				if len(rep.Preview) < importer.PreviewRows {
					rep.Preview = append(rep.Preview, p.preview())
				}
				if p.personID != 0 {
					rep.Existing++
				} else if len(p.problems) == 0 {
					rep.People++
				}
			}
			if tx == nil || rep.ErrorCount > 0 {
				return nil // a check, or a file that will not be imported
			}
			return w.write(ctx, tx, plans, opt, rep)
		})
		if err != nil {
			return err
		}
		if rep.ErrorCount > 0 {
			return errLedgerProblems
		}
		if tx == nil {
			return nil
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.import", ObjectType: "org", ObjectID: fmt.Sprint(w.root.ID),
			Detail: map[string]any{"file": filepath.Base(path), "format": rep.Format, "rows": rep.Rows, "cases": rep.Inserted,
				"records": rep.Records, "people_registered": rep.People, "people_matched": rep.Existing}})
	}
	if opt.DryRun {
		err = run(d.DB, nil)
	} else {
		err = importer.InTx(ctx, d.DB, func(tx *db.Tx) error { return run(tx, tx) })
	}
	if errors.Is(err, errLedgerProblems) {
		rep.Inserted, rep.Records = 0, 0
		err = nil
	}
	if db.IsUnique(err) {
		// Another import (or the form) opened a case or registered a
		// person of this file meanwhile: one open case per person.
		return nil, errors.New("文件中的人员刚刚已由另一次导入或录入建立了发展档案：本次未导入任何数据，请查看台账后重新检查")
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, err
	}
	if opt.DryRun || rep.ErrorCount > 0 {
		rep.Inserted, rep.Records = 0, 0
	}
	if rep.Inserted >= analyzeAfter {
		// The import has landed; stale statistics would slow the 台账 down.
		if err := refreshStats(ctx, d.DB); err != nil {
			slog.WarnContext(ctx, "导入台账后更新查询统计失败", "err", err)
		}
	}
	return rep, nil
}

// regPerson is a person of the registry as the import needs them.
type regPerson struct {
	id                  int64
	name, status, birth string
	orgID               int64
	orgPath             string
	hasCase             string // the status of their case ("" none)
	idHash              string
	observedSince       string // 留党察看 ("" none)
}

// ledgerWorld is what the rows are judged against: the subtree imported
// into, the people of the registry they name, the branches' rosters and
// the rules.
type ledgerWorld struct {
	d       *core.Deps
	root    *org.Org
	tree    *importer.Tree
	orgs    org.Index
	byHash  map[string]*regPerson
	byName  map[string][]*regPerson // in the subtree
	fullOn  map[int64][][2]string   // branch → 正式党员 (full_date, left_date)
	engine  *rules.Engine
	outside map[string]bool // names of live organisations outside the subtree
	by      scope.Subtree   // the importing account's scope (R-approver)
}

func loadLedgerWorld(ctx context.Context, d *core.Deps, q db.Querier, rootID int64, rows []PaperRow) (*ledgerWorld, error) {
	w := &ledgerWorld{d: d, byHash: map[string]*regPerson{}, byName: map[string][]*regPerson{}, fullOn: map[int64][][2]string{}, outside: map[string]bool{}}
	var err error
	if w.root, err = org.Get(ctx, q, rootID); errors.Is(err, db.ErrNotFound) || err == nil && w.root.Dissolved() {
		return nil, fmt.Errorf("导入的目标党组织不存在或已撤销")
	} else if err != nil {
		return nil, err
	}
	if w.tree, err = importer.LoadTree(ctx, q, rootID); err != nil {
		return nil, err
	}
	if w.orgs, err = org.All(ctx, q); err != nil {
		return nil, err
	}
	sc := scope.Under(w.root.Path)
	for _, o := range w.orgs {
		if !o.Dissolved() && !sc.Contains(o.Path) {
			w.outside[o.Name] = true
		}
	}
	if w.engine, err = engine(ctx, q, rules.DefaultSet); err != nil {
		return nil, err
	}
	var hashes, names []string
	seenName := map[string]bool{}
	addName := func(n string) {
		if n != "" && !seenName[n] {
			seenName[n] = true
			names = append(names, n)
		}
	}
	for _, r := range rows {
		if id, err := idcard.Normalize(r.IDNumber); err == nil && r.IDNumber != "" {
			hashes = append(hashes, d.Keys.Index(id))
		} else {
			addName(r.Name)
		}
		for _, ps := range r.People {
			for _, n := range ps {
				addName(n)
			}
		}
	}
	const cols = `p.id, p.name, p.status, COALESCE(p.birth_date, ''), p.org_id, o.path, COALESCE(p.id_hash, ''), COALESCE(p.observed_since, ''),
		COALESCE((SELECT MIN(c.status) FROM dev_cases c WHERE c.person_id = p.id AND c.status <> 'cancelled'), '')`
	read := func(query string, args []any, keep func(*regPerson)) error {
		rs, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			p := &regPerson{}
			if err := rs.Scan(&p.id, &p.name, &p.status, &p.birth, &p.orgID, &p.orgPath, &p.idHash, &p.observedSince, &p.hasCase); err != nil {
				return err
			}
			keep(p)
		}
		return rs.Err()
	}
	for len(hashes) > 0 {
		chunk := hashes[:min(500, len(hashes))]
		hashes = hashes[len(chunk):]
		in, args := db.In(chunk)
		if err := read("SELECT "+cols+" FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id_hash IN ("+in+")", args,
			func(p *regPerson) { w.byHash[p.idHash] = p }); err != nil {
			return nil, err
		}
	}
	within, scArgs := sc.Where("o.path")
	for len(names) > 0 {
		chunk := names[:min(500, len(names))]
		names = names[len(chunk):]
		in, args := db.In(chunk)
		if err := read("SELECT "+cols+" FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.name IN ("+in+") AND "+within,
			append(args, scArgs...), func(p *regPerson) { w.byName[p.name] = append(w.byName[p.name], p) }); err != nil {
			return nil, err
		}
	}
	// The 正式党员 of the subtree's branches, for the roster on a meeting day.
	rs, err := q.QueryContext(ctx, `SELECT p.org_id, p.full_date, COALESCE(p.left_date, '') FROM persons p JOIN orgs o ON o.id = p.org_id
		WHERE `+within+` AND p.full_date IS NOT NULL AND p.status IN ('full', 'suspended', 'transferred', 'deceased')`, scArgs...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var full, left string
		if err := rs.Scan(&id, &full, &left); err != nil {
			return nil, err
		}
		w.fullOn[id] = append(w.fullOn[id], [2]string{full, left})
	}
	return w, rs.Err()
}

// casePlan is a row judged: its person, records and deadlines, or its
// problems.
type casePlan struct {
	row      PaperRow
	personID int64          // a registered person; 0 for one of the file
	person   *member.Person // a person registered from the row
	name     string
	branch   *org.Org
	approver *org.Org
	recs     []Record
	events   []member.Event
	status   string // the case's: open or converted
	facts    rules.Facts
	dls      []rules.Deadline
	problems []roster.Problem
	final    string // the person's status after the import
}

func (p *casePlan) preview() importer.PreviewRow {
	v := importer.PreviewRow{Row: p.row.Row, Name: p.row.Name, Steps: len(p.row.Steps), Status: member.StatusLabel(p.final)}
	if id, err := idcard.Normalize(p.row.IDNumber); err == nil {
		v.IDMasked = idcard.Mask(id)
	}
	if p.branch != nil {
		v.Branch = p.branch.Name
	}
	v.Person = "已登记"
	if p.personID == 0 {
		v.Person = "按台账登记"
	}
	last := 0
	for n := range p.row.Steps {
		last = max(last, n)
	}
	if def, ok := rules.Step(last); ok {
		v.LastStep = fmt.Sprintf("第%d步 %s（%s）", last, def.Name, p.row.Steps[last])
	}
	return v
}

// judge plans every row, on every core, a chunk at a time, and hands the
// chunks to sink in file order as they are ready, so that writing one
// chunk overlaps judging the next; rows naming the same person twice are
// refused.
func (w *ledgerWorld) judge(ctx context.Context, rows []PaperRow, today civil.Date, prog *importer.Progress, sink func([]*casePlan) error) error {
	const chunk = 512
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make(chan []*casePlan, 1)
	go func() {
		defer close(out)
		workers := max(1, runtime.GOMAXPROCS(0))
		for s := 0; s < len(rows); s += chunk {
			part := rows[s:min(s+chunk, len(rows))]
			plans := make([]*casePlan, len(part))
			var wg sync.WaitGroup
			for k := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := k; i < len(part); i += workers {
						plans[i] = w.plan(part[i], today)
						prog.Checked.Add(1)
					}
				}()
			}
			wg.Wait()
			select {
			case out <- plans:
			case <-ctx.Done():
				return
			}
		}
	}()
	seen := map[string]int{}
	var err error
	for plans := range out {
		if err != nil {
			continue // draining after a failed sink
		}
		for _, p := range plans {
			key := p.row.IDNumber
			if p.personID != 0 {
				key = fmt.Sprint(p.personID)
			} else if p.person != nil {
				key = p.person.IDNumber
			}
			if key == "" {
				continue
			}
			if first, dup := seen[key]; dup {
				p.problems = append(p.problems, roster.Problem{Row: p.row.Row, Column: "姓名", Message: fmt.Sprintf("与第 %d 行是同一人：每人只有一份发展档案", first)})
			} else {
				seen[key] = p.row.Row
			}
		}
		if err = sink(plans); err != nil {
			cancel()
		}
	}
	return err
}

func (w *ledgerWorld) bad(p *casePlan, col, format string, args ...any) {
	p.problems = append(p.problems, roster.Problem{Row: p.row.Row, Column: col, Message: fmt.Sprintf(format, args...)})
}

// decidedAbove refuses, as the case form does (R-approver), the dated
// decisions of the 党委 with 审批权限 in a row imported by an account whose
// scope does not hold that 党委: a branch imports its own steps, not them.
func (w *ledgerWorld) decidedAbove(p *casePlan) {
	if p.approver == nil || w.by.Contains(p.approver.Path) {
		return
	}
	r := w.engine.Set.Rule("R-approver")
	for _, n := range slices.Sorted(maps.Keys(p.row.Steps)) {
		if def, _ := rules.Step(n); def.Acting == rules.ByApprover {
			p.problems = append(p.problems, roster.Problem{Row: p.row.Row, Column: ledgerHeading(n), Rule: r.ID, RuleTitle: r.Title, Citation: r.Citation,
				Message: decidedAboveMessage(def, p.approver) + "；请由该党委的党务管理员导入本行，或删去该日期"})
		}
	}
}

// plan judges one row.
func (w *ledgerWorld) plan(r PaperRow, today civil.Date) *casePlan {
	p := &casePlan{row: r, name: r.Name}
	if r.Name == "" {
		return p // ReadLedger reported it
	}
	// The branch the row names, in the subtree imported into.
	if r.Branch != "" {
		id, msg := w.tree.Branch(r.Branch)
		switch {
		case msg != "":
			w.bad(p, "所在党支部", "%s", msg)
		case id == 0 && w.outside[r.Branch]:
			w.bad(p, "所在党支部", "“%s”不在导入的党组织（%s）之下，不能导入：只能导入本级及下级党组织的发展档案", r.Branch, w.root.Name)
		case id == 0:
			w.bad(p, "所在党支部", "未找到党组织“%s”：请写所选党组织（%s）下党支部的全称", r.Branch, w.root.Name)
		default:
			p.branch = w.orgs[id]
		}
	}
	// The person: by ID number, else by name in the branch; or from the row.
	var reg *regPerson
	idNumber := ""
	if r.IDNumber != "" {
		id, err := idcard.Normalize(r.IDNumber)
		if err != nil {
			w.bad(p, "公民身份号码", "%s", err.Error())
			return p
		}
		idNumber = id
		reg = w.byHash[w.d.Keys.Index(id)]
		if reg != nil && reg.name != r.Name {
			w.bad(p, "姓名", "公民身份号码 %s 登记的是“%s”，与台账中的“%s”不一致", idcard.Mask(id), reg.name, r.Name)
			return p
		}
	} else if p.branch != nil {
		var in []*regPerson
		for _, c := range w.byName[r.Name] {
			if c.orgID == p.branch.ID {
				in = append(in, c)
			}
		}
		switch len(in) {
		case 0:
			w.bad(p, "姓名", "“%s”未在%s登记：请填写其公民身份号码（将按台账登记），或先在党员信息库中登记", r.Name, p.branch.Name)
			return p
		case 1:
			reg = in[0]
		default:
			w.bad(p, "公民身份号码", "%s有 %d 个名为“%s”的人员：请填写公民身份号码", p.branch.Name, len(in), r.Name)
			return p
		}
	}
	if r.Branch == "" && reg == nil {
		w.bad(p, "所在党支部", "请填写所在党支部（未登记的人员按其登记）")
		return p
	}
	if reg != nil {
		if !scope.Under(w.root.Path).Contains(reg.orgPath) {
			w.bad(p, "公民身份号码", "该人员登记在导入的党组织（%s）以外，不能导入：如已调入请先办理组织关系转接", w.root.Name)
			return p
		}
		if p.branch != nil && p.branch.ID != reg.orgID {
			w.bad(p, "所在党支部", "该人员登记在“%s”，不是“%s”", w.orgs[reg.orgID].Name, p.branch.Name)
			return p
		}
		if reg.hasCase != "" {
			w.bad(p, "姓名", "%s已有发展档案（%s），不能重复导入", r.Name, map[string]string{"open": "进行中", "converted": "已转正"}[reg.hasCase])
			return p
		}
		p.personID, p.branch = reg.id, w.orgs[reg.orgID]
	}
	if len(p.problems) > 0 {
		return p
	}
	start := member.Masses
	birth := ""
	if reg != nil {
		start, birth = reg.status, reg.birth
	} else {
		p.person = &member.Person{OrgID: p.branch.ID, Name: r.Name, IDNumber: idNumber, Status: member.Masses}
		for _, fe := range member.Validate(p.person, today) {
			w.bad(p, "公民身份号码", "按台账登记该人员：%s", fe.Error())
		}
		birth = p.person.BirthDate
	}
	if _, ok := devStage[start]; !ok && start != member.Masses {
		w.bad(p, "姓名", "%s登记的身份为「%s」，不能导入发展档案", r.Name, member.StatusLabel(start))
	}
	if _, converted := r.Steps[24]; start == "full" && !converted {
		w.bad(p, "姓名", "%s已登记为正式党员，台账却没有上级党委审批转正的日期", r.Name)
	}
	if len(p.problems) > 0 {
		return p
	}
	// People named: in the branch first, else the one of that name in the subtree.
	r.Named = map[int][]rules.Person{}
	for n, names := range r.People {
		col := map[int]string{5: "培养联系人", 9: "入党介绍人"}[n]
		for _, name := range names {
			var in, all []*regPerson
			for _, c := range w.byName[name] {
				if c.id == p.personID {
					continue
				}
				all = append(all, c)
				if c.orgID == p.branch.ID {
					in = append(in, c)
				}
			}
			if len(in) == 0 {
				in = all
			}
			switch len(in) {
			case 0:
				w.bad(p, col, "“%s”未在%s及其下级党组织登记", name, w.root.Name)
			case 1:
				r.Named[n] = append(r.Named[n], rules.Person{ID: in[0].id, Name: in[0].name, Status: in[0].status, Disciplined: observedOn(in[0].observedSince, r.Steps[n])})
			default:
				w.bad(p, col, "有 %d 个名为“%s”的人员，无法确定是哪一位", len(in), name)
			}
		}
	}
	if len(p.problems) > 0 {
		return p
	}
	p.approver = w.orgs.Approver(p.branch.ID)
	w.decidedAbove(p)
	orgs := LedgerOrgs{Branch: ruleOrg(p.branch), Full: func(on civil.Date) int { return w.fullMembers(p.branch.ID, on) }}
	if p.approver != nil {
		orgs.Approver = ruleOrg(p.approver)
		if up := w.orgs[p.approver.ParentID]; up != nil {
			orgs.Above = ruleOrg(up)
		}
	}
	for n, d := range r.Steps {
		if d.After(today) {
			w.bad(p, ledgerHeading(n), "日期 %s 晚于今天：只导入已经办理的步骤", d)
		}
	}
	if len(p.problems) > 0 {
		return p
	}
	p.recs, p.problems = CheckLedgerRow(w.engine, mustDate(birth), r, orgs)
	if len(p.problems) > 0 {
		return p
	}
	p.status = "open"
	if _, ok := r.Steps[24]; ok {
		p.status = "converted"
	}
	c := &Case{BirthDate: birth, Status: p.status}
	sort.SliceStable(p.recs, func(i, j int) bool { return p.recs[i].Date < p.recs[j].Date })
	p.facts = factsOf(c, p.recs)
	p.dls = sortedDeadlines(w.engine.Deadlines(p.facts))
	// The registry's events the steps make, from the status the person holds.
	p.final = start
	for _, rec := range p.recs {
		def, _ := rules.Step(rec.Step)
		if rec.Kind != rules.ActStep || def.Event == "" || devStage[p.final] >= devStage[def.To] {
			continue
		}
		p.events = append(p.events, member.Event{Kind: def.Event, OnDate: eventDate(def, mustDate(rec.Date), p.facts, w.engine), Note: "发展党员台账导入：" + def.Name})
		p.final = def.To
	}
	return p
}

// fullMembers counts a branch's 正式党员 on a date.
func (w *ledgerWorld) fullMembers(branch int64, on civil.Date) int {
	d, n := on.String(), 0
	for _, fl := range w.fullOn[branch] {
		if fl[0] <= d && (fl[1] == "" || fl[1] > d) {
			n++
		}
	}
	return n
}

// write stores a chunk of planned cases in tx: the people registered from
// the file, each case with its records and deadlines, and the people's
// party history. The import's audit entry follows the last chunk.
func (w *ledgerWorld) write(ctx context.Context, tx *db.Tx, plans []*casePlan, opt importer.Options, rep *importer.Report) error {
	now := w.d.Now().UnixMilli()
	var people []member.Person
	for _, p := range plans {
		if p.person != nil {
			if err := member.ApplyEvents(p.person, p.events, opt.Today); err != nil {
				return err
			}
			people = append(people, *p.person)
		}
	}
	ids, err := member.InsertMany(ctx, tx, w.d.Keys, people)
	if err != nil {
		return err
	}
	rebind := (&db.DB{Dialect: tx.D()}).Rebind
	insCase, err := tx.PrepareContext(ctx, rebind(`INSERT INTO dev_cases (person_id, org_id, rule_set, status, last_step, last_date, next_due, next_title,
		created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id`))
	if err != nil {
		return err
	}
	defer insCase.Close()
	insRec, err := tx.PrepareContext(ctx, rebind(`INSERT INTO dev_records (case_id, kind, step, on_date, org_id, data, warnings, dedup, actor, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?)`))
	if err != nil {
		return err
	}
	defer insRec.Close()
	actor := audit.ActorFrom(ctx).Name
	fresh, registered := map[int64][]member.Event{}, map[int64][]member.Event{}
	k := 0
	for _, p := range plans {
		if p.person != nil {
			p.personID = ids[k]
			k++
			fresh[p.personID] = p.events
		} else {
			registered[p.personID] = p.events
		}
	}
	if err := member.InsertEvents(ctx, tx, fresh); err != nil {
		return err
	}
	if err := member.RecordEventsMany(ctx, tx, registered, opt.Today); err != nil {
		return fmt.Errorf("登记人员的身份变化：%w", err)
	}
	for _, p := range plans {
		if err := ctx.Err(); err != nil {
			return err
		}
		last, lastDate := 0, ""
		for _, r := range p.recs {
			if r.Kind == rules.ActStep && r.Step >= last {
				last, lastDate = r.Step, r.Date
			}
		}
		due, title := nextDue(p.dls)
		c := &Case{PersonID: p.personID, PersonName: p.name, OrgID: p.branch.ID, OrgPath: p.branch.Path, Status: p.status, RuleSet: rules.DefaultSet}
		if err := insCase.QueryRowContext(ctx, p.personID, p.branch.ID, rules.DefaultSet, p.status, last, lastDate, due, title, now, now).Scan(&c.ID); err != nil {
			return err
		}
		for _, r := range p.recs {
			data, err := json.Marshal(r.Data)
			if err != nil {
				return err
			}
			warn, err := json.Marshal(r.Warnings)
			if err != nil {
				return err
			}
			var orgID any
			if r.OrgID != 0 {
				orgID = r.OrgID
			}
			key := dedupKey(r.Kind, Input{Step: r.Step, Publicity: r.Data.Publicity}, mustDate(r.Date))
			if _, err := insRec.ExecContext(ctx, c.ID, r.Kind, r.Step, r.Date, orgID, string(data), string(warn), key, actor, now); err != nil {
				return err
			}
			rep.Records++
		}
		if err := insertDeadlines(ctx, tx, c, p.dls, p.approver, w.engine, opt.Today); err != nil {
			return err
		}
		rep.Inserted++
	}
	return nil
}
