package assess

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// States of a set.
const (
	Draft     = "draft"     // indicators being set up
	Published = "published" // indicators fixed, scoring and reports open
)

var setStates = map[string]string{Draft: "编制中", Published: "已发布"}

// Indicator is one item of a set.
type Indicator struct {
	ID          int64  `json:"id"`
	SetID       int64  `json:"set_id"`
	Seq         int    `json:"seq"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	Source      string `json:"source,omitempty"`
	SourceLabel string `json:"source_label,omitempty"`
	Explain     string `json:"explain,omitempty"`
	Weight      int    `json:"weight"`
	Guidance    string `json:"guidance"`
}

func (ind *Indicator) finish() {
	ind.KindLabel = IndicatorKinds.Label(ind.Kind)
	if s, ok := SourceOf(ind.Source); ok {
		ind.SourceLabel, ind.Explain = s.Label, s.Explain
	}
}

// Set is an organisation's indicator set for a year.
type Set struct {
	ID         int64       `json:"id"`
	OrgID      int64       `json:"org_id"`
	OrgName    string      `json:"org_name"`
	Year       int         `json:"year"`
	Kind       string      `json:"kind"`
	KindLabel  string      `json:"kind_label"`
	Title      string      `json:"title"`
	State      string      `json:"state"`
	StateLabel string      `json:"state_label"`
	Weights    int         `json:"weights"` // the indicators' weights summed
	Indicators []Indicator `json:"indicators"`
	Version    int         `json:"version"`
	orgPath    string
}

const setCols = `s.id, s.org_id, o.name, o.path, s.year, s.kind, s.title, s.state, s.version`

func scanSet(sc interface{ Scan(...any) error }) (*Set, error) {
	var s Set
	err := sc.Scan(&s.ID, &s.OrgID, &s.OrgName, &s.orgPath, &s.Year, &s.Kind, &s.Title, &s.State, &s.Version)
	s.KindLabel, s.StateLabel = TargetKinds.Label(s.Kind), setStates[s.State]
	return &s, err
}

// setVisible is the condition on a set for the caller: published by an
// organisation in scope, or ranking one (a branch sees the set it is
// assessed by).
func setVisible(p *auth.Principal) (string, []any) {
	sc := scope.Of(p)
	own, args := sc.Where("o.path")
	below, bargs := sc.Lineage("o.path")
	return "(" + own + " OR (s.state = 'published' AND " + below + "))", append(args, bargs...)
}

// GetSet loads a set the caller may see, with its indicators.
func GetSet(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Set, error) {
	w, args := setVisible(p)
	s, err := scanSet(q.QueryRowContext(ctx, "SELECT "+setCols+" FROM assess_sets s JOIN orgs o ON o.id = s.org_id WHERE s.id = ? AND "+w,
		append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, set_id, seq, name, kind, source, weight, guidance FROM assess_indicators WHERE set_id = ? ORDER BY seq, id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ind Indicator
		if err := rows.Scan(&ind.ID, &ind.SetID, &ind.Seq, &ind.Name, &ind.Kind, &ind.Source, &ind.Weight, &ind.Guidance); err != nil {
			return nil, err
		}
		ind.finish()
		s.Weights += ind.Weight
		s.Indicators = append(s.Indicators, ind)
	}
	return s, rows.Err()
}

// Sets lists the sets the caller may see for a year (0: every year).
func Sets(ctx context.Context, q db.Querier, p *auth.Principal, year int) ([]*Set, error) {
	w, args := setVisible(p)
	if year != 0 {
		w, args = w+" AND s.year = ?", append(args, year)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+setCols+" FROM assess_sets s JOIN orgs o ON o.id = s.org_id WHERE "+w+" ORDER BY s.year DESC, o.path, s.kind", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Set{}
	for rows.Next() {
		s, err := scanSet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SetInput creates a set.
type SetInput struct {
	OrgID int64  `json:"org_id"`
	Year  int    `json:"year"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
	// Standard fills the bureau's standard indicators (every source, a
	// scored 创新与特色 item and the 述职), which can be changed while the
	// set is a draft.
	Standard bool `json:"standard"`
}

