package pioneer

import (
	"context"
	"fmt"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Post is a 示范岗, 先锋岗 or 责任区 with its members.
type Post struct {
	ID        int64        `json:"id"`
	OrgID     int64        `json:"org_id"`
	OrgName   string       `json:"org_name"`
	Kind      string       `json:"kind"`
	KindLabel string       `json:"kind_label"`
	Name      string       `json:"name"`
	Duty      string       `json:"duty"`
	Place     string       `json:"place"`
	SetOn     string       `json:"set_on"`
	EndedOn   string       `json:"ended_on,omitempty"`
	Members   []PostMember `json:"members,omitempty"`
	Photos    []Photo      `json:"photos,omitempty"`
	Headcount int          `json:"headcount"` // current members
	Version   int          `json:"version"`
	orgPath   string
}

// PostMember is one person on a post.
type PostMember struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	JoinedOn string `json:"joined_on"`
	LeftOn   string `json:"left_on,omitempty"`
}

const postCols = `t.id, t.org_id, o.name, o.path, t.kind, t.name, t.duty, t.place, t.set_on, COALESCE(t.ended_on, ''), t.version,
	(SELECT COUNT(*) FROM pioneer_post_members m WHERE m.post_id = t.id AND m.left_on IS NULL)`

type scanner = listing.Scanner

func scanPost(s scanner) (*Post, error) {
	var t Post
	err := s.Scan(&t.ID, &t.OrgID, &t.OrgName, &t.orgPath, &t.Kind, &t.Name, &t.Duty, &t.Place, &t.SetOn, &t.EndedOn, &t.Version, &t.Headcount)
	t.KindLabel = KindLabel(t.Kind)
	return &t, err
}

// loadPost reads a post in s with its members and photos; else a 404.
func loadPost(ctx context.Context, q db.Querier, s scope.Subtree, id int64) (*Post, error) {
	in, args := s.Where("o.path")
	t, err := scanPost(q.QueryRowContext(ctx, "SELECT "+postCols+" FROM pioneer_posts t JOIN orgs o ON o.id = t.org_id WHERE t.id = ? AND "+in,
		append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT person_id, name, role, joined_on, COALESCE(left_on, '') FROM pioneer_post_members WHERE post_id = ?
		ORDER BY CASE WHEN left_on IS NULL THEN 0 ELSE 1 END, CASE role WHEN '岗长' THEN 0 ELSE 1 END, joined_on, name`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m PostMember
		if err := rows.Scan(&m.PersonID, &m.Name, &m.Role, &m.JoinedOn, &m.LeftOn); err != nil {
			return nil, err
		}
		t.Members = append(t.Members, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	t.Photos, err = photosOf(ctx, q, "post_id", id)
	return t, err
}

// GetPost returns a post the caller may read.
func (s *Service) GetPost(ctx context.Context, p *auth.Principal, id int64) (*Post, error) {
	return loadPost(ctx, s.DB, scope.Of(p), id)
}

// PostInput sets up or edits a post.
type PostInput struct {
	Version int    `json:"version,omitempty"` // for an edit
	OrgID   int64  `json:"org_id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Duty    string `json:"duty"`
	Place   string `json:"place"`
	SetOn   string `json:"set_on"`
	EndedOn string `json:"ended_on"`
}

// check validates the fields of a post.
func (in *PostInput) check(today civil.Date) error {
	if KindLabel(in.Kind) == "" {
		return fail.Malformed("kind", "请选择类型：党员示范岗、党员先锋岗或党员责任区")
	}
	var err error
	if in.Name, err = input.Text("name", "名称", in.Name, true, 60, false); err != nil {
		return err
	}
	if in.Duty, err = input.Text("duty", "职责与服务内容", in.Duty, true, 1000, true); err != nil {
		return err
	}
	if in.Place, err = input.Text("place", "地点或区域", in.Place, false, 100, false); err != nil {
		return err
	}
	set, err := input.Date("set_on", "设立日期", in.SetOn)
	if err != nil {
		return err
	}
	if today.Before(set) {
		return fail.NotAllowed("set_on", "设立日期不能晚于今天")
	}
	in.SetOn = set.String()
	end, err := input.OptDate("ended_on", "撤销日期", in.EndedOn)
	if err != nil {
		return err
	}
	if !end.IsZero() && (end.Before(set) || today.Before(end)) {
		return fail.NotAllowed("ended_on", "撤销日期应在设立日期与今天之间")
	}
	in.EndedOn = end.String()
	return nil
}

// branchOf returns a live organisation the caller may write.
func branchOf(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*org.Org, error) {
	if id <= 0 {
		return nil, fail.Malformed("org_id", "请选择党组织")
	}
	if _, err := org.WritablePath(ctx, q, p, id); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, q, id)
	if err == nil && o.Dissolved() {
		return nil, fail.NotAllowed("org_id", "「"+o.Name+"」已撤销")
	}
	return o, err
}

// CreatePost sets up a post of an organisation in the caller's scope.
func (s *Service) CreatePost(ctx context.Context, p *auth.Principal, in PostInput) (*Post, error) {
	o, err := branchOf(ctx, s.DB, p, in.OrgID)
	if err != nil {
		return nil, err
	}
	if err := in.check(civil.Today(s.Now())); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now().UnixMilli()
		id, err = db.InsertID(ctx, tx, `INSERT INTO pioneer_posts (org_id, kind, name, duty, place, set_on, ended_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)`,
			o.ID, in.Kind, in.Name, in.Duty, in.Place, in.SetOn, nullStr(in.EndedOn), now, now)
		if db.IsUnique(err) {
			return fail.Conflict("「" + o.Name + "」已有" + KindLabel(in.Kind) + "「" + in.Name + "」，无需重复设立")
		}
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.post.create", ObjectType: "pioneer_post", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPost(ctx, p, id)
}

// writablePost loads a post for a write at the version read.
func writablePost(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Post, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	t, err := loadPost(ctx, tx, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, fail.Malformed("version", "请提供所读取记录的版本号（version）")
	}
	if version != t.Version {
		return nil, fail.Conflict("该岗位已被他人修改，请刷新后重新操作")
	}
	res, err := tx.ExecContext(ctx, "UPDATE pioneer_posts SET version = version + 1 WHERE id = ? AND version = ?", id, version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fail.Conflict("该岗位已被他人修改，请刷新后重新操作")
	}
	return t, nil
}

// UpdatePost edits a post (its organisation stays).
func (s *Service) UpdatePost(ctx context.Context, p *auth.Principal, id int64, in PostInput) (*Post, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		t, err := writablePost(ctx, tx, p, id, in.Version)
		if err != nil {
			return err
		}
		if err := fail.Kept("org_id", "不能更改岗位所属的党组织，请在该组织另行设岗", in.OrgID, t.OrgID); err != nil {
			return err
		}
		if err := in.check(civil.Today(s.Now())); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE pioneer_posts SET kind = ?, name = ?, duty = ?, place = ?, set_on = ?, ended_on = ?, updated_at = ? WHERE id = ?",
			in.Kind, in.Name, in.Duty, in.Place, in.SetOn, nullStr(in.EndedOn), s.Now().UnixMilli(), id)
		if db.IsUnique(err) {
			return fail.Conflict("本组织已有同名的" + KindLabel(in.Kind))
		}
		if err != nil {
			return err
		}
		before := PostInput{OrgID: t.OrgID, Kind: t.Kind, Name: t.Name, Duty: t.Duty, Place: t.Place, SetOn: t.SetOn, EndedOn: t.EndedOn}
		in.OrgID = t.OrgID
		return s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.post.update", ObjectType: "pioneer_post", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: before, After: in}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPost(ctx, p, id)
}

