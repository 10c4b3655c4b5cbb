package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
)

// live is what the answer path needs of an attempt and that never changes
// after its start: owner, questions, shuffle seed, deadline and the exam's
// scoring rules (exams are not edited), cached so that an answer reads
// nothing before it is queued. What changes — the device that may answer,
// the answers given, points, pace, whether it is handed in — lives only in
// the database, and the writer checks it in the transaction that stores
// the answer. So any instance serves any request of any attempt; a cache
// entry is rebuilt from the database when missing.
type live struct {
	id, examID, personID int64
	mode                 Mode
	seed                 int64
	deadline             int64
	index                map[int64]bool
	scoreEach, dailyCap  int
	minMs                int64
	// closed is set once this instance has handed the attempt in: a
	// shortcut for answers that arrive later. Other instances learn it
	// from the database.
	closed atomic.Bool
}

// Attempt is an attempt as its owner and the organiser see it.
type Attempt struct {
	ID          int64   `json:"id"`
	ExamID      int64   `json:"exam_id"`
	PersonID    int64   `json:"person_id"`
	Day         string  `json:"day"`
	Questions   []int64 `json:"questions"`
	StartedAt   int64   `json:"started_at"`
	DeadlineAt  int64   `json:"deadline_at"`
	SubmittedAt int64   `json:"submitted_at"`
	Answered    int     `json:"answered"`
	Correct     int     `json:"correct"`
	Score       int     `json:"score"`
	Active      bool    `json:"active"`
	seed        int64
	device      string
}

const attemptCols = "id, exam_id, person_id, day, questions, seed, device_hash, started_at, deadline_at, COALESCE(submitted_at, 0), answered, correct, score, active"

func scanAttempt(sc interface{ Scan(...any) error }) (*Attempt, error) {
	var a Attempt
	var qs string
	var active int
	if err := sc.Scan(&a.ID, &a.ExamID, &a.PersonID, &a.Day, &qs, &a.seed, &a.device, &a.StartedAt, &a.DeadlineAt, &a.SubmittedAt,
		&a.Answered, &a.Correct, &a.Score, &active); err != nil {
		return nil, err
	}
	a.Active = active == 1
	if err := json.Unmarshal([]byte(qs), &a.Questions); err != nil {
		return nil, fmt.Errorf("exam_attempts %d: questions: %w", a.ID, err)
	}
	return &a, nil
}

// Started is what a start returns: the attempt and the device token that
// must accompany every answer.
type Started struct {
	AttemptID   int64  `json:"attempt_id"`
	DeviceToken string `json:"device_token"`
	DeadlineAt  int64  `json:"deadline_at"`
	Resumed     bool   `json:"resumed"`
}

func (s *Service) day(t time.Time) string { return t.In(web.Shanghai).Format("2006-01-02") }

