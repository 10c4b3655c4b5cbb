// Package auth holds accounts, roles, sessions and the login policy. A
// Principal is the caller of a request; its scope limits every query.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
)

// Role is one of the six roles. The three 三员 roles exclude each other and
// never read member data.
type Role string

const (
	SysAdmin Role = "sysadmin" // 系统管理员: accounts
	SecAdmin Role = "secadmin" // 安全保密管理员: roles, scopes, policy
	Auditor  Role = "auditor"  // 安全审计员: audit log only
	OrgAdmin Role = "orgadmin" // 党务管理员: read and write in a subtree
	Leader   Role = "leader"   // 领导: read only in a subtree
	Member   Role = "member"   // 党员: self only
)

// Roles lists every role in display order.
var Roles = []Role{SysAdmin, SecAdmin, Auditor, OrgAdmin, Leader, Member}

// Label is the Chinese name of a role.
func (r Role) Label() string {
	return map[Role]string{SysAdmin: "系统管理员", SecAdmin: "安全保密管理员", Auditor: "安全审计员",
		OrgAdmin: "党务管理员", Leader: "领导", Member: "党员"}[r]
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.Label() != "" }

// ThreeAdmin reports whether r is one of the 三员 (系统管理员, 安全保密管理员,
// 安全审计员). Their accounts are made, reset and unlocked from a second
// factor only with the command line on the server, never on the web.
func (r Role) ThreeAdmin() bool { return r == SysAdmin || r == SecAdmin || r == Auditor }

// Scoped reports whether the role is bound to an organisation subtree.
func (r Role) Scoped() bool { return r == OrgAdmin || r == Leader }

// Principal is the authenticated caller.
type Principal struct {
	AccountID   int64
	Username    string
	DisplayName string
	Role        Role
	OrgID       int64  // scope root for OrgAdmin and Leader
	OrgPath     string // materialised path of the scope root, e.g. "/1/4/"
	PersonID    int64  // the person behind the account, if any
	MustChange  bool   // password expired or one-time: only the change-password page works
	OneTime     bool   // the password was set by someone else (creation, reset): MustChange says why
	OTPEnabled  bool   // the account has a second factor
	NeedsOTP    bool   // policy requires a second factor not yet set up: only /mfa works
	TokenHash   string
}

// ReadsMembers reports whether the caller may read member data of a subtree.
func (p *Principal) ReadsMembers() bool { return p.Role == OrgAdmin || p.Role == Leader }

// Writes reports whether the caller may change party data in their subtree.
func (p *Principal) Writes() bool { return p.Role == OrgAdmin }

type principalKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the caller, or nil when anonymous.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// Policy holds the configurable numbers of the login policy.
type Policy struct {
	MinLength       int
	MaxFailures     int
	LockFor         time.Duration
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	MaxPasswordAge  time.Duration
	HistoryDepth    int
	UsersPerIPMin   int // distinct usernames per minute from one address
	// RequireOTP lists the roles that must use a second factor (TOTP);
	// their accounts without one can only reach the enrolment page.
	RequireOTP []Role
}

// RequiresOTP reports whether accounts of role r must use a second factor.
func (p Policy) RequiresOTP(r Role) bool { return slices.Contains(p.RequireOTP, r) }

// OTPRoles are the roles security.md wants a second factor for: the 三员
// and 党务管理员.
var OTPRoles = []Role{SysAdmin, SecAdmin, Auditor, OrgAdmin}

// RequireOTPFromEnv reads HONGDUN_REQUIRE_OTP: "1" requires a second factor
// of OTPRoles, anything else of nobody.
func RequireOTPFromEnv(v string) []Role {
	if strings.TrimSpace(v) == "1" {
		return OTPRoles
	}
	return nil
}

// DefaultPolicy is the 等保 baseline of security.md.
var DefaultPolicy = Policy{MinLength: 8, MaxFailures: 5, LockFor: 15 * time.Minute, IdleTimeout: 30 * time.Minute,
	AbsoluteTimeout: 12 * time.Hour, MaxPasswordAge: 90 * 24 * time.Hour, HistoryDepth: 5, UsersPerIPMin: 50}

// Service implements login, sessions and password changes.
type Service struct {
	DB     *db.DB
	Audit  *audit.Log
	Keys   *crypto.Keys // seals second-factor secrets
	Policy Policy
	Now    func() time.Time

	mu      sync.Mutex
	ipUsers map[string]map[string]time.Time // address → username → its last try
	ipSwept time.Time

	// sessionStmt is prepared once: every authenticated request runs it,
	// and parsing it each time was a measurable share of request cost.
	sessionOnce sync.Once
	sessionStmt *sql.Stmt
	sessionErr  error
	sessions    sessionCache
}

