package wartime

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
)

// MyTeam is one of the caller's services in a team, as their phone shows
// it: the team, its duty (a 先锋岗's post and hours), their role, and
// whether they have reported in today.
type MyTeam struct {
	TeamID      int64  `json:"team_id"`
	EventID     int64  `json:"event_id"`
	EventTitle  string `json:"event_title"`
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	Name        string `json:"name"`
	OrgName     string `json:"org_name"`
	Duty        string `json:"duty"`
	Role        string `json:"role"`
	JoinedOn    string `json:"joined_on"`
	LeftOn      string `json:"left_on,omitempty"`
	DissolvedOn string `json:"dissolved_on,omitempty"`
	Serving     int    `json:"serving"`       // members now
	Reported    string `json:"reported_at"`   // today's report, "08:12", or ""
	Days        int    `json:"days_reported"` // days reported in this team
}

// Live reports a service that goes on: a live team the person has not left.
func (t MyTeam) Live() bool { return t.LeftOn == "" && t.DissolvedOn == "" }

// ReportLabel is what reporting in is called: 到岗 at a 先锋岗, 报到 elsewhere.
func (t MyTeam) ReportLabel() string {
	if t.Kind == Post {
		return "到岗打卡"
	}
	return "报到"
}

// MyDeed is one of the caller's 表现纪实.
type MyDeed struct {
	OnDate     string `json:"on_date"`
	EventTitle string `json:"event_title"`
	TeamName   string `json:"team_name"`
	Deed       string `json:"deed"`
	AttestedBy string `json:"attested_by"`
}

// MyStandout is an event where the caller was found 表现突出.
type MyStandout struct {
	EventTitle string `json:"event_title"`
	OnDate     string `json:"on_date"`
	Reason     string `json:"reason"`
}

// Mine is the caller's wartime page: where they serve now, where they
// served, their deeds and the events where they were found 表现突出.
type Mine struct {
	Today     string       `json:"today"`
	Serving   []MyTeam     `json:"serving"`
	Served    []MyTeam     `json:"served"`
	Deeds     []MyDeed     `json:"deeds"`
	Standouts []MyStandout `json:"standouts"`
}

// personOf is the caller's own person: an account without one has no
// wartime service.
func personOf(p *auth.Principal) (int64, error) {
	if p == nil || p.PersonID == 0 {
		return 0, fail.Denied("no_person", "您的账号未关联人员档案，没有本人的战时编队")
	}
	return p.PersonID, nil
}

