package exam

import (
	"hongdun/internal/platform/fail"

	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func mustQ(t *testing.T, q Question) *Question {
	t.Helper()
	if q.Tag == "" {
		q.Tag = "党章"
	}
	if q.Difficulty == 0 {
		q.Difficulty = 1
	}
	if err := q.Normalize(); err != nil {
		t.Fatalf("normalize %+v: %v", q, err)
	}
	return &q
}

func TestGradeEveryKind(t *testing.T) {
	t.Parallel()
	single := mustQ(t, Question{Kind: Single, Stem: "党的最高领导机关是", Options: []string{"全国代表大会", "政治局", "书记处"}, Answer: "a"})
	multi := mustQ(t, Question{Kind: Multi, Stem: "三会一课包括", Options: []string{"支部党员大会", "支委会", "党小组会", "茶话会"}, Answer: "C，A、b"})
	judge := mustQ(t, Question{Kind: Judge, Stem: "预备期为一年", Answer: "√"})
	fill := mustQ(t, Question{Kind: Fill, Stem: "中国共产党成立于（）年，地点（）", Answer: "1921；上海|上海市"})
	if multi.Answer != "ABC" || judge.Answer != "T" || fill.Blanks() != 2 {
		t.Fatalf("canonical forms: multi %q judge %q fill %q", multi.Answer, judge.Answer, fill.Answer)
	}
	cases := []struct {
		q    *Question
		resp string
		want bool
	}{
		{single, "A", true}, {single, "B", false}, {single, "", false}, {single, "Z", false},
		{multi, "ABC", true}, {multi, "cba", true}, {multi, "AB", false}, {multi, "ABCD", false},
		{judge, "对", true}, {judge, "T", true}, {judge, "错", false}, {judge, "也许", false},
		{fill, `["1921","上海"]`, true}, {fill, `["１９２１"," 上海市 "]`, true}, {fill, `["1921","北京"]`, false},
		{fill, `["1921"]`, false}, {fill, `["",""]`, false}, {fill, `not json`, false},
	}
	for _, c := range cases {
		if got := c.q.Grade(c.resp); got != c.want {
			t.Errorf("%s %q: got %v, want %v", c.q.Kind, c.resp, got, c.want)
		}
	}
}

func TestNormalizeRefusesBadQuestions(t *testing.T) {
	t.Parallel()
	bad := []struct {
		q     Question
		field string
	}{
		{Question{Kind: Single, Stem: "", Options: []string{"a", "b"}, Answer: "A", Tag: "党章", Difficulty: 1}, "stem"},
		{Question{Kind: Single, Stem: "x", Options: []string{"a"}, Answer: "A", Tag: "党章", Difficulty: 1}, "options"},
		{Question{Kind: Single, Stem: "x", Options: []string{"a", "b"}, Answer: "C", Tag: "党章", Difficulty: 1}, "answer"},
		{Question{Kind: Single, Stem: "x", Options: []string{"a", "b"}, Answer: "AB", Tag: "党章", Difficulty: 1}, "answer"},
		{Question{Kind: Multi, Stem: "x", Options: []string{"a", "b"}, Answer: "A", Tag: "党章", Difficulty: 1}, "answer"},
		{Question{Kind: Judge, Stem: "x", Answer: "可能", Tag: "党章", Difficulty: 1}, "answer"},
		{Question{Kind: Fill, Stem: "x", Answer: "a；", Tag: "党章", Difficulty: 1}, "answer"},
		{Question{Kind: "essay", Stem: "x", Answer: "a", Tag: "党章", Difficulty: 1}, "kind"},
		{Question{Kind: Judge, Stem: "x", Answer: "对", Tag: "", Difficulty: 1}, "tag"},
		{Question{Kind: Judge, Stem: "x", Answer: "对", Tag: "党章", Difficulty: 4}, "difficulty"},
		// Invisible characters: a stem that reads otherwise than it is stored.
		{Question{Kind: Judge, Stem: "党员\u202e必须", Answer: "对", Tag: "党章", Difficulty: 1}, "stem"},
		{Question{Kind: Judge, Stem: "x", Answer: "对", Tag: "党\u200b章", Difficulty: 1}, "tag"},
		{Question{Kind: Judge, Stem: "x", Answer: "对", Tag: "党章", Difficulty: 1, Explanation: "见\u2066党章"}, "explanation"},
		{Question{Kind: Single, Stem: "x", Options: []string{"a", "b\ufeffc"}, Answer: "A", Tag: "党章", Difficulty: 1}, "options"},
		{Question{Kind: Fill, Stem: "x（）", Answer: "北京\x00", Tag: "党章", Difficulty: 1}, "answer"},
	}
	for _, c := range bad {
		err := c.q.Normalize()
		var fe *fail.Error
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%+v: got %v, want an error on %s", c.q, err, c.field)
		}
	}
	// Line breaks stay allowed where a text has several lines.
	ok := Question{Kind: Judge, Stem: "第一行\n第二行", Answer: "对", Tag: "党章", Difficulty: 1, Explanation: "一\n二"}
	if err := ok.Normalize(); err != nil {
		t.Fatal(err)
	}
	msg := (&Question{Kind: Judge, Stem: "党员\u202e必须", Answer: "对", Tag: "党章", Difficulty: 1}).Normalize().Error()
	if !strings.HasPrefix(msg, "题干含有不可见的文字方向控制字符") {
		t.Errorf("message: %s", msg)
	}
}

