package life

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"hongdun/internal/member"
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
	"hongdun/internal/training"
)

// Service records meetings and computes the calendar.
type Service struct {
	*core.Deps
	tokens *training.Tokens
}

// New builds the service; its check-in tokens are the training QR
// mechanism under a key of their own.
func New(d *core.Deps) *Service {
	return &Service{Deps: d, tokens: training.NewTokensFor(d.Keys, "life")}
}

// Meeting is one record of organisational life.
type Meeting struct {
	ID        int64        `json:"id"`
	OrgID     int64        `json:"org_id"`
	OrgName   string       `json:"org_name"`
	Kind      string       `json:"kind"`
	KindLabel string       `json:"kind_label"`
	HeldOn    string       `json:"held_on"`
	Place     string       `json:"place"`
	Host      string       `json:"host"`
	Topic     string       `json:"topic"`
	Minutes   string       `json:"minutes"`
	Quorum    Quorum       `json:"quorum"`
	Counts    bool         `json:"counts"` // toward the compliance calendar
	Attendees []Attendee   `json:"attendees,omitempty"`
	Decisions []Decision   `json:"decisions,omitempty"`
	Files     []storedFile `json:"files"`
	CreatedBy string       `json:"created_by"`
	CreatedAt int64        `json:"created_at"`
	UpdatedAt int64        `json:"updated_at"`
	Version   int          `json:"version"`
	orgPath   string
}

// Attendee is one person's attendance.
type Attendee struct {
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	Voting      bool   `json:"voting"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Reason      string `json:"reason,omitempty"`
	Method      string `json:"method,omitempty"` // qr or form
	CheckedAt   int64  `json:"checked_at,omitempty"`
}

// Decision is what a meeting decided, who does it and by when.
type Decision struct {
	ID        int64  `json:"id"`
	What      string `json:"what"`
	OwnerID   int64  `json:"owner_id,omitempty"`
	OwnerName string `json:"owner_name"`
	DueOn     string `json:"due_on,omitempty"`
	Todo      bool   `json:"todo"`
	DoneOn    string `json:"done_on,omitempty"`
}

// Input is a new meeting.
type Input struct {
	OrgID     int64           `json:"org_id"`
	Kind      string          `json:"kind"`
	HeldOn    string          `json:"held_on"`
	Place     string          `json:"place"`
	Host      string          `json:"host"`
	Topic     string          `json:"topic"`
	Minutes   string          `json:"minutes"`
	Attendees []AttendeeInput `json:"attendees"`
	Decisions []DecisionInput `json:"decisions"`
}

// AttendeeInput marks one person; roster members not named stay pending
// (未签到) until they check in or are marked.
type AttendeeInput struct {
	PersonID int64  `json:"person_id"`
	Status   string `json:"status"`
	Reason   string `json:"reason"`
}

// DecisionInput is one decision; Todo posts it as a follow-up 待办 of the
// organisation, due on DueOn.
type DecisionInput struct {
	What    string `json:"what"`
	OwnerID int64  `json:"owner_id"`
	DueOn   string `json:"due_on"`
	Todo    bool   `json:"todo"`
}

// Patch changes the text of a meeting; Version must be the one read.
type Patch struct {
	Version int     `json:"version"`
	Place   *string `json:"place"`
	Host    *string `json:"host"`
	Topic   *string `json:"topic"`
	Minutes *string `json:"minutes"`
}

const meetingCols = `m.id, m.org_id, o.name, o.path, m.kind, m.held_on, m.place, m.host, m.topic, m.minutes, m.expected, m.present,
	m.counts, m.created_by, m.created_at, m.updated_at, m.version`

type scanner = listing.Scanner

func scanMeeting(s scanner) (*Meeting, error) {
	var m Meeting
	var expected, present, counts int
	err := s.Scan(&m.ID, &m.OrgID, &m.OrgName, &m.orgPath, &m.Kind, &m.HeldOn, &m.Place, &m.Host, &m.Topic, &m.Minutes,
		&expected, &present, &counts, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt, &m.Version)
	m.KindLabel = KindLabel(m.Kind)
	m.Quorum = QuorumOf(m.Kind, expected, present)
	m.Counts = counts == 1
	return &m, err
}

// load reads a meeting in s with its attendance and decisions; anything
// else is a 404.
func load(ctx context.Context, q db.Querier, s scope.Subtree, id int64) (*Meeting, error) {
	in, args := s.Where("o.path")
	m, err := scanMeeting(q.QueryRowContext(ctx, "SELECT "+meetingCols+" FROM life_meetings m JOIN orgs o ON o.id = m.org_id WHERE m.id = ? AND "+in,
		append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if m.Attendees, err = attendees(ctx, q, id); err != nil {
		return nil, err
	}
	if m.Decisions, err = decisions(ctx, q, id); err != nil {
		return nil, err
	}
	m.Files, err = filesOf(ctx, q, id)
	return m, err
}

func attendees(ctx context.Context, q db.Querier, id int64) ([]Attendee, error) {
	rows, err := q.QueryContext(ctx, `SELECT person_id, name, voting, status, reason, method, COALESCE(checked_at, 0) FROM life_attendees
		WHERE meeting_id = ? ORDER BY CASE status WHEN 'observer' THEN 1 ELSE 0 END, id`, id)
	return db.Collect(rows, err, func(r db.Scanner) (a Attendee, err error) {
		var voting int
		if err := r.Scan(&a.PersonID, &a.Name, &voting, &a.Status, &a.Reason, &a.Method, &a.CheckedAt); err != nil {
			return a, err
		}
		a.Voting, a.StatusLabel = voting == 1, StatusLabel(a.Status)
		return a, nil
	})
}

func decisions(ctx context.Context, q db.Querier, id int64) ([]Decision, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, what, COALESCE(owner_id, 0), owner_name, COALESCE(due_on, ''), todo, COALESCE(done_on, '')
		FROM life_decisions WHERE meeting_id = ? ORDER BY id`, id)
	return db.Collect(rows, err, func(r db.Scanner) (d Decision, err error) {
		var t int
		if err := r.Scan(&d.ID, &d.What, &d.OwnerID, &d.OwnerName, &d.DueOn, &t, &d.DoneOn); err != nil {
			return d, err
		}
		d.Todo = t == 1
		return d, nil
	})
}

