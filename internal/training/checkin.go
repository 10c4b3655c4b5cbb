package training

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

func parseDate(s string) (time.Time, error) { return time.ParseInLocation("2006-01-02", s, shanghai) }

// venueInfo is a venue with its session and program, for check-in.
type venueInfo struct {
	Venue
	orgPath   string
	session   Session
	programID int64
	program   string // the program's title
	progPath  string
	audience  string // audience organisation path
	cats      []string
}

func (s *Service) venue(ctx context.Context, q db.Querier, id int64) (*venueInfo, error) {
	var v venueInfo
	var cats string
	var main int
	err := q.QueryRowContext(ctx, `SELECT v.id, v.org_id, vo.name, vo.path, v.name, v.main, v.place,
			se.id, se.title, se.mode, se.starts_at, se.ends_at, se.hours_x10, se.open_before_min, se.late_after_min,
			pr.id, pr.title, po.path, ao.path, pr.categories
		FROM training_venues v JOIN orgs vo ON vo.id = v.org_id JOIN training_sessions se ON se.id = v.session_id
		JOIN training_programs pr ON pr.id = se.program_id JOIN orgs po ON po.id = pr.org_id JOIN orgs ao ON ao.id = pr.audience_org_id
		WHERE v.id = ?`, id).Scan(&v.ID, &v.OrgID, &v.OrgName, &v.orgPath, &v.Name, &main, &v.Place,
		&v.session.ID, &v.session.Title, &v.session.Mode, &v.session.StartsAt, &v.session.EndsAt, &v.session.HoursX10, &v.session.OpenBeforeMin, &v.session.LateAfterMin,
		&v.programID, &v.program, &v.progPath, &v.audience, &cats)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cats), &v.cats); err != nil {
		return nil, fmt.Errorf("training_programs %d: categories: %w", v.programID, err)
	}
	v.Main = main == 1
	return &v, nil
}

// VenueForOrganiser returns a venue whose people the caller may see: the
// venue's own organiser sees only it; the program's organiser sees all.
func (s *Service) VenueForOrganiser(ctx context.Context, p *auth.Principal, id int64) (*venueInfo, error) {
	v, err := s.venue(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if sc := scope.Of(p); !sc.Contains(v.orgPath) && !sc.Contains(v.progPath) {
		return nil, fail.NotFound()
	}
	return v, nil
}

// screenVenue is a venue whose screen the caller may show: only the
// venue's own organiser shows its code and its count.
func (s *Service) screenVenue(ctx context.Context, p *auth.Principal, id int64) (*venueInfo, error) {
	v, err := s.VenueForOrganiser(ctx, p, id)
	if err == nil && !scope.Of(p).Contains(v.orgPath) {
		err = fail.NotFound()
	}
	return v, err
}

// Tally is a venue's live count for its screen.
type Tally struct {
	Present  int `json:"present"`  // 已签到
	Expected int `json:"expected"` // 应到: the audience members this venue serves
}

// VenueTally counts who has checked in at a venue and who is expected there.
func (s *Service) VenueTally(ctx context.Context, p *auth.Principal, id int64) (*Tally, error) {
	v, err := s.screenVenue(ctx, p, id)
	if err != nil {
		return nil, err
	}
	pr, err := s.GetProgram(ctx, p, v.programID)
	if err != nil {
		return nil, err
	}
	for _, ss := range pr.Sessions {
		for _, x := range ss.Venues {
			if x.ID == id {
				return &Tally{Present: x.Present, Expected: x.Expected}, nil
			}
		}
	}
	return nil, fail.NotFound()
}

// Attendee is one check-in at a venue.
type Attendee struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	OrgName  string `json:"org_name"`
	At       int64  `json:"at"`
	Late     bool   `json:"late"`
	Method   string `json:"method"`
	Reason   string `json:"reason,omitempty"`
}

