package training

import (
	"context"
	"encoding/json"
	"fmt"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/plaintext"
)

// Service is the training feature.
type Service struct {
	*core.Deps
	Tokens *Tokens
}

// New builds the service.
func New(d *core.Deps) *Service { return &Service{Deps: d, Tokens: NewTokens(d.Keys)} }

// Program is a training program.
type Program struct {
	ID            int64      `json:"id"`
	OrgID         int64      `json:"org_id"`
	OrgName       string     `json:"org_name"`
	Tier          string     `json:"tier"`
	Year          int        `json:"year"`
	Title         string     `json:"title"`
	AudienceOrgID int64      `json:"audience_org_id"`
	AudienceName  string     `json:"audience_name"`
	Categories    []string   `json:"categories"`
	Description   string     `json:"description"`
	Version       int        `json:"version"`
	Courses       []Course   `json:"courses,omitempty"`
	Activities    []Activity `json:"activities,omitempty"`
	Sessions      []*Session `json:"sessions,omitempty"`
	People        int        `json:"people,omitempty"` // a 兜底 program's listed people
	orgPath       string
}

// Course is a lecture topic of a program.
type Course struct {
	ID        int64  `json:"id"`
	Topic     string `json:"topic"`
	Teacher   string `json:"teacher"`
	HoursX10  int    `json:"hours_x10"`
	Materials string `json:"materials"`
}

// Activity is a study activity beyond lectures.
type Activity struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	OnDate string `json:"on_date"`
	Record string `json:"record"`
}

// Session is one sitting, with its venues.
type Session struct {
	ID            int64   `json:"id"`
	ProgramID     int64   `json:"program_id"`
	CourseID      int64   `json:"course_id,omitempty"`
	Course        string  `json:"course,omitempty"` // the course's topic
	Title         string  `json:"title"`
	Mode          string  `json:"mode"`
	StartsAt      int64   `json:"starts_at"`
	EndsAt        int64   `json:"ends_at"`
	HoursX10      int     `json:"hours_x10"`
	StreamURL     string  `json:"stream_url"`
	OpenBeforeMin int     `json:"open_before_min"`
	LateAfterMin  int     `json:"late_after_min"`
	Venues        []Venue `json:"venues"`
	Ended         bool    `json:"ended"`
}

// CourseNote names the session's course when its title does not already.
func (s *Session) CourseNote() string {
	if strings.Contains(s.Title, s.Course) {
		return ""
	}
	return s.Course
}

func (s *Session) window() Window {
	return Window{StartsAt: s.StartsAt, EndsAt: s.EndsAt, OpenBeforeMin: s.OpenBeforeMin, LateAfterMin: s.LateAfterMin}
}

// Venue is the main venue or a branch venue of a session.
type Venue struct {
	ID       int64  `json:"id"`
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	OrgShort string `json:"org_short"`
	Name     string `json:"name"`
	Main     bool   `json:"main"`
	Place    string `json:"place"`
	Present  int    `json:"present"`
	Expected int    `json:"expected"` // the audience members this venue serves
	Mine     bool   `json:"mine"`     // in the caller's scope: its attendance is visible
	orgPath  string
}

// A program is visible to an organiser who runs it or hosts one of its venues.
func programVisible(p *auth.Principal) (string, []any) {
	sc := scope.Of(p)
	own, args := sc.Where("o.path")
	host, hostArgs := sc.Where("vo.path")
	return `(` + own + ` OR EXISTS (SELECT 1 FROM training_sessions s JOIN training_venues v ON v.session_id = s.id
	JOIN orgs vo ON vo.id = v.org_id WHERE s.program_id = pr.id AND ` + host + `))`, append(args, hostArgs...)
}

const programCols = "pr.id, pr.org_id, o.name, pr.tier, pr.year, pr.title, pr.audience_org_id, ao.name, pr.categories, pr.description, pr.version, o.path"

