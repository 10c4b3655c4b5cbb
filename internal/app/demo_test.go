package app_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/demo"
	"hongdun/internal/org"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

const password = "Demo-Pass-2026!"

var update = flag.Bool("update", false, "rewrite docs/demo-accounts.md from the seeded accounts")

func seed(t *testing.T, e *apptest.Env) *demo.Result {
	t.Helper()
	res, err := demo.Seed(context.Background(), e.App.Deps, demo.Options{Seed: 1, History: true, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSeed(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		res := seed(t, e)
		t.Logf("seeded %d orgs, %d people, %d events, %d accounts in %s", res.Orgs, res.People, res.Events, res.Accounts, res.Took)
		if n := e.Count("SELECT COUNT(*) FROM persons"); n != demo.Size {
			t.Fatalf("%d people, want %d", n, demo.Size)
		}
		for _, s := range []string{"applicant", "activist", "candidate", "probationary", "full", "suspended", "transferred", "deceased"} {
			if n := e.Count("SELECT COUNT(*) FROM persons WHERE status = ?", s); n < 10 {
				t.Errorf("status %s: %d people, want at least 10", s, n)
			}
		}
		for _, c := range []string{"民警", "辅警", "职工", "离退休"} {
			if n := e.Count("SELECT COUNT(*) FROM persons WHERE category = ?", c); n < 20 {
				t.Errorf("category %s: %d people", c, n)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM persons WHERE ethnicity <> '汉族'"); n < 50 || n > 600 {
			t.Errorf("%d people of minority ethnicities: want some, mostly 汉族", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM persons WHERE mobile = 1"); n < 3 {
			t.Errorf("%d 流动党员, want a few", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM persons WHERE lost_contact = 1"); n < 1 {
			t.Error("no 失联 member")
		}
		// Retirees are older and sit in the 离退休 branch.
		if n := e.Count(`SELECT COUNT(*) FROM persons p JOIN orgs o ON o.id = p.org_id
			WHERE p.category = '离退休' AND (o.name NOT LIKE '%离退休%' OR p.birth_date > ?)`, time.Now().AddDate(-61, 0, 0).Format("2006-01-02")); n != 0 {
			t.Errorf("%d retirees outside the 离退休 branch or younger than 61", n)
		}
		// Dates follow the path: applied at 18 or later, 转正 a year after 入党.
		if n := e.Count(`SELECT COUNT(*) FROM persons WHERE apply_date < birth_date OR activist_date < apply_date OR candidate_date < activist_date
			OR join_date < candidate_date OR full_date <> '' AND full_date <= join_date OR left_date < full_date`); n != 0 {
			t.Errorf("%d people with dates out of order", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM person_events"); n < 4*demo.Size {
			t.Errorf("%d person_events, want the history of everyone", n)
		}

		// Organisation kinds and the special organisations.
		kinds := map[string]int{"committee": 11, "general": 2, "branch": 90, "joint": 1, "temp_branch": 1, "group": 5}
		for k, min := range kinds {
			if n := e.Count("SELECT COUNT(*) FROM orgs WHERE kind = ?", k); n < min {
				t.Errorf("%d orgs of kind %s, want at least %d", n, k, min)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM orgs WHERE parent_id IS NULL AND kind = 'committee' AND can_approve = 1"); n != 1 {
			t.Errorf("want one root 党委 with 审批权限, got %d", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM orgs WHERE kind = 'committee' AND name LIKE '%分局委员会'"); n != 10 {
			t.Errorf("%d 分局党委, want 10", n)
		}
		if n := e.Count("SELECT COUNT(*) FROM orgs WHERE kind = 'temp_branch' AND task <> '' AND ends_on > ?", time.Now().Format("2006-01-02")); n != 1 {
			t.Errorf("the 临时党支部 needs a task and a future end date")
		}

		// Sensitive fields are sealed, indexed and valid.
		rows, err := e.DB.QueryContext(ctx, "SELECT id_enc, id_hash, id_tail, birth_date, gender FROM persons ORDER BY id LIMIT 200")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var enc []byte
			var hash, tail, birth, gender string
			if err := rows.Scan(&enc, &hash, &tail, &birth, &gender); err != nil {
				t.Fatal(err)
			}
			id, err := e.App.Keys.Open(enc)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := idcard.Normalize(id); err != nil || !strings.HasPrefix(id, "6101") || e.App.Keys.Index(id) != hash ||
				!strings.HasSuffix(id, tail) || idcard.Birth(id) != birth || idcard.Gender(id) != gender {
				t.Fatalf("ID number %s: %v, hash/tail/birth/gender must match", id, err)
			}
		}
		rows.Close()

		// The warnings of the rules show in the 待办.
		if err := org.SyncWarnings(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{org.WarnFewFull, org.WarnNeedsCommittee, org.WarnTooManyMembers, org.WarnTermExpiring, org.WarnTermExpired, org.WarnSecretaryVacant} {
			if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = ? AND dedup_key LIKE ? AND done_at IS NULL", org.TodoSource, w+":%"); n == 0 {
				t.Errorf("no %s warning in the 待办", w)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE done_at IS NULL"); n > 20 {
			t.Errorf("%d open warnings: the demo should show a few, not drown the inbox", n)
		}

		// Accounts log in with the demo password, in their roles.
		for name, role := range map[string]auth.Role{"secadmin": auth.SecAdmin, "auditor": auth.Auditor, "shiju": auth.OrgAdmin, "leader": auth.Leader,
			"yanta": auth.OrgAdmin, "yanta-xiaozhailu": auth.OrgAdmin, "dangyuan1": auth.Member} {
			var me struct {
				Role     auth.Role
				PersonID int64 `json:"person_id"`
			}
			if st := e.Login(name, password).Do("GET", "/api/v1/me", nil, &me); st != 200 || me.Role != role {
				t.Errorf("%s: status %d role %s, want %s", name, st, me.Role, role)
			}
			if role == auth.Member && me.PersonID == 0 {
				t.Errorf("%s is not linked to a person", name)
			}
		}
		accountsDoc(t, e)

		// A second seeding changes nothing.
		before := e.Count("SELECT COUNT(*) FROM persons") + e.Count("SELECT COUNT(*) FROM orgs") + e.Count("SELECT COUNT(*) FROM accounts")
		if _, err := demo.Seed(ctx, e.App.Deps, demo.Options{Seed: 2, Password: password}); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second seeding: %v, want ErrNotEmpty", err)
		}
		if after := e.Count("SELECT COUNT(*) FROM persons") + e.Count("SELECT COUNT(*) FROM orgs") + e.Count("SELECT COUNT(*) FROM accounts"); after != before {
			t.Fatalf("second seeding changed the database: %d rows, then %d", before, after)
		}
	})
}

// accountsDoc checks that docs/demo-accounts.md lists every demo account
// (go test ./internal/app -run '^TestSeed$' -update rewrites it).
func accountsDoc(t *testing.T, e *apptest.Env) {
	rows, err := e.DB.QueryContext(context.Background(), `SELECT a.username, a.role, COALESCE(o.name, ''), COALESCE(p.name, '') FROM accounts a
		LEFT JOIN orgs o ON o.id = a.org_id LEFT JOIN persons p ON p.id = a.person_id WHERE a.username <> 'admin' ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(docHead)
	var names []string
	for rows.Next() {
		var user, role, orgName, person string
		rows.Scan(&user, &role, &orgName, &person)
		scope := orgName
		if scope == "" {
			scope = "—"
		}
		if auth.Role(role) == auth.Member {
			scope = "本人（雁塔分局小寨路派出所党支部的一名正式党员）"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", user, auth.Role(role).Label(), scope)
		names = append(names, user)
	}
	rows.Close()
	const path = "../../docs/demo-accounts.md"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !strings.Contains(string(doc), "| `"+n+"` |") {
			t.Errorf("docs/demo-accounts.md does not list %s: run go test ./internal/app -run '^TestSeed$' -update", n)
		}
	}
}

const docHead = `## 演示账号

` + "`go run ./cmd/hongdun serve --demo`" + ` 在空数据库中生成演示用的西安市公安局党组织（约 6,000 人）和下列账号。
除 ` + "`admin`" + `（系统管理员，密码取自 ` + "`HONGDUN_ADMIN_PASSWORD`" + `）外，所有演示账号的密码都取自环境变量
` + "`HONGDUN_DEMO_PASSWORD`" + `；未设置时启动时生成一个并只显示一次。党务管理员只能查看和管理所辖组织及其下级，
领导只读，党员只能看到本人信息，三员（系统管理员、安全保密管理员、安全审计员）不能查看党员信息。

| 用户名 | 角色 | 管辖范围 |
|---|---|---|
| ` + "`admin`" + ` | 系统管理员 | —（启动时创建，管理账号） |
`

// The same seed gives the same people.
func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	names := func() string {
		e := apptest.Start(t, dbtest.SQLite(t))
		if _, err := demo.Seed(context.Background(), e.App.Deps, demo.Options{Seed: 7, Members: 500, Password: password}); err != nil {
			t.Fatal(err)
		}
		rows, err := e.DB.QueryContext(context.Background(), "SELECT name || birth_date || status || org_id FROM persons ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var s string
			rows.Scan(&s)
			b.WriteString(s)
		}
		return b.String()
	}
	if a, b := names(), names(); a != b || a == "" {
		t.Fatal("two seedings with the same seed differ")
	}
}
