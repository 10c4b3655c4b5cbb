// Package cite names a record of the platform that another record may cite:
// a meeting, a training or a development step given as a task's evidence.
// Each feature lists and finds its own records; the citing feature only
// sees Records.
package cite

import (
	"context"
	"strconv"
	"strings"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// Record is one citable record, as a user picks it.
type Record struct {
	Path  string `json:"path"`  // its page, e.g. /life/meetings/12
	Kind  string `json:"kind"`  // what it is, in Chinese
	On    string `json:"on"`    // its civil date
	Title string `json:"title"` // what it is about
	Org   string `json:"org"`   // the organisation that holds it
}

// Source is one feature's citable records.
type Source struct {
	// Prefix is the page address before the id, e.g. "/life/meetings/".
	Prefix string
	// List gives the records of the subtree dated from..to (inclusive),
	// newest first, at most limit.
	List func(ctx context.Context, q db.Querier, s scope.Subtree, from, to string, limit int) ([]Record, error)
	// Find gives the record with this id when it lies in the subtree (its
	// latest date, for a record dated by several rows).
	Find func(ctx context.Context, q db.Querier, s scope.Subtree, id int64) (Record, bool, error)
}

// ID is the record id of a page address under prefix ("/life/meetings/12"
// gives 12); ok is false when path is not such an address.
func ID(prefix, path string) (id int64, ok bool) {
	rest, found := strings.CutPrefix(path, prefix)
	if !found {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n > 0
}

// Rows is a Source read by one query: Select picks, in this order, the
// record id, its civil date, a kind key, its title and its organisation's
// name, from tables joined to orgs as o; Where, when set, is a condition
// every row meets; ID and Date are the id and date columns. Describe gives
// the Chinese kind and the title shown from the kind key and the title.
type Rows struct {
	Prefix, Select, Where string
	ID, Date              string
	Describe              func(key, title string) (kind, shown string)
}

// Source is the Rows as a Source, scoped by o.path.
func (t Rows) Source() Source {
	return Source{Prefix: t.Prefix,
		List: func(ctx context.Context, q db.Querier, s scope.Subtree, from, to string, limit int) ([]Record, error) {
			in, args := s.Where("o.path")
			return t.read(ctx, q, t.where()+t.Date+" >= ? AND "+t.Date+" <= ? AND "+in+" ORDER BY "+t.Date+" DESC LIMIT ?",
				append(append([]any{from, to}, args...), limit)...)
		},
		Find: func(ctx context.Context, q db.Querier, s scope.Subtree, id int64) (Record, bool, error) {
			in, args := s.Where("o.path")
			out, err := t.read(ctx, q, t.where()+t.ID+" = ? AND "+in+" ORDER BY "+t.Date+" DESC LIMIT 1", append([]any{id}, args...)...)
			if err != nil || len(out) == 0 {
				return Record{}, false, err
			}
			return out[0], true, nil
		}}
}

func (t Rows) where() string {
	if t.Where != "" {
		return " WHERE " + t.Where + " AND "
	}
	return " WHERE "
}

func (t Rows) read(ctx context.Context, q db.Querier, where string, args ...any) ([]Record, error) {
	rows, err := q.QueryContext(ctx, t.Select+where, args...)
	return db.Collect(rows, err, func(sc db.Scanner) (r Record, err error) {
		var id int64
		if err := sc.Scan(&id, &r.On, &r.Kind, &r.Title, &r.Org); err != nil {
			return r, err
		}
		r.Path = t.Prefix + strconv.FormatInt(id, 10)
		r.Kind, r.Title = t.Describe(r.Kind, r.Title)
		return r, nil
	})
}
