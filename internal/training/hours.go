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
// the ledger reads instead of summing their check-ins at every view. Every
// write of training_checkins calls it in the same transaction; the test
// TestHoursKept recomputes the table from the check-ins after each of them.
func credit(ctx context.Context, tx *db.Tx, c credits) error {
	const batch = 300 // rows a statement: 900 arguments
	rows := make([]any, 0, 3*min(len(c), batch))
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		values := strings.TrimSuffix(strings.Repeat("(?,?,?),", len(rows)/3), ",")
		_, err := tx.ExecContext(ctx, `INSERT INTO training_hours (year, person_id, hours_x10) VALUES `+values+`
			ON CONFLICT (year, person_id) DO UPDATE SET hours_x10 = training_hours.hours_x10 + excluded.hours_x10`, rows...)
		rows = rows[:0]
		return err
	}
	for k, h := range c {
		rows = append(rows, k.year, k.person, h)
		if len(rows) == 3*batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