// Get returns a meeting the caller may read.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Meeting, error) {
	return load(ctx, s.DB, scope.Of(p), id)
}

// text checks a free-text field: required or not, at most max characters.
func text(field, label, v string, required bool, max int, multiline bool) (string, *fail.Error) {
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", fail.Malformed(field, "请填写"+label)
	}
	if len([]rune(v)) > max {
		return "", fail.NotAllowed(field, fmt.Sprintf("%s不能超过 %d 字", label, max))
	}
	msg := plaintext.Line(label, v)
	if multiline {
		msg = plaintext.Lines(label, v)
	}
	if msg != "" {
		return "", fail.NotAllowed(field, msg)
	}
	return v, nil
}

// heldOn reads a meeting date: a real date, not after today.
func heldOn(v string, today civil.Date) (civil.Date, *fail.Error) {
	d, err := civil.Parse(strings.TrimSpace(v))
	if err != nil {
		return d, fail.Malformed("held_on", "请按“年-月-日”填写会议日期，如 2026-03-12")
	}
	if today.Before(d) {
		return d, fail.NotAllowed("held_on", "会议日期不能晚于今天：这里登记已经召开的会议")
	}
	if d.Before(civil.New(2000, 1, 1)) {
		return d, fail.NotAllowed("held_on", "会议日期过早，请核对年份")
	}
	return d, nil
}

// holder returns the organisation that holds the meeting, writable by p.
func (s *Service) holder(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*org.Org, error) {
	if id <= 0 {
		return nil, fail.Malformed("org_id", "请选择召开会议的党组织")
	}
	if _, err := org.WritablePath(ctx, q, p, id); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !holders.Keeps(o) || o.Dissolved() {
		return nil, fail.NotAllowed("org_id", "组织生活由党支部（党总支、党小组）召开，请选择一个未撤销的党支部")
	}
	return o, nil
}

