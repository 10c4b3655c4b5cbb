package pioneer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hongdun/internal/demo"
	"image"
	"image/color"
	"image/png"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

var demoPosts = []struct{ kind, name, duty, place string }{
	{Model, "户籍窗口党员示范岗", "亮明党员身份，推行“一窗通办”、延时服务和上门办证，做到群众办事“最多跑一次”。", "派出所办证大厅"},
	{Vanguard, "反诈宣传党员先锋岗", "深入社区、学校、企业开展反电诈宣传，及时劝阻预警，守护群众“钱袋子”。", "辖区社区"},
	{Zone, "社区警务党员责任区", "包片走访、化解矛盾纠纷、排查安全隐患，及时解决群众身边的“关键小事”。", "辖区网格"},
}

var demoPledges = []struct{ tasks, goals, deed string }{
	{"带头办理群众户籍业务，每月至少开展一次上门服务。", "全年群众满意率 100%，无有效投诉。", "为行动不便的老人上门办理身份证"},
	{"牵头开展反电诈宣传进社区，每季度不少于 3 场。", "辖区电诈发案同比下降 10%。", "在社区广场开展反诈宣传，发放资料 300 份"},
	{"包联 2 个小区，每月走访重点人员和困难群众。", "矛盾纠纷化解率 95% 以上，不发生民转刑案件。", "调解邻里漏水纠纷一起，双方签订协议"},
	{"坚持每周学习，带头讲一次微党课。", "全年学习不少于 32 学时，考试成绩优秀。", "在主题党日讲微党课《对党忠诚》"},
}

// SeedDemo gives the demo bureau's branches their posts with members (and
// photos on the demo members' branch), this year's commitments of most
// members with deeds (every tenth member has not made one yet), and last
// year's commitments all reviewed, which the 民主评议 shows. It does
// nothing when posts exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "pioneer_posts"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	var live int64 // the demo members' branch
	if err := d.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(p.org_id), 0) FROM accounts a JOIN persons p ON p.id = a.person_id
		WHERE a.username = 'dangyuan1'`).Scan(&live); err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	now := d.Now().UnixMilli()
	st := photoStore(d)
	var stored []string
	branches, seq := 0, 0
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
			if len(roster) < 3 {
				continue
			}
			branches++
			set := civil.New(today.Year()-1, 3, 1+branches%27)
			for k, dp := range demoPosts[:1+branches%3] {
				id, err := db.InsertID(ctx, tx, `INSERT INTO pioneer_posts (org_id, kind, name, duty, place, set_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)`,
					o.ID, dp.kind, dp.name, dp.duty, dp.place, set.String(), now, now)
				if err != nil {
					return err
				}
				for j := 0; j < 3 && k*3+j < len(roster); j++ {
					m := roster[k*3+j]
					if _, err := tx.ExecContext(ctx, "INSERT INTO pioneer_post_members (post_id, person_id, name, role, joined_on) VALUES (?,?,?,?,?)",
						id, m.PersonID, m.Name, Roles[min(j, 1)], set.String()); err != nil {
						return err
					}
				}
				if o.ID == live {
					pic := demoPhoto(k)
					name, err := st.Put(pic)
					if err != nil {
						return err
					}
					stored = append(stored, name)
					sum := sha256.Sum256(pic)
					if _, err := tx.ExecContext(ctx, `INSERT INTO pioneer_photos (post_id, file_name, stored_name, content_type, size, sha256, actor, created_at)
						VALUES (?,?,?,'image/png',?,?,'`+demo.Recorder+`',?)`, id, dp.name+".png", name, len(pic), hex.EncodeToString(sum[:]), now); err != nil {
						return err
					}
				}
			}
			for _, m := range roster {
				seq++
				pl := demoPledges[seq%len(demoPledges)]
				if err := seedCommitment(ctx, tx, o.ID, m, today.Year()-1, pl.tasks, pl.goals, pl.deed, Reviews[seq%7%4].Key, today, now); err != nil {
					return err
				}
				if seq%10 == 0 && o.ID != live {
					continue // not made public yet
				}
				if err := seedCommitment(ctx, tx, o.ID, m, today.Year(), pl.tasks, pl.goals, pl.deed, "", today, now); err != nil {
					return err
				}
			}
		}
		if err := syncTodos(ctx, tx, today, scope.All()); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.demo_seed", ObjectType: "system", Detail: map[string]any{"branches": branches}})
	})
	if err != nil {
		for _, name := range stored {
			st.Remove(name)
		}
	}
	return err
}

// seedCommitment writes one demo commitment of a year, made early in it,
// with a deed a month later when that date has come, reviewed when review
// is set.
func seedCommitment(ctx context.Context, tx *db.Tx, orgID int64, m life.RosterEntry, year int, tasks, goals, deed, review string, today civil.Date, now int64) error {
	made := civil.New(year, 2, 20)
	if today.Before(made) {
		made = today
	}
	var reviewed any
	if review != "" {
		reviewed = civil.New(year, 12, 20).String()
	}
	id, err := db.InsertID(ctx, tx, `INSERT INTO pioneer_commitments (person_id, name, org_id, year, tasks, goals, made_on, review, reviewed_on, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, m.PersonID, m.Name, orgID, year, tasks, goals, made.String(), review, reviewed, now, now)
	if err != nil {
		return err
	}
	for k, on := range []civil.Date{made.AddMonths(1), made.AddMonths(4)} {
		if on.Year() != year || today.Before(on) {
			continue
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO pioneer_deeds (commitment_id, done_on, what, evidence, created_by, created_at) VALUES (?,?,?,?,'"+demo.Recorder+"',?)",
			id, on.String(), fmt.Sprintf("%s（第%d次）", deed, k+1), "支部台账", now); err != nil {
			return err
		}
	}
	return nil
}

// demoPhoto is a small picture standing in for a post's photo: the red of
// the board, shaded differently per post.
func demoPhoto(k int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.RGBA{uint8(180 - y/4), uint8(30 + 40*k), uint8(30 + x/8), 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to memory cannot fail
	return b.Bytes()
}
