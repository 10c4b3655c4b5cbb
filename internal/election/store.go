package election

import (
	"context"
	"fmt"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
)

// Service records elections.
type Service struct{ *core.Deps }

// Election is one election meeting with its outcome.
type Election struct {
	ID          int64       `json:"id"`
	OrgID       int64       `json:"org_id"`
	OrgName     string      `json:"org_name"`
	HeldOn      string      `json:"held_on"`
	Counts      Counts      `json:"counts"`
	Note        string      `json:"note"`
	State       string      `json:"state"`
	StateLabel  string      `json:"state_label"`
	ApproverID  int64       `json:"approver_id,omitempty"`
	Approver    string      `json:"approver,omitempty"`
	ApprovedOn  string      `json:"approved_on,omitempty"`
	ApprovalDoc string      `json:"approval_doc,omitempty"`
	TermEnd     string      `json:"term_end,omitempty"`
	Elected     int         `json:"elected"`
	Candidates  []Candidate `json:"candidates,omitempty"`
	CreatedBy   string      `json:"created_by"`
	Version     int         `json:"version"`
	orgPath     string
	parentID    int64
}

const cols = `e.id, e.org_id, o.name, o.path, COALESCE(o.parent_id, 0), e.held_on, e.seats, e.expected, e.present, e.issued, e.returned, e.invalid,
	e.note, e.state, COALESCE(e.approver_id, 0), COALESCE(a.name, ''), COALESCE(e.approved_on, ''), e.approval_doc, COALESCE(e.term_end, ''),
	e.created_by, e.version, (SELECT COUNT(*) FROM election_candidates c WHERE c.election_id = e.id AND c.elected = 1)`

const from = " FROM elections e JOIN orgs o ON o.id = e.org_id LEFT JOIN orgs a ON a.id = e.approver_id"

type scanner = listing.Scanner

func scan(s scanner) (*Election, error) {
	var e Election
	c := &e.Counts
	err := s.Scan(&e.ID, &e.OrgID, &e.OrgName, &e.orgPath, &e.parentID, &e.HeldOn, &c.Seats, &c.Expected, &c.Present, &c.Issued, &c.Returned, &c.Invalid,
		&e.Note, &e.State, &e.ApproverID, &e.Approver, &e.ApprovedOn, &e.ApprovalDoc, &e.TermEnd, &e.CreatedBy, &e.Version, &e.Elected)
	e.StateLabel = StateLabel(e.State)
	return &e, err
}

// load reads an election in s with its candidates; anything else is a 404.
func load(ctx context.Context, q db.Querier, s scope.Subtree, id int64) (*Election, error) {
	in, args := s.Where("o.path")
	e, err := scan(q.QueryRowContext(ctx, "SELECT "+cols+from+" WHERE e.id = ? AND "+in, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT person_id, name, votes, elected, post FROM election_candidates WHERE election_id = ? ORDER BY seq", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Candidate
		var elected int
		if err := rows.Scan(&c.PersonID, &c.Name, &c.Votes, &elected, &c.Post); err != nil {
			return nil, err
		}
		c.Elected = elected == 1
		e.Candidates = append(e.Candidates, c)
	}
	return e, rows.Err()
}

// Get returns an election the caller may read.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Election, error) {
	return load(ctx, s.DB, scope.Of(p), id)
}

// Input is the record of an election meeting.
type Input struct {
	OrgID      int64            `json:"org_id"`
	HeldOn     string           `json:"held_on"`
	Counts                      // seats, expected, present, issued, returned, invalid
	Candidates []CandidateInput `json:"candidates"`
	Note       string           `json:"note"`
}

// CandidateInput is a candidate on the ballot and the votes they received.
type CandidateInput struct {
	PersonID int64 `json:"person_id"`
	Votes    int   `json:"votes"`
}

// Electors are the voters of an organisation on a day: its 正式党员 (a
// 预备党员 neither votes nor stands), with everyone else of its roster.
func Electors(ctx context.Context, q db.Querier, o *org.Org, day civil.Date) (voters []life.RosterEntry, err error) {
	roster, err := life.Roster(ctx, q, o, life.Congress, day)
	for _, r := range roster {
		if r.Voting {
			voters = append(voters, r)
		}
	}
	return voters, err
}

// holder returns an organisation the caller may write that elects a
// committee for a term.
func holder(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*org.Org, error) {
	if id <= 0 {
		return nil, fail.Malformed("org_id", "请选择进行换届选举的党组织")
	}
	if _, err := org.WritablePath(ctx, q, p, id); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if o.Dissolved() {
		return nil, fail.NotAllowed("org_id", "「"+o.Name+"」已撤销，不进行换届选举")
	}
	if err := org.CheckElects(o); err != nil {
		return nil, err
	}
	return o, nil
}

