package develop_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/importer"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

// ledgerBook writes a 台账 as an office keeps it: a title row, then the
// header and the rows.
func ledgerBook(t testing.TB, head []string, rows ...[]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellStr("Sheet1", "A1", "甲分局发展党员工作台账")
	all := append([][]string{head}, rows...)
	for i, r := range all {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var ledgerHead = []string{"姓  名", "公民身份号码", "所在党支部", "递交入党申请书日期", "党组织派人谈话日期", "确定为入党积极分子日期", "上级党委备案日期",
	"培养联系人", "指定培养联系人日期", "培养教育考察日期", "确定为发展对象前公示", "确定为发展对象日期", "报上级党委备案日期", "入党介绍人", "确定入党介绍人日期",
	"政审结论", "进行政治审查日期", "集中培训天数", "开展集中培训日期", "支部委员会审查日期", "上级党委预审日期", "填写入党志愿书日期", "接收预备党员前公示",
	"支部大会讨论日期", "应到人数", "实到人数", "赞成人数", "上级党委派人谈话日期", "上级党委审批日期", "再上一级党委组织部门备案日期", "编入党支部和党小组日期",
	"入党宣誓日期", "继续教育考察日期", "提出转正申请日期", "转正支部大会讨论日期", "转正应到人数", "转正实到人数", "转正赞成人数", "审批转正日期", "材料归档日期"}

// fullRow is a case from application to 材料归档 with right dates; the
// first twelve steps alone make an open case.
func fullRow(name, id, branch string, through int) []string {
	r := []string{" " + name + " ", id, branch, "2023/1/10", "2023-01-20", "2023年4月10日", "2023-04-15", "党员0", "2023-04-20", "2023-05-01",
		"2024.3.25", "20240410", "2024-05-15", "党员0、党员1", "2024-05-20", "合格", "2024-06-10", "3", "2024-06-20", "2024-07-01",
		"2024-07-10", "2024-07-15", "2024-07-16", "2024-08-01", "10", "9", "9", "2024-08-10", "2024-09-01", "2024-09-10", "2024-09-15",
		"2024-09-20", "2024-10-01", "2025-07-20", "2025-08-01", "10", "8", "8", "2025-08-20", "2025-09-01"}
	if through == 12 {
		for i := 20; i < len(r); i++ {
			r[i] = ""
		}
	}
	return r
}

func uploadLedger(t testing.TB, c *apptest.Client, content []byte, fields map[string]string, out any) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", "development")
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "台账.xlsx")
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", "/api/v1/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, out)
}

