package wartime

import (
	"context"
	"fmt"
	"hongdun/internal/demo"
	"slices"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// SeedDemo gives the demo bureau two response events, written through the
// service as a 党委 officer would: an ended 疫情防控 response of the first
// 分局 two years ago (a 临时党支部 since dissolved, a 党员突击队 and a 党员
// 先锋岗 with party members, an activist, an applicant and 辅警, their
// records and three people found 表现突出), and the 市局's active 安保
// response that adopts the bureau's existing 临时党支部, with a 突击队 of
// the second 分局. It does nothing when events exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "wartime_events"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	var root *org.Org
	var districts []org.Org
	var temp *org.Org
	for i := range orgs {
		o := &orgs[i]
		switch {
		case o.Dissolved():
		case o.ParentID == 0 && root == nil:
			root = o
		case o.Kind == org.TempBranch && temp == nil:
			temp = o
		case root != nil && o.ParentID == root.ID && org.CanApprove(o) && strings.Contains(o.Name, "分局"):
			districts = append(districts, *o)
		}
	}
	if root == nil || len(districts) < 2 {
		return nil // not the demo bureau
	}
	s := New(d)
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	p := &auth.Principal{Username: demo.Recorder, Role: auth.OrgAdmin, OrgID: root.ID, OrgPath: root.Path}
	t := civil.Today(d.Now())
	sd := &seeder{s: s, p: p, orgs: orgs}
	if err := sd.ended(ctx, &districts[0], t); err != nil {
		return fmt.Errorf("ended event: %w", err)
	}
	if err := sd.active(ctx, root, temp, &districts[1], t); err != nil {
		return fmt.Errorf("active event: %w", err)
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "wartime.demo_seed", ObjectType: "system", Detail: map[string]int{"events": 2}})
	})
}

type seeder struct {
	s    *Service
	p    *auth.Principal
	orgs []org.Org
}

// branches are the live 党支部 right under o.
func (sd *seeder) branches(o *org.Org) []org.Org {
	var out []org.Org
	for _, b := range sd.orgs {
		if b.ParentID == o.ID && b.Kind == org.Branch && !b.Dissolved() {
			out = append(out, b)
		}
	}
	return out
}

// people picks up to n people of the branches whose status is one of
// statuses (and, when category is set, of that category).
func (sd *seeder) people(ctx context.Context, branches []int64, category string, n int, statuses ...string) ([]int64, error) {
	orgs, args := db.In(branches)
	in, more := db.In(statuses)
	q := "SELECT id FROM persons WHERE org_id IN (" + orgs + ") AND status IN (" + in + ")"
	args = append(args, more...)
	if category != "" {
		q += " AND category = ?"
		args = append(args, category)
	}
	return db.IDs(ctx, sd.s.DB, q+" ORDER BY id LIMIT ?", append(args, n)...)
}

// deeds are what the demo records say, in turn.
var deeds = []string{
	"连续72小时坚守卡口，核查往来车辆和人员",
	"主动请缨进入封控小区，为居民配送生活物资",
	"夜间巡逻中发现并处置一起警情，群众送来感谢信",
	"带病坚持岗位，完成核酸检测点秩序维护",
	"协助转运发热病人，严格落实防护措施",
	"组织志愿者开展政策宣传，劝导群众配合防控",
}

