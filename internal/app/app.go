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
	"runtime/debug"
	"time"

	"hongdun/internal/account"
	"hongdun/internal/annual"
	"hongdun/internal/appraisal"
	"hongdun/internal/assess"
	"hongdun/internal/auditlog"
	"hongdun/internal/brand"
	"hongdun/internal/care"
	"hongdun/internal/cases"
	"hongdun/internal/community"
	"hongdun/internal/corps"
	"hongdun/internal/develop"
	"hongdun/internal/dues"
	"hongdun/internal/election"
	"hongdun/internal/exam"
	"hongdun/internal/export"
	"hongdun/internal/help"
	"hongdun/internal/honour"
	"hongdun/internal/importer"
	"hongdun/internal/leader"
	"hongdun/internal/life"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/pioneer"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
	"hongdun/internal/stats"
	"hongdun/internal/strong"
	"hongdun/internal/task"
	"hongdun/internal/todo"
	"hongdun/internal/training"
	"hongdun/internal/transfer"
	"hongdun/internal/wartime"
	"hongdun/internal/weak"
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
	exam   *exam.Service  // its answer writer runs until Close
	stats  *stats.Service // Serve warms its snapshot
}

// periodic lists the jobs that keep date-driven reminders current (terms
// expiring, overdue deadlines): run at start and every hour, because the
// date moves even when nobody writes.
func (a *App) periodic() []func(context.Context, *core.Deps) error {
	return []func(context.Context, *core.Deps) error{
		training.Keep, // the hours met kept per organisation, recounted where writes noted them (first: the jobs below read them)
		life.Keep,     // the months of 组织生活 kept per organisation, likewise
		develop.Keep,  // the open and overdue development cases kept per organisation, likewise, and afresh each day
		task.Keep,     // the task standings' sums kept per organisation, likewise, and afresh each day a year is judged on
		org.SyncWarnings,
		transfer.Sync,
		task.Sync,      // system-verified tasks, reminders before deadlines, overdue and review 待办
		life.Sync,      // 组织生活 due this period, or missed in the last one
		dues.Sync,      // 3 and 5 months of unpaid dues, and the 6-month 自行脱党 alert
		care.Sync,      // hardship entries to review or ending, campaign visits due or overdue
		wartime.Sync,   // response events past their expected end; 表现突出 people to develop first
		cases.Sync,     // 线上一对一 pairings gone quiet
		strong.Sync,    // 最强党支部: computed items of open rounds, self-assessment and review 待办
		weak.Sync,      // 软弱涣散 rectification deadlines near or past, acceptance waiting
		appraisal.Sync, // 民主评议 rounds to close, 限期改正 falling due
		pioneer.Sync,   // commitments to make public by March, to review at year end
		community.Sync, // 关键小事 to resolve, communities' yearly feedback
		importer.Sweep, // uploaded rosters nobody needs any more (ID numbers in plain text)
		optimize,
		auditCheckpoint,
		a.saveStats,
		saveAnnual,
	}
}

// saveAnnual stores the year-end report's history for the next first
// report (annual.Keep).
func saveAnnual(ctx context.Context, d *core.Deps) error {
	return annual.Keep(ctx, d.DB)
}

// saveStats keeps the dashboard's snapshot for the next start.
func (a *App) saveStats(ctx context.Context, _ *core.Deps) error {
	return a.stats.Save(ctx)
}

