package develop_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// seedCases inserts n open cases spread over 50 branches, each with one
// or two deadlines, some overdue; one person in a hundred was found 表现突出
// in a response event (the 台账's priority filter).
func seedCases(b testing.TB, e *apptest.Env, root int64, n int) {
	ctx := context.Background()
	var branches []int64
	for i := 0; i < 50; i++ {
		branches = append(branches, addOrg(b, e, root, fmt.Sprintf("第%d派出所党支部", i), "branch", false))
	}
	err := e.DB.InTx(ctx, func(tx *db.Tx) error {
		event, err := db.InsertID(ctx, tx, "INSERT INTO wartime_events (kind_id, org_id, title, starts_on, ends_on, created_at, updated_at) VALUES (1, ?, '安保', '2025-01-01', '2025-03-01', 0, 0)", root)
		if err != nil {
			return err
		}
		team, err := db.InsertID(ctx, tx, "INSERT INTO wartime_teams (event_id, kind, name, org_id, formed_on, created_at, updated_at) VALUES (?, 'squad', '突击队', ?, '2025-01-01', 0, 0)", event, root)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			org := branches[i%len(branches)]
			pid, err := db.InsertID(ctx, tx, "INSERT INTO persons (org_id, name, pinyin, initials, gender, birth_date, status, created_at, updated_at) VALUES (?,?,?,?,'男','1995-01-01','activist',0,0)",
				org, fmt.Sprintf("人员%05d", i), "x", "x")
			if err != nil {
				return err
			}
			step := 1 + i%23
			due := fmt.Sprintf("20%02d-%02d-%02d", 25+i%3, 1+i%12, 1+i%28)
			cid, err := db.InsertID(ctx, tx, "INSERT INTO dev_cases (person_id, org_id, last_step, last_date, next_due, next_title, created_at, updated_at) VALUES (?,?,?,?,?,?,0,0)",
				pid, org, step, "2024-01-01", due, "入党积极分子半年考察")
			if err != nil {
				return err
			}
			if i%100 == 0 {
				if _, err := tx.ExecContext(ctx, "INSERT INTO wartime_standouts (event_id, person_id, team_id, org_id, on_date, reason, created_at) VALUES (?,?,?,?,'2025-02-01','突出',0)",
					event, pid, team, root); err != nil {
					return err
				}
			}
			for k := 0; k <= i%2; k++ {
				if _, err := tx.ExecContext(ctx, "INSERT INTO dev_deadlines (case_id, org_id, rule, title, due_on, hard) VALUES (?,?,?,?,?,?)",
					cid, org, "R-review", "入党积极分子半年考察", due, k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLedgerAndDeadlines renders the 台账 (all, and the 表现突出 ones)
// and the deadline view of the whole 市局 with 20,000 open cases (SQLite;
// with TEST_PG_DSN also PostgreSQL).
func BenchmarkLedgerAndDeadlines(b *testing.B) {
	dbs := map[string]func(testing.TB) *db.DB{"sqlite": dbtest.SQLite}
	if dbtest.IsPostgres(pgDSN()) {
		dbs["postgres"] = dbtest.Postgres
	}
	for name, open := range dbs {
		e := apptest.Start(b, open(b))
		root := addOrg(b, e, 0, "市公安局党委", "committee", true)
		seedCases(b, e, root, 20000)
		// Fresh statistics, as autovacuum would gather after a bulk load.
		if _, err := e.DB.ExecContext(context.Background(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		c := e.Account(auth.OrgAdmin, root, 0)
		page := e.Anonymous()
		page.Token = c.Token
		for _, path := range []string{"/development", "/development?priority=1", "/development/deadlines", "/api/v1/development/deadlines"} {
			b.Run(name+path, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if st := page.Do("GET", path, nil, nil); st != 200 {
						b.Fatalf("%s: %d", path, st)
					}
				}
			})
		}
	}
}

func pgDSN() string { return os.Getenv("TEST_PG_DSN") }
