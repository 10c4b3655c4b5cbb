package cases

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// Visit is one 观摩学习: who of an organisation visited what, when, and
// what they took back.
type Visit struct {
	ID           int64  `json:"id"`
	OrgID        int64  `json:"org_id"`
	OrgName      string `json:"org_name"`
	Host         string `json:"host"`  // the unit visited
	Topic        string `json:"topic"` // what they saw
	VisitedOn    string `json:"visited_on"`
	Participants string `json:"participants"`
	Takeaways    string `json:"takeaways"`
	CaseID       int64  `json:"case_id,omitempty"`
}

// VisitInput records a visit.
type VisitInput struct {
	OrgID        int64  `json:"org_id"`
	Host         string `json:"host"`
	Topic        string `json:"topic"`
	VisitedOn    string `json:"visited_on"`
	Participants string `json:"participants"`
	Takeaways    string `json:"takeaways"`
	CaseID       int64  `json:"case_id"` // optional: the case of the library they saw
}

// day checks a civil date of the past (or today).
func day(field, label, value string, today civil.Date) *fail.Error {
	d, err := civil.Parse(value)
	switch {
	case err != nil:
		return fail.Malformed(field, label+"应为有效日期（如 2026-01-31）")
	case d.After(today):
		return fail.Malformed(field, label+"不能晚于今天")
	case d.Year() < 2000:
		return fail.Malformed(field, label+"不早于 2000 年")
	}
	return nil
}