func waitJob(t testing.TB, c *apptest.Client, id int64) importer.Job {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j importer.Job
		c.Expect(200, "GET", fmt.Sprintf("/api/v1/imports/%d", id), nil, &j)
		if !j.Running() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %s", id, j.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// importLedger uploads a 台账, checks it, and unless it has problems
// confirms it; it returns the job as it ended.
func importLedger(t testing.TB, c *apptest.Client, content []byte) importer.Job {
	t.Helper()
	var j importer.Job
	if st := uploadLedger(t, c, content, map[string]string{"dry_run": "true"}, &j); st != 202 {
		t.Fatalf("upload: %d %s", st, c.Body())
	}
	if j = waitJob(t, c, j.ID); j.State != importer.Checked {
		return j
	}
	c.Expect(202, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{}, nil)
	return waitJob(t, c, j.ID)
}

// TestImportLedger imports an office's in-flight 台账: a registered
// applicant matched by name and branch, a person registered from the row,
// every dated step recorded with the votes as given; then the bad cases.
func TestImportLedger(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c := b.fenjuAdmin
		branch := "甲分局城关派出所党支部"
		li := idcard.WithCheckDigit("11010119950505001")
		file := ledgerBook(t, ledgerHead, fullRow("张申请", "", branch, 12), fullRow("李新", li, branch, 25))

		// The check writes nothing and shows what will be.
		written := func() string {
			return fmt.Sprint(e.Count("SELECT COUNT(*) FROM dev_cases"), e.Count("SELECT COUNT(*) FROM dev_records"), e.Count("SELECT COUNT(*) FROM persons"),
				e.Count("SELECT COUNT(*) FROM person_events"), e.Count("SELECT COUNT(*) FROM dev_deadlines"), e.Count("SELECT COUNT(*) FROM todos"),
				e.Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'develop.%'"))
		}
		before := written()
		var j importer.Job
		if st := uploadLedger(t, c, file, map[string]string{"dry_run": "true"}, &j); st != 202 {
			t.Fatalf("upload: %d %s", st, c.Body())
		}
		j = waitJob(t, c, j.ID)
		if j.State != importer.Checked || j.Kind != "development" || j.Counts.Rows != 2 || j.Counts.Existing != 1 || j.Counts.People != 1 || len(j.Preview) != 2 {
			t.Fatalf("check: %+v", j)
		}
		if p := j.Preview[1]; p.Name != "李新" || p.Steps != 25 || p.Status != "正式党员" || strings.Contains(c.Body(), li) {
			t.Fatalf("preview of 李新: %+v (or the full ID number shown)", p)
		}
		if written() != before {
			t.Fatal("a check changed the database")
		}
		page := e.Anonymous()
		page.Token = c.Token
		html := string(mustGet(t, page, fmt.Sprintf("/imports/%d", j.ID)))
		for _, want := range []string{`id="job-preview"`, `id="job-confirm"`, "发展党员工作台账", "按台账登记", "第25步 材料归档"} {
			if !strings.Contains(html, want) {
				t.Fatalf("the job page lacks %s", want)
			}
		}
		c.Expect(202, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{}, nil)
		// A second click while it runs or once done is refused.
		c.Expect(409, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", j.ID), map[string]any{}, nil) // double confirm
		j = waitJob(t, c, j.ID)
		if j.State != importer.Done || j.Counts.Inserted != 2 || j.Counts.Records != 12+1+25+2 {
			t.Fatalf("import: %+v", j)
		}
		var status, activist, candidate, join, full string
		read := func(id any, q string) {
			t.Helper()
			if err := e.DB.QueryRowContext(t.Context(), q, id).Scan(&status, &activist, &candidate, &join, &full); err != nil {
				t.Fatal(err)
			}
		}
		const personQ = "SELECT status, COALESCE(activist_date, ''), COALESCE(candidate_date, ''), COALESCE(join_date, ''), COALESCE(full_date, '') FROM persons WHERE "
		read(b.applicant, personQ+"id = ?")
		if status != "candidate" || activist != "2023-04-10" || candidate != "2024-04-10" {
			t.Fatalf("张申请 after import: %s %s %s", status, activist, candidate)
		}
		read("李新", personQ+"name = ?")
		if status != "full" || join != "2024-08-01" || full != "2025-08-01" {
			t.Fatalf("李新 registered from the 台账: %s %s %s", status, join, full)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_cases WHERE status = 'open'"); n != 1 || e.Count("SELECT COUNT(*) FROM dev_cases WHERE status = 'converted'") != 1 {
			t.Fatalf("cases: %d open", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'develop.import'"); n != 1 {
			t.Fatalf("audits of the import: %d", n)
		}

		var cs struct {
			Items []struct{ ID int64 } `json:"items"`
		}
		c.Do("GET", "/api/v1/development/cases?status=all&name=李新", nil, &cs)
		var kase struct {
			Records []struct {
				Step int
				Date string
				Data struct {
					People []struct{ Name string }
					Vote   *struct{ Expected, Present, For int }
				}
			}
		}
		if len(cs.Items) != 1 || c.Do("GET", fmt.Sprintf("/api/v1/development/cases/%d", cs.Items[0].ID), nil, &kase) != 200 {
			t.Fatalf("李新's case: %s", c.Body())
		}
		for _, r := range kase.Records {
			if r.Step == 23 && (r.Data.Vote == nil || r.Data.Vote.Present != 8 || r.Date != "2025-08-01") || r.Step == 9 && len(r.Data.People) != 2 {
				t.Fatalf("record of step %d not as in the 台账: %+v", r.Step, r)
			}
		}

		// The same file again: no duplicate case, each row refused.
		after := written()
		j = importLedger(t, c, file)
		if j.State != importer.Failed || j.Counts.Errors != 2 || !strings.Contains(j.Errors[0].Message, "已有发展档案") {
			t.Fatalf("a second import of the same file: %+v", j)
		}

		// Two checked jobs of one file confirmed at once: one imports,
		// the other writes nothing.
		more := ledgerBook(t, ledgerHead, fullRow("孙并发", idcard.WithCheckDigit("11010119980808004"), branch, 12))
		var a, z importer.Job
		uploadLedger(t, c, more, map[string]string{"dry_run": "true"}, &a)
		uploadLedger(t, c, more, map[string]string{"dry_run": "true"}, &z)
		waitJob(t, c, a.ID)
		waitJob(t, c, z.ID)
		done := make(chan int, 2)
		for _, id := range []int64{a.ID, z.ID} {
			go func() { done <- c.Do("POST", fmt.Sprintf("/api/v1/imports/%d/confirm", id), map[string]any{}, nil) }()
		}
		<-done
		<-done
		a, z = waitJob(t, c, a.ID), waitJob(t, c, z.ID)
		if (a.State == importer.Done) == (z.State == importer.Done) || e.Count("SELECT COUNT(*) FROM dev_cases c JOIN persons p ON p.id = c.person_id WHERE p.name = '孙并发'") != 1 {
			t.Fatalf("two imports of one file at once: %s (%s) and %s (%s)", a.State, a.Message, z.State, z.Message)
		}
		after = written()

		// A date too early names the rule, its citation and the valid date.
		early := fullRow("王早", idcard.WithCheckDigit("11010119960606002"), branch, 12)
		early[11] = "2024-04-09"
		j = importLedger(t, c, ledgerBook(t, ledgerHead, early))
		if j.State != importer.Failed || len(j.Errors) == 0 {
			t.Fatalf("an early 发展对象: %+v", j)
		}
		if p := j.Errors[0]; p.Row != 3 || p.Column != "确定发展对象日期" || p.Rule != "R-target" || p.RuleTitle == "" || p.Citation == "" || p.PossibleOn != "2024-04-10" {
			t.Fatalf("the refusal: %+v", p)
		}
		html = string(mustGet(t, page, fmt.Sprintf("/imports/%d", j.ID)))
		if p := j.Errors[0]; !strings.Contains(html, p.RuleTitle+"（"+p.Citation+"）") || !strings.Contains(html, "2024-04-10") || strings.Contains(html, "R-target") {
			t.Fatal("the job page does not name the rule in Chinese with its citation and the valid date")
		}
		// A person neither registered nor given an ID number; a branch
		// outside the 分局.
		j = importLedger(t, c, ledgerBook(t, ledgerHead, fullRow("无名氏", "", branch, 12), fullRow("乙新", idcard.WithCheckDigit("11010119970707003"), "乙分局城关派出所党支部", 12)))
		if j.State != importer.Failed || len(j.Errors) != 2 || j.Errors[0].Column != "姓名" || !strings.Contains(j.Errors[0].Message, "未在") ||
			j.Errors[1].Row != 4 || !strings.Contains(j.Errors[1].Message, "不在导入的党组织") {
			t.Fatalf("unknown person and out-of-scope branch: %+v", j.Errors)
		}
		// Importing into another 分局 is not found; a file that is not a
		// spreadsheet is refused; a sheet without a 台账 header fails.
		if st := uploadLedger(t, c, file, map[string]string{"org_id": fmt.Sprint(b.other)}, nil); st != 404 {
			t.Fatalf("into another 分局: %d", st)
		}
		if st := uploadLedger(t, c, []byte("\x00\x01 not a sheet"), nil, nil); st != 400 {
			t.Fatalf("not a spreadsheet: %d %s", st, c.Body())
		}
		j = importLedger(t, c, ledgerBook(t, []string{"序号", "备注"}, []string{"1", "x"}))
		if j.State != importer.Failed || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Message, "表头") {
			t.Fatalf("no header: %+v", j)
		}
		if written() != after {
			t.Fatalf("refused imports changed the database: %s, was %s", written(), after)
		}
	})
}

// TestLedgerRoundTrip exports the 台账 with every step's date and people
// and imports it into a fresh bureau: the same cases with the same steps.
func TestLedgerRoundTrip(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		branch := "甲分局城关派出所党支部"
		// The template, filled in as an office would, imports.
		addPerson(t, e, b.branch, "赵模板", "applicant", "1996-02-02")
		tpl := mustGet(t, b.fenjuAdmin, "/imports/template.xlsx?kind=development")
		if err := cellsafe.CheckXLSX(bytes.NewReader(tpl)); err != nil {
			t.Fatal(err)
		}
		j := importLedger(t, b.fenjuAdmin, fillTemplate(t, tpl, map[string]string{"姓名": "赵模板", "所在党支部": branch,
			"递交入党申请书日期": "2024-01-05", "党组织派人谈话日期": "2024-01-20", "推荐和确定入党积极分子日期": "2024-05-06", "推荐方式": "群团推优"}))
		if j.State != importer.Done || j.Counts.Inserted != 1 || j.Counts.Records != 3 {
			t.Fatalf("the filled template: %+v", j)
		}
		j = importLedger(t, b.fenjuAdmin, ledgerBook(t, ledgerHead, fullRow("张申请", "", branch, 12),
			fullRow("李新", idcard.WithCheckDigit("11010119950505001"), branch, 25)))
		if j.State != importer.Done {
			t.Fatalf("first import: %+v", j)
		}
		page := e.Anonymous()
		page.Token = b.admin.Token
		page.Expect(200, "GET", "/development/ledger.xlsx?status=all&reveal=1", nil, nil)
		exported := page.Last
		leader := e.Anonymous()
		leader.Token = e.Account(auth.Leader, b.root, 0).Token
		leader.Expect(403, "GET", "/development/ledger.xlsx?status=all&reveal=1", nil, nil) // a 领导 asking the full ID numbers
		leader.Expect(200, "GET", "/development/ledger.xlsx?status=all", nil, nil)          // a 领导's export
		if ids := idColumn(t, leader.Last); !strings.Contains(ids, "************050010") || strings.Contains(ids, "11010119950505001") {
			t.Fatalf("a 领导's export shows ID numbers %q", ids)
		}
		if ids := idColumn(t, exported); !strings.Contains(ids, idcard.WithCheckDigit("11010119950505001")) {
			t.Fatalf("the 党务管理员's full export shows %q", ids)
		}
		if err := cellsafe.CheckXLSX(bytes.NewReader(exported)); err != nil {
			t.Fatal(err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'develop.export' AND detail LIKE '%"revealed":true%'`); n != 1 {
			t.Fatalf("export audits: %d", n)
		}

		var fresh *apptest.Env
		if e.DB.Dialect == db.Postgres {
			fresh = apptest.Start(t, dbtest.Postgres(t))
		} else {
			fresh = apptest.Start(t, dbtest.SQLite(t))
		}
		nb := newBureau(t, fresh)
		addPerson(t, fresh, nb.branch, "赵模板", "applicant", "1996-02-02")
		if j := importLedger(t, nb.fenjuAdmin, exported); j.State != importer.Done || j.Counts.Inserted != 3 || j.Counts.People != 1 {
			t.Fatalf("import of the export: %+v", j)
		}
		if a, z := caseSteps(t, e), caseSteps(t, fresh); a != z {
			t.Fatalf("the cases differ after the round trip:\n%s\n%s", a, z)
		}
	})
}

// caseSteps lists every case with its records as the API shows them,
// without ids.
func caseSteps(t *testing.T, e *apptest.Env) string {
	t.Helper()
	var out []string
	rows, err := e.DB.QueryContext(t.Context(), `SELECT p.name, c.status, c.last_step, COALESCE(c.next_due, ''), r.kind, r.step, r.on_date, COALESCE(o.name, ''), r.data, r.warnings
		FROM dev_cases c JOIN persons p ON p.id = c.person_id JOIN dev_records r ON r.case_id = c.id LEFT JOIN orgs o ON o.id = r.org_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, status, due, kind, on, orgName, data, warn string
		var last, step int
		if err := rows.Scan(&name, &status, &last, &due, &kind, &step, &on, &orgName, &data, &warn); err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		json.Unmarshal([]byte(data), &d)
		if ps, ok := d["people"].([]any); ok {
			for _, p := range ps {
				delete(p.(map[string]any), "id")
			}
		}
		norm, _ := json.Marshal(d)
		out = append(out, strings.Join([]string{name, status, fmt.Sprint(last), due, kind, fmt.Sprint(step), on, orgName, string(norm), warn}, " "))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// fillTemplate writes one row under the template's header and hint rows.
func fillTemplate(t *testing.T, tpl []byte, values map[string]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetName(0)
	rows, _ := f.GetRows(sh)
	filled := 0
	for i, h := range rows[1] {
		if v, ok := values[h]; ok {
			cell, _ := excelize.CoordinatesToCellName(i+1, 4)
			f.SetCellStr(sh, cell, v)
			filled++
		}
	}
	if filled != len(values) {
		t.Fatalf("the template's header %v lacks some of %v", rows[1], values)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// idColumn reads the 公民身份号码 column of an exported 台账.
func idColumn(t *testing.T, book []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("台账")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows[2:] {
		ids = append(ids, r[1])
	}
	return strings.Join(ids, ",")
}
