package pioneer

import (
	"context"
	"errors"
	"fmt"
	"strconv"

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

// Commitment is one member's public commitment of a year.
type Commitment struct {
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	Year        int    `json:"year"`
	Tasks       string `json:"tasks"` // 亮任务
	Goals       string `json:"goals"` // 亮目标
	MadeOn      string `json:"made_on"`
	Review      string `json:"review,omitempty"` // year-end review: good, fine, fair, poor
	ReviewLabel string `json:"review_label,omitempty"`
	ReviewNote  string `json:"review_note,omitempty"`
	ReviewedOn  string `json:"reviewed_on,omitempty"`
	Deeds       []Deed `json:"deeds,omitempty"`
	DeedCount   int    `json:"deed_count"`
	Version     int    `json:"version"`
	orgPath     string
}

// Deed is what a member did to fulfil a commitment (亮成效).
type Deed struct {
	ID       int64   `json:"id"`
	DoneOn   string  `json:"done_on"`
	What     string  `json:"what"`
	Evidence string  `json:"evidence,omitempty"`
	By       string  `json:"by"`
	Photos   []Photo `json:"photos,omitempty"`
}

const commitCols = `c.id, c.person_id, c.name, c.org_id, o.name, o.path, c.year, c.tasks, c.goals, c.made_on, c.review, c.review_note,
	COALESCE(c.reviewed_on, ''), c.version, (SELECT COUNT(*) FROM pioneer_deeds d WHERE d.commitment_id = c.id)`

func scanCommitment(s scanner) (*Commitment, error) {
	var c Commitment
	err := s.Scan(&c.ID, &c.PersonID, &c.Name, &c.OrgID, &c.OrgName, &c.orgPath, &c.Year, &c.Tasks, &c.Goals, &c.MadeOn, &c.Review, &c.ReviewNote,
		&c.ReviewedOn, &c.Version, &c.DeedCount)
	c.ReviewLabel = ReviewLabel(c.Review)
	return &c, err
}

// loadCommitment reads a commitment matching cond (with its args) and s,
// with its deeds; anything else is a 404.
func loadCommitment(ctx context.Context, q db.Querier, s scope.Subtree, cond string, args ...any) (*Commitment, error) {
	in, sargs := s.Where("o.path")
	c, err := scanCommitment(q.QueryRowContext(ctx, "SELECT "+commitCols+" FROM pioneer_commitments c JOIN orgs o ON o.id = c.org_id WHERE "+cond+" AND "+in,
		append(args, sargs...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, done_on, what, evidence, created_by FROM pioneer_deeds WHERE commitment_id = ? ORDER BY done_on, id", c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d Deed
		if err := rows.Scan(&d.ID, &d.DoneOn, &d.What, &d.Evidence, &d.By); err != nil {
			return nil, err
		}
		c.Deeds = append(c.Deeds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range c.Deeds {
		if c.Deeds[i].Photos, err = photosOf(ctx, q, "deed_id", c.Deeds[i].ID); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// GetCommitment returns a commitment the caller may read.
func (s *Service) GetCommitment(ctx context.Context, p *auth.Principal, id int64) (*Commitment, error) {
	return loadCommitment(ctx, s.DB, scope.Of(p), "c.id = ?", id)
}

// Mine returns the calling member's commitment of a year (nil when none).
func (s *Service) Mine(ctx context.Context, p *auth.Principal, year int) (*Commitment, error) {
	if err := needPerson(p); err != nil {
		return nil, err
	}
	c, err := loadCommitment(ctx, s.DB, scope.All(), "c.person_id = ? AND c.year = ?", p.PersonID, year)
	if fail.IsNotFound(err) {
		return nil, nil
	}
	return c, err
}

func needPerson(p *auth.Principal) error {
	if p.Role != auth.Member || p.PersonID == 0 {
		return fail.Denied("no_person", "当前账号未关联党员信息")
	}
	return nil
}

// self reports whether p is a member acting for themselves.
func self(p *auth.Principal, personID int64) bool {
	return p.Role == auth.Member && p.PersonID != 0 && p.PersonID == personID
}

// CommitInput makes or changes a commitment.
type CommitInput struct {
	Version  int    `json:"version,omitempty"` // for a change
	PersonID int64  `json:"person_id"`
	Year     int    `json:"year"`
	Tasks    string `json:"tasks"`
	Goals    string `json:"goals"`
}

// Commit makes a member's commitment of a year public, or changes it
// until it is reviewed: the member on a phone, or an administrator of the
// member's organisation for them. A second commitment of the same year is
// refused.
func (s *Service) Commit(ctx context.Context, p *auth.Principal, in CommitInput) (*Commitment, error) {
	today := civil.Today(s.Now())
	if in.Year != today.Year() && in.Year != today.Year()-1 {
		return nil, fail.NotAllowed("year", fmt.Sprintf("只能填写 %d 年或 %d 年的承诺", today.Year()-1, today.Year()))
	}
	var err error
	if in.Tasks, err = input.Text("tasks", "承诺任务（亮任务）", in.Tasks, true, 1000, true); err != nil {
		return nil, err
	}
	if in.Goals, err = input.Text("goals", "承诺目标（亮目标）", in.Goals, true, 1000, true); err != nil {
		return nil, err
	}
	if !self(p, in.PersonID) && !p.Writes() {
		return nil, fail.NotFound()
	}
	sc := scope.Of(p)
	if self(p, in.PersonID) {
		sc = scope.All()
	}
	pe, err := member.GetIn(ctx, s.DB, sc, in.PersonID)
	if errors.Is(err, db.ErrNotFound) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if pe.Status != "full" && pe.Status != "probationary" {
		return nil, fail.NotAllowed("person_id", pe.Name+"不是党员，不作党员承诺")
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := loadCommitment(ctx, tx, scope.All(), "c.person_id = ? AND c.year = ?", pe.ID, in.Year)
		switch {
		case fail.IsNotFound(err):
			now := s.Now().UnixMilli()
			id, err = db.InsertID(ctx, tx, `INSERT INTO pioneer_commitments (person_id, name, org_id, year, tasks, goals, made_on, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?)`, pe.ID, pe.Name, pe.OrgID, in.Year, in.Tasks, in.Goals, today.String(), now, now)
			if db.IsUnique(err) {
				return fail.Conflict(pe.Name + " " + strconv.Itoa(in.Year) + " 年的承诺刚刚已经提交，请刷新后查看")
			}
			if err != nil {
				return err
			}
			if err := s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.commit", ObjectType: "pioneer_commitment", ObjectID: fmt.Sprint(id),
				Detail: audit.Change{After: map[string]any{"person_id": pe.ID, "year": in.Year, "tasks": in.Tasks, "goals": in.Goals}}}); err != nil {
				return err
			}
			return syncAround(ctx, tx, today, pe.OrgID)
		case err != nil:
			return err
		case in.Version == 0:
			return fail.Conflict(pe.Name + " " + strconv.Itoa(in.Year) + " 年已作出承诺，如需修改请在原承诺上修改")
		case in.Version != old.Version:
			return fail.Conflict("该承诺已被修改，请刷新后重新填写")
		case old.Review != "":
			return fail.Conflict("该承诺已于 " + old.ReviewedOn + " 评价，不能再修改")
		}
		id = old.ID
		if _, err := tx.ExecContext(ctx, "UPDATE pioneer_commitments SET tasks = ?, goals = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			in.Tasks, in.Goals, s.Now().UnixMilli(), id, old.Version); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.commit.update", ObjectType: "pioneer_commitment", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]any{"tasks": old.Tasks, "goals": old.Goals}, After: map[string]any{"tasks": in.Tasks, "goals": in.Goals}}})
	})
	if err != nil {
		return nil, err
	}
	return loadCommitment(ctx, s.DB, scope.All(), "c.id = ?", id)
}

// reachable loads a commitment for a write: the member's own, or one in
// the administrator's scope.
func (s *Service) reachable(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Commitment, error) {
	if p.Role == auth.Member && p.PersonID != 0 {
		c, err := loadCommitment(ctx, q, scope.All(), "c.id = ?", id)
		if err == nil && c.PersonID != p.PersonID {
			return nil, fail.NotFound()
		}
		return c, err
	}
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	return loadCommitment(ctx, q, scope.Of(p), "c.id = ?", id)
}

// DeedInput is one deed.
type DeedInput struct {
	DoneOn   string `json:"done_on"`
	What     string `json:"what"`
	Evidence string `json:"evidence"`
}

// AddDeed records a deed fulfilling a commitment, on a day of its year up
// to today, with a photo of it when one came; the same deed twice is
// refused.
func (s *Service) AddDeed(ctx context.Context, p *auth.Principal, id int64, in DeedInput, photo *Upload) (*Commitment, int64, error) {
	var did int64
	im, err := s.sealPhoto(photo)
	if err != nil {
		return nil, 0, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.reachable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if c.Review != "" {
			return fail.Conflict("该承诺已于 " + c.ReviewedOn + " 完成年终评价，不能再登记践诺情况")
		}
		day, err := input.Date("done_on", "践诺日期", in.DoneOn)
		if err != nil {
			return err
		}
		if day.Year() != c.Year || civil.Today(s.Now()).Before(day) {
			return fail.NotAllowed("done_on", fmt.Sprintf("践诺日期应在 %d 年内且不晚于今天", c.Year))
		}
		what, err := input.Text("what", "践诺事项", in.What, true, 500, true)
		if err != nil {
			return err
		}
		ev, err := input.Text("evidence", "佐证", in.Evidence, false, 500, true)
		if err != nil {
			return err
		}
		did, err = db.InsertID(ctx, tx, "INSERT INTO pioneer_deeds (commitment_id, done_on, what, evidence, created_by, created_at) VALUES (?,?,?,?,?,?)",
			c.ID, day.String(), what, ev, p.Username, s.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict("这条践诺情况已经登记过")
		}
		if err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.deed", ObjectType: "pioneer_commitment", ObjectID: fmt.Sprint(c.ID),
			Detail: audit.Change{After: map[string]any{"deed_id": did, "done_on": day.String(), "what": what}}}); err != nil {
			return err
		}
		if im == nil {
			return nil
		}
		return s.insertPhoto(ctx, tx, p, "deed_id", did, im, "pioneer_commitment", c.ID)
	})
	if err != nil {
		s.dropPhoto(im)
		return nil, 0, err
	}
	c, err := loadCommitment(ctx, s.DB, scope.All(), "c.id = ?", id)
	return c, did, err
}

