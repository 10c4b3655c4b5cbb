package listing

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"hongdun/internal/platform/db"
)

// TotalCap is how far a long list counts its rows (the member search, the
// 待办 inbox): a page says "10,000+" beyond it instead of counting a whole
// bureau on every page.
const TotalCap = 10000

// Total is how many rows a list matched: exact up to TotalCap, and beyond it
// only that there are more (N = TotalCap, Exact false).
type Total struct {
	N     int  `json:"n"`
	Exact bool `json:"exact"`
}

// String is the total as a page shows it: "37", or "10,000+".
func (t Total) String() string {
	n := strconv.Itoa(t.N)
	if t.Exact {
		return n
	}
	for i := len(n) - 3; i > 0; i -= 3 {
		n = n[:i] + "," + n[i:]
	}
	return n + "+"
}

// Capped counts the rows of query (a SELECT, with args) up to TotalCap: it
// reads at most one row past the cap.
func Capped(ctx context.Context, q db.Querier, query string, args []any) (Total, error) {
	count := CountSQL(query)
	key, keep := keyOf(q, count, args)
	var n int
	if keep && overCap.seen(key) {
		n = TotalCap + 1
	} else if err := q.QueryRowContext(ctx, count, args...).Scan(&n); err != nil {
		return Total{}, err
	} else if keep && n > TotalCap {
		overCap.remember(key)
	}
	return Total{N: min(n, TotalCap), Exact: n <= TotalCap}, nil
}

// CountSQL is the count Capped makes of query (for a test of its plan).
func CountSQL(query string) string {
	return "SELECT COUNT(*) FROM (" + query + " LIMIT " + strconv.Itoa(TotalCap+1) + ") c"
}

// overCap remembers for a minute which counts reached TotalCap, per
// database and query. Asked again — the first page of a broad list is the
// page asked most, and every later page repeats its count — such a count
// would read 10,001 index entries each time, a few milliseconds at a
// million people. A count under the cap is exact and always taken afresh;
// one that fell under the cap within the minute says "10,000+" until the
// minute is out.
var overCap = cappedCounts{at: map[cappedKey]time.Time{}, now: time.Now}

const (
	cappedFor  = time.Minute
	cappedKept = 4096 // distinct broad counts remembered at once; beyond, start afresh
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