// serve puts people in a team and writes their records, two a person.
func (sd *seeder) serve(ctx context.Context, team *Team, people []int64, joined civil.Date, attester string, k int) error {
	for i, id := range people {
		if _, err := sd.s.AddMember(ctx, sd.p, team.ID, MemberInput{PersonID: id, JoinedOn: joined.String()}); err != nil {
			return err
		}
		for j := 0; j < 2; j++ {
			on := joined.AddDays(3 + 9*j + i)
			if _, _, err := sd.s.AddRecord(ctx, sd.p, team.ID, RecordInput{PersonID: id, OnDate: on.String(),
				Deed: deeds[(k+i+j)%len(deeds)], AttestedBy: attester}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (sd *seeder) ended(ctx context.Context, district *org.Org, t civil.Date) error {
	bs := sd.branches(district)
	if len(bs) < 2 {
		return nil
	}
	start := t.AddMonths(-26)
	e, err := sd.s.Activate(ctx, sd.p, EventInput{KindID: kindID(ctx, sd.s, "疫情防控"), OrgID: district.ID, Title: "驰援疫情防控",
		StartsOn: start.String(), EndsOn: start.AddMonths(3).String(), DocNo: "公党〔" + fmt.Sprint(start.Year()) + "〕17号",
		Summary: "抽调民警、辅警支援辖区封控小区和卡口的疫情防控工作", UnitIDs: []int64{bs[0].ID, bs[1].ID}})
	if err != nil {
		return err
	}
	formed := start.AddDays(1)
	branch, err := sd.s.AddTeam(ctx, sd.p, e.ID, TeamInput{Kind: TempBranch, Name: "驰援疫情防控临时党支部", OrgID: district.ID,
		Duty: "统一领导抽调党员的思想政治工作和防控任务", FormedOn: formed.String()})
	if err != nil {
		return err
	}
	squad, err := sd.s.AddTeam(ctx, sd.p, e.ID, TeamInput{Kind: Squad, Name: "封控小区党员突击队", OrgID: bs[0].ID, Duty: "封控小区值守和物资配送", FormedOn: formed.String()})
	if err != nil {
		return err
	}
	post, err := sd.s.AddTeam(ctx, sd.p, e.ID, TeamInput{Kind: Post, Name: "卡口党员先锋岗", OrgID: bs[1].ID, Duty: "进城卡口查验", FormedOn: formed.String()})
	if err != nil {
		return err
	}
	all := make([]int64, len(bs))
	for i, b := range bs {
		all[i] = b.ID
	}
	full, err := sd.people(ctx, []int64{bs[0].ID}, "", 3, "full")
	if err != nil {
		return err
	}
	if err := sd.serve(ctx, branch, full, formed, "临时党支部书记", 0); err != nil {
		return err
	}
	var squadPeople []int64
	// An activist, an applicant and a 辅警 from anywhere in the 分局, and a
	// 正式党员 of the branch.
	for _, pick := range []struct {
		category string
		orgs     []int64
		statuses []string
	}{{"", all, []string{"activist"}}, {"", all, []string{"applicant"}}, {"辅警", all, []string{"applicant", "activist", "candidate", "probationary", "full"}},
		{"", []int64{bs[0].ID}, []string{"full"}}} {
		ids, err := sd.people(ctx, pick.orgs, pick.category, 1, pick.statuses...)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !slices.Contains(squadPeople, id) {
				squadPeople = append(squadPeople, id)
			}
		}
	}
	if err := sd.serve(ctx, squad, squadPeople, formed, "突击队队长", 2); err != nil {
		return err
	}
	postPeople, err := sd.people(ctx, []int64{bs[1].ID}, "", 3, "full", "probationary", "activist")
	if err != nil {
		return err
	}
	if err := sd.serve(ctx, post, postPeople, formed.AddDays(2), "先锋岗岗长", 4); err != nil {
		return err
	}
	found := start.AddMonths(3)
	for i, id := range squadPeople {
		if i == 3 {
			break
		}
		if _, err := sd.s.SetStandout(ctx, sd.p, squad.ID, StandoutInput{PersonID: id, OnDate: found.String(),
			Reason: "在封控小区连续奋战，冲锋在前，群众评价高"}); err != nil {
			return err
		}
	}
	_, err = sd.s.End(ctx, sd.p, e.ID, EndInput{Version: e.Version, EndedOn: found.String(), Note: "防控任务圆满完成，临时党支部和队伍随之撤销"})
	return err
}

func (sd *seeder) active(ctx context.Context, root, temp *org.Org, district *org.Org, t civil.Date) error {
	bs := sd.branches(district)
	if temp == nil || temp.EndsOn == "" || len(bs) == 0 {
		return nil
	}
	start := t.AddMonths(-1)
	e, err := sd.s.Activate(ctx, sd.p, EventInput{KindID: kindID(ctx, sd.s, "重大安保维稳"), OrgID: root.ID, Title: "丝绸之路国际博览会安保",
		StartsOn: start.String(), EndsOn: temp.EndsOn, DocNo: "市公党〔" + fmt.Sprint(t.Year()) + "〕5号",
		Summary: "博览会期间场馆、酒店和重要道路的安保任务", UnitIDs: []int64{root.ID}})
	if err != nil {
		return err
	}
	// The bureau set up its 临时党支部 before the response was recorded:
	// adopt it, with its committee as members (their home branches stay).
	now := sd.s.Now().UnixMilli()
	teamID, err := db.InsertID(ctx, sd.s.DB, `INSERT INTO wartime_teams (event_id, kind, name, org_id, duty, formed_on, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?)`, e.ID, TempBranch, temp.Name, temp.ID, temp.Task, start.String(), now, now)
	if err != nil {
		return err
	}
	if _, err := sd.s.DB.ExecContext(ctx, `INSERT INTO wartime_members (team_id, person_id, role, joined_on, created_at)
		SELECT ?, person_id, post, ?, ? FROM committee_members WHERE org_id = ? AND ended_on IS NULL`, teamID, start.String(), now, temp.ID); err != nil {
		return err
	}
	squad, err := sd.s.AddTeam(ctx, sd.p, e.ID, TeamInput{Kind: Squad, Name: "场馆安保党员突击队", OrgID: bs[0].ID, Duty: "主场馆周边巡逻和应急处置",
		FormedOn: start.AddDays(2).String()})
	if err != nil {
		return err
	}
	people, err := sd.people(ctx, []int64{bs[0].ID}, "", 4, "full", "probationary", "activist", "applicant")
	if err != nil {
		return err
	}
	if err := sd.serve(ctx, squad, people, start.AddDays(2), "突击队队长", 1); err != nil {
		return err
	}
	if len(people) > 0 {
		if _, err = sd.s.SetStandout(ctx, sd.p, squad.ID, StandoutInput{PersonID: people[len(people)-1], OnDate: t.String(),
			Reason: "处置突发警情果断有力，受到博览会组委会通报表扬"}); err != nil {
			return err
		}
	}
	return sd.committee(ctx, root, e, start)
}

// committee gives the bureau's active response its 临时党委, approved by
// the 市局党委, with a 临时党支部 under it and a 党员先锋岗 where the demo's
// member accounts serve (so that their phones show it).
func (sd *seeder) committee(ctx context.Context, root *org.Org, e *Event, start civil.Date) error {
	if !org.CanApprove(root) {
		return nil
	}
	formed := start.AddDays(1)
	cm, err := sd.s.AddTeam(ctx, sd.p, e.ID, TeamInput{Kind: TempCommittee, Name: "博览会安保临时党委", OrgID: root.ID,
		ApprovalDoc: "市公党〔" + fmt.Sprint(start.Year()) + "〕6号", Duty: "统一领导博览会安保期间各临时党支部、党员突击队和党员先锋岗", FormedOn: formed.String()})
	if err != nil {
		return err
	}
	br, err := sd.s.AddTeam(ctx, sd.p, e.ID, TeamInput{Kind: TempBranch, Name: "主场馆安保临时党支部", OrgID: cm.OrgID,
		Duty: "主场馆安检、巡逻和应急处置", FormedOn: formed.String()})
	if err != nil {
		return err
	}
	post, err := sd.s.AddTeam(ctx, sd.p, e.ID, TeamInput{Kind: Post, Name: "主场馆安检党员先锋岗", OrgID: root.ID,
		Duty: "每日 8:00–20:00 主场馆东门安检口值守，引导群众有序入场", FormedOn: formed.String()})
	if err != nil {
		return err
	}
	var mine []int64
	rows, err := sd.s.DB.QueryContext(ctx, `SELECT a.person_id FROM accounts a JOIN persons p ON p.id = a.person_id
		WHERE a.role = 'member' AND p.status IN ('full', 'probationary') ORDER BY a.username LIMIT 3`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		mine = append(mine, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(mine) == 0 {
		return nil
	}
	if _, err := sd.s.AddMember(ctx, sd.p, cm.ID, MemberInput{PersonID: mine[0], Role: "委员", JoinedOn: formed.String()}); err != nil {
		return err
	}
	if err := sd.serve(ctx, br, mine, formed, "临时党支部书记", 5); err != nil {
		return err
	}
	_, err = sd.s.AddMember(ctx, sd.p, post.ID, MemberInput{PersonID: mine[0], Role: "岗长", JoinedOn: formed.AddDays(1).String()})
	return err
}

func kindID(ctx context.Context, s *Service, name string) int64 {
	ks, _ := Kinds(ctx, s.DB) // a failed read leaves 0, which Activate refuses by name
	for _, k := range ks {
		if k.Name == name {
			return k.ID
		}
	}
	return 0
}
