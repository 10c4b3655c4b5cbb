package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	osuser "os/user"
	"strings"
	"time"

	"hongdun/internal/app"
	"hongdun/internal/platform/audit"
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

// cliActor is who acts from the command line in the audit log: the
// operating-system account that ran the command on the server.
func cliActor(ctx context.Context, what string) context.Context {
	name := os.Getenv("USER")
	if u, err := osuser.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return audit.WithActor(ctx, audit.Actor{Name: "cli:" + what + ":" + name})
}

// user is the server operator's account tool: the trusted path, and the only
// one for the 三员 (made, reset and freed of a lost second factor only here).
// A created account holds its role at once; a reset password is one-time.
func user(ctx context.Context, args []string) (err error) {
	if len(args) < 2 {
		return errors.New("用法: hongdun user create NAME ROLE [--org ID] [--person ID] [--one-time] | hongdun user reset NAME | hongdun user reset-otp NAME")
	}
	ctx = cliActor(ctx, "user")
	var c common
	fs := flag.NewFlagSet("user", flag.ExitOnError)
	c.register(fs)
	org := fs.Int64("org", 0, "管辖组织编号（党务管理员、领导）")
	person := fs.Int64("person", 0, "关联人员编号（党员）")
	oneTime := fs.Bool("one-time", false, "密码由运维人员代设：账号本人首次登录须修改（本人输入密码时不加）")
	sub, name := args[0], args[1]
	rest := args[2:]
	var role string
	if sub == "create" {
		if len(rest) < 1 {
			return errors.New("请指定角色: " + roleList())
		}
		role, rest = rest[0], rest[1:]
	}
	a, err := c.parseOpen(ctx, fs, rest)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
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
		fmt.Println("动态口令已清除（已记入审计日志），请该用户重新绑定:", name)
		return nil
	}
	pw, err := readPassword()
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		if _, err := a.Auth.CreateAccount(ctx, auth.NewAccount{Username: name, Role: auth.Role(role), OrgID: *org, PersonID: *person, Password: pw, OneTime: *oneTime}); err != nil {
			return err
		}
		if *oneTime {
			fmt.Println("账号已创建（一次性密码，首次登录须修改）:", name)
		} else {
			fmt.Println("账号已创建:", name)
		}
	case "reset":
		id, err := a.Auth.AccountID(ctx, name)
		if err != nil {
			return err
		}
		// Set by the operator, not its holder: a one-time password.
		if err := a.Auth.SetPassword(ctx, id, nil, pw); err != nil {
			return err
		}
		fmt.Println("密码已重置为一次性密码（已记入审计日志），该用户下次登录须先修改:", name)
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

func auditCmd(ctx context.Context, args []string) (err error) {
	if len(args) < 1 || (args[0] != "verify" && args[0] != "purge" && args[0] != "seal") {
		return errors.New("用法: hongdun audit verify | hongdun audit purge --days N（N ≥ 180）| hongdun audit seal --reason 说明")
	}
	var c common
	fs := flag.NewFlagSet("audit", flag.ExitOnError)
	c.register(fs)
	days := fs.Int("days", 365, "清理多少天之前的记录（至少 180）")
	reason := fs.String("reason", "", "重新签名的原因（记入审计日志）")
	a, err := c.parseOpen(ctx, fs, args[1:])
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	switch args[0] {
	case "purge":
		n, err := a.Audit.Purge(ctx, a.DB, time.Now().AddDate(0, 0, -*days))
		if err != nil {
			return err
		}
		fmt.Printf("已清理 %d 条 %d 天之前的审计记录；清理锚点已签名\n", n, *days)
		return nil
	case "seal":
		if strings.TrimSpace(*reason) == "" {
			return errors.New("请用 --reason 说明为何重新签名（例如已查明的篡改经过）；原因与签名前的校验结果一并记入审计日志")
		}
		before, err := a.Audit.Seal(ctx, a.DB, strings.TrimSpace(*reason))
		if err != nil {
			return err
		}
		for _, p := range before.Problems {
			fmt.Println("签名前发现:", p)
		}
		fmt.Println("已按现有记录重新签名签名头与清理锚点，并记入审计日志")
		return nil
	}
	return verifyAudit(ctx, a, os.Stdout)
}

// verifyAudit reports what Verify found; when the log is whole it moves
// this data directory's checkpoint forward.
func verifyAudit(ctx context.Context, a *app.App, out io.Writer) error {
	rep, err := a.Audit.Verify(ctx, a.DB)
	if err != nil {
		return err
	}
	if !rep.Intact() {
		var werr error
		for _, p := range rep.Problems {
			_, err := fmt.Fprintln(out, "发现:", p)
			werr = errors.Join(werr, err)
		}
		return errors.Join(fmt.Errorf("审计日志不完整：发现 %d 处问题（已校验 %d 条记录）", len(rep.Problems), rep.Checked), werr)
	}
	if err := a.Audit.Checkpoint(ctx, a.DB); err != nil {
		return err
	}
	msg := fmt.Sprintf("审计日志完整：共 %d 条记录，哈希链无断裂，末条与签名头（第 %d 条）一致", rep.Checked, rep.Head)
	if rep.Anchor > 0 {
		msg += fmt.Sprintf("，首条接清理锚点（第 %d 条）", rep.Anchor)
	}
	_, err = fmt.Fprintln(out, msg)
	return err
}

func backup(ctx context.Context, args []string) (err error) {
	var c common
	fs := flag.NewFlagSet("backup", flag.ExitOnError)
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("用法: hongdun backup FILE")
	}
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
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
	if err := fs.Parse(args); err != nil {
		return err
	}
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
