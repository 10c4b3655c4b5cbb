package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"hongdun/internal/app"
	"hongdun/internal/demo"
	"hongdun/internal/member"
	"hongdun/internal/platform/db"
	"hongdun/internal/stats"
)

// seedDemo fills an empty database with the demo bureau; on a database that
// already holds organisations it does nothing.
func seedDemo(ctx context.Context, a *app.App) error {
	res, err := demo.Seed(ctx, a.Deps, demo.Options{Seed: 1, History: true, Password: os.Getenv("HONGDUN_DEMO_PASSWORD"), Log: os.Stdout})
	if errors.Is(err, demo.ErrNotEmpty) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("生成演示数据失败: %w", err)
	}
	if err := app.SeedFeatures(ctx, a.Deps); err != nil {
		return err
	}
	fmt.Printf("已生成演示数据：%d 个组织、%d 人、%d 个账号（用时 %s）。账号列表见 docs/demo-accounts.md\n",
		res.Orgs, res.People, res.Accounts, res.Took.Round(time.Millisecond))
	return nil
}

// demoCmd generates a dataset of any size, for benchmarks.
func demoCmd(ctx context.Context, args []string) (err error) {
	var c common
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	c.register(fs)
	members := fs.Int("members", demo.Size, "生成的人数（如 1000000）")
	seed := fs.Uint64("seed", 1, "随机种子：相同种子生成相同数据")
	history := fs.Bool("history", false, "同时生成每人的党籍大事记（数据量大时较慢）")
	a, err := c.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if err := ensureAdmin(ctx, a); err != nil {
		return err
	}
	res, err := demo.Seed(ctx, a.Deps, demo.Options{Seed: *seed, Members: *members, History: *history,
		Password: os.Getenv("HONGDUN_DEMO_PASSWORD"), Log: os.Stdout})
	if err != nil {
		return err
	}
	fmt.Printf("已生成 %d 个组织、%d 人、%d 条大事记、%d 个账号，用时 %s\n", res.Orgs, res.People, res.Events, res.Accounts, res.Took.Round(time.Millisecond))
	// Like a large import: the planner gets full statistics, not the sample
	// PRAGMA optimize would take at the next start.
	if _, err := a.DB.W.ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	if a.DB.Dialect == db.Postgres { // and the visibility map that lets searches read their indexes alone
		if err := member.RefreshStats(ctx, a.DB); err != nil {
			return err
		}
	}
	// The periodic jobs once (预警, 组织生活 and the other 待办), as a
	// running server would have: else the first start posts them all (at a
	// million people 180,000 待办) while its first users wait.
	if err := a.RunPeriodic(ctx); err != nil {
		return err
	}
	// The dashboard's snapshot, so that the first start counts from it
	// instead of loading everyone before its first view.
	return stats.Keep(ctx, a.DB, a.Now())
}