// Record stores an election meeting: the figures are checked against the
// 正式党员 on the day and the rules, and who is elected follows from the
// votes. The upper organisation is sent a 待办 to approve it.
func (s *Service) Record(ctx context.Context, p *auth.Principal, in Input) (*Election, error) {
	o, err := holder(ctx, s.DB, p, in.OrgID)
	if err != nil {
		return nil, err
	}
	day, err := input.Date("held_on", "选举日期", in.HeldOn)
	if err != nil {
		return nil, err
	}
	if civil.Today(s.Now()).Before(day) {
		return nil, fail.NotAllowed("held_on", "选举日期不能晚于今天：这里登记已经召开的选举大会")
	}
	note, err := input.Text("note", "备注", in.Note, false, 1000, true)
	if err != nil {
		return nil, err
	}
	voters, err := Electors(ctx, s.DB, o, day)
	if err != nil {
		return nil, err
	}
	if err := in.Counts.check(o.Kind, len(voters)); err != nil {
		return nil, err
	}
	eligible := map[int64]string{}
	for _, v := range voters {
		eligible[v.PersonID] = v.Name
	}
	var cands []Candidate
	seen := map[int64]bool{}
	for _, c := range in.Candidates {
		name, ok := eligible[c.PersonID]
		switch {
		case !ok:
			return nil, fail.NotAllowed("candidates", fmt.Sprintf("候选人（编号 %d）不是本组织选举日的正式党员，没有被选举权", c.PersonID))
		case seen[c.PersonID]:
			return nil, fail.NotAllowed("candidates", name+" 在候选人中出现了两次")
		}
		seen[c.PersonID] = true
		cands = append(cands, Candidate{PersonID: c.PersonID, Name: name, Votes: c.Votes})
	}
	if err := elect(cands, in.Counts); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.Now().UnixMilli()
		c := in.Counts
		id, err = db.InsertID(ctx, tx, `INSERT INTO elections (org_id, held_on, seats, expected, present, issued, returned, invalid, note, created_by, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, o.ID, day.String(), c.Seats, c.Expected, c.Present, c.Issued, c.Returned, c.Invalid, note, p.Username, now, now)
		if db.IsUnique(err) {
			return fail.Conflict(fmt.Sprintf("「%s」%s 的选举大会已经登记，无需重复提交", o.Name, day))
		}
		if err != nil {
			return err
		}
		var elected []string
		for i, x := range cands {
			if _, err := tx.ExecContext(ctx, "INSERT INTO election_candidates (election_id, person_id, name, seq, votes, elected) VALUES (?,?,?,?,?,?)",
				id, x.PersonID, x.Name, i, x.Votes, b2i(x.Elected)); err != nil {
				return err
			}
			if x.Elected {
				elected = append(elected, x.Name)
			}
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "election.record", ObjectType: "election", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"org_id": o.ID, "held_on": day.String(), "counts": c, "candidates": len(cands), "elected": elected}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// writable loads an election for a write in tx at the version read,
// still waiting for approval.
func writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Election, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	e, err := load(ctx, tx, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	switch {
	case version <= 0:
		return nil, fail.Malformed("version", "请提供所读取记录的版本号（version）")
	case version != e.Version:
		return nil, fail.Conflict("该选举记录已被他人修改，请刷新后重新操作")
	case e.State == Approved:
		return nil, fail.Conflict("该选举结果已于 " + e.ApprovedOn + " 批复，不能再修改")
	}
	return e, nil
}

func (s *Service) bump(ctx context.Context, tx *db.Tx, e *Election) error {
	res, err := tx.ExecContext(ctx, "UPDATE elections SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?", s.Now().UnixMilli(), e.ID, e.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fail.Conflict("该选举记录已被他人修改，请刷新后重新操作")
	}
	e.Version++
	return nil
}

// PostInput is an elected member's post in the new committee.
type PostInput struct {
	PersonID int64  `json:"person_id"`
	Post     string `json:"post"`
}

// SetPosts records the new committee's division of posts (its first
// meeting elects the 书记 and 副书记): every elected member a post, one 书记.
func (s *Service) SetPosts(ctx context.Context, p *auth.Principal, id int64, version int, posts []PostInput) (*Election, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		got := map[int64]string{}
		secretaries := 0
		for _, x := range posts {
			c := e.candidate(x.PersonID)
			switch {
			case c == nil || !c.Elected:
				return fail.NotAllowed("posts", fmt.Sprintf("人员（编号 %d）未当选，不能分工", x.PersonID))
			case !validPost(x.Post):
				return fail.Malformed("posts", "请为 "+c.Name+" 选择职务（书记、副书记、组织委员、宣传委员、纪检委员或委员）")
			case got[x.PersonID] != "":
				return fail.NotAllowed("posts", c.Name+" 的职务填写了两次")
			}
			got[x.PersonID] = x.Post
			if x.Post == org.Secretary {
				secretaries++
			}
		}
		if len(got) != e.Elected {
			return fail.Malformed("posts", fmt.Sprintf("请为全部 %d 名当选委员确定职务", e.Elected))
		}
		if secretaries != 1 {
			return fail.NotAllowed("posts", "新一届委员中应有且只有一名书记")
		}
		for pid, post := range got {
			if _, err := tx.ExecContext(ctx, "UPDATE election_candidates SET post = ? WHERE election_id = ? AND person_id = ?", post, e.ID, pid); err != nil {
				return err
			}
		}
		if err := s.bump(ctx, tx, e); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "election.posts", ObjectType: "election", ObjectID: fmt.Sprint(e.ID),
			Detail: audit.Change{After: got}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Approval is the upper organisation's 批复.
type Approval struct {
	Version    int    `json:"version"`
	ApprovedOn string `json:"approved_on"`
	Doc        string `json:"doc"`      // 批复文号
	TermEnd    string `json:"term_end"` // optional: an approved early or late end
}

// Approve records the upper organisation's approval of the 书记 and the
// committee and renews them through org.Renew, in one transaction. Only an
// administrator of the upper organisation (or above) approves.
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64, a Approval) (*Election, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := writable(ctx, tx, p, id, a.Version)
		if err != nil {
			return err
		}
		upper := e.parentID
		if upper == 0 {
			upper = e.OrgID // the bureau's own 党委 is approved outside the system; its administrator records it
		}
		if _, err := org.WritablePath(ctx, tx, p, upper); err != nil {
			if fail.IsNotFound(err) {
				return fail.Denied("not_upper", "换届选举结果由上级党组织批复，请由上级党组织的党务管理员办理")
			}
			return err
		}
		day, err := input.Date("approved_on", "批复日期", a.ApprovedOn)
		if err != nil {
			return err
		}
		if day.String() < e.HeldOn || civil.Today(s.Now()).Before(day) {
			return fail.NotAllowed("approved_on", "批复日期应在选举日期 "+e.HeldOn+" 与今天之间")
		}
		doc, err := input.Text("doc", "批复文号", a.Doc, true, 100, false)
		if err != nil {
			return err
		}
		var members []org.NewMember
		for _, c := range e.Candidates {
			if c.Elected {
				if c.Post == "" {
					return fail.NotAllowed("posts", "请先确定全部当选委员的分工（书记、副书记等）再报批")
				}
				members = append(members, org.NewMember{PersonID: c.PersonID, Post: c.Post})
			}
		}
		if err := org.Renew(ctx, tx, s.Deps, p, e.OrgID, org.Renewal{On: e.HeldOn, TermEnd: a.TermEnd, Members: members, Reason: "批复：" + doc}); err != nil {
			return err
		}
		o, err := org.Get(ctx, tx, e.OrgID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE elections SET state = ?, approver_id = ?, approved_on = ?, approval_doc = ?, term_end = ? WHERE id = ?",
			Approved, upper, day.String(), doc, o.TermEnd, e.ID); err != nil {
			return err
		}
		if err := s.bump(ctx, tx, e); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "election.approve", ObjectType: "election", ObjectID: fmt.Sprint(e.ID),
			Detail: audit.Change{After: map[string]any{"approver_id": upper, "approved_on": day.String(), "doc": doc, "term": o.TermStart + "—" + o.TermEnd}}}); err != nil {
			return err
		}
		return syncTodos(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Divided reports whether every elected member has a post: the record can
// go up for approval.
func (e *Election) Divided() bool {
	for _, c := range e.Candidates {
		if c.Elected && c.Post == "" {
			return false
		}
	}
	return e.Elected > 0
}

func (e *Election) candidate(personID int64) *Candidate {
	for i := range e.Candidates {
		if e.Candidates[i].PersonID == personID {
			return &e.Candidates[i]
		}
	}
	return nil
}

func validPost(p string) bool {
	for _, x := range org.Posts {
		if x == p {
			return true
		}
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