// ReviewInput is the year-end review of a commitment.
type ReviewInput struct {
	Version int    `json:"version"`
	Review  string `json:"review"`
	Note    string `json:"note"`
}

// ReviewCommitment records the branch's year-end review of a commitment,
// from November of its year on.
func (s *Service) ReviewCommitment(ctx context.Context, p *auth.Principal, id int64, in ReviewInput) (*Commitment, error) {
	today := civil.Today(s.Now())
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if !p.Writes() {
			return fail.NotFound()
		}
		c, err := loadCommitment(ctx, tx, scope.Of(p), "c.id = ?", id)
		if err != nil {
			return err
		}
		switch {
		case in.Version != c.Version:
			return fail.Conflict("该承诺已被修改，请刷新后重新评价")
		case ReviewLabel(in.Review) == "":
			return fail.Malformed("review", "请选择评价：好、较好、一般或差")
		case today.String() < strconv.Itoa(c.Year)+reviewFrom:
			return fail.NotAllowed("review", fmt.Sprintf("践诺情况在年终评价，%d%s 起可以评价", c.Year, reviewFrom))
		}
		note, err := input.Text("note", "评价意见", in.Note, in.Review == "poor", 500, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE pioneer_commitments SET review = ?, review_note = ?, reviewed_on = ?, version = version + 1 WHERE id = ? AND version = ?",
			in.Review, note, today.String(), id, c.Version); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.review", ObjectType: "pioneer_commitment", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: map[string]any{"review": c.Review}, After: map[string]any{"review": in.Review, "note": note}}}); err != nil {
			return err
		}
		return syncAround(ctx, tx, today, c.OrgID)
	})
	if err != nil {
		return nil, err
	}
	return s.GetCommitment(ctx, p, id)
}

