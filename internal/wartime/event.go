package wartime

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Event is a response event: who activated it, when, the units involved.
type Event struct {
	ID        int64  `json:"id"`
	KindID    int64  `json:"kind_id"`
	Kind      string `json:"kind"`
	OrgID     int64  `json:"org_id"` // the activating 党委
	OrgName   string `json:"org_name"`
	Title     string `json:"title"`
	StartsOn  string `json:"starts_on"`
	EndsOn    string `json:"ends_on"` // expected end
	DocNo     string `json:"doc_no"`
	Summary   string `json:"summary"`
	EndedOn   string `json:"ended_on,omitempty"` // deactivated on
	EndNote   string `json:"end_note,omitempty"`
	Active    bool   `json:"active"`
	Units     []Unit `json:"units"`
	Teams     []Team `json:"teams"` // those the caller sees
	CreatedBy string `json:"created_by"`
	CreatedAt int64  `json:"created_at"`
	UpdatedAt int64  `json:"updated_at"`
	Version   int    `json:"version"`
	orgPath   string
}

// Unit is an organisation involved in an event.
type Unit struct {
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	path  string
}

// Overdue reports an active event past its expected end.
func (e *Event) Overdue(today string) bool { return e.Active && e.EndsOn < today }

// EventInput activates an event.
type EventInput struct {
	KindID   int64   `json:"kind_id"`
	OrgID    int64   `json:"org_id"`
	Title    string  `json:"title"`
	StartsOn string  `json:"starts_on"`
	EndsOn   string  `json:"ends_on"`
	DocNo    string  `json:"doc_no"`
	Summary  string  `json:"summary"`
	UnitIDs  []int64 `json:"unit_ids"`
}

// EventPatch changes an active event; Version must be the one read. The
// units may grow or shrink, but a unit with teams stays.
type EventPatch struct {
	Version int      `json:"version"`
	Title   *string  `json:"title"`
	EndsOn  *string  `json:"ends_on"`
	DocNo   *string  `json:"doc_no"`
	Summary *string  `json:"summary"`
	UnitIDs *[]int64 `json:"unit_ids"`
}

const eventCols = `e.id, e.kind_id, k.name, e.org_id, o.name, o.path, e.title, e.starts_on, COALESCE(e.ends_on, ''), e.doc_no, e.summary,
	COALESCE(e.ended_on, ''), e.end_note, e.created_by, e.created_at, e.updated_at, e.version`

const eventFrom = ` FROM wartime_events e JOIN wartime_kinds k ON k.id = e.kind_id JOIN orgs o ON o.id = e.org_id`

type scanner = listing.Scanner

func scanEvent(s scanner) (*Event, error) {
	var e Event
	err := s.Scan(&e.ID, &e.KindID, &e.Kind, &e.OrgID, &e.OrgName, &e.orgPath, &e.Title, &e.StartsOn, &e.EndsOn, &e.DocNo, &e.Summary,
		&e.EndedOn, &e.EndNote, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt, &e.Version)
	e.Active = e.EndedOn == ""
	return &e, err
}

// sees is the condition "event e concerns sc": activated by an organisation
// of sc, or involving a unit of sc or one above it (a branch of an involved
// 分局 takes part too).
func sees(sc scope.Subtree) (string, []any) {
	own, args := sc.Where("o.path")
	in, a2 := sc.Where("uo.path")
	up, a3 := sc.Lineage("uo.path")
	args = append(append(args, a2...), a3...)
	return "(" + own + " OR EXISTS (SELECT 1 FROM wartime_units u JOIN orgs uo ON uo.id = u.org_id WHERE u.event_id = e.id AND (" +
		in + " OR " + up + ")))", args
}

