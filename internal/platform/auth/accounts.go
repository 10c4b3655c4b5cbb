package auth

import (
	"context"
	"errors"
	"strings"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
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
}

// NewAccount is what creating an account needs.
type NewAccount struct {
	Username    string
	DisplayName string
	Role        Role
	OrgID       int64
	PersonID    int64
	Password    string
}

// ErrInput is a validation failure, with a Chinese message naming the field.
type ErrInput struct{ Field, Message string }

func (e *ErrInput) Error() string { return e.Message }

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

// CreateAccount validates and stores an account, audited in the same transaction.
func (s *Service) CreateAccount(ctx context.Context, a NewAccount) (int64, error) {
	a.Username = strings.ToLower(strings.TrimSpace(a.Username))
	if !validUsername(a.Username) {
		return 0, &ErrInput{"username", "用户名须为 2–32 位小写字母、数字或 _ . -"}
	}
	if !a.Role.Valid() {
		return 0, &ErrInput{"role", "角色无效"}
	}
	if a.Role.Scoped() && a.OrgID == 0 {
		return 0, &ErrInput{"org_id", "党务管理员和领导须指定管辖的组织"}
	}
	if a.Role == Member && a.PersonID == 0 {
		return 0, &ErrInput{"person_id", "党员账号须关联人员"}
	}
	if err := CheckPolicy(a.Password, a.Username, s.Policy.MinLength); err != nil {
		return 0, &ErrInput{"password", err.Error()}
	}
	now := s.Now().UnixMilli()
	hash := HashPassword(a.Password)
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO accounts (username, display_name, role, org_id, person_id, password_hash, password_changed_at, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, a.Username, a.DisplayName, string(a.Role), nullID(a.OrgID), nullID(a.PersonID), hash, now, now, now)
		if db.IsUnique(err) {
			return &ErrInput{"username", "用户名已存在"}
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO password_history (account_id, hash, at) VALUES (?,?,?)", id, hash, now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "account.create", ObjectType: "account", ObjectID: a.Username,
			Detail: audit.Change{After: map[string]any{"username": a.Username, "role": a.Role, "org_id": a.OrgID, "person_id": a.PersonID}}})
	})
	return id, err
}

// SetPassword changes a password, refusing the last HistoryDepth ones. When
// old is non-nil it must match the current password (self-service change).
func (s *Service) SetPassword(ctx context.Context, accountID int64, old *string, pw string) error {
	var username, cur string
	if err := s.DB.QueryRowContext(ctx, "SELECT username, password_hash FROM accounts WHERE id = ?", accountID).Scan(&username, &cur); err != nil {
		return err
	}
	if old != nil && !CheckPassword(cur, *old) {
		return &ErrInput{"old_password", "原密码不正确"}
	}
	if err := CheckPolicy(pw, username, s.Policy.MinLength); err != nil {
		return &ErrInput{"password", err.Error()}
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT hash FROM password_history WHERE account_id = ? ORDER BY id DESC LIMIT ?", accountID, s.Policy.HistoryDepth)
	if err != nil {
		return err
	}
	var recent []string
	for rows.Next() {
		var h string
		rows.Scan(&h)
		recent = append(recent, h)
	}
	rows.Close()
	for _, h := range recent {
		if CheckPassword(h, pw) {
			return &ErrInput{"password", "新密码不能与最近 5 次使用过的密码相同"}
		}
	}
	now := s.Now().UnixMilli()
	hash := HashPassword(pw)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET password_hash = ?, password_changed_at = ?, failed_count = 0, locked_until = 0, updated_at = ? WHERE id = ?", hash, now, now, accountID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO password_history (account_id, hash, at) VALUES (?,?,?)", accountID, hash, now); err != nil {
			return err
		}
		// Other sessions of this account end with the old password.
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = ?", accountID); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "account.password", ObjectType: "account", ObjectID: username})
	})
}

// ListAccounts lists accounts for the system administrator.
func (s *Service) ListAccounts(ctx context.Context) ([]Account, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT a.id, a.username, a.display_name, a.role, COALESCE(a.org_id,0), COALESCE(o.name,''), COALESCE(a.person_id,0), a.disabled, a.locked_until, a.totp_enabled
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
		if err := rows.Scan(&a.ID, &a.Username, &a.DisplayName, &a.Role, &a.OrgID, &a.OrgName, &a.PersonID, &a.Disabled, &locked, &a.OTPEnabled); err != nil {
			return nil, err
		}
		a.RoleLabel, a.Locked = a.Role.Label(), locked > now
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