// MineOf gathers the caller's own wartime page.
func (s *Service) MineOf(ctx context.Context, p *auth.Principal) (*Mine, error) {
	pid, err := personOf(p)
	if err != nil {
		return nil, err
	}
	t := today(s.Deps)
	m := &Mine{Today: t.String(), Serving: []MyTeam{}, Served: []MyTeam{}, Deeds: []MyDeed{}, Standouts: []MyStandout{}}
	rows, err := s.DB.QueryContext(ctx, `SELECT t.id, t.event_id, e.title, t.kind, t.name, o.name, t.duty, m.role, m.joined_on, COALESCE(m.left_on, ''),
		COALESCE(t.dissolved_on, ''), (SELECT COUNT(*) FROM wartime_members x WHERE x.team_id = t.id AND x.left_on IS NULL),
		COALESCE((SELECT r.created_at FROM wartime_reports r WHERE r.team_id = t.id AND r.person_id = m.person_id AND r.on_date = ?), 0),
		(SELECT COUNT(*) FROM wartime_reports r WHERE r.team_id = t.id AND r.person_id = m.person_id)
		FROM wartime_members m JOIN wartime_teams t ON t.id = m.team_id JOIN wartime_events e ON e.id = t.event_id JOIN orgs o ON o.id = t.org_id
		WHERE m.person_id = ? ORDER BY m.joined_on DESC, t.id DESC`, t.String(), pid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x MyTeam
		var at int64
		if err := rows.Scan(&x.TeamID, &x.EventID, &x.EventTitle, &x.Kind, &x.Name, &x.OrgName, &x.Duty, &x.Role, &x.JoinedOn, &x.LeftOn,
			&x.DissolvedOn, &x.Serving, &at, &x.Days); err != nil {
			return nil, err
		}
		x.KindLabel = TeamLabel(x.Kind)
		if at != 0 {
			x.Reported = clock(at)
		}
		if x.Live() {
			m.Serving = append(m.Serving, x)
		} else {
			m.Served = append(m.Served, x)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	deeds, err := s.DB.QueryContext(ctx, `SELECT r.on_date, e.title, t.name, r.deed, r.attested_by FROM wartime_records r
		JOIN wartime_teams t ON t.id = r.team_id JOIN wartime_events e ON e.id = r.event_id
		WHERE r.person_id = ? ORDER BY r.on_date DESC, r.id DESC LIMIT 100`, pid)
	if err != nil {
		return nil, err
	}
	defer deeds.Close()
	for deeds.Next() {
		var d MyDeed
		if err := deeds.Scan(&d.OnDate, &d.EventTitle, &d.TeamName, &d.Deed, &d.AttestedBy); err != nil {
			return nil, err
		}
		m.Deeds = append(m.Deeds, d)
	}
	if err := deeds.Err(); err != nil {
		return nil, err
	}
	deeds.Close()
	st, err := s.DB.QueryContext(ctx, `SELECT e.title, s.on_date, s.reason FROM wartime_standouts s JOIN wartime_events e ON e.id = s.event_id
		WHERE s.person_id = ? ORDER BY s.on_date DESC`, pid)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for st.Next() {
		var x MyStandout
		if err := st.Scan(&x.EventTitle, &x.OnDate, &x.Reason); err != nil {
			return nil, err
		}
		m.Standouts = append(m.Standouts, x)
	}
	return m, st.Err()
}

// clock is the Asia/Shanghai time of day of a unix millisecond, "08:12".
func clock(ms int64) string {
	return time.UnixMilli(ms).In(web.Shanghai).Format("15:04")
}

// ReportInput is a member's report for today.
type ReportInput struct {
	Note string `json:"note"`
}

// Report records that the caller reported in today for a live team they
// serve in (到岗报到). Once a day: a second report the same day changes
// nothing and answers the first (replayed).
func (s *Service) Report(ctx context.Context, p *auth.Principal, teamID int64, in ReportInput) (*MyTeam, bool, error) {
	pid, err := personOf(p)
	if err != nil {
		return nil, false, err
	}
	note, err := text("note", "备注", in.Note, false, 200, false)
	if err != nil {
		return nil, false, err
	}
	t := today(s.Deps)
	replayed := false
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var left, dissolved *string
		var name string
		err := tx.QueryRowContext(ctx, `SELECT t.name, m.left_on, t.dissolved_on FROM wartime_members m JOIN wartime_teams t ON t.id = m.team_id
			WHERE m.team_id = ? AND m.person_id = ?`, teamID, pid).Scan(&name, &left, &dissolved)
		if db.IsNoRows(err) {
			return fail.NotFound() // not their team
		}
		if err != nil {
			return err
		}
		if dissolved != nil {
			return fail.NotAllowed("team_id", "「"+name+"」已于 "+*dissolved+" 撤销，不能再报到")
		}
		if left != nil {
			return fail.NotAllowed("team_id", "您已于 "+*left+" 离开「"+name+"」，不能再报到")
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM wartime_reports WHERE team_id = ? AND person_id = ? AND on_date = ?", teamID, pid, t.String()).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			replayed = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO wartime_reports (team_id, person_id, on_date, note, created_at) VALUES (?,?,?,?,?)",
			teamID, pid, t.String(), note, s.Now().UnixMilli()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.report", ObjectType: "wartime_team", ObjectID: fmt.Sprint(teamID),
			Detail: audit.Change{After: map[string]any{"person_id": pid, "on_date": t.String(), "note": note}}})
	})
	if db.IsUnique(err) { // two reports racing: the other one counts
		replayed, err = true, nil
	}
	if err != nil {
		return nil, false, err
	}
	m, err := s.MineOf(ctx, p)
	if err != nil {
		return nil, false, err
	}
	for i := range m.Serving {
		if m.Serving[i].TeamID == teamID {
			return &m.Serving[i], replayed, nil
		}
	}
	return nil, false, fail.NotFound()
}

