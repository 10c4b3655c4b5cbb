// Package input reads the values of forms and requests that every feature
// reads alike: free text within a length, civil dates, years, paging. Each
// refusal names the field and says in Chinese what to write instead.
package input

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
)

// Text trims a free-text value and checks it: present when required, at
// most max characters, no invisible or control characters (newlines only
// when multiline).
func Text(field, label, v string, required bool, max int, multiline bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", fail.Malformed(field, "请填写"+label)
	}
	if utf8.RuneCountInString(v) > max {
		return "", fail.NotAllowed(field, fmt.Sprintf("%s不能超过 %d 字", label, max))
	}
	if msg := plaintext.Message(label, v, multiline); msg != "" {
		return "", fail.NotAllowed(field, msg)
	}
	return v, nil
}

// Date reads a required civil date.
func Date(field, label, v string) (civil.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return civil.Date{}, fail.Malformed(field, "请填写"+label)
	}
	d, err := civil.Parse(v)
	if err != nil {
		return d, fail.Malformed(field, "请按“年-月-日”填写"+label+"，如 2026-03-12")
	}
	if d.Before(civil.New(2000, 1, 1)) || d.After(civil.New(2100, 12, 31)) {
		return d, fail.NotAllowed(field, label+"的年份不合理，请核对")
	}
	return d, nil
}

// OptDate reads an optional civil date; the zero date when empty.
func OptDate(field, label, v string) (civil.Date, error) {
	if strings.TrimSpace(v) == "" {
		return civil.Date{}, nil
	}
	return Date(field, label, v)
}

// Year reads a four-digit year; def when empty.
func Year(field, v string, def int) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fail.Malformed(field, "年度应为四位年份，如 2026")
	}
	return y, nil
}

// ID reads an optional positive id; 0 when empty.
func ID(field, label, v string) (int64, error) { return Positive(field, label+"编号", v) }

// Positive reads an optional positive whole number (an id, a year, a
// version); 0 when empty.
func Positive(field, label, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fail.Malformed(field, label+"应为正整数")
	}
	return n, nil
}

// Int reads a whole number between min and max; def when empty.
func Int(field, label, v string, min, max, def int) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fail.Malformed(field, label+"应为整数")
	}
	switch {
	case n < min && max == Unbounded:
		return 0, fail.NotAllowed(field, fmt.Sprintf("%s应不小于 %d", label, min))
	case n < min || n > max:
		return 0, fail.NotAllowed(field, fmt.Sprintf("%s应在 %d 至 %d 之间", label, min, max))
	}
	return n, nil
}

// Unbounded as Int's max takes any number from min up.
const Unbounded = 1 << 30

// Paging reads page and per_page (1–200, default 50).
func Paging(q url.Values) (page, per int, err error) {
	if page, err = Int("page", "页码", q.Get("page"), 1, Unbounded, 1); err != nil {
		return 0, 0, err
	}
	per, err = Int("per_page", "每页条数", q.Get("per_page"), 1, 200, 50)
	return page, per, err
}

// InPages refuses, as Paging does, a page and size given as numbers (a
// domain filter's), which must never be read as others.
func InPages(page, per int) error {
	_, _, err := Paging(url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(per)}})
	return err
}
