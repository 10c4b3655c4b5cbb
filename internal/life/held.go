package life

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"hongdun/internal/org"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// The months each organisation held each kind of counting meeting are kept
// per (year, organisation) in life_held (migration 00721) as "kind:months",
// a bit a month. Writes of meetings leave them alone and only note the
// (year, organisation) they may change in life_held_dirty; a read takes the
// noted organisations from the meetings, and Keep recomputes them.

// keepLock serialises Keep's runs.
const keepLock = 721

// notedMax is how many noted organisations a read takes one by one from
// the meetings; beyond them it reads the whole subtree's meetings.
const notedMax = 500

// kindNo numbers the kinds in the order of Kinds.
var kindNo = func() map[string]int {
	m := map[string]int{}
	for i, k := range Kinds {
		m[k.Key] = i
	}
	return m
}()

// heldSQL is the months held per organisation and year by the counting
// meetings of [from, to] that cond keeps, as life_held holds them.
func heldSQL(cond string) string {
	return `SELECT org_id, y AS year, string_agg(kind || ':' || months, ',') AS held FROM (
			SELECT org_id, CAST(substr(held_on, 1, 4) AS INTEGER) AS y, kind, SUM(DISTINCT 1 << (CAST(substr(held_on, 6, 2) AS INTEGER) - 1)) AS months
			FROM life_meetings WHERE counts = 1 AND held_on >= ? AND held_on <= ? AND ` + cond + ` GROUP BY org_id, y, kind) k
		GROUP BY org_id, y`
}

// yearRange is the first and last day of the years from and to, as
// held_on compares.
func yearRange(from, to int) []any {
	return []any{fmt.Sprintf("%04d-01-01", from), fmt.Sprintf("%04d-12-31", to)}
}

// heldMonths hands add, for each organisation of sub and year from to to
// in which it held a counting meeting, the months it held each kind in
// (indexed by the kind's number in Kinds; a bit a month, January the
// lowest; the slice is reused): the kept months, those of organisations
// noted since Keep ran read from the meetings.
func heldMonths(ctx context.Context, q db.Querier, sub scope.Subtree, from, to int, add func(orgID int64, year int, months []uint16)) error {
	return db.Consistent(ctx, q, func(q db.Querier) error {
		noted, err := db.Pairs[int64](ctx, q, "SELECT DISTINCT org_id, org_id FROM life_held_dirty WHERE year >= ? AND year <= ?", from, to)
		if err != nil {
			return err
		}
		in, args, err := org.HasOrg(ctx, q, sub, "org_id")
		if err != nil {
			return err
		}
		if len(noted) > notedMax {
			return readHeld(ctx, q, heldSQL(in), append(yearRange(from, to), args...), nil, add)
		}
		err = readHeld(ctx, q, "SELECT org_id, year, held FROM life_held WHERE year >= ? AND year <= ? AND "+in,
			append([]any{from, to}, args...), noted, add)
		if err != nil || len(noted) == 0 {
			return err
		}
		list, ids := db.In(slices.Collect(maps.Keys(noted)))
		return readHeld(ctx, q, heldSQL(in+" AND org_id IN ("+list+")"), slices.Concat(yearRange(from, to), args, ids), nil, add)
	})
}

// readHeld reads the rows of source (org_id, year, held: "kind:months,…"),
// leaving out the organisations in skip. They come joined into one text,
// which costs a third of reading them a row each (19,000 at 1,000,000
// people).
func readHeld(ctx context.Context, q db.Querier, source string, args []any, skip map[int64]int64, add func(orgID int64, year int, months []uint16)) error {
	var all sql.Null[[]byte]
	if err := q.QueryRowContext(ctx, "SELECT string_agg(org_id || ' ' || year || ' ' || held, ';') FROM ("+source+") h", args...).Scan(&all); err != nil {
		return err
	}
	months := make([]uint16, len(Kinds))
	for rest := all.V; len(rest) > 0; {
		var row []byte
		row, rest, _ = bytes.Cut(rest, []byte{';'})
		id, after, _ := bytes.Cut(row, []byte{' '})
		year, held, _ := bytes.Cut(after, []byte{' '})
		org, ok1 := number(id)
		y, ok2 := number(year)
		if !ok1 || !ok2 {
			return fmt.Errorf("life_held: %q", row)
		}
		if _, noted := skip[org]; noted {
			continue
		}
		clear(months)
		for len(held) > 0 {
			var pair []byte
			pair, held, _ = bytes.Cut(held, []byte{','})
			kind, digits, _ := bytes.Cut(pair, []byte{':'})
			m, ok := number(digits)
			if !ok || m >= 1<<12 {
				return fmt.Errorf("life_held: %q", row)
			}
			if k, known := kindNo[string(kind)]; known {
				months[k] = uint16(m)
			}
		}
		add(org, int(y), months)
	}
	return nil
}

// number reads a decimal number of at most 18 digits.
func number(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, len(b) > 0 && len(b) <= 18
}

// Keep recomputes the kept months of the organisations writes noted since
// it last ran (a periodic job).
func Keep(ctx context.Context, d *core.Deps) error {
	return d.DB.KeepNoted(ctx, keepLock, "life_held_dirty", func(tx *db.Tx, noted map[int][]int64) error {
		for year, ids := range noted {
			for chunk := range slices.Chunk(ids, 500) {
				list, args := db.In(chunk)
				if _, err := tx.ExecContext(ctx, "DELETE FROM life_held WHERE year = ? AND org_id IN ("+list+")", append([]any{year}, args...)...); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "INSERT INTO life_held (org_id, year, held) "+heldSQL("org_id IN ("+list+")"),
					append(yearRange(year, year), args...)...); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
