package community

import (
	"context"
	"errors"
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

// Community is a community with its 1+2 structure, its reports and its
// yearly feedback.
type Community struct {
	ID          int64      `json:"id"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	Name        string     `json:"name"`
	Street      string     `json:"street"`
	Contact     string     `json:"contact"`
	PoliceOrgID int64      `json:"police_org_id"` // 公安党组织
	PoliceOrg   string     `json:"police_org"`
	EstateOrg   string     `json:"estate_org"`   // 小区党组织
	ResidentOrg string     `json:"resident_org"` // 居民组织
	Units       int        `json:"units"`        // live unit reports
	Members     int        `json:"members"`      // live member reports
	Reports     []Report   `json:"reports,omitempty"`
	Feedback    []Feedback `json:"feedback,omitempty"`
	Version     int        `json:"version"`
	orgPath     string
}

// Report is a unit's or a member's 报到.
type Report struct {
	ID          int64  `json:"id"`
	CommunityID int64  `json:"community_id"`
	OrgID       int64  `json:"org_id"`
	PersonID    int64  `json:"person_id,omitempty"`
	Name        string `json:"name"`
	ReportedOn  string `json:"reported_on"`
	Contact     string `json:"contact"`
	Note        string `json:"note,omitempty"`
	EndedOn     string `json:"ended_on,omitempty"`
	Community   string `json:"community,omitempty"`
}

// Unit reports whether the report is a unit's.
func (r Report) Unit() bool { return r.PersonID == 0 }

// Feedback is a community's yearly feedback on an organisation.
type Feedback struct {
	ID          int64  `json:"id"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	Year        int    `json:"year"`
	Rating      string `json:"rating"`
	RatingLabel string `json:"rating_label"`
	Comment     string `json:"comment"`
	GivenBy     string `json:"given_by"`
	GivenOn     string `json:"given_on"`
}

const siteCols = `c.id, c.org_id, o.name, o.path, c.name, c.street, c.contact, COALESCE(c.police_org_id, 0), COALESCE(po.name, ''), c.estate_org,
	c.resident_org, c.version,
	(SELECT COUNT(*) FROM community_reports r WHERE r.community_id = c.id AND r.person_id IS NULL AND r.ended_on IS NULL),
	(SELECT COUNT(*) FROM community_reports r WHERE r.community_id = c.id AND r.person_id IS NOT NULL AND r.ended_on IS NULL)`

const siteFrom = " FROM communities c JOIN orgs o ON o.id = c.org_id LEFT JOIN orgs po ON po.id = c.police_org_id"

type scanner = listing.Scanner

func scanSite(s scanner) (*Community, error) {
	var c Community
	err := s.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.orgPath, &c.Name, &c.Street, &c.Contact, &c.PoliceOrgID, &c.PoliceOrg, &c.EstateOrg,
		&c.ResidentOrg, &c.Version, &c.Units, &c.Members)
	return &c, err
}

// visible is the SQL condition of the communities a subtree works with:
// those its organisations registered and those registered above it (a
// branch serves the communities its 分局 registered).
func visible(s scope.Subtree) (string, []any) {
	in, args := s.Where("o.path")
	up, uargs := s.Lineage("o.path")
	return "(" + in + " OR " + up + ")", append(args, uargs...)
}

