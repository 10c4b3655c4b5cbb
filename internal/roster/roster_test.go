package roster

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/sheetlimit"
)

var today = civil.MustParse("2026-11-29")

var formats = []string{"roster.xlsx", "roster.xls", "roster-gbk.csv"}

type expected struct {
	Orgs    int `json:"orgs"`
	Members int `json:"members"`
	Errors  []struct {
		Index int    `json:"index"`
		Field string `json:"field"`
		Why   string `json:"why"`
		Name  string `json:"name"`
	} `json:"errors"`
	Sample []struct {
		ID, Name, Join, Full, Branch string
	} `json:"sample"`
}

func loadExpected(t *testing.T, dir string) expected {
	var e expected
	b, err := os.ReadFile(filepath.Join("../../testdata", dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

type result struct {
	layout   *Layout
	orgs     []OrgRow
	records  []Record
	problems []Problem
}

// readAll reads a file the way the importer does, one row after another.
func readAll(t *testing.T, path string, known func(string) bool) result {
	t.Helper()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var res result
	var orgs *Layout
	res.layout, orgs, err = Locate(b)
	if err != nil {
		t.Fatal(err)
	}
	if orgs != nil {
		var ps []Problem
		if res.orgs, ps, err = ReadOrgs(b, orgs); err != nil || len(ps) > 0 {
			t.Fatal(err, ps)
		}
	}
	s, err := b.Sheet(res.layout.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	seen := Seen{}
	for s.Next() {
		row := s.Row()
		if row <= res.layout.HeaderRow || Skip(s.Cells()) {
			continue
		}
		r, ps := res.layout.Parse(row, s.Cells(), today)
		if p := seen.Check(res.layout, &r); p != nil {
			ps = append(ps, *p)
		}
		if known != nil {
			if p := res.layout.CheckBranch(&r, known); p != nil {
				ps = append(ps, *p)
			}
		}
		res.records = append(res.records, r)
		res.problems = append(res.problems, ps...)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return res
}

// sheetRow is where data row k (0-based, blank rows not counted) sits: right
// below the header, with a blank row after every 40 members in the
// workbooks (the CSV files have none).
func sheetRow(l *Layout, k int) int {
	if l.Sheet == CSVSheetName {
		return l.HeaderRow + 1 + k
	}
	return l.HeaderRow + 1 + k + k/40
}

func TestCleanRosterReadsAlikeInEveryFormat(t *testing.T) {
	exp := loadExpected(t, "roster-clean")
	var first []Record
	for _, f := range formats {
		t.Run(f, func(t *testing.T) {
			res := readAll(t, filepath.Join("../../testdata/roster-clean", f), nil)
			if len(res.problems) > 0 {
				t.Fatalf("problems in the clean roster: %v", res.problems)
			}
			if len(res.records) != exp.Members {
				t.Fatalf("%d members, want %d", len(res.records), exp.Members)
			}
			if f != "roster-gbk.csv" && len(res.orgs) != exp.Orgs {
				t.Fatalf("%d orgs, want %d", len(res.orgs), exp.Orgs)
			}
			byID := map[string]Record{}
			for k, r := range res.records {
				if r.Row != sheetRow(res.layout, k) {
					t.Fatalf("member %d on row %d, want %d", k, r.Row, sheetRow(res.layout, k))
				}
				if strings.ContainsAny(r.Name, " \u3000") {
					t.Errorf("row %d: name %q keeps a space", r.Row, r.Name)
				}
				byID[r.IDNumber] = r
			}
			for _, s := range exp.Sample {
				r, ok := byID[s.ID]
				if !ok || r.Name != s.Name || r.JoinDate != s.Join || r.FullDate != s.Full || r.Branch != s.Branch {
					t.Errorf("sample %s: got %+v, want %+v", s.ID, r, s)
				}
			}
			recs := make([]Record, len(res.records))
			for i, r := range res.records {
				r.Row = 0
				recs[i] = r
			}
			if first == nil {
				first = recs
			} else if !reflect.DeepEqual(first, recs) {
				for i := range recs {
					if recs[i] != first[i] {
						t.Fatalf("member %d differs from the .xlsx: %+v vs %+v", i, recs[i], first[i])
					}
				}
			}
		})
	}
}

func TestBadRosterDefectsInEveryFormat(t *testing.T) {
	exp := loadExpected(t, "roster-bad")
	clean := readAll(t, "../../testdata/roster-clean/roster.xlsx", nil)
	branches := map[string]bool{}
	for _, o := range clean.orgs {
		branches[o.Name] = true
	}
	known := func(n string) bool { return branches[n] }
	// Each kind of defect, the field it is reported on and words of its reason.
	reason := map[string]struct {
		field Field
		words string
	}{
		"checksum":         {IDNumber, "校验位错误"},
		"number-precision": {IDNumber, "文本"},
		"before-join":      {Full, "早于入党时间"},
		"under-18":         {Join, "未满 18 周岁"},
		"unknown-branch":   {Branch, "不存在"},
		"duplicate":        {IDNumber, "重复"},
		"bad-date":         {Birth, "不是有效日期"},
		"empty":            {Name, "不能为空"},
	}
	for _, f := range formats {
		t.Run(f, func(t *testing.T) {
			res := readAll(t, filepath.Join("../../testdata/roster-bad", f), known)
			if len(res.records) != exp.Members {
				t.Fatalf("%d rows, want %d", len(res.records), exp.Members)
			}
			bad := map[int]bool{}
			for _, e := range exp.Errors {
				want := reason[e.Why]
				row := sheetRow(res.layout, e.Index)
				bad[row] = true
				if res.records[e.Index].Name != e.Name {
					t.Errorf("member %d is %q, want %q", e.Index, res.records[e.Index].Name, e.Name)
				}
				found := false
				for _, p := range res.problems {
					if p.Row == row && p.Field == want.field && strings.Contains(p.Message, want.words) {
						found = true
						if p.Column == "" {
							t.Errorf("%s on row %d names no column", e.Why, row)
						}
					}
				}
				if !found {
					t.Errorf("%s (%s) not reported on row %d; problems: %v", e.Why, e.Field, row, res.problems)
				}
			}
			for _, p := range res.problems {
				if !bad[p.Row] {
					t.Errorf("unexpected problem %v", p)
				}
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		in, want string
		month    bool
	}{
		{"1985.03.12", "1985-03-12", false},
		{"1985-3-12", "1985-03-12", false},
		{"1985年3月12日", "1985-03-12", false},
		{"1985/3/12", "1985-03-12", false},
		{"19850312", "1985-03-12", false},
		{"1985.03", "1985-03-01", true},
		{"1985年3月", "1985-03-01", true},
		{"30769", "1984-03-28", false},
		{"1", "1900-01-01", false},
		{"61", "1900-03-01", false},
		{"2024-02-29", "2024-02-29", false},
		{"1985-03-12T00:00:00Z", "1985-03-12", false},
		{"1985/3/12 0:00", "1985-03-12", false},
		{" 1985 年 3 月 12 日 ", "1985-03-12", false},
		{"1985．3．12", "1985-03-12", false},
		{"１９８５年３月１２日", "1985-03-12", false},
		{"", "", false},
	}
	for _, c := range cases {
		d, err := ParseDate(c.in)
		if err != nil || d.String() != c.want || d.MonthOnly != c.month {
			t.Errorf("ParseDate(%q) = %v %v %v, want %s %v", c.in, d, d.MonthOnly, err, c.want, c.month)
		}
	}
	for _, in := range []string{"1985.13.40", "2023-02-29", "1985.00", "昨天", "3.70102E+17", "1985-03-12-01", "1985..3", "85.3.12", "1985.3.", "1985年3月12号"} {
		if d, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
		} else if !strings.Contains(err.Error(), in) {
			t.Errorf("ParseDate(%q): %v does not quote the value", in, err)
		}
	}
	if _, err := ParseDate("2010/6/31"); err == nil || !strings.Contains(err.Error(), "2010 年 6 月没有 31 日") {
		t.Errorf("a day the month lacks: %v", err)
	}
	l := Layout{Date1904: true}
	if d, err := l.Date("29307"); err != nil || d.String() != "1984-03-28" {
		t.Errorf("serial 29307 of the 1904 system: %v %v", d, err)
	}
	if got := ExcelSerial(civil.MustParse("1984-03-28")); got != 30769 {
		t.Errorf("ExcelSerial = %d", got)
	}
}

// A month-only date is checked for every day it may stand for.
func TestMonthOnlyDates(t *testing.T) {
	l := &Layout{Mapping: Mapping{Name, IDNumber, Join, Full, Branch, Gender}}
	id := "110101200403150016"
	cases := []struct {
		join, full string
		problem    Field
	}{
		{"2022.03", "2023.03", ""},       // turns 18 on 15 March: some day of March qualifies
		{"2022.02", "2023.02", Join},     // every day of February 2022 is before 18
		{"2023.05.20", "2023.05", ""},    // 转正 may be any day of May
		{"2023.05.20", "2023.04", Full},  // all of April is before the join
		{"2023.05.20", "2024.05.20", ""}, // ordinary
	}
	for _, c := range cases {
		_, ps := l.Parse(5, []string{"张三", id, c.join, c.full, "一支部", "男"}, today)
		switch {
		case c.problem == "" && len(ps) > 0:
			t.Errorf("%s/%s: unexpected %v", c.join, c.full, ps)
		case c.problem != "" && (len(ps) != 1 || ps[0].Field != c.problem):
			t.Errorf("%s/%s: got %v, want a problem on %s", c.join, c.full, ps, c.problem)
		}
	}
}

func TestHeaderSynonymsAndEncodings(t *testing.T) {
	body := "党员花名册\n\n序号,名字,身份证号,入党日期,转正日期,所在支部,手机号\n" +
		"1,李　四,11010119900307002x,2015/7/1,2016年7月1日,一支部,138 0013 8000\n" +
		",,,,,,\n合计：1人\n"
	dir := t.TempDir()
	utf8Path := filepath.Join(dir, "a.txt")
	os.WriteFile(utf8Path, append([]byte("\xEF\xBB\xBF"), body...), 0o600)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(body)
	if err != nil {
		t.Fatal(err)
	}
	gbkPath := filepath.Join(dir, "b.dat")
	os.WriteFile(gbkPath, []byte(gbk), 0o600)
	for path, enc := range map[string]string{utf8Path: "UTF-8", gbkPath: "GBK"} {
		b, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if Encoding(b) != enc {
			t.Errorf("%s: encoding %s, want %s", path, Encoding(b), enc)
		}
		b.Close()
		res := readAll(t, path, nil)
		if res.layout.HeaderRow != 3 {
			t.Errorf("header row %d, want 3", res.layout.HeaderRow)
		}
		want := Record{Row: 4, Name: "李四", Gender: "女", Ethnicity: "汉族", BirthDate: "1990-03-07", IDNumber: "11010119900307002X",
			JoinDate: "2015-07-01", FullDate: "2016-07-01", Branch: "一支部", Phone: "13800138000", Status: StatusFull}
		if len(res.records) != 1 || res.records[0] != want || len(res.problems) > 0 {
			t.Errorf("%s: %+v %v, want %+v", enc, res.records, res.problems, want)
		}
	}
}

func TestSniffRefusesWhatIsNoSpreadsheet(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"script.xlsx": []byte("\x7fELF\x02\x01\x01\x00\x00binary"),
		"empty.csv":   nil,
		"image.xls":   []byte("\x89PNG\r\n\x1a\n\x00\x00"),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, content, 0o600)
		if _, err := Open(p); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
}

// A zip bomb is refused before it expands (more in limits_test.go).
func TestZipBombRefused(t *testing.T) {
	defer func(n int64) { sheetlimit.MaxPart = n }(sheetlimit.MaxPart)
	sheetlimit.MaxPart = 1 << 20
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	f, _ := os.Create(path)
	z := zip.NewWriter(f)
	w, _ := z.Create("xl/worksheets/sheet1.xml")
	w.Write(bytes.Repeat([]byte{' '}, 4<<20))
	z.Close()
	f.Close()
	if b, err := Open(path); !errors.Is(err, sheetlimit.ErrTooLarge) {
		if err == nil {
			b.Close()
		}
		t.Fatalf("a workbook expanding past the limit: %v", err)
	}
}
