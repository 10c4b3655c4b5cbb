package life

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/training"
)

// QR is a meeting's current check-in code.
type QR struct {
	Token     string `json:"token"`
	URL       string `json:"url"`
	ExpiresAt int64  `json:"expires_at"`
}

// Code issues the check-in code of a meeting the caller administers, held
// today: a member opens URL on a phone within training.TokenTTL.
func (s *Service) Code(ctx context.Context, p *auth.Principal, r *http.Request, id int64) (*QR, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	m, err := load(ctx, s.DB, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	if m.HeldOn != civil.Today(s.Now()).String() {
		return nil, fail.Refused("not_today", "只能在会议当天扫码签到；其他日期请在出席情况中登记")
	}
	now := s.Now()
	t := s.tokens.Issue(m.ID, now)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return &QR{Token: t, URL: scheme + "://" + r.Host + "/m/life/checkin?t=" + url.QueryEscape(t), ExpiresAt: now.Add(training.TokenTTL).UnixMilli()}, nil
}

// Checked is the reply to a check-in.
type Checked struct {
	MeetingID int64  `json:"meeting_id"`
	Kind      string `json:"kind"`
	Topic     string `json:"topic"`
	OrgName   string `json:"org_name"`
	HeldOn    string `json:"held_on"`
	Place     string `json:"place"`
	At        int64  `json:"at"`
}

// admit loads the meeting a QR token names and checks that the calling
// member may check in to it now: held today, and on its roster. The meeting
// comes back with a refusal when the token itself is good, so a page can
// name it beside the refusal.
func (s *Service) admit(ctx context.Context, q db.Querier, p *auth.Principal, token string, now time.Time) (*Meeting, error) {
	if p.Role != auth.Member || p.PersonID == 0 {
		return nil, fail.Denied("no_person", "只有关联了党员信息的账号才能扫码签到")
	}
	id, err := s.tokens.Verify(token, now)
	if err != nil {
		return nil, err
	}
	m, err := load(ctx, q, scope.All(), id)
	if err != nil {
		return nil, err
	}
	if m.HeldOn != civil.Today(now).String() {
		return m, fail.Refused("not_today", "该会议不在今天召开，不能签到")
	}
	var a *Attendee
	for i := range m.Attendees {
		if m.Attendees[i].PersonID == p.PersonID {
			a = &m.Attendees[i]
		}
	}
	switch {
	case a == nil || a.Status == Observer:
		return m, fail.Refused("not_roster", "您不在本次会议的应到人员名单中；列席人员请由会议记录人登记")
	case a.Status == Present:
		return m, fail.Conflict(fmt.Sprintf("已于 %s 签到，无需重复签到", time.UnixMilli(a.CheckedAt).In(shanghai).Format("15:04")))
	}
	return m, nil
}

func checkedOf(m *Meeting) *Checked {
	return &Checked{MeetingID: m.ID, Kind: m.KindLabel, Topic: m.Topic, OrgName: m.OrgName, HeldOn: m.HeldOn, Place: m.Place}
}

// Preview tells the calling member which meeting a QR token would check
// them in to, changing nothing.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, token string) (*Checked, error) {
	m, err := s.admit(ctx, s.DB, p, token, s.Now())
	if m == nil {
		return nil, err
	}
	return checkedOf(m), err
}

// CheckIn marks the calling member present at the meeting named by a QR
// token, on the meeting's day, when they are on its roster.
func (s *Service) CheckIn(ctx context.Context, p *auth.Principal, token string) (*Checked, error) {
	now := s.Now()
	var out *Checked
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.admit(ctx, tx, p, token, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE life_attendees SET status = ?, reason = '', method = 'qr', checked_at = ? WHERE meeting_id = ? AND person_id = ? AND status <> ?",
			Present, now.UnixMilli(), m.ID, p.PersonID, Present); err != nil {
			return err
		}
		if err := s.recount(ctx, tx, m); err != nil {
			return err
		}
		if err := s.bump(ctx, tx, m); err != nil { // a form read before this check-in must not undo it
			return err
		}
		out = checkedOf(m)
		out.At = now.UnixMilli()
		return s.Audit.Write(ctx, tx, audit.Event{Action: "life.checkin", ObjectType: "life_meeting", ObjectID: fmt.Sprint(m.ID),
			Detail: map[string]any{"person_id": p.PersonID, "present": m.Quorum.Present, "expected": m.Quorum.Expected}})
	})
	return out, err
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()