// standard is the bureau's usual set, 100 points.
var standard = []IndicatorInput{
	{Name: "完成上级党建任务", Kind: Computed, Source: "task.completion", Weight: 15},
	{Name: "任务办理及时", Kind: Computed, Source: "task.timeliness", Weight: 10},
	{Name: "组织生活规范", Kind: Computed, Source: "life.compliance", Weight: 20},
	{Name: "党员教育培训", Kind: Computed, Source: "training.coverage", Weight: 10},
	{Name: "发展党员工作", Kind: Computed, Source: "develop.ontime", Weight: 10},
	{Name: "党务知识考试", Kind: Computed, Source: "exam.average", Weight: 5},
	{Name: "党建与业务融合成效", Kind: Scored, Weight: 15, Guidance: "结合执法办案、为民服务等业务成效评分，须附佐证材料"},
	{Name: "书记抓党建述职评议", Kind: ReportKind, Weight: 15, Guidance: "按述职评议等次计分：好 100%、较好 85%、一般 70%、差 50%"},
}

// CreateSet opens a draft set for an organisation the caller administers.
func CreateSet(ctx context.Context, d *core.Deps, p *auth.Principal, in SetInput) (*Set, error) {
	today := civil.Today(d.Now())
	in.Title = strings.TrimSpace(in.Title)
	if in.Kind == "" {
		in.Kind = Branches
	}
	var yearErr *fail.Error
	if in.Year < 2000 || in.Year > today.Year()+1 {
		yearErr = fail.Malformed("year", fmt.Sprintf("年度应为 2000 至 %d 年之间的四位年份", today.Year()+1))
	}
	var kindErr *fail.Error
	if TargetKinds.Label(in.Kind) == "" {
		kindErr = fail.Malformed("kind", "考评对象应为党支部或党委")
	}
	if err := fail.Collect(yearErr, kindErr, plaintext.Check("title", "考评名称", in.Title, true, 60, false)); err != nil {
		return nil, err
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, in.OrgID); err != nil {
			return err
		}
		now := d.Now().UnixMilli()
		var err error
		id, err = db.InsertID(ctx, tx, "INSERT INTO assess_sets (org_id, year, kind, title, created_at, updated_at) VALUES (?,?,?,?,?,?)",
			in.OrgID, in.Year, in.Kind, in.Title, now, now)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("该党组织 %d 年度对%s的考评已经建立", in.Year, TargetKinds.Label(in.Kind)))
		}
		if err != nil {
			return err
		}
		if in.Standard {
			for i, ind := range standard {
				if err := insertIndicator(ctx, tx, id, i+1, ind, now); err != nil {
					return err
				}
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.set.create", ObjectType: "assess_set", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return GetSet(ctx, d.DB, p, id)
}

// IndicatorInput adds an indicator to a draft set.
type IndicatorInput struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Source   string `json:"source"` // for a computed indicator
	Weight   int    `json:"weight"` // points, 1–100
	Guidance string `json:"guidance"`
	Version  int    `json:"version"`
}

func (in *IndicatorInput) check() error {
	in.Name, in.Guidance = strings.TrimSpace(in.Name), strings.TrimSpace(in.Guidance)
	var kindErr, srcErr, wErr *fail.Error
	switch in.Kind {
	case Computed:
		if _, ok := SourceOf(in.Source); !ok {
			srcErr = fail.Malformed("source", "请选择系统计算的数据来源")
		}
	case Scored, ReportKind:
		in.Source = ""
	default:
		kindErr = fail.Malformed("kind", "指标类型应为系统计算、评分或书记抓党建述职评议")
	}
	if in.Weight < 1 || in.Weight > 100 {
		wErr = fail.Malformed("weight", "分值应为 1 到 100 的整数")
	}
	return fail.Collect(plaintext.Check("name", "指标名称", in.Name, true, 60, false), kindErr, srcErr, wErr, plaintext.Check("guidance", "评分标准", in.Guidance, false, 1000, true))
}

func insertIndicator(ctx context.Context, tx *db.Tx, setID int64, seq int, in IndicatorInput, now int64) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO assess_indicators (set_id, seq, name, kind, source, weight, guidance, created_at) VALUES (?,?,?,?,?,?,?,?)",
		setID, seq, in.Name, in.Kind, in.Source, in.Weight, in.Guidance, now)
	return err
}

// draftSet loads a set the caller administers that is still a draft, at
// the version read (0: any).
func draftSet(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Set, error) {
	s, err := GetSet(ctx, tx, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, tx, p, s.OrgID); err != nil {
		return nil, err
	}
	if s.State != Draft {
		return nil, fail.Conflict("考评指标已发布，不能再修改")
	}
	if version != 0 && version != s.Version {
		return nil, fail.Conflict("考评指标已被他人修改，请刷新后重试")
	}
	return s, nil
}

