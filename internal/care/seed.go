package care

import (
	"bytes"
	"context"
	"fmt"
	"hongdun/internal/demo"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// demoVisitors are who the demo branches send.
var demoVisitors = []string{"支部书记、组织委员", "支部书记", "分局党委委员、支部书记", "组织委员、宣传委员"}

// SeedDemo gives the demo bureau its care work: a dozen 生活困难党员
// entries (most approved, two waiting for review, one returned, one ending
// soon), this year's 春节 campaign done and closed, and the 七一 campaign
// of the last 七一 half done, some visits with a photo. It does nothing
// when campaigns exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "care_campaigns"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil || len(orgs) == 0 {
		return err
	}
	root, rootPath := orgs[0].ID, orgs[0].Path
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	photo, err := demoPhoto()
	if err != nil {
		return err
	}
	var stats struct{ hardship, visits, photos int }
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		if stats.hardship, err = seedHardship(ctx, d, tx, today); err != nil {
			return err
		}
		y := today.Year()
		if today.Before(civil.New(y, time.July, 10)) {
			y--
		}
		spring := demoCampaign{name: fmt.Sprintf("%d年春节走访慰问", today.Year()), kind: "chunjie", starts: civil.New(today.Year(), time.January, 10),
			ends: civil.New(today.Year(), time.February, 10), ledgers: []string{Retired, Hardship, Elder}, standard: 30000, share: 1, closed: true}
		july := demoCampaign{name: fmt.Sprintf("%d年“七一”走访慰问", y), kind: "qiyi", starts: civil.New(y, time.June, 15),
			ends: civil.New(y, time.July, 10), ledgers: []string{Hardship, Elder}, standard: 50000, share: 2}
		for _, c := range []demoCampaign{spring, july} {
			if c.starts.After(today) {
				continue
			}
			v, ph, err := c.seed(ctx, d, tx, root, rootPath, today, photo)
			if err != nil {
				return err
			}
			stats.visits, stats.photos = stats.visits+v, stats.photos+ph
		}
		if err := syncHardship(ctx, tx, today); err != nil {
			return err
		}
		if err := syncCampaigns(ctx, tx, today); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "care.demo_seed", ObjectType: "system",
			Detail: map[string]any{"hardship": stats.hardship, "visits": stats.visits, "photos": stats.photos}})
	})
	return err
}

// seedHardship enters every 150th 正式党员 as in hardship.
func seedHardship(ctx context.Context, d *core.Deps, tx *db.Tx, today civil.Date) (int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, org_id FROM persons WHERE status = 'full' ORDER BY id")
	if err != nil {
		return 0, err
	}
	type who struct{ id, org int64 }
	var people []who
	for i := 0; rows.Next(); i++ {
		var w who
		if err := rows.Scan(&w.id, &w.org); err != nil {
			rows.Close()
			return 0, err
		}
		if i%150 == 75 {
			people = append(people, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	details := []string{"本人患慢性病长期治疗，医疗支出大", "配偶重病住院，家庭收入减少", "住房受暴雨损毁，正在修缮", "两名子女在读大学，学费负担重",
		"配偶失业，家庭仅靠本人工资", "独居高龄，行动不便"}
	now := d.Now().UnixMilli()
	for i, w := range people {
		state, until, reviewer, note := "approved", today.AddYears(1).String(), demo.Recorder, "情况属实，同意认定"
		switch i % 8 {
		case 2, 6:
			state, reviewer, note = "pending", "", ""
		case 4:
			state, note = "returned", "请补充收入情况说明"
		case 5:
			until = today.AddDays(20).String()
		}
		var reviewed any
		if reviewer != "" {
			reviewed = today.AddDays(-30).String()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO care_hardship (person_id, org_id, cause, level, since, until, detail_enc, state, entered_by, reviewed_by,
			reviewed_on, review_note, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, w.id, w.org, Causes[i%len(Causes)].Code,
			Levels[i%3/2].Code, today.AddMonths(-3-i%6).String(), until, d.Keys.Seal(details[i%len(details)]), state, demo.Recorder, reviewer, reviewed, note, now, now); err != nil {
			return 0, err
		}
	}
	return len(people), nil
}

type demoCampaign struct {
	name, kind   string
	starts, ends civil.Date
	ledgers      []string
	standard     int64
	share        int // one in share of the list is visited
	closed       bool
}

// seed opens the campaign for the whole bureau and visits its share of
// the list within the window, every 40th visit with a photo.
func (c demoCampaign) seed(ctx context.Context, d *core.Deps, tx *db.Tx, root int64, rootPath string, today civil.Date, photo []byte) (int, int, error) {
	ls, err := whomToVisit(ctx, tx, rootPath, c.ledgers, today)
	if err != nil || len(ls) == 0 {
		return 0, 0, err
	}
	state, closed := "open", any(nil)
	if c.closed {
		state, closed = "closed", c.ends.AddDays(5).String()
	}
	now := d.Now().UnixMilli()
	id, err := db.InsertID(ctx, tx, `INSERT INTO care_campaigns (org_id, name, kind, starts_on, ends_on, ledgers, standard_fen, note, state, closed_on, created_by, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,'`+demo.Recorder+`',?,?)`, root, c.name, c.kind, c.starts.String(), c.ends.String(), strings.Join(c.ledgers, ","), c.standard,
		"局党委统一部署，各支部书记带队走访", state, closed, now, now)
	if err != nil {
		return 0, 0, err
	}
	if err := insertTargets(ctx, tx, id, ls); err != nil {
		return 0, 0, err
	}
	days := c.starts.DaysUntil(c.ends)
	visits, photos := 0, 0
	for i, l := range ls {
		if i%c.share != 0 {
			continue
		}
		on := c.starts.AddDays(i % (days + 1))
		if on.After(today) {
			on = today
		}
		form, amount := "home", c.standard
		if i%7 == 3 {
			form = "money"
		}
		vid, err := db.InsertID(ctx, tx, `INSERT INTO care_visits (person_id, org_id, campaign_id, visited_on, form, visitors, amount_fen, notes, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,'`+demo.Recorder+`',?,?)`, l.personID, l.orgID, id, on.String(), form, demoVisitors[i%len(demoVisitors)], amount,
			"老同志身体尚好，对组织的关心表示感谢", now, now)
		if db.IsUnique(err) {
			continue // visited the same day in the other campaign: one visit counts once
		}
		if err != nil {
			return 0, 0, err
		}
		visits++
		if visits%40 == 1 {
			stored, err := photoStore(d).Put(photo)
			if err != nil {
				return 0, 0, err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO care_photos (visit_id, file_name, stored_name, content_type, size, sha256, actor, created_at)
				VALUES (?,?,?,?,?,?,'`+demo.Recorder+`',?)`, vid, "走访照片.jpg", stored, "image/jpeg", len(photo), fmt.Sprintf("demo-%d", vid), now); err != nil {
				return 0, 0, err
			}
			photos++
		}
	}
	return visits, photos, nil
}

// demoPhoto is a small picture standing in for a photo of a visit: a
// red banner over a warm ground.
func demoPhoto() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			c := color.RGBA{R: 246, G: 236, B: 220, A: 255}
			if y < 60 {
				c = color.RGBA{R: 183, G: 28, B: 28, A: 255}
			} else if (x/40+y/40)%2 == 0 {
				c = color.RGBA{R: 230, G: 214, B: 190, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes(), err
}
