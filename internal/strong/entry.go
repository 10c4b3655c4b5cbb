package strong

import (
	"context"
	"fmt"
	"math"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
	"hongdun/internal/todo"
)

// Entry is one branch in a round.
type Entry struct {
	ID          int64   `json:"id"`
	RoundID     int64   `json:"round_id"`
	Year        int     `json:"year"`
	RoundState  string  `json:"round_state"`
	OrgID       int64   `json:"org_id"`
	OrgName     string  `json:"org_name"`
	State       string  `json:"state"`
	StateLabel  string  `json:"state_label"`
	Computed    float64 `json:"computed"`
	Self        float64 `json:"self"`
	Scored      float64 `json:"scored"`
	Score       float64 `json:"score"`
	Suggested   string  `json:"suggested"`
	Level       string  `json:"level"`
	ReviewNote  string  `json:"review_note"`
	SubmittedAt int64   `json:"submitted_at"`
	ReviewedAt  int64   `json:"reviewed_at"`
	ReviewedBy  string  `json:"reviewed_by"`
	Version     int     `json:"version"`
	Result      *Result `json:"result,omitempty"` // on the detail: every item
	System      *System `json:"-"`
	systemID    int64
	parentID    int64
}

// Outcome is the level that stands: the confirmed one, else the one the
// score reaches.
func (e *Entry) Outcome() string {
	if e.Level != "" {
		return e.Level
	}
	return e.Suggested
}

const entryCols = `e.id, e.round_id, r.year, r.state, r.system_id, e.org_id, o.name, COALESCE(o.parent_id, 0), e.state, e.computed_x100, e.self_x100,
	e.scored_x100, e.score_x100, e.suggested, e.level, e.review_note, e.submitted_at, e.reviewed_at, e.reviewed_by, e.version`

const entryFrom = " FROM strong_entries e JOIN strong_rounds r ON r.id = e.round_id JOIN orgs o ON o.id = e.org_id"

func scanEntry(s interface{ Scan(...any) error }) (*Entry, error) {
	var e Entry
	var c, sf, sc, t int64
	err := s.Scan(&e.ID, &e.RoundID, &e.Year, &e.RoundState, &e.systemID, &e.OrgID, &e.OrgName, &e.parentID, &e.State, &c, &sf, &sc, &t,
		&e.Suggested, &e.Level, &e.ReviewNote, &e.SubmittedAt, &e.ReviewedAt, &e.ReviewedBy, &e.Version)
	e.Computed, e.Self, e.Scored, e.Score = float64(c)/100, float64(sf)/100, float64(sc)/100, float64(t)/100
	e.StateLabel = StateLabel(e.State)
	return &e, err
}

// loadEntry reads an entry in sc with its system and every item scored;
// anything else is a 404.
func loadEntry(ctx context.Context, q db.Querier, sc scope.Subtree, id int64) (*Entry, error) {
	w, args := sc.Where("o.path")
	e, err := scanEntry(q.QueryRowContext(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.id = ? AND "+w, append([]any{id}, args...)...))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if e.System, err = loadSystem(ctx, q, e.systemID); err != nil {
		return nil, err
	}
	marks := map[int64]Mark{}
	if err := eachMark(ctx, q, "e.id = ?", []any{id}, func(_ int64, m Mark) { marks[m.ItemID] = m }); err != nil {
		return nil, err
	}
	res := Score(e.System, marks)
	e.Result = &res
	return e, nil
}

// GetEntry returns an entry the caller may read.
func GetEntry(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Entry, error) {
	return loadEntry(ctx, d.DB, scope.Of(p), id)
}

// writable loads an entry for a write in tx: administered by p, its round
// still open, at the version the caller read.
func writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, version int) (*Entry, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	e, err := loadEntry(ctx, tx, scope.Of(p), id)
	if err != nil {
		return nil, err
	}
	switch {
	case e.RoundState == Closed:
		return nil, fail.Refused("closed", fmt.Sprintf("%d 年度的评定结果已经公布，不能再修改", e.Year))
	case version <= 0:
		return nil, fail.Malformed("version", "请提供所读取记录的版本号（version）")
	case version != e.Version:
		return nil, fail.Conflict("该支部的评定记录已被他人修改，请刷新后重新填写")
	}
	return e, nil
}

