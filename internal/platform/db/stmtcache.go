package db

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// The SQLite driver prepares every query it is handed anew and finalizes it
// afterwards: parsing and planning was an eighth of the CPU of serving a
// page. Each SQLite connection here keeps its last stmtCacheSize statements
// prepared, keyed by their text, and reuses them; they are finalized when
// they fall out of the cache and when the connection closes. A statement
// stays correct when the schema changes under it: SQLite checks the schema
// version at every step and prepares it again when it differs (as it does
// when an ANALYZE or a newly bound value may change the plan).
const (
	stmtCacheSize = 128
	// A statement with more arguments is built for its call (an IN list of
	// ids, a multi-row INSERT) and seldom seen again: it is not cached, so
	// that it neither evicts the statements that are nor holds memory.
	stmtCacheMaxArgs = 64
)

// sqliteConnector opens SQLite connections that cache their statements.
type sqliteConnector struct{ dsn string }

var sqliteDriver = &sqlite.Driver{}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	dc, err := sqliteDriver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(sqliteConn)
	if !ok {
		return nil, errors.Join(errors.New("db: the SQLite driver's connection lacks a method database/sql uses"), dc.Close())
	}
	return &cachingConn{sqliteConn: inner, stmts: map[string]*list.Element{}, lru: list.New()}, nil
}

func (c sqliteConnector) Driver() driver.Driver { return sqliteDriver }

// sqliteConn is what database/sql uses of a modernc.org/sqlite connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachedStmt is a statement of the cache. busy while rows read from it are
// open (a query run again before they close, as a nested read in a
// transaction does, gets a statement of its own); evicted when it left the
// cache while busy, to be finalized when its rows close.
type cachedStmt struct {
	query   string
	stmt    driver.Stmt
	busy    bool
	evicted bool
}

// cachingConn is a SQLite connection with its cache. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	sqliteConn
	stmts map[string]*list.Element // of *cachedStmt, in lru
	lru   *list.List               // most recently used first
}

// statement returns the cached statement of query, preparing and caching it
// on first use; nil when the query is not cached or its statement is busy
// (the caller then runs it uncached).
func (c *cachingConn) statement(ctx context.Context, query string, args int) (*cachedStmt, error) {
	if args > stmtCacheMaxArgs {
		return nil, nil
	}
	if el, ok := c.stmts[query]; ok {
		c.lru.MoveToFront(el)
		cs := el.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{query: query, stmt: st}
	c.stmts[query] = c.lru.PushFront(cs)
	if c.lru.Len() > stmtCacheSize {
		return cs, c.evict(c.lru.Back())
	}
	return cs, nil
}

// evict removes a statement from the cache, finalizing it unless rows
// still read from it.
func (c *cachingConn) evict(el *list.Element) error {
	cs := c.lru.Remove(el).(*cachedStmt)
	delete(c.stmts, cs.query)
	if cs.busy {
		cs.evicted = true
		return nil
	}
	return cs.stmt.Close()
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.statement(ctx, query, len(args))
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.statement(ctx, query, len(args))
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for c.lru.Len() > 0 {
		errs = append(errs, c.evict(c.lru.Front()))
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// cachedRows are rows read from a cached statement, which they free again
// when closed.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.cs.busy {
		r.cs.busy = false
		if r.cs.evicted {
			err = errors.Join(err, r.cs.stmt.Close())
		}
	}
	return err
}
