package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// 三员分立 (等保 三级): the 系统管理员 makes accounts but grants nothing; the
// 安全保密管理员 grants roles and scopes, directly or by approving what the
// 系统管理员 asked for; the 安全审计员 reads both in the audit log. Nobody
// grants themselves a role, and the 三员 accounts are made, reset and freed
// of a lost second factor only with the command line on the server.

// refused is an act the separation of duties forbids the caller.
func refused(field, msg string) *fail.Error {
	return &fail.Error{Kind: fail.KindForbidden, Code: "separation_of_duties", Field: field, Message: msg}
}

// ErrDecided answers a decision on a request that is no longer pending.
var ErrDecided = fail.Conflict("该授权申请已处理过，不能再次审批")

var errThreeRole = refused("role", "三员角色（系统管理员、安全保密管理员、安全审计员）只能由服务器运维人员用命令行 hongdun user create 设立")

// Request states.
const (
	RequestPending    = "pending"
	RequestApproved   = "approved"
	RequestRefused    = "refused"
	RequestSuperseded = "superseded" // settled by a direct grant
)

// RequestStatusLabel is the Chinese name of a request state.
func RequestStatusLabel(s string) string {
	return map[string]string{RequestPending: "待审批", RequestApproved: "已批准", RequestRefused: "已拒绝", RequestSuperseded: "已由直接授权取代"}[s]
}

// RoleRequest is the role and scope the 系统管理员 asked for an account.
type RoleRequest struct {
	ID          int64  `json:"id"`
	AccountID   int64  `json:"account_id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        Role   `json:"role"`
	RoleLabel   string `json:"role_label"`
	OrgID       int64  `json:"org_id,omitempty"`
	OrgName     string `json:"org_name,omitempty"`
	PersonID    int64  `json:"person_id,omitempty"`
	Reason      string `json:"reason,omitempty"`
	RequestedBy string `json:"requested_by"`
	RequestedAt int64  `json:"requested_at"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	DecidedBy   string `json:"decided_by,omitempty"`
	DecidedAt   int64  `json:"decided_at,omitempty"`
	Note        string `json:"note,omitempty"`
	// CurrentRole is the account's role now ("" while it has none).
	CurrentRole Role `json:"current_role"`
}

// checkText refuses control and invisible format characters (line breaks,
// bidirectional overrides) and overlong free text.
func checkText(field, label, s string, max int) error {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) }) {
		return fail.Malformed(field, label+"含有控制字符或不可见字符，请删除后重新输入")
	}
	if utf8.RuneCountInString(s) > max {
		return fail.Malformed(field, label+"过长")
	}
	return nil
}

// RequestAccount is the 系统管理员's way to make an account: it stores the
// account without any role, scope or person and with a one-time password,
// and asks the 安全保密管理员 for the role and scope in a.Role, a.OrgID and
// a.PersonID. Until granted, the account cannot log in.
func (s *Service) RequestAccount(ctx context.Context, p *Principal, a NewAccount, reason string) (accountID, requestID int64, err error) {
	if p == nil || p.Role != SysAdmin {
		return 0, 0, refused("", "只有系统管理员可以申请新建账号")
	}
	if a.Role.ThreeAdmin() {
		return 0, 0, errThreeRole
	}
	reason = strings.TrimSpace(reason)
	if err := checkText("reason", "申请说明", reason, 200); err != nil {
		return 0, 0, err
	}
	accountID, err = s.createAccount(ctx, a, func(tx *db.Tx, a *NewAccount, id int64) error {
		if err := checkScope(ctx, tx, a.Role, a.OrgID, a.PersonID); err != nil {
			return err
		}
		org, person := a.OrgID, a.PersonID
		if !a.Role.Scoped() {
			org = 0
		}
		if a.Role != Member {
			person = 0
		}
		var err error
		requestID, err = db.InsertID(ctx, tx, `INSERT INTO role_requests (account_id, role, org_id, person_id, reason, requested_by, requested_by_name, requested_at, status)
			VALUES (?,?,?,?,?,?,?,?,?)`, id, string(a.Role), nullID(org), nullID(person), reason, p.AccountID, p.Username, s.Now().UnixMilli(), RequestPending)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "account.request", ObjectType: "account", ObjectID: a.Username,
			Detail: map[string]any{"request_id": requestID, "role": a.Role, "org_id": org, "person_id": person, "reason": reason, "requested_by": p.Username}})
	})
	return accountID, requestID, err
}