// loadEvent reads an event sc sees, with its units; anything else is a 404.
func loadEvent(ctx context.Context, q db.Querier, sc scope.Subtree, id int64) (*Event, error) {
	w, args := sees(sc)
	e, err := scanEvent(q.QueryRowContext(ctx, "SELECT "+eventCols+eventFrom+" WHERE e.id = ? AND "+w, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	e.Units, err = units(ctx, q, id)
	return e, err
}

func units(ctx context.Context, q db.Querier, eventID int64) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, "SELECT o.id, o.name, o.path FROM wartime_units u JOIN orgs o ON o.id = u.org_id WHERE u.event_id = ? ORDER BY o.path", eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Unit{}
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.OrgID, &u.Name, &u.path); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Get returns an event the caller sees, with its units and the teams of
// the caller's scope.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Event, error) {
	e, err := loadEvent(ctx, s.DB, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	e.Teams, err = teamsOf(ctx, s.DB, scope.Of(p), id)
	return e, err
}

// writableEvent loads an event the caller administers: the activating
// 党委 must lie in their scope.
func writableEvent(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Event, error) {
	e, err := loadEvent(ctx, q, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	if !p.Writes() || !scope.Of(p).Contains(e.orgPath) {
		return nil, fail.NotFound()
	}
	return e, nil
}

// unitsOf checks the units of an event: at least one, each inside the
// activating 党委's subtree, none twice.
func unitsOf(ctx context.Context, q db.Querier, activator *org.Org, ids []int64) ([]Unit, error) {
	if len(ids) == 0 {
		return nil, fail.Malformed("unit_ids", "请选择参与响应的单位（至少一个）")
	}
	seen := map[int64]bool{}
	var out []Unit
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		o, err := org.Get(ctx, q, id)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		if err != nil || !scope.Under(activator.Path).Contains(o.Path) {
			return nil, fail.NotAllowed("unit_ids", fmt.Sprintf("参与单位（编号 %d）须为「%s」或其下级组织", id, activator.Name))
		}
		if o.Dissolved() {
			return nil, fail.NotAllowed("unit_ids", "「"+o.Name+"」已撤销，不能参与响应")
		}
		out = append(out, Unit{OrgID: o.ID, Name: o.Name, path: o.Path})
	}
	return out, nil
}

// period checks the start and the expected end of an event.
func period(startsOn, endsOn string, t civil.Date) (civil.Date, civil.Date, error) {
	start, err := day("starts_on", "启动日期", startsOn, true, t)
	if err != nil {
		return start, civil.Date{}, err
	}
	end, err := expectedEnd(start, endsOn)
	return start, end, err
}

// expectedEnd reads the expected end of an event that starts on start.
func expectedEnd(start civil.Date, v string) (civil.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return civil.Date{}, fail.Malformed("ends_on", "请填写预计结束日期（临时党组织随任务完成而撤销）")
	}
	end, err := civil.Parse(v)
	if err != nil {
		return end, fail.Malformed("ends_on", "请按“年-月-日”填写预计结束日期，如 2026-03-12")
	}
	if end.Before(start) {
		return end, fail.NotAllowed("ends_on", "预计结束日期不能早于启动日期（"+start.Chinese()+"）")
	}
	if start.AddYears(5).Before(end) {
		return end, fail.NotAllowed("ends_on", "预计结束日期距启动日期超过 5 年，请核对年份")
	}
	return end, nil
}

