package exam

import (
	"hongdun/internal/platform/web"
)

const tag = "考试竞赛"

// Routes are the exam, contest and question-bank endpoints and pages.
func (s *Service) Routes() []web.Route {
	qEx := map[string]any{"org_id": 1, "kind": "single", "stem": "党的最高领导机关是（　）。", "options": []string{"党的全国代表大会和它所产生的中央委员会", "中央政治局"},
		"answer": "A", "tag": "党章", "difficulty": 1, "explanation": "党章第十条"}
	eEx := map[string]any{"org_id": 1, "mode": "contest", "title": "全市公安机关党章党规知识竞赛", "opens_at": 1767225600000, "closes_at": 1767830400000,
		"duration_min": 20, "pass_score": 60, "max_attempts": 1, "min_seconds": 2, "daily_cap": 0, "score_each": 5,
		"rules": []Draw{{Tag: "党章", Difficulty: 0, Count: 10}, {Tag: "准则条例", Difficulty: 2, Count: 10}}}
	rs := []web.Route{
		{Method: "GET", Pattern: "/api/v1/exams/bank/questions", Perm: web.PartyRead, Handler: s.apiQuestions, Doc: &web.Doc{Tag: tag, Summary: "题库列表（本单位及上级共享的题目）",
			Query: []web.Param{{Name: "org", Description: "只看该组织及下级"}, {Name: "tag", Description: "标签"}, {Name: "kind", Description: "single|multi|judge|fill"}, {Name: "difficulty", Description: "1–3"}, {Name: "q", Description: "题干关键字"}, {Name: "page"}, {Name: "per_page"}}}},
		{Method: "POST", Pattern: "/api/v1/exams/bank/questions", Perm: web.PartyWrite, Handler: s.apiCreateQuestion, Doc: &web.Doc{Tag: tag, Summary: "新增题目（重复题干返回 409）", Body: qEx, Reply: map[string]int{"id": 1}}},
		{Method: "GET", Pattern: "/api/v1/exams/bank/questions/{id}", Perm: web.PartyRead, Handler: web.Show(s.GetQuestion), Doc: &web.Doc{Tag: tag, Summary: "题目详情"}},
		{Method: "PUT", Pattern: "/api/v1/exams/bank/questions/{id}", Perm: web.PartyWrite, Handler: s.apiUpdateQuestion, Doc: &web.Doc{Tag: tag, Summary: "修改题目（需带 version，冲突返回 409）", Body: qEx}},
		{Method: "GET", Pattern: "/api/v1/exams/bank/template", Perm: web.PartyRead, Handler: s.apiTemplate, Doc: &web.Doc{Tag: tag, Summary: "下载题库导入模板（.xlsx，含下拉校验）"}},
		{Method: "POST", Pattern: "/api/v1/exams/bank/import", Perm: web.PartyWrite, Handler: s.apiImport, Doc: &web.Doc{Tag: tag,
			Summary: "导入题库（multipart：org_id、file）；全部成功或全部不导入，逐行报告错误", Reply: map[string]int{"imported": 120}}},
		{Method: "GET", Pattern: "/api/v1/exams/bank/export", Perm: web.PartyRead, Handler: s.apiExport, Doc: &web.Doc{Tag: tag, Summary: "导出题库（.xlsx，与模板同格式；导出留痕）"}},
		{Method: "GET", Pattern: "/api/v1/exams", Perm: web.PartyView, Handler: s.apiExams, Doc: &web.Doc{Tag: tag, Summary: "考试、竞赛与每日答题列表（党员看到本组织及上级发布的）",
			Query: []web.Param{{Name: "mode", Description: "exam|contest|daily"}, {Name: "org", Description: "只看该组织及下级（组织者）"}}}},
		{Method: "POST", Pattern: "/api/v1/exams", Perm: web.PartyWrite, Handler: s.apiCreateExam, Doc: &web.Doc{Tag: tag, Summary: "发布考试或竞赛：固定试卷（paper）或按标签和难度抽题（rules）", Body: eEx, Reply: map[string]int{"id": 1}}},
		{Method: "GET", Pattern: "/api/v1/exams/{id}", Perm: web.PartyView, Handler: web.Show(s.GetExam), Doc: &web.Doc{Tag: tag, Summary: "考试详情"}},
		{Method: "GET", Pattern: "/api/v1/exams/{id}/leaderboard", Perm: web.PartyView, Handler: s.apiLeaderboard, Doc: &web.Doc{Tag: tag,
			Summary: "实时排行榜：个人（得分、用时）与单位（平均分、参与率）；党员另见本人成绩与名次（mine），考试只见本人成绩，竞赛榜不含人员编号",
			Query:   []web.Param{{Name: "top", Description: "个人榜条数，默认 50，最多 100"}}}},
		{Method: "GET", Pattern: "/api/v1/exams/{id}/stats", Perm: web.PartyRead, Handler: s.apiStats, Doc: &web.Doc{Tag: tag, Summary: "逐题错误率（组织者）"}},
		{Method: "POST", Pattern: "/api/v1/exams/{id}/start", Perm: web.PartyView, Handler: s.apiStart, Doc: &web.Doc{Tag: tag,
			Summary: "党员开始或在本设备继续作答；返回设备令牌，其他设备的令牌随即失效", Reply: Started{AttemptID: 1, DeviceToken: "…", DeadlineAt: 1767226800000}}},
		{Method: "GET", Pattern: "/api/v1/exams/attempts/{id}/sheet", Perm: web.PartyView, Handler: web.Show(s.Sheet), Doc: &web.Doc{Tag: tag, Summary: "本人作答的答题卡（选项按本人顺序）"}},
		{Method: "POST", Pattern: "/api/v1/exams/attempts/{id}/answers", Perm: web.PartyView, Handler: s.apiAnswer, Doc: &web.Doc{Tag: tag,
			Summary: "提交一题答案（请求头 X-Device-Token；同一题重复提交只计一次）", Body: Response{QuestionID: 12, Answer: "AC"}, Reply: Recorded{Recorded: true, Points: 10}}},
		{Method: "POST", Pattern: "/api/v1/exams/attempts/{id}/submit", Perm: web.PartyView, Handler: s.apiSubmit, Doc: &web.Doc{Tag: tag, Summary: "交卷并评分",
			Reply: Result{AttemptID: 1, Score: 85, Total: 100, Correct: 17, Questions: 20, Passed: true}}},
	}
	return append(rs, s.pages()...)
}
