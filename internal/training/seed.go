package training

import (
	"context"
	"fmt"
	"hongdun/internal/demo"
	"math/rand/v2"
	"strings"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// SeedDemo gives the demo bureau this year's training: the 市局's monthly
// political rotation for every member (融合 sessions with the 市局 main
// venue and a branch venue per 分局, most of the audience checked in), the
// 支部书记 rotation, one 分局's general program, and a session whose
// check-in is open now so the QR screen and phone check-in can be shown.
// Attendance is uneven, so the ledger has people short of 32/56 学时 for
// the 兜底 action. It does nothing when programs exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	var n int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM training_programs").Scan(&n); err != nil || n > 0 {
		return err
	}
	sd := &demoSeed{s: New(d), now: d.Now()}
	err := d.DB.QueryRowContext(ctx, "SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1").Scan(&sd.root, &sd.rootPath)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := sd.load(ctx); err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	sd.p = &auth.Principal{Username: demo.Recorder, Role: auth.OrgAdmin, OrgID: sd.root, OrgPath: sd.rootPath}
	if err := sd.programs(ctx); err != nil {
		return err
	}
	return sd.attend(ctx)
}

// demoCourse is a lecture of a demo program.
type demoCourse struct {
	topic, teacher string
	hours          int // tenths
}

var (
	rotationCourses = []demoCourse{
		{"深入学习习近平新时代中国特色社会主义思想", "市委党校 王立新教授", 40},
		{"学习贯彻党的二十届三中全会精神", "市委讲师团 刘敏", 40},
		{"学习《中国共产党章程》，做合格共产党员", "市局机关党委 张建国", 40},
		{"《中国共产党纪律处分条例》逐章解读", "驻市公安局纪检监察组 陈静", 40},
		{"弘扬伟大建党精神——党史专题辅导", "省委党校 赵文博教授", 40},
		{"坚持和发展新时代“枫桥经验”", "市局治安支队 周卫东", 40},
		{"公安机关基层党组织建设实务", "市局政治部 孙晓梅", 40},
		{"对党忠诚、服务人民、执法公正、纪律严明——英模事迹报告会", "全国公安英模事迹宣讲团", 40},
		{"党支部标准化规范化建设", "市局机关党委 李红", 40},
		{"以案为鉴、以案促改——年度警示教育", "驻市公安局纪检监察组 陈静", 40},
	}
	secretaryCourses = []demoCourse{
		{"党支部书记履职尽责能力提升", "市委党校 郑华教授", 80},
		{"发展党员工作规程与党员教育管理", "市局政治部组织处 韩雪", 80},
		{"“三会一课”与主题党日规范化开展", "市局机关党委 马骏", 80},
	}
	districtCourses = []demoCourse{
		{"学习贯彻《中国共产党章程》", "分局党委书记 高峰", 40},
		{"全面从严治党与警示教育", "分局纪委书记 宋涛", 40},
	}
)

// demoSeed holds what the training seeding learns and makes.
type demoSeed struct {
	s              *Service
	p              *auth.Principal
	now            time.Time
	root           int64
	rootPath       string
	districts      []demoOrg // the 分局 党委 under the 市局
	people         []demoPerson
	admins         map[int64]int64 // organisation → its 党务管理员's account
	sessions       []demoSession   // past sessions to fill with attendance
	live           *demoSession    // the session open for check-in now
	checkins, late int
}

type demoOrg struct {
	id         int64
	name, path string
}

type demoPerson struct {
	id       int64
	path     string
	joined   string // 入党 date; nobody is credited for sessions before it
	key      bool   // on a committee: the 支部书记 rotation's audience
	district int    // index in districts, -1 for the 市局's own organisations
}

// demoSession is a session with its venue per 分局 (and the main venue).
type demoSession struct {
	id, main   int64
	venues     map[int]int64 // district index → branch venue
	starts     time.Time
	hours      int
	audience   func(demoPerson) bool
	attendance float64 // share of the audience present
}

