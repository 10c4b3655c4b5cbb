package exam

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/web"
)

//go:embed templates static
var files embed.FS

var listPage, questionPage, reviewPage, resultPage, boardPage, bankPage, questionFormPage, examFormPage, statsPage *web.Page

var pageFuncs = template.FuncMap{
	"examPct":    func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"examAnswer": DisplayAnswer,
	"examUsed":   Used,
}

// Used formats the time an attempt took: "3分05秒", "48秒".
func Used(ms int64) string {
	sec := (ms + 500) / 1000
	if sec < 60 {
		return fmt.Sprintf("%d秒", sec)
	}
	return fmt.Sprintf("%d分%02d秒", sec/60, sec%60)
}

func init() { web.RegisterAssets("exam", web.Sub(files, "static")) }

var parseOnce sync.Once

func parsePages() { parseOnce.Do(parseAll) }

func parseAll() {
	page := func(name string) *web.Page { return web.NewPageFuncs(files, pageFuncs, "templates/"+name+".html") }
	listPage, questionPage, resultPage, boardPage = page("list"), page("question"), page("result"), page("board")
	reviewPage = page("review")
	bankPage, questionFormPage, examFormPage, statsPage = page("bank"), page("question_form"), page("exam_form"), page("stats")
}

func (s *Service) pages() []web.Route {
	parsePages()
	return []web.Route{
		{Method: "GET", Pattern: "/exams", Perm: web.PartyRead, Handler: s.pageList},
		{Method: "GET", Pattern: "/exams/new", Perm: web.PartyWrite, Handler: s.pageNewExam},
		{Method: "POST", Pattern: "/exams", Perm: web.PartyWrite, Handler: s.pageCreateExam},
		{Method: "GET", Pattern: "/exams/bank", Perm: web.PartyRead, Handler: s.pageBank},
		{Method: "POST", Pattern: "/exams/bank/import", Perm: web.PartyWrite, Handler: s.pageImport},
		{Method: "GET", Pattern: "/exams/bank/new", Perm: web.PartyWrite, Handler: s.pageNewQuestion},
		{Method: "POST", Pattern: "/exams/bank", Perm: web.PartyWrite, Handler: s.pageCreateQuestion},
		{Method: "GET", Pattern: "/exams/bank/{id}/edit", Perm: web.PartyWrite, Handler: s.pageEditQuestion},
		{Method: "POST", Pattern: "/exams/bank/{id}", Perm: web.PartyWrite, Handler: s.pageUpdateQuestion},
		{Method: "GET", Pattern: "/m/exams", Perm: web.PartyView, Handler: s.pageList},
		{Method: "GET", Pattern: "/exams/{id}/board", Perm: web.PartyView, Handler: s.pageBoard},
		{Method: "GET", Pattern: "/exams/{id}/stats", Perm: web.PartyRead, Handler: s.pageStats},
		{Method: "POST", Pattern: "/m/exams/{id}/start", Perm: web.PartyView, Handler: s.pageStart},
		{Method: "GET", Pattern: "/m/attempts/{id}", Perm: web.PartyView, Handler: s.pageQuestion},
		{Method: "POST", Pattern: "/m/attempts/{id}/answer", Perm: web.PartyView, Handler: s.pageAnswer},
		{Method: "GET", Pattern: "/m/attempts/{id}/review", Perm: web.PartyView, Handler: s.pageReview},
		{Method: "POST", Pattern: "/m/attempts/{id}/submit", Perm: web.PartyView, Handler: s.pageSubmit},
	}
}