// auditCheckpoint copies the audit log's signed head to this instance's
// checkpoint file; it refuses, and says so in the log, when the database
// contradicts the file (records and head cut back).
func auditCheckpoint(ctx context.Context, d *core.Deps) error {
	return d.Audit.Checkpoint(ctx, d.DB)
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

// RunPeriodic runs every periodic job once, each whatever the others do,
// and returns their failures.
func (a *App) RunPeriodic(ctx context.Context) error {
	var errs []error
	for _, job := range a.periodic() {
		if err := job(ctx, a.Deps); err != nil {
			errs = append(errs, err)
		}
	}
	// At a million people the jobs (and the dashboard's warm-up before
	// them) leave about 200 MB of garbage (gctrace: 226 -> 40 MB), and an
	// idle server runs no collection to free it and hand it back to the
	// system: do both now, once an hour.
	debug.FreeOSMemory()
	// Then the 市局's comparison, from what the jobs left, for a leader's
	// first view: warmed before the memory went back, that view paid for
	// mapping it again (first page 180–230 ms against 130 ms).
	if err := leader.Warm(ctx, a.Deps); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// untilMidnight is the time from now to a second past the next change of
// the civil day (midnight in Shanghai).
func untilMidnight(now time.Time) time.Duration {
	return civil.Today(now).AddDays(1).Start().Add(time.Second).Sub(now)
}

// runPeriodic runs the periodic jobs for the server, logging failures.
func (a *App) runPeriodic(ctx context.Context) {
	if err := a.RunPeriodic(ctx); err != nil && ctx.Err() == nil {
		a.Web.Log.Error("定时任务失败", "err", err)
	}
}

// warm loads the dashboard's snapshot, logging how long it took.
func (a *App) warm(ctx context.Context) {
	start := time.Now()
	if err := a.stats.Warm(ctx); err != nil {
		if ctx.Err() == nil {
			a.Web.Log.Error("统计快照预加载失败", "err", err)
		}
		return
	}
	a.Web.Log.Info("统计快照已加载", "ms", time.Since(start).Milliseconds())
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
	sealed := audit.SealTableExists(ctx, d)
	if err := d.Migrate(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("数据库迁移失败: %w", err), d.Close())
	}
	keys, err := crypto.LoadKeys(cfg.DataDir)
	if err != nil {
		return nil, errors.Join(err, d.Close())
	}
	a := New(d, keys, cfg)
	if !sealed {
		// First start after an upgrade from a version without a signed
		// head: seal the existing log once, as it is (recorded).
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil || n > 0 {
			if err == nil {
				_, err = a.Audit.Seal(ctx, d, "升级：为已有的审计记录建立签名头")
			}
			if err != nil {
				return nil, errors.Join(fmt.Errorf("建立审计日志签名头失败: %w", err), d.Close())
			}
		}
	}
	return a, nil
}

// New builds the application on an open, migrated database.
func New(d *db.DB, keys *crypto.Keys, cfg Config) *App {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	al := audit.New(keys.Audit)
	if cfg.DataDir != "" {
		al.SetCheckpoint(filepath.Join(cfg.DataDir, audit.CheckpointFile))
	}
	deps := &core.Deps{DB: d, Keys: keys, Audit: al, Auth: auth.NewService(d, al, keys), Now: time.Now, DataDir: cfg.DataDir,
		Web: &web.Server{Log: cfg.Log, Audit: al}}
	deps.Web.Auth = deps.Auth
	deps.Auth.Policy.RequireOTP = auth.RequireOTPFromEnv(os.Getenv("HONGDUN_REQUIRE_OTP"))
	a := &App{Deps: deps}
	a.Routes = a.routes()
	deps.Web.Routes = a.Routes
	deps.Web.Nav = nav
	deps.Web.Help = help.Pages()
	deps.Web.TodoCount = func(ctx context.Context, p *auth.Principal) (int, error) { return todo.Count(ctx, d, p) }
	return a
}

func (a *App) routes() []web.Route {
	var rs []web.Route
	rs = append(rs,
		web.Route{Method: "GET", Pattern: "/healthz", Perm: web.Public, Handler: func(w http.ResponseWriter, r *http.Request) error {
			if err := a.DB.R.PingContext(r.Context()); err != nil {
				http.Error(w, "database unavailable", http.StatusServiceUnavailable)
				return nil
			}
			w.Write([]byte("ok"))
			return nil
		}},
		web.Route{Method: "GET", Pattern: "/api/v1/openapi.json", Perm: web.Public, Handler: web.OpenAPIHandler(&a.Routes),
			Doc: &web.Doc{Tag: "系统", Summary: "本 API 的 OpenAPI 描述（由路由表生成）"}},
	)
	rs = append(rs, account.Routes(a.Deps)...)
	a.exam = exam.New(a.Deps)
	rs = append(rs, a.exam.Routes()...)
	rs = append(rs, training.Routes(a.Deps)...)
	rs = append(rs, org.Routes(a.Deps)...)
	rs = append(rs, todo.Routes(a.Deps, func(ctx context.Context, s scope.Subtree) (any, error) { return org.Options(ctx, a.DB, s) })...)
	a.stats = &stats.Service{DB: a.DB, Now: a.Now}
	a.Census = a.stats.Census // before any route counts
	rs = append(rs, stats.Routes(a.Deps, a.stats)...)
	rs = append(rs, annual.Routes(a.Deps)...)
	rs = append(rs, leader.Routes(a.Deps)...)
	rs = append(rs, auditlog.Routes(a.Deps)...)
	rs = append(rs, develop.Routes(a.Deps)...)
	rs = append(rs, member.Routes(a.Deps)...)
	rs = append(rs, importer.Routes(a.Deps)...)
	rs = append(rs, export.Routes(a.Deps)...)
	rs = append(rs, transfer.Routes(a.Deps)...)
	rs = append(rs, life.Routes(a.Deps)...)
	rs = append(rs, appraisal.Routes(a.Deps)...)
	rs = append(rs, election.Routes(a.Deps)...)
	rs = append(rs, pioneer.Routes(a.Deps)...)
	rs = append(rs, community.Routes(a.Deps)...)
	rs = append(rs, task.Routes(a.Deps)...)
	rs = append(rs, honour.Routes(a.Deps)...)
	rs = append(rs, dues.Routes(a.Deps)...)
	rs = append(rs, care.Routes(a.Deps)...)
	rs = append(rs, wartime.Routes(a.Deps)...)
	rs = append(rs, corps.Routes(a.Deps)...)
	rs = append(rs, assess.Routes(a.Deps)...)
	rs = append(rs, cases.Routes(a.Deps)...)
	rs = append(rs, strong.Routes(a.Deps)...)
	rs = append(rs, weak.Routes(a.Deps)...)
	rs = append(rs, brand.Routes(a.Deps)...)
	rs = append(rs, help.Routes(a.Deps)...)
	return rs
}

// Handler is the HTTP handler of the whole application.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// Close stops the services in order, the exam answer writer once every
// answer queued has committed, and then closes the database.
func (a *App) Close() error {
	return errors.Join(a.exam.Close(), a.DB.Close())
}

// Server timeouts. A client gets ReadHeaderTimeout to send its headers
// and ReadTimeout for the whole request, enough for the largest upload
// (a 50 MB roster) at a few Mbit/s; a slow or stalled client cannot hold
// a connection longer. WriteTimeout bounds a handler and its reply, sized
// for the largest export (the whole bureau's members) to a slow browser.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 2 * time.Minute
	WriteTimeout      = 10 * time.Minute
	IdleTimeout       = 2 * time.Minute
)

// NewServer is the HTTP server Serve runs, with its timeouts.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout}
}

// Serve listens on addr until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := NewServer(a.Handler())
	a.Web.Log.Info("红盾已启动", "addr", "http://"+ln.Addr().String(), "data", dataDesc(a))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go func() {
		// The dashboard's snapshot first (a few seconds at a million
		// people, reads only), so that the first view after start finds it
		// loaded; the start-up jobs can wait that long.
		a.warm(ctx)
		a.runPeriodic(ctx)
		// Hourly, and at midnight too: the figures kept as of a day
		// (development and tasks) are counted directly from midnight until
		// the jobs keep them again.
		tick := time.NewTicker(time.Hour)
		defer tick.Stop()
		midnight := time.NewTimer(untilMidnight(time.Now()))
		defer midnight.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				a.runPeriodic(ctx)
			case <-midnight.C:
				a.runPeriodic(ctx)
				midnight.Reset(untilMidnight(time.Now()))
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
