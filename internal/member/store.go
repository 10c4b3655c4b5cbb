package member

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
)

// Refusals of the store.
var (
	ErrDuplicateID = fail.Conflict("该公民身份号码已登记在另一人员档案中，请勿重复录入")
	ErrConflict    = fail.Conflict("该档案已被他人修改，请刷新页面后重新编辑")
)

// tailLen is how many trailing ID characters can be searched.
const tailLen = 6

const insertCols = `org_id, name, pinyin, initials, gender, ethnicity, birth_date, id_enc, id_hash, id_tail, id_rtail, education, category, post,
	phone_enc, phone_tail, status, apply_date, activist_date, candidate_date, join_date, full_date, left_date,
	mobile, mobile_place, lost_contact, lost_since, created_at, updated_at, version, org_path`

var nInsertCols = strings.Count(insertCols, ",") + 1

// insertBatch rows per statement keeps parameters under both databases' limits.
const insertBatch = 400

// nullable stores "" as NULL for optional dates and the ID hash.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insertArgs seals the sensitive fields and lists the column values; the
// organisation's path (the last column) is left for orgPaths.fill, which
// reads it when the row's organisation is final.
func insertArgs(keys *crypto.Keys, p *Person, now int64) []any {
	if p.Pinyin == "" {
		p.Pinyin, p.Initials = PinyinOf(p.Name)
	}
	var idHash any
	if p.IDNumber != "" {
		idHash = keys.Index(p.IDNumber)
	}
	return []any{p.OrgID, p.Name, p.Pinyin, p.Initials, p.Gender, p.Ethnicity, nullable(p.BirthDate),
		keys.Seal(p.IDNumber), idHash, tail(p.IDNumber, tailLen), reverse(tail(p.IDNumber, tailLen)), p.Education, p.Category, p.Post,
		keys.Seal(p.Phone), tail(p.Phone, 4), p.Status, nullable(p.ApplyDate), nullable(p.ActivistDate), nullable(p.CandidateDate),
		nullable(p.JoinDate), nullable(p.FullDate), nullable(p.LeftDate),
		db.Int(p.Mobile), p.MobilePlace, db.Int(p.LostContact), nullable(p.LostSince), now, now, 1, ""}
}

// orgPaths caches the path of each organisation rows are written to, for
// the org_path column that must always equal the path of org_id.
type orgPaths map[int64]string

// fill sets the org_path value of insert arguments from their org_id.
func (m orgPaths) fill(ctx context.Context, q db.Querier, args []any) error {
	id, _ := args[orgIDArg].(int64)
	path, ok := m[id]
	if !ok {
		if err := q.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&path); err != nil {
			return fmt.Errorf("organisation %d of a new person: %w", id, err)
		}
		m[id] = path
	}
	args[orgPathArg] = path
	return nil
}

func valuesSQL(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", nInsertCols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

func rebind(q db.Querier, s string) string { return (&db.DB{Dialect: q.D()}).Rebind(s) }

// Insert stores one person that has passed Validate and returns its id.
func Insert(ctx context.Context, tx *db.Tx, keys *crypto.Keys, p *Person) (int64, error) {
	ids, err := InsertMany(ctx, tx, keys, []Person{*p})
	if err != nil {
		return 0, err
	}
	p.ID, p.Version = ids[0], 1
	return ids[0], nil
}

// InsertMany stores persons that have passed Validate, several rows per
// statement, and returns their ids in the order given. A duplicate ID
// number fails the whole call with ErrDuplicateID (the caller's transaction
// should then roll back).
func InsertMany(ctx context.Context, tx *db.Tx, keys *crypto.Keys, ps []Person) ([]int64, error) {
	now, paths := core.Stamp(), orgPaths{}
	if tx.D() == db.SQLite {
		return insertEach(ctx, tx, keys, ps, now, paths)
	}
	ids := make([]int64, 0, len(ps))
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(ps); start += insertBatch {
		batch := ps[start:min(start+insertBatch, len(ps))]
		args := make([]any, 0, len(batch)*nInsertCols)
		for i := range batch {
			row := insertArgs(keys, &batch[i], now)
			if err := paths.fill(ctx, tx, row); err != nil {
				return nil, err
			}
			args = append(args, row...)
		}
		q := "INSERT INTO persons (" + insertCols + ") VALUES " + valuesSQL(len(batch)) + " RETURNING id"
		var rows *sql.Rows
		var err error
		if len(batch) == insertBatch {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, rebind(tx, q)); err != nil {
					return nil, err
				}
			}
			rows, err = full.QueryContext(ctx, args...)
		} else {
			rows, err = tx.QueryContext(ctx, q, args...)
		}
		got, err := scanIDs(rows, err)
		if err != nil {
			return nil, err
		}
		// Ids grow in row order within one statement; RETURNING order is not promised.
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		ids = append(ids, got...)
	}
	return ids, nil
}

