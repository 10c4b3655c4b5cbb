package community

import (
	"context"
	"errors"
	"fmt"
	"math"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/scope"
)

// Activity is a service activity (or a 为民办实事) in a community.
type Activity struct {
	ID          int64    `json:"id"`
	CommunityID int64    `json:"community_id"`
	Community   string   `json:"community"`
	OrgID       int64    `json:"org_id"`
	OrgName     string   `json:"org_name"`
	Title       string   `json:"title"`
	Place       string   `json:"place"`
	HeldOn      string   `json:"held_on"`
	Served      int      `json:"served"`    // people served
	Practical   bool     `json:"practical"` // a 为民办实事
	HoursX10    int      `json:"hours_x10"` // of everyone who served, in tenths
	People      []Served `json:"people,omitempty"`
	Photos      []Photo  `json:"photos,omitempty"`
	CreatedBy   string   `json:"created_by"`
	orgPath     string
}

// Served is one member who served and their hours (tenths).
type Served struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	HoursX10 int    `json:"hours_x10"`
}

// Hours writes tenths of an hour as hours.
func Hours(x10 int) string {
	if x10%10 == 0 {
		return fmt.Sprint(x10 / 10)
	}
	return fmt.Sprintf("%.1f", float64(x10)/10)
}

const activityCols = `a.id, a.community_id, c.name, a.org_id, o.name, o.path, a.title, a.place, a.held_on, a.served, a.practical, a.created_by,
	(SELECT COALESCE(SUM(hours_x10), 0) FROM community_activity_people ap WHERE ap.activity_id = a.id)`

const activityFrom = " FROM community_activities a JOIN communities c ON c.id = a.community_id JOIN orgs o ON o.id = a.org_id"

func scanActivity(s scanner) (*Activity, error) {
	var a Activity
	var practical int
	err := s.Scan(&a.ID, &a.CommunityID, &a.Community, &a.OrgID, &a.OrgName, &a.orgPath, &a.Title, &a.Place, &a.HeldOn, &a.Served, &practical,
		&a.CreatedBy, &a.HoursX10)
	a.Practical = practical == 1
	return &a, err
}

