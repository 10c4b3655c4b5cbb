package transfer

import (
	"context"
	"sort"

	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
)

// StatRow counts the transfers of one month and organisation: out of it
// (inside the system or out of it) and into it.
type StatRow struct {
	Month string `json:"month"` // YYYY-MM of the application
	Org   string `json:"org"`
	Out   int    `json:"out"`
	In    int    `json:"in"`
}

// Stats is the statistics page's content.
type Stats struct {
	Rows    []StatRow `json:"rows"`
	Open    int       `json:"open"`
	Overdue int       `json:"overdue"`
}

// Statistics counts the transfers touching the subtree of orgID (0: the
// caller's scope), by month and organisation, with open and overdue totals.
func Statistics(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64) (*Stats, error) {
	sc, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	either, args := eitherSide(sc)
	rows, err := d.DB.QueryContext(ctx, `SELECT SUBSTR(t.applied_on, 1, 7), COALESCE(fo.name, ''), COALESCE(fo.path, ''), COALESCE(tor.name, ''),
		COALESCE(tor.path, ''), t.state, t.due_on `+from+` WHERE `+either+` AND t.state <> 'withdrawn'`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := civil.Today(d.Now()).String()
	counts := map[[2]string]*StatRow{}
	row := func(month, org string) *StatRow {
		k := [2]string{month, org}
		if counts[k] == nil {
			counts[k] = &StatRow{Month: month, Org: org}
		}
		return counts[k]
	}
	s := &Stats{}
	for rows.Next() {
		var month, fromName, fromPath, toName, toPath, state, due string
		if err := rows.Scan(&month, &fromName, &fromPath, &toName, &toPath, &state, &due); err != nil {
			return nil, err
		}
		if sc.Contains(fromPath) {
			row(month, fromName).Out++
		}
		if sc.Contains(toPath) {
			row(month, toName).In++
		}
		if Open(state) {
			s.Open++
			if due < today {
				s.Overdue++
			}
		}
	}
	for _, r := range counts {
		s.Rows = append(s.Rows, *r)
	}
	sort.Slice(s.Rows, func(i, j int) bool {
		if s.Rows[i].Month != s.Rows[j].Month {
			return s.Rows[i].Month > s.Rows[j].Month
		}
		return s.Rows[i].Org < s.Rows[j].Org
	})
	return s, rows.Err()
}
