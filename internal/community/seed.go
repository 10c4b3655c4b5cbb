package community

import (
	"context"
	"fmt"
	"hongdun/internal/demo"
	"strings"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

var demoServices = []string{"防范电信诈骗宣传", "为独居老人上门办理身份证", "交通安全进社区", "矛盾纠纷排查调解", "消防安全隐患排查", "义务巡逻守护平安"}

var demoIssues = []struct{ what, resolution string }{
	{"小区东门路灯不亮，夜间出行不安全", "协调物业更换灯具 3 盏，并增加夜间巡逻"},
	{"楼道堆放杂物，存在消防隐患", "联合社区、物业清理楼道杂物，张贴消防提示"},
	{"小区周边电动车乱停放", "协调街道施划停车位，开展文明停车劝导"},
	{"独居老人反映收到可疑中奖短信", "上门讲解防骗知识，帮助老人设置来电拦截"},
}

// SeedDemo gives every branch of the demo bureau a community it reported
// to with its 1+2 structure, most of its members reported where they live,
// this year's service activities with hours, a ledger of 关键小事 (resolved
// with feedback, taken, and one overdue), and last year's feedback from
// half of the communities. It does nothing when communities exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "communities"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	now := d.Now().UnixMilli()
	sites := 0
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, o := range orgs {
			if (o.Kind != org.Branch && o.Kind != org.Joint) || o.Dissolved() {
				continue
			}
			o := o
			roster, err := life.Roster(ctx, tx, &o, life.Congress, today)
			if err != nil {
				return err
			}
			if len(roster) < 4 {
				continue
			}
			sites++
			name := strings.TrimSuffix(strings.TrimSuffix(org.ShortName(o.Name, o.ShortName), "党支部"), "派出所") + "社区"
			id, err := db.InsertID(ctx, tx, `INSERT INTO communities (org_id, name, street, contact, police_org_id, estate_org, resident_org, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?)`, o.ID, name, "辖区街道办事处", "社区党委书记", o.ID, name+"各小区党支部", name+"居委会、业主委员会", now, now)
			if err != nil {
				return err
			}
			start := civil.New(today.Year()-1, 3, 1+sites%25)
			if _, err := tx.ExecContext(ctx, `INSERT INTO community_reports (community_id, org_id, name, reported_on, contact, created_at) VALUES (?,?,?,?,?,?)`,
				id, o.ID, o.Name, start.String(), "社区党委书记", now); err != nil {
				return err
			}
			for j, m := range roster {
				if j%5 == 4 {
					continue // not reported yet
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO community_reports (community_id, org_id, person_id, name, reported_on, contact, created_at) VALUES (?,?,?,?,?,?,?)`,
					id, o.ID, m.PersonID, m.Name, start.AddDays(7+j).String(), "社区网格员", now); err != nil {
					return err
				}
			}
			if err := seedWork(ctx, tx, id, o.ID, roster, sites, today, now); err != nil {
				return err
			}
			if sites%2 == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO community_feedback (community_id, org_id, year, rating, comment, given_by, given_on, created_at)
					VALUES (?,?,?,?,?,?,?,?)`, id, o.ID, today.Year()-1, Ratings[sites%4/3].Key, "民警常驻社区，服务热情，群众认可", "社区党委",
					civil.New(today.Year(), 1, 10).String(), now); err != nil {
					return err
				}
			}
		}
		if err := syncTodos(ctx, tx, today); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "community.demo_seed", ObjectType: "system", Detail: map[string]any{"communities": sites}})
	})
	return err
}

// seedWork writes a branch's activities of this year (one a month so far,
// three or four members each) and its ledger of 关键小事.
func seedWork(ctx context.Context, tx *db.Tx, site, orgID int64, roster []life.RosterEntry, k int, today civil.Date, now int64) error {
	for mo := 1; mo <= int(today.Month()); mo++ {
		day := civil.New(today.Year(), 1, 1).AddMonths(mo - 1).AddDays(9 + k%15)
		if today.Before(day) {
			break
		}
		title := demoServices[(k+mo)%len(demoServices)]
		id, err := db.InsertID(ctx, tx, `INSERT INTO community_activities (community_id, org_id, title, place, held_on, served, practical, created_by, created_at)
			VALUES (?,?,?,?,?,?,?,'`+demo.Recorder+`',?)`, site, orgID, title, "社区广场", day.String(), 20+(k*mo)%80, b2i(mo%3 == 0), now)
		if err != nil {
			return err
		}
		for j := 0; j < 3+mo%2 && j < len(roster); j++ {
			m := roster[(mo*3+j)%len(roster)]
			if _, err := tx.ExecContext(ctx, "INSERT INTO community_activity_people (activity_id, person_id, name, hours_x10) VALUES (?,?,?,?)",
				id, m.PersonID, m.Name, 10+10*(j%3)+5*(mo%2)); err != nil {
				return err
			}
		}
	}
	for j, di := range demoIssues[:2+k%3] {
		raised := today.AddDays(-60 + 15*j)
		taker := roster[j%len(roster)]
		due, resolved, resolution, feedback := raised.AddDays(30).String(), any(nil), "", ""
		if j == 0 {
			resolved, resolution, feedback = raised.AddDays(6).String(), di.resolution, Ratings[k%2].Key
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO community_issues (community_id, org_id, raised_on, raised_by, what, taker_id, taker_name, due_on, resolved_on, resolution,
			feedback, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, site, orgID, raised.String(), fmt.Sprintf("居民（%d号楼）", 3+j), di.what,
			taker.PersonID, taker.Name, due, resolved, resolution, feedback, now, now); err != nil {
			return err
		}
	}
	return nil
}
