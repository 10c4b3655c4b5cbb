package dbtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/platform/db"
)

// Org is an organisation row for AddOrg. Kind is required (committee,
// general, branch…).
type Org struct {
	Parent     int64 // 0: a root
	Name, Kind string
	CanApprove bool
}

// AddOrg inserts an organisation straight into the table, with its
// materialised path as org stores it (/root/…/id/), and returns its id. q
// may be a transaction, for fixtures that build many rows at once.
func AddOrg(t testing.TB, q db.Querier, o Org) int64 {
	t.Helper()
	ctx := context.Background()
	path := "/"
	var parent any
	if o.Parent != 0 {
		parent = o.Parent
		if err := q.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", o.Parent).Scan(&path); err != nil {
			t.Fatalf("parent %d of %s: %v", o.Parent, o.Name, err)
		}
	}
	approve := 0
	if o.CanApprove {
		approve = 1
	}
	id, err := db.InsertID(ctx, q, "INSERT INTO orgs (parent_id, name, kind, can_approve, path, created_at, updated_at) VALUES (?,?,?,?,'',0,0)",
		parent, o.Name, o.Kind, approve)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", fmt.Sprintf("%s%d/", path, id), id); err != nil {
		t.Fatal(err)
	}
	return id
}

// Person is a persons row for AddPerson. Pinyin and Initials default to
// "x", Gender to 男 and Status to full; other empty fields are left to the
// table's defaults (NULL dates).
type Person struct {
	Org                                                         int64
	Name, Pinyin, Initials, Gender, Status, Category            string
	BirthDate, ApplyDate, ActivistDate, CandidateDate, JoinDate string
	FullDate                                                    string
}

// AddPerson inserts a person straight into the table (no ID number, no
// events) and returns its id.
func AddPerson(t testing.TB, q db.Querier, p Person) int64 {
	t.Helper()
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	cols := []string{"org_id", "name", "pinyin", "initials", "gender", "status"}
	args := []any{p.Org, p.Name, def(p.Pinyin, "x"), def(p.Initials, "x"), def(p.Gender, "男"), def(p.Status, "full")}
	for _, f := range []struct{ col, v string }{{"category", p.Category}, {"birth_date", p.BirthDate}, {"apply_date", p.ApplyDate},
		{"activist_date", p.ActivistDate}, {"candidate_date", p.CandidateDate}, {"join_date", p.JoinDate}, {"full_date", p.FullDate}} {
		if f.v != "" {
			cols, args = append(cols, f.col), append(args, f.v)
		}
	}
	id, err := db.InsertID(context.Background(), q, "INSERT INTO persons ("+strings.Join(cols, ", ")+", org_path, created_at, updated_at) VALUES (?"+
		strings.Repeat(",?", len(cols)-1)+",(SELECT path FROM orgs WHERE id = ?),0,0)", append(args, p.Org)...)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// OrgPathsAgree fails t unless every person carries its organisation's
// path (persons.org_path, the scope of a member search) and there is at
// least one person to check.
func OrgPathsAgree(t testing.TB, q db.Querier) {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "SELECT p.id, p.org_path, o.path FROM persons p JOIN orgs o ON o.id = p.org_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var got, want string
		if err := rows.Scan(&id, &got, &want); err != nil {
			t.Fatal(err)
		}
		if n++; got != want {
			t.Errorf("person %d: org_path %q, its organisation's path %q", id, got, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no person to check the organisation path of")
	}
}