func (s *Service) pageList(w http.ResponseWriter, r *http.Request) error {
	p := web.Principal(r)
	orgID, err := input.ID("org", "组织", r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	es, err := s.ListExams(r.Context(), p, "", orgID)
	mine := map[int64]*Standing{}
	if err == nil && p.Role == auth.Member && p.PersonID != 0 {
		mine, err = s.standings(r.Context(), p.PersonID, es)
	}
	if err != nil {
		return err
	}
	return s.Web.Render(w, r, listPage, map[string]any{"Exams": es, "Now": s.Now(), "Mine": mine})
}

func (s *Service) pageBoard(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var e *Exam
	var b *Board
	if err == nil {
		e, err = s.GetExam(r.Context(), web.Principal(r), id)
	}
	if err == nil {
		b, err = s.Leaderboard(r.Context(), web.Principal(r), id, DefaultTop)
	}
	if err != nil {
		return err
	}
	return s.Web.Render(w, r, boardPage, map[string]any{"Exam": e, "Board": b})
}

func (s *Service) pageStats(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var e *Exam
	var st []QuestionStat
	if err == nil {
		e, err = s.GetExam(r.Context(), web.Principal(r), id)
	}
	if err == nil {
		st, err = s.Stats(r.Context(), web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	return s.Web.Render(w, r, statsPage, map[string]any{"Exam": e, "Stats": st})
}

// The page flow keeps the device token in a cookie scoped to the attempt.
func deviceCookie(id int64) string { return "hd_attempt_" + strconv.FormatInt(id, 10) }

func (s *Service) pageStart(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var st *Started
	if err == nil {
		st, err = s.Start(r.Context(), web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie(st.AttemptID), Value: st.DeviceToken, Path: "/m/attempts/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, fmt.Sprintf("/m/attempts/%d", st.AttemptID), http.StatusSeeOther)
	return nil
}

// sheetOrResult loads the caller's attempt; a handed-in one is answered
// with its result page, and then the sheet is nil.
func (s *Service) sheetOrResult(w http.ResponseWriter, r *http.Request) (*Sheet, error) {
	id, err := web.PathID(r, "id")
	var sh *Sheet
	if err == nil {
		sh, err = s.Sheet(r.Context(), web.Principal(r), id)
	}
	if err != nil || sh.Attempt.Active {
		return sh, err
	}
	res, err := s.Result(r.Context(), web.Principal(r), id)
	if err != nil {
		return nil, err
	}
	return nil, s.Web.Render(w, r, resultPage, res)
}

// renderQuestion shows question n (the first unanswered when n is not
// one); past the last question comes the review. kept is an answer that
// was refused, shown chosen again so that the member need not redo it.
func (s *Service) renderQuestion(w http.ResponseWriter, r *http.Request, n int, kept *Response, failed error) error {
	sh, err := s.sheetOrResult(w, r)
	if err != nil || sh == nil {
		return err
	}
	if n > len(sh.Questions) {
		http.Redirect(w, r, fmt.Sprintf("/m/attempts/%d/review", sh.Attempt.ID), http.StatusSeeOther)
		return nil
	}
	if n < 1 {
		n = 1
		for i, q := range sh.Questions { // the first unanswered question
			if !q.Answered {
				n = i + 1
				break
			}
		}
	}
	q := sh.Questions[n-1]
	blanks := make([]string, q.Blanks)
	chosen := map[string]bool{}
	if kept != nil {
		for _, c := range kept.Answer {
			chosen[string(c)] = true
		}
		copy(blanks, kept.Blanks)
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, questionPage, map[string]any{"Sheet": sh, "Q": q, "Blanks": blanks,
		"Letters": strings.Split("ABCDEFGH", ""), "Left": len(unanswered(sh)), "Chosen": chosen, "Kept": kept != nil}, failed)
}

// unanswered lists the questions of a sheet not answered yet.
func unanswered(sh *Sheet) []Shown {
	var out []Shown
	for _, q := range sh.Questions {
		if !q.Answered {
			out = append(out, q)
		}
	}
	return out
}

func (s *Service) pageQuestion(w http.ResponseWriter, r *http.Request) error {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	return s.renderQuestion(w, r, n, nil, nil)
}

// pageReview is the hand-in confirmation: every question with whether it
// is answered, the unanswered ones linked, and the button that hands in.
func (s *Service) pageReview(w http.ResponseWriter, r *http.Request) error {
	sh, err := s.sheetOrResult(w, r)
	if err != nil || sh == nil {
		return err
	}
	return s.Web.Render(w, r, reviewPage, map[string]any{"Sheet": sh, "Unanswered": unanswered(sh)})
}

func (s *Service) pageAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	qid, _ := strconv.ParseInt(r.FormValue("question_id"), 10, 64)
	n, _ := strconv.Atoi(r.FormValue("n"))
	device := ""
	if c, err := r.Cookie(deviceCookie(id)); err == nil {
		device = c.Value
	}
	resp := Response{QuestionID: qid, Answer: strings.Join(r.Form["answer"], ""), Blanks: r.Form["blank"]}
	if _, err := s.Answer(r.Context(), web.Principal(r), id, device, resp); err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return s.renderQuestion(w, r, max(n, 1), &resp, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/m/attempts/%d?n=%d", id, n+1), http.StatusSeeOther)
	return nil
}

func (s *Service) pageSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var res *Result
	if err == nil {
		res, err = s.Submit(r.Context(), web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	return s.Web.Render(w, r, resultPage, res)
}
