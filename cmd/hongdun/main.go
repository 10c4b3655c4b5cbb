// Command hongdun is the whole 红盾 party-building platform in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai on machines without zoneinfo

	"hongdun/internal/app"
)

const usage = `红盾党建平台

用法:
  hongdun serve [--addr 127.0.0.1:8080] [--data DIR] [--db postgres://…] [--demo] [--trust-proxy]
                                     --trust-proxy（或 HONGDUN_TRUST_PROXY=1）：在反向代理之后运行，客户端地址取 X-Forwarded-For 的最后一项
  hongdun demo [--members N] [--seed S]   在空数据库中生成演示数据（N 人，用于性能测试）
  hongdun import [--kind K] FILE [--dry-run] [--org ID] [--update] [--year Y]   导入党员花名册（默认）或党费基数、交纳记录（--kind dues_bases|dues_payments）；有错误时不写入，非零退出
  hongdun migrate                    迁移数据库到最新结构（启动时也会自动执行）
  hongdun user create NAME ROLE [--org ID] [--person ID] [--one-time]   创建已授权的账号（三员只能这样设立；密码从标准输入或 HONGDUN_PASSWORD 读取，代他人设置时加 --one-time）
  hongdun user reset NAME            重置密码为一次性密码（三员账号只能这样重置；记入审计日志）
  hongdun user reset-otp NAME        清除动态口令（丢失验证器时；记入审计日志）
  hongdun audit verify               校验审计日志：哈希链、签名头、清理锚点与检查点文件，指出记录被改、被删
  hongdun audit purge --days N       清理 N 天（至少 180 天）之前的审计记录
  hongdun audit seal --reason 说明   查明问题后按现有记录重新签名（记入审计日志）
  hongdun backup FILE                在线一致性备份（SQLite）
  hongdun restore FILE               从备份恢复（须先停止服务）

公共参数 --data DIR（默认 ./hongdun-data）与 --db DSN 适用于所有子命令。
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args)
	case "migrate":
		err = migrate(ctx, args)
	case "demo":
		err = demoCmd(ctx, args)
	case "user":
		err = user(ctx, args)
	case "audit":
		err = auditCmd(ctx, args)
	case "backup":
		err = backup(ctx, args)
	case "restore":
		err = restore(ctx, args)
	case "import":
		err = importCmd(ctx, args)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "未知子命令 %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "错误:", err)
		os.Exit(1)
	}
}

// common holds the flags every subcommand shares.
type common struct {
	data, dsn string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.data, "data", "hongdun-data", "数据目录（SQLite 数据库、密钥文件、上传文件）")
	fs.StringVar(&c.dsn, "db", os.Getenv("HONGDUN_DB"), "PostgreSQL 连接串 postgres://…；留空使用 SQLite")
}

func (c *common) open(ctx context.Context) (*app.App, error) {
	return app.Open(ctx, app.Config{DataDir: c.data, DSN: c.dsn, Log: logger()})
}

// parseOpen parses a command's arguments with fs, then opens the app.
func (c *common) parseOpen(ctx context.Context, fs *flag.FlagSet, args []string) (*app.App, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return c.open(ctx)
}

// closeApp closes a when a command ends, adding its failure to the command's.
func closeApp(a *app.App, err *error) { *err = errors.Join(*err, a.Close()) }

func logger() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("HONGDUN_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func migrate(ctx context.Context, args []string) (err error) {
	var c common
	fs := flag.NewFlagSet("migrate", flag.ExitOnError)
	c.register(fs)
	a, err := c.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	fmt.Println("数据库已是最新结构")
	return nil
}
