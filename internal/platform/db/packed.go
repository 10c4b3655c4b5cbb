package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Packed reads the rows of query, of integer columns named c0 (an id) to
// cn, as one text built by the database and hands each to fn: a figure
// kept per organisation has 19,000 rows at 1,000,000 people, which cost
// twice as much read a row each. fn's slice is reused from row to row.
func Packed(ctx context.Context, q Querier, n int, query string, args []any, fn func(id int64, v []int64)) error {
	cols := make([]string, n+1)
	for i := range cols {
		cols[i] = fmt.Sprintf("p.c%d", i)
	}
	var all sql.Null[string]
	if err := q.QueryRowContext(ctx, "SELECT string_agg("+strings.Join(cols, " || ':' || ")+", ',') FROM ("+query+") p", args...).Scan(&all); err != nil {
		return err
	}
	v := make([]int64, n+1)
	for row := range strings.SplitSeq(all.V, ",") {
		if row == "" { // no row
			continue
		}
		f := strings.Split(row, ":")
		if len(f) != n+1 {
			return fmt.Errorf("packed row %q: %d fields, want %d", row, len(f), n+1)
		}
		for i, s := range f {
			var err error
			if v[i], err = strconv.ParseInt(s, 10, 64); err != nil {
				return fmt.Errorf("packed row %q: %w", row, err)
			}
		}
		fn(v[0], v[1:])
	}
	return nil
}