func scanProgram(sc interface{ Scan(...any) error }) (*Program, error) {
	var pr Program
	var cats string
	if err := sc.Scan(&pr.ID, &pr.OrgID, &pr.OrgName, &pr.Tier, &pr.Year, &pr.Title, &pr.AudienceOrgID, &pr.AudienceName, &cats, &pr.Description, &pr.Version, &pr.orgPath); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cats), &pr.Categories); err != nil {
		return nil, fmt.Errorf("training_programs %d: categories: %w", pr.ID, err)
	}
	return &pr, nil
}

const programFrom = " FROM training_programs pr JOIN orgs o ON o.id = pr.org_id JOIN orgs ao ON ao.id = pr.audience_org_id "

// CreateProgram stores a program run by an organisation the caller
// administers, for an audience inside that organisation's subtree.
func (s *Service) CreateProgram(ctx context.Context, p *auth.Principal, pr Program) (int64, error) {
	pr.Title, pr.Description = strings.TrimSpace(pr.Title), strings.TrimSpace(pr.Description)
	if f, msg := plaintext.First(plaintext.Field{Name: "title", Label: "名称", Value: pr.Title},
		plaintext.Field{Name: "description", Label: "说明", Value: pr.Description, Multiline: true}); msg != "" {
		return 0, ferr(f, "%s", msg)
	}
	switch {
	case !oneOf(pr.Tier, Tiers):
		return 0, ferr("tier", "层级应为：%s", strings.Join(Tiers, "、"))
	case pr.Title == "" || len([]rune(pr.Title)) > 100:
		return 0, ferr("title", "名称不能为空，且不超过 100 字")
	case pr.Year < 2000 || pr.Year > 2100:
		return 0, ferr("year", "年度无效")
	}
	for _, c := range pr.Categories {
		if !oneOf(c, Categories) {
			return 0, ferr("categories", "对象类别“%s”无效，可选：%s", c, strings.Join(Categories, "、"))
		}
	}
	if pr.AudienceOrgID == 0 {
		pr.AudienceOrgID = pr.OrgID
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		path, err := org.WritablePath(ctx, tx, p, pr.OrgID)
		if err != nil {
			return err
		}
		apath, err := org.PathOf(ctx, tx, pr.AudienceOrgID)
		if err != nil || !scope.Under(path).Contains(apath) {
			return ferr("audience_org_id", "培训对象应在主办组织及其下级范围内")
		}
		cats, _ := json.Marshal(append([]string{}, pr.Categories...))
		now := s.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO training_programs (org_id, tier, year, title, audience_org_id, categories, description, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, pr.OrgID, pr.Tier, pr.Year, pr.Title, pr.AudienceOrgID, string(cats), pr.Description, now, now)
		if err != nil {
			return err
		}
		pr.ID = id
		return s.Audit.Write(ctx, tx, audit.Event{Action: "training.program.create", ObjectType: "training_program", ObjectID: itoa(id), Detail: audit.Change{After: pr}})
	})
	return id, err
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// ListPrograms lists the programs an organiser runs or hosts venues of.
func (s *Service) ListPrograms(ctx context.Context, p *auth.Principal, year int, orgID int64) ([]*Program, error) {
	if !p.ReadsMembers() {
		return nil, fail.Forbidden()
	}
	visible, args := programVisible(p)
	q := "SELECT " + programCols + programFrom + "WHERE " + visible
	if orgID != 0 {
		sub, err := org.Narrow(ctx, s.DB, p, orgID)
		if err != nil {
			return nil, err
		}
		w, subArgs := sub.Where("o.path")
		q += " AND " + w
		args = append(args, subArgs...)
	}
	if year != 0 {
		q += " AND pr.year = ?"
		args = append(args, year)
	}
	return s.programs(ctx, q+" ORDER BY pr.year DESC, pr.id DESC LIMIT 500", args...)
}

func (s *Service) programs(ctx context.Context, q string, args ...any) ([]*Program, error) {
	rows, err := s.DB.QueryContext(ctx, q, args...)
	return db.Collect(rows, err, scanProgram)
}

