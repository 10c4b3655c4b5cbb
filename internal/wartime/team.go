package wartime

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Service runs the response events, their teams and records.
type Service struct{ *core.Deps }

// New builds the service.
func New(d *core.Deps) *Service { return &Service{d} }

// Team is a 临时党支部, 党员突击队 or 党员先锋岗 of an event.
type Team struct {
	ID          int64    `json:"id"`
	EventID     int64    `json:"event_id"`
	EventTitle  string   `json:"event_title"`
	EventActive bool     `json:"event_active"`
	Kind        string   `json:"kind"`
	KindLabel   string   `json:"kind_label"`
	Name        string   `json:"name"`
	OrgID       int64    `json:"org_id"` // the 临时党支部 itself, or the unit that set the team up
	OrgName     string   `json:"org_name"`
	Duty        string   `json:"duty"`
	ApprovalDoc string   `json:"approval_doc,omitempty"` // a 临时党委's 批准文号
	ParentTeam  int64    `json:"parent_team,omitempty"`  // a 临时党支部 under a 临时党委 of the event
	ParentName  string   `json:"parent_name,omitempty"`
	FormedOn    string   `json:"formed_on"`
	DissolvedOn string   `json:"dissolved_on,omitempty"`
	Summary     string   `json:"summary,omitempty"` // a 临时党委's 工作总结, written when it is dissolved
	Serving     int      `json:"serving"`           // members now
	Served      int      `json:"served"`            // everyone who served, those who left included
	Members     []Member `json:"members,omitempty"`
	Version     int      `json:"version"`
	orgPath     string
	eventStart  string
}

// Member is one person's service in a team. They keep their home
// organisation (HomeOrg): serving is never a transfer.
type Member struct {
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Category    string `json:"category"`
	HomeOrgID   int64  `json:"home_org_id"`
	HomeOrg     string `json:"home_org"`
	Role        string `json:"role"`
	JoinedOn    string `json:"joined_on"`
	LeftOn      string `json:"left_on,omitempty"`
	Records     int    `json:"records"`
	Standout    string `json:"standout_on,omitempty"` // the day found 表现突出 in this event
	LastReport  string `json:"last_report,omitempty"` // the last day they reported in on their phone
	Reports     int    `json:"reports"`               // days reported in
}

// TeamInput sets up a team. For a 临时党委 OrgID is the 党委 with 审批权限
// that approves it (ApprovalDoc its 批准文号); for a 临时党支部 the 党委,
// 党总支 or 临时党委 of the event it is set up under; for the other kinds
// the unit that sets the team up.
type TeamInput struct {
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	OrgID       int64  `json:"org_id"`
	Duty        string `json:"duty"`
	ApprovalDoc string `json:"approval_doc,omitempty"`
	FormedOn    string `json:"formed_on"`
}

// MemberInput adds a person to a team.
type MemberInput struct {
	PersonID int64  `json:"person_id"`
	Role     string `json:"role"`
	JoinedOn string `json:"joined_on"`
}

const teamCols = `t.id, t.event_id, e.title, e.ended_on IS NULL, e.starts_on, t.kind, t.name, t.org_id, o.name, o.path, t.duty, t.approval_doc,
	COALESCE((SELECT c.id FROM wartime_teams c WHERE c.event_id = t.event_id AND c.kind = 'committee' AND c.org_id = o.parent_id), 0),
	COALESCE((SELECT c.name FROM wartime_teams c WHERE c.event_id = t.event_id AND c.kind = 'committee' AND c.org_id = o.parent_id), ''),
	t.formed_on, COALESCE(t.dissolved_on, ''), t.summary, t.version,
	(SELECT COUNT(*) FROM wartime_members m WHERE m.team_id = t.id AND m.left_on IS NULL),
	(SELECT COUNT(*) FROM wartime_members m WHERE m.team_id = t.id)`

const teamFrom = ` FROM wartime_teams t JOIN wartime_events e ON e.id = t.event_id JOIN orgs o ON o.id = t.org_id`

func scanTeam(s scanner) (*Team, error) {
	var t Team
	err := s.Scan(&t.ID, &t.EventID, &t.EventTitle, &t.EventActive, &t.eventStart, &t.Kind, &t.Name, &t.OrgID, &t.OrgName, &t.orgPath, &t.Duty,
		&t.ApprovalDoc, &t.ParentTeam, &t.ParentName, &t.FormedOn, &t.DissolvedOn, &t.Summary, &t.Version, &t.Serving, &t.Served)
	t.KindLabel = TeamLabel(t.Kind)
	return &t, err
}

