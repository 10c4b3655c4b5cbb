package exam

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
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

	inserts, updates map[int]*sql.Stmt // by row count; the writer goroutine's own
}

// pending is one answer (or, with barrier set, a marker that replies once
// everything queued before it has committed).
type pending struct {
	attemptID, questionID int64
	answer                string
	correct               bool
	score                 int
	at                    int64
	barrier               bool
	done                  chan error
}

const maxBatch = 2048

func newWriter(d *db.DB, a *audit.Log) *Writer {
	w := &Writer{db: d, audit: a, in: make(chan *pending, 4*maxBatch), inserts: map[int]*sql.Stmt{}, updates: map[int]*sql.Stmt{}}
	go w.run()
	return w
}

// linger is how long the writer keeps a batch open for more answers. Each
// commit carries a fixed cost (the transaction, the audit record), and
// under load the answers of a few milliseconds share it; a lone answer
// waits at most this long.
const linger = 2 * time.Millisecond

func (w *Writer) run() {
	batch := make([]*pending, 0, maxBatch)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for first := range w.in {
		batch = append(batch[:0], first)
		timer.Reset(linger)
	collect:
		for len(batch) < maxBatch {
			select {
			case p := <-w.in:
				batch = append(batch, p)
			case <-timer.C:
				break collect
			}
		}
		timer.Stop()
		err := w.commit(batch)
		for _, p := range batch {
			p.done <- err
		}
	}
}

type delta struct {
	answered, correct, score int
	last                     int64
}

type answerKey struct{ attempt, question int64 }

// chunks are the row counts of the multi-row statements, largest first: a
// batch is written with as few statements as possible, and each size is
// prepared once for the life of the writer.
var chunks = []int{256, 64, 16, 4, 1}

// commit writes a batch in one transaction: multi-row inserts, then one
// multi-row counter update. The primary key of exam_answers makes a
// repeated answer a no-op, and only the rows the insert returns move the
// attempt's counters, so every answer is counted exactly once.
func (w *Writer) commit(batch []*pending) error {
	ctx := context.Background()
	byKey := make(map[answerKey]*pending, len(batch))
	rows := make([]*pending, 0, len(batch))
	for _, p := range batch {
		if !p.barrier {
			rows = append(rows, p)
			byKey[answerKey{p.attemptID, p.questionID}] = p
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := w.prepare(ctx); err != nil {
		return err
	}
	return w.db.InTx(ctx, func(tx *db.Tx) error {
		deltas := map[int64]*delta{}
		var order []int64
		n := 0
		for len(rows) > 0 {
			k := chunkFor(len(rows))
			args := make([]any, 0, 6*k)
			for _, p := range rows[:k] {
				args = append(args, p.attemptID, p.questionID, p.answer, b2i(p.correct), p.score, p.at)
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
				p := byKey[key]
				d := deltas[key.attempt]
				if d == nil {
					d = &delta{}
					deltas[key.attempt] = d
					order = append(order, key.attempt)
				}
				d.answered++
				d.correct += b2i(p.correct)
				d.score += p.score
				d.last = max(d.last, p.at)
				n++
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return err
			}
			rows = rows[k:]
		}
		for len(order) > 0 {
			k := chunkFor(len(order))
			args := make([]any, 0, 5*k)
			for _, id := range order[:k] {
				d := deltas[id]
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
			Detail: map[string]int{"answers": n, "attempts": len(deltas)}})
	})
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
			ins.Close()
			return err
		}
		w.inserts[k], w.updates[k] = ins, upd
	}
	return nil
}

func insertSQL(k int) string {
	return "INSERT INTO exam_answers (attempt_id, question_id, answer, correct, score, at) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?),", k), ",") +
		" ON CONFLICT (attempt_id, question_id) DO NOTHING RETURNING attempt_id, question_id"
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

// submit queues an answer and waits until its batch commits.
func (w *Writer) submit(ctx context.Context, p *pending) error {
	p.done = make(chan error, 1)
	select {
	case w.in <- p:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the writer always replies; waiting past a cancelled
	// request keeps the in-memory state in step with what committed.
	return <-p.done
}

// flush waits until everything queued so far has committed.
func (w *Writer) flush(ctx context.Context) error {
	return w.submit(ctx, &pending{barrier: true})
}

// b2i stores a boolean in an INTEGER column on both databases.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