// --- HTTP ---

var minePage = page("mine")

func (h *handlers) phoneRoutes() []web.Route {
	mine := MyTeam{TeamID: 7, EventID: 1, EventTitle: "丝绸之路国际博览会安保", Kind: Post, KindLabel: "党员先锋岗", Name: "主场馆安检党员先锋岗",
		OrgName: "市局党委", Duty: "每日 8:00–20:00 东门安检口值守", Role: "岗长", JoinedOn: "2026-11-06", Serving: 3, Reported: "07:52", Days: 12}
	return []web.Route{
		{Method: "GET", Pattern: "/m/wartime", Perm: web.PartyView, Handler: h.pageMine},
		{Method: "POST", Pattern: "/m/wartime/teams/{id}/report", Perm: web.PartyView, Handler: h.formReport},
		{Method: "GET", Pattern: "/api/v1/my-wartime", Perm: web.PartyView, Handler: h.apiMine, Doc: doc("本人的战时编队（临时党委、临时党支部、突击队、先锋岗）、今日报到、表现纪实和表现突出认定", nil, nil,
			Mine{Today: "2026-12-06", Serving: []MyTeam{mine}, Served: []MyTeam{}, Deeds: []MyDeed{{OnDate: "2026-11-20", EventTitle: mine.EventTitle,
				TeamName: mine.Name, Deed: "连续值守安检口12小时", AttestedBy: "临时党支部书记 王某"}}, Standouts: []MyStandout{}})},
		{Method: "POST", Pattern: "/api/v1/my-wartime/teams/{id}/report", Perm: web.PartyView, Handler: h.apiReport, Doc: doc(
			"本人到岗报到（在编队伍，每天一次；同一天再次提交不重复记录，replayed 为 true）", nil, ReportInput{Note: "东门安检口"},
			map[string]any{"team": mine, "replayed": false})},
	}
}

func (h *handlers) apiMine(w http.ResponseWriter, r *http.Request) error {
	m, err := h.MineOf(r.Context(), web.Principal(r))
	return web.Reply(w, http.StatusOK, m, err)
}

func (h *handlers) pageMine(w http.ResponseWriter, r *http.Request) error {
	m, err := h.MineOf(r.Context(), web.Principal(r))
	if err != nil {
		return err
	}
	return h.Web.Render(w, r, minePage, m)
}

func (h *handlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ReportInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, replayed, err := h.Report(r.Context(), web.Principal(r), id, in)
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	return web.Reply(w, status, map[string]any{"team": t, "replayed": replayed}, err)
}

func (h *handlers) formReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	t, replayed, err := h.Report(r.Context(), web.Principal(r), id, ReportInput{Note: r.FormValue("note")})
	if err != nil && !fail.IsNotFound(err) { // a refusal shows the page again with its reason
		m, merr := h.MineOf(r.Context(), web.Principal(r))
		if merr != nil {
			return merr
		}
		return h.Web.RenderStatus(w, r, 0, minePage, m, err)
	}
	if err != nil {
		return err
	}
	msg := "已" + t.ReportLabel() + "（" + t.Reported + "）"
	if replayed {
		msg = "今天已于 " + t.Reported + " " + t.ReportLabel() + "，无需重复提交"
	}
	http.Redirect(w, r, "/m/wartime?ok="+url.QueryEscape(msg), http.StatusSeeOther)
	return nil
}
