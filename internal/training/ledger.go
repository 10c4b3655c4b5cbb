package training

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Requirement returns the year's requirement (the default when unset).
func (s *Service) Requirement(ctx context.Context, year int) (Requirement, error) {
	return RequirementOf(ctx, s.DB, year)
}

// RequirementOf is the year's requirement read through q.
func RequirementOf(ctx context.Context, q db.Querier, year int) (Requirement, error) {
	r := Requirement{Year: year}
	err := q.QueryRowContext(ctx, "SELECT general_x10, key_x10 FROM training_requirements WHERE year = ?", year).Scan(&r.General, &r.Key)
	if db.IsNoRows(err) {
		return DefaultRequirement(year), nil
	}
	return r, err
}

// SetRequirement changes a year's requirement. Only the 党务管理员 of a
// top-level organisation (the whole bureau) may.
func (s *Service) SetRequirement(ctx context.Context, p *auth.Principal, r Requirement) error {
	if r.Year < 2000 || r.Year > 2100 {
		return ferr("year", "年度无效")
	}
	if r.General <= 0 || r.Key < r.General || r.Key > 2000 {
		return ferr("key_x10", "学时要求应大于 0，且支部书记和支委委员的要求不低于普通党员")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if !org.BureauAdmin(p) {
			return fail.Forbidden()
		}
		old, _ := s.Requirement(ctx, r.Year)
		if _, err := tx.ExecContext(ctx, `INSERT INTO training_requirements (year, general_x10, key_x10, updated_at) VALUES (?,?,?,?)
			ON CONFLICT (year) DO UPDATE SET general_x10 = excluded.general_x10, key_x10 = excluded.key_x10, updated_at = excluded.updated_at`,
			r.Year, r.General, r.Key, s.Now().UnixMilli()); err != nil {
			return err
		}
		// The year's hours met, kept under the old requirement, are
		// counted again under the new one (before the audit's lock, which
		// Keep never takes).
		if err := tx.Lock(ctx, keepLock); err != nil {
			return err
		}
		if err := recount(ctx, tx, r.Year, r); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "training.requirement.set", ObjectType: "training_requirement", ObjectID: fmt.Sprint(r.Year),
			Detail: audit.Change{Before: old, After: r}})
	})
}

// Line is one person in the hours ledger.
type Line struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	Key      bool   `json:"key"` // 支部书记 or committee member: the higher requirement
	Credited int    `json:"credited_x10"`
	Required int    `json:"required_x10"`
}

// Short is how many tenths the person still lacks.
func (l Line) Short() int { return max(0, l.Required-l.Credited) }

// Ledger lists the party members of an organisation's subtree with their
// hours of the year. Attendance credits the session's hours.
func (s *Service) Ledger(ctx context.Context, p *auth.Principal, orgID int64, year int) ([]Line, Requirement, error) {
	if orgID == 0 {
		orgID = p.OrgID
	}
	path, err := org.ReadablePath(ctx, s.DB, p, orgID)
	if err != nil {
		return nil, Requirement{}, err
	}
	return LedgerOf(ctx, s.DB, scope.Under(path), year)
}

// LedgerOf is the hours ledger of the party members of sub for a year,
// with the year's requirement, in the order of the tree and by name.
func LedgerOf(ctx context.Context, q db.Querier, sub scope.Subtree, year int) ([]Line, Requirement, error) {
	req, err := RequirementOf(ctx, q, year)
	if err != nil {
		return nil, req, err
	}
	key, err := seated(ctx, q, year)
	if err != nil {
		return nil, req, err
	}
	// Each member's hours of the year are one row of training_hours, looked
	// up beside their row in the one pass over the subtree's members.
	in, args := sub.Where("o.path")
	rows, err := q.QueryContext(ctx, `SELECT pe.id, pe.name, o.id, o.name,
		COALESCE((SELECT h.hours_x10 FROM training_hours h WHERE h.year = ? AND h.person_id = pe.id), 0)
		FROM persons pe JOIN orgs o ON o.id = pe.org_id
		WHERE `+in+` AND `+member.PartyMember("pe.status")+` ORDER BY o.path, pe.pinyin, pe.id`, append([]any{year}, args...)...)
	if err != nil {
		return nil, req, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.PersonID, &l.Name, &l.OrgID, &l.OrgName, &l.Credited); err != nil {
			return nil, req, err
		}
		l.Key = key[l.PersonID]
		l.Required = req.Required(l.Key)
		out = append(out, l)
	}
	return out, req, rows.Err()
}

