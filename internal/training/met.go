package training

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// The hours met are kept per year, organisation and status in training_met
// (migration 00720), counted under the requirement training_met_years
// names. Writes leave the counts alone and only note the (year,
// organisation) they may change in training_met_dirty; a read counts the
// noted organisations directly, and Keep recounts them.

// keepLock serialises Keep's recounts and a requirement's change.
const keepLock = 720

// notedMax is how many noted organisations a read counts one by one;
// beyond them (writes of many organisations since Keep ran) it counts the
// whole subtree directly.
const notedMax = 500

// MetOf counts, by each member's own organisation, the party members of
// sub who met the year's requirement (Standing.Met), for a caller that
// counts the members themselves already (branchfacts, from org.Counts):
// the kept counts, those of the organisations noted since Keep ran counted
// from training_hours, as is the whole year when it was counted under
// another requirement than its own.
func MetOf(ctx context.Context, q db.Querier, sub scope.Subtree, year int) (map[int64]int, error) {
	out := map[int64]int{}
	add := func(id int64, n []int) { out[id] += n[0] }
	err := db.Consistent(ctx, q, func(q db.Querier) error {
		req, err := RequirementOf(ctx, q, year)
		if err != nil {
			return err
		}
		kept, found, err := keptUnder(ctx, q, year)
		if err != nil {
			return err
		}
		noted := map[int64]bool{}
		if err := grouped(ctx, q, "SELECT DISTINCT org_id FROM training_met_dirty WHERE year = ?", []any{year}, func(id int64, _ []int) { noted[id] = true }); err != nil {
			return err
		}
		in, args, err := org.HasOrg(ctx, q, sub, "h.org_id")
		if err != nil {
			return err
		}
		cond := member.PartyMember("h.status") + " AND " + in
		if !found || kept != req || len(noted) > notedMax {
			query, args := met(year, req, cond, args, true)
			return grouped(ctx, q, query, args, add)
		}
		// One text of "org:met" pairs: 19,000 rows at 1,000,000 people cost
		// twice as much read a row each.
		var all sql.Null[string]
		if err := q.QueryRowContext(ctx, `SELECT string_agg(org_id || ':' || n, ',') FROM (SELECT h.org_id, SUM(h.n) AS n FROM training_met h
			WHERE h.year = ? AND `+cond+` GROUP BY h.org_id) m`, append([]any{year}, args...)...).Scan(&all); err != nil {
			return err
		}
		for pair := range strings.SplitSeq(all.V, ",") {
			if pair == "" { // no row
				continue
			}
			a, b, _ := strings.Cut(pair, ":")
			id, err1 := strconv.ParseInt(a, 10, 64)
			n, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("training_met of %d: %q", year, pair)
			}
			if !noted[id] {
				out[id] += n
			}
		}
		if len(noted) == 0 {
			return nil
		}
		list, ids := db.In(slices.Collect(maps.Keys(noted)))
		query, args := met(year, req, cond+" AND h.org_id IN ("+list+")", append(args, ids...), true)
		return grouped(ctx, q, query, args, add)
	})
	return out, err
}

// keptUnder is the requirement a year's kept counts were counted under;
// found is false when the year has none.
func keptUnder(ctx context.Context, q db.Querier, year int) (r Requirement, found bool, err error) {
	r.Year = year
	err = q.QueryRowContext(ctx, "SELECT general_x10, key_x10 FROM training_met_years WHERE year = ?", year).Scan(&r.General, &r.Key)
	if db.IsNoRows(err) {
		return r, false, nil
	}
	return r, err == nil, err
}

// met is the query of the people of a year who met req among the rows of
// training_hours h that cond keeps, with its arguments: by organisation
// (byOrg) or by organisation and status (training_met's rows). Those with
// the general requirement's hours count, less the committee members among
// them short of the higher key requirement.
func met(year int, req Requirement, cond string, args []any, byOrg bool) (string, []any) {
	seat, seatArgs := seatedIn(year)
	q := `SELECT h.org_id, h.status, COUNT(*) - COALESCE(SUM(CASE WHEN h.hours_x10 < ? AND h.person_id IN (SELECT cm.person_id FROM committee_members cm WHERE ` + seat + `) THEN 1 ELSE 0 END), 0) AS n
		FROM training_hours h WHERE h.year = ? AND h.hours_x10 >= ? AND ` + cond + ` GROUP BY h.org_id, h.status`
	args = slices.Concat([]any{req.Key}, seatArgs, []any{year, req.General}, args)
	if byOrg {
		q = "SELECT m.org_id, SUM(m.n) FROM (" + q + ") m GROUP BY m.org_id"
	}
	return q, args
}

// Keep recounts the kept hours met (a periodic job): those of the
// organisations writes noted since it last ran, and every year counted
// under another requirement than its own.
func Keep(ctx context.Context, d *core.Deps) error {
	return d.DB.KeepNoted(ctx, keepLock, "training_met_dirty", func(tx *db.Tx, noted map[int][]int64) error {
		years, err := db.Pairs[int](ctx, tx, "SELECT year, year FROM training_met_years")
		if err != nil {
			return err
		}
		for year := range years {
			if _, ok := noted[int(year)]; !ok {
				noted[int(year)] = nil
			}
		}
		for year, ids := range noted {
			req, err := RequirementOf(ctx, tx, year)
			if err != nil {
				return err
			}
			kept, found, err := keptUnder(ctx, tx, year)
			if err != nil {
				return err
			}
			if !found || kept != req {
				err = recount(ctx, tx, year, req)
			} else {
				err = recountOrgs(ctx, tx, year, req, ids)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// recount counts a year's hours met afresh under req.
func recount(ctx context.Context, tx *db.Tx, year int, req Requirement) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM training_met WHERE year = ?", year); err != nil {
		return err
	}
	if err := store(ctx, tx, year, req, "1 = 1", nil); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO training_met_years (year, general_x10, key_x10) VALUES (?,?,?)
		ON CONFLICT (year) DO UPDATE SET general_x10 = excluded.general_x10, key_x10 = excluded.key_x10`, year, req.General, req.Key)
	return err
}

// recountOrgs counts the hours met of some organisations in a year afresh.
func recountOrgs(ctx context.Context, tx *db.Tx, year int, req Requirement, ids []int64) error {
	for chunk := range slices.Chunk(ids, 500) {
		list, args := db.In(chunk)
		if _, err := tx.ExecContext(ctx, "DELETE FROM training_met WHERE year = ? AND org_id IN ("+list+")", append([]any{year}, args...)...); err != nil {
			return err
		}
		if err := store(ctx, tx, year, req, "h.org_id IN ("+list+")", args); err != nil {
			return err
		}
	}
	return nil
}

// store adds to training_met the counts of the rows cond keeps.
func store(ctx context.Context, tx *db.Tx, year int, req Requirement, cond string, args []any) error {
	q, args := met(year, req, cond, args, false)
	_, err := tx.ExecContext(ctx, "INSERT INTO training_met (year, org_id, status, n) SELECT CAST(? AS INTEGER), m.org_id, m.status, m.n FROM ("+q+") m WHERE m.n > 0",
		append([]any{year}, args...)...)
	return err
}
