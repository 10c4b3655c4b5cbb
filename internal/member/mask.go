package member

import (
	"strings"

	"hongdun/internal/platform/idcard"
)

func maskID(id string) string {
	if id == "" {
		return ""
	}
	return idcard.Mask(id)
}

// maskPhone keeps the first 3 and last 4 digits of a mobile number.
func maskPhone(ph string) string {
	if len(ph) <= 7 {
		return strings.Repeat("*", len(ph))
	}
	return ph[:3] + strings.Repeat("*", len(ph)-7) + ph[len(ph)-4:]
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// reverse reverses an ASCII string (ID numbers are ASCII once normalised).
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