// tenths reads points for an item: 0 to its full marks, one decimal.
func tenths(field string, it Item, v float64) (int, error) {
	x := math.Round(v * 10)
	switch {
	case math.Abs(v*10-x) > 1e-6:
		return 0, fail.Malformed(field, "「"+it.Name+"」的得分最多保留一位小数")
	case x < 0 || x > float64(it.Points*10):
		return 0, fail.NotAllowed(field, fmt.Sprintf("「%s」的得分应在 0 至 %d 分之间", it.Name, it.Points))
	}
	return int(x), nil
}

// scoredItem finds a scored item of the entry's system.
func scoredItem(e *Entry, field string, id int64) (Item, error) {
	for _, it := range e.System.Items() {
		if it.ID == id && !it.Computed() {
			return it, nil
		}
		if it.ID == id {
			return it, fail.NotAllowed(field, "「"+it.Name+"」由系统根据平台数据计算，不能手工打分")
		}
	}
	return Item{}, fail.NotAllowed(field, fmt.Sprintf("评分项（编号 %d）不属于本年度的指标体系", id))
}

// SelfMark is the branch's points and evidence for one scored item.
type SelfMark struct {
	ItemID   int64    `json:"item_id"`
	Points   *float64 `json:"points"`
	Evidence string   `json:"evidence"`
}

// SelfInput saves the self-assessment; Submit hands it to the upper
// organisation, after which it changes only if returned.
type SelfInput struct {
	Version int        `json:"version"`
	Items   []SelfMark `json:"items"`
	Submit  bool       `json:"submit"`
}

// SelfAssess records the branch's points and evidence.
func SelfAssess(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in SelfInput) (*Entry, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := writable(ctx, tx, p, id, in.Version)
		if err != nil {
			return err
		}
		if e.State != Draft {
			return fail.Refused("submitted", "自评已经提交，待上级审核；如需修改，请上级党组织退回")
		}
		marks := map[int64]Mark{}
		for _, is := range e.Result.Items {
			marks[is.ID] = is.Mark
		}
		seen := map[int64]bool{}
		for _, sm := range in.Items {
			it, err := scoredItem(e, "items", sm.ItemID)
			if err != nil {
				return err
			}
			if seen[it.ID] {
				return fail.NotAllowed("items", "「"+it.Name+"」填写了两次")
			}
			seen[it.ID] = true
			m := marks[it.ID]
			m.Self = nil
			if sm.Points != nil {
				x, err := tenths("items", it, *sm.Points)
				if err != nil {
					return err
				}
				m.Self = &x
			}
			if m.Evidence, err = evidence("items", "「"+it.Name+"」的佐证材料", sm.Evidence); err != nil {
				return err
			}
			marks[it.ID] = m
			if _, err := tx.ExecContext(ctx, `INSERT INTO strong_marks (entry_id, item_id, self_x10, evidence) VALUES (?,?,?,?)
				ON CONFLICT (entry_id, item_id) DO UPDATE SET self_x10 = excluded.self_x10, evidence = excluded.evidence`,
				e.ID, it.ID, nullInt(m.Self), m.Evidence); err != nil {
				return err
			}
		}
		state := Draft
		if in.Submit {
			for _, it := range e.System.Items() {
				if !it.Computed() && marks[it.ID].Self == nil {
					return fail.Malformed("items", "提交前请为「"+it.Name+"」自评打分")
				}
			}
			state = Submitted
		}
		res := Score(e.System, marks)
		if err := e.store(ctx, d, tx, res, state, map[string]any{"submitted_at": in.Submit}); err != nil {
			return err
		}
		if in.Submit {
			if err := e.postReview(ctx, tx, civil.Today(d.Now())); err != nil {
				return err
			}
		}
		action := "strong.self.save"
		if in.Submit {
			action = "strong.self.submit"
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "strong_entry", ObjectID: fmt.Sprint(e.ID),
			Detail: audit.Change{Before: map[string]any{"state": e.State, "self": e.Self}, After: map[string]any{"state": state, "self": res.Self, "items": in.Items}}})
	})
	if err != nil {
		return nil, err
	}
	return GetEntry(ctx, d, p, id)
}

// evidence checks an evidence text or a note: several lines, at most
// 1000 characters.
func evidence(field, label, v string) (string, error) {
	return plaintext.Text(field, label, v, false, 1000, true)
}

func nullInt(v *int) any {
	if v == nil {
		return nil
	}
	return *v
}

