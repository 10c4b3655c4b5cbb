package corps

import (
	"context"
	"fmt"
	"time"

	"hongdun/internal/demo"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/todo"
)

// committeePosts maps the committee posts of the demo bureau to the roster.
var committeePosts = map[string]string{"书记": "secretary", "副书记": "deputy", "组织委员": "organiser"}

// SeedDemo builds the demo bureau's party-worker roster: every current
// 书记, 副书记 and 组织委员 of a committee (兼职, 专职 in the 党委), one
// 党务干事 per 党委 (some of them 辅警), and five years of people who left
// (every fourth branch lost its 组织委员, for the reasons in turn) so that
// turnover shows; awards for party and police work side by side, and this
// year's 优秀党务工作者 nominations: one approved into the honours registry,
// the others waiting for the 党委 above. It does nothing when the roster
// holds anyone.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "corps_workers"); seeded || err != nil {
		return err
	}
	today := civil.Today(d.Now())
	now := d.Now().UnixMilli()
	type seat struct {
		orgID, personID, parentID int64
		kind, post, start, cat    string
	}
	rows, err := d.DB.QueryContext(ctx, `SELECT c.org_id, c.person_id, COALESCE(o.parent_id, 0), o.kind, c.post, c.term_start, p.category
		FROM committee_members c JOIN orgs o ON o.id = c.org_id JOIN persons p ON p.id = c.person_id
		WHERE c.ended_on IS NULL AND o.dissolved_on IS NULL AND p.status IN ('full', 'probationary') ORDER BY o.path, c.id`)
	if err != nil {
		return err
	}
	var seats []seat
	for rows.Next() {
		var s seat
		if err := rows.Scan(&s.orgID, &s.personID, &s.parentID, &s.kind, &s.post, &s.start, &s.cat); err != nil {
			rows.Close()
			return err
		}
		if committeePosts[s.post] != "" && s.cat != "" {
			seats = append(seats, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(seats) == 0 {
		return err
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		insert := func(personID, orgID int64, post, duty, cat, from, left, reason string) (int64, error) {
			var leftOn any
			if left != "" {
				leftOn = left
			}
			return db.InsertID(ctx, tx, `INSERT INTO corps_workers (person_id, org_id, post, duty, category, appointed_on, left_on, leave_reason, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?,?)`, personID, orgID, post, duty, cat, from, leftOn, reason, now, now)
		}
		var workers []int64
		leavers, branch := 0, 0
		for _, s := range seats {
			from := s.start
			if from > today.String() {
				from = today.AddDays(-30).String()
			}
			duty := Part
			if s.kind == "committee" && s.post != "组织委员" {
				duty = Full
			}
			id, err := insert(s.personID, s.orgID, committeePosts[s.post], duty, s.cat, from, "", "")
			if db.IsUnique(err) {
				continue
			}
			if err != nil {
				return err
			}
			workers = append(workers, id)
			if s.post != "书记" || s.kind == "committee" {
				continue
			}
			// Every fourth branch had a 组织委员 before, who left over the
			// last five years.
			if branch++; branch%4 != 0 {
				continue
			}
			var other int64
			var cat string
			err = tx.QueryRowContext(ctx, `SELECT id, category FROM persons WHERE org_id = ? AND status = 'full' AND category <> '' AND id <> ?
				ORDER BY id DESC LIMIT 1`, s.orgID, s.personID).Scan(&other, &cat)
			if db.IsNoRows(err) {
				continue
			}
			if err != nil {
				return err
			}
			r := LeaveReasons[leavers%len(LeaveReasons)]
			left := civil.New(today.Year()-leavers%5, time.Month(1+leavers%12), 10)
			if !left.Before(today) {
				left = today.AddDays(-3)
			}
			if _, err := insert(other, s.orgID, "organiser", Part, cat, left.AddYears(-2-leavers%4).String(), left.String(), r.Code); err != nil && !db.IsUnique(err) {
				return err
			}
			leavers++
		}
		clerks, err := seedClerks(ctx, tx, today, now)
		if err != nil {
			return err
		}
		workers = append(workers, clerks...)
		if err := seedAwards(ctx, tx, workers, today, now); err != nil {
			return err
		}
		if err := seedNominations(ctx, tx, workers, today, now); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "corps.demo_seed", ObjectType: "system", Detail: map[string]any{"workers": len(workers), "leavers": leavers}})
	})
}

