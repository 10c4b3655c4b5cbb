package exam

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"hongdun/internal/roster/sheettest"
)

// The question banks offices really keep, each built here: every one must
// read as the same two questions, or be refused saying what to do.

func bankRows() [][]string {
	return [][]string{
		{"单选题", "党的最高领导机关是（　）。", "党的全国代表大会和它所产生的中央委员会", "中央政治局", "", "", "", "", "", "", "A", "党章", "易", ""},
		{"判断题", "党员有权参加党的有关会议。", "", "", "", "", "", "", "", "", "对", "党章", "中", "党章第四条"},
	}
}

func bankOutcome(qs []Question, nums []int, err error) string {
	if err != nil {
		if ie, ok := err.(*ImportError); ok {
			return fmt.Sprintf("拒绝：%s %+v", err, ie.Rows)
		}
		return "拒绝：" + err.Error()
	}
	return fmt.Sprintf("%d 题（第 %v 行）", len(qs), nums)
}

func twoQuestions(t *testing.T, qs []Question, nums []int, err error) {
	t.Helper()
	if err != nil || len(qs) != 2 {
		t.Fatalf("got %s, want the two questions", bankOutcome(qs, nums, err))
	}
	if qs[0].Kind != Single || qs[0].Stem != "党的最高领导机关是（　）。" || qs[0].Answer != "A" || qs[0].Difficulty != 1 ||
		qs[1].Kind != Judge || qs[1].Answer != "T" || qs[1].Difficulty != 2 || qs[1].Explanation != "党章第四条" {
		t.Fatalf("read %+v", qs)
	}
}

func refusedSaying(says ...string) func(t *testing.T, qs []Question, nums []int, err error) {
	return func(t *testing.T, qs []Question, nums []int, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("got %s, want a refusal", bankOutcome(qs, nums, err))
		}
		for _, s := range says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("refusal %q does not say %q", err, s)
			}
		}
	}
}

func TestBankShapes(t *testing.T) {
	t.Parallel()
	title := []string{"XX市公安局党建知识题库"}
	with := func(head []string, rows [][]string, above ...[]string) [][]any {
		return sheettest.Texts(append(append(above, head), rows...)...)
	}
	xlsx := func(t *testing.T, opt sheettest.Options, sheets ...sheettest.Sheet) []byte {
		return sheettest.XLSX(t, opt, sheets...)
	}
	cases := []struct {
		name  string
		file  func(t *testing.T) []byte
		check func(t *testing.T, qs []Question, nums []int, err error)
	}{
		{"标题行（合并单元格）在表头上方", func(t *testing.T) []byte {
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "题库", Rows: with(header, bankRows(), title, []string{"出题单位：政治处"}),
				Merge: [][2]string{{"A1", "N1"}}})
		}, twoQuestions},
		{"列名变体与顺序不同：题目、正确答案、难易程度、选项 A、单项选择题", func(t *testing.T) []byte {
			head := []string{"序号", "题目类型*", "题目", "选项 A", "选项 B", "正确答案*", "难易程度", "分类", "答案解析"}
			rows := [][]string{
				{"1", "单项选择题", "党的最高领导机关是（　）。", "党的全国代表大会和它所产生的中央委员会", "中央政治局", "a", "易", "党章", ""},
				{"2", "判断题", "党员有权参加党的有关会议。", "", "", "√", "中", "党章", "党章第四条"},
			}
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "Sheet1", Rows: with(head, rows)})
		}, twoQuestions},
		{"说明工作表在前，表尾有填表说明，中间空行", func(t *testing.T) []byte {
			notes := sheettest.Sheet{Name: "说明", Rows: sheettest.Texts([]string{"填表说明"}, []string{"题型填单选题、多选题、判断题或填空题"})}
			rows := bankRows()
			rows = [][]string{rows[0], {}, rows[1], {"填表说明：答案填选项字母。"}, {"合计", "2题"}}
			return xlsx(t, sheettest.Options{}, notes, sheettest.Sheet{Name: "题库", Rows: with(header, rows)})
		}, twoQuestions},
		{"单元格两端空格、不可见字符；难度为数字", func(t *testing.T) []byte {
			rows := bankRows()
			rows[0][0], rows[0][10], rows[0][12] = " 单选题\u00a0", "A\u200b", "1"
			rows[1][0], rows[1][10] = "\ufeff判断题", "对\u3000"
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "题库", Rows: with(header, rows)})
		}, twoQuestions},
		{"公式：读取缓存的值", func(t *testing.T) []byte {
			rows := with(header, bankRows())
			rows[1][10] = sheettest.Formula{Expr: `CHAR(65)`, Cached: "A"}
			return sheettest.Raw(t, rows, 0)
		}, twoQuestions},
		{"CSV：GBK，逗号分隔", func(t *testing.T) []byte {
			return sheettest.CSV(t, sheettest.GBK, ',', append([][]string{title, header}, bankRows()...))
		}, twoQuestions},
		{"Unicode 文本（UTF-16LE，制表符分隔）", func(t *testing.T) []byte {
			return sheettest.CSV(t, sheettest.UTF16LE, '\t', append([][]string{header}, bankRows()...))
		}, twoQuestions},
		{"表头缺少答案列", func(t *testing.T) []byte {
			head := append([]string{}, header...)
			head[colAnswer] = "参考"
			return xlsx(t, sheettest.Options{}, sheettest.Sheet{Name: "题库", Rows: with(head, bankRows())})
		}, refusedSaying("没有“答案”列")},
		{"改名为 .xlsx 的 Word 文档", func(t *testing.T) []byte { return sheettest.Docx(t) }, refusedSaying("Word", ".xlsx")},
		{"空文件", func(t *testing.T) []byte { return nil }, refusedSaying("空")},
		{"设有打开密码的 .xlsx", func(t *testing.T) []byte {
			return xlsx(t, sheettest.Options{Password: "123"}, sheettest.Sheet{Name: "题库", Rows: with(header, bankRows())})
		}, refusedSaying("密码")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := os.Open(sheettest.File(t, "题库.xlsx", c.file(t)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			qs, nums, err := ParseSheet(f, 1)
			t.Logf("%s → %s", c.name, bankOutcome(qs, nums, err))
			c.check(t, qs, nums, err)
		})
	}
}
