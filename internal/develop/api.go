package develop

import (
	"net/http"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
	"hongdun/internal/rules"
)

func (h *handlers) apiLedger(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	rows, total, err := Ledger(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": rows, "total": total})
	return nil
}

func (h *handlers) apiOpen(w http.ResponseWriter, r *http.Request) error {
	var in OpenInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := Open(r.Context(), h.Deps, web.Principal(r), in)
	if err != nil {
		return err
	}
	web.JSON(w, status(res), res)
	return nil
}

func status(res *Result) int {
	if res.Replayed {
		return http.StatusOK
	}
	return http.StatusCreated
}

// caseDeadlines lists the open deadlines of one case.
func (h *handlers) caseDeadlines(r *http.Request, id int64) ([]DeadlineRow, error) {
	rows, err := h.DB.QueryContext(r.Context(), "SELECT kind, rule, title, due_on, hard FROM dev_deadlines WHERE case_id = ? ORDER BY due_on", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DeadlineRow{}
	today := h.today()
	for rows.Next() {
		d := DeadlineRow{CaseID: id}
		if err := rows.Scan(&d.Kind, &d.Rule, &d.Title, &d.DueOn, &d.Hard); err != nil {
			return nil, err
		}
		d.DaysLeft, d.RuleTitle = today.DaysUntil(mustDate(d.DueOn)), ruleTitle(d.Rule)
		d.Overdue = d.DaysLeft < 0
		out = append(out, d)
	}
	return out, rows.Err()
}

func (h *handlers) apiCase(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := loadCase(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return err
	}
	ds, err := h.caseDeadlines(r, id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"case": c, "deadlines": ds})
	return nil
}

func (h *handlers) apiAction(kind string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		var in Input
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		if kind == rules.ActStep && (in.Step < 2 || in.Step > 25) {
			if _, err := loadCase(r.Context(), h.DB, web.Principal(r), id); err != nil {
				return err
			}
			return fail.Malformed("step", "步骤应为 2–25（第1步在建立档案时记录）")
		}
		res, err := Apply(r.Context(), h.Deps, web.Principal(r), id, kind, in)
		if err != nil {
			return err
		}
		web.JSON(w, status(res), res)
		return nil
	}
}

func (h *handlers) apiCorrect(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	rid, err := web.PathID(r, "rid")
	if err != nil {
		return err
	}
	if _, err := loadCase(r.Context(), h.DB, web.Principal(r), id); err != nil {
		return err // out of scope is 404 whatever the body holds
	}
	var in CorrectInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := Correct(r.Context(), h.Deps, web.Principal(r), id, rid, in)
	return web.Reply(w, http.StatusOK, res, err)
}

func (h *handlers) apiDeadlines(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	rows, total, overdue, err := Deadlines(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": rows, "total": total, "overdue": overdue})
	return nil
}

func (h *handlers) apiStats(w http.ResponseWriter, r *http.Request) error {
	f, err := h.filter(r)
	if err != nil {
		return err
	}
	s, err := Statistics(r.Context(), h.DB, web.Principal(r), f, h.today())
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, s)
	return nil
}

func (h *handlers) year(r *http.Request) (int, error) {
	s := r.URL.Query().Get("year")
	if s == "" {
		return h.today().Year(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fail.Malformed("year", "年度应为 2000–2100 的整数")
	}
	return y, nil
}

// readPlans is the year the query asks for and the plans of the filtered
// subtree.
func (h *handlers) readPlans(r *http.Request) (int, []PlanRow, error) {
	y, err := h.year(r)
	if err != nil {
		return 0, nil, err
	}
	f, err := h.filter(r)
	if err != nil {
		return 0, nil, err
	}
	rows, err := Plans(r.Context(), h.DB, f.subtree(web.Principal(r)), y)
	return y, rows, err
}

func (h *handlers) apiPlans(w http.ResponseWriter, r *http.Request) error {
	y, rows, err := h.readPlans(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"year": y, "items": rows})
	return nil
}

// rulesView is the rule set with its overrides and calendar adjustments.
type rulesView struct {
	Set       *rules.Set    `json:"set"`
	Effective rules.Params  `json:"effective"`
	Overrides []OverrideRow `json:"overrides"`
	Calendar  []CalendarRow `json:"calendar"`
	Bureau    bool          `json:"can_edit"`
}

func (h *handlers) rulesData(r *http.Request) (*rulesView, error) {
	set, _ := rules.Get(rules.DefaultSet)
	ovs, err := loadOverrides(r.Context(), h.DB, set.Name)
	if err != nil {
		return nil, err
	}
	cal, err := loadCalendarRows(r.Context(), h.DB)
	if err != nil {
		return nil, err
	}
	bureau := org.BureauAdmin(web.Principal(r))
	plain := make([]rules.Override, len(ovs))
	for i, o := range ovs {
		plain[i] = o.Override
		ovs[i].Label = set.ParamLabel(o.Rule, o.Param)
	}
	return &rulesView{Set: set, Effective: set.Resolve(plain, h.today()), Overrides: ovs, Calendar: cal, Bureau: bureau}, nil
}

func (h *handlers) apiRules(w http.ResponseWriter, r *http.Request) error {
	v, err := h.rulesData(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, v)
	return nil
}