// GetProgram returns a program with its courses, activities and sessions.
// Venues outside the caller's scope are listed without their attendance.
func (s *Service) GetProgram(ctx context.Context, p *auth.Principal, id int64) (*Program, error) {
	if !p.ReadsMembers() {
		return nil, fail.NotFound()
	}
	visible, args := programVisible(p)
	pr, err := scanProgram(s.DB.QueryRowContext(ctx, "SELECT "+programCols+programFrom+"WHERE pr.id = ? AND "+visible, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return pr, s.fill(ctx, p, pr)
}

func (s *Service) fill(ctx context.Context, p *auth.Principal, pr *Program) error {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, topic, teacher, hours_x10, materials FROM training_courses WHERE program_id = ? ORDER BY id", pr.ID)
	if pr.Courses, err = db.Collect(rows, err, func(r db.Scanner) (c Course, err error) {
		err = r.Scan(&c.ID, &c.Topic, &c.Teacher, &c.HoursX10, &c.Materials)
		return c, err
	}); err != nil {
		return err
	}
	rows, err = s.DB.QueryContext(ctx, "SELECT id, kind, title, on_date, record FROM training_activities WHERE program_id = ? ORDER BY on_date, id", pr.ID)
	if pr.Activities, err = db.Collect(rows, err, func(r db.Scanner) (a Activity, err error) {
		err = r.Scan(&a.ID, &a.Kind, &a.Title, &a.OnDate, &a.Record)
		return a, err
	}); err != nil {
		return err
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM training_people WHERE program_id = ?", pr.ID).Scan(&pr.People); err != nil {
		return err
	}
	ss, err := s.sessions(ctx, p, "s.program_id = ?", pr.ID)
	if err != nil {
		return err
	}
	pr.Sessions = ss
	return s.expect(ctx, pr)
}

// expect counts, for each venue in the caller's scope, the audience members
// it serves: everyone goes to the venue of the deepest organisation above
// them, so a branch venue takes its own people off the main venue.
func (s *Service) expect(ctx context.Context, pr *Program) error {
	audience, err := s.audience(ctx, pr)
	if err != nil {
		return err
	}
	for _, ss := range pr.Sessions {
		for _, a := range audience {
			best := -1
			for i, v := range ss.Venues {
				if scope.Under(v.orgPath).Contains(a.path) && (best < 0 || len(v.orgPath) > len(ss.Venues[best].orgPath)) {
					best = i
				}
			}
			if best >= 0 && ss.Venues[best].Mine {
				ss.Venues[best].Expected += a.n
			}
		}
	}
	return nil
}

// audienceGroup is a number of a program's audience in one organisation.
type audienceGroup struct {
	path string
	n    int
}

// audience groups a program's audience by organisation: the people a 兜底
// program lists, else the party members of its subtree of its categories.
func (s *Service) audience(ctx context.Context, pr *Program) ([]audienceGroup, error) {
	q := `SELECT o.path, pe.category, ` + member.SeatSQL("pe.id") + `, ` + member.WorkerSQL("pe.id") + `
		FROM persons pe JOIN orgs o ON o.id = pe.org_id `
	var args []any
	if pr.People > 0 {
		q += "JOIN training_people tp ON tp.person_id = pe.id WHERE tp.program_id = ?"
		args = []any{pr.ID}
	} else {
		path, err := org.PathOf(ctx, s.DB, pr.AudienceOrgID)
		if err != nil {
			return nil, err
		}
		var in string
		in, args = scope.Under(path).Where("o.path")
		q += "WHERE " + in + " AND " + member.PartyMember("pe.status")
	}
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byPath := map[string]int{}
	for rows.Next() {
		var path, category string
		var seat, worker int
		if err := rows.Scan(&path, &category, &seat, &worker); err != nil {
			return nil, err
		}
		if pr.People > 0 || anyCategory(pr.Categories, member.CategoriesOf(category, seat, worker == 1)) {
			byPath[path]++
		}
	}
	out := make([]audienceGroup, 0, len(byPath))
	for path, n := range byPath {
		out = append(out, audienceGroup{path, n})
	}
	return out, rows.Err()
}

// sessions loads sessions with their venues and live counts.
func (s *Service) sessions(ctx context.Context, p *auth.Principal, where string, args ...any) ([]*Session, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT s.id, s.program_id, COALESCE(s.course_id, 0), COALESCE(c.topic, ''), s.title, s.mode, s.starts_at, s.ends_at,
			s.hours_x10, s.stream_url, s.open_before_min, s.late_after_min
		FROM training_sessions s LEFT JOIN training_courses c ON c.id = s.course_id WHERE `+where+" ORDER BY s.starts_at", args...)
	if err != nil {
		return nil, err
	}
	var out []*Session
	byID := map[int64]*Session{}
	now := s.Now().UnixMilli()
	for rows.Next() {
		var ss Session
		if err := rows.Scan(&ss.ID, &ss.ProgramID, &ss.CourseID, &ss.Course, &ss.Title, &ss.Mode, &ss.StartsAt, &ss.EndsAt, &ss.HoursX10, &ss.StreamURL,
			&ss.OpenBeforeMin, &ss.LateAfterMin); err != nil {
			rows.Close()
			return nil, err
		}
		ss.Ended = ss.EndsAt <= now
		out = append(out, &ss)
		byID[ss.ID] = &ss
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(out))
	for _, ss := range out {
		ids = append(ids, ss.ID)
	}
	in, inArgs := db.In(ids)
	rows, err = s.DB.QueryContext(ctx, `SELECT v.id, v.session_id, v.org_id, o.name, o.short_name, o.path, v.name, v.main, v.place,
			(SELECT COUNT(*) FROM training_checkins c WHERE c.venue_id = v.id)
		FROM training_venues v JOIN orgs o ON o.id = v.org_id WHERE v.session_id IN (`+in+") ORDER BY v.main DESC, v.id", inArgs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v Venue
		var sid int64
		var short string
		var main int
		if err := rows.Scan(&v.ID, &sid, &v.OrgID, &v.OrgName, &short, &v.orgPath, &v.Name, &main, &v.Place, &v.Present); err != nil {
			return nil, err
		}
		v.OrgShort = org.ShortName(v.OrgName, short)
		v.Main = main == 1
		v.Mine = scope.Of(p).Contains(v.orgPath)
		if !v.Mine {
			v.Present = 0
		}
		byID[sid].Venues = append(byID[sid].Venues, v)
	}
	return out, rows.Err()
}

// programForWrite loads a program the caller administers (its organiser's
// subtree), else 404.
func (s *Service) programForWrite(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (*Program, string, error) {
	pr, err := scanProgram(tx.QueryRowContext(ctx, "SELECT "+programCols+programFrom+"WHERE pr.id = ?", id))
	if db.IsNoRows(err) {
		return nil, "", fail.NotFound()
	}
	if err != nil {
		return nil, "", err
	}
	path, err := org.WritablePath(ctx, tx, p, pr.OrgID)
	return pr, path, err
}

// AddCourse adds a course to a program.
func (s *Service) AddCourse(ctx context.Context, p *auth.Principal, programID int64, c Course) (int64, error) {
	c.Topic, c.Teacher, c.Materials = strings.TrimSpace(c.Topic), strings.TrimSpace(c.Teacher), strings.TrimSpace(c.Materials)
	if f, msg := plaintext.First(plaintext.Field{Name: "topic", Label: "课程主题", Value: c.Topic},
		plaintext.Field{Name: "teacher", Label: "授课人", Value: c.Teacher},
		plaintext.Field{Name: "materials", Label: "课件资料", Value: c.Materials, Multiline: true}); msg != "" {
		return 0, ferr(f, "%s", msg)
	}
	if c.Topic == "" || len([]rune(c.Topic)) > 100 {
		return 0, ferr("topic", "课程主题不能为空，且不超过 100 字")
	}
	if c.HoursX10 <= 0 || c.HoursX10 > 1000 {
		return 0, ferr("hours_x10", "学时应在 0.1 至 100 之间")
	}
	return s.addToProgram(ctx, p, programID, "training_course", c,
		"INSERT INTO training_courses (program_id, topic, teacher, hours_x10, materials, created_at) VALUES (?,?,?,?,?,?)",
		programID, c.Topic, c.Teacher, c.HoursX10, c.Materials, s.Now().UnixMilli())
}

// addToProgram inserts one row that belongs to a program the caller may
// change, and audits it, in one transaction.
func (s *Service) addToProgram(ctx context.Context, p *auth.Principal, programID int64, objectType string, after any, insert string, args ...any) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, _, err := s.programForWrite(ctx, tx, p, programID); err != nil {
			return err
		}
		var err error
		if id, err = db.InsertID(ctx, tx, insert, args...); err != nil {
			return err
		}
		action := "training." + strings.TrimPrefix(objectType, "training_") + ".create"
		return s.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: objectType, ObjectID: itoa(id), Detail: audit.Change{After: after}})
	})
	return id, err
}

// AddActivity records a study activity of a program.
func (s *Service) AddActivity(ctx context.Context, p *auth.Principal, programID int64, a Activity) (int64, error) {
	a.Title, a.Record = strings.TrimSpace(a.Title), strings.TrimSpace(a.Record)
	if f, msg := plaintext.First(plaintext.Field{Name: "title", Label: "活动名称", Value: a.Title},
		plaintext.Field{Name: "record", Label: "活动记录", Value: a.Record, Multiline: true}); msg != "" {
		return 0, ferr(f, "%s", msg)
	}
	switch {
	case !oneOf(a.Kind, ActivityKinds):
		return 0, ferr("kind", "活动形式应为：%s", strings.Join(ActivityKinds, "、"))
	case a.Title == "":
		return 0, ferr("title", "活动名称不能为空")
	case !validDate(a.OnDate):
		return 0, ferr("on_date", "日期应为真实的日期，如 2026-01-31")
	}
	return s.addToProgram(ctx, p, programID, "training_activity", a,
		"INSERT INTO training_activities (program_id, kind, title, on_date, record, created_at) VALUES (?,?,?,?,?,?)",
		programID, a.Kind, a.Title, a.OnDate, a.Record, s.Now().UnixMilli())
}

// NewSession is a session to add, with its main venue's name and place.
type NewSession struct {
	CourseID      int64  `json:"course_id,omitempty"` // a course of the program: its topic and hours fill what is left blank
	Title         string `json:"title"`
	Mode          string `json:"mode"`
	StartsAt      int64  `json:"starts_at"`
	EndsAt        int64  `json:"ends_at"`
	HoursX10      int    `json:"hours_x10"`
	StreamURL     string `json:"stream_url"`
	OpenBeforeMin int    `json:"open_before_min"`
	LateAfterMin  int    `json:"late_after_min"`
	MainVenue     string `json:"main_venue"`
	Place         string `json:"place"`
}

// AddSession adds a session and its main venue, run by the program's
// organiser; a session of one of the program's courses takes the course's
// topic and hours when they are left blank.
func (s *Service) AddSession(ctx context.Context, p *auth.Principal, programID int64, n NewSession) (int64, error) {
	n.Title, n.MainVenue, n.StreamURL = strings.TrimSpace(n.Title), strings.TrimSpace(n.MainVenue), strings.TrimSpace(n.StreamURL)
	if f, msg := plaintext.First(plaintext.Field{Name: "title", Label: "场次名称", Value: n.Title},
		plaintext.Field{Name: "main_venue", Label: "主会场", Value: n.MainVenue},
		plaintext.Field{Name: "stream_url", Label: "直播地址", Value: n.StreamURL},
		plaintext.Field{Name: "place", Label: "地点", Value: n.Place}); msg != "" {
		return 0, ferr(f, "%s", msg)
	}
	if n.CourseID != 0 {
		var topic string
		var hours int
		err := s.DB.QueryRowContext(ctx, "SELECT topic, hours_x10 FROM training_courses WHERE id = ? AND program_id = ?", n.CourseID, programID).Scan(&topic, &hours)
		if db.IsNoRows(err) {
			return 0, ferr("course_id", "所选课程不属于本培训项目")
		}
		if err != nil {
			return 0, err
		}
		if n.Title == "" {
			n.Title = topic
		}
		if n.HoursX10 == 0 {
			n.HoursX10 = hours
		}
	}
	switch {
	case n.Title == "":
		return 0, ferr("title", "场次名称不能为空")
	case !oneOf(n.Mode, Modes):
		return 0, ferr("mode", "形式应为 线上、线下 或 融合")
	case n.StartsAt <= 0 || n.EndsAt <= n.StartsAt:
		return 0, ferr("ends_at", "结束时间应晚于开始时间")
	case n.EndsAt-n.StartsAt > 24*3600*1000:
		return 0, ferr("ends_at", "一个场次不超过 24 小时")
	case n.HoursX10 <= 0 || n.HoursX10 > 240:
		return 0, ferr("hours_x10", "学时应在 0.1 至 24 之间")
	case n.OpenBeforeMin < 0 || n.OpenBeforeMin > 240 || n.LateAfterMin < 0 || n.LateAfterMin > 240:
		return 0, ferr("open_before_min", "签到提前开放与迟到判定应在 0 至 240 分钟之间")
	case n.Mode != "线下" && n.StreamURL != "" && !validURL(n.StreamURL):
		return 0, ferr("stream_url", "直播链接应以 http:// 或 https:// 开头")
	}
	if n.MainVenue == "" {
		n.MainVenue = "主会场"
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		pr, _, err := s.programForWrite(ctx, tx, p, programID)
		if err != nil {
			return err
		}
		now := s.Now().UnixMilli()
		var course any // NULL without a course
		if n.CourseID != 0 {
			course = n.CourseID
		}
		id, err = db.InsertID(ctx, tx, `INSERT INTO training_sessions (program_id, course_id, title, mode, starts_at, ends_at, hours_x10, stream_url, open_before_min, late_after_min, created_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, programID, course, n.Title, n.Mode, n.StartsAt, n.EndsAt, n.HoursX10, n.StreamURL, n.OpenBeforeMin, n.LateAfterMin, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO training_venues (session_id, org_id, name, main, place, created_at) VALUES (?,?,?,1,?,?)",
			id, pr.OrgID, n.MainVenue, strings.TrimSpace(n.Place), now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "training.session.create", ObjectType: "training_session", ObjectID: itoa(id), Detail: audit.Change{After: n}})
	})
	return id, err
}

