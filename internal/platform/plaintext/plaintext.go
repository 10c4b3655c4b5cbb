// Package plaintext refuses the characters that let stored text show
// something other than what it holds: bidirectional overrides and
// isolates (a name that reads backwards, a file name whose extension is
// reversed), zero-width characters (two names that look alike but are not
// equal, hidden text in an export) and control characters. Every
// validator of free text calls it, so a name, an organisation, an account
// or a roster row is refused the same way, with a message naming the field.
package plaintext

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/fail"
)

// Bad returns the first character that free text may not hold. A
// multi-line text (a textarea: notes, question stems) may hold newlines
// and tabs; a single-line one may not.
func Bad(s string, multiline bool) (rune, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				if !(multiline && (c == '\n' || c == '\r' || c == '\t')) {
					return rune(c), true
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return r, true
		}
		if forbidden(r) {
			return r, true
		}
		i += n
	}
	return 0, false
}

// forbidden reports the non-ASCII characters refused everywhere.
func forbidden(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r == 0x061c: // Arabic letter mark (a bidi mark)
		return true
	case r >= 0x200b && r <= 0x200f: // zero-width space, (non-)joiners, LRM, RLM
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e: // bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x2064: // word joiner, invisible operators
		return true
	case r >= 0x2066 && r <= 0x2069: // bidi isolates
		return true
	case r == 0xfeff: // zero-width no-break space (BOM)
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tag characters
		return true
	}
	return false
}

// describe names a refused character in words.
func describe(r rune) string {
	switch {
	case r == utf8.RuneError:
		return "无效的字符编码"
	case r == '\t':
		return "制表符"
	case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
		return "换行符"
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		return "控制字符"
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x061c, r == 0x200e, r == 0x200f:
		return "文字方向控制字符"
	case r == 0x200b || r == 0xfeff:
		return "零宽空格"
	case r == 0x200c || r == 0x200d || r == 0x2060:
		return "零宽连接符"
	}
	return "不可见字符"
}

// Message returns the Chinese message refusing s as the content of the
// field called label ("姓名"), or "" when s is clean.
func Message(label, s string, multiline bool) string {
	r, bad := Bad(s, multiline)
	if !bad {
		return ""
	}
	what := describe(r)
	if r == utf8.RuneError {
		return fmt.Sprintf("%s含有%s，请重新输入", label, what)
	}
	if !multiline && (r == '\n' || r == '\r' || r == '\t') {
		return fmt.Sprintf("%s不能含有%s，请写在一行内", label, what)
	}
	return fmt.Sprintf("%s含有不可见的%s（U+%04X），可能是从网页或文档中复制带入的，请删除后重新输入", label, what, r)
}

// Line is Message for single-line text.
func Line(label, s string) string { return Message(label, s, false) }

// Lines is Message for multi-line text: newlines and tabs are allowed.
func Lines(label, s string) string { return Message(label, s, true) }

// Field is one text field of a request: its name (as the request spells
// it), its label (as a person reads it), its value, and whether it may
// hold several lines.
type Field struct {
	Name, Label, Value string
	Multiline          bool
}

// First returns the name and the message of the first field holding a
// refused character, "" and "" when all are clean.
func First(fields ...Field) (name, msg string) {
	for _, f := range fields {
		if m := Message(f.Label, f.Value, f.Multiline); m != "" {
			return f.Name, m
		}
	}
	return "", ""
}

// Check refuses a form field's value, naming the field: characters that
// may not be stored, nothing where something is required, more than max
// characters. Nil when the value is fine.
func Check(name, label, value string, required bool, max int, multiline bool) *fail.Error {
	msg := Message(label, value, multiline)
	switch {
	case msg != "":
		return fail.Malformed(name, msg)
	case required && strings.TrimSpace(value) == "":
		return fail.Malformed(name, "请填写"+label)
	case utf8.RuneCountInString(value) > max:
		return fail.Malformed(name, fmt.Sprintf("%s不超过 %d 字", label, max))
	}
	return nil
}
