// Package exam holds the question bank, exams, contests and daily
// challenges: papers drawn by rules, timed attempts held by the server,
// automatic grading, leaderboards, and a group-commit answer path that
// carries a city-wide contest.
package exam

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
)

// Kind is a question type.
type Kind string

const (
	Single Kind = "single" // 单选题
	Multi  Kind = "multi"  // 多选题
	Judge  Kind = "judge"  // 判断题
	Fill   Kind = "fill"   // 填空题
)

// Kinds lists the types in display order.
var Kinds = []Kind{Single, Multi, Judge, Fill}

// Label is the Chinese name of a kind.
func (k Kind) Label() string {
	return map[Kind]string{Single: "单选题", Multi: "多选题", Judge: "判断题", Fill: "填空题"}[k]
}

// KindByLabel maps a Chinese name (or the code) to a kind.
func KindByLabel(s string) (Kind, bool) {
	s = strings.TrimSpace(s)
	if k, ok := kindNames[s]; ok {
		return k, true
	}
	for _, k := range Kinds {
		if s == string(k) || s == k.Label() || s+"题" == k.Label() {
			return k, true
		}
	}
	return "", false
}

// kindNames are the other names question banks give the kinds.
var kindNames = map[string]Kind{"单项选择题": Single, "单项选择": Single, "多项选择题": Multi, "多项选择": Multi,
	"是非题": Judge, "判断": Judge}

// Tags are the suggested tags; others are allowed.
var Tags = []string{"党章", "准则条例", "党史", "理论", "公安业务", "党纪法规", "时事政治"}

// Difficulty labels, 1 to 3.
var Difficulties = map[int]string{1: "易", 2: "中", 3: "难"}

// MaxOptions is the number of letters A–H.
const MaxOptions = 8

// Question is one item of the bank.
type Question struct {
	ID          int64    `json:"id"`
	OrgID       int64    `json:"org_id"`
	Kind        Kind     `json:"kind"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options"`
	Answer      string   `json:"answer"`
	Tag         string   `json:"tag"`
	Difficulty  int      `json:"difficulty"`
	Explanation string   `json:"explanation"`
	Version     int      `json:"version"`
}

// ferr refuses a malformed field.
func ferr(field, format string, a ...any) error {
	return fail.Malformed(field, fmt.Sprintf(format, a...))
}

// Normalize canonicalises a question in place and checks it. The answer may
// be given loosely ("a,c", "对", "北京|北平；1921"); it is stored canonically.
func (q *Question) Normalize() error {
	q.Stem = strings.TrimSpace(q.Stem)
	q.Tag = strings.TrimSpace(q.Tag)
	q.Explanation = strings.TrimSpace(q.Explanation)
	for _, f := range []struct{ field, msg string }{
		{"stem", plaintext.Lines("题干", q.Stem)},
		{"tag", plaintext.Line("标签", q.Tag)},
		{"explanation", plaintext.Lines("解析", q.Explanation)},
		{"answer", plaintext.Line("答案", q.Answer)},
	} {
		if f.msg != "" {
			return ferr(f.field, "%s", f.msg)
		}
	}
	for i, o := range q.Options {
		if msg := plaintext.Line(fmt.Sprintf("选项%c", 'A'+rune(i%26)), strings.TrimSpace(o)); msg != "" {
			return ferr("options", "%s", msg)
		}
	}
	if q.Stem == "" {
		return ferr("stem", "题干不能为空")
	}
	if len([]rune(q.Stem)) > 2000 {
		return ferr("stem", "题干过长（不超过 2000 字）")
	}
	if q.Tag == "" {
		return ferr("tag", "标签不能为空（如 党章、准则条例、党史、理论、公安业务）")
	}
	if len([]rune(q.Tag)) > 20 {
		return ferr("tag", "标签过长（不超过 20 字）")
	}
	if Difficulties[q.Difficulty] == "" {
		return ferr("difficulty", "难度应为 1（易）、2（中）或 3（难）")
	}
	var opts []string
	for _, o := range q.Options {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	q.Options = opts
	switch q.Kind {
	case Single, Multi:
		if len(opts) < 2 || len(opts) > MaxOptions {
			return ferr("options", "%s应有 2 至 8 个选项，现有 %d 个", q.Kind.Label(), len(opts))
		}
		letters, err := parseLetters(q.Answer, len(opts))
		if err != nil {
			return err
		}
		if q.Kind == Single && len(letters) != 1 {
			return ferr("answer", "单选题的答案应为一个选项字母，如 B")
		}
		if q.Kind == Multi && len(letters) < 2 {
			return ferr("answer", "多选题的答案应至少包含两个选项字母，如 ACD")
		}
		q.Answer = letters
	case Judge:
		q.Options = nil
		v, ok := judgeValue(q.Answer)
		if !ok {
			return ferr("answer", "判断题的答案“%s”无法识别：应为“对”或“错”（也可写 √、×、正确、错误）", q.Answer)
		}
		q.Answer = v
	case Fill:
		q.Options = nil
		blanks, err := parseBlanks(q.Answer)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(blanks)
		q.Answer = string(b)
	default:
		return ferr("kind", "题型应为 单选题、多选题、判断题 或 填空题")
	}
	return nil
}

// parseLetters turns "a, c" into "AC", checking each letter is an option.
func parseLetters(s string, n int) (string, error) {
	seen := map[rune]bool{}
	for _, r := range strings.ToUpper(width.Fold.String(s)) {
		switch {
		case r >= 'A' && r < 'A'+rune(n):
			seen[r] = true
		case r == ',' || r == '、' || unicode.IsSpace(r):
		default:
			return "", ferr("answer", "答案 %q 不是有效的选项字母（应在 A 至 %c 之间）", s, 'A'+rune(n-1))
		}
	}
	if len(seen) == 0 {
		return "", ferr("answer", "答案不能为空")
	}
	var out []rune
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return string(out), nil
}

// parseBlanks reads a fill-in answer: blanks separated by "；" or ";",
// accepted alternatives within a blank by "|" or "｜". A JSON array of
// arrays (the stored form) is accepted too.
func parseBlanks(s string) ([][]string, error) {
	var stored [][]string
	if strings.HasPrefix(strings.TrimSpace(s), "[") && json.Unmarshal([]byte(s), &stored) == nil {
		s = ""
		for i, b := range stored {
			if i > 0 {
				s += ";"
			}
			s += strings.Join(b, "|")
		}
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "；", ";"), "｜", "|")
	var out [][]string
	for _, part := range strings.Split(s, ";") {
		var alts []string
		for _, a := range strings.Split(part, "|") {
			if a = strings.TrimSpace(a); a != "" {
				alts = append(alts, a)
			}
		}
		if len(alts) == 0 {
			return nil, ferr("answer", "填空题每个空都要有答案（多个空用“；”分隔，同一空的可接受答案用“|”分隔）")
		}
		out = append(out, alts)
	}
	if len(out) > 10 {
		return nil, ferr("answer", "填空题最多 10 个空")
	}
	return out, nil
}