// MemberInput puts a person on a post.
type MemberInput struct {
	Version  int    `json:"version"`
	PersonID int64  `json:"person_id"`
	Role     string `json:"role"`
	JoinedOn string `json:"joined_on"`
}

// AddMember puts a party member of the post's organisation on it.
func (s *Service) AddMember(ctx context.Context, p *auth.Principal, id int64, in MemberInput) (*Post, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		t, err := writablePost(ctx, tx, p, id, in.Version)
		if err != nil {
			return err
		}
		if t.EndedOn != "" {
			return fail.NotAllowed("person_id", "该岗位已于 "+t.EndedOn+" 撤销")
		}
		if !validRole(in.Role) {
			return fail.Malformed("role", "请选择岗位角色：岗长或成员")
		}
		day, err := input.Date("joined_on", "上岗日期", in.JoinedOn)
		if err != nil {
			return err
		}
		if day.String() < t.SetOn || civil.Today(s.Now()).Before(day) {
			return fail.NotAllowed("joined_on", "上岗日期应在岗位设立日期 "+t.SetOn+" 与今天之间")
		}
		pe, err := member.GetIn(ctx, tx, scope.Under(t.orgPath), in.PersonID)
		if err == db.ErrNotFound || (err == nil && pe.Status != "full" && pe.Status != "probationary") {
			return fail.NotAllowed("person_id", "只能安排「"+t.OrgName+"」的党员上岗")
		}
		if err != nil {
			return err
		}
		for _, m := range t.Members {
			if m.PersonID == pe.ID && m.LeftOn == "" {
				return fail.Conflict(pe.Name + " 已在岗，无需重复安排")
			}
			if in.Role == Roles[0] && m.Role == Roles[0] && m.LeftOn == "" {
				return fail.Conflict("该岗位已有岗长 " + m.Name + "，请先安排其离岗")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pioneer_post_members WHERE post_id = ? AND person_id = ?`, id, pe.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO pioneer_post_members (post_id, person_id, name, role, joined_on) VALUES (?,?,?,?,?)`,
			id, pe.ID, pe.Name, in.Role, day.String()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.member.add", ObjectType: "pioneer_post", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"person_id": pe.ID, "role": in.Role, "joined_on": day.String()}}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPost(ctx, p, id)
}

// Leave takes a person off a post on a day.
func (s *Service) Leave(ctx context.Context, p *auth.Principal, id, personID int64, version int, on string) (*Post, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		t, err := writablePost(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		var m *PostMember
		for i := range t.Members {
			if t.Members[i].PersonID == personID && t.Members[i].LeftOn == "" {
				m = &t.Members[i]
			}
		}
		if m == nil {
			return fail.NotAllowed("person_id", "该党员不在岗")
		}
		day, err := input.Date("left_on", "离岗日期", on)
		if err != nil {
			return err
		}
		if day.String() < m.JoinedOn || civil.Today(s.Now()).Before(day) {
			return fail.NotAllowed("left_on", "离岗日期应在上岗日期 "+m.JoinedOn+" 与今天之间")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE pioneer_post_members SET left_on = ? WHERE post_id = ? AND person_id = ?", day.String(), id, personID); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.member.leave", ObjectType: "pioneer_post", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: m, After: map[string]any{"person_id": personID, "left_on": day.String()}}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPost(ctx, p, id)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
