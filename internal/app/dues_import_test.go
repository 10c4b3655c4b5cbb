package app_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/apptest"
	"hongdun/internal/dues"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/roster"
)

// job is what the common import job API answers for a dues import.
type job struct {
	ID      int64            `json:"id"`
	Kind    string           `json:"kind"`
	State   string           `json:"state"`
	Message string           `json:"message"`
	Errors  []roster.Problem `json:"errors"`
	Counts  struct {
		Rows, Inserted, Errors int
	} `json:"counts"`
	Detail dues.Import `json:"detail"`
}

// problems writes a job's problems one a line, "第 N 行 列：原因".
func problems(j job) string {
	var b strings.Builder
	for _, p := range j.Errors {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// duesUpload posts a CSV file to the import job API (checked only unless
// fields say dry_run=false).
func duesUpload(t *testing.T, e *apptest.Env, c *apptest.Client, fields map[string]string, csv string, out any) int {
	t.Helper()
	return duesUploadFile(t, e, c, fields, "党费.csv", []byte(csv), out)
}

// duesUploadFile posts a file to the import API.
func duesUploadFile(t *testing.T, e *apptest.Env, c *apptest.Client, fields map[string]string, name string, content []byte, out any) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if _, ok := fields["dry_run"]; !ok {
		fields["dry_run"] = "true"
	}
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", e.Srv.URL+"/api/v1/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, out)
}