func (sd *demoSeed) load(ctx context.Context) error {
	q := sd.s.DB
	rows, err := q.QueryContext(ctx, "SELECT id, name, path FROM orgs WHERE parent_id = ? AND kind = 'committee' AND name LIKE ? AND dissolved_on IS NULL ORDER BY sort, id", sd.root, "%分局%")
	if err != nil {
		return err
	}
	for rows.Next() {
		var o demoOrg
		if err := rows.Scan(&o.id, &o.name, &o.path); err != nil {
			rows.Close()
			return err
		}
		sd.districts = append(sd.districts, o)
	}
	rows.Close()
	in, args := scope.Under(sd.rootPath).Where("o.path")
	rows, err = q.QueryContext(ctx, `SELECT pe.id, o.path, COALESCE(pe.join_date, ''),
			(SELECT COUNT(*) FROM committee_members cm WHERE cm.person_id = pe.id AND cm.ended_on IS NULL)
		FROM persons pe JOIN orgs o ON o.id = pe.org_id WHERE `+in+` AND `+member.PartyMember("pe.status")+" ORDER BY pe.id", args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p demoPerson
		var key int
		if err := rows.Scan(&p.id, &p.path, &p.joined, &key); err != nil {
			rows.Close()
			return err
		}
		p.key, p.district = key > 0, -1
		for i, o := range sd.districts {
			if scope.Under(o.path).Contains(p.path) {
				p.district = i
			}
		}
		sd.people = append(sd.people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sd.admins = map[int64]int64{}
	rows, err = q.QueryContext(ctx, "SELECT org_id, MIN(id) FROM accounts WHERE role = ? AND org_id IS NOT NULL GROUP BY org_id", string(auth.OrgAdmin))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var org, acc int64
		if err := rows.Scan(&org, &acc); err != nil {
			return err
		}
		sd.admins[org] = acc
	}
	return rows.Err()
}

// pastDays spreads n days of this year (weekends moved to the Friday)
// between skip days after the new year's first week and lag days before
// today, so that programs do not meet on the same days. Early in the year
// there is room for fewer, or none.
func pastDays(now time.Time, n, skip, lag int) []time.Time {
	local := now.In(shanghai)
	first := time.Date(local.Year(), 1, 8+skip, 0, 0, 0, 0, shanghai)
	last := time.Date(local.Year(), local.Month(), local.Day()-3-lag, 0, 0, 0, 0, shanghai)
	span := int(last.Sub(first).Hours()/24 + 0.5)
	if span < 0 || n <= 0 {
		return nil
	}
	n = min(n, span/7+1) // at most one a week
	out := make([]time.Time, 0, n)
	for k := 0; k < n; k++ {
		day := first
		if n > 1 {
			day = first.AddDate(0, 0, span*k/(n-1))
		}
		switch day.Weekday() {
		case time.Saturday:
			day = day.AddDate(0, 0, -1)
		case time.Sunday:
			day = day.AddDate(0, 0, -2)
		}
		out = append(out, day)
	}
	return out
}

func at(day time.Time, hour, minute int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, shanghai)
}

// liveStart is when the session under way starts: at the last five
// minutes, so that its first arrivals are on time and its check-in is open.
func liveStart(now time.Time) time.Time {
	return now.In(shanghai).Truncate(5 * time.Minute)
}