// Create records a held meeting: attendance against the roster of its date,
// its quorum, its decisions (posted as 待办 when asked). The same meeting
// submitted twice is refused.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*Meeting, error) {
	o, err := s.holder(ctx, s.DB, p, in.OrgID)
	if err != nil {
		return nil, err
	}
	if KindLabel(in.Kind) == "" {
		return nil, fail.Malformed("kind", "请选择会议类型（支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议党员或谈心谈话）")
	}
	today := civil.Today(s.Now())
	day, ferr := heldOn(in.HeldOn, today)
	if ferr != nil {
		return nil, ferr
	}
	m := &Meeting{OrgID: o.ID, OrgName: o.Name, orgPath: o.Path, Kind: in.Kind, KindLabel: KindLabel(in.Kind), HeldOn: day.String(),
		CreatedBy: p.Username, CreatedAt: s.Now().UnixMilli(), Version: 1}
	m.UpdatedAt = m.CreatedAt
	for _, f := range []struct {
		field, label string
		v            *string
		src          string
		required     bool
		max          int
		multi        bool
	}{{"topic", "会议主题", &m.Topic, in.Topic, true, 200, false}, {"place", "会议地点", &m.Place, in.Place, false, 100, false},
		{"host", "主持人", &m.Host, in.Host, false, 50, false}, {"minutes", "会议记录", &m.Minutes, in.Minutes, false, 20000, true}} {
		if *f.v, ferr = text(f.field, f.label, f.src, f.required, f.max, f.multi); ferr != nil {
			return nil, ferr
		}
	}
	roster, err := Roster(ctx, s.DB, o, in.Kind, day)
	if err != nil {
		return nil, err
	}
	rows := make([]Attendee, 0, len(roster))
	for _, r := range roster {
		rows = append(rows, Attendee{PersonID: r.PersonID, Name: r.Name, Voting: r.Voting, Status: Pending})
	}
	if rows, err = s.mark(ctx, p, rows, in.Attendees, day); err != nil {
		return nil, err
	}
	decs, err := s.checkDecisions(ctx, p, in.Decisions, day)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		m.ID, err = db.InsertID(ctx, tx, `INSERT INTO life_meetings (org_id, kind, held_on, place, host, topic, minutes, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, m.OrgID, m.Kind, m.HeldOn, m.Place, m.Host, m.Topic, m.Minutes, m.CreatedBy, m.CreatedAt, m.UpdatedAt)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("%s %s“%s”已经登记过，无需重复提交", m.HeldOn, m.KindLabel, m.Topic))
		}
		if err != nil {
			return err
		}
		for _, a := range rows {
			if err := insertAttendee(ctx, tx, m.ID, a); err != nil {
				return err
			}
		}
		if err := s.recount(ctx, tx, m); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "life.meeting.create", ObjectType: "life_meeting", ObjectID: fmt.Sprint(m.ID),
			Detail: audit.Change{After: map[string]any{"org_id": m.OrgID, "kind": m.Kind, "held_on": m.HeldOn, "topic": m.Topic,
				"attendees": len(rows), "expected": m.Quorum.Expected, "present": m.Quorum.Present, "counts": m.Counts}}}); err != nil {
			return err
		}
		for _, d := range decs {
			if err := s.addDecision(ctx, tx, m, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, scope.Of(p), m.ID)
}

func insertAttendee(ctx context.Context, tx *db.Tx, meetingID int64, a Attendee) error {
	var at any
	if a.CheckedAt != 0 {
		at = a.CheckedAt
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO life_attendees (meeting_id, person_id, name, voting, status, reason, method, checked_at)
		VALUES (?,?,?,?,?,?,?,?)`, meetingID, a.PersonID, a.Name, db.Int(a.Voting), a.Status, a.Reason, a.Method, at)
	return err
}

