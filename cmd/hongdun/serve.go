package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

	"hongdun/internal/app"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/crypto"
)

// serveOptions are the flags of hongdun serve.
type serveOptions struct {
	common
	addr       string
	demo       bool
	trustProxy bool
}

func parseServe(args []string) (*serveOptions, error) {
	var o serveOptions
	trust, err := envBool("HONGDUN_TRUST_PROXY")
	if err != nil {
		return nil, err
	}
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	o.register(fs)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "监听地址")
	fs.BoolVar(&o.demo, "demo", false, "空数据库时生成演示数据（一个完整的市公安局）")
	fs.BoolVar(&o.trustProxy, "trust-proxy", trust, "在反向代理之后运行：以 X-Forwarded-For 的最后一项（代理添加的地址）为客户端地址，用于登录限流与审计"+
		"（也可设 HONGDUN_TRUST_PROXY=1；只应让代理访问本服务）")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return &o, nil
}

// envBool reads a yes/no environment variable (1/0, true/false); unset is no.
func envBool(name string) (bool, error) {
	v := os.Getenv(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("环境变量 %s=%q 无效，应为 1 或 0（true 或 false）", name, v)
	}
	return b, nil
}

func serve(ctx context.Context, args []string) (err error) {
	o, err := parseServe(args)
	if err != nil {
		return err
	}
	a, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	a.Web.TrustProxy = o.trustProxy
	if err := ensureAdmin(ctx, a); err != nil {
		return err
	}
	if o.demo {
		if err := seedDemo(ctx, a); err != nil {
			return err
		}
	}
	return a.Serve(ctx, o.addr)
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
