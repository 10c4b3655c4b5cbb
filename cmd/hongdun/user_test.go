package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"hongdun/internal/app"
)

// The command line is the server operator's trusted path: it makes granted
// accounts (the 三员 only here), and its resets are one-time and audited.
func TestUserCommands(t *testing.T) {
	t.Setenv("HONGDUN_KEY", "")
	t.Setenv("HONGDUN_KEY_FILE", "")
	dir := t.TempDir()
	ctx := context.Background()
	run := func(pw string, args ...string) {
		t.Helper()
		t.Setenv("HONGDUN_PASSWORD", pw)
		if err := user(ctx, append(args, "--data", dir)); err != nil {
			t.Fatalf("hongdun user %v: %v", args, err)
		}
	}
	run("Audit-Own-2026!x", "create", "shenji", "auditor")
	run("Other-Set-2026!y", "create", "baomi", "secadmin", "--one-time")
	run("Reset-Set-2026!z", "reset", "shenji")

	a, err := app.Open(ctx, app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	oneTime := func(name string) (role string, once bool) {
		t.Helper()
		if err := a.DB.QueryRowContext(ctx, "SELECT role, password_one_time FROM accounts WHERE username = ?", name).Scan(&role, &once); err != nil {
			t.Fatal(err)
		}
		return role, once
	}
	if role, once := oneTime("baomi"); role != "secadmin" || !once {
		t.Errorf("create --one-time: role %q, one-time %v", role, once)
	}
	if role, once := oneTime("shenji"); role != "auditor" || !once {
		t.Errorf("after reset: role %q, one-time %v", role, once)
	}
	// The reset password works once: the session reaches only the change.
	token, err := a.Auth.Login(ctx, "shenji", "Reset-Set-2026!z", "127.0.0.1", "api")
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Auth.Authenticate(ctx, token)
	if err != nil || !p.MustChange || !p.OneTime {
		t.Fatalf("principal after a CLI reset: %+v %v", p, err)
	}
	// Audited, with the operating-system account that ran the command.
	var actor string
	if err := a.DB.QueryRowContext(ctx, "SELECT actor FROM audit_log WHERE action = 'account.reset' AND object_id = 'shenji'").Scan(&actor); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(actor, "cli:user:") {
		t.Errorf("reset recorded for %q", actor)
	}
}

// A password the holder typed (the operator for themselves) is kept.
func TestUserCreateKeepsTheHoldersPassword(t *testing.T) {
	t.Setenv("HONGDUN_KEY", "")
	t.Setenv("HONGDUN_KEY_FILE", "")
	t.Setenv("HONGDUN_PASSWORD", "Sys-Own-2026!q")
	dir := t.TempDir()
	ctx := context.Background()
	if err := user(ctx, []string{"create", "yunwei", "sysadmin", "--data", dir}); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, app.Config{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	token, err := a.Auth.Login(ctx, "yunwei", "Sys-Own-2026!q", "127.0.0.1", "api")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := a.Auth.Authenticate(ctx, token); err != nil || p.MustChange || p.Role != "sysadmin" {
		t.Fatalf("principal: %+v %v", p, err)
	}
}