// mark applies marks to the rows of a meeting: a person on the roster is
// present, absent (with a reason) or pending; anyone else in the caller's
// scope may only sit in (列席). It returns the rows with observers added.
func (s *Service) mark(ctx context.Context, p *auth.Principal, rows []Attendee, marks []AttendeeInput, day civil.Date) ([]Attendee, error) {
	at, sits := map[int64]int{}, map[int64]int{}
	for i, a := range rows {
		if a.Status == Observer {
			sits[a.PersonID] = i
		} else {
			at[a.PersonID] = i
		}
	}
	seen := map[int64]bool{}
	for _, mk := range marks {
		if mk.PersonID <= 0 {
			return nil, fail.Malformed("attendees", "参会人员编号应为正整数")
		}
		if seen[mk.PersonID] {
			return nil, fail.NotAllowed("attendees", "同一人在参会名单中出现了两次")
		}
		seen[mk.PersonID] = true
		reason, ferr := text("attendees", "缺席原因", mk.Reason, mk.Status == Absent, 100, false)
		if ferr != nil {
			if ferr.Kind == fail.KindMalformed {
				ferr.Message = "缺席的人员请填写缺席原因（如公差、病假、值班）"
			}
			return nil, ferr
		}
		i, onRoster := at[mk.PersonID]
		j, sitting := sits[mk.PersonID]
		switch {
		case StatusLabel(mk.Status) == "":
			return nil, fail.Malformed("attendees", "出席情况只能是出席、缺席、列席或未签到")
		case onRoster && mk.Status == Observer:
			return nil, fail.NotAllowed("attendees", rows[i].Name+" 是本次会议的应到人员，请登记为出席或缺席，而不是列席")
		case onRoster:
			rows[i].Status, rows[i].Reason = mk.Status, reason
			if mk.Status == Present && rows[i].Method == "" {
				rows[i].Method, rows[i].CheckedAt = "form", s.Now().UnixMilli()
			}
			if mk.Status != Present {
				rows[i].Method, rows[i].CheckedAt = "", 0
			}
		case mk.Status != Observer:
			return nil, fail.NotAllowed("attendees", fmt.Sprintf("人员（编号 %d）不在本组织 %s 的应到人员名单中；其他人员只能登记为列席", mk.PersonID, day))
		case sitting:
			rows[j].Reason = reason
		default:
			pe, err := member.GetIn(ctx, s.DB, scope.Of(p), mk.PersonID)
			if errors.Is(err, db.ErrNotFound) {
				return nil, fail.NotAllowed("attendees", fmt.Sprintf("列席人员（编号 %d）不在您管辖的范围内", mk.PersonID))
			}
			if err != nil {
				return nil, err
			}
			rows = append(rows, Attendee{PersonID: pe.ID, Name: pe.Name, Status: Observer, Reason: reason})
		}
	}
	return rows, nil
}

// checkDecisions validates decisions before anything is written.
func (s *Service) checkDecisions(ctx context.Context, p *auth.Principal, in []DecisionInput, day civil.Date) ([]Decision, error) {
	var out []Decision
	for _, d := range in {
		dec, err := s.checkDecision(ctx, p, d, day)
		if err != nil {
			return nil, err
		}
		out = append(out, *dec)
	}
	return out, nil
}

func (s *Service) checkDecision(ctx context.Context, p *auth.Principal, in DecisionInput, day civil.Date) (*Decision, error) {
	what, ferr := text("decisions", "决定事项", in.What, true, 500, false)
	if ferr != nil {
		return nil, ferr
	}
	d := &Decision{What: what, Todo: in.Todo}
	if in.OwnerID != 0 {
		pe, err := member.GetIn(ctx, s.DB, scope.Of(p), in.OwnerID)
		if errors.Is(err, db.ErrNotFound) {
			return nil, fail.NotAllowed("decisions", fmt.Sprintf("决定事项的责任人（编号 %d）不在您管辖的范围内", in.OwnerID))
		}
		if err != nil {
			return nil, err
		}
		d.OwnerID, d.OwnerName = pe.ID, pe.Name
	}
	if v := strings.TrimSpace(in.DueOn); v != "" {
		due, err := civil.Parse(v)
		if err != nil {
			return nil, fail.Malformed("decisions", "请按“年-月-日”填写决定事项的完成时限")
		}
		if due.Before(day) {
			return nil, fail.NotAllowed("decisions", "决定事项的完成时限不能早于会议日期")
		}
		d.DueOn = due.String()
	}
	if d.Todo && (d.DueOn == "" || d.OwnerID == 0) {
		return nil, fail.Malformed("decisions", "转为待办的决定事项须写明责任人和完成时限")
	}
	return d, nil
}

