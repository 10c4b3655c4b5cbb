package exam

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

// The organiser's forms: the question bank, new and edited questions, and
// new exams, contests, daily challenges and periodic exams. A refused form
// is shown again with what was typed and the reason in Chinese.

// formInt reads an integer field; empty reads as def.
func formInt(r *http.Request, field, label string, def int) (int, error) {
	v := strings.TrimSpace(r.FormValue(field))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, ferr(field, "%s应为整数", label)
	}
	return n, nil
}

// formTime reads a datetime-local field as Shanghai time.
func formTime(r *http.Request, field, label string) (int64, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(r.FormValue(field)), shanghai)
	if err != nil {
		return 0, ferr(field, "请填写%s（日期和时间）", label)
	}
	return t.UnixMilli(), nil
}

func localInput(ms int64) string { return time.UnixMilli(ms).In(shanghai).Format("2006-01-02T15:04") }

func formID(r *http.Request, field string) int64 {
	id, _ := strconv.ParseInt(r.FormValue(field), 10, 64)
	return id
}

// --- question bank ---

func (s *Service) pageBank(w http.ResponseWriter, r *http.Request) error {
	return s.renderBank(w, r, nil, nil)
}

func (s *Service) renderBank(w http.ResponseWriter, r *http.Request, failed error, rows []RowError) error {
	p := web.Principal(r)
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	f.Per = 100
	qs, total, err := s.ListQuestions(r.Context(), p, f)
	var orgs []org.Org
	if err == nil && p.Writes() {
		orgs, err = org.Choices(r.Context(), s.DB, scope.Of(p))
	}
	if err != nil {
		return err
	}
	mine := map[int64]bool{}
	for _, o := range orgs {
		mine[o.ID] = true
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, bankPage, map[string]any{"Questions": qs, "Total": total, "Mine": mine, "Orgs": orgs,
		"Kinds": Kinds, "Tags": Tags, "Difficulties": Difficulties, "Rows": rows}, failed)
}

func (s *Service) pageImport(w http.ResponseWriter, r *http.Request) error {
	n, err := s.importUpload(w, r)
	var ie *ImportError
	switch {
	case errors.As(err, &ie):
		if err := s.renderBank(w, r, fail.NotAllowed("file", ie.Error()), ie.Rows); err != nil {
			return err
		}
	case err != nil:
		if err := s.renderBank(w, r, err, nil); err != nil {
			return err
		}
	default:
		http.Redirect(w, r, "/exams/bank?ok="+url.QueryEscape(fmt.Sprintf("已导入 %d 道题", n)), http.StatusSeeOther)
	}
	return nil
}

type questionForm struct {
	Form  url.Values
	ID    int64
	Orgs  []org.Org
	Kinds []Kind
	Tags  []string
	Diffs map[int]string
}

func (s *Service) renderQuestionForm(w http.ResponseWriter, r *http.Request, id int64, form url.Values, failed error) error {
	orgs, err := org.Choices(r.Context(), s.DB, scope.Of(web.Principal(r)))
	if err != nil {
		return err
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, questionFormPage, questionForm{Form: form, ID: id, Orgs: orgs, Kinds: Kinds, Tags: Tags, Diffs: Difficulties}, failed)
}

func (s *Service) pageNewQuestion(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	return s.renderQuestionForm(w, r, 0, url.Values{"org_id": {strconv.FormatInt(p.OrgID, 10)}, "kind": {string(Single)}, "difficulty": {"1"}}, nil)
}

func questionOf(r *http.Request) Question {
	var opts []string
	for _, line := range strings.Split(r.FormValue("options"), "\n") {
		opts = append(opts, strings.TrimSpace(line))
	}
	diff, _ := strconv.Atoi(r.FormValue("difficulty"))
	version, _ := strconv.Atoi(r.FormValue("version"))
	return Question{OrgID: formID(r, "org_id"), Kind: Kind(r.FormValue("kind")), Stem: r.FormValue("stem"), Options: opts, Answer: r.FormValue("answer"),
		Tag: r.FormValue("tag"), Difficulty: diff, Explanation: r.FormValue("explanation"), Version: version}
}

