package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"hongdun/internal/importer"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
)

// importCmd is `hongdun import [--kind K] FILE [--dry-run] [--org ID]
// [--update] [--year Y]`: it checks (and unless --dry-run, imports) a roster
// or a 发展党员台账 with a progress bar on stderr, or a file of a held kind
// (党费基数, 党费交纳记录) as a job of the common import API, lists every
// problem and exits non-zero when there is one.
func importCmd(ctx context.Context, args []string) (err error) {
	var c common
	fs := flag.NewFlagSet("import", flag.ExitOnError)
	c.register(fs)
	dry := fs.Bool("dry-run", false, "只检查，不写入数据库")
	org := fs.Int64("org", 0, "导入到的党组织编号（默认唯一的顶级党组织）")
	update := fs.Bool("update", false, "已登记的人员（按公民身份号码）用文件内容更新，而不是报错（花名册）")
	kindName := fs.String("kind", importer.Roster, "导入内容：roster 党员花名册、development 发展党员工作台账、dues_bases 党费基数、dues_payments 党费交纳记录")
	year := fs.Int("year", 0, "年度（党费导入），默认今年")
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Flags may come before and after the file (the contract's
	// `hongdun import [--kind K] FILE [--dry-run]`).
	for fs.NArg() > 0 {
		if file != "" {
			return fmt.Errorf("只能导入一个文件：多余的参数 %q", fs.Arg(0))
		}
		file = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if file == "" {
		return errors.New("用法: hongdun import [--kind K] FILE [--dry-run] [--org ID] [--update] [--year Y]")
	}
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if *org == 0 {
		if *org, err = topOrg(ctx, a.DB); err != nil {
			return err
		}
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "cli:import"})
	kind, ok := importer.KindOf(*kindName)
	if !ok {
		return importKind(ctx, a.Deps, *kindName, file, *org, *year, *dry)
	}
	var prog importer.Progress
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				bar(&prog)
				fmt.Fprintln(os.Stderr)
				return
			case <-t.C:
				bar(&prog)
			}
		}
	}()
	rep, err := kind.Run(ctx, a.Deps, file, importer.Options{OrgID: *org, DryRun: *dry, UpdateExisting: *update}, &prog)
	close(stop)
	<-done
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Println(p.String())
	}
	if rep.ErrorCount > len(rep.Problems) {
		fmt.Printf("……另有 %d 处错误未列出\n", rep.ErrorCount-len(rep.Problems))
	}
	if rep.ErrorCount > 0 {
		return fmt.Errorf("文件中有 %d 处错误，未导入任何数据", rep.ErrorCount)
	}
	defer importer.KeepStats(ctx, a.Deps, rep) // after the report below
	switch {
	case *dry && kind.Name != importer.Roster:
		fmt.Printf("检查通过：%d 份发展档案，%d 人已登记，%d 人将按台账登记；未写入数据库（--dry-run）\n", rep.Rows, rep.Existing, rep.People)
		return nil
	case *dry:
		fmt.Printf("检查通过：%d 名党员，其中 %d 人已在系统中；未写入数据库（--dry-run）\n", rep.Rows, rep.Existing)
		return nil
	case kind.Name != importer.Roster:
		fmt.Printf("导入完成：新建发展档案 %d 份，步骤记录 %d 条，按台账新登记 %d 人\n", rep.Inserted, rep.Records, rep.People)
		return nil
	}
	fmt.Printf("导入完成：新增 %d 人，更新 %d 人，新建组织 %d 个\n", rep.Inserted, rep.Updated, rep.OrgsCreated)
	return nil
}

func bar(p *importer.Progress) {
	pct := p.Percent()
	n := pct / 5
	fmt.Fprintf(os.Stderr, "\r[%s%s] %3d%%  已读取 %d 行，已检查 %d 行", strings.Repeat("#", n), strings.Repeat(".", 20-n), pct,
		p.Read.Load(), p.Checked.Load())
}

// topOrg is the only organisation without a parent.
func topOrg(ctx context.Context, q db.Querier) (int64, error) {
	var id, n int64
	if err := q.QueryRowContext(ctx, "SELECT MIN(id), COUNT(*) FROM orgs WHERE parent_id IS NULL").Scan(&id, &n); err != nil || n == 0 {
		return 0, errors.New("数据库中还没有党组织：请先建立组织，或用 --org 指定")
	}
	if n > 1 {
		return 0, errors.New("有多个顶级党组织：请用 --org 指定导入到哪个党组织")
	}
	return id, nil
}

// importKind runs a file of a feature's kind through the import job API's
// service, as the bureau's operator: a copy of the file is checked (and
// written unless dryRun), the problems listed.
func importKind(ctx context.Context, d *core.Deps, kind, file string, orgID int64, year int, dryRun bool) error {
	o, err := org.Get(ctx, d.DB, orgID)
	if err != nil {
		return fmt.Errorf("党组织 %d 不存在", orgID)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "hongdun-import-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(src)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	p := &auth.Principal{Username: "cli:import", Role: auth.OrgAdmin, OrgID: o.ID, OrgPath: o.Path}
	j, err := importer.NewService(d).RunHeld(ctx, p, importer.HeldInput{Kind: kind, OrgID: o.ID, Year: year, FileName: filepath.Base(file), Path: tmp.Name()}, dryRun)
	if err != nil {
		return err
	}
	for _, pr := range j.Errors {
		fmt.Println(pr.String())
	}
	if j.State == importer.Failed {
		return fmt.Errorf("%s", j.Message)
	}
	if dryRun {
		fmt.Printf("检查通过：%d 行；未写入数据库（--dry-run，任务 %d）\n", j.Counts.Rows, j.ID)
		return nil
	}
	fmt.Printf("%s（任务 %d）\n", j.Message, j.ID)
	return nil
}
