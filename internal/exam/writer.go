package exam

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// Writer is the group-commit answer path. SQLite has one writer connection,
// and a transaction per answer tops out far below a city-wide contest; so
// request handlers hand their answer to one goroutine, which writes whatever
// has queued up in one transaction and then replies to each request. An
// answer is acknowledged only after its batch has committed.
type Writer struct {
	db    *db.DB
	audit *audit.Log
	in    chan *pending

	// mu is held for reading while a request queues an answer, and for
	// writing by Close, which then closes in: no answer is queued after.
	mu       sync.RWMutex
	closed   bool
	stopped  chan struct{} // closed when the writer goroutine has ended
	closeErr error         // of closing the statements, set before stopped is closed

	inserts, updates, selects map[int]*sql.Stmt // by row count; the writer goroutine's own
}

// pending is one answer (or, with barrier set, a marker that replies once
// everything queued before it has committed). The handler fills in what
// it knows without the database; the writer decides the rest against the
// attempt's row, locked in the batch's transaction, and fills in the outcome.
type pending struct {
	attemptID, questionID int64
	answer                string
	correct               bool
	score                 int    // points of a correct answer; after the batch, the points given
	at                    int64  // when the answer arrived (unix ms)
	device                string // SM3 of the device token sent with it
	minMs                 int64  // minimum time per question, 0 for none
	dailyCap              int    // most points an attempt may earn, 0 for none
	barrier               bool
	queued                time.Time // when it was handed to the writer
	done                  chan error

	// The outcome, set by the writer before it replies.
	duplicate bool
	points    int   // the attempt's points after the batch
	refused   error // the answer was refused (handed in, other device, too fast)
}

const maxBatch = 2048

func newWriter(d *db.DB, a *audit.Log) *Writer {
	w := &Writer{db: d, audit: a, in: make(chan *pending, 4*maxBatch), stopped: make(chan struct{}),
		inserts: map[int]*sql.Stmt{}, updates: map[int]*sql.Stmt{}, selects: map[int]*sql.Stmt{}}
	go w.run()
	return w
}

// linger is how long the writer keeps a batch open for more answers. Each
// commit carries a fixed cost (the transaction, the audit record), and
// under load the answers of a few milliseconds share it; a lone answer
// waits at most this long. It counts from the first answer's arrival: one
// that queued while the previous batch committed has waited already.
const linger = 2 * time.Millisecond