const sessionQuery = `SELECT a.id, a.username, a.display_name, a.role, a.org_id, COALESCE(o.path, ''), a.person_id,
		a.password_changed_at, a.password_one_time, a.totp_enabled, s.created_at, s.last_seen
	FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN orgs o ON o.id = a.org_id
	WHERE s.token_hash = ? AND s.kind <> 'pending' AND a.disabled = 0 AND a.role <> ''`

// NewService returns a service with the default policy.
func NewService(d *db.DB, a *audit.Log, k *crypto.Keys) *Service {
	return &Service{DB: d, Audit: a, Keys: k, Policy: DefaultPolicy, Now: time.Now}
}

// Errors a login can end with. The message never tells which part was wrong.
var (
	ErrBadLogin  = errors.New("用户名或密码错误，或账号已被锁定（连续失败 5 次锁定 15 分钟）")
	ErrThrottled = errors.New("登录尝试过于频繁，请稍后再试")
	ErrExpired   = errors.New("登录已过期，请重新登录")
	// ErrNotGranted answers the right password of an account the 系统管理员
	// created whose role the 安全保密管理员 has not granted yet.
	ErrNotGranted = errors.New("该账号尚未经安全保密管理员授权（角色与管辖范围待审批），暂不能登录；请联系安全保密管理员")
)

// throttled counts the distinct usernames tried from ip in the last minute
// (a sliding minute of its own, so no window's end lets a burst through).
// A name over the limit is refused and not remembered, so an address
// keeps at most the limit's worth of names.
func (s *Service) throttled(ip, username string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	since := now.Add(-time.Minute)
	forget := func(u map[string]time.Time) {
		for n, at := range u {
			if !at.After(since) {
				delete(u, n)
			}
		}
	}
	if s.ipUsers == nil {
		s.ipUsers = map[string]map[string]time.Time{}
	}
	if now.Sub(s.ipSwept) > time.Minute { // drop the addresses that went quiet
		for a, u := range s.ipUsers {
			if forget(u); len(u) == 0 {
				delete(s.ipUsers, a)
			}
		}
		s.ipSwept = now
	}
	u := s.ipUsers[ip]
	if u == nil {
		u = map[string]time.Time{}
		s.ipUsers[ip] = u
	}
	forget(u)
	if _, tried := u[username]; !tried && len(u) >= s.Policy.UsersPerIPMin {
		return true
	}
	u[username] = now
	return false
}

// Login checks the password and opens a session of the given kind ("web" or
// "api"), returning the token to hand to the client. An account with a
// second factor needs LoginOTP.
func (s *Service) Login(ctx context.Context, username, password, ip, kind string) (string, error) {
	return s.LoginOTP(ctx, username, password, "", ip, kind)
}

// loginAccount is what a login step reads of an account.
type loginAccount struct {
	id          int64
	username    string
	hash        string
	failed      int
	lockedUntil int64
	disabled    bool
	otpSecret   []byte // sealed
	otpOn       bool
	role        Role // "" until the 安全保密管理员 grants one
}

const loginColumns = "id, username, password_hash, failed_count, locked_until, disabled, totp_secret, totp_enabled, role FROM accounts"

func (s *Service) loadLogin(ctx context.Context, where string, arg any) (*loginAccount, error) {
	var a loginAccount
	err := s.DB.QueryRowContext(ctx, "SELECT "+loginColumns+" WHERE "+where, arg).
		Scan(&a.id, &a.username, &a.hash, &a.failed, &a.lockedUntil, &a.disabled, &a.otpSecret, &a.otpOn, &a.role)
	return &a, err
}