// addDecision stores a checked decision and posts its 待办.
func (s *Service) addDecision(ctx context.Context, tx *db.Tx, m *Meeting, d Decision) error {
	var owner, due any
	if d.OwnerID != 0 {
		owner = d.OwnerID
	}
	if d.DueOn != "" {
		due = d.DueOn
	}
	id, err := db.InsertID(ctx, tx, `INSERT INTO life_decisions (meeting_id, what, owner_id, owner_name, due_on, todo, created_at) VALUES (?,?,?,?,?,?,?)`,
		m.ID, d.What, owner, d.OwnerName, due, db.Int(d.Todo), s.Now().UnixMilli())
	if err != nil {
		return err
	}
	if d.Todo {
		if err := todo.Post(ctx, tx, todo.Item{Source: decisionSource, Key: fmt.Sprint(id), OrgID: m.OrgID, PersonID: d.OwnerID,
			Title:  fmt.Sprintf("落实%s决定：%s", m.KindLabel, d.What),
			Detail: fmt.Sprintf("%s %s“%s”决定，责任人 %s，%s 前完成", m.HeldOn, m.KindLabel, m.Topic, d.OwnerName, d.DueOn),
			Link:   fmt.Sprintf("/life/meetings/%d", m.ID), Severity: "info", DueOn: d.DueOn}); err != nil {
			return err
		}
	}
	return s.Audit.Write(ctx, tx, audit.Event{Action: "life.decision.add", ObjectType: "life_meeting", ObjectID: fmt.Sprint(m.ID),
		Detail: audit.Change{After: map[string]any{"decision_id": id, "what": d.What, "owner_id": d.OwnerID, "due_on": d.DueOn, "todo": d.Todo}}})
}

const decisionSource = "life.decision"

