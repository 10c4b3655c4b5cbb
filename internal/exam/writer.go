package exam

import (
	"context"

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
	w := &Writer{db: d, audit: a, in: make(chan *pending, 4*maxBatch)}
	go w.run()
	return w
}

func (w *Writer) run() {
	batch := make([]*pending, 0, maxBatch)
	for first := range w.in {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case p := <-w.in:
				batch = append(batch, p)
			default:
				break drain
			}
		}
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

// commit writes a batch in one transaction. The primary key of exam_answers
// makes a repeated answer a no-op, and only rows actually inserted move the
// attempt's counters, so every answer is counted exactly once.
func (w *Writer) commit(batch []*pending) error {
	ctx := context.Background()
	return w.db.InTx(ctx, func(tx *db.Tx) error {
		ins, err := tx.PrepareContext(ctx, w.db.Rebind(`INSERT INTO exam_answers (attempt_id, question_id, answer, correct, score, at) VALUES (?,?,?,?,?,?)
			ON CONFLICT (attempt_id, question_id) DO NOTHING`))
		if err != nil {
			return err
		}
		defer ins.Close()
		deltas := map[int64]*delta{}
		var order []int64
		n := 0
		for _, p := range batch {
			if p.barrier {
				continue
			}
			res, err := ins.ExecContext(ctx, p.attemptID, p.questionID, p.answer, b2i(p.correct), p.score, p.at)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			d := deltas[p.attemptID]
			if d == nil {
				d = &delta{}
				deltas[p.attemptID] = d
				order = append(order, p.attemptID)
			}
			d.answered++
			if p.correct {
				d.correct++
			}
			d.score += p.score
			d.last = max(d.last, p.at)
			n++
		}
		if n == 0 {
			return nil
		}
		upd, err := tx.PrepareContext(ctx, w.db.Rebind(`UPDATE exam_attempts SET answered = answered + ?, correct = correct + ?, score = score + ?,
			last_answer_at = CASE WHEN last_answer_at > ? THEN last_answer_at ELSE ? END WHERE id = ?`))
		if err != nil {
			return err
		}
		defer upd.Close()
		for _, id := range order {
			d := deltas[id]
			if _, err := upd.ExecContext(ctx, d.answered, d.correct, d.score, d.last, d.last, id); err != nil {
				return err
			}
		}
		// One audit record per batch: who answered is in exam_answers itself.
		return w.audit.Write(ctx, tx, audit.Event{Action: "exam.answers", ObjectType: "exam_answer_batch",
			Detail: map[string]int{"answers": n, "attempts": len(order)}})
	})
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