// store writes the entry's totals and state, moving its version.
func (e *Entry) store(ctx context.Context, d *core.Deps, tx *db.Tx, res Result, state string, extra map[string]any) error {
	now := d.Now().UnixMilli()
	set := "state = ?, computed_x100 = ?, self_x100 = ?, scored_x100 = ?, score_x100 = ?, suggested = ?, updated_at = ?, version = version + 1"
	args := []any{state, toX100(res.Computed), toX100(res.Self), toX100(res.Scored), toX100(res.Total), res.Suggested, now}
	for _, k := range []string{"submitted_at", "reviewed_at"} {
		if v, ok := extra[k]; ok && v == true {
			set += ", " + k + " = ?"
			args = append(args, now)
		}
	}
	for _, k := range []string{"level", "review_note", "reviewed_by"} {
		if v, ok := extra[k]; ok {
			set += ", " + k + " = ?"
			args = append(args, v)
		}
	}
	res2, err := tx.ExecContext(ctx, "UPDATE strong_entries SET "+set+" WHERE id = ? AND version = ?", append(args, e.ID, e.Version)...)
	if err != nil {
		return err
	}
	if n, _ := res2.RowsAffected(); n != 1 {
		return fail.Conflict("该支部的评定记录已被他人修改，请刷新后重新填写")
	}
	return nil
}

// ReviewMark is the reviewer's points and note for one scored item.
type ReviewMark struct {
	ItemID int64    `json:"item_id"`
	Points *float64 `json:"points"`
	Note   string   `json:"note"`
}

// ReviewInput is the upper organisation's review: points for the scored
// items, the level it confirms (at most the one the score reaches; empty
// confirms that one) and a note.
type ReviewInput struct {
	Version int          `json:"version"`
	Items   []ReviewMark `json:"items"`
	Level   string       `json:"level"`
	Note    string       `json:"note"`
}

const (
	ruleEvidence = "R-strong-evidence"
	ruleLevel    = "R-strong-level"
	citeStrong   = "本局最强党支部创建评定办法：评分项须有佐证材料，评定等次以得分为准"
)

// reviews says whether p reviews the entry: an organisation above the
// branch, never the branch itself.
func reviews(p *auth.Principal, e *Entry) bool { return p.Writes() && p.OrgID != e.OrgID }

// Review records the upper organisation's points and the level.
func Review(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in ReviewInput) (*Entry, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := writable(ctx, tx, p, id, in.Version)
		if err != nil {
			return err
		}
		if !reviews(p, e) {
			return fail.Denied("own_branch", "本支部的自评由上级党组织审核，不能自己审核")
		}
		if e.State == Draft {
			return fail.Refused("not_submitted", "该支部尚未提交自评，不能审核")
		}
		marks := map[int64]Mark{}
		for _, is := range e.Result.Items {
			marks[is.ID] = is.Mark
		}
		for _, rm := range in.Items {
			it, err := scoredItem(e, "items", rm.ItemID)
			if err != nil {
				return err
			}
			m := marks[it.ID]
			if rm.Points == nil {
				return fail.Malformed("items", "请为「"+it.Name+"」填写审核得分")
			}
			x, err := tenths("items", it, *rm.Points)
			if err != nil {
				return err
			}
			if x > 0 && strings.TrimSpace(m.Evidence) == "" {
				return fail.Rule(ruleEvidence, citeStrong, "「"+it.Name+"」没有佐证材料，不能计分（可退回支部补充佐证）")
			}
			if m.ReviewNote, err = evidence("items", "「"+it.Name+"」的审核意见", rm.Note); err != nil {
				return err
			}
			m.Review = &x
			marks[it.ID] = m
			if _, err := tx.ExecContext(ctx, `INSERT INTO strong_marks (entry_id, item_id, review_x10, review_note) VALUES (?,?,?,?)
				ON CONFLICT (entry_id, item_id) DO UPDATE SET review_x10 = excluded.review_x10, review_note = excluded.review_note`,
				e.ID, it.ID, x, m.ReviewNote); err != nil {
				return err
			}
		}
		for _, it := range e.System.Items() {
			if !it.Computed() && marks[it.ID].Review == nil {
				return fail.Malformed("items", "请为「"+it.Name+"」填写审核得分")
			}
		}
		res := Score(e.System, marks)
		level := strings.TrimSpace(in.Level)
		if level == "" {
			level = res.Suggested
		}
		li := e.System.LevelIndex(level)
		if li < 0 {
			return fail.NotAllowed("level", "评定等次只能是："+levelNames(e.System))
		}
		if li > e.System.LevelIndex(res.Suggested) {
			return fail.Rule(ruleLevel, citeStrong, fmt.Sprintf("得分 %.2f 分，未达到「%s」的 %d 分标准", res.Total, level, e.System.Levels[li].MinScore))
		}
		note, err := evidence("note", "审核意见", in.Note)
		if err != nil {
			return err
		}
		if err := e.store(ctx, d, tx, res, Reviewed, map[string]any{"reviewed_at": true, "level": level, "review_note": note, "reviewed_by": p.Username}); err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, srcReview, fmt.Sprint(e.ID)); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.review", ObjectType: "strong_entry", ObjectID: fmt.Sprint(e.ID),
			Detail: audit.Change{Before: map[string]any{"state": e.State, "score": e.Score, "level": e.Level},
				After: map[string]any{"state": Reviewed, "score": res.Total, "level": level, "note": note, "items": in.Items}}})
	})
	if err != nil {
		return nil, err
	}
	return GetEntry(ctx, d, p, id)
}

