package develop_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/develop"
	"hongdun/internal/importer"
	"hongdun/internal/member"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

// ledgerBench is a 分局 of 50 branches, each with 10 正式党员 to name as
// 培养联系人 and 入党介绍人, and half of the 20,000 people of the 台账
// registered as 申请人 (matched by ID number); the other half are
// registered from the file.
const benchCases = 20000

// benchThrough blanks a row after step n (6, 12, 17 leave the case open;
// 25 converts it): the columns of ledgerHead from which a later step begins.
var benchThrough = map[int]int{6: 10, 12: 20, 17: 29, 25: len(ledgerHead)}

func benchLedger(b *testing.B, dir string) string {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := func(n int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, vals); err != nil {
			b.Fatal(err)
		}
	}
	row(1, []string{"发展党员工作台账"})
	row(2, ledgerHead)
	for i := range benchCases {
		br := i % 50
		r := fullRow(fmt.Sprintf("人员%05d", i), benchID(i), fmt.Sprintf("第%02d派出所党支部", br), 25)
		r[7], r[13] = fmt.Sprintf("支部%02d党员0", br), fmt.Sprintf("支部%02d党员0、支部%02d党员1", br, br)
		through := []int{6, 12, 17, 25}[i%4]
		for k := benchThrough[through]; k < len(r); k++ {
			r[k] = ""
		}
		row(i+3, r)
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "台账.xlsx")
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchBureau(b *testing.B, e *apptest.Env) int64 {
	root := addOrg(b, e, 0, "市公安局党委", "committee", true)
	fenju := addOrg(b, e, root, "甲分局党委", "committee", true)
	ctx := context.Background()
	err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		var ps []member.Person
		for br := range 50 {
			id := dbtest.AddOrg(b, tx, dbtest.Org{Parent: fenju, Name: fmt.Sprintf("第%02d派出所党支部", br), Kind: "branch"})
			for k := range 10 {
				ps = append(ps, member.Person{OrgID: id, Name: fmt.Sprintf("支部%02d党员%d", br, k), Gender: "男", Ethnicity: "汉族", BirthDate: "1980-01-01",
					Status: "full", ApplyDate: "2009-01-01", ActivistDate: "2009-03-01", CandidateDate: "2009-09-01", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
			}
		}
		if _, err := member.InsertMany(ctx, tx, e.App.Deps.Keys, ps); err != nil {
			return err
		}
		orgs := map[string]int64{}
		rows, err := tx.QueryContext(ctx, "SELECT id, name FROM orgs")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				return err
			}
			orgs[name] = id
		}
		rows.Close()
		ps = ps[:0]
		for i := 0; i < benchCases; i += 2 {
			id := benchID(i)
			ps = append(ps, member.Person{OrgID: orgs[fmt.Sprintf("第%02d派出所党支部", i%50)], Name: fmt.Sprintf("人员%05d", i), IDNumber: id,
				Gender: idcard.Gender(id), Ethnicity: "汉族", BirthDate: idcard.Birth(id), Status: "applicant", ApplyDate: "2023-01-10"})
		}
		_, err = member.InsertMany(ctx, tx, e.App.Deps.Keys, ps)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return fenju
}

// BenchmarkImportLedger imports a 20,000-case 台账 (a quarter each at
// step 6, 12, 17 and converted at 25: 310,000 recorded steps and 公示)
// into a fresh 分局 on SQLite, every rule checked, and reports cases/s.
func BenchmarkImportLedger(b *testing.B) {
	dir := b.TempDir()
	path := benchLedger(b, dir)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := apptest.Start(b, dbtest.SQLite(b))
		fenju := benchBureau(b, e)
		if _, err := e.DB.ExecContext(context.Background(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		rep, err := develop.ImportLedger(context.Background(), e.App.Deps, path, importer.Options{OrgID: fenju}, nil)
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if rep.ErrorCount > 0 || rep.Inserted != benchCases {
			b.Fatalf("%d cases, %d problems: %v", rep.Inserted, rep.ErrorCount, rep.Problems[:min(3, len(rep.Problems))])
		}
		b.ReportMetric(float64(rep.Records), "records")
		// The 台账 page of the 分局 over the imported cases (15,000 open),
		// once the job's KeepStats has run, as after a real import.
		b.StopTimer()
		importer.KeepStats(context.Background(), e.App.Deps, rep)
		page := e.Anonymous()
		page.Token = e.Account(auth.OrgAdmin, fenju, 0).Token
		const views = 20
		t0 := time.Now()
		for range views {
			if st := page.Do("GET", "/development", nil, nil); st != 200 {
				b.Fatalf("台账: %d", st)
			}
		}
		b.ReportMetric(float64(time.Since(t0).Milliseconds())/views, "ms-ledger-page")
		b.StartTimer()
	}
	b.ReportMetric(float64(benchCases*b.N)/total.Seconds(), "cases/s")
	if fi, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "MB-file")
	}
}

// benchID is the i-th person's ID number, unique below 21,000.
func benchID(i int) string {
	return idcard.WithCheckDigit(fmt.Sprintf("110101%04d%02d%02d%03d", 1990+i%10, 1+i%12, 1+i%28, i%1000))
}
