package app_test

import (
	"context"
	"testing"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
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
