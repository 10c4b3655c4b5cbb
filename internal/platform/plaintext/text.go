package plaintext

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/fail"
)

// Text trims a free-text field of a request and checks it: present when
// required, at most max characters, no invisible or control characters
// (newlines and tabs allowed when multiline). Each refusal names the field
// (name, as the request spells it) in Chinese (label).
func Text(name, label, v string, required bool, max int, multiline bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", fail.Malformed(name, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		return "", fail.NotAllowed(name, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	}
	if msg := Message(label, v, multiline); msg != "" {
		return "", fail.NotAllowed(name, msg)
	}
	return v, nil
}