// kindOrder sorts teams as TeamKinds lists their kinds: 临时党委 first.
const kindOrder = "CASE t.kind WHEN 'committee' THEN 0 WHEN 'branch' THEN 1 WHEN 'squad' THEN 2 ELSE 3 END"

// teamsOf lists the teams of an event set up in sc.
func teamsOf(ctx context.Context, q db.Querier, sc scope.Subtree, eventID int64) ([]Team, error) {
	in, args := sc.Where("o.path")
	rows, err := q.QueryContext(ctx, "SELECT "+teamCols+teamFrom+" WHERE t.event_id = ? AND "+in+" ORDER BY "+kindOrder+", t.id", append([]any{eventID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Team{}
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// loadTeam reads a team set up in sc; anything else is a 404.
func loadTeam(ctx context.Context, q db.Querier, sc scope.Subtree, id int64) (*Team, error) {
	in, args := sc.Where("o.path")
	t, err := scanTeam(q.QueryRowContext(ctx, "SELECT "+teamCols+teamFrom+" WHERE t.id = ? AND "+in, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return t, err
}

// writableTeam loads a team the caller administers.
func writableTeam(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Team, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	return loadTeam(ctx, q, scope.Of(p), id)
}

// GetTeam returns a team of the caller's scope with its members.
func (s *Service) GetTeam(ctx context.Context, p *auth.Principal, id int64) (*Team, error) {
	t, err := loadTeam(ctx, s.DB, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	t.Members, err = members(ctx, s.DB, t)
	return t, err
}

func members(ctx context.Context, q db.Querier, t *Team) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.person_id, p.name, p.status, p.category, p.org_id, po.name, m.role, m.joined_on, COALESCE(m.left_on, ''),
		(SELECT COUNT(*) FROM wartime_records r WHERE r.team_id = m.team_id AND r.person_id = m.person_id),
		COALESCE((SELECT s.on_date FROM wartime_standouts s WHERE s.event_id = ? AND s.person_id = m.person_id), ''),
		COALESCE((SELECT MAX(w.on_date) FROM wartime_reports w WHERE w.team_id = m.team_id AND w.person_id = m.person_id), ''),
		(SELECT COUNT(*) FROM wartime_reports w WHERE w.team_id = m.team_id AND w.person_id = m.person_id)
		FROM wartime_members m JOIN persons p ON p.id = m.person_id JOIN orgs po ON po.id = p.org_id
		WHERE m.team_id = ? ORDER BY m.left_on IS NOT NULL, m.id`, t.EventID, t.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.PersonID, &m.Name, &m.Status, &m.Category, &m.HomeOrgID, &m.HomeOrg, &m.Role, &m.JoinedOn, &m.LeftOn,
			&m.Records, &m.Standout, &m.LastReport, &m.Reports); err != nil {
			return nil, err
		}
		m.StatusLabel = member.StatusLabel(m.Status)
		out = append(out, m)
	}
	return out, rows.Err()
}

// within reports whether the organisation at path may hold a team of e:
// the activating 党委 itself, a unit involved or one below it, or a live
// 临时党委 of e (committees: their org ids) and what lies under it.
func within(e *Event, path string, committees map[int64]string) bool {
	if path == e.orgPath {
		return true
	}
	for _, u := range e.Units {
		if scope.Under(u.path).Contains(path) {
			return true
		}
	}
	for _, cp := range committees {
		if scope.Under(cp).Contains(path) {
			return true
		}
	}
	return false
}

// liveCommittees are the live 临时党委 of an event: org id → path.
func liveCommittees(ctx context.Context, q db.Querier, eventID int64) (map[int64]string, error) {
	return db.Pairs[string](ctx, q, `SELECT o.id, o.path FROM wartime_teams t JOIN orgs o ON o.id = t.org_id
		WHERE t.event_id = ? AND t.kind = ? AND t.dissolved_on IS NULL`, eventID, TempCommittee)
}

// AddTeam sets up a team under an active event. A 临时党支部 becomes an
// organisation of the tree (kind temp_branch, carrying the event as its
// task and expected end), in the same transaction.
func (s *Service) AddTeam(ctx context.Context, p *auth.Principal, eventID int64, in TeamInput) (*Team, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	e, err := loadEvent(ctx, s.DB, scope.Of(p), eventID)
	if err != nil {
		return nil, err
	}
	if !e.Active {
		return nil, fail.NotAllowed("event_id", "该响应已于 "+e.EndedOn+" 结束，不能再组建队伍")
	}
	kind, ok := teamKind(in.Kind)
	if !ok {
		return nil, fail.Malformed("kind", "请选择队伍类型：临时党支部、党员突击队或党员先锋岗")
	}
	name, err := text("name", kind.Label+"名称", in.Name, true, 100, false)
	if err != nil {
		return nil, err
	}
	duty, err := text("duty", "承担任务", in.Duty, false, 500, true)
	if err != nil {
		return nil, err
	}
	formed, err := day("formed_on", "组建日期", in.FormedOn, true, today(s.Deps))
	if err != nil {
		return nil, err
	}
	if formed.String() < e.StartsOn {
		return nil, fail.NotAllowed("formed_on", "组建日期不能早于响应启动日期（"+e.StartsOn+"）")
	}
	if in.OrgID <= 0 {
		return nil, fail.Malformed("org_id", "请选择组建队伍的单位")
	}
	path, err := org.WritablePath(ctx, s.DB, p, in.OrgID)
	if err != nil {
		return nil, err
	}
	committees, err := liveCommittees(ctx, s.DB, e.ID)
	if err != nil {
		return nil, err
	}
	if !within(e, path, committees) {
		return nil, fail.NotAllowed("org_id", "组建单位须为启动响应的党委、本次响应的临时党委，或参与单位及其下级组织")
	}
	approval := ""
	if kind.Key == TempCommittee {
		if approval, err = s.committeeApproval(ctx, in); err != nil {
			return nil, err
		}
	} else if in.ApprovalDoc != "" {
		return nil, fail.Malformed("approval_doc", "批准文号只用于临时党委")
	}
	var teamID int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		host := in.OrgID
		if orgKind := map[string]string{TempCommittee: org.TempCommittee, TempBranch: org.TempBranch}[kind.Key]; orgKind != "" {
			o, err := org.CreateIn(ctx, s.Deps, tx, p, org.NewOrg{ParentID: in.OrgID,
				Input: org.Input{Name: name, Kind: orgKind, Task: taskOf(e), EndsOn: e.EndsOn}})
			if err != nil {
				return err
			}
			host = o.ID
		}
		now := s.Now().UnixMilli()
		var err error
		teamID, err = db.InsertID(ctx, tx, `INSERT INTO wartime_teams (event_id, kind, name, org_id, duty, approval_doc, formed_on, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, e.ID, kind.Key, name, host, duty, approval, formed.String(), now, now)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.team.create", ObjectType: "wartime_team", ObjectID: fmt.Sprint(teamID),
			Detail: audit.Change{After: map[string]any{"event_id": e.ID, "kind": kind.Key, "name": name, "org_id": host, "duty": duty,
				"approval_doc": approval, "formed_on": formed.String()}}})
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict("本次响应中已有名为「" + name + "」的队伍")
	}
	if err != nil {
		return nil, err
	}
	return s.GetTeam(ctx, p, teamID)
}

// committeeApproval checks who approves a 临时党委: a 党委 with 审批权限
// (the one it is set up under), with its 批准文号.
func (s *Service) committeeApproval(ctx context.Context, in TeamInput) (string, error) {
	approver, err := org.Get(ctx, s.DB, in.OrgID)
	if err != nil {
		return "", err
	}
	if !org.CanApprove(approver) {
		return "", fail.Rule(ruleCommittee, citeCommittee, "临时党委须由具有审批权限的党委批准设立，「"+approver.Name+"」不是具有审批权限的党委；"+
			"请选择批准设立的党委，或在其下组建临时党支部")
	}
	return text("approval_doc", "批准文号", in.ApprovalDoc, true, 50, false)
}

// openTeam loads a live team the caller administers, for changing its
// members.
func openTeam(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Team, error) {
	t, err := writableTeam(ctx, q, p, id)
	if err != nil {
		return nil, err
	}
	if t.DissolvedOn != "" {
		return nil, fail.NotAllowed("id", "「"+t.Name+"」已于 "+t.DissolvedOn+" 随响应结束撤销，不能再调整成员")
	}
	return t, nil
}

// AddMember puts a person of the caller's scope in a live team. A
// 临时党支部 takes party members only; a 突击队 or 先锋岗 anyone who still
// serves in the bureau (群众 民辅警 included). The person keeps their home
// organisation.
func (s *Service) AddMember(ctx context.Context, p *auth.Principal, teamID int64, in MemberInput) (*Team, error) {
	t, err := openTeam(ctx, s.DB, p, teamID)
	if err != nil {
		return nil, err
	}
	if in.PersonID <= 0 {
		return nil, fail.Malformed("person_id", "请选择人员")
	}
	pr, err := member.GetIn(ctx, s.DB, scope.Of(p), in.PersonID)
	if errors.Is(err, db.ErrNotFound) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if why, ok := gone[pr.Status]; ok {
		return nil, fail.NotAllowed("person_id", pr.Name+why+"，不能编入队伍")
	}
	if Temporary(t.Kind) && !partyStatuses[pr.Status] {
		return nil, fail.Rule(ruleTemp, citeTemp, t.KindLabel+"由党员组成，"+pr.Name+"是"+member.StatusLabel(pr.Status)+
			"，可编入党员突击队或党员先锋岗")
	}
	kind, _ := teamKind(t.Kind)
	role := in.Role
	if role == "" {
		role = kind.Roles[0]
	}
	if !slices.Contains(kind.Roles, role) {
		return nil, fail.Malformed("role", fmt.Sprintf("%s中的职务应为：%v", kind.Label, kind.Roles))
	}
	joined, err := day("joined_on", "编入日期", in.JoinedOn, true, today(s.Deps))
	if err != nil {
		return nil, err
	}
	if joined.String() < t.FormedOn {
		return nil, fail.NotAllowed("joined_on", "编入日期不能早于队伍组建日期（"+t.FormedOn+"）")
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var left *string
		err := tx.QueryRowContext(ctx, "SELECT left_on FROM wartime_members WHERE team_id = ? AND person_id = ?", t.ID, pr.ID).Scan(&left)
		switch {
		case err == nil && left == nil:
			return fail.Conflict(pr.Name + "已在「" + t.Name + "」中")
		case err == nil: // back after leaving: the same row serves again
			_, err = tx.ExecContext(ctx, "UPDATE wartime_members SET role = ?, joined_on = ?, left_on = NULL WHERE team_id = ? AND person_id = ?",
				role, joined.String(), t.ID, pr.ID)
		case db.IsNoRows(err):
			_, err = tx.ExecContext(ctx, "INSERT INTO wartime_members (team_id, person_id, role, joined_on, created_at) VALUES (?,?,?,?,?)",
				t.ID, pr.ID, role, joined.String(), s.Now().UnixMilli())
		}
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.member.add", ObjectType: "wartime_team", ObjectID: fmt.Sprint(t.ID),
			Detail: audit.Change{After: map[string]any{"person_id": pr.ID, "name": pr.Name, "role": role, "joined_on": joined.String()}}})
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict(pr.Name + "已在「" + t.Name + "」中")
	}
	if err != nil {
		return nil, err
	}
	return s.GetTeam(ctx, p, t.ID)
}

// LeaveInput takes a person out of a team.
type LeaveInput struct {
	LeftOn string `json:"left_on"`
}

// Leave ends a person's service in a live team; the records stay.
func (s *Service) Leave(ctx context.Context, p *auth.Principal, teamID, personID int64, in LeaveInput) (*Team, error) {
	t, err := openTeam(ctx, s.DB, p, teamID)
	if err != nil {
		return nil, err
	}
	left, err := day("left_on", "离队日期", in.LeftOn, true, today(s.Deps))
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var joined string
		err := tx.QueryRowContext(ctx, "SELECT joined_on FROM wartime_members WHERE team_id = ? AND person_id = ? AND left_on IS NULL", t.ID, personID).Scan(&joined)
		if db.IsNoRows(err) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		if left.String() < joined {
			return fail.NotAllowed("left_on", "离队日期不能早于编入日期（"+joined+"）")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE wartime_members SET left_on = ? WHERE team_id = ? AND person_id = ?", left.String(), t.ID, personID); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.member.leave", ObjectType: "wartime_team", ObjectID: fmt.Sprint(t.ID),
			Detail: audit.Change{Before: map[string]any{"person_id": personID, "joined_on": joined}, After: map[string]any{"person_id": personID, "left_on": left.String()}}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetTeam(ctx, p, t.ID)
}