// loadSite reads a community visible to s; anything else is a 404. full
// adds its reports and feedback.
func loadSite(ctx context.Context, q db.Querier, s scope.Subtree, id int64, full bool) (*Community, error) {
	in, args := visible(s)
	c, err := scanSite(q.QueryRowContext(ctx, "SELECT "+siteCols+siteFrom+" WHERE c.id = ? AND "+in, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil || !full {
		return c, err
	}
	if c.Reports, err = reports(ctx, q, "r.community_id = ?", id); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.org_id, o.name, f.year, f.rating, f.comment, f.given_by, f.given_on FROM community_feedback f
		JOIN orgs o ON o.id = f.org_id WHERE f.community_id = ? ORDER BY f.year DESC, o.path`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Feedback
		if err := rows.Scan(&f.ID, &f.OrgID, &f.OrgName, &f.Year, &f.Rating, &f.Comment, &f.GivenBy, &f.GivenOn); err != nil {
			return nil, err
		}
		f.RatingLabel = RatingLabel(f.Rating)
		c.Feedback = append(c.Feedback, f)
	}
	return c, rows.Err()
}

// reports lists reports matching cond, live ones first.
func reports(ctx context.Context, q db.Querier, cond string, args ...any) ([]Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.community_id, r.org_id, COALESCE(r.person_id, 0), r.name, r.reported_on, r.contact, r.note, COALESCE(r.ended_on, ''), c.name
		FROM community_reports r JOIN communities c ON c.id = r.community_id WHERE `+cond+`
		ORDER BY CASE WHEN r.ended_on IS NULL THEN 0 ELSE 1 END, CASE WHEN r.person_id IS NULL THEN 0 ELSE 1 END, r.reported_on DESC, r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.CommunityID, &r.OrgID, &r.PersonID, &r.Name, &r.ReportedOn, &r.Contact, &r.Note, &r.EndedOn, &r.Community); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Get returns a community the caller may read, with its reports and feedback.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Community, error) {
	return loadSite(ctx, s.DB, scope.Of(p), id, true)
}

// SiteInput registers or edits a community.
type SiteInput struct {
	Version     int    `json:"version,omitempty"`
	OrgID       int64  `json:"org_id"`
	Name        string `json:"name"`
	Street      string `json:"street"`
	Contact     string `json:"contact"`
	PoliceOrgID int64  `json:"police_org_id"`
	EstateOrg   string `json:"estate_org"`
	ResidentOrg string `json:"resident_org"`
}

func (in *SiteInput) check() error {
	var err error
	for _, f := range []struct {
		field, label string
		v            *string
		required     bool
		max          int
	}{{"name", "社区名称", &in.Name, true, 60}, {"street", "所属街道", &in.Street, false, 60}, {"contact", "社区联系人", &in.Contact, false, 60},
		{"estate_org", "小区党组织", &in.EstateOrg, false, 200}, {"resident_org", "居民组织", &in.ResidentOrg, false, 200}} {
		if *f.v, err = input.Text(f.field, f.label, *f.v, f.required, f.max, false); err != nil {
			return err
		}
	}
	return nil
}

// writableOrg checks an organisation a form names is one the caller may write.
func writableOrg(ctx context.Context, q db.Querier, p *auth.Principal, field string, id int64) (*org.Org, error) {
	if id <= 0 {
		return nil, fail.Malformed(field, "请选择党组织")
	}
	if _, err := org.WritablePath(ctx, q, p, id); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, q, id)
	if err == nil && o.Dissolved() {
		return nil, fail.NotAllowed(field, "「"+o.Name+"」已撤销")
	}
	return o, err
}

// SaveSite registers a community (ID 0) or edits one at the version read.
func (s *Service) SaveSite(ctx context.Context, p *auth.Principal, id int64, in SiteInput) (*Community, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var before *Community
		if id != 0 {
			c, err := loadSite(ctx, tx, scope.Of(p), id, false)
			if err != nil {
				return err
			}
			if !p.Writes() {
				return fail.NotFound()
			}
			if in.Version != c.Version {
				return fail.Conflict("该社区信息已被他人修改，请刷新后重新填写")
			}
			before, in.OrgID = c, c.OrgID
		}
		o, err := writableOrg(ctx, tx, p, "org_id", in.OrgID)
		if err != nil {
			return err
		}
		if in.PoliceOrgID == 0 {
			in.PoliceOrgID = o.ID
		}
		if _, err := writableOrg(ctx, tx, p, "police_org_id", in.PoliceOrgID); err != nil {
			if fail.IsNotFound(err) {
				return fail.NotAllowed("police_org_id", "结对的公安党组织应在您管辖的范围内")
			}
			return err
		}
		now := s.Now().UnixMilli()
		action := "community.site.update"
		if id == 0 {
			action = "community.site.create"
			id, err = db.InsertID(ctx, tx, `INSERT INTO communities (org_id, name, street, contact, police_org_id, estate_org, resident_org, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?)`, o.ID, in.Name, in.Street, in.Contact, in.PoliceOrgID, in.EstateOrg, in.ResidentOrg, now, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE communities SET name = ?, street = ?, contact = ?, police_org_id = ?, estate_org = ?, resident_org = ?,
				updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, in.Name, in.Street, in.Contact, in.PoliceOrgID, in.EstateOrg, in.ResidentOrg,
				now, id, in.Version)
		}
		if db.IsUnique(err) {
			return fail.Conflict("「" + o.Name + "」已登记社区「" + in.Name + "」，无需重复登记")
		}
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "community", ObjectID: fmt.Sprint(id), Detail: audit.Change{Before: before, After: in}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// ReportInput is a 报到: a unit's (PersonID 0: OrgID reports) or a member's.
type ReportInput struct {
	OrgID      int64  `json:"org_id"`
	PersonID   int64  `json:"person_id"`
	ReportedOn string `json:"reported_on"`
	Contact    string `json:"contact"`
	Note       string `json:"note"`
}

// AddReport records a 报到 to a community. A unit reports once to a
// community; a member has one live report: a report elsewhere (they moved)
// ends the previous one, the same one again is refused. A member may
// report for themselves to any community of their bureau.
func (s *Service) AddReport(ctx context.Context, p *auth.Principal, communityID int64, in ReportInput) (*Report, error) {
	day, err := input.Date("reported_on", "报到日期", in.ReportedOn)
	if err != nil {
		return nil, err
	}
	today := civil.Today(s.Now())
	if today.Before(day) {
		return nil, fail.NotAllowed("reported_on", "报到日期不能晚于今天")
	}
	if in.Contact, err = input.Text("contact", "社区接收人", in.Contact, false, 60, false); err != nil {
		return nil, err
	}
	if in.Note, err = input.Text("note", "备注", in.Note, false, 200, false); err != nil {
		return nil, err
	}
	var out *Report
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		mine := in.PersonID != 0 && p.Role == auth.Member && p.PersonID == in.PersonID
		var sc scope.Subtree
		switch {
		case mine:
			if sc, _, err = bureauOf(ctx, tx, p.PersonID); err != nil {
				return err
			}
		case p.Writes():
			sc = scope.Of(p)
		default:
			return fail.NotFound()
		}
		c, err := loadSite(ctx, tx, sc, communityID, false)
		if err != nil {
			return err
		}
		r := Report{CommunityID: c.ID, ReportedOn: day.String(), Contact: in.Contact, Note: in.Note, Community: c.Name}
		if in.PersonID == 0 {
			o, err := writableOrg(ctx, tx, p, "org_id", in.OrgID)
			if err != nil {
				return err
			}
			r.OrgID, r.Name = o.ID, o.Name
		} else {
			if !mine {
				sc = scope.Of(p)
			}
			pe, err := member.GetIn(ctx, tx, sc, in.PersonID)
			if errors.Is(err, db.ErrNotFound) || (err == nil && pe.Status != "full" && pe.Status != "probationary") {
				return fail.NotAllowed("person_id", "只能登记在职党员到居住地社区报到")
			}
			if err != nil {
				return err
			}
			r.OrgID, r.PersonID, r.Name = pe.OrgID, pe.ID, pe.Name
			live, err := reports(ctx, tx, "r.person_id = ? AND r.ended_on IS NULL", pe.ID)
			if err != nil {
				return err
			}
			for _, old := range live {
				if old.CommunityID == c.ID {
					return fail.Conflict(pe.Name + " 已于 " + old.ReportedOn + " 到「" + c.Name + "」报到，无需重复报到")
				}
				if day.String() < old.ReportedOn {
					return fail.NotAllowed("reported_on", "新的报到日期不能早于上一次报到（"+old.ReportedOn+"）")
				}
				if _, err := tx.ExecContext(ctx, "UPDATE community_reports SET ended_on = ? WHERE id = ?", r.ReportedOn, old.ID); err != nil {
					return err
				}
			}
		}
		r.ID, err = db.InsertID(ctx, tx, `INSERT INTO community_reports (community_id, org_id, person_id, name, reported_on, contact, note, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, c.ID, r.OrgID, nullID(r.PersonID), r.Name, r.ReportedOn, r.Contact, r.Note, s.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict("「" + r.Name + "」已到「" + c.Name + "」报到，无需重复报到")
		}
		if err != nil {
			return err
		}
		out = &r
		return s.Audit.Write(ctx, tx, audit.Event{Action: "community.report", ObjectType: "community", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{After: r}})
	})
	return out, err
}