// AddVenue adds a branch venue (分会场) run by an organisation in the
// caller's scope.
func (s *Service) AddVenue(ctx context.Context, p *auth.Principal, sessionID int64, orgID int64, name, place string) (int64, error) {
	name = strings.TrimSpace(name)
	if f, msg := plaintext.First(plaintext.Field{Name: "name", Label: "分会场名称", Value: name},
		plaintext.Field{Name: "place", Label: "地点", Value: strings.TrimSpace(place)}); msg != "" {
		return 0, ferr(f, "%s", msg)
	}
	if name == "" || len([]rune(name)) > 60 {
		return 0, ferr("name", "分会场名称不能为空，且不超过 60 字")
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var programID int64
		err := tx.QueryRowContext(ctx, "SELECT program_id FROM training_sessions WHERE id = ?", sessionID).Scan(&programID)
		if db.IsNoRows(err) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		if _, _, err := s.programForWrite(ctx, tx, p, programID); err != nil {
			return err
		}
		if _, err := org.WritablePath(ctx, tx, p, orgID); err != nil {
			return ferr("org_id", "分会场的承办组织应在您的管理范围内")
		}
		id, err = db.InsertID(ctx, tx, "INSERT INTO training_venues (session_id, org_id, name, main, place, created_at) VALUES (?,?,?,0,?,?)",
			sessionID, orgID, name, strings.TrimSpace(place), s.Now().UnixMilli())
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "training.venue.create", ObjectType: "training_venue", ObjectID: itoa(id),
			Detail: map[string]any{"session_id": sessionID, "org_id": orgID, "name": name}})
	})
	return id, err
}

func validDate(s string) bool {
	_, err := parseDate(s)
	return err == nil
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
