package member

import (
	"context"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// The reads of persons that other features share: who counts as a party
// member, where a person belongs, and which audiences (of training programs
// and exams) a person is in.

// PartyStatuses are the statuses of party members (正式党员 and 预备党员),
// the people the hours ledger, exams and contest participation rates count.
var PartyStatuses = []string{"probationary", "full"}

// PartyMember is the SQL condition "col is a party member's status"; the
// values are constants of this package, never user input.
func PartyMember(col string) string {
	return col + " IN ('" + PartyStatuses[0] + "', '" + PartyStatuses[1] + "')"
}

// OrgOf returns the organisation a person belongs to and its path;
// db.ErrNotFound when there is no such person.
func OrgOf(ctx context.Context, q db.Querier, personID int64) (int64, string, error) {
	var id int64
	var path string
	err := q.QueryRowContext(ctx, "SELECT o.id, o.path FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id = ?", personID).Scan(&id, &path)
	if db.IsNoRows(err) {
		return 0, "", db.ErrNotFound
	}
	return id, path, err
}

// GetIn returns a person whose organisation lies in s, without the
// sensitive fields; db.ErrNotFound for anyone else.
func GetIn(ctx context.Context, q db.Querier, s scope.Subtree, id int64) (*Person, error) {
	r, err := getRow(ctx, q, nil, id)
	if err == nil && !s.Contains(r.orgPath) {
		return nil, db.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &r.Person, nil
}

// Placed is where a registered person belongs.
type Placed struct {
	ID      int64
	OrgPath string
}

// PlacedByIDHash finds the people registered under ID-number hashes
// (crypto.Keys.Index), anywhere, by hash.
func PlacedByIDHash(ctx context.Context, q db.Querier, hashes []string) (map[string]*Placed, error) {
	if len(hashes) == 0 {
		return map[string]*Placed{}, nil
	}
	in, args := db.In(hashes)
	return placed(ctx, q, "p.id_hash IN ("+in+")", args...)
}

// PlacedAll is everyone registered with an ID number, by hash: what a bulk
// load that has locked persons (DeferIndexes) looks people up in.
func PlacedAll(ctx context.Context, q db.Querier) (map[string]*Placed, error) {
	return placed(ctx, q, "p.id_hash IS NOT NULL")
}

func placed(ctx context.Context, q db.Querier, where string, args ...any) (map[string]*Placed, error) {
	found := map[string]*Placed{}
	rows, err := q.QueryContext(ctx, `SELECT p.id_hash, p.id, o.path FROM persons p JOIN orgs o ON o.id = p.org_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var pl Placed
		if err := rows.Scan(&h, &pl.ID, &pl.OrgPath); err != nil {
			return nil, err
		}
		found[h] = &pl
	}
	return found, rows.Err()
}

// AudienceCategories lists the audience categories a person belongs to:
// their kind of membership (民警党员, 辅警党员…), 党务工作者 while on the
// party-worker roster, and 支部书记/支委委员 while they sit on a committee.
// Someone who is not a party member (a 群众, an applicant) is in none: the
// audiences are 党员.
func AudienceCategories(ctx context.Context, q db.Querier, personID int64) ([]string, error) {
	var category string
	var seat, worker, party int
	err := q.QueryRowContext(ctx, `SELECT p.category, `+SeatSQL("p.id")+`, `+WorkerSQL("p.id")+`, CASE WHEN `+PartyMember("p.status")+` THEN 1 ELSE 0 END
		FROM persons p WHERE p.id = ?`, personID).Scan(&category, &seat, &worker, &party)
	if err != nil {
		return nil, err
	}
	if party == 0 {
		return []string{}, nil
	}
	return CategoriesOf(category, seat, worker == 1), nil
}

// WorkerSQL is the SQL expression that is 1 while the person whose id is in
// column col holds a post on the party-worker roster (corps_workers, kept
// by internal/corps, which imports member), else 0.
func WorkerSQL(col string) string {
	return `CASE WHEN EXISTS (SELECT 1 FROM corps_workers cw WHERE cw.person_id = ` + col + ` AND cw.left_on IS NULL) THEN 1 ELSE 0 END`
}

// SeatSQL is the SQL expression of the current committee seat of the person
// whose id is in column col: 2 for 书记, 1 for any other post, 0 for none
// (for CategoriesOf).
func SeatSQL(col string) string {
	return `COALESCE((SELECT MAX(CASE WHEN cm.post = '书记' THEN 2 ELSE 1 END) FROM committee_members cm
	WHERE cm.person_id = ` + col + ` AND cm.ended_on IS NULL), 0)`
}

// CategoriesOf names the audience categories of a person's membership
// category, committee seat and place on the party-worker roster: every
// member of a committee is a 支委委员, only the one holding 书记 is also a
// 支部书记.
func CategoriesOf(category string, seat int, worker bool) []string {
	out := []string{}
	if category != "" {
		out = append(out, category+"党员")
	}
	if worker {
		out = append(out, "党务工作者")
	}
	if seat >= 1 {
		out = append(out, "支委委员")
	}
	if seat == 2 {
		out = append(out, "支部书记")
	}
	return out
}
