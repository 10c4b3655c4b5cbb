package task

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
)

//go:embed static
var static embed.FS

func init() { web.RegisterAssets("task", web.Sub(static, "static")) }

var (
	roundsPage = web.NewPage(templates, "templates/rounds.html")
	roundPage  = web.NewPage(templates, "templates/round.html")
	certPage   = web.NewPage(templates, "templates/certificates.html")
)

// roundRoutes are the 擂台比武 rounds' pages and API.
func (h *handlers) roundRoutes(tag string) []web.Route {
	sample := Round{ID: 3, OrgID: 1, OrgName: "市公安局党委", Kind: ToBranches, Year: 2026, Period: "Q2", Title: "2026年第二季度擂台比武（党支部）",
		StartsOn: "2026-04-01", EndsOn: "2026-06-30", Judged: true, JudgeWeight: 40, State: RoundOpen, StateLabel: "评比中", PrevRoundID: 2, Version: 1}
	st := RoundStanding{OrgID: 12, Name: "小寨路派出所党支部", Secretary: "张三", Due: 4, Done: 4, OnTime: 3, Rate: 100, Score: 87.5, JudgeScore: 92,
		Judges: 3, Final: 89.3, PrevFinal: 80, ScoreDiff: 9.3, Progress: Progress{Rank: 1, PrevRank: 3, Change: 2}}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/arena-rounds", Perm: web.PartyRead, Handler: h.apiRounds, Doc: &web.Doc{Tag: tag,
			Summary: "擂台比武轮次（季度或年度），新的在前", Query: []web.Param{{Name: "org", Description: "党组织编号：组织或参加比武的单位在其中"}, {Name: "year", Description: "年度"}, {Name: "page", Description: "页码"},
				{Name: "per_page", Description: "每页条数（默认 50，最多 200）"}}, Reply: listing.List[Round]{Total: 1, Page: 1, PerPage: 50, Items: []Round{sample}}}},
		{Method: "POST", Pattern: "/api/v1/arena-rounds", Perm: web.PartyWrite, Handler: core.Posted(h.Deps, http.StatusCreated, CreateRound), Doc: &web.Doc{Tag: tag,
			Summary: "建立一轮擂台比武（期末之后）：按期内到期任务截至期末的完成情况排名并保存快照；judged 为 true 时评委为书记述职打分，judge_weight 为评委分所占百分比",
			Body:    RoundInput{OrgID: 1, Kind: ToBranches, Year: 2026, Period: "Q2", Judged: true, JudgeWeight: 40}, Reply: sample}},
		{Method: "GET", Pattern: "/api/v1/arena-rounds/{id}", Perm: web.PartyRead, Handler: core.Show(h.Deps, RoundBoard), Doc: &web.Doc{Tag: tag,
			Summary: "一轮擂台比武的排名（比位次）及与上一轮相比的名次、得分变化（比进度）、前三名与后三名；管辖范围不含组织单位时只列本单位",
			Reply:   Leaderboard{Round: &sample, Total: 1, Items: []RoundStanding{st}, Top: []RoundStanding{st}, Whole: true}}},
		{Method: "POST", Pattern: "/api/v1/arena-rounds/{id}/marks", Perm: web.PartyWrite, Handler: core.PostedOn(h.Deps, http.StatusOK, Judge), Doc: &web.Doc{Tag: tag,
			Summary: "评委为书记述职打分（0–100，可修改本人的评分，发布前有效）", Body: Marks{Marks: []Mark{{OrgID: 12, Score: 92, Comment: "思路清晰，成效明显"}}, Version: 1}, Reply: sample}},
		{Method: "POST", Pattern: "/api/v1/arena-rounds/{id}/recompute", Perm: web.PartyWrite, Handler: core.Stepped(h.Deps, Recompute), Doc: &web.Doc{Tag: tag,
			Summary: "重新计算评比中的轮次（已发布的轮次不再改变）", Body: map[string]int{"version": 1}, Reply: sample}},
		{Method: "POST", Pattern: "/api/v1/arena-rounds/{id}/close", Perm: web.PartyWrite, Handler: core.Stepped(h.Deps, CloseRound), Doc: &web.Doc{Tag: tag,
			Summary: "发布结果：最后计算一次后冻结（设评委评分的轮次须每个参赛单位都有评分）", Body: map[string]int{"version": 1}, Reply: sample}},

		{Method: "GET", Pattern: "/tasks/rounds", Perm: web.PartyRead, Handler: h.rounds},
		{Method: "POST", Pattern: "/tasks/rounds", Perm: web.PartyWrite, Handler: h.createRoundForm},
		{Method: "GET", Pattern: "/tasks/rounds/{id}", Perm: web.PartyRead, Handler: h.round},
		{Method: "GET", Pattern: "/tasks/rounds/{id}/export", Perm: web.PartyRead, Handler: h.exportRound},
		{Method: "GET", Pattern: "/tasks/rounds/{id}/certificates", Perm: web.PartyRead, Handler: h.certificates},
		{Method: "POST", Pattern: "/tasks/rounds/{id}/marks", Perm: web.PartyWrite, Handler: h.marksForm},
		{Method: "POST", Pattern: "/tasks/rounds/{id}/recompute", Perm: web.PartyWrite, Handler: h.recomputeForm},
		{Method: "POST", Pattern: "/tasks/rounds/{id}/close", Perm: web.PartyWrite, Handler: h.closeForm},
	}
}

