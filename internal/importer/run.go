// Package importer imports 党员花名册 files into one organisation: upload →
// preview (guessed column mapping, first rows, every problem) → confirm →
// import, all or nothing, as a background job with progress.
package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"

	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
	"hongdun/internal/roster"
	"hongdun/internal/stats"
)

// Options say how to import one file.
type Options struct {
	OrgID          int64          // the organisation imported into
	DryRun         bool           // check only, write nothing
	UpdateExisting bool           // update people already registered (matched by ID number) instead of refusing them
	Mapping        roster.Mapping // column mapping chosen by the user; nil = guessed
	Today          civil.Date
	// By is who imports: a rule that asks who may record a decision
	// (R-approver) judges each row by their scope. Nil is the server's
	// operator at the command line, who holds the whole bureau.
	By *auth.Principal
}

// Scope is the importing account's scope: the whole bureau for the
// operator at the command line.
func (o Options) Scope() scope.Subtree {
	if o.By == nil {
		return scope.All()
	}
	return scope.Of(o.By)
}

// Progress is read by pages and the CLI while a job runs.
type Progress struct {
	Read, Checked, Total atomic.Int64
}

// Percent is how far the check has come, 0–100.
func (p *Progress) Percent() int {
	t := p.Total.Load()
	if t <= 0 {
		return 0
	}
	return int(min(100, p.Checked.Load()*100/t))
}

// Report is the outcome of a run.
type Report struct {
	Format      string           `json:"format"`
	Encoding    string           `json:"encoding,omitempty"`
	Layout      *roster.Layout   `json:"layout"`
	OrgRows     []roster.OrgRow  `json:"org_rows,omitempty"`
	Preview     []PreviewRow     `json:"preview"`
	Rows        int              `json:"rows"`
	Inserted    int              `json:"inserted"`
	Updated     int              `json:"updated"`
	OrgsCreated int              `json:"orgs_created"`
	Existing    int              `json:"existing"` // rows whose person is already registered
	Problems    []roster.Problem `json:"errors"`
	ErrorCount  int              `json:"error_count"`
	// A 发展党员台账: Inserted counts the cases written, Records their
	// recorded steps and 公示, People those registered from the file.
	Records int `json:"records,omitempty"`
	People  int `json:"people,omitempty"`
}

// MaxProblems caps the problems kept in a report; the count stays exact.
const MaxProblems = 5000

// Add counts problems and keeps the first MaxProblems.
func (r *Report) Add(ps ...roster.Problem) { r.add(ps...) }

func (r *Report) add(ps ...roster.Problem) {
	for _, p := range ps {
		r.ErrorCount++
		if len(r.Problems) < MaxProblems {
			r.Problems = append(r.Problems, p)
		}
	}
}

// PreviewRow is a row as it will be stored, with the sensitive fields masked.
type PreviewRow struct {
	Row       int    `json:"row"`
	Name      string `json:"name"`
	Gender    string `json:"gender"`
	Ethnicity string `json:"ethnicity"`
	BirthDate string `json:"birth_date"`
	IDMasked  string `json:"id_masked"`
	Education string `json:"education"`
	JoinDate  string `json:"join_date"`
	FullDate  string `json:"full_date"`
	Branch    string `json:"branch"`
	Category  string `json:"category"`
	Post      string `json:"post"`
	Status    string `json:"status"`
	// A 发展党员台账 row: whether its person is registered already or
	// from the file, how many steps it records and the last one.
	Person   string `json:"person,omitempty"`
	Steps    int    `json:"steps,omitempty"`
	LastStep string `json:"last_step,omitempty"`
}

// PreviewRows is how many rows a preview shows.
const PreviewRows = 10

// errHasProblems rolls the transaction back when the file has problems.
var errHasProblems = errors.New("file has problems")

