package app

import (
	"context"
	"fmt"

	"hongdun/internal/appraisal"
	"hongdun/internal/assess"
	"hongdun/internal/brand"
	"hongdun/internal/care"
	"hongdun/internal/cases"
	"hongdun/internal/community"
	"hongdun/internal/corps"
	"hongdun/internal/demo"
	"hongdun/internal/develop"
	"hongdun/internal/dues"
	"hongdun/internal/election"
	"hongdun/internal/exam"
	"hongdun/internal/honour"
	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/pioneer"
	"hongdun/internal/platform/core"
	"hongdun/internal/strong"
	"hongdun/internal/task"
	"hongdun/internal/training"
	"hongdun/internal/transfer"
	"hongdun/internal/wartime"
	"hongdun/internal/weak"
)

// demoFeatures seed each feature's part of the demo bureau, in the order
// they build on each other; each is named for the message of its failure.
var demoFeatures = []struct {
	name string
	seed func(context.Context, *core.Deps) error
}{
	{"群众演示数据", demo.SeedMasses}, {"发展党员演示档案", develop.SeedDemo}, {"培训演示数据", training.SeedDemo},
	{"考试竞赛演示数据", exam.SeedDemo}, {"组织关系转接演示数据", transfer.SeedDemo}, {"组织生活演示数据", life.SeedDemo},
	{"民主评议演示数据", appraisal.SeedDemo}, {"换届选举演示数据", election.SeedDemo},
	{"示范岗与承诺践诺演示数据", pioneer.SeedDemo}, {"双报到演示数据", community.SeedDemo}, {"任务督办演示数据", task.SeedDemo},
	{"表彰与纪念章演示数据", honour.SeedDemo}, {"党费演示数据", dues.SeedDemo}, {"关怀帮扶演示数据", care.SeedDemo},
	{"战时党建演示数据", wartime.SeedDemo}, {"考评与创新演示数据", assess.SeedDemo}, {"案例库演示数据", cases.SeedDemo},
	{"党务工作者演示数据", corps.SeedDemo}, {"最强党支部演示数据", strong.SeedDemo}, {"党建品牌演示数据", brand.SeedDemo},
	{"软弱涣散整顿演示数据", weak.SeedDemo}, {"组织提醒", org.SyncWarnings},
}

// SeedFeatures gives the bureau demo.Seed made every feature's demo data.
func SeedFeatures(ctx context.Context, d *core.Deps) error {
	for _, f := range demoFeatures {
		if err := f.seed(ctx, d); err != nil {
			return fmt.Errorf("生成%s失败: %w", f.name, err)
		}
	}
	return nil
}
