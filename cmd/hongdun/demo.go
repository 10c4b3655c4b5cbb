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
	"hongdun/internal/develop"
	"hongdun/internal/exam"
	"hongdun/internal/org"
	"hongdun/internal/training"
	"hongdun/internal/transfer"
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
	if err := develop.SeedDemo(ctx, a.Deps); err != nil {
		return fmt.Errorf("生成发展党员演示档案失败: %w", err)
	}
	if err := training.SeedDemo(ctx, a.Deps); err != nil {
		return fmt.Errorf("生成培训演示数据失败: %w", err)
	}
	if err := exam.SeedDemo(ctx, a.Deps); err != nil {
		return fmt.Errorf("生成考试竞赛演示数据失败: %w", err)
	}
	if err := transfer.SeedDemo(ctx, a.Deps); err != nil {
		return fmt.Errorf("生成组织关系转接演示数据失败: %w", err)
	}
	if err := org.SyncWarnings(ctx, a.Deps); err != nil {
		return err
	}
	fmt.Printf("已生成演示数据：%d 个组织、%d 人、%d 个账号（用时 %s）。账号列表见 docs/demo-accounts.md\n",
		res.Orgs, res.People, res.Accounts, res.Took.Round(time.Millisecond))
	return nil
}

// demoCmd generates a dataset of any size, for benchmarks.
func demoCmd(ctx context.Context, args []string) error {
	var c common
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	c.register(fs)
	members := fs.Int("members", demo.Size, "生成的人数（如 1000000）")
	seed := fs.Uint64("seed", 1, "随机种子：相同种子生成相同数据")
	history := fs.Bool("history", false, "同时生成每人的党籍大事记（数据量大时较慢）")
	fs.Parse(args)
	a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := ensureAdmin(ctx, a); err != nil {
		return err
	}
	res, err := demo.Seed(ctx, a.Deps, demo.Options{Seed: *seed, Members: *members, History: *history,
		Password: os.Getenv("HONGDUN_DEMO_PASSWORD"), Log: os.Stdout})
	if err != nil {
		return err
	}
	fmt.Printf("已生成 %d 个组织、%d 人、%d 条大事记、%d 个账号，用时 %s\n", res.Orgs, res.People, res.Events, res.Accounts, res.Took.Round(time.Millisecond))
	if *members > 100000 {
		fmt.Println("数据量大，未同步组织预警待办（启动服务后组织页面仍实时显示预警）")
		return nil
	}
	return org.SyncWarnings(ctx, a.Deps)
}