func (h *handlers) apiRounds(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filter(r)
	if err != nil {
		return err
	}
	l, err := Rounds(r.Context(), h.Deps, web.Principal(r), f.OrgID, f.Year, f.Page, f.PerPage)
	return web.Reply(w, http.StatusOK, l, err)
}

type roundsView struct {
	Rounds  []Round
	Pager   web.Pager
	Year    int
	Years   []int
	Orgs    []org.Option
	Periods choice.List
	Form    url.Values
}

func (h *handlers) showRounds(w http.ResponseWriter, r *http.Request, form url.Values, err error) error {
	f, pg, e := filter(r)
	if e != nil {
		return e
	}
	ctx, p := r.Context(), web.Principal(r)
	y := civil.Today(h.Now()).Year()
	l, e := Rounds(ctx, h.Deps, p, f.OrgID, f.Year, f.Page, f.PerPage)
	if e != nil {
		return e
	}
	pg.Total = l.Total
	v := roundsView{Rounds: l.Items, Pager: pg, Year: f.Year, Years: []int{y, y - 1, y - 2}, Periods: RoundPeriods, Form: form}
	if v.Orgs, e = org.Options(ctx, h.DB, scope.Of(p)); e != nil {
		return e
	}
	if v.Form == nil {
		v.Form = url.Values{"year": {strconv.Itoa(y)}, "judge_weight": {"40"}}
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, roundsPage, v, err)
}

func (h *handlers) rounds(w http.ResponseWriter, r *http.Request) error {
	return h.showRounds(w, r, nil, nil)
}

func formNumber(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64) // unreadable is 0, which the check names
	return n
}

func (h *handlers) createRoundForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	in := RoundInput{OrgID: formNumber(r, "org_id"), Kind: r.FormValue("kind"), Year: int(formNumber(r, "year")), Period: r.FormValue("period"),
		Judged: r.FormValue("judged") == "1", JudgeWeight: int(formNumber(r, "judge_weight"))}
	rd, err := CreateRound(r.Context(), h.Deps, web.Principal(r), in)
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return h.showRounds(w, r, r.Form, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tasks/rounds/%d?ok=%s", rd.ID, url.QueryEscape("已建立并计算排名："+rd.Title)), http.StatusSeeOther)
	return nil
}