// recount stores the meeting's head count and whether it counts toward the
// calendar, from its attendance rows.
func (s *Service) recount(ctx context.Context, tx *db.Tx, m *Meeting) error {
	var expected, present int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN voting = 1 AND status <> 'observer' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN voting = 1 AND status = 'present' THEN 1 ELSE 0 END), 0) FROM life_attendees WHERE meeting_id = ?`, m.ID).Scan(&expected, &present); err != nil {
		return err
	}
	m.Quorum = QuorumOf(m.Kind, expected, present)
	m.Counts = m.Quorum.Met
	_, err := tx.ExecContext(ctx, "UPDATE life_meetings SET expected = ?, present = ?, counts = ? WHERE id = ?", expected, present, db.Int(m.Counts), m.ID)
	return err
}

// writable loads a meeting for a write in tx: in scope and administered by
// p, at the version the caller read (0 skips the check, for check-in).
func writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Meeting, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	m, err := load(ctx, tx, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, fail.Malformed("version", "请提供所读取记录的版本号（version）")
	}
	if version != m.Version {
		return nil, fail.Conflict("该会议记录已被他人修改，请刷新后重新填写")
	}
	return m, nil
}

// bump moves a meeting's version after a write.
func (s *Service) bump(ctx context.Context, tx *db.Tx, m *Meeting) error {
	m.Version++
	m.UpdatedAt = s.Now().UnixMilli()
	res, err := tx.ExecContext(ctx, "UPDATE life_meetings SET version = ?, updated_at = ? WHERE id = ? AND version = ?", m.Version, m.UpdatedAt, m.ID, m.Version-1)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail.Conflict("该会议记录已被他人修改，请刷新后重新填写")
	}
	return nil
}

// Update changes the text of a meeting.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, pt Patch) (*Meeting, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := writable(ctx, tx, p, id, pt.Version)
		if err != nil {
			return err
		}
		before := map[string]any{"place": m.Place, "host": m.Host, "topic": m.Topic, "minutes": m.Minutes}
		for _, f := range []struct {
			field, label string
			dst, src     *string
			required     bool
			max          int
			multi        bool
		}{{"topic", "会议主题", &m.Topic, pt.Topic, true, 200, false}, {"place", "会议地点", &m.Place, pt.Place, false, 100, false},
			{"host", "主持人", &m.Host, pt.Host, false, 50, false}, {"minutes", "会议记录", &m.Minutes, pt.Minutes, false, 20000, true}} {
			if f.src == nil {
				continue
			}
			v, ferr := text(f.field, f.label, *f.src, f.required, f.max, f.multi)
			if ferr != nil {
				return ferr
			}
			*f.dst = v
		}
		if err := s.bump(ctx, tx, m); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE life_meetings SET place = ?, host = ?, topic = ?, minutes = ? WHERE id = ?", m.Place, m.Host, m.Topic, m.Minutes, m.ID)
		if db.IsUnique(err) {
			return fail.Conflict("同一天已有同一主题的同类会议，请修改主题")
		}
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "life.meeting.update", ObjectType: "life_meeting", ObjectID: fmt.Sprint(m.ID),
			Detail: audit.Change{Before: before, After: map[string]any{"place": m.Place, "host": m.Host, "topic": m.Topic, "minutes": m.Minutes}}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// SetAttendance marks people of a meeting; those not named keep their mark.
func (s *Service) SetAttendance(ctx context.Context, p *auth.Principal, id int64, version int, marks []AttendeeInput) (*Meeting, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		day, _ := civil.Parse(m.HeldOn)
		n := len(m.Attendees)
		rows, err := s.mark(ctx, p, append([]Attendee(nil), m.Attendees...), marks, day)
		if err != nil {
			return err
		}
		before := map[string]any{"present": m.Quorum.Present, "expected": m.Quorum.Expected}
		for i, a := range rows {
			if i >= n {
				if err := insertAttendee(ctx, tx, m.ID, a); err != nil {
					return err
				}
				continue
			}
			var at any
			if a.CheckedAt != 0 {
				at = a.CheckedAt
			}
			if _, err := tx.ExecContext(ctx, "UPDATE life_attendees SET status = ?, reason = ?, method = ?, checked_at = ? WHERE meeting_id = ? AND person_id = ?",
				a.Status, a.Reason, a.Method, at, m.ID, a.PersonID); err != nil {
				return err
			}
		}
		if err := s.recount(ctx, tx, m); err != nil {
			return err
		}
		if err := s.bump(ctx, tx, m); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "life.attendance", ObjectType: "life_meeting", ObjectID: fmt.Sprint(m.ID),
			Detail: audit.Change{Before: before, After: map[string]any{"marked": len(marks), "present": m.Quorum.Present, "expected": m.Quorum.Expected, "counts": m.Counts}}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// AddDecision records one more decision of a meeting.
func (s *Service) AddDecision(ctx context.Context, p *auth.Principal, id int64, version int, in DecisionInput) (*Meeting, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		day, _ := civil.Parse(m.HeldOn)
		d, err := s.checkDecision(ctx, p, in, day)
		if err != nil {
			return err
		}
		if err := s.bump(ctx, tx, m); err != nil {
			return err
		}
		return s.addDecision(ctx, tx, m, *d)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// FinishDecision marks a decision done on a day (not in the future) and
// closes its 待办.
func (s *Service) FinishDecision(ctx context.Context, p *auth.Principal, id, decisionID int64, version int, on string) (*Meeting, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		var d *Decision
		for i := range m.Decisions {
			if m.Decisions[i].ID == decisionID {
				d = &m.Decisions[i]
			}
		}
		if d == nil {
			return fail.NotFound()
		}
		if d.DoneOn != "" {
			return fail.Conflict("该决定事项已于 " + d.DoneOn + " 办结")
		}
		day, err := civil.Parse(strings.TrimSpace(on))
		if err != nil {
			return fail.Malformed("done_on", "请按“年-月-日”填写办结日期")
		}
		if civil.Today(s.Now()).Before(day) || day.String() < m.HeldOn {
			return fail.NotAllowed("done_on", "办结日期应在会议日期与今天之间")
		}
		if err := s.bump(ctx, tx, m); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE life_decisions SET done_on = ? WHERE id = ?", day.String(), d.ID); err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, decisionSource, fmt.Sprint(d.ID)); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "life.decision.done", ObjectType: "life_meeting", ObjectID: fmt.Sprint(m.ID),
			Detail: audit.Change{Before: map[string]any{"decision_id": d.ID}, After: map[string]any{"decision_id": d.ID, "done_on": day.String()}}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}