func (s *Service) pageCreateQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	id, err := s.CreateQuestion(r.Context(), web.Principal(r), questionOf(r))
	if err != nil {
		return s.formFailed(w, r, err, func() error { return s.renderQuestionForm(w, r, 0, r.PostForm, err) })
	}
	http.Redirect(w, r, "/exams/bank?ok="+url.QueryEscape(fmt.Sprintf("已添加题目（编号 %d）", id)), http.StatusSeeOther)
	return nil
}

// formFailed shows a 404 as the error page (nothing to re-show outside the
// caller's scope) and re-shows the form for anything else.
func (s *Service) formFailed(w http.ResponseWriter, r *http.Request, err error, reshow func() error) error {
	if fail.IsNotFound(err) {
		return err
	}
	return reshow()
}

// editable loads a question the caller may change: its owner is in their subtree.
func (s *Service) editable(r *http.Request) (*Question, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	q, err := s.GetQuestion(r.Context(), web.Principal(r), id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(r.Context(), s.DB, web.Principal(r), q.OrgID); err != nil {
		return nil, err
	}
	return q, nil
}

func (s *Service) pageEditQuestion(w http.ResponseWriter, r *http.Request) error {
	q, err := s.editable(r)
	if err != nil {
		return err
	}
	return s.renderQuestionForm(w, r, q.ID, url.Values{"org_id": {strconv.FormatInt(q.OrgID, 10)}, "kind": {string(q.Kind)}, "stem": {q.Stem},
		"options": {strings.Join(q.Options, "\n")}, "answer": {DisplayAnswer(q)}, "tag": {q.Tag}, "difficulty": {strconv.Itoa(q.Difficulty)},
		"explanation": {q.Explanation}, "version": {strconv.Itoa(q.Version)}}, nil)
}

func (s *Service) pageUpdateQuestion(w http.ResponseWriter, r *http.Request) error {
	old, err := s.editable(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	q := questionOf(r)
	q.ID, q.OrgID = old.ID, old.OrgID
	if err := s.UpdateQuestion(r.Context(), web.Principal(r), q); err != nil {
		return s.formFailed(w, r, err, func() error { return s.renderQuestionForm(w, r, old.ID, r.PostForm, err) })
	}
	http.Redirect(w, r, "/exams/bank?ok="+url.QueryEscape(fmt.Sprintf("已保存题目（编号 %d）", old.ID)), http.StatusSeeOther)
	return nil
}

// --- exams ---

// ruleRows is how many draw rules the exam form offers.
const ruleRows = 4

type ruleRow struct{ Tag, Difficulty, Count string }

type examForm struct {
	Form        url.Values
	Orgs        []org.Org
	Questions   []*Question
	Picked      map[int64]bool
	Rules       []ruleRow
	Tags        []string
	Diffs       map[int]string
	Recurrences map[string]string
	Audiences   []string
}

// examDefaults prefill the form for each kind of exam the list offers.
func (s *Service) examDefaults(p *auth.Principal, kind string) url.Values {
	now := s.Now().In(shanghai)
	start := now.Truncate(time.Hour).Add(time.Hour)
	v := url.Values{"org_id": {strconv.FormatInt(p.OrgID, 10)}, "mode": {string(ModeExam)}, "opens_at": {localInput(start.UnixMilli())},
		"closes_at": {localInput(start.AddDate(0, 0, 7).UnixMilli())}, "duration_min": {"30"}, "score_each": {"5"}, "pass_score": {"60"},
		"max_attempts": {"2"}, "min_seconds": {"2"}, "daily_cap": {"0"}, "paper_kind": {"rules"}}
	switch kind {
	case "contest":
		v.Set("mode", string(ModeContest))
		v.Set("max_attempts", "1")
		v.Set("pass_score", "0")
	case "daily":
		v.Set("mode", string(ModeDaily))
		v.Set("duration_min", "10")
		v.Set("max_attempts", "1")
		v.Set("pass_score", "0")
		v.Set("daily_cap", "50")
		v.Set("closes_at", localInput(start.AddDate(0, 1, 0).UnixMilli()))
	case "periodic":
		v.Set("recurrence", "monthly")
		v.Set("audience", "党务工作者")
		v.Set("closes_at", localInput(time.Date(now.Year()+1, 1, 1, 0, 0, 0, 0, shanghai).UnixMilli()))
	}
	return v
}

func (s *Service) renderExamForm(w http.ResponseWriter, r *http.Request, form url.Values, failed error) error {
	p := web.Principal(r)
	orgs, err := org.Choices(r.Context(), s.DB, scope.Of(p))
	var qs []*Question
	if err == nil {
		qs, _, err = s.ListQuestions(r.Context(), p, Filter{Per: 200})
	}
	if err != nil {
		return err
	}
	picked := map[int64]bool{}
	for _, v := range form["paper"] {
		id, _ := strconv.ParseInt(v, 10, 64)
		picked[id] = true
	}
	rules := make([]ruleRow, ruleRows)
	for i := range rules {
		rules[i] = ruleRow{Tag: at(form["rule_tag"], i), Difficulty: at(form["rule_difficulty"], i), Count: at(form["rule_count"], i)}
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, examFormPage, examForm{Form: form, Orgs: orgs, Questions: qs, Picked: picked, Rules: rules,
		Tags: Tags, Diffs: Difficulties, Recurrences: Recurrences, Audiences: Audiences}, failed)
}

func at(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}

func (s *Service) pageNewExam(w http.ResponseWriter, r *http.Request) error {
	return s.renderExamForm(w, r, s.examDefaults(web.Principal(r), r.URL.Query().Get("kind")), nil)
}

// examOf reads the exam form.
func examOf(r *http.Request) (Exam, error) {
	e := Exam{OrgID: formID(r, "org_id"), Mode: Mode(r.FormValue("mode")), Title: r.FormValue("title"),
		Recurrence: r.FormValue("recurrence"), Audience: r.FormValue("audience"), Review: r.FormValue("review") == "1"}
	var err error
	ints := []struct {
		p            *int
		field, label string
	}{{&e.DurationMin, "duration_min", "答题时长"}, {&e.ScoreEach, "score_each", "每题分值"}, {&e.PassScore, "pass_score", "及格分"},
		{&e.MaxAttempts, "max_attempts", "可作答次数"}, {&e.MinSeconds, "min_seconds", "每题最短用时"}, {&e.DailyCap, "daily_cap", "每日积分上限"}}
	for _, f := range ints {
		if *f.p, err = formInt(r, f.field, f.label, 0); err != nil {
			return e, err
		}
	}
	if e.OpensAt, err = formTime(r, "opens_at", "开始时间"); err != nil {
		return e, err
	}
	if e.ClosesAt, err = formTime(r, "closes_at", "结束时间"); err != nil {
		return e, err
	}
	if r.FormValue("paper_kind") == "paper" {
		for _, v := range r.Form["paper"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return e, ferr("paper", "所选题目无效")
			}
			e.Paper = append(e.Paper, id)
		}
		if len(e.Paper) == 0 {
			return e, ferr("paper", "固定试卷请至少勾选一道题")
		}
		return e, nil
	}
	tags, diffs, counts := r.Form["rule_tag"], r.Form["rule_difficulty"], r.Form["rule_count"]
	for i := range min(len(tags), ruleRows) {
		tag, count := strings.TrimSpace(tags[i]), strings.TrimSpace(at(counts, i))
		if tag == "" && count == "" {
			continue
		}
		n, err1 := strconv.Atoi(count)
		d, err2 := strconv.Atoi(at(diffs, i))
		if err1 != nil || err2 != nil {
			return e, ferr("rules", "第 %d 条抽题规则的题数应为整数", i+1)
		}
		e.Rules = append(e.Rules, Draw{Tag: tag, Difficulty: d, Count: n})
	}
	return e, nil
}

func (s *Service) pageCreateExam(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	e, err := examOf(r)
	var id int64
	if err == nil {
		id, err = s.CreateExam(r.Context(), web.Principal(r), e)
	}
	if err != nil {
		return s.formFailed(w, r, err, func() error { return s.renderExamForm(w, r, r.PostForm, err) })
	}
	http.Redirect(w, r, "/exams?ok="+url.QueryEscape(fmt.Sprintf("已发布“%s”（编号 %d）", strings.TrimSpace(e.Title), id)), http.StatusSeeOther)
	return nil
}
