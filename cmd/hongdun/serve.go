package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"hongdun/internal/app"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/crypto"
)

func serve(ctx context.Context, args []string) error {
	var c common
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	c.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	demo := fs.Bool("demo", false, "空数据库时生成演示数据（一个完整的市公安局）")
	fs.Parse(args)
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := ensureAdmin(ctx, a); err != nil {
		return err
	}
	if *demo {
		if err := seedDemo(ctx, a); err != nil {
			return err
		}
	}
	return a.Serve(ctx, *addr)
}

// ensureAdmin creates the first account, admin (系统管理员), on an empty
// database, with the password from HONGDUN_ADMIN_PASSWORD or a generated one
// printed once.
func ensureAdmin(ctx context.Context, a *app.App) error {
	var n int
	if err := a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM accounts").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	pw, generated := os.Getenv("HONGDUN_ADMIN_PASSWORD"), false
	if pw == "" {
		pw, generated = GeneratePassword(), true
	}
	if _, err := a.Auth.CreateAccount(ctx, auth.NewAccount{Username: "admin", DisplayName: "系统管理员", Role: auth.SysAdmin, Password: pw}); err != nil {
		return fmt.Errorf("创建 admin 账号失败: %w", err)
	}
	if generated {
		fmt.Printf("\n已创建系统管理员账号 admin，初始密码（只显示这一次）: %s\n\n", pw)
	}
	return nil
}

// GeneratePassword returns a random password that meets the policy.
func GeneratePassword() string {
	return "Hd-" + crypto.RandomToken(6) + "-Q"
}
