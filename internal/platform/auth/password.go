package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters of new hashes (RFC 9106 second recommendation, lighter
// memory). CheckPassword reads them from the hash, so hashes made with other
// parameters keep verifying.
var (
	argonTime    uint32 = 2
	argonMemory  uint32 = 19 * 1024
	argonThreads uint8  = 1
)

const argonKeyLen = 32

// UseCheapHashingInTests makes new hashes cheap (t=1, 64 KiB): at production
// cost, hashing dominates the test suite. dbtest calls it from init; it
// panics outside a test binary, so production can never weaken hashes.
func UseCheapHashingInTests() {
	if !testing.Testing() {
		panic("auth.UseCheapHashingInTests called outside a test binary")
	}
	argonTime, argonMemory = 1, 64
	// Logins of unknown users verify against this: as cheap as a real hash.
	dummyHash = HashPassword("dummy-password-for-timing")
}

// HashPassword returns a self-describing argon2id hash string.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// CheckPassword compares pw with a hash made by HashPassword, in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Passwords too common to allow, whatever their character classes. Matched
// case-insensitively after stripping digits and symbols from the ends, so
// "Gongan@2024" and "P@ssw0rd123" are caught.
var commonStems = []string{"password", "passw0rd", "p@ssw0rd", "gongan", "admin", "qwerty", "abc", "abcd", "iloveyou",
	"welcome", "hongdun", "police", "jingcha", "zhongguo", "china", "root", "test", "user", "letmein", "asdf", "zxcv", "qwer", "1q2w3e", "dangjian", "gong an"}

// ErrPasswordPolicy explains, in Chinese, why a password is refused.
type ErrPasswordPolicy struct{ Reason string }

func (e *ErrPasswordPolicy) Error() string { return e.Reason }

// CheckPolicy enforces length, character classes and the common-password list.
func CheckPolicy(pw, username string, minLen int) error {
	if len([]rune(pw)) < minLen {
		return &ErrPasswordPolicy{fmt.Sprintf("密码至少 %d 位", minLen)}
	}
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			n++
		}
	}
	if n < 3 {
		return &ErrPasswordPolicy{"密码须包含大写字母、小写字母、数字、符号中的至少三类"}
	}
	low := strings.ToLower(pw)
	if username != "" && strings.Contains(low, strings.ToLower(username)) {
		return &ErrPasswordPolicy{"密码不能包含用户名"}
	}
	stem := strings.TrimFunc(low, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, c := range commonStems {
		if stem == c || strings.TrimFunc(strings.ReplaceAll(low, "@", "a"), func(r rune) bool { return !unicode.IsLetter(r) }) == c {
			return &ErrPasswordPolicy{"密码过于常见，请换一个不易猜到的密码"}
		}
	}
	return nil
}