// Activate starts a response event: a 党委 with 审批权限 in the caller's
// scope, its kind, dates and the units involved. The same event (党委,
// title, start) submitted twice is refused.
func (s *Service) Activate(ctx context.Context, p *auth.Principal, in EventInput) (*Event, error) {
	if !p.Writes() {
		return nil, fail.Forbidden()
	}
	if in.OrgID <= 0 {
		return nil, fail.Malformed("org_id", "请选择启动响应的党委")
	}
	if _, err := org.WritablePath(ctx, s.DB, p, in.OrgID); err != nil {
		return nil, err
	}
	activator, err := org.Get(ctx, s.DB, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !org.CanApprove(activator) {
		return nil, fail.Rule("R-wartime-activate", "战时党建工作响应机制",
			"战时党建工作响应由具有审批权限的党委启动，「"+activator.Name+"」不是具有审批权限的党委")
	}
	kinds, err := Kinds(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var kind *Kind
	for i := range kinds {
		if kinds[i].ID == in.KindID {
			kind = &kinds[i]
		}
	}
	if kind == nil {
		return nil, fail.Malformed("kind_id", "请选择响应类型")
	}
	e := &Event{KindID: kind.ID, Kind: kind.Name, OrgID: activator.ID, OrgName: activator.Name, orgPath: activator.Path, Active: true,
		CreatedBy: p.Username, Version: 1}
	if e.Title, err = text("title", "响应名称", in.Title, true, 100, false); err != nil {
		return nil, err
	}
	if e.DocNo, err = text("doc_no", "启动文件文号", in.DocNo, false, 50, false); err != nil {
		return nil, err
	}
	if e.Summary, err = text("summary", "任务说明", in.Summary, false, 1000, true); err != nil {
		return nil, err
	}
	start, end, err := period(in.StartsOn, in.EndsOn, today(s.Deps))
	if err != nil {
		return nil, err
	}
	e.StartsOn, e.EndsOn = start.String(), end.String()
	if e.Units, err = unitsOf(ctx, s.DB, activator, in.UnitIDs); err != nil {
		return nil, err
	}
	e.CreatedAt = s.Now().UnixMilli()
	e.UpdatedAt = e.CreatedAt
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		e.ID, err = db.InsertID(ctx, tx, `INSERT INTO wartime_events (kind_id, org_id, title, starts_on, ends_on, doc_no, summary, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, e.KindID, e.OrgID, e.Title, e.StartsOn, e.EndsOn, e.DocNo, e.Summary, e.CreatedBy, e.CreatedAt, e.UpdatedAt)
		if err != nil {
			return err
		}
		if err := insertUnits(ctx, tx, e.ID, e.Units); err != nil {
			return err
		}
		if err := syncTodos(ctx, tx, today(s.Deps)); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.event.activate", ObjectType: "wartime_event", ObjectID: fmt.Sprint(e.ID),
			Detail: audit.Change{After: e}})
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict("「" + activator.Name + "」已于 " + e.StartsOn + " 启动过「" + e.Title + "」，请勿重复提交")
	}
	if err != nil {
		return nil, err
	}
	e.Teams = []Team{}
	return e, nil
}

func insertUnits(ctx context.Context, tx *db.Tx, eventID int64, us []Unit) error {
	for _, u := range us {
		if _, err := tx.ExecContext(ctx, "INSERT INTO wartime_units (event_id, org_id) VALUES (?,?)", eventID, u.OrgID); err != nil {
			return err
		}
	}
	return nil
}

// Update changes an active event. A new expected end moves the expected
// end of its live 临时党支部 with it.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, pt EventPatch) (*Event, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := writableEvent(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if pt.Version != e.Version {
			return fail.Conflict("该响应已被他人修改，请刷新页面后重试")
		}
		if !e.Active {
			return fail.NotAllowed("id", "该响应已于 "+e.EndedOn+" 结束，不能再修改")
		}
		before := *e
		if pt.Title != nil {
			if e.Title, err = text("title", "响应名称", *pt.Title, true, 100, false); err != nil {
				return err
			}
		}
		if pt.DocNo != nil {
			if e.DocNo, err = text("doc_no", "启动文件文号", *pt.DocNo, false, 50, false); err != nil {
				return err
			}
		}
		if pt.Summary != nil {
			if e.Summary, err = text("summary", "任务说明", *pt.Summary, false, 1000, true); err != nil {
				return err
			}
		}
		if pt.EndsOn != nil {
			start, _ := civil.Parse(e.StartsOn)
			end, err := expectedEnd(start, *pt.EndsOn)
			if err != nil {
				return err
			}
			e.EndsOn = end.String()
		}
		if pt.UnitIDs != nil {
			if err := s.replaceUnits(ctx, tx, e, *pt.UnitIDs); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE wartime_events SET title = ?, ends_on = ?, doc_no = ?, summary = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, e.Title, e.EndsOn, e.DocNo, e.Summary, s.Now().UnixMilli(), e.ID, e.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("该响应已被他人修改，请刷新页面后重试")
		}
		if e.EndsOn != before.EndsOn || e.Title != before.Title {
			if err := s.moveTempEnds(ctx, tx, p, e); err != nil {
				return err
			}
		}
		if err := syncTodos(ctx, tx, today(s.Deps)); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.event.update", ObjectType: "wartime_event", ObjectID: fmt.Sprint(e.ID),
			Detail: audit.Change{Before: before, After: e}})
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict("同一党委同一天启动的响应中已有同名响应")
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// replaceUnits sets the units of e; a unit that holds teams cannot go.
func (s *Service) replaceUnits(ctx context.Context, tx *db.Tx, e *Event, ids []int64) error {
	activator, err := org.Get(ctx, tx, e.OrgID)
	if err != nil {
		return err
	}
	us, err := unitsOf(ctx, tx, activator, ids)
	if err != nil {
		return err
	}
	keep := map[int64]bool{}
	for _, u := range us {
		keep[u.OrgID] = true
	}
	for _, old := range e.Units {
		if keep[old.OrgID] {
			continue
		}
		var n int
		in, args := scope.Under(old.path).Where("o.path")
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM wartime_teams t JOIN orgs o ON o.id = t.org_id WHERE t.event_id = ? AND "+in,
			append([]any{e.ID}, args...)...).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fail.NotAllowed("unit_ids", fmt.Sprintf("「%s」已组建 %d 支队伍（临时党支部、突击队或先锋岗），不能移出参与单位", old.Name, n))
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM wartime_units WHERE event_id = ?", e.ID); err != nil {
		return err
	}
	e.Units = us
	return insertUnits(ctx, tx, e.ID, us)
}

// moveTempEnds gives the live 临时党委 and 临时党支部 of e its expected end
// and task.
func (s *Service) moveTempEnds(ctx context.Context, tx *db.Tx, p *auth.Principal, e *Event) error {
	ids, err := db.IDs(ctx, tx, "SELECT org_id FROM wartime_teams WHERE event_id = ? AND kind IN (?, ?) AND dissolved_on IS NULL", e.ID, TempCommittee, TempBranch)
	if err != nil {
		return err
	}
	for _, id := range ids {
		o, err := org.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		task := taskOf(e)
		if err := org.UpdateIn(ctx, s.Deps, tx, p, id, org.Patch{Version: o.Version, EndsOn: &e.EndsOn, Task: &task}); err != nil {
			return err
		}
	}
	return nil
}

// taskOf is the task a 临时党支部 of e carries in the tree.
func taskOf(e *Event) string { return e.Kind + "：" + e.Title }

// Filter narrows the list of events.
type Filter struct {
	OrgID         int64
	KindID        int64
	State         string // active, ended or "" for both
	From, To      string // start dates
	Q             string // part of the title
	Page, PerPage int
}

// List is a page of events.
type List = listing.List[Event]

// List returns the events the caller sees (narrowed by the filter), newest
// first; PerPage 0 returns them all (the export).
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (*List, error) {
	sc, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := sees(sc)
	where, args := with(eventFrom+" WHERE "+w, args, cond{"e.kind_id = ?", f.KindID, f.KindID != 0}, cond{"e.ended_on IS NULL", nil, f.State == "active"},
		cond{"e.ended_on IS NOT NULL", nil, f.State == "ended"}, cond{"e.starts_on >= ?", f.From, f.From != ""},
		cond{"e.starts_on <= ?", f.To, f.To != ""}, cond{"e.title LIKE ?", "%" + f.Q + "%", f.Q != ""})
	out, err := listing.Read(ctx, s.DB, f.Page, f.PerPage, eventCols, where, "e.starts_on DESC, e.id DESC", args, scanEvent)
	if err != nil {
		return nil, err
	}
	for i := range out.Items {
		if out.Items[i].Units, err = units(ctx, s.DB, out.Items[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Dissolution is what ending an event would do: the preview a 党委 reads
// before confirming.
type Dissolution struct {
	Event   *Event `json:"event"`
	Orgs    []Unit `json:"orgs"`    // live 临时党委, 临时党支部 (and what lies under them) to dissolve
	Teams   []Team `json:"teams"`   // live teams to dissolve
	Members int    `json:"members"` // memberships that end
	// Committees are the live 临时党委: each is dissolved with its 工作总结
	// (EndInput.Summaries).
	Committees []Team `json:"committees"`
}

// Preview lists what ending event id would dissolve, changing nothing.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, id int64) (*Dissolution, error) {
	e, err := writableEvent(ctx, s.DB, p, id)
	if err != nil {
		return nil, err
	}
	return dissolution(ctx, s.DB, e)
}

func dissolution(ctx context.Context, q db.Querier, e *Event) (*Dissolution, error) {
	ts, err := teamsOf(ctx, q, scope.All(), e.ID)
	if err != nil {
		return nil, err
	}
	dv := &Dissolution{Event: e, Orgs: []Unit{}, Teams: []Team{}, Committees: []Team{}}
	seen := map[int64]bool{}
	for _, t := range ts {
		if t.DissolvedOn != "" {
			continue
		}
		dv.Teams = append(dv.Teams, t)
		dv.Members += t.Serving
		if t.Kind == TempCommittee {
			dv.Committees = append(dv.Committees, t)
		}
		if !Temporary(t.Kind) {
			continue
		}
		below, err := org.Subtree(ctx, q, scope.Under(t.orgPath))
		if err != nil {
			return nil, err
		}
		for _, o := range below { // a 临时党委's subtree holds its 临时党支部
			if !o.Dissolved() && !seen[o.ID] {
				seen[o.ID] = true
				dv.Orgs = append(dv.Orgs, Unit{OrgID: o.ID, Name: o.Name, path: o.Path})
			}
		}
	}
	// Deepest first, so that each organisation is empty when dissolved.
	sort.SliceStable(dv.Orgs, func(i, j int) bool { return len(dv.Orgs[i].path) > len(dv.Orgs[j].path) })
	return dv, nil
}

// EndInput deactivates an event. Summaries holds the 工作总结 of each
// live 临时党委, by team id: required, one each.
type EndInput struct {
	Version   int              `json:"version"`
	EndedOn   string           `json:"ended_on"` // today when empty
	Note      string           `json:"note"`
	Summaries map[int64]string `json:"summaries,omitempty"`
}

// End deactivates an event: its temporary organisations are dissolved in
// the tree, its teams dissolved and every membership ended on that day, all
// in one transaction. Records, flags and history stay.
func (s *Service) End(ctx context.Context, p *auth.Principal, id int64, in EndInput) (*Event, error) {
	t := today(s.Deps)
	if strings.TrimSpace(in.EndedOn) == "" {
		in.EndedOn = t.String()
	}
	on, err := day("ended_on", "结束日期", in.EndedOn, true, t)
	if err != nil {
		return nil, err
	}
	note, err := text("note", "结束说明", in.Note, false, 500, true)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := writableEvent(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !e.Active {
			return fail.Conflict("该响应已于 " + e.EndedOn + " 结束")
		}
		if in.Version != e.Version {
			return fail.Conflict("该响应已被他人修改，请刷新页面后重试")
		}
		if on.String() < e.StartsOn {
			return fail.NotAllowed("ended_on", "结束日期不能早于启动日期（"+e.StartsOn+"）")
		}
		dv, err := dissolution(ctx, tx, e)
		if err != nil {
			return err
		}
		summaries := map[int64]string{}
		for _, c := range dv.Committees {
			if summaries[c.ID], err = text(fmt.Sprintf("summaries.%d", c.ID), "「"+c.Name+"」的工作总结", in.Summaries[c.ID], true, 2000, true); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE wartime_teams SET summary = ? WHERE id = ?", summaries[c.ID], c.ID); err != nil {
				return err
			}
		}
		for id := range in.Summaries {
			if _, ok := summaries[id]; !ok {
				return fail.Malformed("summaries", fmt.Sprintf("工作总结只为本次响应在编的临时党委填写（编号 %d 不是）", id))
			}
		}
		for _, o := range dv.Orgs {
			if err := org.DissolveIn(ctx, s.Deps, tx, p, o.OrgID, on.String(), 0); err != nil {
				return err
			}
		}
		now := s.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE wartime_members SET left_on = ? WHERE left_on IS NULL AND team_id IN (SELECT id FROM wartime_teams WHERE event_id = ?)`,
			on.String(), e.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE wartime_teams SET dissolved_on = ?, updated_at = ?, version = version + 1 WHERE event_id = ? AND dissolved_on IS NULL",
			on.String(), now, e.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE wartime_events SET ended_on = ?, end_note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			on.String(), note, now, e.ID, e.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("该响应已被他人修改，请刷新页面后重试")
		}
		if err := syncTodos(ctx, tx, t); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.event.end", ObjectType: "wartime_event", ObjectID: fmt.Sprint(e.ID),
			Detail: map[string]any{"ended_on": on.String(), "note": note, "orgs": len(dv.Orgs), "teams": len(dv.Teams), "members": dv.Members,
				"summaries": summaries}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}
