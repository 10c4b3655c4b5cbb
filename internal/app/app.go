// Package app wires the platform and the feature packages into one server.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"hongdun/internal/account"
	"hongdun/internal/auditlog"
	"hongdun/internal/develop"
	"hongdun/internal/exam"
	"hongdun/internal/export"
	"hongdun/internal/importer"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/web"
	"hongdun/internal/stats"
	"hongdun/internal/todo"
	"hongdun/internal/training"
	"hongdun/internal/transfer"
)

// Config is what the command line decides.
type Config struct {
	DataDir string // SQLite file, key file, uploads
	DSN     string // postgres://… or empty for SQLite
	Log     *slog.Logger
}

// App is a running Hongdun: database, services and routes.
type App struct {
	*core.Deps
	Routes []web.Route
}

// periodic lists the jobs that keep date-driven reminders current (terms
// expiring, overdue deadlines): run at start and every hour, because the
// date moves even when nobody writes.
func (a *App) periodic() []func(context.Context, *core.Deps) error {
	return []func(context.Context, *core.Deps) error{
		org.SyncWarnings,
		transfer.Sync,
		optimize,
	}
}

// optimize refreshes SQLite's query-planner statistics where they are
// stale, so search plans stay good as the tables grow.
func optimize(ctx context.Context, d *core.Deps) error {
	if d.DB.Dialect != db.SQLite {
		return nil
	}
	_, err := d.DB.ExecContext(ctx, "PRAGMA optimize")
	return err
}

// RunPeriodic runs every periodic job once, logging failures.
func (a *App) RunPeriodic(ctx context.Context) {
	for _, job := range a.periodic() {
		if err := job(ctx, a.Deps); err != nil && ctx.Err() == nil {
			a.Web.Log.Error("定时任务失败", "err", err)
		}
	}
}

// Open opens the database, migrates it and builds every service.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = "hongdun-data"
	}
	d, err := db.Open(ctx, cfg.DSN, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("数据库迁移失败: %w", err)
	}
	keys, err := crypto.LoadKeys(cfg.DataDir)
	if err != nil {
		d.Close()
		return nil, err
	}
	return New(d, keys, cfg), nil
}

// New builds the application on an open, migrated database.
func New(d *db.DB, keys *crypto.Keys, cfg Config) *App {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	al := audit.New(keys.Audit)
	deps := &core.Deps{DB: d, Keys: keys, Audit: al, Auth: auth.NewService(d, al, keys), Now: time.Now, DataDir: cfg.DataDir,
		Web: &web.Server{Log: cfg.Log, Audit: al}}
	deps.Web.Auth = deps.Auth
	deps.Auth.Policy.RequireOTP = auth.RequireOTPFromEnv(os.Getenv("HONGDUN_REQUIRE_OTP"))
	a := &App{Deps: deps}
	a.Routes = a.routes()
	deps.Web.Routes = a.Routes
	deps.Web.Nav = nav
	return a
}

// nav is the top navigation, in order.
var nav = []web.NavItem{
	{Label: "工作台", Href: "/", Perm: web.PartyRead},
	{Label: "组织", Href: "/orgs", Perm: web.PartyRead},
	{Label: "党员", Href: "/members", Perm: web.PartyRead},
	{Label: "导入", Href: "/imports", Perm: web.PartyWrite},
	{Label: "花名册", Href: "/roster/print", Perm: web.PartyRead},
	{Label: "转接", Href: "/transfers", Perm: web.PartyRead},
	{Label: "发展党员", Href: "/development", Perm: web.PartyRead},
	{Label: "培训", Href: "/training", Perm: web.PartyRead},
	{Label: "考试竞赛", Href: "/exams", Perm: web.PartyRead},
	{Label: "学习答题", Href: "/m", Perm: web.PartyView},
	{Label: "我的", Href: "/me", Perm: web.PartyView},
	{Label: "待办", Href: "/todos", Perm: web.Authed},
	{Label: "账号管理", Href: "/admin/accounts", Perm: web.Accounts},
	{Label: "安全策略", Href: "/admin/security", Perm: web.Security},
	{Label: "审计日志", Href: "/audit", Perm: web.AuditRead},
}

func (a *App) routes() []web.Route {
	var rs []web.Route
	rs = append(rs,
		web.Route{Method: "GET", Pattern: "/healthz", Perm: web.Public, Handler: func(w http.ResponseWriter, r *http.Request) {
			if err := a.DB.R.PingContext(r.Context()); err != nil {
				http.Error(w, "database unavailable", http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte("ok"))
		}},
		web.Route{Method: "GET", Pattern: "/api/v1/openapi.json", Perm: web.Public, Handler: web.OpenAPIHandler(&a.Routes),
			Doc: &web.Doc{Tag: "系统", Summary: "本 API 的 OpenAPI 描述（由路由表生成）"}},
	)
	rs = append(rs, account.Routes(a.Deps)...)
	rs = append(rs, exam.Routes(a.Deps)...)
	rs = append(rs, training.Routes(a.Deps)...)
	rs = append(rs, org.Routes(a.Deps)...)
	rs = append(rs, todo.Routes(a.Deps)...)
	rs = append(rs, stats.Routes(a.Deps)...)
	rs = append(rs, auditlog.Routes(a.Deps)...)
	rs = append(rs, develop.Routes(a.Deps)...)
	rs = append(rs, member.Routes(a.Deps)...)
	rs = append(rs, importer.Routes(a.Deps)...)
	rs = append(rs, export.Routes(a.Deps)...)
	rs = append(rs, transfer.Routes(a.Deps)...)
	return rs
}

// Handler is the HTTP handler of the whole application.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Serve listens on addr until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	a.Web.Log.Info("红盾已启动", "addr", "http://"+ln.Addr().String(), "data", dataDesc(a))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go func() {
		a.RunPeriodic(ctx)
		tick := time.NewTicker(time.Hour)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				a.RunPeriodic(ctx)
			}
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Web.Log.Info("正在停止…")
	shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func dataDesc(a *App) string {
	if a.DB.Dialect == db.Postgres {
		return "postgresql"
	}
	p, _ := filepath.Abs(a.DB.Path)
	return p
}