// FeedbackInput is a community's yearly feedback on an organisation.
type FeedbackInput struct {
	OrgID   int64  `json:"org_id"`
	Year    int    `json:"year"`
	Rating  string `json:"rating"`
	Comment string `json:"comment"`
	GivenBy string `json:"given_by"`
	GivenOn string `json:"given_on"`
}

// AddFeedback records a community's feedback of a year on an organisation
// that reported to it; once a year.
func (s *Service) AddFeedback(ctx context.Context, p *auth.Principal, communityID int64, in FeedbackInput) (*Community, error) {
	if RatingLabel(in.Rating) == "" {
		return nil, fail.Malformed("rating", "请选择评价：满意、基本满意或不满意")
	}
	day, err := input.Date("given_on", "反馈日期", in.GivenOn)
	if err != nil {
		return nil, err
	}
	today := civil.Today(s.Now())
	if today.Before(day) || in.Year < 2000 || day.Year() < in.Year || day.Year() > in.Year+1 {
		return nil, fail.NotAllowed("given_on", "反馈日期应在所评年度或次年内，且不晚于今天")
	}
	if in.Comment, err = input.Text("comment", "反馈意见", in.Comment, in.Rating == "unsatisfied", 1000, true); err != nil {
		return nil, err
	}
	if in.GivenBy, err = input.Text("given_by", "反馈人", in.GivenBy, false, 60, false); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if !p.Writes() {
			return fail.NotFound()
		}
		c, err := loadSite(ctx, tx, scope.Of(p), communityID, false)
		if err != nil {
			return err
		}
		o, err := writableOrg(ctx, tx, p, "org_id", in.OrgID)
		if err != nil {
			return err
		}
		id, err := db.InsertID(ctx, tx, `INSERT INTO community_feedback (community_id, org_id, year, rating, comment, given_by, given_on, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, c.ID, o.ID, in.Year, in.Rating, in.Comment, in.GivenBy, day.String(), s.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("「%s」对「%s」%d 年度的反馈已经登记", c.Name, o.Name, in.Year))
		}
		if err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "community.feedback", ObjectType: "community", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{After: map[string]any{"feedback_id": id, "org_id": o.ID, "year": in.Year, "rating": in.Rating}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx, today)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, communityID)
}