func (sd *demoSeed) programs(ctx context.Context) error {
	year := sd.now.In(shanghai).Year()
	everyone := func(demoPerson) bool { return true }

	// The 市局's monthly rotation for every member, shown in every 分局.
	rotation, err := sd.program(ctx, Program{OrgID: sd.root, Tier: TierDemo, Year: year, Title: fmt.Sprintf("%d年度全市公安机关党员政治轮训", year),
		AudienceOrgID: sd.root, Description: "市局机关党委示范培训：每月一讲，市局设主会场，各分局设分会场同步收看；党员扫码签到，按场次计入学时。"}, rotationCourses)
	if err != nil {
		return err
	}
	days := pastDays(sd.now, 8, 0, 0)
	for k, day := range days {
		if err := sd.held(sd.session(ctx, rotation, k, "融合", at(day, 14, 30), 3*time.Hour, true, everyone, 0.93)); err != nil {
			return err
		}
	}
	live, err := sd.session(ctx, rotation, len(days), "融合", liveStart(sd.now), 3*time.Hour, true, everyone, 0)
	if err != nil {
		return err
	}
	sd.live = &live
	next := at(sd.now.In(shanghai).AddDate(0, 0, 21), 14, 30)
	if wd := next.Weekday(); wd == time.Saturday || wd == time.Sunday {
		next = next.AddDate(0, 0, int(8-wd)%7) // the Monday after
	}
	if next.Year() == year {
		if _, err := sd.session(ctx, rotation, len(days)+1, "融合", next, 3*time.Hour, true, everyone, 0); err != nil {
			return err
		}
	}
	if err := sd.activities(ctx, rotation, days, []Activity{
		{Kind: "诵读党章党规", Title: "集体诵读《中国共产党章程》总纲", Record: "各党支部以“三会一课”为载体，组织党员集体诵读党章总纲，重温入党誓词。"},
		{Kind: "研读经典著作", Title: "研读《习近平谈治国理政》第四卷", Record: "党员结合岗位实际撰写读书笔记，优秀笔记在市局内网交流。"},
		{Kind: "学习研讨", Title: "坚持和发展新时代“枫桥经验”专题研讨", Record: "各分局派出所党支部书记交流矛盾纠纷源头化解经验，形成研讨记录和整改清单。"},
	}); err != nil {
		return err
	}

	// The 支部书记 rotation: whole days at the party school.
	secretaries, err := sd.program(ctx, Program{OrgID: sd.root, Tier: TierDemo, Year: year, Title: fmt.Sprintf("%d年度党支部书记政治轮训", year),
		AudienceOrgID: sd.root, Categories: []string{"支部书记", "支委委员"},
		Description: "面向全市公安机关党支部书记和支委委员的集中轮训，由市局机关党委在市委党校举办。"}, secretaryCourses)
	if err != nil {
		return err
	}
	secretaries.venue, secretaries.place = "市委党校主会场", "西安市委党校第二教学楼报告厅"
	sdays := pastDays(sd.now, len(secretaryCourses), 30, 12)
	key := func(p demoPerson) bool { return p.key }
	for k, day := range sdays {
		if err := sd.held(sd.session(ctx, secretaries, k, "线下", at(day, 9, 0), 8*time.Hour, false, key, 0.9)); err != nil {
			return err
		}
	}
	if err := sd.activities(ctx, secretaries, sdays, []Activity{
		{Kind: "研读经典著作", Title: "研读《共产党宣言》", Record: "学员分组研读并交流心得体会。"},
		{Kind: "学习研讨", Title: "党支部书记履职尽责专题研讨", Record: "围绕“如何当好派出所党支部书记”分组研讨，各组推选代表发言，形成研讨成果汇编。"},
	}); err != nil {
		return err
	}

	// One 分局's own program for its members.
	if len(sd.districts) == 0 {
		return nil
	}
	di := 0
	for i, o := range sd.districts {
		if strings.Contains(o.name, "雁塔") {
			di = i
		}
	}
	dist := sd.districts[di]
	short := strings.TrimSuffix(strings.TrimPrefix(dist.name, "中共西安市公安局"), "委员会")
	general, err := sd.program(ctx, Program{OrgID: dist.id, Tier: TierGeneral, Year: year, Title: fmt.Sprintf("%s%d年度党员集中培训", short, year),
		AudienceOrgID: dist.id, Description: "分局党委组织的普遍培训，覆盖分局全体党员。"}, districtCourses)
	if err != nil {
		return err
	}
	general.venue, general.place = short+"主会场", short+"五楼会议室"
	gdays := pastDays(sd.now, len(districtCourses), 45, 23)
	inDistrict := func(p demoPerson) bool { return p.district == di }
	for k, day := range gdays {
		if err := sd.held(sd.session(ctx, general, k, "线下", at(day, 9, 0), 3*time.Hour, false, inDistrict, 0.88)); err != nil {
			return err
		}
	}
	return sd.activities(ctx, general, gdays, []Activity{
		{Kind: "诵读党章党规", Title: "诵读《中国共产党纪律处分条例》", Record: "各党支部组织党员逐章诵读，支部书记领学重点条款。"},
	})
}

