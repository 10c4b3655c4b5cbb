package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// OTPError answers a login whose password was right but whose second factor
// is missing or wrong. For the first step of a web login, Pending is the
// token of the short-lived pending login that CompleteLogin finishes.
type OTPError struct {
	Wrong   bool
	Pending string
}

func (e *OTPError) Error() string {
	if e.Wrong {
		return "动态口令错误或已使用过，请输入验证器应用中当前显示的 6 位动态口令"
	}
	return "该账号已启用双因素认证，请输入验证器应用中的 6 位动态口令"
}

// Errors of enrolment and reset.
var (
	ErrOTPEnabled    = fail.Conflict("动态口令已启用；如需更换手机，请先停用再重新绑定")
	ErrOTPNotEnabled = fail.Conflict("该账号未启用动态口令")
)

// Refusals of a malformed or wrong code on the enrolment forms.
var (
	errOTPFormat = fail.Malformed("code", "动态口令须为 6 位数字")
	errOTPWrong  = fail.Malformed("code", "动态口令不正确或已使用过：请确认手机时间准确，输入验证器中当前显示的口令")
)

// consumeOTP checks code against a sealed secret and, when it matches a step
// later than the last one used, records that step: a code works once.
func (s *Service) consumeOTP(ctx context.Context, q db.Querier, accountID int64, sealed []byte, code string) (bool, error) {
	secret, err := s.Keys.Open(sealed)
	if err != nil {
		return false, err
	}
	step, ok := matchOTP(secret, code, s.Now())
	if !ok {
		return false, nil
	}
	res, err := q.ExecContext(ctx, "UPDATE accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, accountID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// checkOTP is the second login step: a wrong or replayed code counts as a
// failed login towards the lockout.
func (s *Service) checkOTP(ctx context.Context, a *loginAccount, code string) error {
	ok, err := s.consumeOTP(ctx, s.DB, a.id, a.otpSecret, code)
	if err != nil {
		return err
	}
	if !ok {
		return s.fail(ctx, a, "login.otp_fail", false, &OTPError{Wrong: true})
	}
	return nil
}

// Enrolment is a new secret offered on the enrolment page. Token carries the
// secret sealed to the account and an expiry, so the page (a GET) stores
// nothing and users cannot choose their own secret.
type Enrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	Token  string `json:"enrol"`
}

// EnrolFor is how long an enrolment token stays valid.
const EnrolFor = 15 * time.Minute

// NewEnrolment makes a secret for p to scan.
func (s *Service) NewEnrolment(p *Principal) Enrolment {
	secret := NewOTPSecret()
	exp := s.Now().Add(EnrolFor).UnixMilli()
	tok := base64.RawURLEncoding.EncodeToString(s.Keys.Seal(fmt.Sprintf("%d|%d|%s", p.AccountID, exp, secret)))
	return Enrolment{Secret: secret, URI: OTPURI(p.Username, secret), Token: tok}
}

// openEnrolment returns the secret of an enrolment token made for accountID.
func (s *Service) openEnrolment(accountID int64, token string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	plain, err := s.Keys.Open(raw)
	if err != nil {
		return "", false
	}
	parts := strings.Split(plain, "|")
	if len(parts) != 3 || parts[0] != strconv.FormatInt(accountID, 10) {
		return "", false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || exp < s.Now().UnixMilli() {
		return "", false
	}
	return parts[2], true
}

// EnableOTP confirms an enrolment with a current code. The secret is stored
// sealed; the account's other sessions end, since they began without it.
func (s *Service) EnableOTP(ctx context.Context, p *Principal, token, code string) error {
	code = NormalizeOTP(code)
	if !validOTPFormat(code) {
		return errOTPFormat
	}
	secret, ok := s.openEnrolment(p.AccountID, token)
	if !ok {
		return fail.Malformed("enrol", "绑定信息无效或已过期（15 分钟），请刷新页面重新扫码")
	}
	step, ok := matchOTP(secret, code, s.Now())
	if !ok {
		return errOTPWrong
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE accounts SET totp_secret = ?, totp_enabled = 1, totp_last_step = ?, updated_at = ? WHERE id = ? AND totp_enabled = 0",
			s.Keys.Seal(secret), step, s.Now().UnixMilli(), p.AccountID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(ErrOTPEnabled, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?", p.AccountID, p.TokenHash); err != nil {
			return err
		}
		if err := s.SessionsChanged(ctx, tx); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "mfa.enable", ObjectType: "account", ObjectID: p.Username})
	})
}

// DisableOTP removes p's second factor given a current code. Wrong codes
// count towards the lockout, which here also ends every session: a stolen
// session cannot guess its way to removing the factor.
func (s *Service) DisableOTP(ctx context.Context, p *Principal, code string) error {
	code = NormalizeOTP(code)
	if !validOTPFormat(code) {
		return errOTPFormat
	}
	a, err := s.loadLogin(ctx, "id = ?", p.AccountID)
	if err != nil {
		return err
	}
	if !a.otpOn {
		return ErrOTPNotEnabled
	}
	ok, err := s.consumeOTP(ctx, s.DB, a.id, a.otpSecret, code)
	if err != nil {
		return err
	}
	if !ok {
		return s.fail(ctx, a, "mfa.otp_fail", true, errOTPWrong)
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.clearOTP(ctx, tx, a.id); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "mfa.disable", ObjectType: "account", ObjectID: p.Username})
	})
}

// ResetOTP removes another account's second factor (the 系统管理员's remedy
// for a lost phone). Callers refuse the administrator's own account.
func (s *Service) ResetOTP(ctx context.Context, accountID int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var username string
		var on bool
		err := tx.QueryRowContext(ctx, "SELECT username, totp_enabled FROM accounts WHERE id = ?", accountID).Scan(&username, &on)
		if err != nil {
			return err
		}
		if !on {
			return ErrOTPNotEnabled
		}
		if err := s.clearOTP(ctx, tx, accountID); err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "mfa.reset", ObjectType: "account", ObjectID: username})
	})
}

func (s *Service) clearOTP(ctx context.Context, tx *db.Tx, accountID int64) error {
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET totp_secret = NULL, totp_enabled = 0, totp_last_step = 0, updated_at = ? WHERE id = ?", s.Now().UnixMilli(), accountID); err != nil {
		return err
	}
	return s.SessionsChanged(ctx, tx)
}