// RecordVisit records a visit of an organisation the caller administers.
func RecordVisit(ctx context.Context, d *core.Deps, p *auth.Principal, in VisitInput) (*Visit, error) {
	for _, f := range []*string{&in.Host, &in.Topic, &in.Participants, &in.Takeaways} {
		*f = strings.TrimSpace(*f)
	}
	if err := fail.Collect(plaintext.Check("host", "观摩单位", in.Host, true, 60, false), plaintext.Check("topic", "观摩内容", in.Topic, true, 200, false),
		day("visited_on", "观摩日期", in.VisitedOn, civil.Today(d.Now())), plaintext.Check("participants", "参加人员", in.Participants, true, 500, false),
		plaintext.Check("takeaways", "学习收获", in.Takeaways, true, 2000, true)); err != nil {
		return nil, err
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, in.OrgID); err != nil {
			return err
		}
		var seen any
		if in.CaseID != 0 {
			if _, err := Get(ctx, tx, p, in.CaseID); err != nil {
				return fail.NotAllowed("case_id", "所选案例不存在或无权查看")
			}
			seen = in.CaseID
		}
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO study_visits (org_id, host, topic, visited_on, participants, takeaways, case_id, created_at) VALUES (?,?,?,?,?,?,?,?)`,
			in.OrgID, in.Host, in.Topic, in.VisitedOn, in.Participants, in.Takeaways, seen, d.Now().UnixMilli())
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "cases.visit", ObjectType: "study_visit", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	vs, err := Visits(ctx, d, p, VisitFilter{ID: id})
	if err != nil || len(vs.Items) == 0 {
		return nil, err
	}
	return &vs.Items[0], nil
}

// VisitFilter selects visits.
type VisitFilter struct {
	ID      int64
	OrgID   int64
	Year    int
	Page    int
	PerPage int
}

// Visits pages the visits of the caller's scope, newest first; PerPage 0
// holds them all (the export, one visit by ID).
func Visits(ctx context.Context, d *core.Deps, p *auth.Principal, f VisitFilter) (*listing.List[Visit], error) {
	sub, err := org.Narrow(ctx, d.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := sub.Where("o.path")
	if f.ID != 0 {
		w, args = w+" AND v.id = ?", append(args, f.ID)
	}
	if f.Year != 0 {
		w, args = w+" AND v.visited_on >= ? AND v.visited_on <= ?", append(args, fmt.Sprintf("%d-01-01", f.Year), fmt.Sprintf("%d-12-31", f.Year))
	}
	return listing.Read(ctx, d.DB, f.Page, f.PerPage, "v.id, v.org_id, o.name, v.host, v.topic, v.visited_on, v.participants, v.takeaways, COALESCE(v.case_id, 0)",
		" FROM study_visits v JOIN orgs o ON o.id = v.org_id WHERE "+w, "v.visited_on DESC, v.id DESC", args, func(s listing.Scanner) (*Visit, error) {
			var v Visit
			return &v, s.Scan(&v.ID, &v.OrgID, &v.OrgName, &v.Host, &v.Topic, &v.VisitedOn, &v.Participants, &v.Takeaways, &v.CaseID)
		})
}

// Pairing is a 线上一对一 of an organisation with an advanced unit.
type Pairing struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	OrgName   string    `json:"org_name"`
	Partner   string    `json:"partner"`
	Goal      string    `json:"goal"`
	StartedOn string    `json:"started_on"`
	EndedOn   string    `json:"ended_on,omitempty"`
	Result    string    `json:"result"`
	LastOn    string    `json:"last_session_on"` // "" before any session
	Sessions  []Session `json:"sessions,omitempty"`
	Version   int       `json:"version"`
	orgPath   string
}

// Session is one online session of a pairing.
type Session struct {
	ID     int64  `json:"id"`
	HeldOn string `json:"held_on"`
	Topic  string `json:"topic"`
	Result string `json:"result"`
}

// PairingInput starts a pairing.
type PairingInput struct {
	OrgID     int64  `json:"org_id"`
	Partner   string `json:"partner"`
	Goal      string `json:"goal"`
	StartedOn string `json:"started_on"`
}

// SessionInput records a session.
type SessionInput struct {
	HeldOn string `json:"held_on"`
	Topic  string `json:"topic"`
	Result string `json:"result"`
}

// EndInput ends a pairing with its result.
type EndInput struct {
	EndedOn string `json:"ended_on"`
	Result  string `json:"result"`
	Version int    `json:"version"`
}

const pairingCols = `pr.id, pr.org_id, o.name, o.path, pr.partner, pr.goal, pr.started_on, COALESCE(pr.ended_on, ''), pr.result,
	COALESCE((SELECT MAX(s.held_on) FROM pairing_sessions s WHERE s.pairing_id = pr.id), ''), pr.version`

const pairingFrom = ` FROM pairings pr JOIN orgs o ON o.id = pr.org_id`

func scanPairing(s listing.Scanner) (*Pairing, error) {
	var pr Pairing
	err := s.Scan(&pr.ID, &pr.OrgID, &pr.OrgName, &pr.orgPath, &pr.Partner, &pr.Goal, &pr.StartedOn, &pr.EndedOn, &pr.Result, &pr.LastOn, &pr.Version)
	return &pr, err
}

// GetPairing loads a pairing of the caller's scope with its sessions.
func GetPairing(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Pairing, error) {
	pr, err := scanPairing(q.QueryRowContext(ctx, "SELECT "+pairingCols+pairingFrom+" WHERE pr.id = ?", id))
	if db.IsNoRows(err) || (err == nil && !scope.Of(p).Contains(pr.orgPath)) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, held_on, topic, result FROM pairing_sessions WHERE pairing_id = ? ORDER BY held_on DESC, id DESC", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.ID, &s.HeldOn, &s.Topic, &s.Result); err != nil {
			return nil, err
		}
		pr.Sessions = append(pr.Sessions, s)
	}
	return pr, rows.Err()
}

// Pairings pages the pairings of the caller's scope, running ones first;
// perPage 0 holds them all (the export).
func Pairings(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, page, perPage int) (*listing.List[Pairing], error) {
	sub, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	w, args := sub.Where("o.path")
	return listing.Read(ctx, d.DB, page, perPage, pairingCols, pairingFrom+" WHERE "+w,
		"CASE WHEN pr.ended_on IS NULL THEN 0 ELSE 1 END, pr.started_on DESC, pr.id DESC", args, scanPairing)
}

// StartPairing pairs an organisation the caller administers with an
// advanced unit.
func StartPairing(ctx context.Context, d *core.Deps, p *auth.Principal, in PairingInput) (*Pairing, error) {
	in.Partner, in.Goal = strings.TrimSpace(in.Partner), strings.TrimSpace(in.Goal)
	if err := fail.Collect(plaintext.Check("partner", "结对的先进单位", in.Partner, true, 60, false), plaintext.Check("goal", "结对目标", in.Goal, true, 1000, true),
		day("started_on", "结对日期", in.StartedOn, civil.Today(d.Now()))); err != nil {
		return nil, err
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, in.OrgID); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM pairings WHERE org_id = ? AND partner = ? AND ended_on IS NULL", in.OrgID, in.Partner).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return fail.Conflict("与“" + in.Partner + "”的结对正在进行，请勿重复建立")
		}
		now := d.Now().UnixMilli()
		var err error
		id, err = db.InsertID(ctx, tx, "INSERT INTO pairings (org_id, partner, goal, started_on, created_at, updated_at) VALUES (?,?,?,?,?,?)",
			in.OrgID, in.Partner, in.Goal, in.StartedOn, now, now)
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "cases.pairing.start", ObjectType: "pairing", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return GetPairing(ctx, d.DB, p, id)
}

// runningPairing loads a running pairing the caller administers.
func runningPairing(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (*Pairing, error) {
	pr, err := GetPairing(ctx, tx, p, id)
	if err != nil {
		return nil, err
	}
	if _, err := org.WritablePath(ctx, tx, p, pr.OrgID); err != nil {
		return nil, err
	}
	if pr.EndedOn != "" {
		return nil, fail.Conflict("这项结对已于 " + pr.EndedOn + " 结束")
	}
	return pr, nil
}

// AddSession records a session of a running pairing.
func AddSession(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in SessionInput) (*Pairing, error) {
	in.Topic, in.Result = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Result)
	if err := fail.Collect(day("held_on", "交流日期", in.HeldOn, civil.Today(d.Now())), plaintext.Check("topic", "交流主题", in.Topic, true, 200, false),
		plaintext.Check("result", "交流成果", in.Result, true, 2000, true)); err != nil {
		return nil, err
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		pr, err := runningPairing(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.HeldOn < pr.StartedOn {
			return fail.Malformed("held_on", "交流日期不能早于结对日期 "+pr.StartedOn)
		}
		for _, s := range pr.Sessions {
			if s.HeldOn == in.HeldOn && s.Topic == in.Topic {
				return fail.Conflict("这次交流已经登记过")
			}
		}
		sid, err := db.InsertID(ctx, tx, "INSERT INTO pairing_sessions (pairing_id, held_on, topic, result, created_at) VALUES (?,?,?,?,?)",
			id, in.HeldOn, in.Topic, in.Result, d.Now().UnixMilli())
		if err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, srcPairing, fmt.Sprintf("p%d", id)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "cases.pairing.session", ObjectType: "pairing", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"session_id": sid, "session": in}}})
	})
	if err != nil {
		return nil, err
	}
	return GetPairing(ctx, d.DB, p, id)
}

// EndPairing ends a running pairing with its result.
func EndPairing(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in EndInput) (*Pairing, error) {
	in.Result = strings.TrimSpace(in.Result)
	if err := fail.Collect(day("ended_on", "结束日期", in.EndedOn, civil.Today(d.Now())), plaintext.Check("result", "结对成效", in.Result, true, 2000, true)); err != nil {
		return nil, err
	}
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		pr, err := runningPairing(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.EndedOn < pr.StartedOn {
			return fail.Malformed("ended_on", "结束日期不能早于结对日期 "+pr.StartedOn)
		}
		res, err := tx.ExecContext(ctx, "UPDATE pairings SET ended_on = ?, result = ?, updated_at = ?, version = version + 1 WHERE id = ? AND ended_on IS NULL AND (? = 0 OR version = ?)",
			in.EndedOn, in.Result, d.Now().UnixMilli(), id, in.Version, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.Conflict("这项结对已被他人修改，请刷新后重试")
		}
		if err := todo.Close(ctx, tx, srcPairing, fmt.Sprintf("p%d", id)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "cases.pairing.end", ObjectType: "pairing", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return GetPairing(ctx, d.DB, p, id)
}

// srcPairing is the 待办 of a running pairing gone quiet.
const srcPairing = "cases.pairing"

// QuietDays is how long a running pairing may go without a session before
// its organisation is reminded.
const QuietDays = 60

// Sync reminds every organisation whose running pairing has had no session
// for QuietDays (since it started, before the first). It runs from
// App.periodic.
func Sync(ctx context.Context, d *core.Deps) error {
	today := civil.Today(d.Now())
	limit := today.AddDays(-QuietDays).String()
	rows, err := d.DB.QueryContext(ctx, "SELECT "+pairingCols+pairingFrom+" WHERE pr.ended_on IS NULL")
	if err != nil {
		return err
	}
	var items []todo.Item
	for rows.Next() {
		pr, err := scanPairing(rows)
		if err != nil {
			rows.Close()
			return err
		}
		last := pr.LastOn
		if last == "" {
			last = pr.StartedOn
		}
		if last <= limit {
			items = append(items, todo.Item{Source: srcPairing, Key: fmt.Sprintf("p%d", pr.ID), OrgID: pr.OrgID,
				Title:  "线上一对一结对已 " + fmt.Sprint(civil.MustParse(last).DaysUntil(today)) + " 天未交流：" + pr.Partner,
				Detail: "结对目标：" + pr.Goal, Link: fmt.Sprintf("/cases/pairings/%d", pr.ID), Severity: "warn",
				DueOn: civil.MustParse(last).AddDays(QuietDays).String()})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return todo.SyncPooled(ctx, d.DB, srcPairing, items)
}