// demoProgram is a created program and the courses its sessions teach.
type demoProgram struct {
	id           int64
	topics       []demoCourse
	courses      []int64 // the ids of topics
	venue, place string  // the main venue's name and place
}

func (sd *demoSeed) program(ctx context.Context, pr Program, courses []demoCourse) (*demoProgram, error) {
	id, err := sd.s.CreateProgram(ctx, sd.p, pr)
	if err != nil {
		return nil, err
	}
	out := &demoProgram{id: id, topics: courses, venue: "市局主会场", place: "市公安局三楼报告厅"}
	for _, c := range courses {
		cid, err := sd.s.AddCourse(ctx, sd.p, id, Course{Topic: c.topic, Teacher: c.teacher, HoursX10: c.hours})
		if err != nil {
			return nil, err
		}
		out.courses = append(out.courses, cid)
	}
	return out, nil
}

// activities records study activities on days between the sessions.
func (sd *demoSeed) activities(ctx context.Context, pr *demoProgram, days []time.Time, as []Activity) error {
	for i, a := range as {
		if len(days) == 0 {
			return nil
		}
		a.OnDate = days[(i*len(days)/len(as)+len(days)/(2*len(as)))%len(days)].AddDate(0, 0, 2).Format("2006-01-02")
		if a.OnDate > sd.now.In(shanghai).Format("2006-01-02") {
			continue
		}
		if _, err := sd.s.AddActivity(ctx, sd.p, pr.id, a); err != nil {
			return err
		}
	}
	return nil
}

// held keeps a session that took place, for its attendance.
func (sd *demoSeed) held(ss demoSession, err error) error {
	if err == nil {
		sd.sessions = append(sd.sessions, ss)
	}
	return err
}

// session adds a session on the k-th course, with a branch venue per 分局
// when branches is set.
func (sd *demoSeed) session(ctx context.Context, pr *demoProgram, k int, mode string, starts time.Time, length time.Duration, branches bool,
	audience func(demoPerson) bool, attendance float64) (demoSession, error) {
	c := pr.topics[k%len(pr.topics)]
	id, err := sd.s.AddSession(ctx, sd.p, pr.id, NewSession{CourseID: pr.courses[k%len(pr.courses)], Title: fmt.Sprintf("第%d讲：%s", k+1, c.topic), Mode: mode,
		StartsAt: starts.UnixMilli(), EndsAt: starts.Add(length).UnixMilli(), HoursX10: c.hours, OpenBeforeMin: 60, LateAfterMin: 10,
		MainVenue: pr.venue, Place: pr.place})
	ds := demoSession{id: id, venues: map[int]int64{}, starts: starts, hours: c.hours, audience: audience, attendance: attendance}
	if err != nil {
		return ds, err
	}
	if err := sd.s.DB.QueryRowContext(ctx, "SELECT id FROM training_venues WHERE session_id = ? AND main = 1", id).Scan(&ds.main); err != nil {
		return ds, err
	}
	if branches {
		for i, o := range sd.districts {
			name := strings.TrimSuffix(strings.TrimPrefix(o.name, "中共西安市公安局"), "委员会")
			name = strings.TrimSuffix(name, "党")
			vid, err := sd.s.AddVenue(ctx, sd.p, id, o.id, name+"分会场", name+"四楼会议室")
			if err != nil {
				return ds, err
			}
			ds.venues[i] = vid
		}
	}
	return ds, nil
}

