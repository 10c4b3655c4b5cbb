// Package listing reads one page of a long list: the count of the rows the
// filters select and the rows of the page, in the shape the pages and the
// API show ({"total","page","per_page","items"}).
package listing

import (
	"context"

	"hongdun/internal/platform/db"
)

// Scanner is a row being read (*sql.Row or *sql.Rows).
type Scanner = db.Scanner

// List is one page of a list; PerPage 0 holds the whole list (an export).
// A list with figures of its own embeds it.
type List[T any] struct {
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Items   []T `json:"items"`
}

// Of is an empty list to read page (from 1) of per rows into.
func Of[T any](page, per int) List[T] { return List[T]{Page: page, PerPage: per, Items: []T{}} }

// Read is page (from 1) of per rows of from, as List.Read reads it.
func Read[T any](ctx context.Context, q db.Querier, page, per int, cols, from, order string, args []any, scan func(Scanner) (*T, error)) (*List[T], error) {
	l := Of[T](page, per)
	if err := l.Read(ctx, q, cols, from, order, args, scan); err != nil {
		return nil, err
	}
	return &l, nil
}

// Read counts the rows of from (" FROM … WHERE …", with args) into
// l.Total and reads the page's rows as Rows does.
func (l *List[T]) Read(ctx context.Context, q db.Querier, cols, from, order string, args []any, scan func(Scanner) (*T, error)) error {
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&l.Total); err != nil {
		return err
	}
	return l.Rows(ctx, q, cols, from, order, args, scan)
}

// Rows reads cols of from's rows in order, those of l's page (all when
// PerPage is 0), each by scan, into l.Items.
func (l *List[T]) Rows(ctx context.Context, q db.Querier, cols, from, order string, args []any, scan func(Scanner) (*T, error)) error {
	if l.Items == nil {
		l.Items = []T{}
	}
	query := "SELECT " + cols + from + " ORDER BY " + order
	if l.PerPage > 0 {
		query += " LIMIT ? OFFSET ?"
		args = append(args[:len(args):len(args)], l.PerPage, (l.Page-1)*l.PerPage)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return err
		}
		l.Items = append(l.Items, *it)
	}
	return rows.Err()
}

// Matched is how many rows the filters select (the pager's total).
func (l *List[T]) Matched() int { return l.Total }
