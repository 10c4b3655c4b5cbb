package app_test

import (
	"context"
	"testing"
	"time"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
)

// A clock the test moves by hand.
type handClock struct{ t time.Time }

func (c *handClock) now() time.Time { return c.t }

func service(t *testing.T, d *db.DB, c *handClock) *auth.Service {
	k, err := crypto.NewKeys(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := auth.NewService(d, audit.New(k.Audit), k)
	s.Now = c.now
	return s
}

// Sessions are served from memory, yet every change that ends a session or
// changes who it is holds at once on the instance that made it and within
// EpochEvery on another instance (here a second service on the same
// database, as the command line or a second server would be).
func TestSessionCacheFollowsChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &handClock{time.Now()}
		one, two := service(t, d, c), service(t, d, c)
		id, err := one.CreateAccount(ctx, auth.NewAccount{Username: "zhang", DisplayName: "张三", Role: auth.SysAdmin, Password: "Hongdun-2026!test"})
		if err != nil {
			t.Fatal(err)
		}
		login := func() string {
			tok, err := one.Login(ctx, "zhang", "Hongdun-2026!test", "10.0.0.1", "web")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		alive := func(s *auth.Service, tok string) bool {
			_, err := s.Authenticate(ctx, tok)
			if err != nil && err != auth.ErrExpired {
				t.Fatal(err)
			}
			return err == nil
		}

		// Same instance: a logout holds at once although the session is cached.
		tok := login()
		if !alive(one, tok) || !alive(one, tok) {
			t.Fatal("a fresh session was refused")
		}
		p, err := one.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if err := one.Logout(ctx, p); err != nil {
			t.Fatal(err)
		}
		if alive(one, tok) {
			t.Fatal("a logged-out session was honoured by its own instance")
		}

		// Other instance: a password set on one (the command line's reset) ends the session cached by
		// two once EpochEvery has passed, and not a moment later.
		tok = login()
		if !alive(two, tok) {
			t.Fatal("a fresh session was refused by the second instance")
		}
		if err := one.SetPassword(ctx, id, nil, "Hongdun-2026!next"); err != nil {
			t.Fatal(err)
		}
		if !alive(two, tok) {
			t.Fatal("the second instance read the database before EpochEvery passed: the cache does nothing")
		}
		c.t = c.t.Add(auth.EpochEvery)
		if alive(two, tok) {
			t.Fatal("a session ended by a password reset on another instance was honoured after EpochEvery")
		}

		// Idle timeout still applies to a cached session.
		tok2, err := one.Login(ctx, "zhang", "Hongdun-2026!next", "10.0.0.1", "web")
		if err != nil {
			t.Fatal(err)
		}
		if !alive(one, tok2) {
			t.Fatal("fresh session refused")
		}
		c.t = c.t.Add(auth.DefaultPolicy.IdleTimeout + time.Second)
		if alive(one, tok2) {
			t.Fatal("an idle session was honoured from the cache")
		}
	})
}

// A session's last_seen is not written by the request that refreshes it
// but a moment later with the others due, and then another instance honours
// the session where the old last_seen would have timed out.
func TestSessionTouchesAreWrittenTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &handClock{time.Now()}
		one, two := service(t, d, c), service(t, d, c)
		var toks []string
		for _, name := range []string{"zhang", "wang"} {
			if _, err := one.CreateAccount(ctx, auth.NewAccount{Username: name, Role: auth.SysAdmin, Password: "Hongdun-2026!test"}); err != nil {
				t.Fatal(err)
			}
			tok, err := one.Login(ctx, name, "Hongdun-2026!test", "10.0.0.1", "api")
			if err != nil {
				t.Fatal(err)
			}
			toks = append(toks, tok)
		}
		lastSeen := func() map[int64]bool {
			rows, err := d.QueryContext(ctx, "SELECT last_seen FROM sessions")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			seen := map[int64]bool{}
			for rows.Next() {
				var at int64
				if err := rows.Scan(&at); err != nil {
					t.Fatal(err)
				}
				seen[at] = true
			}
			return seen
		}
		login := c.t.UnixMilli()
		c.t = c.t.Add(20 * time.Minute)
		for _, tok := range toks {
			if _, err := one.Authenticate(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		if seen := lastSeen(); len(seen) != 1 || !seen[login] {
			t.Fatalf("last_seen %v right after the requests, want the login's %d: written on the request path", seen, login)
		}
		touched := c.t.UnixMilli()
		c.t = c.t.Add(time.Second)
		if _, err := one.Authenticate(ctx, toks[0]); err != nil {
			t.Fatal(err)
		}
		if seen := lastSeen(); len(seen) != 1 || !seen[touched] {
			t.Fatalf("last_seen %v a second later, want both sessions at %d", seen, touched)
		}
		// 35 minutes after the login, 15 after the last request: alive on an instance that reads it afresh.
		c.t = c.t.Add(15 * time.Minute)
		if _, err := two.Authenticate(ctx, toks[1]); err != nil {
			t.Fatalf("a session used 15 minutes ago was refused by another instance: %v", err)
		}
	})
}

// Moving an organisation ends the cached principals of its accounts: their
// scope is the new path at once on the instance that moved it.
func TestSessionCacheFollowsOrgMove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &handClock{time.Now()}
		s := service(t, d, c)
		root := dbtest.AddOrg(t, d, dbtest.Org{Name: "市局党委", Kind: "committee"})
		from := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "一分局党委", Kind: "committee"})
		to := dbtest.AddOrg(t, d, dbtest.Org{Parent: root, Name: "二分局党委", Kind: "committee"})
		moved := dbtest.AddOrg(t, d, dbtest.Org{Parent: from, Name: "治安大队党支部", Kind: "branch"})
		principal := func(name string, orgID int64) func() *auth.Principal {
			if _, err := s.CreateAccount(ctx, auth.NewAccount{Username: name, Role: auth.OrgAdmin, OrgID: orgID, Password: "Hongdun-2026!test"}); err != nil {
				t.Fatal(err)
			}
			tok, err := s.Login(ctx, name, "Hongdun-2026!test", "10.0.0.1", "api")
			if err != nil {
				t.Fatal(err)
			}
			return func() *auth.Principal {
				p, err := s.Authenticate(ctx, tok)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
		}
		admin, placed := principal("zhao", root)(), principal("li", moved)
		before := placed().OrgPath
		deps := &core.Deps{DB: d, Audit: s.Audit, Auth: s, Keys: s.Keys, Now: c.now}
		if _, err := org.Move(ctx, deps, admin, moved, to, 0); err != nil {
			t.Fatal(err)
		}
		var want string
		if err := d.QueryRowContext(ctx, "SELECT path FROM orgs WHERE id = ?", moved).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := placed().OrgPath; got != want || got == before {
			t.Fatalf("after the move the session's scope is %s (was %s), want %s", got, before, want)
		}
	})
}