// attend writes the attendance of the held sessions (and the first
// arrivals at the live one) in one transaction. Each person has a
// diligence of their own, so some miss a session or two.
func (sd *demoSeed) attend(ctx context.Context) error {
	var rows [][]any
	hours := credits{}
	add := func(ss *demoSession, p demoPerson, r *rand.Rand, atMs int64, late bool) {
		venue := ss.main
		if v, ok := ss.venues[p.district]; ok {
			venue = v
		}
		method, reason, actor := "qr", "", any(nil)
		if r.IntN(40) == 0 {
			method, reason, late = "manual", manualReasons[r.IntN(len(manualReasons))], false
			atMs = ss.starts.Add(time.Duration(60+r.IntN(90)) * time.Minute).UnixMilli()
			if d := p.district; d >= 0 && sd.admins[sd.districts[d].id] != 0 {
				actor = sd.admins[sd.districts[d].id]
			} else if sd.admins[sd.root] != 0 {
				actor = sd.admins[sd.root]
			}
		}
		if atMs < ss.starts.UnixMilli() || atMs > sd.now.UnixMilli() { // a plausible record: during the session, never ahead of the clock
			return
		}
		rows = append(rows, []any{ss.id, venue, p.id, atMs, db.Int(late), method, reason, actor, ss.hours})
		hours.add(p.id, atMs, ss.hours)
		if late {
			sd.late++
		}
	}
	for i := range sd.sessions {
		ss := &sd.sessions[i]
		day := ss.starts.Format("2006-01-02")
		for _, p := range sd.people {
			if !ss.audience(p) || p.joined == "" || p.joined > day {
				continue
			}
			r := rand.New(rand.NewPCG(uint64(p.id), uint64(ss.id)))
			if r.Float64() > ss.attendance*diligence(p.id) {
				continue
			}
			late := r.IntN(20) == 0
			arrive := ss.starts.Add(time.Duration(r.IntN(9))*time.Minute + time.Duration(r.IntN(60))*time.Second)
			if late {
				arrive = ss.starts.Add(time.Duration(11+r.IntN(30)) * time.Minute)
			}
			add(ss, p, r, arrive.UnixMilli(), late)
		}
	}
	// The first arrivals at the live session, since it started: a fifth
	// of the audience, never the demo members' accounts, who check in
	// themselves.
	if sd.live != nil {
		mine, err := sd.accountPeople(ctx)
		if err != nil {
			return err
		}
		since := sd.now.Sub(sd.live.starts)
		for _, p := range sd.people {
			r := rand.New(rand.NewPCG(uint64(p.id), uint64(sd.live.id)))
			if mine[p.id] || r.IntN(5) != 0 || since <= 0 {
				continue
			}
			add(sd.live, p, r, sd.live.starts.Add(time.Duration(r.Int64N(int64(since)))).UnixMilli(), false)
		}
	}
	sd.checkins = len(rows)
	return sd.s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := 0; i < len(rows); i += 500 {
			if err := db.InsertRows(ctx, tx, "training_checkins (session_id, venue_id, person_id, at, late, method, reason, actor_id, hours_x10)", rows[i:min(i+500, len(rows))]); err != nil {
				return err
			}
		}
		if err := credit(ctx, tx, hours); err != nil {
			return err
		}
		return sd.s.Audit.Write(ctx, tx, audit.Event{Action: "training.demo_seed", ObjectType: "system",
			Detail: map[string]int{"sessions": len(sd.sessions), "checkins": sd.checkins, "late": sd.late}})
	})
}

var manualReasons = []string{"手机故障，现场核实后补登", "执勤后赶到会场，经支部书记核实补登", "未带手机，按纸质签到表补登"}

// diligence is how reliably a person attends: most nearly always, some
// often, a few seldom.
func diligence(personID int64) float64 {
	switch r := rand.New(rand.NewPCG(uint64(personID), 2026)).IntN(10); {
	case r < 7:
		return 1.07
	case r < 9:
		return 0.95
	default:
		return 0.6
	}
}

// accountPeople are the people with member accounts.
func (sd *demoSeed) accountPeople(ctx context.Context) (map[int64]bool, error) {
	return db.IDSet(ctx, sd.s.DB, "SELECT person_id FROM accounts WHERE person_id IS NOT NULL")
}
