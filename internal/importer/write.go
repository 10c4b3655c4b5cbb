package importer

import (
	"context"
	"fmt"
	"path/filepath"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/roster"
)

// writer receives checked rows in file order: it finds duplicates within
// the file, resolves branches, refuses or updates the people already
// registered (found by the checkers), and (unless this is a dry run or a
// problem was found) writes.
type writer struct {
	d      *core.Deps
	tx     *db.Tx // nil on a dry run
	opt    Options
	tree   *tree
	layout *roster.Layout
	rep    *Report
	prog   *Progress
	seen   roster.Seen
	ins    *member.Inserter // nil on a dry run
}

func (w *writer) batch(ctx context.Context, items []item) error {
	for i := range items {
		it := &items[i]
		w.rep.Rows++
		if len(w.rep.Preview) < PreviewRows {
			w.rep.Preview = append(w.rep.Preview, preview(it.rec))
		}
		if p := w.seen.Check(w.layout, &it.rec); p != nil {
			it.problems = append(it.problems, *p)
		}
		if n, p := w.tree.branch(w.layout, &it.rec); p != nil {
			it.problems = append(it.problems, *p)
		} else if n != nil {
			it.person.OrgID = n.id
		}
	}
	for i := range items {
		it := &items[i]
		if e := it.existing; e != nil && len(it.problems) == 0 {
			w.rep.Existing++
			switch {
			case !scope.Under(w.tree.root.path).Contains(e.OrgPath):
				it.problems = append(it.problems, w.problem(it, "该公民身份号码已登记在本次导入范围以外的党组织，不能导入；如需调入请办理组织关系转接"))
			case !w.opt.UpdateExisting:
				it.problems = append(it.problems, w.problem(it, "该公民身份号码已登记在系统中；如需用本文件更新已有档案，请选择“更新已有人员”后再导入"))
			case w.writing():
				if err := w.update(ctx, e.ID, it); err != nil {
					return err
				}
			}
		}
		w.rep.add(it.problems...)
		if len(it.problems) == 0 {
			if it.existing == nil && w.writing() {
				it.row.SetOrg(it.person.OrgID)
				if err := w.ins.Add(ctx, it.row); err != nil {
					return err
				}
			}
		}
		w.prog.Checked.Add(1)
	}
	return nil
}

func (w *writer) problem(it *item, msg string) roster.Problem {
	return roster.Problem{Row: it.rec.Row, Column: columnOf(w.layout, roster.IDNumber), Field: roster.IDNumber, Message: msg}
}

// writing reports whether rows should still be written: never on a dry run,
// and not once a problem has been found (the transaction will roll back).
func (w *writer) writing() bool { return w.tx != nil && w.rep.ErrorCount == 0 }

// flush writes the rows still queued, unless a problem has been found.
func (w *writer) flush(ctx context.Context) error {
	if !w.writing() {
		return nil
	}
	if err := w.ins.Flush(ctx); err != nil {
		return err
	}
	w.rep.Inserted = w.ins.Written()
	return nil
}

// lookup finds the people registered under ID-number hashes, by hash.
type lookup func(ctx context.Context, hashes []string) (map[string]*member.Placed, error)

// findExisting looks up the people of a batch already registered with
// their ID numbers, anywhere. The checkers call it off the writer's
// goroutine, on the reader pool (or in what an import that deferred the
// indexes read at its start): it sees the database as it was before the
// import, which is what counts (duplicates within the file are found by
// Seen), and no other write can commit while the import holds the write
// lock.
func findExisting(ctx context.Context, registered lookup, items []item) error {
	var hashes []string
	for i := range items {
		if h := items[i].idHash; h != "" {
			hashes = append(hashes, h)
		}
	}
	found, err := registered(ctx, hashes)
	if err != nil {
		return err
	}
	for i := range items {
		if h := items[i].idHash; h != "" {
			items[i].existing = found[h]
		}
	}
	return nil
}

// update overwrites the roster's fields of a registered person and keeps
// the rest of their record (development dates, mobile and lost status).
func (w *writer) update(ctx context.Context, id int64, it *item) error {
	p, err := member.Get(ctx, w.tx, w.d.Keys, id)
	if err != nil {
		return err
	}
	before := member.AuditView(p)
	n := it.person
	p.OrgID, p.Name, p.Gender, p.Ethnicity, p.BirthDate, p.IDNumber = n.OrgID, n.Name, n.Gender, n.Ethnicity, n.BirthDate, n.IDNumber
	p.Education, p.Category, p.Post, p.JoinDate, p.FullDate, p.Status = n.Education, n.Category, n.Post, n.JoinDate, n.FullDate, n.Status
	if n.Phone != "" {
		p.Phone = n.Phone
	}
	if fe := member.Validate(p, w.opt.Today); len(fe) > 0 {
		it.problems = append(it.problems, w.problem(it, "更新已有档案失败："+fe.Error()))
		return nil
	}
	if err := member.Update(ctx, w.tx, w.d.Keys, p); err != nil {
		return err
	}
	w.rep.Updated++
	// Inserts are covered by the import's own record (file and counts); an
	// update overwrites a record someone kept, so each one shows before/after.
	return w.d.Audit.Write(ctx, w.tx, audit.Event{Action: "member.update", ObjectType: "person", ObjectID: fmt.Sprint(id),
		Detail: audit.Change{Before: before, After: member.AuditView(p)}})
}

func auditEvent(opt Options, rep *Report, path string) audit.Event {
	return audit.Event{Action: "member.import", ObjectType: "org", ObjectID: fmt.Sprint(opt.OrgID),
		Detail: map[string]any{"file": filepath.Base(path), "format": rep.Format, "rows": rep.Rows, "inserted": rep.Inserted,
			"updated": rep.Updated, "orgs_created": rep.OrgsCreated}}
}