func bumpSet(ctx context.Context, tx *db.Tx, d *core.Deps, s *Set, set string) error {
	res, err := tx.ExecContext(ctx, "UPDATE assess_sets SET "+set+"updated_at = ?, version = version + 1 WHERE id = ? AND version = ?", d.Now().UnixMilli(), s.ID, s.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail.Conflict("考评已被他人修改，请刷新后重试")
	}
	return nil
}

// AddIndicator adds an indicator to a draft set.
func AddIndicator(ctx context.Context, d *core.Deps, p *auth.Principal, setID int64, in IndicatorInput) (*Set, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		s, err := draftSet(ctx, tx, p, setID, in.Version)
		if err != nil {
			return err
		}
		if s.Weights+in.Weight > 100 {
			return fail.Rule(ruleWeight, citeWeight, fmt.Sprintf("已有指标合计 %d 分，再加 %d 分将超过 100 分", s.Weights, in.Weight))
		}
		for _, ind := range s.Indicators {
			if ind.Kind == ReportKind && in.Kind == ReportKind {
				return fail.NotAllowed("kind", "书记抓党建述职评议指标只能设一项")
			}
		}
		if err := insertIndicator(ctx, tx, s.ID, len(s.Indicators)+1, in, d.Now().UnixMilli()); err != nil {
			return err
		}
		if err := bumpSet(ctx, tx, d, s, ""); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.indicator.add", ObjectType: "assess_set", ObjectID: fmt.Sprint(s.ID), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return GetSet(ctx, d.DB, p, setID)
}

// RemoveIndicator takes an indicator out of a draft set.
func RemoveIndicator(ctx context.Context, d *core.Deps, p *auth.Principal, setID, indicatorID int64, version int) (*Set, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		s, err := draftSet(ctx, tx, p, setID, version)
		if err != nil {
			return err
		}
		var gone *Indicator
		for i := range s.Indicators {
			if s.Indicators[i].ID == indicatorID {
				gone = &s.Indicators[i]
			}
		}
		if gone == nil {
			return fail.NotFound()
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM assess_indicators WHERE id = ?", indicatorID); err != nil {
			return err
		}
		if err := bumpSet(ctx, tx, d, s, ""); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.indicator.remove", ObjectType: "assess_set", ObjectID: fmt.Sprint(s.ID), Detail: audit.Change{Before: gone}})
	})
	if err != nil {
		return nil, err
	}
	return GetSet(ctx, d.DB, p, setID)
}

// srcReport is the 待办 of a target asked for its 述职; srcReview the set
// organisation's review of one.
const (
	srcReport = "assess.report"
	srcReview = "assess.review"
)

// Publish fixes a draft set's indicators (their weights must make 100)
// and asks every target for its 书记抓党建述职 (a 待办 due at the year's end).
func Publish(ctx context.Context, d *core.Deps, p *auth.Principal, setID int64, version int) (*Set, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		s, err := draftSet(ctx, tx, p, setID, version)
		if err != nil {
			return err
		}
		if s.Weights != 100 {
			return fail.Rule(ruleWeight, citeWeight, fmt.Sprintf("指标合计 %d 分，应为 100 分", s.Weights))
		}
		if err := bumpSet(ctx, tx, d, s, "state = 'published', "); err != nil {
			return err
		}
		if hasReport(s) {
			t, err := targetsOf(ctx, tx, s.OrgID, s.orgPath, s.Kind)
			if err != nil {
				return err
			}
			for _, o := range t.Orgs {
				if err := todo.Post(ctx, tx, reportTodo(s, o.ID)); err != nil {
					return err
				}
			}
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "assess.set.publish", ObjectType: "assess_set", ObjectID: fmt.Sprint(s.ID),
			Detail: map[string]any{"indicators": len(s.Indicators)}})
	})
	if err != nil {
		return nil, err
	}
	return GetSet(ctx, d.DB, p, setID)
}

func hasReport(s *Set) bool {
	for _, ind := range s.Indicators {
		if ind.Kind == ReportKind {
			return true
		}
	}
	return false
}

func reportTodo(s *Set, orgID int64) todo.Item {
	return todo.Item{Source: srcReport, Key: fmt.Sprintf("s%d:o%d", s.ID, orgID), OrgID: orgID, Title: fmt.Sprintf("提交%d年度书记抓党建述职", s.Year),
		Detail: s.Title, Link: fmt.Sprintf("/assess/sets/%d/reports?org=%d", s.ID, orgID), Severity: "warn", DueOn: fmt.Sprintf("%d-12-31", s.Year)}
}