// run writes batches until Close has closed in and everything queued
// before has committed; then it closes its statements.
func (w *Writer) run() {
	defer close(w.stopped)
	defer w.closeStatements()
	batch := make([]*pending, 0, maxBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for first := range w.in {
		batch = append(batch[:0], first)
		timer.Reset(linger - time.Since(first.queued))
	collect:
		for len(batch) < maxBatch {
			select {
			case p, ok := <-w.in:
				if !ok {
					break collect
				}
				batch = append(batch, p)
			case <-timer.C:
				batch = drain(w.in, batch) // what queued meanwhile goes too
				break collect
			}
		}
		timer.Stop()
		err := w.commit(batch)
		for _, p := range batch {
			if err != nil {
				p.done <- err
			} else {
				p.done <- p.refused
			}
		}
	}
}

// drain appends to batch what in holds already, up to maxBatch, without
// waiting.
func drain(in chan *pending, batch []*pending) []*pending {
	for len(batch) < maxBatch {
		select {
		case p, ok := <-in:
			if !ok {
				return batch
			}
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

type delta struct {
	answered, correct, score int
	last                     int64
}

// attemptRow is the changing state of an attempt, read (and on PostgreSQL
// locked) in the transaction of the batch that answers it.
type attemptRow struct {
	active        bool
	device        string
	points        int // the score so far, then with the batch's answers
	started, last int64
	answered      map[int64]bool // read only for attempts with a pace or a cap
	delta         delta
}

type answerKey struct{ attempt, question int64 }

// chunks are the row counts of the multi-row statements, largest first: a
// batch is written with as few statements as possible, and each size is
// prepared once for the life of the writer.
var chunks = []int{256, 64, 16, 4, 1}

// commit writes a batch in one transaction. It reads the rows of the
// batch's attempts first, locked until the commit, and refuses the answers
// of an attempt handed in, taken over by another device or answered too
// fast, whichever instance did that; then come multi-row inserts and one
// multi-row counter update. The primary key of exam_answers makes a
// repeated answer a no-op, and only the rows the insert returns move the
// attempt's counters, so every answer is counted exactly once.
func (w *Writer) commit(batch []*pending) error {
	ctx := context.Background()
	rows := make([]*pending, 0, len(batch))
	for _, p := range batch {
		if !p.barrier {
			rows = append(rows, p)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := w.prepare(ctx); err != nil {
		return err
	}
	return w.db.InTx(ctx, func(tx *db.Tx) error {
		states, err := w.lockAttempts(ctx, tx, rows)
		if err != nil {
			return err
		}
		first := make(map[answerKey]*pending, len(rows))
		ins := make([]*pending, 0, len(rows))
		var again []*pending // the same answer twice in one batch
		for _, p := range rows {
			p.duplicate, p.refused = false, nil
			st := states[p.attemptID]
			key := answerKey{p.attemptID, p.questionID}
			switch {
			case st == nil:
				p.refused = fail.NotFound()
				continue
			case !st.active:
				p.refused = errHandedIn()
				continue
			case p.device != st.device:
				p.refused = errOtherDevice()
				continue
			case first[key] != nil:
				again = append(again, p)
				continue
			}
			first[key] = p
			switch {
			case st.answered[p.questionID]:
				p.duplicate, p.score = true, 0
			case p.minMs > 0 && p.at-max(st.last, st.started) < p.minMs:
				p.refused = errTooFast(p.minMs)
			default:
				if p.dailyCap > 0 {
					p.score = max(0, min(p.score, p.dailyCap-st.points))
				}
				st.points += p.score
				st.last = max(st.last, p.at)
				ins = append(ins, p)
			}
		}
		recorded := make(map[answerKey]bool, len(ins))
		for rest := ins; len(rest) > 0; {
			k := chunkFor(len(rest))
			args := make([]any, 0, 6*k)
			for _, p := range rest[:k] {
				args = append(args, p.attemptID, p.questionID, p.answer, db.Int(p.correct), p.score, p.at)
			}
			rs, err := tx.Tx.StmtContext(ctx, w.inserts[k]).QueryContext(ctx, args...)
			if err != nil {
				return err
			}
			for rs.Next() {
				var key answerKey
				if err := rs.Scan(&key.attempt, &key.question); err != nil {
					rs.Close()
					return err
				}
				recorded[key] = true
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return err
			}
			rest = rest[k:]
		}
		var order []int64
		for _, p := range ins {
			st := states[p.attemptID]
			if !recorded[answerKey{p.attemptID, p.questionID}] { // stored before, by an earlier request
				p.duplicate = true
				st.points -= p.score
				p.score = 0
				continue
			}
			d := &st.delta
			if d.answered == 0 {
				order = append(order, p.attemptID)
			}
			d.answered++
			d.correct += db.Int(p.correct)
			d.score += p.score
			d.last = max(d.last, p.at)
		}
		for _, p := range again {
			f := first[answerKey{p.attemptID, p.questionID}]
			p.refused, p.duplicate = f.refused, f.refused == nil
		}
		for _, p := range rows {
			if st := states[p.attemptID]; st != nil {
				p.points = st.points
			}
		}
		n := len(recorded)
		attempts := len(order)
		for len(order) > 0 {
			k := chunkFor(len(order))
			args := make([]any, 0, 5*k)
			for _, id := range order[:k] {
				d := states[id].delta
				args = append(args, id, d.answered, d.correct, d.score, d.last)
			}
			if _, err := tx.Tx.StmtContext(ctx, w.updates[k]).ExecContext(ctx, args...); err != nil {
				return err
			}
			order = order[k:]
		}
		if n == 0 {
			return nil
		}
		// One audit record per batch: who answered is in exam_answers itself.
		return w.audit.Write(ctx, tx, audit.Event{Action: "exam.answers", ObjectType: "exam_answer_batch",
			Detail: map[string]int{"answers": n, "attempts": attempts}})
	})
}

// lockAttempts reads the changing state of the batch's attempts. On
// PostgreSQL it locks their rows until the batch commits, in id order so
// that two instances' batches never wait for each other in a circle: a
// hand-in, a takeover by another device or another instance's answers to
// the same attempt wait for this batch or it for them. On SQLite the one
// writer connection already serialises every write. For attempts with a
// minimum time per question or a points cap it also reads which questions
// are answered, so that a repeat is acknowledged rather than judged too
// fast, and the cap counts only what is stored.
func (w *Writer) lockAttempts(ctx context.Context, tx *db.Tx, rows []*pending) (map[int64]*attemptRow, error) {
	var ids, checked []int64
	seen := make(map[int64]bool, len(rows))
	for _, p := range rows {
		if !seen[p.attemptID] {
			seen[p.attemptID] = true
			ids = append(ids, p.attemptID)
			if p.minMs > 0 || p.dailyCap > 0 {
				checked = append(checked, p.attemptID)
			}
		}
	}
	slices.Sort(ids)
	states := make(map[int64]*attemptRow, len(ids))
	for rest := ids; len(rest) > 0; {
		// One statement per 256 attempts: the smallest prepared size that
		// holds them, its list padded with the last id (IN ignores repeats).
		k := chunks[0]
		for _, c := range chunks {
			if c >= len(rest) {
				k = c
			}
		}
		m := min(k, len(rest))
		args := make([]any, k)
		for i := range args {
			args[i] = rest[min(i, m-1)]
		}
		rs, err := tx.Tx.StmtContext(ctx, w.selects[k]).QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var id int64
			var active int
			st := &attemptRow{}
			if err := rs.Scan(&id, &active, &st.device, &st.points, &st.started, &st.last); err != nil {
				rs.Close()
				return nil, err
			}
			st.active = active == 1
			states[id] = st
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
		rest = rest[m:]
	}
	if len(checked) == 0 {
		return states, nil
	}
	in, args := db.In(checked)
	rs, err := tx.QueryContext(ctx, "SELECT attempt_id, question_id FROM exam_answers WHERE attempt_id IN ("+in+")", args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var a, q int64
		if err := rs.Scan(&a, &q); err != nil {
			return nil, err
		}
		if st := states[a]; st != nil {
			if st.answered == nil {
				st.answered = map[int64]bool{}
			}
			st.answered[q] = true
		}
	}
	return states, rs.Err()
}

// The refusals the writer decides, in the words the member reads.
func errHandedIn() error { return fail.Conflict("本次作答已交卷，不能再提交答案") }
func errOtherDevice() error {
	return fail.Conflict("本次作答已在其他设备上继续，当前设备不能再提交；如需在本机作答请重新进入")
}
func errTooFast(minMs int64) error {
	return fail.Rule("R-EXAM-PACE", "", fmt.Sprintf("答得太快了：每道题至少要用 %d 秒。请放慢速度，把题目再读一遍，稍等片刻再提交", minMs/1000))
}

func chunkFor(n int) int {
	for _, k := range chunks {
		if n >= k {
			return k
		}
	}
	return 1
}

// prepare readies the statements of every chunk size, once. It runs
// outside a transaction: on SQLite the transaction would hold the writer's
// only connection.
func (w *Writer) prepare(ctx context.Context) error {
	for _, k := range chunks {
		if w.inserts[k] != nil {
			continue
		}
		ins, err := w.db.W.PrepareContext(ctx, w.db.Rebind(insertSQL(k)))
		if err != nil {
			return err
		}
		upd, err := w.db.W.PrepareContext(ctx, w.db.Rebind(updateSQL(k)))
		if err != nil {
			return errors.Join(err, ins.Close())
		}
		sel, err := w.db.W.PrepareContext(ctx, w.db.Rebind(selectSQL(k, w.db.Dialect)))
		if err != nil {
			return errors.Join(err, ins.Close(), upd.Close())
		}
		w.inserts[k], w.updates[k], w.selects[k] = ins, upd, sel
	}
	return nil
}

// closeStatements closes the prepared statements; a failure only goes to
// the error of Close.
func (w *Writer) closeStatements() {
	var errs []error
	for _, m := range []map[int]*sql.Stmt{w.inserts, w.updates, w.selects} {
		for k, st := range m {
			errs = append(errs, st.Close())
			delete(m, k)
		}
	}
	w.closeErr = errors.Join(errs...)
}

func insertSQL(k int) string {
	return "INSERT INTO exam_answers (attempt_id, question_id, answer, correct, score, at) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?),", k), ",") +
		" ON CONFLICT (attempt_id, question_id) DO NOTHING RETURNING attempt_id, question_id"
}

// selectSQL reads the changing state of k attempts, in id order; on
// PostgreSQL it locks their rows for the batch's transaction.
func selectSQL(k int, d db.Dialect) string {
	q := "SELECT id, active, device_hash, score, started_at, last_answer_at FROM exam_attempts WHERE id IN (" +
		strings.TrimSuffix(strings.Repeat("?,", k), ",") + ") ORDER BY id"
	if d == db.Postgres {
		q += " FOR UPDATE"
	}
	return q
}

// updateSQL adds the deltas of k attempts. The casts type the parameters
// of the VALUES list for PostgreSQL; its columns are column1…column5 on
// both databases.
func updateSQL(k int) string {
	row := "(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS BIGINT)),"
	return `UPDATE exam_attempts SET answered = answered + v.column2, correct = correct + v.column3, score = score + v.column4,
		last_answer_at = CASE WHEN last_answer_at > v.column5 THEN last_answer_at ELSE v.column5 END
		FROM (VALUES ` + strings.TrimSuffix(strings.Repeat(row, k), ",") + `) AS v WHERE exam_attempts.id = v.column1`
}

// errWriterClosed answers an answer that arrives after Close.
var errWriterClosed = errors.New("exam: the answer writer is closed")

// submit queues an answer and waits until its batch commits.
func (w *Writer) submit(ctx context.Context, p *pending) error {
	p.done, p.queued = make(chan error, 1), time.Now()
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errWriterClosed
	}
	select {
	case w.in <- p:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued the writer always replies; waiting past a cancelled
	// request keeps the outcome with the request that caused it.
	return <-p.done
}

// Close stops taking answers, waits until every answer queued has
// committed (or failed) and been answered, and closes the statements.
func (w *Writer) Close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.in)
	}
	w.mu.Unlock()
	<-w.stopped
	return w.closeErr
}

// flush waits until everything queued so far has committed.
func (w *Writer) flush(ctx context.Context) error {
	return w.submit(ctx, &pending{barrier: true})
}