// checkScope validates a business role with its organisation and person.
func checkScope(ctx context.Context, q db.Querier, role Role, orgID, personID int64) error {
	if !role.Valid() {
		return fail.Malformed("role", "角色无效")
	}
	if role.ThreeAdmin() {
		return errThreeRole
	}
	if role.Scoped() {
		if orgID == 0 {
			return fail.Malformed("org_id", "党务管理员和领导须指定管辖的组织")
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs WHERE id = ? AND dissolved_on IS NULL", orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fail.Malformed("org_id", "管辖组织不存在或已撤销")
		}
	}
	if role == Member {
		if personID == 0 {
			return fail.Malformed("person_id", "党员账号须关联人员")
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM persons WHERE id = ?", personID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fail.Malformed("person_id", "关联的人员不存在")
		}
	}
	return nil
}

const requestColumns = `r.id, r.account_id, a.username, a.display_name, r.role, COALESCE(r.org_id, 0), COALESCE(o.name, ''), COALESCE(r.person_id, 0),
	r.reason, r.requested_by_name, r.requested_at, r.status, r.decided_by_name, r.decided_at, r.note, a.role
	FROM role_requests r JOIN accounts a ON a.id = r.account_id LEFT JOIN orgs o ON o.id = r.org_id`

func scanRequests(rows *sql.Rows) ([]RoleRequest, error) {
	defer rows.Close()
	var out []RoleRequest
	for rows.Next() {
		var r RoleRequest
		if err := rows.Scan(&r.ID, &r.AccountID, &r.Username, &r.DisplayName, &r.Role, &r.OrgID, &r.OrgName, &r.PersonID,
			&r.Reason, &r.RequestedBy, &r.RequestedAt, &r.Status, &r.DecidedBy, &r.DecidedAt, &r.Note, &r.CurrentRole); err != nil {
			return nil, err
		}
		r.RoleLabel, r.StatusLabel = r.Role.Label(), RequestStatusLabel(r.Status)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RoleRequests lists the pending requests, oldest first, then the latest
// decided ones (up to decided), newest first.
func (s *Service) RoleRequests(ctx context.Context, decided int) ([]RoleRequest, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+requestColumns+" WHERE r.status = ? ORDER BY r.id", RequestPending)
	if err != nil {
		return nil, err
	}
	out, err := scanRequests(rows)
	if err != nil || decided <= 0 {
		return out, err
	}
	rows, err = s.DB.QueryContext(ctx, "SELECT "+requestColumns+" WHERE r.status <> ? ORDER BY r.id DESC LIMIT ?", RequestPending, decided)
	if err != nil {
		return nil, err
	}
	done, err := scanRequests(rows)
	return append(out, done...), err
}

// latestRequests returns each account's latest request.
func (s *Service) latestRequests(ctx context.Context) (map[int64]*RoleRequest, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+requestColumns+" WHERE r.id IN (SELECT MAX(id) FROM role_requests GROUP BY account_id)")
	if err != nil {
		return nil, err
	}
	list, err := scanRequests(rows)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*RoleRequest, len(list))
	for i := range list {
		out[list[i].AccountID] = &list[i]
	}
	return out, nil
}

// mustSecAdmin refuses anyone but the 安全保密管理员.
func mustSecAdmin(p *Principal) error {
	if p == nil || p.Role != SecAdmin {
		return refused("", "只有安全保密管理员可以授予或调整角色")
	}
	return nil
}