// seedClerks gives every 党委 below the top a 党务干事 from its own
// members: 专职, every third a 辅警 where one is at hand.
func seedClerks(ctx context.Context, tx *db.Tx, today civil.Date, now int64) ([]int64, error) {
	committees, err := db.IDs(ctx, tx, "SELECT id FROM orgs WHERE kind = 'committee' AND parent_id IS NOT NULL AND dissolved_on IS NULL ORDER BY id")
	if err != nil {
		return nil, err
	}
	var out []int64
	for i, c := range committees {
		want := "民警"
		if i%3 == 0 {
			want = Auxiliary
		}
		var person int64
		var cat string
		err := tx.QueryRowContext(ctx, `SELECT p.id, p.category FROM persons p JOIN orgs o ON o.id = p.org_id WHERE o.parent_id = ? AND p.status = 'full'
			ORDER BY CASE WHEN p.category = ? THEN 0 ELSE 1 END, p.id LIMIT 1`, c, want).Scan(&person, &cat)
		if db.IsNoRows(err) || cat == "" {
			continue
		}
		if err != nil {
			return nil, err
		}
		id, err := db.InsertID(ctx, tx, `INSERT INTO corps_workers (person_id, org_id, post, duty, category, appointed_on, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?)`, person, c, "clerk", Full, cat, today.AddYears(-1-i%6).AddDays(-(40*i)%300).String(), now, now)
		if db.IsUnique(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// seedAwards gives every seventh worker a police-work award and every
// eleventh a party-work one.
func seedAwards(ctx context.Context, tx *db.Tx, workers []int64, today civil.Date, now int64) error {
	business := []string{"个人三等功", "全市优秀人民警察", "个人嘉奖", "执法办案能手"}
	party := []string{"分局优秀党务工作者", "“党建+业务”融合先进个人", "党务知识竞赛一等奖"}
	for i, w := range workers {
		var person, orgID int64
		if err := tx.QueryRowContext(ctx, "SELECT w.person_id, p.org_id FROM corps_workers w JOIN persons p ON p.id = w.person_id WHERE w.id = ?", w).Scan(&person, &orgID); err != nil {
			return err
		}
		on := today.AddDays(-90 - 37*i%700).String()
		if i%7 == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO corps_awards (person_id, org_id, field, title, issuer, awarded_on, created_at) VALUES (?,?,?,?,?,?,?)
				ON CONFLICT DO NOTHING`, person, orgID, "business", business[i%len(business)], "西安市公安局", on, now); err != nil {
				return err
			}
		}
		if i%11 == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO corps_awards (person_id, org_id, field, title, issuer, awarded_on, created_at) VALUES (?,?,?,?,?,?,?)
				ON CONFLICT DO NOTHING`, person, orgID, "party", party[i%len(party)], "中共西安市公安局委员会", on, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedNominations nominates this year's 优秀党务工作者 from three
// organisations: the first approved into the honours registry, the others
// waiting for the 党委 above (with their 待办).
func seedNominations(ctx context.Context, tx *db.Tx, workers []int64, today civil.Date, now int64) error {
	var issuer int64
	if err := tx.QueryRowContext(ctx, "SELECT id FROM honour_issuers WHERE level = 'bureau' ORDER BY sort, id LIMIT 1").Scan(&issuer); err != nil {
		return err
	}
	used := map[int64]bool{}
	k := 0
	for i := 3; i < len(workers) && k < 3; i += 13 {
		var person, orgID, parent int64
		var name, orgName string
		if err := tx.QueryRowContext(ctx, `SELECT w.person_id, w.org_id, COALESCE(o.parent_id, o.id), p.name, o.name FROM corps_workers w
			JOIN persons p ON p.id = w.person_id JOIN orgs o ON o.id = w.org_id WHERE w.id = ? AND w.left_on IS NULL`, workers[i]).Scan(&person, &orgID, &parent, &name, &orgName); err != nil {
			if db.IsNoRows(err) {
				continue
			}
			return err
		}
		if used[orgID] {
			continue
		}
		used[orgID] = true
		state := Nominated
		var honourID any
		if k == 0 {
			state = Approved
			var personOrg int64
			if err := tx.QueryRowContext(ctx, "SELECT org_id FROM persons WHERE id = ?", person).Scan(&personOrg); err != nil {
				return err
			}
			id, err := db.InsertID(ctx, tx, `INSERT INTO honours (kind, org_id, person_id, subject, title, issuer_id, awarded_on, doc_no, note, created_at, updated_at)
				VALUES ('person',?,?,?,?,?,?,?,?,?,?)`, personOrg, person, fmt.Sprintf("p%d", person), Nominations.Title, issuer, today.String(),
				fmt.Sprintf("市公党〔%d〕8号", today.Year()), fmt.Sprintf("%d 年度优秀党务工作者评选（%s推荐）", today.Year(), orgName), now, now)
			if err != nil {
				return err
			}
			honourID = id
		}
		id, err := db.InsertID(ctx, tx, `INSERT INTO corps_nominations (year, worker_id, person_id, org_id, deciding_org_id, deeds, state, honour_id, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, today.Year(), workers[i], person, orgID, parent,
			"长期坚守党务工作岗位，组织生活规范，党建与业务深度融合，所在支部任务完成率名列前茅。", state, honourID, now, now)
		if err != nil {
			return err
		}
		if state == Nominated {
			n := &Nomination{ID: id, Year: today.Year(), Name: name, OrgName: orgName, DecidingID: parent}
			if err := todo.Post(ctx, tx, decisionTodo(n)); err != nil {
				return err
			}
		}
		k++
	}
	return nil
}