// Review is a year-end review as other features show it.
type Review struct {
	Label string `json:"label"`
	Deeds int    `json:"deeds"`
}

// ReviewsOf returns the reviewed commitments of a year of some people, by
// person: the 民主评议 shows them beside each member.
func ReviewsOf(ctx context.Context, q db.Querier, year int, people []int64) (map[int64]Review, error) {
	out := map[int64]Review{}
	if len(people) == 0 {
		return out, nil
	}
	in, args := db.In(people)
	rows, err := q.QueryContext(ctx, `SELECT c.person_id, c.review, (SELECT COUNT(*) FROM pioneer_deeds d WHERE d.commitment_id = c.id)
		FROM pioneer_commitments c WHERE c.year = ? AND c.person_id IN (`+in+`)`, append([]any{year}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r string
		var n int
		if err := rows.Scan(&id, &r, &n); err != nil {
			return nil, err
		}
		label := ReviewLabel(r)
		if label == "" {
			label = "未评价"
		}
		out[id] = Review{Label: label, Deeds: n}
	}
	return out, rows.Err()
}

// Mine is a member's commitment of a year and those of their branch,
// which are public to it.
type Mine struct {
	Year       int          `json:"year"`
	Commitment *Commitment  `json:"commitment"`
	Branch     []Commitment `json:"branch"`
	BranchName string       `json:"branch_name"`
}

// MineOf returns the calling member's commitment of a year (nil when not
// made yet) and their branch's.
func (s *Service) MineOf(ctx context.Context, p *auth.Principal, year int) (*Mine, error) {
	c, err := s.Mine(ctx, p, year)
	if err != nil {
		return nil, err
	}
	orgID, _, err := member.OrgOf(ctx, s.DB, p.PersonID)
	if err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, s.DB, orgID)
	if err != nil {
		return nil, err
	}
	if o.Kind == org.Group && o.ParentID != 0 { // a 党小组's members belong to its branch
		if o, err = org.Get(ctx, s.DB, o.ParentID); err != nil {
			return nil, err
		}
	}
	l, err := s.listCommitments(ctx, scope.Under(o.Path), o.ID, CommitFilter{Year: year})
	if err != nil {
		return nil, err
	}
	return &Mine{Year: year, Commitment: c, Branch: l.Items, BranchName: o.Name}, nil
}