// grant sets an account's role, scope and (for a member) person inside tx,
// ending its sessions, after the checks every grant shares. It returns the
// account's username and what it held before.
func (s *Service) grant(ctx context.Context, tx *db.Tx, p *Principal, accountID int64, role Role, orgID, personID int64) (string, map[string]any, error) {
	if accountID == p.AccountID {
		return "", nil, refused("role", "不能为自己授予或调整角色")
	}
	var username string
	var oldRole Role
	var oldOrg, oldPerson sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT username, role, org_id, person_id FROM accounts WHERE id = ?", accountID).Scan(&username, &oldRole, &oldOrg, &oldPerson)
	if err != nil {
		return "", nil, err
	}
	if oldRole.ThreeAdmin() {
		return "", nil, refused("role", "三员账号的角色不能在网页上调整")
	}
	if role == Member && personID == 0 {
		personID = oldPerson.Int64
		if personID == 0 {
			return "", nil, fail.Malformed("role", "该账号未关联人员，不能设为党员角色")
		}
	}
	if err := checkScope(ctx, tx, role, orgID, personID); err != nil {
		return "", nil, err
	}
	if !role.Scoped() {
		orgID = 0
	}
	// The person link stays as it was unless a member role names one.
	if role != Member {
		personID = oldPerson.Int64
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET role = ?, org_id = ?, person_id = ?, updated_at = ? WHERE id = ?",
		string(role), nullID(orgID), nullID(personID), s.Now().UnixMilli(), accountID); err != nil {
		return "", nil, err
	}
	// A changed role takes effect at the next login.
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = ?", accountID); err != nil {
		return "", nil, err
	}
	if err := s.SessionsChanged(ctx, tx); err != nil {
		return "", nil, err
	}
	return username, map[string]any{"role": oldRole, "org_id": oldOrg.Int64, "person_id": oldPerson.Int64}, nil
}

// GrantRole is the 安全保密管理员's direct grant or change of an account's
// role and scope. It settles any pending request for the account.
func (s *Service) GrantRole(ctx context.Context, p *Principal, accountID int64, role Role, orgID int64) error {
	if err := mustSecAdmin(p); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		username, before, err := s.grant(ctx, tx, p, accountID, role, orgID, 0)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE role_requests SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, note = ? WHERE account_id = ? AND status = ?",
			RequestSuperseded, p.AccountID, p.Username, s.Now().UnixMilli(), "安全保密管理员直接授权", accountID, RequestPending); err != nil {
			return err
		}
		action := "account.role"
		if before["role"] == Role("") {
			action = "account.grant"
		}
		if !role.Scoped() {
			orgID = 0
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "account", ObjectID: username,
			Detail: audit.Change{Before: before, After: map[string]any{"role": role, "org_id": orgID, "requested_by": p.Username, "approved_by": p.Username}}})
	})
}

// DecideRequest approves (granting what was asked) or refuses a pending
// request. The one who asked, and the account itself, cannot decide it.
func (s *Service) DecideRequest(ctx context.Context, p *Principal, requestID int64, approve bool, note string) error {
	if err := mustSecAdmin(p); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if err := checkText("note", "审批意见", note, 200); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var accountID, orgID, personID int64
		var requestedBy sql.NullInt64
		var requester, status string
		var role Role
		err := tx.QueryRowContext(ctx, "SELECT account_id, role, COALESCE(org_id, 0), COALESCE(person_id, 0), requested_by, requested_by_name, status FROM role_requests WHERE id = ?", requestID).
			Scan(&accountID, &role, &orgID, &personID, &requestedBy, &requester, &status)
		if err != nil {
			return err
		}
		if status != RequestPending {
			return ErrDecided
		}
		if accountID == p.AccountID || requestedBy.Valid && requestedBy.Int64 == p.AccountID {
			return refused("", "不能审批自己提出的或为自己申请的授权")
		}
		next, action := RequestRefused, "account.refuse"
		if approve {
			next, action = RequestApproved, "account.grant"
		}
		res, err := tx.ExecContext(ctx, "UPDATE role_requests SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, note = ? WHERE id = ? AND status = ?",
			next, p.AccountID, p.Username, s.Now().UnixMilli(), note, requestID, RequestPending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(ErrDecided, err)
		}
		if !approve {
			var username string
			if err := tx.QueryRowContext(ctx, "SELECT username FROM accounts WHERE id = ?", accountID).Scan(&username); err != nil {
				return err
			}
			return s.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "account", ObjectID: username,
				Detail: map[string]any{"request_id": requestID, "role": role, "org_id": orgID, "person_id": personID, "requested_by": requester, "refused_by": p.Username, "note": note}})
		}
		username, before, err := s.grant(ctx, tx, p, accountID, role, orgID, personID)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: action, ObjectType: "account", ObjectID: username,
			Detail: audit.Change{Before: before, After: map[string]any{"role": role, "org_id": orgID, "person_id": personID,
				"request_id": requestID, "requested_by": requester, "approved_by": p.Username, "note": note}}})
	})
}

