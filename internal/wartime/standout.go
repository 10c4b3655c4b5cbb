package wartime

import (
	"context"
	"fmt"
	"net/url"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Standout is a person found 表现突出 in an event, by the 临时党支部 or the
// unit of a team they served in. It opens the priority path of member
// development: 优先发展成为积极分子, a shorter 培养期, 火线入党.
type Standout struct {
	ID          int64  `json:"id"`
	EventID     int64  `json:"event_id"`
	EventTitle  string `json:"event_title"`
	EventKind   string `json:"event_kind"`
	PersonID    int64  `json:"person_id"`
	PersonName  string `json:"person_name"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Category    string `json:"category"`
	HomeOrgID   int64  `json:"home_org_id"`
	HomeOrg     string `json:"home_org"`
	TeamID      int64  `json:"team_id"`
	TeamName    string `json:"team_name"`
	OrgID       int64  `json:"org_id"` // who found it: the 临时党支部 or the unit
	OrgName     string `json:"org_name"`
	OnDate      string `json:"on_date"`
	Reason      string `json:"reason"`
	Records     int    `json:"records"` // in the event
	CreatedBy   string `json:"created_by"`
	teamPath    string
}

// Path names the step of the priority path that fits the person's status.
func (s Standout) Path() string { return PriorityPath(s.Status) }

// PriorityPath is what the priority path offers a 表现突出 person of a
// status: an applicant → 优先确定为入党积极分子; an activist → a shorter
// 培养期 (or 火线入党); a 发展对象 → 优先发展入党; someone who has not
// applied (群众 民辅警) → encouraged to apply, then developed first.
func PriorityPath(status string) string {
	switch status {
	case "applicant":
		return "可优先确定为入党积极分子"
	case "activist":
		return "可申请适当缩短培养期"
	case "candidate":
		return "可优先发展入党"
	case "probationary", "full", "suspended":
		return ""
	}
	if _, ok := gone[status]; ok {
		return ""
	}
	return "可引导递交入党申请、优先发展"
}

// StandoutInput finds a member of a team 表现突出.
type StandoutInput struct {
	PersonID int64  `json:"person_id"`
	OnDate   string `json:"on_date"`
	Reason   string `json:"reason"`
}

const standoutCols = `s.id, s.event_id, e.title, k.name, s.person_id, p.name, p.status, p.category, p.org_id, po.name, s.team_id, t.name,
	s.org_id, so.name, s.on_date, s.reason, s.created_by, o.path,
	(SELECT COUNT(*) FROM wartime_records r WHERE r.event_id = s.event_id AND r.person_id = s.person_id)`

const standoutFrom = ` FROM wartime_standouts s JOIN wartime_events e ON e.id = s.event_id JOIN wartime_kinds k ON k.id = e.kind_id
	JOIN wartime_teams t ON t.id = s.team_id JOIN orgs o ON o.id = t.org_id JOIN orgs so ON so.id = s.org_id
	JOIN persons p ON p.id = s.person_id JOIN orgs po ON po.id = p.org_id`

func scanStandout(sc scanner) (*Standout, error) {
	var s Standout
	err := sc.Scan(&s.ID, &s.EventID, &s.EventTitle, &s.EventKind, &s.PersonID, &s.PersonName, &s.Status, &s.Category, &s.HomeOrgID, &s.HomeOrg,
		&s.TeamID, &s.TeamName, &s.OrgID, &s.OrgName, &s.OnDate, &s.Reason, &s.CreatedBy, &s.teamPath, &s.Records)
	s.StatusLabel = member.StatusLabel(s.Status)
	return &s, err
}

// SetStandout records that a member of a team the caller administers was
// 表现突出 in the event, on the strength of their records there. Once per
// person and event.
func (s *Service) SetStandout(ctx context.Context, p *auth.Principal, teamID int64, in StandoutInput) (*Standout, error) {
	t, err := writableTeam(ctx, s.DB, p, teamID)
	if err != nil {
		return nil, err
	}
	if in.PersonID <= 0 {
		return nil, fail.Malformed("person_id", "请选择人员")
	}
	on, err := day("on_date", "认定日期", in.OnDate, true, today(s.Deps))
	if err != nil {
		return nil, err
	}
	if on.String() < t.eventStart {
		return nil, fail.NotAllowed("on_date", "认定日期不能早于响应启动日期（"+t.eventStart+"）")
	}
	reason, err := text("reason", "突出表现", in.Reason, true, 500, true)
	if err != nil {
		return nil, err
	}
	var n, records int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM wartime_members WHERE team_id = ? AND person_id = ?", t.ID, in.PersonID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fail.NotAllowed("person_id", "该人员不是「"+t.Name+"」的成员")
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM wartime_records WHERE event_id = ? AND person_id = ?", t.EventID, in.PersonID).Scan(&records); err != nil {
		return nil, err
	}
	if records == 0 {
		return nil, fail.NotAllowed("person_id", "认定表现突出须以表现纪实为依据，请先登记该人员的表现纪实")
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO wartime_standouts (event_id, person_id, team_id, org_id, on_date, reason, created_by, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, t.EventID, in.PersonID, t.ID, t.OrgID, on.String(), reason, p.Username, s.Now().UnixMilli())
		if err != nil {
			return err
		}
		if err := syncTodos(ctx, tx, today(s.Deps)); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.standout", ObjectType: "wartime_team", ObjectID: fmt.Sprint(t.ID),
			Detail: audit.Change{After: map[string]any{"event_id": t.EventID, "person_id": in.PersonID, "on_date": on.String(), "reason": reason}}})
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict("该人员在本次响应中已被认定表现突出，不能重复认定")
	}
	if err != nil {
		return nil, err
	}
	w, args := seesRecord(scope.Of(p))
	return scanStandout(s.DB.QueryRowContext(ctx, "SELECT "+standoutCols+standoutFrom+" WHERE s.id = ? AND "+w, append([]any{id}, args...)...))
}

// StandoutFilter narrows the list of 表现突出 people.
type StandoutFilter struct {
	OrgID, EventID int64
	Page, PerPage  int
}

// ParseStandoutFilter reads org and event (the page is the shared pager's:
// paging).
func ParseStandoutFilter(q url.Values) (StandoutFilter, error) {
	var f StandoutFilter
	var err error
	if f.OrgID, err = input.Positive("org", "组织编号", q.Get("org")); err != nil {
		return f, err
	}
	f.EventID, err = input.Positive("event", "响应编号", q.Get("event"))
	return f, err
}

// StandoutList is a page of 表现突出 people.
type StandoutList = listing.List[Standout]

// Standouts lists the 表现突出 people the caller sees (found by a team of
// their scope, or belonging to it), newest first; PerPage 0 returns all.
func (s *Service) Standouts(ctx context.Context, p *auth.Principal, f StandoutFilter) (*StandoutList, error) {
	narrow, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := seesRecord(narrow)
	where, args := with(standoutFrom+" WHERE "+w, args, cond{"s.event_id = ?", f.EventID, f.EventID != 0})
	return listing.Read(ctx, s.DB, f.Page, f.PerPage, standoutCols, where, "s.on_date DESC, s.id DESC", args, scanStandout)
}
