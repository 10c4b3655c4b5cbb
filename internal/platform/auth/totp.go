package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP (RFC 6238) as every authenticator app implements it: HMAC-SHA1 over
// the number of 30-second steps since the epoch, 6 digits. SHA-1 is what the
// apps support; inside an HMAC it is not weakened by SHA-1 collisions.
const (
	otpPeriod = 30
	otpDigits = 6
	otpSkew   = 1 // steps either side accepted, for clock drift
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewOTPSecret returns 160 random bits in base32, the form users type in.
func NewOTPSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b32.EncodeToString(b)
}

// hotp is RFC 4226's HOTP value of counter with the given number of digits.
func hotp(key []byte, counter uint64, digits int) string {
	m := hmac.New(sha1.New, key)
	_ = binary.Write(m, binary.BigEndian, counter) // writing to a hash never fails
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, v%mod)
}

// otpStep is the time step containing t.
func otpStep(t time.Time) int64 { return t.Unix() / otpPeriod }

// matchOTP reports the step whose code equals code, within the skew.
func matchOTP(secret, code string, now time.Time) (int64, bool) {
	key, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil || !validOTPFormat(code) {
		return 0, false
	}
	step := otpStep(now)
	for s := step - otpSkew; s <= step+otpSkew; s++ {
		if subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), otpDigits)), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// validOTPFormat reports whether code is six ASCII digits.
func validOTPFormat(code string) bool {
	if len(code) != otpDigits {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// NormalizeOTP removes the spaces people type or paste into a code.
func NormalizeOTP(code string) string { return strings.ReplaceAll(strings.TrimSpace(code), " ", "") }

// OTPCode is the current code of secret; for tests and the CLI.
func OTPCode(secret string, t time.Time) string {
	key, _ := b32.DecodeString(strings.ToUpper(secret))
	return hotp(key, uint64(otpStep(t)), otpDigits)
}

// OTPURI is the otpauth:// URI an authenticator app reads from a QR code.
func OTPURI(username, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {otpIssuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + url.PathEscape(otpIssuer+":"+username) + "?" + v.Encode()
}

const otpIssuer = "红盾党建"