// ResetPassword is the 系统管理员's reset of another account's password: a
// one-time password the holder must change at the next login. The 系统管理员
// knows that password, so the account's role is suspended in the same
// transaction and asked back from the 安全保密管理员: nobody gains a business
// account's rights by the 系统管理员 alone. The 三员's passwords are reset
// only with the command line on the server.
func (s *Service) ResetPassword(ctx context.Context, p *Principal, accountID int64, pw string) error {
	if err := s.adminTarget(ctx, p, accountID, "密码", "hongdun user reset"); err != nil {
		return err
	}
	return s.setPassword(ctx, accountID, nil, pw, func(tx *db.Tx) error { return s.suspend(ctx, tx, p, accountID) })
}

// suspend takes a granted account's role away and files a request for the
// same role, scope and person, which the 安全保密管理员 approves or refuses.
func (s *Service) suspend(ctx context.Context, tx *db.Tx, p *Principal, accountID int64) error {
	var username string
	var role Role
	var orgID, personID int64
	err := tx.QueryRowContext(ctx, "SELECT username, role, COALESCE(org_id, 0), COALESCE(person_id, 0) FROM accounts WHERE id = ?", accountID).
		Scan(&username, &role, &orgID, &personID)
	if err != nil || role == "" {
		return err // an account still waiting for its grant has nothing to suspend
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET role = '', updated_at = ? WHERE id = ?", s.Now().UnixMilli(), accountID); err != nil {
		return err
	}
	if err := s.SessionsChanged(ctx, tx); err != nil {
		return err
	}
	const reason = "系统管理员重置了密码，申请恢复原有角色与管辖范围"
	requestID, err := db.InsertID(ctx, tx, `INSERT INTO role_requests (account_id, role, org_id, person_id, reason, requested_by, requested_by_name, requested_at, status)
		VALUES (?,?,?,?,?,?,?,?,?)`, accountID, string(role), nullID(orgID), nullID(personID), reason, p.AccountID, p.Username, s.Now().UnixMilli(), RequestPending)
	if err != nil {
		return err
	}
	return s.Audit.Write(ctx, tx, audit.Event{Action: "account.suspend", ObjectType: "account", ObjectID: username,
		Detail: map[string]any{"request_id": requestID, "role": role, "org_id": orgID, "person_id": personID, "requested_by": p.Username}})
}

// AdminResetOTP is the 系统管理员's reset of another account's lost second
// factor; the 三员's only with the command line on the server.
func (s *Service) AdminResetOTP(ctx context.Context, p *Principal, accountID int64) error {
	if err := s.adminTarget(ctx, p, accountID, "动态口令", "hongdun user reset-otp"); err != nil {
		return err
	}
	return s.ResetOTP(ctx, accountID)
}

// adminTarget refuses a 系统管理员's reset of their own or a 三员 account.
func (s *Service) adminTarget(ctx context.Context, p *Principal, accountID int64, what, command string) error {
	if p == nil || p.Role != SysAdmin {
		return refused("", "只有系统管理员可以重置他人的"+what)
	}
	if accountID == p.AccountID {
		return refused("id", "不能重置自己的"+what+"；请在“修改密码”或“动态口令”页面操作")
	}
	var role Role
	if err := s.DB.QueryRowContext(ctx, "SELECT role FROM accounts WHERE id = ?", accountID).Scan(&role); err != nil {
		return err
	}
	// The role of a 三员 account never changes, so this holds until the reset commits.
	if role.ThreeAdmin() {
		return refused("id", "三员账号（系统管理员、安全保密管理员、安全审计员）的"+what+"不能在网页上重置：须由服务器运维人员在服务器上执行 "+command+"（记入审计日志）")
	}
	return nil
}
