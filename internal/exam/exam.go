package exam

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"hongdun/internal/platform/web"
)

var shanghai = web.Shanghai

func fmtDay(ms int64) string { return time.UnixMilli(ms).In(shanghai).Format("2006-01-02") }

// Mode says how an exam runs.
type Mode string

const (
	ModeExam    Mode = "exam"    // 考试: pass line and retake rules
	ModeContest Mode = "contest" // 竞赛: a window with individual and unit leaderboards
	ModeDaily   Mode = "daily"   // 每日答题: points per correct answer, capped per day
)

// Label is the Chinese name of a mode.
func (m Mode) Label() string {
	return map[Mode]string{ModeExam: "考试", ModeContest: "知识竞赛", ModeDaily: "每日答题"}[m]
}

// Draw takes Count questions of a tag (and difficulty, 0 = any) at random.
type Draw struct {
	Tag        string `json:"tag"`
	Difficulty int    `json:"difficulty"`
	Count      int    `json:"count"`
}

// Exam is an exam, a contest or a daily challenge.
type Exam struct {
	ID          int64   `json:"id"`
	OrgID       int64   `json:"org_id"`
	OrgName     string  `json:"org_name,omitempty"`
	Mode        Mode    `json:"mode"`
	Title       string  `json:"title"`
	OpensAt     int64   `json:"opens_at"`
	ClosesAt    int64   `json:"closes_at"`
	DurationMin int     `json:"duration_min"`
	PassScore   int     `json:"pass_score"`
	MaxAttempts int     `json:"max_attempts"`
	MinSeconds  int     `json:"min_seconds"`
	DailyCap    int     `json:"daily_cap"`
	ScoreEach   int     `json:"score_each"`
	Rules       []Draw  `json:"rules"`
	Paper       []int64 `json:"paper,omitempty"` // a fixed paper: question ids in order
	Recurrence  string  `json:"recurrence"`      // "", "monthly" or "quarterly": one round per period
	Audience    string  `json:"audience"`        // one category (党务工作者…), or "" for everyone
	Review      bool    `json:"review"`          // after hand-in a member sees wrong answers, the right ones and the explanations
	Version     int     `json:"version"`
}

// Recurrences of a periodic exam, with their Chinese names.
var Recurrences = map[string]string{"": "不重复", "monthly": "每月一轮", "quarterly": "每季度一轮"}

// Audiences an exam may be limited to (the categories of training programs).
var Audiences = []string{"党务工作者", "支部书记", "支委委员", "民警党员", "辅警党员", "职工党员", "离退休党员"}

// Round is the period of a periodic exam containing t, clipped to the
// exam's window: [from, to) in unix ms, and its number (1 for the first).
// A one-off exam has a single round, its window.
func (e *Exam) Round(t time.Time) (from, to int64, n int) {
	if e.Recurrence == "" {
		return e.OpensAt, e.ClosesAt, 1
	}
	months := 1
	if e.Recurrence == "quarterly" {
		months = 3
	}
	start := func(ms int64) time.Time {
		l := time.UnixMilli(ms).In(shanghai)
		m := (int(l.Month())-1)/months*months + 1
		return time.Date(l.Year(), time.Month(m), 1, 0, 0, 0, 0, shanghai)
	}
	first, cur := start(e.OpensAt), start(t.UnixMilli())
	n = ((cur.Year()-first.Year())*12+int(cur.Month()-first.Month()))/months + 1
	return max(cur.UnixMilli(), e.OpensAt), min(cur.AddDate(0, months, 0).UnixMilli(), e.ClosesAt), n
}

// RoundLabel names the round containing t, e.g. "第 3 轮（2026-03-01 至 2026-03-31）".
func (e *Exam) RoundLabel(t time.Time) string {
	if e.Recurrence == "" {
		return ""
	}
	from, to, n := e.Round(t)
	return fmt.Sprintf("第 %d 轮（%s 至 %s）", n, fmtDay(from), fmtDay(to-1))
}

