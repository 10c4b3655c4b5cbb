package auth

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
)

// Account is a login, separate from any person record.
type Account struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	RoleLabel   string `json:"role_label"`
	OrgID       int64  `json:"org_id,omitempty"`
	OrgName     string `json:"org_name,omitempty"`
	PersonID    int64  `json:"person_id,omitempty"`
	Disabled    bool   `json:"disabled"`
	Locked      bool   `json:"locked"`
	OTPEnabled  bool   `json:"otp_enabled"`
	// Granted is false for an account the 系统管理员 made whose role the
	// 安全保密管理员 has not granted yet: it cannot log in.
	Granted bool `json:"granted"`
	// OneTime: the password was set by someone else and must be changed at the next login.
	OneTime bool `json:"one_time_password"`
	// Request is the latest role request for the account, if any.
	Request *RoleRequest `json:"request,omitempty"`
}

// State is whether the account can log in, in words, with the badge's
// class that shows it: 停用, 待授权, 锁定中 or 正常.
func (a Account) State() (label, class string) {
	switch {
	case a.Disabled:
		return "停用", "bad"
	case !a.Granted:
		return "待授权", "warn"
	case a.Locked:
		return "锁定中", "warn"
	}
	return "正常", "ok"
}

// StateLabel and StateClass are State's two parts, for templates.
func (a Account) StateLabel() string { l, _ := a.State(); return l }
func (a Account) StateClass() string { _, c := a.State(); return c }

// NewAccount is what creating an account needs.
type NewAccount struct {
	Username    string
	DisplayName string
	Role        Role
	OrgID       int64
	PersonID    int64
	Password    string
	// OneTime marks a password chosen by someone other than the account's
	// holder: it must be changed at the first login.
	OneTime bool
}

func validUsername(u string) bool {
	if len(u) < 2 || len(u) > 32 {
		return false
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// CreateAccount validates and stores an account with the role and scope it
// names, audited in the same transaction. It is the server operator's path
// (the command line, the first admin, tests); the 系统管理员's path on the web
// is RequestAccount, which grants nothing.
func (s *Service) CreateAccount(ctx context.Context, a NewAccount) (int64, error) {
	return s.createAccount(ctx, a, nil)
}

// createAccount validates a and stores it. With request, the account gets no
// role, scope nor person and a one-time password; request records, in the
// same transaction, the role asked for.
func (s *Service) createAccount(ctx context.Context, a NewAccount, request func(tx *db.Tx, a *NewAccount, id int64) error) (int64, error) {
	a.Username = strings.ToLower(strings.TrimSpace(a.Username))
	if !validUsername(a.Username) {
		return 0, fail.Malformed("username", "用户名须为 2–32 位小写字母、数字或 _ . -")
	}
	a.DisplayName = strings.TrimSpace(a.DisplayName)
	if msg := plaintext.Line("姓名（显示名）", a.DisplayName); msg != "" {
		return 0, fail.Malformed("display_name", msg)
	}
	if utf8.RuneCountInString(a.DisplayName) > 40 {
		return 0, fail.Malformed("display_name", "姓名（显示名）过长（最多 40 个字）")
	}
	if !a.Role.Valid() {
		return 0, fail.Malformed("role", "角色无效")
	}
	if a.Role.Scoped() && a.OrgID == 0 {
		return 0, fail.Malformed("org_id", "党务管理员和领导须指定管辖的组织")
	}
	if a.Role == Member && a.PersonID == 0 {
		return 0, fail.Malformed("person_id", "党员账号须关联人员")
	}
	if err := CheckPolicy(a.Password, a.Username, s.Policy.MinLength); err != nil {
		return 0, fail.Malformed("password", err.Error())
	}
	now := s.Now().UnixMilli()
	hash := HashPassword(a.Password)
	role, orgID, personID, oneTime := a.Role, a.OrgID, a.PersonID, a.OneTime
	if request != nil {
		role, orgID, personID, oneTime = "", 0, 0, true
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO accounts (username, display_name, role, org_id, person_id, password_hash, password_changed_at, password_one_time, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, a.Username, a.DisplayName, string(role), nullID(orgID), nullID(personID), hash, now, db.Int(oneTime), now, now)
		if db.IsUnique(err) {
			return fail.Malformed("username", "用户名已存在")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO password_history (account_id, hash, at) VALUES (?,?,?)", id, hash, now); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, audit.Event{Action: "account.create", ObjectType: "account", ObjectID: a.Username,
			Detail: audit.Change{After: map[string]any{"username": a.Username, "role": role, "org_id": orgID, "person_id": personID, "one_time": oneTime}}}); err != nil {
			return err
		}
		if request != nil {
			return request(tx, &a, id)
		}
		return nil
	})
	return id, err
}