func TestShuffleIsDeterministicAndGradesThroughIt(t *testing.T) {
	t.Parallel()
	q := mustQ(t, Question{ID: 7, Kind: Multi, Stem: "s", Options: []string{"a", "b", "c", "d", "e"}, Answer: "BD"})
	p1, p2 := Perm(99, 7, 5), Perm(99, 7, 5)
	if len(p1) != 5 {
		t.Fatal("perm length")
	}
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Fatal("same seed and question gave different orders")
		}
	}
	// Find the shown letters of the original B and D, and grade through the map.
	var shown []byte
	for i, orig := range p1 {
		if orig == 1 || orig == 3 {
			shown = append(shown, byte('A'+i))
		}
	}
	orig, err := ToOriginal(string(shown), p1)
	if err != nil || !q.Grade(orig) {
		t.Fatalf("shown %s → %s (%v), want graded correct", shown, orig, err)
	}
	differs := false
	for seed := int64(0); seed < 20 && !differs; seed++ {
		p := Perm(seed, 7, 5)
		for i := range p {
			if p[i] != p1[i] {
				differs = true
			}
		}
	}
	if !differs {
		t.Fatal("every seed gave the same order")
	}
}

func sheetOf(t *testing.T, rows [][]any) *bytes.Reader {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

func row(kind, stem string, opts []string, answer, tag, diff string) []any {
	r := []any{kind, stem}
	for i := 0; i < MaxOptions; i++ {
		o := ""
		if i < len(opts) {
			o = opts[i]
		}
		r = append(r, o)
	}
	return append(r, answer, tag, diff, "")
}

func TestParseSheetReportsEveryBadRow(t *testing.T) {
	t.Parallel()
	rows := [][]any{toAny(header),
		row("单选题", "好题一", []string{"甲", "乙"}, "A", "党章", "易"),
		row("问答题", "题型错", nil, "x", "党章", "易"),
		row("单选题", "答案越界", []string{"甲", "乙"}, "E", "党章", "易"),
		row("判断题", "难度错", nil, "对", "党史", "极难"),
		row("单选题", "好题一", []string{"丙", "丁"}, "B", "党章", "中"),
		row("多选题", "选项断档", []string{"甲", "", "丙"}, "AC", "理论", "难"),
		row("填空题", "好题二（）", nil, "答案|答", "理论", "2"),
	}
	_, _, err := ParseSheet(sheetOf(t, rows), 1)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an ImportError", err)
	}
	want := map[int]string{3: "题型", 4: "选项字母", 5: "难度", 6: "第 2 行", 7: "连续"}
	if len(ie.Rows) != len(want) {
		t.Fatalf("bad rows %+v, want rows %v", ie.Rows, want)
	}
	for _, r := range ie.Rows {
		if !strings.Contains(r.Message, want[r.Row]) {
			t.Errorf("row %d: %q should mention %q", r.Row, r.Message, want[r.Row])
		}
	}
	qs, nums, err := ParseSheet(sheetOf(t, [][]any{toAny(header), row("单选题", "好题一", []string{"甲", "乙"}, "A", "党章", "易"), {}, row("判断题", "好题三", nil, "错", "党史", "难")}), 1)
	if err != nil || len(qs) != 2 || nums[0] != 2 || nums[1] != 4 {
		t.Fatalf("good sheet: %v %v %v", qs, nums, err)
	}
	if _, _, err := ParseSheet(sheetOf(t, [][]any{{"姓名", "年龄"}}), 1); err == nil || !strings.Contains(err.Error(), "表头") {
		t.Fatalf("wrong header: %v", err)
	}
	if _, _, err := ParseSheet(strings.NewReader("not a workbook"), 1); err == nil || !strings.Contains(err.Error(), ".xlsx") {
		t.Fatalf("not a workbook: %v", err)
	}
}

func TestTemplateRoundTrips(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := Template(&b); err != nil {
		t.Fatal(err)
	}
	qs, _, err := ParseSheet(bytes.NewReader(b.Bytes()), 1)
	if err != nil || len(qs) != 2 {
		t.Fatalf("the template's own examples must import: %v %v", qs, err)
	}
	f, _ := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	dvs, _ := f.GetDataValidations(sheet)
	if len(dvs) != 3 {
		t.Fatalf("template has %d validations, want 3", len(dvs))
	}
}

func TestRankIndividualsTies(t *testing.T) {
	t.Parallel()
	got := RankIndividuals([]Entry{
		{PersonID: 1, Score: 80, UsedMs: 5000},
		{PersonID: 2, Score: 90, UsedMs: 9000},
		{PersonID: 3, Score: 80, UsedMs: 4000},
		{PersonID: 4, Score: 80, UsedMs: 5000},
		{PersonID: 5, Score: 70, UsedMs: 1000},
	})
	want := []struct {
		id   int64
		rank int
	}{{2, 1}, {3, 2}, {1, 3}, {4, 3}, {5, 5}}
	for i, w := range want {
		if got[i].PersonID != w.id || got[i].Rank != w.rank {
			t.Fatalf("position %d: got person %d rank %d, want person %d rank %d (%+v)", i, got[i].PersonID, got[i].Rank, w.id, w.rank, got)
		}
	}
	units := rankUnits([]UnitEntry{{OrgID: 1, AverageScore: 70}, {OrgID: 2, AverageScore: 85}, {OrgID: 3, AverageScore: 70}},
		func(u UnitEntry) float64 { return u.AverageScore })
	if units[0].OrgID != 2 || units[1].Rank != 2 || units[2].Rank != 2 {
		t.Fatalf("unit ranks %+v", units)
	}
}
