// Package confirm is how a bulk action asks first: its preview shows what
// it will do with a fingerprint of it, and the confirmation carrying that
// fingerprint is refused when what it would do has changed since.
package confirm

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"hongdun/internal/platform/fail"
)

// Print fingerprints what a preview shows: the action's parameters and the
// ids of the records it creates or changes, in order.
func Print(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		_, _ = fmt.Fprintf(h, "%v|", p) // writing to a hash never fails
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Check refuses a confirmation without the preview's fingerprint (400) or
// with that of a preview that no longer holds (409); what names what changed.
func Check(expect, now, what string) error {
	if expect == "" {
		return fail.Malformed("expect", "请先预览，核对后再确认")
	}
	if expect != now {
		return fail.Conflict("预览之后" + what + "已有变化，请重新预览后再确认")
	}
	return nil
}