// Run checks (and unless DryRun, imports) the roster at path. With any
// problem nothing is written; a cancelled ctx rolls everything back.
func Run(ctx context.Context, d *core.Deps, path string, opt Options, prog *Progress) (_ *Report, err error) {
	if prog == nil {
		prog = &Progress{}
	}
	if opt.Today.IsZero() {
		opt.Today = civil.Today(d.Now())
	}
	book, err := roster.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, book.Close()) }()
	rep := &Report{Format: string(book.Format()), Encoding: roster.Encoding(book)}
	layout, orgLayout, err := roster.Locate(book)
	if err != nil {
		return nil, err
	}
	if opt.Mapping != nil {
		if len(opt.Mapping) != len(layout.Headers) {
			return nil, fmt.Errorf("列对应关系有 %d 列，而文件表头有 %d 列", len(opt.Mapping), len(layout.Headers))
		}
		layout.Mapping = opt.Mapping
	}
	rep.Layout = layout
	prog.Total.Store(int64(max(0, roster.RowCount(book, layout.Sheet)-layout.HeaderRow)))
	if ps := layout.CheckMapping(); len(ps) > 0 {
		rep.add(ps...)
		return rep, nil
	}
	if orgLayout != nil {
		var ps []roster.Problem
		if rep.OrgRows, ps, err = roster.ReadOrgs(book, orgLayout); err != nil {
			return nil, err
		}
		for i := range ps {
			ps[i].Column = orgLayout.Sheet + "·" + ps[i].Column
		}
		rep.add(ps...)
	}
	run := func(q db.Querier, tx *db.Tx) (err error) {
		tree, err := loadTree(ctx, q, opt.OrgID)
		if err != nil {
			return err
		}
		created, ps, err := tree.plan(ctx, tx, d, rep.OrgRows)
		if err != nil {
			return err
		}
		rep.OrgsCreated = created
		rep.add(ps...)
		w := &writer{d: d, tx: tx, opt: opt, tree: tree, layout: layout, rep: rep, prog: prog, seen: roster.Seen{}}
		registered := func(ctx context.Context, hashes []string) (map[string]*member.Placed, error) {
			return member.PlacedByIDHash(ctx, d.DB, hashes)
		}
		var deferred *member.DeferredIndexes
		if tx != nil {
			w.ins = member.NewInserter(tx)
			defer func() { err = errors.Join(err, w.ins.Close()) }()
			if deferred, err = member.DeferIndexes(ctx, tx, int(prog.Total.Load())); err != nil {
				return err
			}
		}
		if deferred != nil {
			// persons is locked to the reader pool until the import ends
			// (PostgreSQL), and holds no more people than the file: the
			// checkers look them up in one read through tx.
			all, err := member.PlacedAll(ctx, tx)
			if err != nil {
				return err
			}
			registered = func(context.Context, []string) (map[string]*member.Placed, error) { return all, nil }
		}
		if err := pipeline(ctx, d, book, layout, opt, prog, registered, w.batch); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		prog.Total.Store(prog.Checked.Load())
		if rep.ErrorCount > 0 {
			return errHasProblems
		}
		if tx == nil {
			return nil
		}
		if deferred != nil {
			if err := deferred.Restore(ctx, tx); err != nil {
				return err
			}
		}
		return d.Audit.Write(ctx, tx, auditEvent(opt, rep, path))
	}
	if opt.DryRun {
		err = run(d.DB, nil)
	} else {
		err = InTx(ctx, d.DB, func(tx *db.Tx) error { return run(tx, tx) })
	}
	if errors.Is(err, errHasProblems) {
		rep.Inserted, rep.Updated, rep.OrgsCreated = 0, 0, 0
		err = nil
	}
	if err != nil {
		if ctx.Err() != nil {
			// Cancelled: whatever failed first (a statement the cancelled
			// transaction closed, a read cut short) comes from that.
			err = ctx.Err()
		}
		return nil, err
	}
	return rep, nil
}

// KeepStats brings up to date, once a large import has landed, what it
// left stale: the query planner's statistics of persons
// (member.RefreshStats; until then searches only run on older plans) and
// the dashboard's snapshot (stats.Keep: a start that found the saved one
// without the import's rows would read them all again before its first
// view). The job and the CLI run it after the import's report is out, which
// does not wait for it: on PostgreSQL the VACUUM (ANALYZE) of 100,000 new
// people takes about half a second of the server's CPU.
func KeepStats(ctx context.Context, d *core.Deps, rep *Report) {
	if rep.Inserted+rep.Updated < analyzeAfter {
		return
	}
	if err := member.RefreshStats(ctx, d.DB); err != nil {
		slog.WarnContext(ctx, "导入后更新查询统计失败", "err", err)
	}
	if err := stats.Keep(ctx, d.DB, d.Now()); err != nil {
		slog.WarnContext(ctx, "导入后保存统计快照失败", "err", err)
	}
}

// analyzeAfter rows written, KeepStats refreshes the planner's statistics.
const analyzeAfter = 10_000

type rawRow struct {
	row   int
	cells []string
}

type rawBatch struct {
	seq  int
	rows []rawRow
}

// item is a parsed and checked row, ready for the writer: without
// problems, it carries the ID hash and (unless this is a dry run) the row
// to insert, sealed and with its pinyin.
type item struct {
	rec      roster.Record
	person   member.Person
	idHash   string
	row      member.Row
	existing *member.Placed // the person already registered with this ID number
	problems []roster.Problem
}