// loadActivity reads an activity of s with its people and photos.
func loadActivity(ctx context.Context, q db.Querier, s scope.Subtree, id int64) (*Activity, error) {
	in, args := s.Where("o.path")
	a, err := scanActivity(q.QueryRowContext(ctx, "SELECT "+activityCols+activityFrom+" WHERE a.id = ? AND "+in, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT person_id, name, hours_x10 FROM community_activity_people WHERE activity_id = ? ORDER BY hours_x10 DESC, name", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x Served
		if err := rows.Scan(&x.PersonID, &x.Name, &x.HoursX10); err != nil {
			return nil, err
		}
		a.People = append(a.People, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	a.Photos, err = photosOf(ctx, q, id)
	return a, err
}

// GetActivity returns an activity the caller may read.
func (s *Service) GetActivity(ctx context.Context, p *auth.Principal, id int64) (*Activity, error) {
	return loadActivity(ctx, s.DB, scope.Of(p), id)
}

// ActivityInput records an activity.
type ActivityInput struct {
	CommunityID int64         `json:"community_id"`
	OrgID       int64         `json:"org_id"`
	Title       string        `json:"title"`
	Place       string        `json:"place"`
	HeldOn      string        `json:"held_on"`
	Served      int           `json:"served"`
	Practical   bool          `json:"practical"`
	People      []PersonHours `json:"people"`
}

// PersonHours is a member who served and how long.
type PersonHours struct {
	PersonID int64   `json:"person_id"`
	Hours    float64 `json:"hours"`
}

// Record stores an activity of an organisation the caller writes (or, for
// a member logging their own service, of their organisation) in a
// community it works with, with its photo when one came. The same
// activity twice is refused.
func (s *Service) Record(ctx context.Context, p *auth.Principal, in ActivityInput, photo *Upload) (*Activity, error) {
	today := civil.Today(s.Now())
	day, err := input.Date("held_on", "活动日期", in.HeldOn)
	if err != nil {
		return nil, err
	}
	if today.Before(day) {
		return nil, fail.NotAllowed("held_on", "活动日期不能晚于今天：这里登记已经开展的服务")
	}
	if in.Title, err = input.Text("title", "服务内容", in.Title, true, 200, false); err != nil {
		return nil, err
	}
	if in.Place, err = input.Text("place", "服务地点", in.Place, false, 100, false); err != nil {
		return nil, err
	}
	if in.Served < 0 || in.Served > 100000 {
		return nil, fail.NotAllowed("served", "服务群众人次应在 0 至 100000 之间")
	}
	if len(in.People) == 0 {
		return nil, fail.Malformed("people", "请至少登记一名参加服务的党员及其时长")
	}
	self := p.Role == auth.Member && p.PersonID != 0
	var sc scope.Subtree
	if self {
		if len(in.People) != 1 || in.People[0].PersonID != p.PersonID {
			return nil, fail.NotAllowed("people", "党员只能登记本人的服务记录")
		}
		b, own, err := bureauOf(ctx, s.DB, p.PersonID)
		if err != nil {
			return nil, err
		}
		sc, in.OrgID = b, own.ID
	} else {
		if !p.Writes() {
			return nil, fail.NotFound()
		}
		if _, err := writableOrg(ctx, s.DB, p, "org_id", in.OrgID); err != nil {
			return nil, err
		}
		sc = scope.Of(p)
	}
	c, err := loadSite(ctx, s.DB, sc, in.CommunityID, false)
	if err != nil {
		return nil, err
	}
	orgPath, err := org.PathOf(ctx, s.DB, in.OrgID)
	if err != nil {
		return nil, err
	}
	var people []Served
	seen := map[int64]bool{}
	for _, ph := range in.People {
		pe, err := member.GetIn(ctx, s.DB, scope.Under(orgPath), ph.PersonID)
		if errors.Is(err, db.ErrNotFound) || (err == nil && pe.Status != "full" && pe.Status != "probationary") {
			return nil, fail.NotAllowed("people", fmt.Sprintf("人员（编号 %d）不是本组织的党员", ph.PersonID))
		}
		if err != nil {
			return nil, err
		}
		x10 := int(math.Round(ph.Hours * 10))
		switch {
		case seen[pe.ID]:
			return nil, fail.NotAllowed("people", pe.Name+" 登记了两次")
		case x10 < 5 || x10 > 240:
			return nil, fail.NotAllowed("people", pe.Name+" 的服务时长应在 0.5 至 24 小时之间")
		}
		seen[pe.ID] = true
		people = append(people, Served{PersonID: pe.ID, Name: pe.Name, HoursX10: x10})
	}
	im, err := sealPhoto(s.Deps, photo)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err = db.InsertID(ctx, tx, `INSERT INTO community_activities (community_id, org_id, title, place, held_on, served, practical, created_by, created_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, c.ID, in.OrgID, in.Title, in.Place, day.String(), in.Served, b2i(in.Practical), p.Username, s.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict(day.String() + "「" + in.Title + "」已经登记过")
		}
		if err != nil {
			return err
		}
		for _, x := range people {
			if _, err := tx.ExecContext(ctx, "INSERT INTO community_activity_people (activity_id, person_id, name, hours_x10) VALUES (?,?,?,?)",
				id, x.PersonID, x.Name, x.HoursX10); err != nil {
				return err
			}
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "community.activity", ObjectType: "community_activity", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"community_id": c.ID, "org_id": in.OrgID, "title": in.Title, "held_on": day.String(),
				"served": in.Served, "practical": in.Practical, "people": len(people)}}}); err != nil {
			return err
		}
		if im == nil {
			return nil
		}
		return insertPhoto(ctx, s.Deps, tx, p, id, im)
	})
	if err != nil {
		dropPhoto(s.Deps, im)
		return nil, err
	}
	if self {
		return loadActivity(ctx, s.DB, scope.All(), id)
	}
	return s.GetActivity(ctx, p, id)
}

// AddPhoto adds a photo to an activity in the caller's scope.
func (s *Service) AddPhoto(ctx context.Context, p *auth.Principal, id int64, up Upload) (*Activity, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	if _, err := s.GetActivity(ctx, p, id); err != nil {
		return nil, err
	}
	im, err := sealPhoto(s.Deps, &up)
	if err != nil {
		return nil, err
	}
	if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return insertPhoto(ctx, s.Deps, tx, p, id, im) }); err != nil {
		dropPhoto(s.Deps, im)
		return nil, err
	}
	return s.GetActivity(ctx, p, id)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
