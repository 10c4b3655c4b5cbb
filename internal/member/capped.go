package member

import (
	"fmt"
	"sync"
	"time"

	"hongdun/internal/platform/db"
)

// overCap remembers for a minute which counts reached TotalCap, per
// database and query. Asked again — the first page of a broad search is the
// page asked most, and every later page repeats its count — such a count
// would read 10,001 index entries each time, a few milliseconds at a
// million people. A count under the cap is exact and always taken afresh;
// one that fell under the cap within the minute says "10,000+" until the
// minute is out.
var overCap = cappedCounts{at: map[cappedKey]time.Time{}, now: time.Now}

const (
	cappedFor  = time.Minute
	cappedKept = 4096 // distinct broad searches remembered at once; beyond, start afresh
)

type cappedCounts struct {
	mu  sync.Mutex
	at  map[cappedKey]time.Time
	now func() time.Time
}

type cappedKey struct {
	d     *db.DB
	query string // the count's SQL and its arguments
}

func keyOf(q db.Querier, query string, args []any) (cappedKey, bool) {
	d, ok := q.(*db.DB) // never inside a transaction, which may see its own writes
	return cappedKey{d, fmt.Sprintf("%s %q", query, args)}, ok
}

// seen reports whether the count was over the cap within the minute.
func (c *cappedCounts) seen(k cappedKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.at[k]
	return ok && c.now().Sub(at) < cappedFor
}

func (c *cappedCounts) remember(k cappedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.at) >= cappedKept {
		clear(c.at)
	}
	c.at[k] = c.now()
}