type itemBatch struct {
	seq   int
	items []item
	err   error
}

const batchRows = 256

// pipeline overlaps the three kinds of work, because reading the file is the
// slowest part: one goroutine reads rows, workers parse and check them (and
// seal, hash and compute pinyin), and the caller's goroutine receives the
// batches in file order and hands them to sink, which talks to the database.
func pipeline(ctx context.Context, d *core.Deps, book roster.Book, layout *roster.Layout, opt Options, prog *Progress,
	registered lookup, sink func(context.Context, []item) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sheet, err := book.Sheet(layout.Sheet)
	if err != nil {
		return err
	}
	raws := make(chan rawBatch, 4)
	done := make(chan itemBatch, 8)
	var readErr error
	go func() {
		defer close(raws)
		seq := 0
		var rows []rawRow
		send := func() bool {
			select {
			case raws <- rawBatch{seq, rows}:
				seq++
				rows = make([]rawRow, 0, batchRows)
				return true
			case <-ctx.Done():
				return false
			}
		}
		for sheet.Next() {
			if sheet.Row() <= layout.HeaderRow || roster.Skip(sheet.Cells()) {
				continue
			}
			rows = append(rows, rawRow{sheet.Row(), sheet.Cells()})
			prog.Read.Add(1)
			if len(rows) == batchRows && !send() {
				return
			}
		}
		if readErr = sheet.Err(); readErr == nil && len(rows) > 0 {
			send()
		}
	}()
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range raws {
				out := itemBatch{seq: b.seq, items: make([]item, len(b.rows))}
				for i, r := range b.rows {
					out.items[i] = check(d, layout, r, opt)
				}
				out.err = findExisting(ctx, registered, out.items)
				select {
				case done <- out:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	pending := map[int][]item{}
	next := 0
	var sinkErr error
	for b := range done {
		if sinkErr != nil {
			continue
		}
		if b.err != nil {
			sinkErr = b.err
			cancel()
			continue
		}
		pending[b.seq] = b.items
		for items, ok := pending[next]; ok; items, ok = pending[next] {
			delete(pending, next)
			next++
			if err := ctx.Err(); err != nil {
				sinkErr = err
				cancel()
				break
			}
			if err := sink(ctx, items); err != nil {
				sinkErr = err
				cancel()
				break
			}
		}
	}
	if sinkErr != nil {
		return sinkErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return readErr
}

// check parses one row and runs the member registry's own validation, so an
// import accepts exactly what the member form accepts.
func check(d *core.Deps, l *roster.Layout, r rawRow, opt Options) item {
	today := opt.Today
	rec, ps := l.Parse(r.row, r.cells, today)
	it := item{rec: rec, problems: ps}
	it.person = member.Person{OrgID: 1, Name: rec.Name, Gender: rec.Gender, Ethnicity: rec.Ethnicity, BirthDate: rec.BirthDate,
		IDNumber: rec.IDNumber, Phone: rec.Phone, Education: rec.Education, Category: rec.Category, Post: rec.Post,
		Status: rec.Status, JoinDate: rec.JoinDate, FullDate: rec.FullDate}
	reported := map[roster.Field]bool{}
	for _, p := range ps {
		reported[p.Field] = true
	}
	for _, fe := range member.Validate(&it.person, today) {
		f := roster.Field(fe.Field)
		if reported[f] || !roster.Known(f) {
			continue
		}
		reported[f] = true
		it.problems = append(it.problems, roster.Problem{Row: r.row, Column: columnOf(l, f), Field: f, Message: fe.Message})
	}
	switch {
	case len(it.problems) > 0 || it.person.IDNumber == "":
	case opt.DryRun:
		it.idHash = d.Keys.Index(it.person.IDNumber)
	default:
		it.row = member.NewRow(d.Keys, &it.person)
		it.idHash = it.row.IDHash()
	}
	return it
}

func columnOf(l *roster.Layout, f roster.Field) string {
	if i := l.Mapping.Index(f); i >= 0 {
		return l.Column(i)
	}
	return roster.Label(f)
}

func preview(rec roster.Record) PreviewRow {
	id := ""
	if rec.IDNumber != "" {
		id = idcard.Mask(rec.IDNumber)
	}
	return PreviewRow{Row: rec.Row, Name: rec.Name, Gender: rec.Gender, Ethnicity: rec.Ethnicity, BirthDate: rec.BirthDate,
		IDMasked: id, Education: rec.Education, JoinDate: rec.JoinDate, FullDate: rec.FullDate, Branch: rec.Branch,
		Category: rec.Category, Post: rec.Post, Status: member.StatusLabel(rec.Status)}
}