func (h *handlers) showRound(w http.ResponseWriter, r *http.Request, id int64, page *web.Page, err error) error {
	lb, e := RoundBoard(r.Context(), h.Deps, web.Principal(r), id)
	if e != nil {
		return e
	}
	return h.Web.RenderStatus(w, r, http.StatusOK, page, lb, err)
}

func (h *handlers) round(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.showRound(w, r, id, roundPage, nil)
}

func (h *handlers) certificates(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.showRound(w, r, id, certPage, nil)
}

// roundForm runs a form of the round page: a refusal re-shows the page.
func (h *handlers) roundForm(w http.ResponseWriter, r *http.Request, act func(id int64, version int) (string, error)) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("", "表单无法读取")
	}
	msg, err := act(id, int(formNumber(r, "version")))
	return web.Answer(w, r, err, func(err error) error { return h.showRound(w, r, id, roundPage, err) }, fmt.Sprintf("/tasks/rounds/%d", id), msg)
}

func (h *handlers) marksForm(w http.ResponseWriter, r *http.Request) error {
	return h.roundForm(w, r, func(id int64, version int) (string, error) {
		in := Marks{Version: version}
		for _, k := range sortedKeys(r.PostForm) {
			orgID, ok := strings.CutPrefix(k, "score_")
			v := strings.TrimSpace(r.PostForm.Get(k))
			if !ok || v == "" {
				continue
			}
			oid, err := strconv.ParseInt(orgID, 10, 64)
			score, serr := strconv.ParseFloat(v, 64)
			if err != nil || serr != nil {
				return "", fail.Malformed("marks", "评分“"+v+"”不是数字")
			}
			in.Marks = append(in.Marks, Mark{OrgID: oid, Score: score, Comment: r.PostForm.Get("comment_" + orgID)})
		}
		_, err := Judge(r.Context(), h.Deps, web.Principal(r), id, in)
		return fmt.Sprintf("已保存 %d 项评分", len(in.Marks)), err
	})
}

func (h *handlers) recomputeForm(w http.ResponseWriter, r *http.Request) error {
	return h.roundForm(w, r, func(id int64, version int) (string, error) {
		_, err := Recompute(r.Context(), h.Deps, web.Principal(r), id, version)
		return "已重新计算排名", err
	})
}

func (h *handlers) closeForm(w http.ResponseWriter, r *http.Request) error {
	return h.roundForm(w, r, func(id int64, version int) (string, error) {
		_, err := CloseRound(r.Context(), h.Deps, web.Principal(r), id, version)
		return "已发布结果，排名不再改变", err
	})
}

func (h *handlers) exportRound(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	lb, err := RoundBoard(ctx, h.Deps, web.Principal(r), id)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(ctx, h.DB, audit.Event{Action: "task.round.export", ObjectType: "task_round", ObjectID: fmt.Sprint(id),
		Detail: map[string]any{"rows": len(lb.Items)}}); err != nil {
		return err
	}
	rows := make([][]any, len(lb.Items))
	for i, s := range lb.Items {
		prev := ""
		if s.PrevRank != 0 {
			prev = fmt.Sprintf("%s%d（上轮第 %d 名，得分%s%.1f）", s.Arrow(), s.Abs(), s.PrevRank, s.ScoreArrow(), s.ScoreAbs())
		}
		rows[i] = []any{s.Rank, s.Name, s.Secretary, s.Final, s.Score, s.JudgeScore, s.Rate, s.Due, s.Done, s.OnTime, s.Overdue, prev}
	}
	return cellsafe.SendXLSX(w, lb.Round.Title+".xlsx", cellsafe.Sheet{Name: "擂台比武", Title: lb.Round.Title + "（" + lb.Round.StateLabel + "，成绩截至 " + lb.Round.EndsOn + "）", Header: []any{"名次", "党组织", "书记", "总分", "任务得分", "评委评分", "完成率%", "到期任务", "已完成", "按时完成", "逾期未完成", "比进度"}, Rows: rows})
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