// SetPassword changes a password, refusing the last HistoryDepth ones. When
// old is non-nil it must match the current password (self-service change).
// With old nil someone else sets it (a reset: the command line, or
// ResetPassword for the 系统管理员): it is a one-time password, which the
// holder must change at the next login before doing anything else.
func (s *Service) SetPassword(ctx context.Context, accountID int64, old *string, pw string) error {
	return s.setPassword(ctx, accountID, old, pw, nil)
}

// setPassword is SetPassword with then run in the same transaction.
func (s *Service) setPassword(ctx context.Context, accountID int64, old *string, pw string, then func(tx *db.Tx) error) error {
	var username, cur string
	var wasOneTime bool
	if err := s.DB.QueryRowContext(ctx, "SELECT username, password_hash, password_one_time FROM accounts WHERE id = ?", accountID).Scan(&username, &cur, &wasOneTime); err != nil {
		return err
	}
	if old != nil && !CheckPassword(cur, *old) {
		// Counted as a failed login: guessing it from an open session locks
		// the account (ErrBadLogin, sessions ended) as guessing at login does.
		a, err := s.loadLogin(ctx, "id = ?", accountID)
		if err != nil {
			return err
		}
		return s.fail(ctx, a, "password.old_fail", true, fail.Malformed("old_password", "原密码不正确"))
	}
	if err := CheckPolicy(pw, username, s.Policy.MinLength); err != nil {
		return fail.Malformed("password", err.Error())
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT hash FROM password_history WHERE account_id = ? ORDER BY id DESC LIMIT ?", accountID, s.Policy.HistoryDepth)
	if err != nil {
		return err
	}
	var recent []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return errors.Join(err, rows.Close())
		}
		recent = append(recent, h)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, h := range recent {
		if CheckPassword(h, pw) {
			return fail.Malformed("password", "新密码不能与最近 5 次使用过的密码相同")
		}
	}
	now := s.Now().UnixMilli()
	hash := HashPassword(pw)
	oneTime := old == nil
	ev := audit.Event{Action: "account.password", ObjectType: "account", ObjectID: username}
	if oneTime {
		ev.Action, ev.Detail = "account.reset", map[string]any{"one_time": true}
	} else if wasOneTime {
		ev.Detail = map[string]any{"replaced_one_time": true}
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET password_hash = ?, password_changed_at = ?, password_one_time = ?, failed_count = 0, locked_until = 0, updated_at = ? WHERE id = ?", hash, now, db.Int(oneTime), now, accountID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO password_history (account_id, hash, at) VALUES (?,?,?)", accountID, hash, now); err != nil {
			return err
		}
		// Other sessions of this account end with the old password.
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = ?", accountID); err != nil {
			return err
		}
		if err := s.SessionsChanged(ctx, tx); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, tx, ev); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		return then(tx)
	})
}

// ListAccounts lists accounts for the system administrator, each with its
// latest role request.
func (s *Service) ListAccounts(ctx context.Context) ([]Account, error) {
	reqs, err := s.latestRequests(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT a.id, a.username, a.display_name, a.role, COALESCE(a.org_id,0), COALESCE(o.name,''), COALESCE(a.person_id,0), a.disabled, a.locked_until, a.totp_enabled, a.password_one_time
		FROM accounts a LEFT JOIN orgs o ON o.id = a.org_id ORDER BY a.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.Now().UnixMilli()
	var out []Account
	for rows.Next() {
		var a Account
		var locked int64
		if err := rows.Scan(&a.ID, &a.Username, &a.DisplayName, &a.Role, &a.OrgID, &a.OrgName, &a.PersonID, &a.Disabled, &locked, &a.OTPEnabled, &a.OneTime); err != nil {
			return nil, err
		}
		a.RoleLabel, a.Locked, a.Granted, a.Request = a.Role.Label(), locked > now, a.Role != "", reqs[a.ID]
		if !a.Granted {
			a.RoleLabel = "未授权"
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountID returns the id of a username.
func (s *Service) AccountID(ctx context.Context, username string) (int64, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, "SELECT id FROM accounts WHERE username = ?", strings.ToLower(username)).Scan(&id)
	if db.IsNoRows(err) {
		return 0, errors.New("无此用户: " + username)
	}
	return id, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// NameOf is the SQL expression of the name a page shows for the account
// whose username is in col (records keep who wrote them by username): the
// account's display name, or col itself when no account has a name.
func NameOf(col string) string {
	return "COALESCE((SELECT NULLIF(shown.display_name, '') FROM accounts shown WHERE shown.username = " + col + "), " + col + ")"
}
