package auth

import (
	"strings"
	"testing"
	"time"
)

// TestRFC6238Vectors checks the SHA-1 rows of RFC 6238 appendix B (8 digits,
// the 20-byte ASCII key "12345678901234567890").
func TestRFC6238Vectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for unix, want := range map[int64]string{
		59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
		1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130",
	} {
		if got := hotp(key, uint64(otpStep(time.Unix(unix, 0))), 8); got != want {
			t.Errorf("T=%d: %s, want %s", unix, got, want)
		}
	}
}

func TestMatchOTPSkew(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	now := time.Unix(1111111111, 0)
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		step, ok := matchOTP(secret, OTPCode(secret, now.Add(d)), now)
		if !ok || step != otpStep(now.Add(d)) {
			t.Errorf("code of %v accepted=%v step=%d", d, ok, step)
		}
	}
	for _, d := range []time.Duration{-90 * time.Second, 90 * time.Second} {
		if _, ok := matchOTP(secret, OTPCode(secret, now.Add(d)), now); ok {
			t.Errorf("code %v away accepted", d)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "12a456", "１２３４５６"} {
		if _, ok := matchOTP(secret, bad, now); ok {
			t.Errorf("malformed code %q accepted", bad)
		}
	}
	if s := NewOTPSecret(); len(s) != 32 || strings.ContainsAny(s, "=") {
		t.Errorf("secret %q", s)
	}
}
