package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"hongdun/internal/app"
	"hongdun/internal/platform/auth"
)

func readPassword() (string, error) {
	if pw := os.Getenv("HONGDUN_PASSWORD"); pw != "" {
		return pw, nil
	}
	fmt.Fprint(os.Stderr, "请输入密码（回车结束）: ")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

func user(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return errors.New("用法: hongdun user create NAME ROLE [--org ID] [--person ID] | hongdun user reset NAME | hongdun user reset-otp NAME")
	}
	var c common
	fs := flag.NewFlagSet("user", flag.ExitOnError)
	c.register(fs)
	org := fs.Int64("org", 0, "管辖组织编号（党务管理员、领导）")
	person := fs.Int64("person", 0, "关联人员编号（党员）")
	sub, name := args[0], args[1]
	rest := args[2:]
	var role string
	if sub == "create" {
		if len(rest) < 1 {
			return errors.New("请指定角色: " + roleList())
		}
		role, rest = rest[0], rest[1:]
	}
	fs.Parse(rest)
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if sub == "reset-otp" {
		// The way back for an administrator who lost their authenticator:
		// whoever runs this already holds the server.
		id, err := a.Auth.AccountID(ctx, name)
		if err != nil {
			return err
		}
		if err := a.Auth.ResetOTP(ctx, id); err != nil {
			return err
		}
		fmt.Println("动态口令已清除，请该用户重新绑定:", name)
		return nil
	}
	pw, err := readPassword()
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		if _, err := a.Auth.CreateAccount(ctx, auth.NewAccount{Username: name, Role: auth.Role(role), OrgID: *org, PersonID: *person, Password: pw}); err != nil {
			return err
		}
		fmt.Println("账号已创建:", name)
	case "reset":
		id, err := a.Auth.AccountID(ctx, name)
		if err != nil {
			return err
		}
		if err := a.Auth.SetPassword(ctx, id, nil, pw); err != nil {
			return err
		}
		fmt.Println("密码已重置:", name)
	default:
		return fmt.Errorf("未知操作 %q（create、reset 或 reset-otp）", sub)
	}
	return nil
}

func roleList() string {
	var s []string
	for _, r := range auth.Roles {
		s = append(s, string(r)+"（"+r.Label()+"）")
	}
	return strings.Join(s, "、")
}

func auditCmd(ctx context.Context, args []string) error {
	if len(args) < 1 || (args[0] != "verify" && args[0] != "purge") {
		return errors.New("用法: hongdun audit verify | hongdun audit purge --days N（N ≥ 180）")
	}
	var c common
	fs := flag.NewFlagSet("audit", flag.ExitOnError)
	c.register(fs)
	days := fs.Int("days", 365, "清理多少天之前的记录（至少 180）")
	fs.Parse(args[1:])
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if args[0] == "purge" {
		n, err := a.Audit.Purge(ctx, a.DB, time.Now().AddDate(0, 0, -*days))
		if err != nil {
			return err
		}
		fmt.Printf("已清理 %d 条 %d 天之前的审计记录；哈希链锚点已更新\n", n, *days)
		return nil
	}
	broken, n, err := a.Audit.Verify(ctx, a.DB)
	if err != nil {
		return err
	}
	if broken != 0 {
		return fmt.Errorf("审计日志哈希链在第 %d 条记录处断裂（已校验 %d 条）：该记录或其前一条被篡改、删除或插入", broken, n)
	}
	fmt.Printf("审计日志完整：共 %d 条记录，哈希链无断裂\n", n)
	return nil
}

func backup(ctx context.Context, args []string) error {
	var c common
	fs := flag.NewFlagSet("backup", flag.ExitOnError)
	c.register(fs)
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("用法: hongdun backup FILE")
	}
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := app.Backup(ctx, a.DB, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Println("备份完成:", fs.Arg(0))
	return nil
}

func restore(ctx context.Context, args []string) error {
	var c common
	fs := flag.NewFlagSet("restore", flag.ExitOnError)
	c.register(fs)
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("用法: hongdun restore FILE（须先停止服务）")
	}
	if c.dsn != "" {
		return errors.New("PostgreSQL 请使用 pg_restore 恢复，见 README")
	}
	if err := app.Restore(ctx, fs.Arg(0), c.data); err != nil {
		return err
	}
	fmt.Println("恢复完成；请启动服务")
	return nil
}
