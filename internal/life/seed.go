package life

import (
	"context"
	"hongdun/internal/demo"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// demoTopics are the topics of the demo meetings, by kind.
var demoTopics = map[string][]string{
	Congress:  {"讨论确定发展对象", "学习贯彻全会精神", "讨论预备党员转正", "通报季度党建工作"},
	Committee: {"研究本月党建工作安排", "研究发展党员工作", "研究党员教育培训", "分析队伍思想动态"},
	Group:     {"学习《中国共产党章程》", "交流执法办案体会", "学习英模事迹"},
	Lecture:   {"书记讲党课：对党忠诚", "坚持和发展新时代“枫桥经验”", "以案为鉴、以案促改"},
	ThemeDay:  {"重温入党誓词", "走进社区开展便民服务", "参观革命传统教育基地", "开展交通安全宣传"},
}

// SeedDemo gives every branch of the demo bureau this year's organisational
// life up to today: most branches held every meeting due, every fifth
// missed last quarter's 党员大会 and last month's 支委会, every fifth after
// it last month's 主题党日; the first branch also holds a 党员大会 today
// whose members have not checked in yet. Recent 党员大会 decisions become
// 待办. It does nothing when meetings exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	var n int
	if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM life_meetings").Scan(&n); err != nil || n > 0 {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	s := New(d)
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	f := Defaults()
	curQ, _ := PeriodOf(today, Quarter)
	curM, _ := PeriodOf(today, Month)
	i := 0
	for _, o := range orgs {
		if !calendarKinds[o.Kind] || o.Dissolved() {
			continue
		}
		i++
		o := o
		err := d.DB.InTx(ctx, func(tx *db.Tx) error {
			for _, k := range []string{Congress, Committee, Group, Lecture, ThemeDay} {
				for _, p := range Periods(today.Year(), f[k]) {
					if today.Before(p.From) || !p.To.Before(today) && p.From.AddDays(14).After(today) {
						continue // not started, or too early in the running period
					}
					lastQ := p.To.AddDays(1).Equal(curQ.From)
					lastM := p.To.AddDays(1).Equal(curM.From)
					if i%5 == 1 && ((k == Congress && lastQ) || (k == Committee && lastM)) || i%5 == 2 && k == ThemeDay && lastM {
						continue
					}
					day := p.From.AddDays(7 + (i+len(k))%10)
					if today.Before(day) {
						day = today
					}
					topics := demoTopics[k]
					if err := s.seedMeeting(ctx, tx, &o, k, day, topics[(i+p.Index)%len(topics)], today); err != nil {
						return err
					}
				}
			}
			if i == 1 {
				return s.seedMeeting(ctx, tx, &o, Congress, today, "讨论接收预备党员（今日召开）", today)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := Sync(ctx, d); err != nil {
		return err
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "life.demo_seed", ObjectType: "system", Detail: map[string]any{"branches": i}})
	})
}

// seedMeeting records one demo meeting: everyone present but one absent on
// duty (nobody yet when it is held today), a decision for a 党员大会.
func (s *Service) seedMeeting(ctx context.Context, tx *db.Tx, o *org.Org, kind string, day civil.Date, topic string, today civil.Date) error {
	roster, err := Roster(ctx, tx, o, kind, day)
	if err != nil {
		return err
	}
	m := &Meeting{OrgID: o.ID, Kind: kind, KindLabel: KindLabel(kind), HeldOn: day.String(), Topic: topic}
	m.ID, err = db.InsertID(ctx, tx, `INSERT INTO life_meetings (org_id, kind, held_on, place, host, topic, minutes, created_by, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,'`+demo.Recorder+`',?,?)`, o.ID, kind, m.HeldOn, "支部会议室", "支部书记", topic, "会议按议程进行，与会党员围绕主题发言讨论。", s.Now().UnixMilli(), s.Now().UnixMilli())
	if err != nil {
		return err
	}
	for j, r := range roster {
		a := Attendee{PersonID: r.PersonID, Name: r.Name, Voting: r.Voting, Status: Present, Method: "form", CheckedAt: s.Now().UnixMilli()}
		switch {
		case day.Equal(today):
			a.Status, a.Method, a.CheckedAt = Pending, "", 0
		case j == len(roster)-1 && j > 2:
			a.Status, a.Reason, a.Method, a.CheckedAt = Absent, "执勤", "", 0
		}
		if err := insertAttendee(ctx, tx, m.ID, a); err != nil {
			return err
		}
	}
	if err := s.recount(ctx, tx, m); err != nil {
		return err
	}
	if kind != Congress || len(roster) == 0 || day.Equal(today) {
		return nil
	}
	due := day.AddDays(30)
	return s.addDecision(ctx, tx, m, Decision{What: "形成会议纪要并报上级党委备案", OwnerID: roster[0].PersonID, OwnerName: roster[0].Name,
		DueOn: due.String(), Todo: !due.Before(today)})
}