// insertEach inserts one row per statement on SQLite: a multi-row INSERT
// keeps a statement journal (a copy of every page it touches, to undo
// itself on a violation) that costs more than the statements it saves.
func insertEach(ctx context.Context, tx *db.Tx, keys *crypto.Keys, ps []Person, now int64, paths orgPaths) ([]int64, error) {
	st, err := tx.PrepareContext(ctx, "INSERT INTO persons ("+insertCols+") VALUES "+valuesSQL(1))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ids := make([]int64, len(ps))
	for i := range ps {
		args := insertArgs(keys, &ps[i], now)
		if err := paths.fill(ctx, tx, args); err != nil {
			return nil, err
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return nil, storeErr(err)
		}
		if ids[i], err = res.LastInsertId(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func scanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, storeErr(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, storeErr(rows.Err())
}

func storeErr(err error) error {
	if db.IsUnique(err) {
		return ErrDuplicateID
	}
	return err
}

// Update stores the editable fields of p (validated) if p.Version is still
// current, and bumps the version; otherwise ErrConflict.
func Update(ctx context.Context, tx *db.Tx, keys *crypto.Keys, p *Person) error {
	var idHash any
	if p.IDNumber != "" {
		idHash = keys.Index(p.IDNumber)
	}
	res, err := tx.ExecContext(ctx, `UPDATE persons SET org_id = ?, org_path = (SELECT path FROM orgs WHERE id = ?), name = ?, pinyin = ?, initials = ?, gender = ?, ethnicity = ?, birth_date = ?,
		id_enc = ?, id_hash = ?, id_tail = ?, id_rtail = ?, education = ?, category = ?, post = ?, phone_enc = ?, phone_tail = ?, status = ?,
		apply_date = ?, activist_date = ?, candidate_date = ?, join_date = ?, full_date = ?, left_date = ?,
		mobile = ?, mobile_place = ?, lost_contact = ?, lost_since = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		p.OrgID, p.OrgID, p.Name, p.Pinyin, p.Initials, p.Gender, p.Ethnicity, nullable(p.BirthDate),
		keys.Seal(p.IDNumber), idHash, tail(p.IDNumber, tailLen), reverse(tail(p.IDNumber, tailLen)), p.Education, p.Category, p.Post,
		keys.Seal(p.Phone), tail(p.Phone, 4), p.Status, nullable(p.ApplyDate), nullable(p.ActivistDate), nullable(p.CandidateDate),
		nullable(p.JoinDate), nullable(p.FullDate), nullable(p.LeftDate), db.Int(p.Mobile), p.MobilePlace, db.Int(p.LostContact), nullable(p.LostSince),
		core.Stamp(), p.ID, p.Version)
	if err != nil {
		return storeErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	p.Version++
	return nil
}

// FindByIDNumber returns the id of the person with this ID number (any
// accepted spelling), or 0 when there is none.
func FindByIDNumber(ctx context.Context, q db.Querier, keys *crypto.Keys, idNumber string) (int64, error) {
	norm, err := idcard.Normalize(idNumber)
	if err != nil {
		return 0, err
	}
	var id int64
	err = q.QueryRowContext(ctx, "SELECT id FROM persons WHERE id_hash = ?", keys.Index(norm)).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	return id, err
}

const selectCols = `p.id, p.org_id, o.name, o.path, p.name, p.pinyin, p.initials, p.gender, p.ethnicity, COALESCE(p.birth_date, ''),
	p.id_enc, p.education, p.category, p.post, p.phone_enc, p.status, COALESCE(p.apply_date, ''), COALESCE(p.activist_date, ''),
	COALESCE(p.candidate_date, ''), COALESCE(p.join_date, ''), COALESCE(p.full_date, ''), COALESCE(p.left_date, ''),
	p.mobile, p.mobile_place, p.lost_contact, COALESCE(p.lost_since, ''), COALESCE(p.abroad_since, ''), COALESCE(p.observed_since, ''), p.created_at, p.updated_at, p.version`

// row is a stored person with its organisation's path (for scope checks).
type row struct {
	Person
	orgPath string
}

// scanPerson reads selectCols; with keys it decrypts the sensitive fields
// (plaintext stays in memory; JSON shows only the masks).
func scanPerson(sc interface{ Scan(...any) error }, keys *crypto.Keys, today civil.Date) (*row, error) {
	var r row
	p := &r.Person
	var idEnc, phoneEnc []byte
	if err := sc.Scan(&p.ID, &p.OrgID, &p.OrgName, &r.orgPath, &p.Name, &p.Pinyin, &p.Initials, &p.Gender, &p.Ethnicity, &p.BirthDate,
		&idEnc, &p.Education, &p.Category, &p.Post, &phoneEnc, &p.Status, &p.ApplyDate, &p.ActivistDate, &p.CandidateDate,
		&p.JoinDate, &p.FullDate, &p.LeftDate, &p.Mobile, &p.MobilePlace, &p.LostContact, &p.LostSince, &p.AbroadSince, &p.ObservedSince, &p.CreatedAt, &p.UpdatedAt, &p.Version); err != nil {
		return nil, err
	}
	if keys != nil {
		var err error
		if p.IDNumber, err = keys.Open(idEnc); err != nil {
			return nil, fmt.Errorf("person %d id_enc: %w", p.ID, err)
		}
		if p.Phone, err = keys.Open(phoneEnc); err != nil {
			return nil, fmt.Errorf("person %d phone_enc: %w", p.ID, err)
		}
	}
	p.fill(today)
	return &r, nil
}

func getRow(ctx context.Context, q db.Querier, keys *crypto.Keys, id int64) (*row, error) {
	r, err := scanPerson(q.QueryRowContext(ctx, "SELECT "+selectCols+" FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id = ?", id),
		keys, civil.Today(time.Now()))
	if db.IsNoRows(err) {
		return nil, db.ErrNotFound
	}
	return r, err
}

// Get returns a person with the sensitive fields decrypted in memory (pass
// keys == nil to leave them out), or db.ErrNotFound. It does not check the
// caller's scope.
func Get(ctx context.Context, q db.Querier, keys *crypto.Keys, id int64) (*Person, error) {
	r, err := getRow(ctx, q, keys, id)
	if err != nil {
		return nil, err
	}
	return &r.Person, nil
}
