package branchfacts

import "fmt"

// Source is a rate in [0, 1] read from a branch's facts, and the sentence
// that says what it counted (so a score can be checked by hand).
type Source struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Rate  func(f *Facts) float64
	Basis func(f *Facts) string
}

// Sources are the rates the platform computes from its own records.
var Sources = []Source{
	{"life.compliance", "组织生活按期开展率（三会一课、主题党日等）", func(f *Facts) float64 { return f.Life.Rate() },
		func(f *Facts) string {
			return fmt.Sprintf("已按期开展 %d 期，逾期未开展 %d 期，进行中 %d 期", f.Life.Done, f.Life.Overdue, f.Life.Due)
		}},
	{"training.coverage", "党员学时达标率", func(f *Facts) float64 { return ratio(f.Trained, f.Trainees, 0) },
		func(f *Facts) string {
			return fmt.Sprintf("%d 名党员中 %d 名完成本年度学时", f.Trainees, f.Trained)
		}},
	{"develop.timeliness", "发展党员按时办理率", func(f *Facts) float64 { return f.Dev.OnTime() },
		func(f *Facts) string {
			return fmt.Sprintf("在办发展党员 %d 人，超过办理时限 %d 人", f.Dev.Open, f.Dev.Overdue)
		}},
	{"task.completion", "上级任务完成率（逾期完成计一半）", func(f *Facts) float64 {
		if f.TaskDue == 0 {
			return 1
		}
		return f.TaskScore / 100
	}, func(f *Facts) string {
		return fmt.Sprintf("到期任务 %d 项，加权完成率 %.1f%%", f.TaskDue, f.TaskScore)
	}},
	{"exam.average", "考试平均得分率", func(f *Facts) float64 { return f.Exam.Rate() },
		func(f *Facts) string {
			return fmt.Sprintf("本年度考试交卷 %d 人次，平均得分率 %.1f%%", f.Exam.Attempts, 100*f.Exam.Rate())
		}},
	{"org.committee", "班子健全", func(f *Facts) float64 { return all(f.Seats.Complete(f.Full)) },
		func(f *Facts) string {
			return fmt.Sprintf("正式党员 %d 名，现任班子成员 %d 名，%s", f.Full, f.Seats.Committee, map[bool]string{true: "班子健全", false: "班子不健全"}[f.Seats.Complete(f.Full)])
		}},
	{"org.secretary", "书记在岗", func(f *Facts) float64 { return all(f.Seats.Secretary) },
		func(f *Facts) string {
			if f.Seats.Secretary {
				return "书记在岗"
			}
			return "书记空缺（自 " + f.Seats.VacantSince + " 起）"
		}},
}

// SourceOf finds a source by its code.
func SourceOf(code string) (Source, bool) {
	for _, s := range Sources {
		if s.Code == code {
			return s, true
		}
	}
	return Source{}, false
}

// ratio is n/d, or empty when d is 0.
func ratio(n, d int, empty float64) float64 {
	if d == 0 {
		return empty
	}
	return float64(n) / float64(d)
}

// all is the rate of a yes-or-no measure: 1 when it holds, else 0.
func all(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
