package training

import (
	"context"
	"strings"
	"time"

	"hongdun/internal/platform/db"
)

// personYear is a person's calendar year in Shanghai, the key of
// training_hours.
type personYear struct {
	person int64
	year   int
}

// credits are hours (tenths) to add to people's years.
type credits map[personYear]int

// add counts a check-in of a person at ms of hours.
func (c credits) add(personID, ms int64, hours int) {
	c[personYear{personID, time.UnixMilli(ms).In(shanghai).Year()}] += hours
}

// credit adds hours to training_hours, each person's hours of a year that
// the ledger reads instead of summing their check-ins at every view, with
// the person's organisation and status (which a trigger on persons keeps
// afterwards). Every write of training_checkins calls it in the same
// transaction; the test TestHoursKept recomputes the table from the
// check-ins and persons after each of them.
func credit(ctx context.Context, tx *db.Tx, c credits) error {
	const (
		batch = 300 // rows a statement: 900 arguments
		row   = "SELECT CAST(? AS INTEGER), id, CAST(? AS INTEGER), org_id, status FROM persons WHERE id = ?"
	)
	rows := make([]any, 0, 3*min(len(c), batch))
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		selects := strings.Repeat(row+" UNION ALL ", len(rows)/3-1) + row
		_, err := tx.ExecContext(ctx, `INSERT INTO training_hours (year, person_id, hours_x10, org_id, status) `+selects+`
			ON CONFLICT (year, person_id) DO UPDATE SET hours_x10 = training_hours.hours_x10 + excluded.hours_x10`, rows...)
		rows = rows[:0]
		return err
	}
	for k, h := range c {
		rows = append(rows, k.year, h, k.person)
		if len(rows) == 3*batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