// Standing is how many party members of an organisation the hours ledger
// holds and how many of them met the year's requirement.
type Standing struct {
	Members int `json:"members"`
	Met     int `json:"met"`
}

// StandingOf is LedgerOf counted by each member's own organisation: what
// other features (branch assessment, the leader's view) count of training.
// The members are counted from persons and those who met the requirement
// from training_hours (MetOf): grouped reads of covering indexes instead
// of a lookup of each member's hours (TestStandingFollowsPersons compares
// them with the ledger after every path that moves a person).
func StandingOf(ctx context.Context, q db.Querier, sub scope.Subtree, year int) (map[int64]Standing, error) {
	out := map[int64]Standing{}
	// Grouped by status too, the count reads the index of (org_id, status) alone.
	in, args := sub.HasOrg("org_id")
	if err := grouped(ctx, q, `SELECT org_id, COUNT(*) FROM persons WHERE `+member.PartyMember("status")+` AND `+in+` GROUP BY org_id, status`,
		args, func(id int64, n []int) {
			s := out[id]
			s.Members += n[0]
			out[id] = s
		}); err != nil {
		return nil, err
	}
	met, err := MetOf(ctx, q, sub, year)
	for id, n := range met {
		s := out[id]
		s.Met = n
		out[id] = s
	}
	return out, err
}