// Attendance lists the check-ins at a venue, latest first.
func (s *Service) Attendance(ctx context.Context, p *auth.Principal, venueID int64) (*venueInfo, []Attendee, error) {
	v, err := s.VenueForOrganiser(ctx, p, venueID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT c.person_id, pe.name, o.name, c.at, c.late, c.method, c.reason
		FROM training_checkins c JOIN persons pe ON pe.id = c.person_id JOIN orgs o ON o.id = pe.org_id
		WHERE c.venue_id = ? ORDER BY c.at DESC, c.id DESC`, venueID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []Attendee
	for rows.Next() {
		var a Attendee
		var late int
		if err := rows.Scan(&a.PersonID, &a.Name, &a.OrgName, &a.At, &late, &a.Method, &a.Reason); err != nil {
			return nil, nil, err
		}
		a.Late = late == 1
		out = append(out, a)
	}
	return v, out, rows.Err()
}

// inAudience reports whether a person is among a program's audience: in
// its organisation subtree (and of one of its categories, when it names
// any), or listed by name (兜底).
func (s *Service) inAudience(ctx context.Context, q db.Querier, v *venueInfo, personID int64) (bool, error) {
	var listed int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM training_people WHERE program_id = ? AND person_id = ?", v.programID, personID).Scan(&listed); err != nil {
		return false, err
	}
	if listed > 0 {
		return true, nil
	}
	if _, path, err := member.OrgOf(ctx, q, personID); err != nil || !scope.Under(v.audience).Contains(path) {
		return false, err
	}
	if len(v.cats) == 0 {
		return true, nil
	}
	mine, err := member.AudienceCategories(ctx, q, personID)
	return err == nil && anyCategory(v.cats, mine), err
}

// Checked is the reply to a check-in, and before it what the member is
// about to check in to (At is then 0).
type Checked struct {
	Session string `json:"session"`
	Program string `json:"program"`
	Time    string `json:"time"` // the session's span, e.g. 2026-05-04 09:00–11:00
	Venue   string `json:"venue"`
	Place   string `json:"place,omitempty"`
	At      int64  `json:"at"`
	Late    bool   `json:"late"`
	Hours   string `json:"hours"`
}

func (v *venueInfo) checked() *Checked {
	return &Checked{Session: v.session.Title, Program: v.program, Time: Span(v.session.StartsAt, v.session.EndsAt), Venue: v.Name, Place: v.Place,
		Hours: Hours(v.session.HoursX10)}
}

// admit checks that the calling member may check in now at the venue of a
// QR token, and returns the venue and whether they are late.
func (s *Service) admit(ctx context.Context, q db.Querier, p *auth.Principal, token string, now time.Time) (*venueInfo, bool, error) {
	if p.Role != auth.Member || p.PersonID == 0 {
		return nil, false, fail.Denied("no_person", "只有关联了党员信息的账号才能扫码签到")
	}
	venueID, err := s.Tokens.Verify(token, now)
	if err != nil {
		return nil, false, err
	}
	v, err := s.venue(ctx, q, venueID)
	if err != nil {
		return nil, false, err
	}
	late, err := v.session.window().Check(now)
	if err != nil {
		return v, false, err
	}
	ok, err := s.inAudience(ctx, q, v, p.PersonID)
	if err != nil {
		return v, false, err
	}
	if !ok {
		return v, false, fail.Refused("not_audience", "您不在本次培训的参训范围内；如有疑问请联系组织者")
	}
	return v, late, nil
}

// Preview tells the calling member what a QR token would check them in to,
// changing nothing; a refusal comes with the session when the code is good.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, token string) (*Checked, error) {
	v, _, err := s.admit(ctx, s.DB, p, token, s.Now())
	if v == nil {
		return nil, err
	}
	return v.checked(), err
}

// CheckIn checks the calling member in at the venue named by a QR token.
func (s *Service) CheckIn(ctx context.Context, p *auth.Principal, token string) (*Checked, error) {
	now := s.Now()
	var out *Checked
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		v, late, err := s.admit(ctx, tx, p, token, now)
		if err != nil {
			return err
		}
		if err := s.once(ctx, tx, v.session.ID, p.PersonID); err != nil {
			return err
		}
		if err := s.insertCheckin(ctx, tx, v, p.PersonID, now, late, "qr", ""); err != nil {
			return err
		}
		out = v.checked()
		out.At, out.Late = now.UnixMilli(), late
		return nil
	})
	return out, err
}

// once refuses a second check-in of a person to a session.
func (s *Service) once(ctx context.Context, tx *db.Tx, sessionID, personID int64) error {
	var at int64
	var venue string
	err := tx.QueryRowContext(ctx, "SELECT c.at, v.name FROM training_checkins c JOIN training_venues v ON v.id = c.venue_id WHERE c.session_id = ? AND c.person_id = ?",
		sessionID, personID).Scan(&at, &venue)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return fail.Conflict(fmt.Sprintf("已于 %s 在“%s”签到，无需重复签到", clock(at), venue))
}

func (s *Service) insertCheckin(ctx context.Context, tx *db.Tx, v *venueInfo, personID int64, now time.Time, late bool, method, reason string) error {
	id, err := db.InsertID(ctx, tx, `INSERT INTO training_checkins (session_id, venue_id, person_id, at, late, method, reason, actor_id, hours_x10)
		VALUES (?,?,?,?,?,?,?,?,?)`, v.session.ID, v.ID, personID, now.UnixMilli(), db.Int(late), method, reason, audit.ActorFrom(ctx).ID, v.session.HoursX10)
	if db.IsUnique(err) {
		return fail.Conflict("该人员已签到，无需重复签到")
	}
	if err != nil {
		return err
	}
	c := credits{}
	c.add(personID, now.UnixMilli(), v.session.HoursX10)
	if err := credit(ctx, tx, c); err != nil {
		return err
	}
	return s.Audit.Write(ctx, tx, audit.Event{Action: "training.checkin." + method, ObjectType: "training_checkin", ObjectID: itoa(id),
		Detail: map[string]any{"session_id": v.session.ID, "venue_id": v.ID, "person_id": personID, "late": late, "reason": reason}})
}

// Mark records attendance by hand (补登) at a venue the caller runs, for a
// person in their scope, with a reason.
func (s *Service) Mark(ctx context.Context, p *auth.Principal, venueID, personID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 200 {
		return ferr("reason", "请填写补登原因（不超过 200 字）")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		v, err := s.venue(ctx, tx, venueID)
		if err != nil {
			return err
		}
		sc := scope.Of(p)
		if !p.Writes() || !sc.Contains(v.orgPath) {
			return fail.NotFound()
		}
		_, path, err := member.OrgOf(ctx, tx, personID)
		if errors.Is(err, db.ErrNotFound) || (err == nil && !sc.Contains(path)) {
			return fail.NotFound()
		}
		if err != nil {
			return err
		}
		if s.Now().UnixMilli() < v.session.StartsAt-int64(v.session.OpenBeforeMin)*60000 {
			return fail.Refused("not_open", "培训尚未开始，不能补登签到")
		}
		if err := s.once(ctx, tx, v.session.ID, personID); err != nil {
			return err
		}
		return s.insertCheckin(ctx, tx, v, personID, s.Now(), false, "manual", reason)
	})
}