func levelNames(s *System) string {
	var names []string
	for _, l := range s.Levels {
		names = append(names, l.Name)
	}
	return strings.Join(names, "、")
}

// Return sends a submitted or reviewed entry back to the branch for its
// self-assessment (to add evidence), with the reason.
func Return(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, version int, note string) (*Entry, error) {
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := writable(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if !reviews(p, e) {
			return fail.Denied("own_branch", "退回由上级党组织办理")
		}
		if e.State == Draft {
			return fail.Refused("not_submitted", "该支部尚未提交自评，无需退回")
		}
		if note, err = plaintext.Text("note", "退回的原因（如需补充哪些佐证材料）", note, true, 1000, true); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE strong_marks SET review_x10 = NULL, review_note = '' WHERE entry_id = ?", e.ID); err != nil {
			return err
		}
		marks := map[int64]Mark{}
		for _, is := range e.Result.Items {
			is.Mark.Review, is.Mark.ReviewNote = nil, ""
			marks[is.ID] = is.Mark
		}
		if err := e.store(ctx, d, tx, Score(e.System, marks), Draft, map[string]any{"level": "", "review_note": note, "reviewed_by": ""}); err != nil {
			return err
		}
		if err := todo.Close(ctx, tx, srcReview, fmt.Sprint(e.ID)); err != nil {
			return err
		}
		r, err := scanRound(tx.QueryRowContext(ctx, "SELECT "+roundCols+" FROM strong_rounds WHERE id = ?", e.RoundID))
		if err != nil {
			return err
		}
		before := e.State
		e.State, e.ReviewNote = Draft, note
		if err := todo.Post(ctx, tx, selfTodo(e, r, civil.Today(d.Now()))); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.return", ObjectType: "strong_entry", ObjectID: fmt.Sprint(e.ID),
			Detail: audit.Change{Before: map[string]any{"state": before, "level": e.Level}, After: map[string]any{"state": Draft, "note": note}}})
	})
	if err != nil {
		return nil, err
	}
	return GetEntry(ctx, d, p, id)
}

// CloseRound publishes a round's results (the whole bureau's 党务管理员),
// once every branch has been reviewed.
func CloseRound(ctx context.Context, d *core.Deps, p *auth.Principal, year, version int) (*Round, error) {
	if !org.BureauAdmin(p) {
		return nil, fail.Denied("not_bureau", "评定结果由市局党务管理员公布")
	}
	bureau := bureauOf(scope.Of(p).Root())
	var r *Round
	err := d.DB.InTx(ctx, func(tx *db.Tx) (err error) {
		if r, err = RoundOf(ctx, tx, bureau, year); err != nil {
			return err
		}
		switch {
		case r == nil:
			return fail.NotFound()
		case r.State == Closed:
			return fail.Conflict(fmt.Sprintf("%d 年度的评定结果已于 %s 公布", year, r.ClosedOn))
		case version != r.Version:
			return fail.Conflict("评定已被他人修改，请刷新后重试")
		}
		var open int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM strong_entries WHERE round_id = ? AND state <> ?", r.ID, Reviewed).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return fail.Refused("unreviewed", fmt.Sprintf("还有 %d 个支部未完成审核，全部审核后才能公布结果", open))
		}
		today := civil.Today(d.Now()).String()
		if _, err := tx.ExecContext(ctx, "UPDATE strong_rounds SET state = ?, closed_on = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			Closed, today, d.Now().UnixMilli(), r.ID); err != nil {
			return err
		}
		r.State, r.StateLabel, r.ClosedOn, r.Version = Closed, StateLabel(Closed), today, r.Version+1
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.round.close", ObjectType: "strong_round", ObjectID: fmt.Sprint(r.ID),
			Detail: audit.Change{Before: map[string]any{"state": Open}, After: map[string]any{"state": Closed, "closed_on": today}}})
	})
	return r, err
}