// An import is checked and previewed, names every bad row in Chinese and
// writes nothing until confirmed; then all of it, once.
func TestImportBasesAndPayments(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-04-10")
		f := duesSetup(t, e)
		id := idcard.WithCheckDigit("61011319800307001")
		if _, err := e.DB.ExecContext(t.Context(), "UPDATE persons SET id_hash = ? WHERE id = ?", e.App.Keys.Index(id), f.member); err != nil {
			t.Fatal(err)
		}
		e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲二", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲二", JoinDate: "2012-01-01", FullDate: "2013-01-01"})
		retired := e.Person(dbtest.Person{Org: f.b.ABranch, Name: "甲老", JoinDate: "1980-01-01", FullDate: "1981-01-01"})
		e.Person(dbtest.Person{Org: f.b.BBranch, Name: "乙一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		year := map[string]string{"kind": "dues_bases", "year": "2026"}

		var im job
		bad := "姓名,公民身份号码,党员类别,党费基数（元）\n" +
			"甲一," + id + ",在职,4500\n" + // fine
			"甲二,,在职,3000\n" + // two of that name
			"乙一,,在职,3000\n" + // another 分局's member
			"甲老,,退役,5000\n" + // no such kind
			"甲一,,离退休,abc\n" // not an amount
		if st := duesUpload(t, e, f.admin, year, bad, &im); st != 201 {
			t.Fatalf("upload: %d %s", st, f.admin.Body())
		}
		got := problems(im)
		for _, want := range []string{"第 3 行 姓名：所选党组织中有 2 名党员叫“甲二”，请填写公民身份号码区分", "第 4 行 姓名：所选党组织中没有名为“乙一”的党员",
			"第 5 行 党员类别：党员类别“退役”无法识别", "第 6 行 党费基数（元）：党费基数“abc”不是有效的金额"} {
			if !strings.Contains(got, want) {
				t.Errorf("problems lack %q:\n%s", want, got)
			}
		}
		var out apiError
		if im.State != "failed" || im.Kind != dues.JobBases {
			t.Fatalf("a file with problems: %+v", im)
		}
		f.admin.Expect(409, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", im.ID), map[string]any{}, &out) // confirming a file with problems
		if n := e.Count("SELECT COUNT(*) FROM dues_bases"); n != 0 {
			t.Fatalf("%d bases written before confirmation", n)
		}

		good := "序号,姓名,身份证号,类别,税后月收入\n1,甲一," + id + ",在职,4500\n2,甲老,,离退休,5000\n合计,,,,\n"
		if st := duesUpload(t, e, f.admin, year, good, &im); st != 201 || im.State != "checked" || im.Counts.Rows != 2 || len(im.Errors) != 0 || len(im.Detail.Rows) != 2 || im.Detail.Rows[1].AmountFen != 2500 {
			t.Fatalf("good bases: %d %+v %s", st, im, problems(im))
		}
		if n := e.Count("SELECT COUNT(*) FROM dues_bases"); n != 0 {
			t.Fatal("the check wrote bases")
		}
		f.admin.Expect(400, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", im.ID), map[string]any{"update_existing": true}, nil) // a roster option on a dues import
		if st := f.admin.Do("POST", fmt.Sprintf("/api/v1/imports/%d/confirm", im.ID), map[string]any{}, &im); st != 200 || im.State != "done" ||
			im.Detail.State != "applied" || im.Counts.Inserted != 2 {
			t.Fatalf("confirm: %d %s", st, f.admin.Body())
		}
		f.admin.Expect(409, "POST", fmt.Sprintf("/api/v1/imports/%d/confirm", im.ID), map[string]any{}, nil) // confirming twice
		if n := e.Count("SELECT amount_fen FROM dues_bases WHERE person_id = ?", retired); n != 2500 {
			t.Fatalf("retired at 5000 元: %d 分", n)
		}

		// Payments: months of this year, one by proxy, within the window.
		pays := map[string]string{"kind": "dues_payments", "year": "2026"}
		badPays := "姓名,所交月份,交纳金额,交纳日期,代缴\n" +
			"甲一,13,,,\n" + // no such month
			"甲一,2025-09,,,\n" + // 7 months back
			"甲一,3,40,,\n" + // less than due
			"甲一,5,,,\n" + // not yet come
			"甲二,3,,,\n" + // ambiguous
			"甲一,2,,2026-02-31,\n" // no such day
		if st := duesUpload(t, e, f.admin, pays, badPays, &im); st != 201 || len(im.Errors) != 6 {
			t.Fatalf("bad payments: %d\n%s", st, problems(im))
		}
		if got := problems(im); !strings.Contains(got, "第 3 行 所交月份：2025年9月的党费已超过补缴期限") || !strings.Contains(got, "第 4 行 交纳金额：交纳金额不能少于应交的 45.00 元") || !strings.Contains(got, "第 7 行 交纳日期：交纳日期“2026-02-31”不是真实的日期") {
			t.Errorf("problems:\n%s", got)
		}
		goodPays := "姓名,所交月份,交纳金额,交纳日期,代缴,备注\n甲一,1月,,2026-01-20,,\n甲一,2026-02,,2026-03-01,是,补缴\n甲老,3,,,,\n甲一,1,,,,\n"
		if st := duesUpload(t, e, f.admin, pays, goodPays, &im); st != 201 || len(im.Errors) != 1 || !strings.Contains(problems(im), "第 5 行 所交月份：与第 2 行重复") {
			t.Fatalf("a month twice in the file: %d\n%s", st, problems(im))
		}
		goodPays = strings.TrimSuffix(goodPays, "甲一,1,,,,\n")
		if st := duesUpload(t, e, f.admin, pays, goodPays, &im); st != 201 || len(im.Errors) != 0 || len(im.Detail.Rows) != 3 {
			t.Fatalf("good payments: %d %+v\n%s", st, im, problems(im))
		}
		// A month paid on the form after the check: the whole file is refused.
		f.admin.Expect(201, "POST", "/api/v1/dues/payments", map[string]any{"person_id": retired, "year": 2026, "month": 3}, nil)
		if st := f.admin.Do("POST", fmt.Sprintf("/api/v1/imports/%d/confirm", im.ID), map[string]any{}, &out); st != 422 || !strings.Contains(out.Error.Message, "第 4 行（甲老）") {
			t.Fatalf("confirm after a race: %d %+v", st, out)
		}
		if st := f.admin.Do("GET", fmt.Sprintf("/api/v1/imports/%d", im.ID), nil, &im); st != 200 || im.State != "failed" || !strings.Contains(im.Message, "第 4 行（甲老）") {
			t.Fatalf("the refused job: %d %+v", st, im)
		}
		if n := e.Count("SELECT COUNT(*) FROM dues_payments"); n != 1 {
			t.Fatalf("%d payments after a refused import", n)
		}
		// dry_run=false: checked and written in one request when clean.
		direct := map[string]string{"kind": "dues_payments", "year": "2026", "dry_run": "false"}
		if st := duesUpload(t, e, f.admin, direct, strings.TrimSuffix(goodPays, "甲老,3,,,,\n"), &im); st != 201 || im.State != "done" || len(im.Errors) != 0 {
			t.Fatalf("direct import: %d %+v", st, im)
		}
		if n := e.Count("SELECT COUNT(*) FROM dues_payments WHERE person_id = ? AND proxy = 1 AND month = 2 AND paid_on = '2026-03-01'", f.member); n != 1 {
			t.Fatal("the proxy back-payment of February is not in the ledger")
		}

		// Another 分局, a file that is no spreadsheet, an unknown kind.
		if st := duesUpload(t, e, f.admin, map[string]string{"kind": "dues_bases", "org_id": fmt.Sprint(f.b.BBranch)}, good, nil); st != 404 {
			t.Fatalf("B's branch: %d", st)
		}
		if st := duesUpload(t, e, f.admin, year, "\x00\x01binary", &out); st != 400 || out.Error.Field != "file" {
			t.Fatalf("binary: %d %+v", st, out)
		}
		if st := duesUpload(t, e, f.admin, map[string]string{"kind": "x"}, good, &out); st != 400 || out.Error.Field != "kind" {
			t.Fatalf("kind: %d %+v", st, out)
		}
		// Out of the job API's own checks: a year out of range writes no job.
		jobs := e.Count("SELECT COUNT(*) FROM import_jobs")
		if st := duesUpload(t, e, f.admin, map[string]string{"kind": "dues_bases", "year": "2020"}, good, &out); st != 400 || out.Error.Field != "year" ||
			e.Count("SELECT COUNT(*) FROM import_jobs") != jobs {
			t.Fatalf("year 2020: %d %+v", st, out)
		}
		// Another 分局's 党务管理员 sees nothing of the job and changes nothing.
		other := e.Account(auth.OrgAdmin, f.b.BBranch, 0)
		before := dbtest.Fingerprint(t, e.DB)
		other.Expect(404, "GET", fmt.Sprintf("/api/v1/imports/%d", im.ID), nil, nil) // B reads A's job
		if st := other.Do("POST", fmt.Sprintf("/api/v1/imports/%d/confirm", im.ID), map[string]any{}, nil); st != 404 || dbtest.Fingerprint(t, e.DB) != before {
			t.Fatalf("B confirms A's job: %d", st)
		}
		// The old endpoints are gone: one job API for every kind.
		if st := f.admin.Do("GET", fmt.Sprintf("/api/v1/dues/imports/%d", im.ID), nil, nil); st != 404 && st != 405 {
			t.Fatalf("old endpoint: %d", st)
		}
		// The template, filled in and uploaded as it is: the notes row is skipped.
		f.admin.Expect(200, "GET", "/dues/imports/template.xlsx?kind=bases", nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(f.admin.Last)); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(f.admin.Last))
		if err != nil {
			t.Fatal(err)
		}
		sheet := x.GetSheetList()[0]
		x.SetSheetRow(sheet, "A3", &[]any{"甲老", "", "离退休", 5000.01})
		var filled bytes.Buffer
		if err := x.Write(&filled); err != nil {
			t.Fatal(err)
		}
		if st := duesUploadFile(t, e, f.admin, year, "基数.xlsx", filled.Bytes(), &im); st != 201 || len(im.Errors) != 0 || len(im.Detail.Rows) != 1 ||
			im.Detail.Rows[0].AmountFen != 5000 || !im.Detail.Rows[0].Replaces {
			t.Fatalf("filled template: %d %+v\n%s", st, im, problems(im))
		}
	})
}
