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
// by another instance or the command line. Every write that ends a session
// or changes who it is (logout, password, role, second factor, lockout, an
// organisation moved) moves the epoch.
const (
	EpochEvery = time.Second
	// cacheFor only bounds the life of an entry: the epoch covers every
	// change. It is longer than a member takes over a question (10 s
	// expired the entry between most answers of a real contest).
	cacheFor = 5 * time.Minute
	// touchEvery is how often a session's last_seen is written, so idle
	// timeouts are exact to this much.
	touchEvery = time.Minute
	// touchDelay is how long touches wait to be written together: one
	// write a second for all sessions instead of one per session a minute
	// (10,000 in a contest), each waiting for the writer connection.
	touchDelay = time.Second
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

	// touched holds the sessions whose last_seen is due to be written,
	// since touchedAt; writing is set while a request writes them.
	touched   []string
	seenAt    int64 // the earliest last_seen among them
	touchedAt time.Time
	writing   bool
}

// touches are last_seen values a request writes for the instance.
type touches struct {
	hashes []string
	seen   int64
}

// get answers the cached session of th, the generation a fresh read must
// still find to be kept, and the touches the caller must write, if any.
func (c *sessionCache) get(th string, now time.Time) (*cachedSession, uint64, *touches) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[th]
	if e != nil && now.Sub(e.read) > cacheFor {
		delete(c.entries, th)
		e = nil
	}
	var due *touches
	if len(c.touched) > 0 && !c.writing && now.Sub(c.touchedAt) >= touchDelay {
		due = &touches{hashes: c.touched, seen: c.seenAt}
		c.touched, c.writing = nil, true
	}
	return e, c.gen, due
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

// SessionsChanged is called in the transaction of every write that can end
// a session or change who it is, the path of an account's organisation
// included: it moves the epoch for the other instances and empties this
// instance's cache.
func (s *Service) SessionsChanged(ctx context.Context, q db.Querier) error {
	s.sessions.dropAll()
	_, err := q.ExecContext(ctx, "UPDATE session_epoch SET n = n + 1 WHERE id = 1")
	return err
}

// touch records that th was seen at seen and queues its last_seen to be
// written with the others due.
func (c *sessionCache) touch(th string, seen int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[th]; e != nil { // entries are shared read-only: replace, never edit
		fresh := *e
		fresh.seen = seen
		c.entries[th] = &fresh
	}
	if len(c.touched) == 0 {
		c.seenAt, c.touchedAt = seen, now
	}
	c.touched = append(c.touched, th)
	c.seenAt = min(c.seenAt, seen)
}

// writeTouches writes the last_seen of sessions touched on this instance,
// all at the earliest time among them (at most touchDelay early, so a
// session never looks younger than it is), in statements of up to 500.
func (s *Service) writeTouches(ctx context.Context, t *touches) error {
	ctx = context.WithoutCancel(ctx) // the other sessions' touches do not go with this request
	defer func() {
		s.sessions.mu.Lock()
		s.sessions.writing = false
		s.sessions.mu.Unlock()
	}()
	for rest := t.hashes; len(rest) > 0; {
		part := rest[:min(len(rest), 500)]
		rest = rest[len(part):]
		in, args := db.In(part)
		if _, err := s.DB.ExecContext(ctx, "UPDATE sessions SET last_seen = ? WHERE last_seen < ? AND token_hash IN ("+in+")",
			append([]any{t.seen, t.seen}, args...)...); err != nil {
			return err
		}
	}
	return nil
}
