package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/fail"
)

// Error is what a user reads of a failed request: a status, a machine code
// and a Chinese message; rule rejections also name their rule and citation.
// Domain code and handlers return fail errors, which asError maps here; a
// handler builds an Error itself only for what HTTP alone knows (a failed
// login, throttling, an upload over its size).
type Error struct {
	Status   int    `json:"-"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Field    string `json:"field,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Citation string `json:"citation,omitempty"`
	// RuleTitle is the rule's Chinese name; pages show it, never Rule.
	RuleTitle string `json:"rule_title,omitempty"`
	// Dates the refusal computed: the first on which the request would
	// pass, and the last a time limit allowed (YYYY-MM-DD).
	PossibleOn string `json:"possible_on,omitempty"`
	Due        string `json:"due,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// asError maps any error to a user-facing one; unknown errors become a
// generic 500 whose details go only to the log.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var de *fail.Error
	if errors.As(err, &de) {
		return fromFail(de)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: fmt.Sprintf("提交的内容过大（上限 %d MB）", mbe.Limit>>20)}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "服务器内部错误，请稍后重试；如持续出现请联系系统管理员"}
}

// statuses are the status and machine code of each kind of refusal.
var statuses = map[fail.Kind]struct {
	status int
	code   string
}{
	fail.KindNotFound:   {http.StatusNotFound, "not_found"},
	fail.KindForbidden:  {http.StatusForbidden, "forbidden"},
	fail.KindMalformed:  {http.StatusBadRequest, "bad_request"},
	fail.KindNotAllowed: {http.StatusUnprocessableEntity, "invalid"},
	fail.KindRefused:    {http.StatusUnprocessableEntity, "refused"},
	fail.KindConflict:   {http.StatusConflict, "conflict"},
}

// fromFail maps a domain refusal to its status and code; a refusal of an
// unknown kind is a programming error, answered as an internal one.
func fromFail(de *fail.Error) *Error {
	s, ok := statuses[de.Kind]
	if !ok {
		return asError(errors.New("unknown kind of refusal"))
	}
	code := de.Code
	if code == "" {
		code = s.code
	}
	return &Error{Status: s.status, Code: code, Message: de.Message, Field: de.Field, Rule: de.Rule, Citation: de.Citation,
		RuleTitle: de.RuleTitle, PossibleOn: de.PossibleOn, Due: de.Due}
}

// DecodeJSON reads a request body of at most 1 MB into v: one JSON object
// in UTF-8, holding only fields v declares. Anything else is a 400 with a
// Chinese message naming the problem: a value after the object (a second
// object could carry fields a proxy or log never showed), an array or null,
// bytes that are no UTF-8 (the decoder would quietly store U+FFFD instead),
// a NUL (PostgreSQL can neither store nor compare it).
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fail.Malformed("", "请求体未能完整读取，请重新提交")
	}
	text := bytes.TrimSpace(body)
	switch {
	case len(text) == 0:
		return fail.Malformed("", "请求体为空，应为 JSON 对象")
	case !utf8.Valid(text):
		return fail.Malformed("", "请求体含有无效的字符编码，应为 UTF-8 编码的 JSON 对象")
	case text[0] != '{':
		return fail.Malformed("", "请求体应为 JSON 对象（以 { 开头）")
	case escapedNUL(text):
		return fail.Malformed("", "请求体含有空字符（\\u0000），请删除后重新提交")
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		switch {
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return fail.Malformed(f, fmt.Sprintf("不允许提交字段 %q", f))
		case errors.As(err, &ute):
			return fail.Malformed(ute.Field, fmt.Sprintf("字段 %q 的类型不正确", ute.Field))
		default:
			return fail.Malformed("", "请求体不是有效的 JSON")
		}
	}
	if dec.InputOffset() != int64(len(text)) {
		return fail.Malformed("", "请求体在 JSON 对象之后还有多余的内容，请只提交一个对象")
	}
	return nil
}

// escapedNUL reports whether a JSON text holds the escape \u0000 (a raw
// NUL is no JSON at all). A backslash occurs only inside strings, so
// skipping each escaped character finds exactly the real escapes.
func escapedNUL(text []byte) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != '\\' {
			continue
		}
		if i+5 < len(text) && text[i+1] == 'u' && string(text[i+2:i+6]) == "0000" {
			return true
		}
		i++
	}
	return false
}