// Blanks is the number of blanks of a fill-in question.
func (q *Question) Blanks() int {
	var b [][]string
	_ = json.Unmarshal([]byte(q.Answer), &b) // checked by Normalize and when read (scanQuestion)
	return len(b)
}

// StemKey is the normalised stem used to detect duplicates: full-width
// folded, lower case, without spaces and punctuation.
func StemKey(stem string) string {
	var b strings.Builder
	for _, r := range width.Fold.String(strings.ToLower(stem)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fold normalises a fill-in response for comparison.
func fold(s string) string { return StemKey(s) }

// Grade reports whether a response (in canonical form, original letters)
// is right. Choice questions are all or nothing.
func (q *Question) Grade(resp string) bool {
	switch q.Kind {
	case Single, Multi:
		got, err := parseLetters(resp, len(q.Options))
		return err == nil && got == q.Answer
	case Judge:
		v, ok := judgeValue(resp)
		return ok && v == q.Answer
	case Fill:
		var want [][]string
		if json.Unmarshal([]byte(q.Answer), &want) != nil {
			return false
		}
		var got []string
		if json.Unmarshal([]byte(resp), &got) != nil || len(got) != len(want) {
			return false
		}
		for i, alts := range want {
			ok := false
			for _, a := range alts {
				if fold(a) == fold(got[i]) && fold(a) != "" {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	return false
}

// judgeValue reads a true/false answer written in any usual way.
func judgeValue(s string) (string, bool) {
	switch strings.TrimSpace(strings.ToUpper(s)) {
	case "T", "对", "正确", "√", "是", "TRUE", "Y":
		return "T", true
	case "F", "错", "错误", "×", "否", "FALSE", "N":
		return "F", true
	}
	return "", false
}

// Perm is the option order shown in one attempt: shown position i holds
// original option Perm[i]. It depends only on the attempt's seed and the
// question, so a reload shows the same order.
func Perm(seed, questionID int64, n int) []int {
	return rand.New(rand.NewPCG(uint64(seed), uint64(questionID))).Perm(n)
}

// ToOriginal maps shown letters back to the original letters.
func ToOriginal(shown string, perm []int) (string, error) {
	letters, err := parseLetters(shown, len(perm))
	if err != nil {
		return "", err
	}
	out := make([]byte, 0, len(letters))
	for _, r := range letters {
		out = append(out, byte('A'+perm[r-'A']))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return string(out), nil
}
