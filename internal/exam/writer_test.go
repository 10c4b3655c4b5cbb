package exam

import (
	"errors"
	"sync"
	"testing"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/fail"
)

// Close answers every request queued before it (here an answer to an
// attempt that does not exist, refused as not found once the writer has
// prepared its statements), then closes the statements; whatever comes
// after is refused, and a second Close does nothing.
func TestWriterCloseDrainsTheQueueAndClosesStatements(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWriter(d, audit.New(make([]byte, 32)))
		answer := func(q int64) error { return w.submit(t.Context(), &pending{attemptID: -1, questionID: q, at: 1}) }
		if err := answer(0); !fail.IsNotFound(err) {
			t.Fatalf("answer to no attempt: %v", err)
		}
		if len(w.inserts) == 0 {
			t.Fatal("no statement prepared")
		}
		errs := make([]error, 200)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = answer(int64(i + 1)) })
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for i, err := range errs {
			if !fail.IsNotFound(err) && !errors.Is(err, errWriterClosed) {
				t.Errorf("answer %d: %v", i+1, err)
			}
		}
		if n := len(w.inserts) + len(w.updates) + len(w.selects); n != 0 {
			t.Errorf("%d statements left open", n)
		}
		if err := answer(999); !errors.Is(err, errWriterClosed) {
			t.Errorf("answer after Close: %v", err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}