// LoginOTP checks the password and, when the account has a second factor,
// the code otp. Without a code it answers an *OTPError; for a web login that
// error carries a pending token which CompleteLogin turns into a session.
func (s *Service) LoginOTP(ctx context.Context, username, password, otp, ip, kind string) (string, error) {
	username = strings.TrimSpace(username)
	ctx = audit.WithActor(ctx, audit.Actor{Name: username, IP: ip})
	if s.throttled(ip, username) {
		return "", s.refuse(ctx, audit.Event{Action: "login.throttled", Result: "denied", ObjectType: "account", ObjectID: username}, ErrThrottled)
	}
	a, err := s.loadLogin(ctx, "username = ?", username)
	if db.IsNoRows(err) {
		CheckPassword(dummyHash, password) // same work whether or not the user exists
		return "", s.refuse(ctx, audit.Event{Action: "login.fail", Result: "denied", ObjectType: "account", ObjectID: username, Detail: "无此用户"}, ErrBadLogin)
	}
	if err != nil {
		return "", err
	}
	ok := CheckPassword(a.hash, password)
	if a.lockedUntil > s.Now().UnixMilli() {
		return "", s.refuse(ctx, audit.Event{Action: "login.locked", Result: "denied", ObjectType: "account", ObjectID: username}, ErrBadLogin)
	}
	if !ok || a.disabled {
		return "", s.fail(ctx, a, "login.fail", false, ErrBadLogin)
	}
	// An account without a granted role is inert: no session at all, so
	// whoever set its one-time password cannot make it their own before the
	// 安全保密管理员 has approved it (the holder changes it after approval).
	if a.role == "" {
		return "", s.refuse(ctx, audit.Event{Action: "login.not_granted", Result: "denied", ObjectType: "account", ObjectID: username}, ErrNotGranted)
	}
	if a.otpOn {
		if otp = NormalizeOTP(otp); otp == "" {
			if kind != "web" {
				return "", s.refuse(ctx, audit.Event{Action: "login.otp_missing", Result: "denied", ObjectType: "account", ObjectID: username}, &OTPError{})
			}
			pending, err := s.openSession(ctx, a, "pending", ip, "")
			if err != nil {
				return "", err
			}
			return "", &OTPError{Pending: pending}
		}
		if err := s.checkOTP(ctx, a, otp); err != nil {
			return "", err
		}
	}
	return s.openSession(ctx, a, kind, ip, "")
}

// PendingFor is how long the code page of a web login stays valid.
const PendingFor = 5 * time.Minute

// CompleteLogin ends a web login begun by LoginOTP: the pending token plus a
// current code give a web session.
func (s *Service) CompleteLogin(ctx context.Context, pending, otp, ip string) (string, error) {
	ctx = audit.WithActor(ctx, audit.Actor{IP: ip})
	ph := crypto.SM3Hex([]byte(pending))
	var id, created int64
	err := s.DB.QueryRowContext(ctx, "SELECT account_id, created_at FROM sessions WHERE token_hash = ? AND kind = 'pending'", ph).Scan(&id, &created)
	if db.IsNoRows(err) || pending == "" {
		return "", ErrExpired
	}
	if err != nil {
		return "", err
	}
	if s.Now().UnixMilli()-created > PendingFor.Milliseconds() {
		_, err := s.DB.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", ph)
		return "", errors.Join(ErrExpired, err)
	}
	a, err := s.loadLogin(ctx, "id = ?", id)
	if err != nil {
		return "", err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: a.username, IP: ip})
	// Locked, disabled, reset or stripped of its role since the password step: start again.
	if a.lockedUntil > s.Now().UnixMilli() || a.disabled || !a.otpOn || a.role == "" {
		action := "login.fail"
		if a.lockedUntil > s.Now().UnixMilli() {
			action = "login.locked"
		}
		return "", s.refuse(ctx, audit.Event{Action: action, Result: "denied", ObjectType: "account", ObjectID: a.username}, ErrBadLogin)
	}
	if err := s.checkOTP(ctx, a, NormalizeOTP(otp)); err != nil {
		return "", err
	}
	return s.openSession(ctx, a, "web", ip, ph)
}

// fail counts a failed login step; the MaxFailures-th locks the account and
// ends its pending logins (and, with endSessions, all its sessions). It
// answers err, or ErrBadLogin once locked.
func (s *Service) fail(ctx context.Context, a *loginAccount, action string, endSessions bool, err error) error {
	failed, lock := a.failed+1, int64(0)
	ev := audit.Event{Action: action, Result: "denied", ObjectType: "account", ObjectID: a.username}
	if failed >= s.Policy.MaxFailures {
		lock, failed = s.Now().Add(s.Policy.LockFor).UnixMilli(), 0
		ev.Action, err = "login.lockout", ErrBadLogin
	}
	terr := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET failed_count = ?, locked_until = ? WHERE id = ?", failed, lock, a.id); err != nil {
			return err
		}
		if lock != 0 {
			q := "DELETE FROM sessions WHERE account_id = ? AND kind = 'pending'"
			if endSessions {
				q = "DELETE FROM sessions WHERE account_id = ?"
			}
			if _, err := tx.ExecContext(ctx, q, a.id); err != nil {
				return err
			}
			if err := s.SessionsChanged(ctx, tx); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, tx, ev)
	})
	if terr != nil {
		return terr
	}
	return err
}

