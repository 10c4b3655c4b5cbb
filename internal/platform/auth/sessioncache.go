package auth

import (
	"context"
	"sync"
	"time"

	"hongdun/internal/platform/db"
)

// Every authenticated request needs its session; reading it from the
// database was a fifth of the server's CPU under contest load. An instance
// keeps the sessions it has read and drops them all when the session epoch
// moves: at once for a change it made itself, within EpochEvery for one made
// by another instance or the command line.
const (
	EpochEvery = time.Second
	// cacheFor bounds what the epoch does not cover (an organisation moved
	// under an account keeps its old path that long, which finds nothing).
	cacheFor = 10 * time.Second
)

type cachedSession struct {
	p                      Principal
	changed, created, seen int64
	read                   time.Time
}

type sessionCache struct {
	mu      sync.Mutex
	entries map[string]*cachedSession
	gen     uint64 // moved on every drop: a read begun before it is not kept
	epoch   int64
	checked time.Time
}

// get answers the cached session of th and the generation a fresh read
// must still find to be kept.
func (c *sessionCache) get(th string, now time.Time) (*cachedSession, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[th]
	if e != nil && now.Sub(e.read) > cacheFor {
		delete(c.entries, th)
		e = nil
	}
	return e, c.gen
}

func (c *sessionCache) put(th string, e *cachedSession, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) > 100_000 {
		c.entries = map[string]*cachedSession{}
	}
	c.entries[th] = e
}

func (c *sessionCache) forget(th string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, th)
}

func (c *sessionCache) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries, c.gen = nil, c.gen+1
}

// syncEpoch reads the epoch when EpochEvery has passed and drops every cached
// session if another instance moved it.
func (s *Service) syncEpoch(ctx context.Context, now time.Time) error {
	c := &s.sessions
	c.mu.Lock()
	due := now.Sub(c.checked) >= EpochEvery || now.Before(c.checked)
	c.mu.Unlock()
	if !due {
		return nil
	}
	var n int64
	if err := s.DB.R.QueryRowContext(ctx, "SELECT n FROM session_epoch WHERE id = 1").Scan(&n); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n != c.epoch {
		c.entries, c.gen, c.epoch = nil, c.gen+1, n
	}
	c.checked = now
	return nil
}

// sessionsChanged is called in the transaction of every write that can end
// a session or change who it is: it moves the epoch for the other instances
// and empties this instance's cache.
func (s *Service) sessionsChanged(ctx context.Context, q db.Querier) error {
	s.sessions.dropAll()
	_, err := q.ExecContext(ctx, "UPDATE session_epoch SET n = n + 1 WHERE id = 1")
	return err
}

func (c *sessionCache) touch(th string, seen int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[th]; e != nil { // entries are shared read-only: replace, never edit
		fresh := *e
		fresh.seen = seen
		c.entries[th] = &fresh
	}
}