// grouped reads the rows of an organisation's id and counts.
func grouped(ctx context.Context, q db.Querier, query string, args []any, each func(id int64, n []int)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var id int64
	n := make([]int, len(cols)-1)
	dest := []any{&id}
	for i := range n {
		dest = append(dest, &n[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		each(id, n)
	}
	return rows.Err()
}

// seatedIn is the condition on committee_members cm of a seat held at some
// time in the year, with its arguments: who the key requirement applies to.
func seatedIn(year int) (string, []any) {
	return "cm.term_start <= ? AND COALESCE(cm.ended_on, '9999-12-31') >= ?", []any{fmt.Sprintf("%d-12-31", year), fmt.Sprintf("%d-01-01", year)}
}

// seated is everyone who sat on a committee (of any organisation) at some
// time in the year: the few the higher requirement applies to, read at once
// rather than looked up for every member. Reading them for the whole bureau
// costs less than checking each seat holder's organisation against sub.
func seated(ctx context.Context, q db.Querier, year int) (map[int64]bool, error) {
	seat, args := seatedIn(year)
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT cm.person_id FROM committee_members cm WHERE `+seat, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// Coverage is one organisation's share of members who met the requirement.
type Coverage struct {
	OrgID   int64   `json:"org_id"`
	OrgName string  `json:"org_name"`
	Members int     `json:"members"`
	Met     int     `json:"met"`
	Rate    float64 `json:"rate"`
}

// CoverageOf groups ledger lines by organisation.
func CoverageOf(lines []Line) []Coverage {
	idx := map[int64]int{}
	var out []Coverage
	for _, l := range lines {
		i, ok := idx[l.OrgID]
		if !ok {
			i = len(out)
			idx[l.OrgID] = i
			out = append(out, Coverage{OrgID: l.OrgID, OrgName: l.OrgName})
		}
		out[i].Members++
		if l.Short() == 0 {
			out[i].Met++
		}
	}
	for i := range out {
		out[i].Rate = float64(out[i].Met) / float64(out[i].Members)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rate < out[j].Rate })
	return out
}

// ShortList keeps the lines of people below their requirement.
func ShortList(lines []Line) []Line {
	var out []Line
	for _, l := range lines {
		if l.Short() > 0 {
			out = append(out, l)
		}
	}
	return out
}

// Mine is a member's view: their programs, sessions and hours.
type Mine struct {
	Year     int         `json:"year"`
	Credited int         `json:"credited_x10"`
	Required int         `json:"required_x10"`
	Sessions []MySession `json:"sessions"`
}

// Short is how many tenths of an hour the member still lacks this year.
func (m Mine) Short() int { return max(0, m.Required-m.Credited) }

// MySession is a session of a program the member belongs to.
type MySession struct {
	Program   string `json:"program"`
	Tier      string `json:"tier"`
	Title     string `json:"title"`
	Mode      string `json:"mode"`
	StartsAt  int64  `json:"starts_at"`
	EndsAt    int64  `json:"ends_at"`
	HoursX10  int    `json:"hours_x10"`
	StreamURL string `json:"stream_url"`
	CheckedAt int64  `json:"checked_at"`
	Venue     string `json:"venue"`
	Upcoming  bool   `json:"upcoming"` // not begun: neither attended nor missed
}

// My returns the calling member's trainings and hours of a year: the
// sessions of programs whose audience they are in (subtree and, when the
// program names any, one of its categories), of 兜底 programs listing them,
// and any session they were checked in to.
func (s *Service) My(ctx context.Context, p *auth.Principal, year int) (*Mine, error) {
	if p.Role != auth.Member || p.PersonID == 0 {
		return nil, fail.Denied("no_person", "当前账号未关联党员信息")
	}
	req, err := s.Requirement(ctx, year)
	if err != nil {
		return nil, err
	}
	m := &Mine{Year: year}
	_, path, err := member.OrgOf(ctx, s.DB, p.PersonID)
	if err != nil {
		return nil, err
	}
	var key int
	seat, seatArgs := seatedIn(year)
	if err := s.DB.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM committee_members cm WHERE cm.person_id = ? AND `+seat+`),
			COALESCE((SELECT h.hours_x10 FROM training_hours h WHERE h.person_id = ? AND h.year = ?), 0)`,
		slices.Concat([]any{p.PersonID}, seatArgs, []any{p.PersonID, year})...).Scan(&key, &m.Credited); err != nil {
		return nil, err
	}
	m.Required = req.Required(key > 0)
	mine, err := member.AudienceCategories(ctx, s.DB, p.PersonID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UnixMilli()
	above, aboveArgs := scope.Under(path).Lineage("ao.path")
	rows, err := s.DB.QueryContext(ctx, `SELECT pr.title, pr.tier, pr.categories, ao.path,
			(SELECT COUNT(*) FROM training_people tp WHERE tp.program_id = pr.id AND tp.person_id = ?),
			se.title, se.mode, se.starts_at, se.ends_at, se.hours_x10, se.stream_url, COALESCE(c.at, 0), COALESCE(v.name, '')
		FROM training_sessions se JOIN training_programs pr ON pr.id = se.program_id JOIN orgs ao ON ao.id = pr.audience_org_id
		LEFT JOIN training_checkins c ON c.session_id = se.id AND c.person_id = ? LEFT JOIN training_venues v ON v.id = c.venue_id
		WHERE pr.year = ? AND (`+above+` OR c.id IS NOT NULL OR EXISTS (SELECT 1 FROM training_people tp WHERE tp.program_id = pr.id AND tp.person_id = ?))
		ORDER BY se.starts_at DESC`, append(append([]any{p.PersonID, p.PersonID, year}, aboveArgs...), p.PersonID)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() && len(m.Sessions) < 200 {
		var ms MySession
		var cats, audience string
		var listed int
		if err := rows.Scan(&ms.Program, &ms.Tier, &cats, &audience, &listed, &ms.Title, &ms.Mode, &ms.StartsAt, &ms.EndsAt, &ms.HoursX10, &ms.StreamURL,
			&ms.CheckedAt, &ms.Venue); err != nil {
			return nil, err
		}
		var want []string
		if err := json.Unmarshal([]byte(cats), &want); err != nil {
			return nil, fmt.Errorf("training program %q: categories: %w", ms.Program, err)
		}
		ms.Upcoming = ms.StartsAt > now
		if listed > 0 || ms.CheckedAt != 0 || scope.Under(audience).Contains(path) && anyCategory(want, mine) {
			m.Sessions = append(m.Sessions, ms)
		}
	}
	return m, rows.Err()
}

// HoursOf is each of some people's credited hours (tenths) in a year,
// for pages that show a person's study beside their work (a party worker).
func HoursOf(ctx context.Context, q db.Querier, people []int64, year int) (map[int64]int, error) {
	out := map[int64]int{}
	if len(people) == 0 {
		return out, nil
	}
	in, args := db.In(people)
	rows, err := q.QueryContext(ctx, "SELECT person_id, hours_x10 FROM training_hours WHERE year = ? AND person_id IN ("+in+")",
		append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var h int
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}