// Size is the number of questions of one attempt.
func (e *Exam) Size() int {
	if len(e.Paper) > 0 {
		return len(e.Paper)
	}
	n := 0
	for _, d := range e.Rules {
		n += d.Count
	}
	return n
}

// Total is the full score of one attempt (for a daily challenge, the cap).
func (e *Exam) Total() int {
	if e.Mode == ModeDaily && e.DailyCap > 0 {
		return min(e.DailyCap, e.Size()*e.ScoreEach)
	}
	return e.Size() * e.ScoreEach
}

// Check validates an exam's settings.
func (e *Exam) Check() error {
	e.Title = strings.TrimSpace(e.Title)
	switch {
	case e.Mode.Label() == "":
		return ferr("mode", "类型应为 exam（考试）、contest（知识竞赛）或 daily（每日答题）")
	case e.Title == "" || len([]rune(e.Title)) > 100:
		return ferr("title", "名称不能为空，且不超过 100 字")
	case e.OpensAt <= 0 || e.ClosesAt <= e.OpensAt:
		return ferr("closes_at", "结束时间应晚于开始时间")
	case e.DurationMin < 1 || e.DurationMin > 600:
		return ferr("duration_min", "答题时长应在 1 至 600 分钟之间")
	case e.ScoreEach < 1 || e.ScoreEach > 100:
		return ferr("score_each", "每题分值应在 1 至 100 之间")
	case e.MaxAttempts < 1 || e.MaxAttempts > 100:
		return ferr("max_attempts", "可作答次数应在 1 至 100 之间")
	case e.MinSeconds < 0 || e.MinSeconds > 600:
		return ferr("min_seconds", "每题最短用时应在 0 至 600 秒之间")
	case e.DailyCap < 0:
		return ferr("daily_cap", "每日积分上限不能为负数")
	case len(e.Paper) > 0 && len(e.Rules) > 0:
		return ferr("rules", "固定试卷与抽题规则只能选其一")
	case len(e.Paper) == 0 && len(e.Rules) == 0:
		return ferr("rules", "请指定固定试卷的题目，或按标签和难度设置抽题规则")
	case Recurrences[e.Recurrence] == "" && e.Recurrence != "":
		return ferr("recurrence", "重复方式应为 不重复、每月一轮 或 每季度一轮")
	case e.Recurrence != "" && e.Mode != ModeExam:
		return ferr("recurrence", "只有考试可以按月或按季度定期举行")
	case e.Audience != "" && !slices.Contains(Audiences, e.Audience):
		return ferr("audience", "参加对象应为：全体党员，或 %s 之一", strings.Join(Audiences, "、"))
	}
	for i, d := range e.Rules {
		if strings.TrimSpace(d.Tag) == "" || d.Count < 1 || d.Count > 200 || (d.Difficulty != 0 && Difficulties[d.Difficulty] == "") {
			return ferr("rules", "第 %d 条抽题规则无效：需要标签、1 至 200 道题、难度 0（不限）或 1–3", i+1)
		}
	}
	seen := map[int64]bool{}
	for _, id := range e.Paper {
		if seen[id] {
			return ferr("paper", "固定试卷中题目 %d 重复", id)
		}
		seen[id] = true
	}
	if e.Size() > 200 {
		return ferr("rules", "每份试卷最多 200 道题")
	}
	if e.PassScore < 0 || e.PassScore > e.Total() {
		return ferr("pass_score", "及格分应在 0 至满分 %d 之间", e.Total())
	}
	return nil
}

func (e *Exam) rulesJSON() string {
	b, _ := json.Marshal(e.Rules)
	return string(b)
}

// Open reports whether t lies in the exam's window.
func (e *Exam) Open(t time.Time) bool {
	ms := t.UnixMilli()
	return ms >= e.OpensAt && ms < e.ClosesAt
}

// Ended reports whether the exam's window has closed at t.
func (e *Exam) Ended(t time.Time) bool { return t.UnixMilli() >= e.ClosesAt }