// Start opens an attempt for the calling member, or takes over their active
// one: the new device token makes the previous device's token void, so only
// one device answers an attempt at a time.
func (s *Service) Start(ctx context.Context, p *auth.Principal, examID int64) (*Started, error) {
	personID, err := self(p)
	if err != nil {
		return nil, err
	}
	e, err := s.GetExam(ctx, p, examID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if !e.Open(now) {
		return nil, fail.Rule("R-EXAM-WINDOW", "", fmt.Sprintf("不在作答时间内（%s 至 %s）", fmtMs(e.OpensAt), fmtMs(e.ClosesAt)))
	}
	orgID, path, err := personOrg(ctx, s.DB, personID)
	if err != nil {
		return nil, err
	}
	token := crypto.RandomToken(16)
	out := &Started{DeviceToken: token}
	var fresh *live // the state of a new attempt, so its first answer reads nothing
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.expire(ctx, tx, examID, personID); err != nil {
			return err
		}
		var id, deadline int64
		err := tx.QueryRowContext(ctx, "SELECT id, deadline_at FROM exam_attempts WHERE exam_id = ? AND person_id = ? AND active = 1", examID, personID).Scan(&id, &deadline)
		if err == nil {
			out.AttemptID, out.DeadlineAt, out.Resumed = id, deadline, true
			if _, err := tx.ExecContext(ctx, "UPDATE exam_attempts SET device_hash = ? WHERE id = ?", crypto.SM3Hex([]byte(token)), id); err != nil {
				return err
			}
			return s.Audit.Write(ctx, tx, audit.Event{Action: "exam.attempt.resume", ObjectType: "exam_attempt", ObjectID: strconv.FormatInt(id, 10)})
		}
		if !db.IsNoRows(err) {
			return err
		}
		if err := s.mayStart(ctx, tx, e, personID, now); err != nil {
			return err
		}
		qs, err := s.draw(ctx, tx, e)
		if err != nil {
			return err
		}
		seed := rand.Int64()
		if len(e.Paper) == 0 { // a fixed paper keeps its order; only options are shuffled
			rand.New(rand.NewPCG(uint64(seed), 0)).Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
		}
		b, _ := json.Marshal(qs)
		_, roundEnd, _ := e.Round(now)
		deadline = min(now.Add(time.Duration(e.DurationMin)*time.Minute).UnixMilli(), roundEnd)
		id, err = db.InsertID(ctx, tx, `INSERT INTO exam_attempts (exam_id, person_id, org_id, day, questions, seed, device_hash, started_at, deadline_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, examID, personID, orgID, s.day(now), string(b), seed, crypto.SM3Hex([]byte(token)), now.UnixMilli(), deadline)
		if db.IsUnique(err) {
			return fail.Conflict("您已有一次进行中的作答，请刷新后继续")
		}
		if err != nil {
			return err
		}
		out.AttemptID, out.DeadlineAt = id, deadline
		fresh = &live{id: id, examID: examID, personID: personID, mode: e.Mode, seed: seed, deadline: deadline,
			index: make(map[int64]bool, len(qs)), scoreEach: e.ScoreEach, dailyCap: e.DailyCap, minMs: int64(e.MinSeconds) * 1000}
		for _, q := range qs {
			fresh.index[q] = true
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "exam.attempt.start", ObjectType: "exam_attempt", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"exam_id": examID, "questions": len(qs), "org_path": path}})
	})
	if err != nil {
		return nil, err
	}
	if fresh != nil {
		s.keep(fresh)
	}
	return out, nil
}

// mayStart applies the retake rules: an exam may be retaken up to its
// limit until passed; a contest up to its limit; a daily challenge up to
// its limit per day.
func (s *Service) mayStart(ctx context.Context, tx *db.Tx, e *Exam, personID int64, now time.Time) error {
	q := "SELECT COUNT(*), COALESCE(MAX(score), 0) FROM exam_attempts WHERE exam_id = ? AND person_id = ?"
	args := []any{e.ID, personID}
	switch {
	case e.Mode == ModeDaily:
		q += " AND day = ?"
		args = append(args, s.day(now))
	case e.Recurrence != "": // each round of a periodic exam starts afresh
		from, to, _ := e.Round(now)
		q += " AND started_at >= ? AND started_at < ?"
		args = append(args, from, to)
	}
	var n, best int
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&n, &best); err != nil {
		return err
	}
	if e.Mode == ModeExam && n > 0 && best >= e.PassScore {
		return fail.Rule("R-EXAM-PASSED", "", fmt.Sprintf("您已通过本%s考试（最高 %d 分），无需再考", map[bool]string{true: "轮", false: "次"}[e.Recurrence != ""], best))
	}
	if n >= e.MaxAttempts {
		what := "本场"
		if e.Mode == ModeDaily {
			what = "今日"
		} else if e.Recurrence != "" {
			what = "本轮"
		}
		return fail.Rule("R-EXAM-ATTEMPTS", "", fmt.Sprintf("%s作答次数已用完（最多 %d 次）", what, e.MaxAttempts))
	}
	return nil
}

// draw picks the questions of a new attempt.
func (s *Service) draw(ctx context.Context, tx *db.Tx, e *Exam) ([]int64, error) {
	if len(e.Paper) > 0 {
		return append([]int64(nil), e.Paper...), nil
	}
	path, err := org.PathOf(ctx, tx, e.OrgID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []int64
	for _, d := range e.Rules {
		where, args := poolWhere(path, d)
		rows, err := tx.QueryContext(ctx, "SELECT q.id "+where+" ORDER BY RANDOM() LIMIT ?", append(args, d.Count+len(out))...)
		if err != nil {
			return nil, err
		}
		got := 0
		for rows.Next() && got < d.Count {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
				got++
			}
		}
		rows.Close()
		if got < d.Count {
			return nil, fail.Rule("R-EXAM-POOL", "", fmt.Sprintf("题库中“%s”题目不足 %d 道，请联系组织者", d.Tag, d.Count))
		}
	}
	return out, nil
}

// expire closes a person's active attempts whose time has run out.
func (s *Service) expire(ctx context.Context, tx *db.Tx, examID, personID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE exam_attempts SET active = 0, submitted_at = deadline_at WHERE exam_id = ? AND person_id = ? AND active = 1 AND deadline_at <= ?",
		examID, personID, s.Now().UnixMilli())
	return err
}

// loadLive returns the unchanging part of an attempt, reading it from the
// database when it is not cached.
func (s *Service) loadLive(ctx context.Context, id int64) (*live, error) {
	s.mu.Lock()
	lv := s.attempts[id]
	s.mu.Unlock()
	if lv != nil {
		return lv, nil
	}
	a, err := scanAttempt(s.DB.QueryRowContext(ctx, "SELECT "+attemptCols+" FROM exam_attempts WHERE id = ?", id))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	lv = &live{id: a.ID, examID: a.ExamID, personID: a.PersonID, seed: a.seed, deadline: a.DeadlineAt, index: make(map[int64]bool, len(a.Questions))}
	for _, q := range a.Questions {
		lv.index[q] = true
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT mode, score_each, daily_cap, min_seconds FROM exams WHERE id = ?", a.ExamID).
		Scan(&lv.mode, &lv.scoreEach, &lv.dailyCap, &lv.minMs); err != nil {
		return nil, err
	}
	lv.minMs *= 1000
	if !a.Active {
		lv.closed.Store(true)
	}
	return s.keep(lv), nil
}

// keep caches an attempt's state unless another request cached it first,
// and returns the cached one.
func (s *Service) keep(lv *live) *live {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev := s.attempts[lv.id]; prev != nil {
		return prev
	}
	if len(s.attempts) > 200000 {
		s.attempts = map[int64]*live{}
	}
	s.attempts[lv.id] = lv
	return lv
}

func (s *Service) drop(id int64) {
	s.mu.Lock()
	delete(s.attempts, id)
	s.mu.Unlock()
}

// Response is one answer as the person gives it: letters as shown to them
// for choice questions, 对/错 for true/false, one text per blank for fill-in.
type Response struct {
	QuestionID int64    `json:"question_id"`
	Answer     string   `json:"answer"`
	Blanks     []string `json:"blanks"`
}

// Recorded is the reply to an answer.
type Recorded struct {
	Recorded  bool  `json:"recorded"`
	Duplicate bool  `json:"duplicate"`
	Correct   *bool `json:"correct,omitempty"` // shown at once only in a daily challenge
	Points    int   `json:"points"`
}

// Answer records one answer of the caller's attempt. It is idempotent per
// (attempt, question): a repeat is acknowledged and not counted again.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, attemptID int64, deviceToken string, r Response) (*Recorded, error) {
	lv, err := s.loadLive(ctx, attemptID)
	if err != nil {
		return nil, err
	}
	if p.Role != auth.Member || p.PersonID == 0 || lv.personID != p.PersonID {
		return nil, fail.NotFound()
	}
	now := s.Now().UnixMilli()
	switch {
	case lv.closed.Load():
		return nil, errHandedIn()
	case now >= lv.deadline:
		return nil, fail.Rule("R-EXAM-DEADLINE", "", fmt.Sprintf("作答时间已到（截止 %s），答案未被记录", fmtMs(lv.deadline)))
	case !lv.index[r.QuestionID]:
		return nil, fail.Malformed("question_id", "该题不属于本次作答")
	}
	q, err := s.question(ctx, r.QuestionID)
	if err != nil {
		return nil, err
	}
	stored, err := canonical(q, lv.seed, r)
	if err != nil {
		return nil, err
	}
	correct := q.Grade(stored)
	pd := &pending{attemptID: attemptID, questionID: r.QuestionID, answer: stored, correct: correct, at: now,
		device: crypto.SM3Hex([]byte(deviceToken)), minMs: lv.minMs}
	if correct {
		pd.score = lv.scoreEach
	}
	if lv.mode == ModeDaily {
		pd.dailyCap = lv.dailyCap
	}
	// The writer checks the device, the hand-in, repeats and the pace
	// against the attempt's row in the answer's own transaction.
	if err := s.writer.submit(ctx, pd); err != nil {
		return nil, err
	}
	out := &Recorded{Recorded: true, Duplicate: pd.duplicate, Points: pd.points}
	if lv.mode == ModeDaily && !pd.duplicate {
		out.Correct = &correct
	}
	return out, nil
}

// canonical turns a response into the stored form in original letters.
func canonical(q *Question, seed int64, r Response) (string, error) {
	switch q.Kind {
	case Single, Multi:
		orig, err := ToOriginal(r.Answer, Perm(seed, q.ID, len(q.Options)))
		if err != nil {
			return "", ferr("answer", "请选择有效的选项")
		}
		if q.Kind == Single && len(orig) != 1 {
			return "", ferr("answer", "单选题只能选择一个选项")
		}
		return orig, nil
	case Judge:
		v, ok := judgeValue(r.Answer)
		if !ok {
			return "", ferr("answer", "判断题请回答“对”或“错”")
		}
		return v, nil
	case Fill:
		if len(r.Blanks) != q.Blanks() {
			return "", ferr("blanks", "本题有 %d 个空，请逐空填写", q.Blanks())
		}
		for _, b := range r.Blanks {
			if len([]rune(b)) > 200 {
				return "", ferr("blanks", "填空内容过长（每空不超过 200 字）")
			}
		}
		b, _ := json.Marshal(r.Blanks)
		return string(b), nil
	}
	return "", ferr("question_id", "题型无效")
}

// Result is a finished attempt.
type Result struct {
	AttemptID int64  `json:"attempt_id"`
	Score     int    `json:"score"`
	Total     int    `json:"total"`
	Correct   int    `json:"correct"`
	Questions int    `json:"questions"`
	Passed    bool   `json:"passed"`
	Mode      Mode   `json:"mode"`
	ExamID    int64  `json:"exam_id"`
	Title     string `json:"title"`
	Active    bool   `json:"active"` // not handed in yet: nothing below is given
	// Review says the organiser shows wrong answers after hand-in; Wrong
	// lists them (empty when all were right).
	Review bool       `json:"review"`
	Wrong  []Reviewed `json:"wrong,omitempty"`
	// A contest or daily challenge: the member's rank among Ranked people
	// and their unit's rank by average score among Units.
	Rank   *Entry     `json:"rank,omitempty"`
	Ranked int        `json:"ranked,omitempty"`
	Unit   *UnitEntry `json:"unit,omitempty"`
	Units  int        `json:"units,omitempty"`
}

// Submit hands in the caller's attempt. Answers queued on this instance
// commit first; an answer still on its way through another instance is
// refused by the writer once the hand-in has committed. Handing in again
// (a retried request, a second tab, another instance) changes nothing and
// replies with the same result.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, attemptID int64) (*Result, error) {
	a, err := s.myAttempt(ctx, p, attemptID)
	if err != nil {
		return nil, err
	}
	if a.Active {
		if err := s.writer.flush(ctx); err != nil {
			return nil, err
		}
		now := s.Now().UnixMilli()
		err = s.DB.InTx(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, "UPDATE exam_attempts SET active = 0, submitted_at = ? WHERE id = ? AND active = 1", min(now, a.DeadlineAt), attemptID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // handed in meanwhile by another request
			}
			return s.Audit.Write(ctx, tx, audit.Event{Action: "exam.attempt.submit", ObjectType: "exam_attempt", ObjectID: strconv.FormatInt(attemptID, 10)})
		})
		if err != nil {
			return nil, err
		}
		s.drop(attemptID)
	}
	return s.Result(ctx, p, attemptID)
}

// Result reports a finished or running attempt of the caller.
func (s *Service) Result(ctx context.Context, p *auth.Principal, attemptID int64) (*Result, error) {
	a, e, err := s.myAttemptOf(ctx, p, attemptID)
	if err != nil {
		return nil, err
	}
	res := &Result{AttemptID: a.ID, Score: a.Score, Total: e.Total(), Correct: a.Correct, Questions: len(a.Questions),
		Passed: e.Mode == ModeExam && a.Score >= e.PassScore, Mode: e.Mode, ExamID: e.ID, Title: e.Title, Active: a.Active, Review: e.Review}
	if a.Active {
		return res, nil
	}
	if e.Review {
		if res.Wrong, err = s.wrongOf(ctx, a); err != nil {
			return nil, err
		}
	}
	if e.Mode != ModeExam {
		b, err := s.Leaderboard(ctx, p, e.ID, 1)
		if err != nil {
			return nil, err
		}
		res.Rank, res.Ranked, res.Unit, res.Units = b.Mine, b.Ranked, b.MyUnit, len(b.ByAverage)
	}
	return res, nil
}

// myAttempt loads an attempt of the calling member; anyone else's is 404.
func (s *Service) myAttempt(ctx context.Context, p *auth.Principal, id int64) (*Attempt, error) {
	if p.Role != auth.Member || p.PersonID == 0 {
		return nil, fail.NotFound()
	}
	a, err := scanAttempt(s.DB.QueryRowContext(ctx, "SELECT "+attemptCols+" FROM exam_attempts WHERE id = ? AND person_id = ?", id, p.PersonID))
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	return a, err
}

// myAttemptOf is myAttempt with its exam.
func (s *Service) myAttemptOf(ctx context.Context, p *auth.Principal, id int64) (*Attempt, *Exam, error) {
	a, err := s.myAttempt(ctx, p, id)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.GetExam(ctx, p, a.ExamID)
	return a, e, err
}

// Shown is a question as one attempt displays it.
type Shown struct {
	Seq      int      `json:"seq"`
	ID       int64    `json:"id"`
	Kind     Kind     `json:"kind"`
	Label    string   `json:"kind_label"`
	Stem     string   `json:"stem"`
	Options  []string `json:"options,omitempty"`
	Blanks   int      `json:"blanks,omitempty"`
	Answered bool     `json:"answered"`
}

// Sheet is the answer sheet of an attempt, options in the attempt's order.
type Sheet struct {
	Attempt   *Attempt `json:"attempt"`
	Exam      *Exam    `json:"exam"`
	Questions []Shown  `json:"questions"`
	ServerNow int64    `json:"server_now"`
}

// Sheet returns the caller's attempt with its questions.
func (s *Service) Sheet(ctx context.Context, p *auth.Principal, attemptID int64) (*Sheet, error) {
	a, e, err := s.myAttemptOf(ctx, p, attemptID)
	if err != nil {
		return nil, err
	}
	answered := map[int64]bool{}
	rows, err := s.DB.QueryContext(ctx, "SELECT question_id FROM exam_answers WHERE attempt_id = ?", a.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errors.Join(err, rows.Close())
		}
		answered[id] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	sh := &Sheet{Attempt: a, Exam: e, ServerNow: s.Now().UnixMilli()}
	for i, id := range a.Questions {
		q, err := s.question(ctx, id)
		if err != nil {
			return nil, err
		}
		v := Shown{Seq: i + 1, ID: q.ID, Kind: q.Kind, Label: q.Kind.Label(), Stem: q.Stem, Answered: answered[id]}
		if q.Kind == Single || q.Kind == Multi {
			for _, k := range Perm(a.seed, q.ID, len(q.Options)) {
				v.Options = append(v.Options, q.Options[k])
			}
		}
		if q.Kind == Fill {
			v.Blanks = q.Blanks()
		}
		sh.Questions = append(sh.Questions, v)
	}
	return sh, nil
}

func fmtMs(ms int64) string { return time.UnixMilli(ms).In(web.Shanghai).Format("2006-01-02 15:04:05") }
