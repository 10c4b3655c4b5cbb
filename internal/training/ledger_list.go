package training

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/web"
)

// LedgerShows and LedgerSorts are what the 学时台账 lists and in which order.
var (
	LedgerShows = choice.List{{Code: "short", Label: "学时不足"}, {Code: "met", Label: "已达标"}, {Code: "all", Label: "全部党员"}}
	LedgerSorts = choice.List{{Code: "org", Label: "按组织"}, {Code: "name", Label: "按姓名"}, {Code: "gap", Label: "差额从大到小"}, {Code: "hours", Label: "学时从少到多"}}
)

// pick is the list's code v, its first when v is empty.
func pick(cs choice.List, field, v string) (string, error) {
	if v == "" {
		return cs[0].Code, nil
	}
	if !cs.Has(v) {
		return "", fail.Malformed(field, "筛选条件无效，请从列表中选择")
	}
	return v, nil
}

// ledgerQuery is the ledger a request asks for: the organisation (0: the
// caller's own), year, which lines and their order.
type ledgerQuery struct {
	OrgID      int64
	Year       int
	Show, Sort string
}

func (s *Service) ledgerQuery(r *http.Request) (ledgerQuery, error) {
	q := r.URL.Query()
	var lq ledgerQuery
	var err error
	if lq.OrgID, err = input.ID("org", "组织", q.Get("org")); err != nil {
		return lq, err
	}
	if lq.Year, err = input.Year("year", q.Get("year"), s.Now().In(shanghai).Year()); err != nil {
		return lq, err
	}
	if lq.Show, err = pick(LedgerShows, "show", q.Get("show")); err != nil {
		return lq, err
	}
	lq.Sort, err = pick(LedgerSorts, "sort", q.Get("sort"))
	return lq, err
}

// ledgerRows is the whole ledger of the query with the lines it keeps, in order.
type ledgerRows struct {
	ledgerQuery
	Req      Requirement
	Coverage []Coverage
	All      int // party members in the subtree
	Short    int // of them short of hours
	Lines    []Line
}

func (s *Service) ledgerRows(r *http.Request) (*ledgerRows, error) {
	lq, err := s.ledgerQuery(r)
	if err != nil {
		return nil, err
	}
	lines, req, err := s.Ledger(r.Context(), web.Principal(r), lq.OrgID, lq.Year)
	if err != nil {
		return nil, err
	}
	lr := &ledgerRows{ledgerQuery: lq, Req: req, Coverage: CoverageOf(lines), All: len(lines)}
	for _, l := range lines {
		short := l.Short() > 0
		if short {
			lr.Short++
		}
		if lq.Show == "all" || short == (lq.Show == "short") {
			lr.Lines = append(lr.Lines, l)
		}
	}
	sortLines(lr.Lines, lq.Sort)
	return lr, nil
}

// sortLines orders the ledger; lines come in organisation order already.
func sortLines(ls []Line, by string) {
	switch by {
	case "name":
		slices.SortStableFunc(ls, func(a, b Line) int { return strings.Compare(a.Name, b.Name) })
	case "gap":
		slices.SortStableFunc(ls, func(a, b Line) int { return cmp.Compare(b.Short(), a.Short()) })
	case "hours":
		slices.SortStableFunc(ls, func(a, b Line) int { return cmp.Compare(a.Credited, b.Credited) })
	}
}

// page cuts a pager's page out of the lines.
func page(ls []Line, pg web.Pager) []Line {
	from := min(pg.Offset(), len(ls))
	return ls[from:min(from+pg.PerPage, len(ls))]
}

func (s *Service) apiLedger(w http.ResponseWriter, r *http.Request) error {
	lr, err := s.ledgerRows(r)
	if err != nil {
		return err
	}
	pg, err := web.Paging(r)
	if err != nil {
		return err
	}
	web.JSON(w, 200, map[string]any{"requirement": lr.Req, "coverage": lr.Coverage, "members": lr.All, "short_total": lr.Short,
		"total": len(lr.Lines), "page": pg.Page, "per_page": pg.PerPage, "items": page(lr.Lines, pg)})
	return nil
}

func (s *Service) renderLedger(w http.ResponseWriter, r *http.Request, failed error) error {
	lr, err := s.ledgerRows(r)
	if err != nil {
		return err
	}
	pg, err := web.Paging(r)
	if err != nil {
		return err
	}
	pg.Total = len(lr.Lines)
	if lr.OrgID == 0 {
		lr.OrgID = web.Principal(r).OrgID
	}
	orgs, err := s.orgOptions(r)
	if err != nil {
		return err
	}
	return s.Web.RenderStatus(w, r, http.StatusOK, ledgerPage, map[string]any{"L": lr, "Lines": page(lr.Lines, pg), "Pager": pg, "Orgs": orgs,
		"Shows": LedgerShows, "Sorts": LedgerSorts}, failed)
}

// exportLedger downloads exactly the lines the filters keep, audited.
func (s *Service) exportLedger(w http.ResponseWriter, r *http.Request) error {
	lr, err := s.ledgerRows(r)
	if err != nil {
		return err
	}
	if err := s.Audit.Record(r.Context(), s.DB, audit.Event{Action: "training.ledger.export", ObjectType: "org", ObjectID: itoa(lr.OrgID),
		Detail: map[string]any{"year": lr.Year, "show": lr.Show, "rows": len(lr.Lines)}}); err != nil {
		return err
	}
	rows := make([][]any, len(lr.Lines))
	for i, l := range lr.Lines {
		kind := "党员"
		if l.Key {
			kind = "支部书记、支委委员"
		}
		rows[i] = []any{i + 1, l.Name, l.OrgName, kind, Hours(l.Credited), Hours(l.Required), Hours(l.Short()), choice.YesNo(l.Short() == 0)}
	}
	return cellsafe.SendXLSX(w, fmt.Sprintf("%d年度学时台账.xlsx", lr.Year), cellsafe.Sheet{Name: "学时台账",
		Title:  fmt.Sprintf("%d 年度学时台账（%s，共 %d 人）", lr.Year, LedgerShows.Label(lr.Show), len(lr.Lines)),
		Header: []any{"序号", "姓名", "党组织", "类别", "已获学时", "要求学时", "差额", "达标"}, Rows: rows})
}