// refuse audits a refused login and answers err, or the audit's failure.
func (s *Service) refuse(ctx context.Context, ev audit.Event, err error) error {
	if aerr := s.Audit.Record(ctx, s.DB, ev); aerr != nil {
		return aerr
	}
	return err
}

// openSession stores a new session of kind for a, resetting the failure
// count and replacing the pending login dropHash (if any).
func (s *Service) openSession(ctx context.Context, a *loginAccount, kind, ip, dropHash string) (string, error) {
	token := crypto.RandomToken(32)
	now := s.Now().UnixMilli()
	action := "login.ok"
	if kind == "pending" {
		action = "login.otp_pending"
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if kind != "pending" {
			if _, err := tx.ExecContext(ctx, "UPDATE accounts SET failed_count = 0, locked_until = 0 WHERE id = ?", a.id); err != nil {
				return err
			}
		}
		// Pending logins of anyone that have expired go with each new one.
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ? OR (kind = 'pending' AND created_at < ?)", dropHash, now-PendingFor.Milliseconds()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, account_id, kind, created_at, last_seen, ip) VALUES (?,?,?,?,?,?)",
			crypto.SM3Hex([]byte(token)), a.id, kind, now, now, ip); err != nil {
			return err
		}
		return s.Audit.Write(audit.WithActor(ctx, audit.Actor{ID: a.id, Name: a.username, IP: ip}), tx, audit.Event{Action: action, ObjectType: "account", ObjectID: a.username, Detail: kind})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

var dummyHash = HashPassword("dummy-password-for-timing")

// Authenticate resolves a session token to its principal, enforcing the idle
// and absolute timeouts. last_seen is refreshed at most once a touchEvery,
// written with the other sessions' by a request a touchDelay later.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, ErrExpired
	}
	th := crypto.SM3Hex([]byte(token))
	clock := s.Now()
	now := clock.UnixMilli()
	if err := s.syncEpoch(ctx, clock); err != nil {
		return nil, err
	}
	e, gen, due := s.sessions.get(th, clock)
	if due != nil {
		if err := s.writeTouches(ctx, due); err != nil {
			return nil, err
		}
	}
	// A cached session that looks expired is read again: another instance
	// may have seen it more recently.
	if e == nil || s.expired(e, now) {
		var err error
		if e, err = s.readSession(ctx, th); err != nil {
			return nil, err
		}
		e.read = clock
		if s.expired(e, now) {
			s.sessions.forget(th)
			if _, err := s.DB.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", th); err != nil {
				return nil, err
			}
			return nil, ErrExpired
		}
		s.sessions.put(th, e, gen)
	}
	if now-e.seen > touchEvery.Milliseconds() {
		s.sessions.touch(th, now, clock)
	}
	p := e.p
	p.MustChange = p.OneTime || now-e.changed > s.Policy.MaxPasswordAge.Milliseconds()
	p.NeedsOTP = !p.OTPEnabled && s.Policy.RequiresOTP(p.Role)
	p.TokenHash = th
	return &p, nil
}

func (s *Service) expired(e *cachedSession, now int64) bool {
	return now-e.seen > s.Policy.IdleTimeout.Milliseconds() || now-e.created > s.Policy.AbsoluteTimeout.Milliseconds()
}

// readSession reads the live session th with its account from the database.
func (s *Service) readSession(ctx context.Context, th string) (*cachedSession, error) {
	s.sessionOnce.Do(func() {
		s.sessionStmt, s.sessionErr = s.DB.R.PrepareContext(context.Background(), s.DB.Rebind(sessionQuery))
	})
	if s.sessionErr != nil {
		return nil, s.sessionErr
	}
	var e cachedSession
	var orgID, personID *int64
	var orgPath *string
	p := &e.p
	err := s.sessionStmt.QueryRowContext(ctx, th).
		Scan(&p.AccountID, &p.Username, &p.DisplayName, &p.Role, &orgID, &orgPath, &personID, &e.changed, &p.OneTime, &p.OTPEnabled, &e.created, &e.seen)
	if err != nil {
		if db.IsNoRows(err) {
			return nil, ErrExpired
		}
		return nil, err
	}
	if orgID != nil {
		p.OrgID = *orgID
	}
	if orgPath != nil {
		p.OrgPath = *orgPath
	}
	if personID != nil {
		p.PersonID = *personID
	}
	return &e, nil
}

// Logout ends the session behind token.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", p.TokenHash); err != nil {
			return err
		}
		if err := s.SessionsChanged(ctx, tx); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "logout", ObjectType: "account", ObjectID: p.Username})
	})
}
